/**
 * Access to the region's stream log (StreamLogReader, implemented by the store). A store without
 * it reads as an empty log, so the Streams API still answers (streams exist, hold no records).
 */
import type { RegionStore, StreamLogReader } from '../../storage/types.js';

const emptyLog: StreamLogReader = {
  streamRecords: () => [],
  streamSequenceRange: () => undefined,
};

export function streamLogOf(store: RegionStore): StreamLogReader {
  const reader = store as RegionStore & Partial<StreamLogReader>;
  if (typeof reader.streamRecords !== 'function' || typeof reader.streamSequenceRange !== 'function')
    return emptyLog;
  return {
    streamRecords: reader.streamRecords.bind(store),
    streamSequenceRange: reader.streamSequenceRange.bind(store),
  };
}

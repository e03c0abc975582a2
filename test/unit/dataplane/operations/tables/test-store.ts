/** The store the table tests run on: the real LMDB region store over the harness's temp directory. */
import { openRegionStore } from '../../../../../src/dataplane/storage/index.js';
import type { RegionStore } from '../../../../../src/dataplane/storage/types.js';

export async function openTestStore(dataDir: string): Promise<RegionStore> {
  return openRegionStore({ dataDir });
}

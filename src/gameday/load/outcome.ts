/** What one operation came to, before the runner adds who ran it and when. */
import type { OpRecord } from '../model.js';

export type OpOutcome = Pick<
  OpRecord,
  'ok' | 'indeterminate' | 'status' | 'error' | 'region' | 'write' | 'read' | 'increment'
>;

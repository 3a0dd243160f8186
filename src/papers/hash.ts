/** Kept for callers written before prepared.ts; prefer preparePaper(). */
import type { PaperInput } from './paper.ts';
import { preparePaper } from './prepared.ts';

export { categoryToken } from './prepared.ts';

export function contentHash(p: PaperInput): string {
  return preparePaper(p).contentHash;
}

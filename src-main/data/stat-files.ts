import { statSync } from 'node:fs';
import { MISSING, type FileEntry } from './scan-source.ts';

/**
 * Fills in size and mtimeMs of `entries` (relative to root): the cache check needs them for every
 * file before it can trust the cache. One thread on purpose: on FER2013 (32k files) splitting the
 * stat calls over worker threads measured slower (491 vs 280 ms wall, 197 vs 108 ms CPU), since
 * handing each worker its paths costs more than the calls themselves.
 */
export function statEntries(root: string, entries: FileEntry[]): void {
  for (const e of entries) {
    const st = statSync(`${root}/${e.rel}`, { throwIfNoEntry: false });
    e.size = st ? st.size : MISSING;
    e.mtimeMs = st ? st.mtimeMs : MISSING;
  }
}

import type Database from 'better-sqlite3';
import type { RunStore } from '../store/run-store.ts';

/**
 * The RunStore's own better-sqlite3 connection, which the queue and the run-bundle importer use for
 * their tables (created by the store's migration 2). Sharing it keeps one owner of runs.db and the
 * right native binding in Electron (the store may be opened with an Electron-ABI `nativeBinding`;
 * a second `new Database()` here would load the Node build and crash the desktop app).
 * RunStore keeps the connection in a private field; this is the one place that reads it.
 */
export function connectionOf(store: RunStore): Database.Database {
  const db = (store as unknown as { db?: Database.Database }).db;
  if (!db || typeof db.prepare !== 'function' || typeof db.transaction !== 'function') {
    throw new Error('RunStore does not expose its SQLite connection as expected; update src-main/experiments/store-connection.ts');
  }
  if (!db.open) throw new Error(`the run database ${store.file} is closed`);
  return db;
}

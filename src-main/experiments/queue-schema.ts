import type Database from 'better-sqlite3';

/**
 * Schema of the experiment queue (and of imported runs' origins), applied as one numbered migration of the run store (see
 * src-main/store/migrations.ts), so a runs.db opened by an older FER Lab gains the tables on upgrade
 * and one file still holds everything a researcher has.
 */
export function migrateQueueTables(db: Database.Database): void {
  db.exec(`
    -- A group of queued runs made together (the paper reproduction, a sweep); kept so the results
    -- view can find its runs again and a sweep can be ranked as a whole.
    CREATE TABLE experiments (
      id         INTEGER PRIMARY KEY AUTOINCREMENT,
      kind       TEXT NOT NULL CHECK (kind IN ('paper', 'sweep')),
      name       TEXT NOT NULL,
      spec       TEXT NOT NULL,          -- JSON: the request that expanded into the items
      created_at TEXT NOT NULL
    );

    CREATE TABLE queue_items (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      position      INTEGER NOT NULL,      -- execution order among waiting items (smaller first)
      label         TEXT NOT NULL,
      config        TEXT NOT NULL,         -- JSON run config input, validated when queued
      experiment_id INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
      item_key      TEXT,                  -- the item's role in its experiment ('alexnet', 'trial-3')
      params        TEXT NOT NULL DEFAULT '{}',  -- JSON: sweep values chosen for this item
      status        TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'done', 'failed', 'stopped')),
      run_id        INTEGER REFERENCES runs(id) ON DELETE SET NULL,
      error         TEXT,
      created_at    TEXT NOT NULL,
      started_at    TEXT,
      finished_at   TEXT
    );
    CREATE INDEX queue_items_order ON queue_items(status, position);
    CREATE INDEX queue_items_experiment ON queue_items(experiment_id);

    -- At most one process executes the queue; its pid is the lock (a dead pid is taken over).
    -- Runs imported from a bundle (src-main/portable): the run's identity across homes, so importing
    -- the same run twice is refused; deleting the run forgets it.
    CREATE TABLE run_origins (
      run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      uid         TEXT NOT NULL UNIQUE,
      source      TEXT NOT NULL,
      imported_at TEXT NOT NULL
    );

    CREATE TABLE queue_runner (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      pid        INTEGER NOT NULL,
      started_at TEXT NOT NULL
    );
  `);
}

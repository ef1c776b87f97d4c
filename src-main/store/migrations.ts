import type Database from 'better-sqlite3';
import { migrateQueueTables } from '../experiments/queue-schema.ts';

/**
 * Numbered schema migrations. Migration i (0-based) takes the database from user_version i to
 * i + 1; the last entry's number is the schema version this code writes. Never edit a shipped
 * migration: append a new one, so every existing runs.db upgrades the same way.
 */
export type Migration = (db: Database.Database) => void;

export const MIGRATIONS: ReadonlyArray<Migration> = [
  // 1: the initial schema.
  (db) => {
    db.exec(`
      CREATE TABLE datasets (
        fingerprint TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        source      TEXT NOT NULL,
        format      TEXT NOT NULL,
        class_names TEXT NOT NULL DEFAULT '[]',   -- JSON array
        counts      TEXT NOT NULL DEFAULT '{}',   -- JSON object, e.g. per split and class
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );

      -- AUTOINCREMENT so a deleted run's id (and so its runs/<id>/ folder name) is never reused.
      CREATE TABLE runs (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        model_name          TEXT NOT NULL,
        seed                INTEGER NOT NULL,
        dataset_fingerprint TEXT REFERENCES datasets(fingerprint) ON UPDATE CASCADE ON DELETE RESTRICT,
        status              TEXT NOT NULL DEFAULT 'queued'
                            CHECK (status IN ('queued','running','completed','stopped','failed','interrupted')),
        error               TEXT,
        worker_pid          INTEGER,
        backend             TEXT NOT NULL DEFAULT '{}',   -- JSON: backend name, GPU, device
        versions            TEXT NOT NULL DEFAULT '{}',   -- JSON: package versions
        created_at          TEXT NOT NULL,
        started_at          TEXT,
        finished_at         TEXT,
        epochs_done         INTEGER NOT NULL DEFAULT 0,
        best_epoch          INTEGER,
        best_val_acc        REAL,
        test_acc            REAL,
        resumed_from_epoch  INTEGER,
        notes               TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX runs_model ON runs(model_name);

      -- The full validated training config, one per run; kept apart from the run row because it
      -- is large and only read when a run is resumed or inspected.
      CREATE TABLE run_configs (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        config TEXT NOT NULL
      );

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag    TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX run_tags_tag ON run_tags(tag);

      CREATE TABLE epoch_metrics (
        run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch       INTEGER NOT NULL,
        train_loss  REAL,
        train_acc   REAL,
        val_loss    REAL,
        val_acc     REAL,
        lr          REAL,
        elapsed_ms  REAL,
        num_tensors INTEGER,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (run_id, epoch)
      ) WITHOUT ROWID;

      CREATE TABLE batch_metrics (
        run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch          INTEGER NOT NULL,
        batch          INTEGER NOT NULL,
        loss           REAL,
        acc            REAL,
        images_per_sec REAL,
        eta_s          REAL,
        at_ms          INTEGER NOT NULL,   -- Unix ms
        PRIMARY KEY (run_id, epoch, batch)
      ) WITHOUT ROWID;

      CREATE TABLE evaluations (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        split        TEXT NOT NULL,
        tta          INTEGER NOT NULL DEFAULT 0 CHECK (tta IN (0, 1)),
        checkpoint   TEXT,                 -- 'best' | 'last' | null
        num_samples  INTEGER NOT NULL,
        accuracy     REAL NOT NULL,
        macro_f1     REAL NOT NULL,
        metrics      TEXT NOT NULL,        -- JSON EvaluationReport
        created_at   TEXT NOT NULL
      );
      CREATE INDEX evaluations_run ON evaluations(run_id, split);

      -- Per-sample predictions of one evaluation, packed into BLOBs (a FER2013 test split is 3589
      -- samples: ~25 kB per evaluation instead of 3589 rows).
      CREATE TABLE predictions (
        evaluation_id INTEGER PRIMARY KEY REFERENCES evaluations(id) ON DELETE CASCADE,
        count         INTEGER NOT NULL,
        sample_index  BLOB NOT NULL,   -- little-endian uint32 per sample: index into the dataset
        true_label    BLOB NOT NULL,   -- uint8 per sample
        predicted     BLOB NOT NULL,   -- uint8 per sample
        probability   BLOB NOT NULL    -- little-endian float32 per sample: probability of predicted
      );

      CREATE TABLE artifacts (
        run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('best', 'last')),
        epoch      INTEGER NOT NULL,
        path       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, kind)
      ) WITHOUT ROWID;
    `);
  },
  // 2: the experiment queue and experiments (src-main/experiments/queue-schema.ts).
  migrateQueueTables,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

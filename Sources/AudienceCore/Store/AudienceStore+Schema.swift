import GRDB

extension AudienceStore {
    /// The schema, as an append-only list of migrations: never edit one that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-audience") { db in
            // Members of every directory. `key_hi`/`key_lo` hold the 128-bit hash of user_id and
            // `content_hash` the hash of everything stored, so a sync can compare a million rows
            // without reading their strings. No foreign keys on the bulk tables: the sync keeps
            // them consistent inside one transaction, and per-row FK checks would double the
            // cost of a first import.
            try db.execute(
                sql: """
                    CREATE TABLE members (
                        id INTEGER PRIMARY KEY,
                        directory TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        key_hi INTEGER NOT NULL,
                        key_lo INTEGER NOT NULL,
                        content_hash INTEGER NOT NULL,
                        email TEXT NOT NULL,
                        email_key TEXT NOT NULL,
                        first_name TEXT NOT NULL,
                        last_name TEXT NOT NULL,
                        \(Attribute.allCases.map { "\($0.rawValue) TEXT" }.joined(separator: ",\n    "))
                    );
                    CREATE UNIQUE INDEX members_by_user ON members(directory, user_id);
                    CREATE TABLE groups (
                        id INTEGER PRIMARY KEY,
                        directory TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        name TEXT NOT NULL,
                        UNIQUE (directory, group_key)
                    );
                    CREATE TABLE memberships (
                        member_id INTEGER NOT NULL,
                        group_id INTEGER NOT NULL,
                        PRIMARY KEY (member_id, group_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE lists (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        imported_at TEXT NOT NULL,
                        file_sha256 TEXT NOT NULL
                    );
                    CREATE TABLE list_recipients (
                        list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
                        email TEXT NOT NULL,
                        email_key TEXT NOT NULL,
                        first_name TEXT NOT NULL,
                        last_name TEXT NOT NULL,
                        PRIMARY KEY (list_id, email_key)
                    ) WITHOUT ROWID;
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY,
                        directory TEXT NOT NULL,
                        command TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        ended_at TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        exit_code INTEGER NOT NULL,
                        message TEXT,
                        attributes TEXT NOT NULL,
                        data_rows INTEGER NOT NULL DEFAULT 0,
                        added INTEGER NOT NULL DEFAULT 0,
                        updated INTEGER NOT NULL DEFAULT 0,
                        removed INTEGER NOT NULL DEFAULT 0,
                        unchanged INTEGER NOT NULL DEFAULT 0,
                        rejected INTEGER NOT NULL DEFAULT 0,
                        groups_added INTEGER NOT NULL DEFAULT 0,
                        groups_removed INTEGER NOT NULL DEFAULT 0,
                        memberships_added INTEGER NOT NULL DEFAULT 0,
                        memberships_removed INTEGER NOT NULL DEFAULT 0,
                        members_after INTEGER,
                        os_user TEXT,
                        pid INTEGER
                    );
                    CREATE INDEX runs_by_directory ON runs(directory, id);
                    CREATE TABLE run_files (
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        role TEXT NOT NULL,
                        name TEXT NOT NULL,
                        bytes INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        PRIMARY KEY (run_id, role)
                    ) WITHOUT ROWID;
                    CREATE TABLE run_rejects (
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        file TEXT NOT NULL,
                        line INTEGER NOT NULL,
                        column_number INTEGER,
                        reason TEXT NOT NULL
                    );
                    CREATE INDEX run_rejects_by_run ON run_rejects(run_id);
                    """)
        }
        migrator.registerMigration("v2-remote-stat") { db in
            // The SFTP poller skips a download when size and mtime equal the last applied run's.
            try db.execute(
                sql: """
                    ALTER TABLE run_files ADD COLUMN remote_size INTEGER;
                    ALTER TABLE run_files ADD COLUMN remote_mtime REAL;
                    """)
        }
        migrator.registerMigration("v3-operations") { db in
            // A run's row is written when it starts (outcome 'running'), so its id is the run_id of
            // every log line, and a run killed before it could record an outcome is found and marked
            // 'interrupted' by the next one. A held run keeps its plan (run_plan) and the paths of
            // its files (run_files.path) until it is approved, discarded or superseded (plan_state).
            try db.execute(
                sql: """
                    ALTER TABLE runs ADD COLUMN plan_state TEXT;
                    ALTER TABLE runs ADD COLUMN resolved_by TEXT;
                    ALTER TABLE runs ADD COLUMN resolved_at TEXT;
                    ALTER TABLE runs ADD COLUMN approves_run INTEGER;
                    ALTER TABLE runs ADD COLUMN members_before INTEGER;
                    ALTER TABLE run_files ADD COLUMN path TEXT;
                    CREATE INDEX runs_by_plan_state ON runs(plan_state) WHERE plan_state IS NOT NULL;
                    CREATE TABLE run_plan (
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        action TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        email TEXT NOT NULL,
                        first_name TEXT NOT NULL,
                        last_name TEXT NOT NULL
                    );
                    CREATE INDEX run_plan_by_run ON run_plan(run_id, action);
                    """)
        }
        return migrator
    }
}

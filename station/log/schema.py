"""The session log's tables, as forward migrations.

``MIGRATIONS[n]`` takes a database from schema version n to n + 1; the
version lives in ``PRAGMA user_version``. A migration is never edited once
released: a change is a new migration appended to the list.

Times: ``*_at`` columns are wall-clock ISO 8601 UTC strings with an offset
(``2026-11-24T18:03:12.512+00:00``), for people and spreadsheets; ``*_s``
columns are seconds on the set's own source timeline, for analysis.
"""

MIGRATIONS = [
    """
    CREATE TABLE athletes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        body_mass_kg REAL,                 -- optional, as the athlete gave it
        tag_id TEXT UNIQUE,                -- optional RFID/NFC tag
        guest INTEGER NOT NULL DEFAULT 0,  -- 1: a quick guest, not on the roster
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,                     -- NULL: still running, or the power went
        mat_source TEXT NOT NULL,
        force_source TEXT NOT NULL,
        simulated INTEGER NOT NULL
    );
    CREATE TABLE sets (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        athlete_id INTEGER REFERENCES athletes(id),   -- NULL: nobody picked
        set_index INTEGER NOT NULL,        -- the pipeline's set index in its session
        started_at TEXT NOT NULL,
        start_s REAL NOT NULL,
        end_s REAL,                        -- NULL until the set ends
        ended_by TEXT,                     -- "step_off" or "end"
        reps INTEGER,
        valid_reps INTEGER,
        body_weight_n REAL,
        recording_path TEXT,               -- relative to the data folder; NULL once pruned
        UNIQUE (session_id, set_index)
    );
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id),
        contact_index INTEGER NOT NULL,
        start_s REAL,
        end_s REAL,
        zone TEXT,
        landed INTEGER NOT NULL,
        rsi REAL,
        peak_force_n REAL,
        peak_force_bw REAL,
        time_to_peak_s REAL,
        loading_rate_bw_per_s REAL,
        impact_peak INTEGER,
        softness REAL,
        rating TEXT,                       -- "soft", "firm", "hard" or NULL
        UNIQUE (set_id, contact_index)
    );
    CREATE TABLE flights (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id),
        flight_index INTEGER NOT NULL,
        takeoff_s REAL NOT NULL,
        landing_s REAL NOT NULL,
        direction TEXT,
        displacement_m REAL,
        UNIQUE (set_id, flight_index)
    );
    CREATE TABLE reps (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id),
        rep_index INTEGER NOT NULL,
        completed_at TEXT NOT NULL,        -- wall clock when the rep completed
        back_flight_s REAL,
        rebound_contact_s REAL,
        forward_flight_s REAL,
        jump_height_m REAL,
        rsi REAL,
        landing_peak_force_n REAL,         -- the rebound contact's landing
        loading_rate_bw_per_s REAL,
        softness REAL,
        rating TEXT,
        valid INTEGER NOT NULL,
        reason TEXT,
        UNIQUE (set_id, rep_index)
    );
    CREATE TABLE challenges (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        name TEXT NOT NULL,
        definition_json TEXT NOT NULL,     -- the challenge as it was run
        started_at TEXT NOT NULL,
        ended_at TEXT,
        ended_by TEXT                      -- "finished" or "aborted"
    );
    CREATE TABLE challenge_rounds (
        id INTEGER PRIMARY KEY,
        challenge_id INTEGER NOT NULL REFERENCES challenges(id),
        athlete_id INTEGER REFERENCES athletes(id),
        round_index INTEGER NOT NULL,      -- from 1
        reps INTEGER NOT NULL,
        valid_reps INTEGER NOT NULL,
        quality_reps INTEGER NOT NULL,     -- valid and landed soft or firm
        mean_rebound_contact_s REAL,
        UNIQUE (challenge_id, round_index, athlete_id)
    );
    CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        exported_at TEXT NOT NULL,
        destination TEXT NOT NULL,
        reps INTEGER NOT NULL,
        since TEXT                         -- NULL: everything
    );
    CREATE INDEX sets_by_session ON sets(session_id);
    CREATE INDEX sets_by_athlete ON sets(athlete_id);
    CREATE INDEX reps_by_set ON reps(set_id);
    CREATE INDEX contacts_by_set ON contacts(set_id);
    CREATE INDEX flights_by_set ON flights(set_id);
    """,
    # Which athletes an export of some athletes only (``station export
    # --athlete``) covered, so that it moves "since last" for them alone. An
    # export without rows here covered everyone (exports made before this
    # table existed are taken as such).
    """
    CREATE TABLE export_athletes (
        export_id INTEGER NOT NULL REFERENCES exports(id),
        athlete_id INTEGER NOT NULL REFERENCES athletes(id),
        PRIMARY KEY (export_id, athlete_id)
    );
    """,
    # Coaching from the numbers (docs/landing.md, "Coaching"): each landing's
    # share of force on the left half of the plate, from the centre of
    # pressure (a one-plate measure, not per limb), and reps whose RSI fell
    # well below the set's best (NULL: logged before this column existed).
    """
    ALTER TABLE contacts ADD COLUMN cop_left_pct REAL;
    ALTER TABLE reps ADD COLUMN fatigue INTEGER;
    """,
    # The class network (docs/network.md): each session gets a UUID, so a rep
    # is (station, session UUID, rep index) everywhere; the outbox holds what
    # the station publishes, one entry per committed row a person would miss,
    # numbered in the same transaction as the row; a challenge run for the
    # hub keeps the hub's challenge id.
    """
    ALTER TABLE sessions ADD COLUMN uuid TEXT;
    UPDATE sessions SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
    CREATE UNIQUE INDEX sessions_by_uuid ON sessions(uuid);
    ALTER TABLE challenges ADD COLUMN hub_challenge TEXT;   -- NULL: started at the station
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,           -- from 1; rows are never deleted, so never reused
        kind TEXT NOT NULL,                -- "session", "set", "rep", "challenge_round", "athlete"
        body TEXT NOT NULL,                -- JSON, as docs/network.md gives it
        created_at TEXT NOT NULL,
        sent_at TEXT                       -- NULL until the broker acknowledged it
    );
    CREATE INDEX outbox_unsent ON outbox(seq) WHERE sent_at IS NULL;
    """,
]

"""The hub's tables, as forward migrations (like the session log's).

Identity: a message is (site, station, seq); a rep is (station, session UUID,
rep index), the same rep wherever it came from. Times: ``*_at`` are ISO 8601
UTC strings as the stations sent them; ``*_unix_s`` are Unix seconds.
"""

MIGRATIONS = [
    """
    CREATE TABLE stations (
        site TEXT NOT NULL,
        id TEXT NOT NULL,
        online INTEGER NOT NULL DEFAULT 0,
        last_seen_at TEXT,                 -- the hub's clock, at the last message from it
        status_json TEXT,                  -- its last status, as it sent it
        seq_contiguous INTEGER NOT NULL DEFAULT 0,  -- every seq up to this is here
        rejected INTEGER NOT NULL DEFAULT 0,        -- messages refused
        replays INTEGER NOT NULL DEFAULT 0,         -- replay commands sent to it
        PRIMARY KEY (site, id)
    );
    CREATE TABLE messages (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at TEXT,
        body_json TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (site, station, seq)
    ) WITHOUT ROWID;
    CREATE TABLE sessions (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        session TEXT NOT NULL,
        started_at TEXT, ended_at TEXT, mat_source TEXT, force_source TEXT, simulated INTEGER,
        seq INTEGER NOT NULL,              -- the entry this row is from: a later one replaces it
        PRIMARY KEY (station, session)
    );
    CREATE TABLE sets (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        session TEXT NOT NULL,
        set_index INTEGER NOT NULL,
        athlete TEXT, started_at TEXT, start_s REAL, end_s REAL, ended_by TEXT,
        reps INTEGER, valid_reps INTEGER, body_weight_n REAL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (station, session, set_index)
    );
    CREATE TABLE reps (
        id INTEGER PRIMARY KEY,            -- arrival order: the API's cursor
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        session TEXT NOT NULL,
        set_index INTEGER,
        rep_index INTEGER NOT NULL,
        athlete TEXT,
        completed_at TEXT,
        back_flight_s REAL, rebound_contact_s REAL, forward_flight_s REAL,
        jump_height_m REAL, rsi REAL,
        landing_peak_force_n REAL, loading_rate_bw_per_s REAL, softness REAL, rating TEXT,
        valid INTEGER NOT NULL,
        reason TEXT,
        fatigue INTEGER,                   -- 1: RSI well below the set's best (docs/landing.md)
        seq INTEGER NOT NULL,
        UNIQUE (station, session, rep_index)
    );
    CREATE INDEX reps_by_station ON reps(station, id);
    CREATE TABLE challenge_rounds (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        seq INTEGER NOT NULL,
        session TEXT,
        challenge TEXT,                    -- the hub's challenge id; NULL: started on the kiosk
        name TEXT, athlete TEXT,
        round_index INTEGER NOT NULL,
        reps INTEGER, valid_reps INTEGER, quality_reps INTEGER,
        mean_rebound_contact_s REAL,
        PRIMARY KEY (site, station, seq)
    );
    CREATE INDEX rounds_by_challenge ON challenge_rounds(challenge);
    CREATE TABLE athletes (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        name TEXT NOT NULL,
        body_mass_kg REAL, tag_id TEXT, guest INTEGER, erased INTEGER,
        seq INTEGER NOT NULL,
        PRIMARY KEY (station, name)
    );
    CREATE TABLE challenges (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        definition_json TEXT NOT NULL,     -- the challenge file's keys, as sent
        stations_json TEXT NOT NULL,       -- [[site, station, athlete], ...]
        start_at_unix_s REAL NOT NULL,
        created_at TEXT NOT NULL,
        ended TEXT,                        -- NULL, "finished" or "aborted"
        paused INTEGER NOT NULL DEFAULT 0
    );
    """,
    # The coach's erasures, kept so that each is sent again to every station
    # that comes back online (a station off when it was made missed it).
    """
    CREATE TABLE erasures (
        name TEXT PRIMARY KEY,
        command_id TEXT NOT NULL,          -- of the newest erasure of the name: a station acts on each id once
        erased_at TEXT NOT NULL
    );
    """,
    # Each pause, resume and skip of a challenge at the moment the stations
    # act on it, so the TV's countdown follows the plan as the stations shift it.
    """
    CREATE TABLE challenge_controls (
        challenge TEXT NOT NULL,
        action TEXT NOT NULL,              -- "pause", "resume" or "skip"
        at_unix_s REAL NOT NULL
    );
    CREATE INDEX controls_by_challenge ON challenge_controls(challenge, at_unix_s);
    """,
    # An athlete is known per site too: two bridged gyms may both have a mat-1
    # with an Ann on it (docs/network.md, "A chain of gyms").
    """
    CREATE TABLE athletes_by_site (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        name TEXT NOT NULL,
        body_mass_kg REAL, tag_id TEXT, guest INTEGER, erased INTEGER,
        seq INTEGER NOT NULL,
        PRIMARY KEY (site, station, name)
    );
    INSERT INTO athletes_by_site SELECT site, station, name, body_mass_kg, tag_id, guest, erased,
        seq FROM athletes;
    DROP TABLE athletes;
    ALTER TABLE athletes_by_site RENAME TO athletes;
    """,
]

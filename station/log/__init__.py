"""What is kept: the session log (SQLite) of every set, rep and landing, the
raw recording of each set beside it, and the athlete roster.

``open_log`` opens (and creates or migrates) ``station.db`` in the data
folder; ``SessionLog`` is the listener the main loop hands every event and
every batch of readings; ``athletes`` manages the roster. docs/session-log.md
describes the tables and what survives a power cut.
"""

"""Class interval challenges (Tabata, AMRAP, EMOM, ladders, relays) scored by the mat.

``definition`` reads a challenge from TOML (a preset in assets/challenges/ or
a file from a USB stick) and ``roster`` says who takes part; ``engine`` runs
it as a pure state machine fed with the pipeline's reps and the session clock,
``events`` are what it tells, ``scores`` counts and ranks; ``board`` is what
the challenge screen shows; ``store`` keeps the results in the session log;
``headless`` runs one under ``station run --headless``. docs/challenges.md
describes the format and the rules.
"""

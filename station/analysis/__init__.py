"""Pure analysis: readings in, contacts, flights, reps and summaries out.

Nothing here does I/O or imports pygame, sqlite or serial.
"""

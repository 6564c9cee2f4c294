"""What the screens show, kept from the pipeline's events (no pygame): the board, a set's totals, the force trace, the hard-landing cue, the health banners."""

"""Force analysis: contacts from force alone, body weight, landing metrics,
and direction from the centre of pressure. Pure functions and small
streaming classes over numpy arrays; no I/O."""

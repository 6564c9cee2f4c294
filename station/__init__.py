"""Jump Mat Station: times every backward-jump rep and shows it at once."""

__version__ = "0.1.0"

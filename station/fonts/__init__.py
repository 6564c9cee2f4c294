"""Text in every script: which font draws each character, in which order and direction."""

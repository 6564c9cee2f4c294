"""Tap-in at the kiosk: the greeting and New tag (pure), the New tag screen, and the mode that puts them into the frame."""

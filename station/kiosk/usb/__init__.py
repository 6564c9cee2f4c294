"""A USB stick at the kiosk: its stages (pure), its screens, and the mode that puts them into the frame."""

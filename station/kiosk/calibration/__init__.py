"""Calibrating the load cells from the kiosk: a pure control, its screens, and the mode that puts them into the frame."""

"""A class challenge on the kiosk: the coach's control (pure), its screens (setup, live, results), and the mode that puts them into the frame."""

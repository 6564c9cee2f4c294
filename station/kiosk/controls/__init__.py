"""What people ask of the kiosk: the three GPIO buttons, keys, clicks and touches, all as one set of actions."""

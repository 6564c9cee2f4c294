"""What is shown: the kiosk's screens, drawn from the pipeline's events.

The folders follow the screen map of docs/kiosk.md:

- ``state/``: what the screens show, kept from the events (no pygame);
- ``flow``: which screen shows; ``app``: a frame of it all in the window of
  ``screen``;
- ``screens/``: the athlete's screens (attract, weigh-in, live set, summary,
  picker, history) under the ``banners``;
- ``challenge/``, ``usb/``, ``tap/``: a class challenge, a USB stick and
  tap-in, each a pure control, its screens and the mode that puts them into
  the frame;
- ``controls/``: buttons, keys and touches as actions; ``draw/``: what every
  screen draws with.
"""

import os

# pygame greets on stdout when imported; stdout carries the station's own output.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

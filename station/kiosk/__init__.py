"""What is shown: the kiosk's screens, drawn from the pipeline's events.

``board`` keeps the state the screens show and needs no display; ``flow``
picks the screen; ``attract``, ``weigh_in``, ``live``, ``summary`` and
``picker`` draw them under the ``banners``; ``app`` runs a frame of it all in
the window of ``screen``. docs/kiosk.md tells the whole story.
"""

import os

# pygame greets on stdout when imported; stdout carries the station's own output.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

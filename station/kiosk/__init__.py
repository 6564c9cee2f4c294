"""What is shown: the kiosk's screens, drawn from the pipeline's events.

``board`` keeps the state a screen shows and needs no display; ``live`` draws
it as the live page; ``screen`` puts that page in a window or on the console.
"""

import os

# pygame greets on stdout when imported; stdout carries the station's own output.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

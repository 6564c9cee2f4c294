"""How long the kiosk takes to render a name it has not drawn before, per script.

    .venv/bin/python benchmarks/name_render.py

For each name, the median of ``REPEATS`` runs of:

- first: the name rendered by a new text cache, at the cap height of the
  attract screen's name at 1920x1080 (5 % of the height). This includes
  opening the fallback font at that size and asking its character map: what
  the first name of a script costs a screen;
- later: another name of the same script in the same cache, its font open:
  what each new name of that script costs after that.

Steady frames render no text at all (the text cache): benchmarks/screen_render.py.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from station.kiosk.draw.text import TextCache  # noqa: E402

REPEATS = 20
CAP_PX = round(1080 * 0.05)
WHITE = (255, 255, 255)
#: A name per script, and another of the same script.
NAMES = [("Zoë", "Anaïs"), ("Дмитрий", "Наталья"), ("李娜", "王芳"), ("محمد", "فاطمة"),
         ("יעל", "נועה"), ("अनन्या", "प्रिया"), ("Zoë محمد", "Anaïs فاطمة")]


def timed_ms(render) -> float:
    began = time.perf_counter()
    render()
    return (time.perf_counter() - began) * 1000


def main() -> None:
    pygame.font.init()
    print(f"Rendering a name at a cap height of {CAP_PX} px: median of {REPEATS} runs, ms")
    for name, other in NAMES:
        first, later = [], []
        for _ in range(REPEATS):
            text = TextCache()
            first.append(timed_ms(lambda: text.render(name, CAP_PX, WHITE)))
            later.append(timed_ms(lambda: text.render(other, CAP_PX, WHITE)))
        print(f"{name}: first {statistics.median(first):.2f}, later ({other}) {statistics.median(later):.2f}")


if __name__ == "__main__":
    main()

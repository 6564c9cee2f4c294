"""What putting a 1920x1080 frame on the screen costs, by the way it is done.

    .venv/bin/python benchmarks/present_paths.py          # in a real X window under Xvfb

The two ways pygame-ce offers, each presenting ``FRAMES`` frames of a live
page in which only the force trace's box (a sixth of the width, a sixth of
the height) changes, the rest as it would be on the kiosk:

- the window's surface (what the kiosk uses): ``pygame.display.flip()`` of
  the whole window, ``pygame.display.update(rect)`` of the trace's box only,
  and presenting nothing; each with SDL's two ways of putting a window
  surface on an X display: through an OpenGL texture (SDL's default when
  OpenGL is there: under Xvfb it is Mesa's software OpenGL) and X11's own
  shared-memory images (``SDL_FRAMEBUFFER_ACCELERATION=0``, what the kiosk
  sets on X11);
- SDL's renderer (``pygame._sdl2.video``): the frame drawn as today into a
  surface, uploaded to a streaming texture (the whole frame, or the trace's
  box only) and the texture copied to the window and presented.

For each: the CPU per frame of this process and of the X server (from
/proc/PID/stat), so the X server's share of presenting counts too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

FRAMES = 300
SIZE = (1920, 1080)
TRACE_BOX = (1100, 740, 320, 180)


def measure(name, frame) -> None:
    from xvfb import cpu_s
    server = int(os.environ["XVFB_PID"])
    for _ in range(10):
        frame()
    began_self, began_server, began = cpu_s(), cpu_s(server), time.perf_counter()
    for _ in range(FRAMES):
        frame()
    own_ms = (cpu_s() - began_self) / FRAMES * 1000
    x_ms = (cpu_s(server) - began_server) / FRAMES * 1000
    wall_ms = (time.perf_counter() - began) / FRAMES * 1000
    print(f"{name:58s} station {own_ms:5.2f} + X server {x_ms:5.2f} = {own_ms + x_ms:5.2f} ms CPU a frame "
          f"(wall {wall_ms:5.2f} ms)")


def child() -> None:
    import pygame
    from pygame._sdl2.video import Renderer, Window

    pygame.display.init()
    trace_box = pygame.Rect(TRACE_BOX)
    tick = iter(range(10**9))

    def draw(surface):
        """A frame whose only change is a line moving across the trace's box."""
        i = next(tick)
        pygame.draw.rect(surface, (34, 38, 46), trace_box)
        x = trace_box.left + i % trace_box.width
        pygame.draw.line(surface, (150, 160, 175), (x, trace_box.top), (x, trace_box.bottom), 3)

    for hint, kind in (("1", "GL framebuffer"), ("0", "X11 framebuffer")):
        # SDL reads the hint when it makes the window's surface.
        os.environ["SDL_FRAMEBUFFER_ACCELERATION"] = hint
        pygame.display.init()
        screen = pygame.display.set_mode(SIZE)
        screen.fill((12, 14, 18))
        pygame.display.flip()
        measure(f"window surface, {kind}: flip() the whole window", lambda: (draw(screen), pygame.display.flip()))
        measure(f"window surface, {kind}: update(trace box)",
                lambda: (draw(screen), pygame.display.update(trace_box)))
        pygame.display.quit()
    pygame.display.init()
    measure("nothing changed, nothing presented", lambda: pygame.event.pump())
    os.environ.pop("SDL_FRAMEBUFFER_ACCELERATION")

    print(f"renderer drivers: {', '.join(d.name for d in pygame._sdl2.video.get_drivers())}")
    for accelerated, kind in ((1, "accelerated"), (0, "software")):
        window = Window("present paths", size=SIZE)
        _renderer_paths(Renderer(window, accelerated=accelerated, vsync=False), kind, draw)
        window.destroy()


def _renderer_paths(renderer, kind: str, draw) -> None:
    import pygame
    from pygame._sdl2.video import Texture
    canvas = pygame.Surface(SIZE)
    canvas.fill((12, 14, 18))
    texture = Texture(renderer, SIZE, streaming=True)
    texture.update(canvas)

    def whole():
        draw(canvas)
        texture.update(canvas)
        renderer.blit(texture)
        renderer.present()

    def boxed():
        draw(canvas)
        texture.update(canvas.subsurface(TRACE_BOX), area=TRACE_BOX)
        renderer.blit(texture)
        renderer.present()

    measure(f"{kind} renderer: upload the whole frame, present", whole)
    measure(f"{kind} renderer: upload the trace box, present", boxed)


def main():
    sys.path.insert(0, os.path.dirname(__file__))
    from this_machine import describe_machine
    from xvfb import virtual_display
    print(describe_machine())
    with virtual_display(f"{SIZE[0]}x{SIZE[1]}") as (display, server_pid):
        env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", XVFB_PID=str(server_pid),
                   PYGAME_HIDE_SUPPORT_PROMPT="1")
        subprocess.run([sys.executable, __file__, "--child"], env=env, check=True)


if __name__ == "__main__":
    if "--child" in sys.argv[1:]:
        sys.path.insert(0, os.path.dirname(__file__))
        child()
    else:
        main()

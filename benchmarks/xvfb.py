"""A virtual X display for benchmarks, and CPU time read from /proc.

    with virtual_display("1920x1080") as (display, server_pid):
        ...   # DISPLAY=display; cpu_s(server_pid) is the X server's CPU so far
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int | str = "self") -> float:
    """User plus system CPU seconds of process ``pid`` so far (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_S


@contextlib.contextmanager
def virtual_display(size: str = "1920x1080"):
    """An Xvfb server on a free display: yields (":N", its pid). Raises
    FileNotFoundError when Xvfb is not installed (Debian package xvfb)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise FileNotFoundError("Xvfb is not installed (Debian package xvfb)")
    # -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
    server = subprocess.Popen([xvfb, "-displayfd", "1", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield ":" + server.stdout.readline().strip(), server.pid
    finally:
        server.kill()
        server.wait()

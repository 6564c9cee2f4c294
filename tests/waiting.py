"""Waiting for something a thread or a device will do, without sleeping blind."""

import time


def wait_until(condition, timeout_s, poll_s=0.005):
    """True as soon as ``condition()`` is, False if ``timeout_s`` passes first."""
    end_s = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end_s:
            return False
        time.sleep(poll_s)
    return True

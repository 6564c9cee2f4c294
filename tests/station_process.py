"""Runs the real `station` command in a child process, as a user would."""

import json
import os
import queue
import subprocess
import sys
import threading
import time


def station(*args, timeout=120, **kwargs):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return subprocess.run([sys.executable, "-m", "station", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env, **kwargs)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def start_station(*args):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return subprocess.Popen([sys.executable, "-m", "station", *map(str, args)], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


class Lines:
    """A child's stdout as JSON objects, read on a thread so waiting never blocks on a pipe."""

    def __init__(self, process):
        self.queue, self.seen = queue.Queue(), []
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.queue.put(json.loads(line))
        self.queue.put(None)

    def rest(self, timeout_s=60.0):
        """Every line left, once the child has closed its output."""
        while (line := self.queue.get(timeout=timeout_s)) is not None:
            self.seen.append(line)
        return self.seen

    def until(self, condition, timeout_s=60.0, between=lambda: None):
        """Read on until ``condition(self.seen)``; ``between`` runs every 0.2 s of waiting."""
        deadline = time.monotonic() + timeout_s
        between_at = time.monotonic()
        while not condition(self.seen):
            now = time.monotonic()
            assert now < deadline, f"timed out; saw {self.seen[-5:]}"
            if now >= between_at:
                between()
                between_at = now + 0.2
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            assert line is not None, "the station ended early"
            self.seen.append(line)

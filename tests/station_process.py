"""Runs the real `station` command in a child process, as a user would."""

import json
import os
import subprocess
import sys


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

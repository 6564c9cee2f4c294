"""The coach's PIN: set with ``station hub set-pin``, kept only as a salted
scrypt hash (the standard library's ``hashlib.scrypt``) in the hub's folder.

The file holds one line, ``scrypt$N$r$p$SALT$HASH`` (hex), readable by the
hub's user alone. Checking a PIN costs about 50 ms of work and 16 MiB of
memory on purpose: a stolen file gives up its PIN slowly.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from station.errors import UserError

PIN_FILE = "coach-pin"
#: scrypt's cost: N=2**14, r=8, p=1 (16 MiB), what the standard library's
#: documentation and RFC 7914 give for interactive logins.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
#: Short enough to type on a phone, long enough that five tries a minute
#: will not find it in a class.
PIN_LENGTH = (4, 64)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * n * r * p, dklen=HASH_BYTES)


def pin_problem(pin: str) -> str | None:
    """What is wrong with a new PIN, as one sentence; None if it is fine."""
    low, high = PIN_LENGTH
    if not low <= len(pin) <= high:
        return f"the PIN must have {low} to {high} characters; this one has {len(pin)}."
    if pin != pin.strip():
        return "the PIN must not start or end with a space."
    return None


def set_pin(data_dir: Path, pin: str) -> Path:
    """Keep a new PIN's hash in ``data_dir``, replacing the old one.

        set_pin(Path("/var/lib/jumpmat-hub"), "4711")
    """
    problem = pin_problem(pin)
    if problem:
        raise UserError(problem[0].upper() + problem[1:])
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    line = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}\n"
    path = Path(data_dir) / PIN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(PIN_FILE + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def pin_is_set(data_dir: Path) -> bool:
    return (Path(data_dir) / PIN_FILE).exists()


def pin_matches(data_dir: Path, pin: str) -> bool:
    """Whether ``pin`` is the coach's PIN (False when none was set)."""
    try:
        line = (Path(data_dir) / PIN_FILE).read_text().strip()
        scheme, n, r, p, salt, digest = line.split("$")
    except (OSError, ValueError):
        return False
    if scheme != "scrypt":
        return False
    candidate = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate, bytes.fromhex(digest))

"""The API's token: made on first use, kept in the data folder readable by
its owner only (0600), printed by ``station hub token``."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from station.errors import UserError

TOKEN_FILE = "api-token"


def api_token(data_dir: Path) -> str:
    """The hub's token, made now if there is none yet."""
    path = Path(data_dir) / TOKEN_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            token = path.read_text().strip()
            if token:
                return token
            path.unlink()  # an empty file: a power cut while it was being made
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        token = secrets.token_urlsafe(32)
        with os.fdopen(fd, "w") as file:
            file.write(token + "\n")
            file.flush()
            os.fsync(file.fileno())
        return token
    except OSError as error:
        raise UserError(f"cannot keep the hub's API token in {path} ({error.strerror or error}); "
                        "make the data folder writable or give another with --data-dir.") from None


def token_matches(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())

"""Files written to a USB stick so that none is ever incomplete under its name.

Each file is written as ``NAME.partial`` in its final folder, flushed and
``fsync``ed, and only then renamed to ``NAME`` with ``os.replace``: a file
under its final name is always complete. ``sync_folders`` then ``fsync``s
every folder that gained a file, so the names themselves survive a pulled
plug; the caller does that before it declares the export done. (Syncing the
folders once rather than after every rename halves the syncs, and a stick
takes milliseconds for each.) A problem with the stick (full, read-only,
pulled out, not allowed) becomes a ``StickError``: one sentence saying what
to do. ``remove_all`` then takes back whatever this writer made, as far as
the stick still lets it.

Example::

    writer = StickWriter()
    folder = writer.make_unique_folder(Path("/media/USB"), "JumpMat-2026-11-24T1805")
    writer.write_chunks(folder / "reps.csv", [b"..."])
    writer.sync_folders()
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Callable, Iterable

from station.errors import UserError

PARTIAL_SUFFIX = ".partial"
#: Copying recordings in 1 MiB blocks keeps memory flat for any file size.
COPY_BLOCK_BYTES = 1 << 20
#: Folder names tried after the first: NAME-2 ... NAME-99.
MAX_FOLDER_SUFFIX = 99

_SENTENCES = {
    errno.ENOSPC: "The USB stick is full: free some space or use another stick, then export again.",
    errno.EDQUOT: "The USB stick is full: free some space or use another stick, then export again.",
    errno.EROFS: "The USB stick is read-only: slide its lock switch off or use another stick, "
                 "then export again.",
    errno.EACCES: "The station may not write to the USB stick: use another stick, "
                  "then export again.",
    errno.EPERM: "The station may not write to the USB stick: use another stick, "
                 "then export again.",
}
_GONE = "The USB stick stopped answering (was it pulled out?): plug it in again, then export again."
_GONE_ERRNOS = {errno.EIO, errno.ENODEV, errno.ENXIO, errno.ENOENT, errno.ESHUTDOWN}


class StickError(UserError):
    """The stick refused a write; the message says what to do."""


def stick_error(error: OSError) -> StickError:
    """The plain sentence for an OSError raised while writing to the stick."""
    if error.errno in _SENTENCES:
        return StickError(_SENTENCES[error.errno])
    if error.errno in _GONE_ERRNOS:
        return StickError(_GONE)
    return StickError(f"Could not write to the USB stick ({error.strerror or error}): "
                      "check the stick, then export again.")


def fsync_folder(path: Path) -> None:
    """Make the folder's entries (new files, renames) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as error:
        # Some file systems (FUSE NTFS among them) cannot fsync a folder; their
        # entries are then as durable as that file system makes them.
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


class StickWriter:
    """Writes folders and files onto a stick durably, and can take them back.

    ``write``: how bytes reach an open file, ``os.write`` by default; a test
    passes one that fails like a stick pulled out mid-file.

    Example::

        writer = StickWriter()
        writer.write_chunks(folder / "summary.json", [b"{}"])
        writer.sync_folders()
    """

    def __init__(self, write: Callable[[int, bytes], int] = os.write):
        self._write = write
        self._made: list[Path] = []
        self._unsynced: dict[Path, None] = {}

    def make_unique_folder(self, parent: Path, name: str) -> Path:
        """A new folder ``name`` in ``parent`` (``name-2``, ``name-3``... if taken)."""
        for number in range(1, MAX_FOLDER_SUFFIX + 1):
            path = Path(parent) / (name if number == 1 else f"{name}-{number}")
            try:
                self.make_folder(path)
                return path
            except FileExistsError:
                continue
        raise StickError(f"{parent} already holds {MAX_FOLDER_SUFFIX} exports named {name}: "
                         "move some off the stick, then export again.")

    def make_folder(self, path: Path) -> Path:
        try:
            os.mkdir(path)
            self._made.append(path)
            self._unsynced[path.parent] = None
        except FileExistsError:
            raise
        except OSError as error:
            raise stick_error(error) from None
        return path

    def write_chunks(self, path: Path, chunks: Iterable[bytes]) -> int:
        """Write ``chunks`` as the file ``path``, durably; the number of bytes."""
        partial = path.with_name(path.name + PARTIAL_SUFFIX)
        # Each name is noted before it can exist, so an export stopped between
        # any two steps (a cancel is a SIGTERM) still takes it back.
        self._made.append(partial)
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except OSError as error:
            raise stick_error(error) from None
        try:
            try:
                size = sum(self._write_all(fd, chunk) for chunk in chunks)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._made.append(path)
            os.replace(partial, path)
            self._unsynced[path.parent] = None
        except OSError as error:
            _remove_quietly(partial)
            raise stick_error(error) from None
        return size

    def copy_file(self, source: Path, path: Path) -> int:
        """Copy the local file ``source`` to ``path`` on the stick, durably."""
        with open(source, "rb") as file:
            return self.write_chunks(path, iter(lambda: file.read(COPY_BLOCK_BYTES), b""))

    def sync_folders(self) -> None:
        """Make every new name durable: fsync the folders, deepest first."""
        for folder in sorted(self._unsynced, key=lambda p: len(p.parts), reverse=True):
            try:
                fsync_folder(folder)
            except OSError as error:
                raise stick_error(error) from None
        self._unsynced.clear()

    def remove_all(self) -> None:
        """Take back every file and folder made, newest first, as far as possible."""
        for path in reversed(self._made):
            if path.is_dir():
                try:
                    os.rmdir(path)
                except OSError:
                    pass
            else:
                _remove_quietly(path)
        self._made.clear()

    def _write_all(self, fd: int, data: bytes) -> int:
        view = memoryview(data)
        while view:
            view = view[self._write(fd, view):]
        return len(data)


def _remove_quietly(path: Path) -> None:
    try:
        os.remove(path)
    except OSError:
        # A stick that is gone or read-only keeps what it has; only complete
        # files carry final names, so nothing misleading is left.
        pass

"""One writer per library: an exclusive ``flock`` held by the primary podplayer.

No Qt here: the composition root takes the lock before anything opens the library.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

#: The lock file's name in the data folder (it holds the holder's pid).
LOCK_NAME = "podplayer.lock"


class LibraryLock:
    """An exclusive, non-blocking ``flock`` on ``path`` (created if needed); holds the pid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """True when this process now holds the lock; False when another process does.
        Raises OSError when the folder can't be written."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        except OSError:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def owner(self) -> int | None:
        """The pid written by the holder, if readable."""
        try:
            return int(self.path.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

"""One writer per library: an exclusive ``flock`` held by the primary podplayer or an import.

No Qt here: the composition root takes the lock before anything opens the library. The lock
file says who holds it (pid, and whether it is the window or a command-line import), so a
process that finds it taken can say what to do.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

#: The lock file's name in the data folder (it holds the holder's pid and purpose).
LOCK_NAME = "podplayer.lock"
#: What a holder does with the library.
WINDOW = "window"
IMPORT = "import"


class LibraryLock:
    """An exclusive, non-blocking ``flock`` on ``path`` (created if needed); holds the pid and
    ``purpose`` (:data:`WINDOW` or :data:`IMPORT`) of its holder."""

    def __init__(self, path: Path, purpose: str = WINDOW) -> None:
        self.path = path
        self.purpose = purpose
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
        handle.write(f"{os.getpid()} {self.purpose}\n")
        handle.flush()
        self._file = handle
        return True

    def owner(self) -> int | None:
        """The pid written by the holder, if readable."""
        return self._holder()[0]

    def owner_purpose(self) -> str:
        """What the holder said it does: :data:`IMPORT`, else :data:`WINDOW` (older podplayers
        wrote no purpose, and only the window held the lock for long)."""
        return IMPORT if self._holder()[1] == IMPORT else WINDOW

    def busy_message(self) -> str:
        """Why a command-line import can't write now, and what to do, for a listener."""
        owner = self.owner()
        running = f" (process {owner})" if owner else ""
        if self.owner_purpose() == IMPORT:
            return (
                f"another “podplayer import”{running} is adding to the library; try again "
                "when it has finished"
            )
        return f"podplayer is running{running}; add these from its window, or close it first"

    def _holder(self) -> tuple[int | None, str]:
        try:
            fields = self.path.read_text(encoding="utf-8").split()
        except OSError:
            return None, ""
        try:
            pid = int(fields[0])
        except (ValueError, IndexError):
            pid = None
        return pid, fields[1] if len(fields) > 1 else ""

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

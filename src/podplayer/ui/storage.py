"""Telling the listener, once, that the library can't be saved (read-only, a full disk) or
is held by another program; the window goes on without saving."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from podplayer.core.library import Library
from podplayer.ui.workers import LibraryTasks


class StorageNotice(QObject):
    """Tells ``show(text)`` the first time each storage problem comes up, from the window's
    own ``library`` (opened read-only) or any job of ``tasks``. A busy library is told again
    once all jobs ended (it may be free by then); read-only is told once per run.

    Signal: ``told(str)`` with each text told."""

    told = Signal(str)

    def __init__(
        self,
        library: Library,
        tasks: tuple[LibraryTasks, ...],
        show: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._show = show
        self._told: set[str] = set()
        self._busy_told: set[str] = set()
        for runner in tasks:
            runner.storage_problem.connect(self.tell)
        tasks[0].busy_changed.connect(self._on_busy_changed)
        if library.read_only:
            self.tell(library.problem or "The library can't be saved.")

    def already_told(self, text: str) -> bool:
        """True when ``text`` is a storage problem already told (not to be repeated)."""
        return text in self._told or text in self._busy_told

    @Slot(str, bool)
    def tell(self, text: str, busy: bool = False) -> None:
        if self.already_told(text):
            return
        self._show(text)
        (self._busy_told if busy else self._told).add(text)
        self.told.emit(text)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        if not busy:
            self._busy_told.clear()

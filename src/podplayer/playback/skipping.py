"""Jumping over chapters the listener unticked, and a podcast's intro and outro.

A :class:`ChapterSkipper` watches a :class:`~podplayer.playback.session.PlaybackSession`'s
position. When playback is about to run into a skipped chapter it seeks to the start of the
next chapter that is not skipped (or to the end of the episode when none is left), a little
before the skipped chapter starts: a seek takes 10 to 67 ms before the new audio is due and the
old audio plays on until then, so jumping at the chapter's start would let its first tens of
ms be heard. Opening (resuming, restarting) at a position inside a skipped chapter opens at the
next played one instead. A chapter click on a skipped chapter, or a seek into one, plays it,
since the listener asked for exactly that. Everything runs on the player's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession

log = logging.getLogger(__name__)

#: Position reports further apart than this (media ms) are a seek, not playing on. Engines
#: report every 250 to 1000 ms of wall time; at 4x speed that is up to 4000 ms of media.
PLAY_THROUGH_MS = 5_000
#: The jump over a skipped chapter is made this much wall time (ms) before its start: more than
#: the 10 to 67 ms a seek takes before the new audio is due.
JUMP_AHEAD_MS = 90


class ChapterSkipper(QObject):
    """Skips unticked chapters and the intro/outro of the session's episodes.

    Signals: ``skipped(int, int)``: from (ms) and to (ms) of a jump it made, for a status line.
    """

    skipped = Signal(int, int)

    def __init__(self, session: PlaybackSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._player = session.player
        self._skipped: frozenset[int] = frozenset()
        self._intro_ms = 0
        self._outro_ms = 0
        self._last: int | None = None
        self._jumping = False
        # Fires JUMP_AHEAD_MS before the next skipped chapter; rescheduled at every report.
        self._ahead = QTimer(self)
        self._ahead.setSingleShot(True)
        self._ahead.timeout.connect(self._on_ahead)
        self._ahead_start: int | None = None
        self._player.position_changed.connect(self._on_position)
        self._player.media_loaded.connect(self._on_media_loaded)
        self._player.about_to_open.connect(self._on_about_to_open)

    # -- configuration -------------------------------------------------------------------------

    @property
    def skipped_starts(self) -> frozenset[int]:
        """Starts (int ms) of the chapters that are skipped."""
        return self._skipped

    def set_skipped(self, starts: Iterable[int]) -> None:
        """Skip the chapters of the session that start at these positions (int ms)."""
        self._skipped = frozenset(int(s) for s in starts)

    def set_intro_outro(self, intro_ms: int, outro_ms: int) -> None:
        """Start episodes ``intro_ms`` in and end them ``outro_ms`` early (int ms, 0: off)."""
        self._intro_ms = max(0, int(intro_ms))
        self._outro_ms = max(0, int(outro_ms))

    @property
    def intro_ms(self) -> int:
        return self._intro_ms

    @property
    def outro_ms(self) -> int:
        return self._outro_ms

    def next_played_start(self, after_ms: int) -> int | None:
        """Start (int ms) of the first chapter after ``after_ms`` that is not skipped, or
        None when every later chapter is skipped (or there are none)."""
        for chapter in self._session.chapters:
            if chapter.start_ms > after_ms and chapter.start_ms not in self._skipped:
                return chapter.start_ms
        return None

    # -- reactions -----------------------------------------------------------------------------

    def _on_media_loaded(self, _source: str) -> None:
        self._last = None
        self._ahead.stop()

    def _on_about_to_open(self, position_ms: int) -> None:
        if self._session.explicit_start_ms == position_ms:
            return
        target = position_ms
        if self._intro_ms and position_ms == 0:
            target = self._intro_ms
        index = self._session.chapter_at(target)
        if index >= 0:
            chapter = self._session.chapters[index]
            if chapter.start_ms in self._skipped:
                later = self.next_played_start(chapter.start_ms)
                duration = self._player.duration()
                target = later if later is not None else (duration or target)
        if target != position_ms:
            self._jump(position_ms, target)

    def _on_position(self, position_ms: int) -> None:
        if self._jumping:
            return
        last, self._last = self._last, position_ms
        if self._player.state is not PlayerState.PLAYING:
            self._ahead.stop()
            # While opening or paused, reports are loads and seeks: remember, don't act.
            if last is None and position_ms == 0:
                self._last = None
            return
        target = self._target(last, position_ms)
        if target is not None and target != position_ms:
            self._jump(position_ms, target)
        else:
            self._schedule(position_ms)

    def _jump(self, position_ms: int, target: int) -> None:
        log.info("skipping from %d ms to %d ms", position_ms, target)
        self._ahead.stop()
        self._jumping = True
        try:
            self._player.seek(target)
        finally:
            self._jumping = False
        self._last = target
        self._session.count_as_heard(position_ms, target)
        self.skipped.emit(position_ms, target)

    def _upcoming(self, position_ms: int) -> int | None:
        """Where the next jump is due (media ms): the start of the next skipped chapter, or
        the outro's, after ``position_ms``."""
        starts = [c.start_ms for c in self._session.chapters if c.start_ms in self._skipped]
        duration = self._player.duration()
        if self._outro_ms and duration:
            starts.append(duration - self._outro_ms)
        later = [s for s in starts if s > position_ms]
        return min(later) if later else None

    def _schedule(self, position_ms: int) -> None:
        start = self._upcoming(position_ms)
        self._ahead_start = start
        if start is None:
            self._ahead.stop()
            return
        rate = self._player.rate() or 1.0
        self._ahead.start(max(0, round((start - position_ms) / rate) - JUMP_AHEAD_MS))

    def _on_ahead(self) -> None:
        start = self._ahead_start
        if start is None or self._jumping or self._player.state is not PlayerState.PLAYING:
            return
        position = self._player.position()
        rate = self._player.rate() or 1.0
        if not 0 <= start - position <= (JUMP_AHEAD_MS + 50) * rate:
            self._schedule(position)  # moved since (a seek, a stall): try again from here
            return
        duration = self._player.duration()
        if self._outro_ms and duration and start == duration - self._outro_ms:
            self._jump(position, duration)
            return
        later = self.next_played_start(start)
        self._jump(position, later if later is not None else (duration or start))

    def _target(self, last: int | None, position: int) -> int | None:
        duration = self._player.duration()
        if last is None:
            # The first report while playing a freshly opened episode.
            if self._intro_ms and position < self._intro_ms:
                position = self._intro_ms
                return self._chapter_target(None, position) or position
            return self._chapter_target(None, position) if position == 0 else None
        through = 0 <= position - last <= PLAY_THROUGH_MS
        if not through:
            return None
        if self._outro_ms and duration and last < duration - self._outro_ms <= position:
            return duration
        return self._chapter_target(last, position)

    def _chapter_target(self, last: int | None, position: int) -> int | None:
        if not self._skipped:
            return None
        index = self._session.chapter_at(position)
        if index < 0:
            return None
        chapter = self._session.chapters[index]
        if chapter.start_ms not in self._skipped:
            return None
        # Only a chapter entered by playing on: the last report was before its start.
        if last is not None and last >= chapter.start_ms:
            return None
        later = self.next_played_start(chapter.start_ms)
        if later is not None:
            return later
        duration = self._player.duration()
        return duration if duration else None

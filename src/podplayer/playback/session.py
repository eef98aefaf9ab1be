"""The playback session: which episode is playing, its chapters, and which chapter is current.

A chapter click is a request: when the episode is not loaded, or not yet seekable, the session
loads it with the chapter's start as the start position and the player lands there once it can.
Everything runs on the player's thread (the GUI thread).
"""

from __future__ import annotations

import logging
from bisect import bisect_right

from PySide6.QtCore import QObject, Signal

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlaybackError, Player, PlayerState, validate_source

log = logging.getLogger(__name__)

#: "Previous chapter" more than this far into a chapter goes back to its start.
RESTART_THRESHOLD_MS = 3000


class PlaybackSession(QObject):
    """Binds a Player to the current Episode and its chapters.

    Signals: ``episode_changed(object)`` (Episode or None), ``chapters_changed(object)``
    (tuple of Chapter), ``chapter_changed(int)`` (index into chapters, -1 before the first).
    """

    episode_changed = Signal(object)
    chapters_changed = Signal(object)
    chapter_changed = Signal(int)

    def __init__(self, player: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = player
        self._episode: Episode | None = None
        self._chapters: tuple[Chapter, ...] = ()
        self._starts: list[int] = []
        self._current = -1
        self._pending_seek: int | None = None
        self._explicit_start: int | None = None
        player.position_changed.connect(self._on_position)
        player.state_changed.connect(self._on_state)

    # -- properties ----------------------------------------------------------------------------

    @property
    def player(self) -> Player:
        return self._player

    @property
    def episode(self) -> Episode | None:
        return self._episode

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return self._chapters

    @property
    def current_chapter(self) -> int:
        """Index of the chapter at the play position, -1 before the first (or none)."""
        return self._current

    @property
    def pending_seek_ms(self) -> int | None:
        """The target (ms) of a seek waiting for the media to open, else None."""
        return self._pending_seek

    @property
    def explicit_start_ms(self) -> int | None:
        """The position (ms) the listener asked for by a chapter click (or next/previous
        chapter) that is being opened or was sought last, else None: a skipper plays it even
        when that chapter is skipped."""
        return self._explicit_start

    def chapter_at(self, position_ms: int) -> int:
        """Index of the chapter containing ``position_ms``, -1 before the first."""
        return bisect_right(self._starts, position_ms) - 1

    # -- episode and chapters ------------------------------------------------------------------

    def set_episode(
        self, episode: Episode | None, chapters: tuple[Chapter, ...] | None = None
    ) -> None:
        """Make ``episode`` current without loading it; ``chapters`` default to its own."""
        if episode != self._episode:
            self._episode = episode
            self.episode_changed.emit(episode)
        self.set_chapters(
            chapters if chapters is not None else (episode.chapters if episode else ())
        )

    def set_chapters(self, chapters: tuple[Chapter, ...]) -> None:
        """Replace the chapter list (e.g. when tags in the playing file are read)."""
        ordered = tuple(sorted(chapters, key=lambda c: c.start_ms))
        if ordered != self._chapters:
            self._chapters = ordered
            self._starts = [c.start_ms for c in ordered]
            self.chapters_changed.emit(ordered)
        self._update_chapter(self._player.position() if self._is_loaded() else 0)

    # -- requests ------------------------------------------------------------------------------

    def open(self, episode: Episode, start_ms: int = 0, play: bool = True) -> None:
        """Make ``episode`` current and load it at ``start_ms``; raises PlaybackError when the
        episode has no audio. A refused or missing source is reported by the player's
        ``error_occurred``. Chapters set for this episode are kept."""
        if self._episode != episode:
            self.set_episode(episode)
        self._seek_episode(start_ms, play=play, force_load=True)

    def resume(self, episode: Episode, position_ms: int) -> None:
        """Play ``episode`` from a saved position (ms); same path as a chapter click."""
        if self._episode != episode:
            self.set_episode(episode)
        self._seek_episode(position_ms, play=True)

    def play_chapter(self, index: int) -> None:
        """Go to the start of chapter ``index`` and play, loading the episode if needed.
        Raises IndexError for a bad index and PlaybackError when the episode has no audio."""
        if not 0 <= index < len(self._chapters):
            raise IndexError(f"no chapter {index}")
        self._seek_episode(self._chapters[index].start_ms, play=True, explicit=True)

    def next_chapter(self) -> None:
        """Play the next chapter; nothing after the last one."""
        if self._current + 1 < len(self._chapters):
            self.play_chapter(self._current + 1)

    def previous_chapter(self) -> None:
        """Back to the start of the current chapter when more than ~3 s in, else the one before."""
        if not self._chapters:
            self.skip(-self._player.position())
            return
        index = self._current
        position = self._player.position()
        if index >= 0 and position - self._chapters[index].start_ms > RESTART_THRESHOLD_MS:
            self.play_chapter(index)
        elif index > 0:
            self.play_chapter(index - 1)
        else:
            self._seek_episode(0, play=True)

    def skip(self, delta_ms: int) -> None:
        """Move the position by ``delta_ms`` (negative goes back), within the media."""
        if not self._is_loaded():
            return
        target = max(0, self._player.position() + delta_ms)
        duration = self._player.duration()
        if duration is not None:
            target = min(target, max(0, duration - 1))
        self._player.seek(target)

    # -- internals -----------------------------------------------------------------------------

    def _is_loaded(self) -> bool:
        if self._episode is None or self._episode.audio is None:
            return False
        try:
            wanted = validate_source(self._episode.audio)
        except PlaybackError:
            return False
        return self._player.source == wanted and self._player.state is not PlayerState.ERROR

    def _seek_episode(
        self, target_ms: int, play: bool, force_load: bool = False, explicit: bool = False
    ) -> None:
        episode = self._episode
        if episode is None:
            raise PlaybackError("No episode is selected")
        if episode.audio is None:
            raise PlaybackError(f"“{episode.title}” has no audio yet: locate its file or address")
        target = max(0, int(target_ms))
        self._explicit_start = target if explicit else None
        player = self._player
        if force_load or not self._is_loaded():
            log.debug("loading %s at %d ms", episode.audio, target)
            player.load(episode.audio, start_ms=target)
            if player.state is PlayerState.ERROR:
                return
        else:
            player.seek(target)
        if not player.is_seekable():
            self._pending_seek = target
        self._update_chapter(target)
        if play and player.state is not PlayerState.PLAYING:
            player.play()

    def _on_state(self, state: object) -> None:
        if state in (PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.ERROR, PlayerState.ENDED):
            self._pending_seek = None

    def _on_position(self, position_ms: int) -> None:
        if self._is_loaded():
            self._update_chapter(position_ms)

    def _update_chapter(self, position_ms: int) -> None:
        index = self.chapter_at(position_ms)
        if index != self._current:
            self._current = index
            self.chapter_changed.emit(index)

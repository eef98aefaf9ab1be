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
from podplayer.core.timecode import format_ms
from podplayer.playback.base import (
    PlaybackError,
    Player,
    PlayerState,
    display_name,
    validate_source,
)

log = logging.getLogger(__name__)

#: "Previous chapter" more than this far into a chapter goes back to its start.
RESTART_THRESHOLD_MS = 3000
#: Listening (playing on, not seeking) into an episode's last this many ms marks it played.
PLAYED_TAIL_MS = 30_000
#: Position reports further apart than this (media ms) are a seek, not listening on.
LISTENED_STEP_MS = 5_000
#: Media that ends more than this (ms) before its known duration ended early: an error.
EARLY_END_MS = 30_000


def played_from(chapters: tuple[Chapter, ...], duration_ms: int | None) -> int | None:
    """Where listening must reach (ms) for an episode to count as played: its last 30 s, or
    its last chapter's own end when that comes earlier; None when neither is known.

    >>> played_from((), 600_000)
    570000
    >>> played_from((Chapter(0, "a", end_ms=500_000),), 600_000)
    500000
    """
    marks = []
    if duration_ms:
        marks.append(max(0, duration_ms - PLAYED_TAIL_MS))
    if chapters and chapters[-1].end_ms is not None:
        marks.append(chapters[-1].end_ms)
    return min(marks) if marks else None


class PlaybackSession(QObject):
    """Binds a Player to the current Episode and its chapters.

    Signals: ``episode_changed(object)`` (Episode or None), ``chapters_changed(object)``
    (tuple of Chapter), ``chapter_changed(int)`` (index into chapters, -1 before the first),
    ``played(object)`` (the Episode, once per load, when listening reached its end: see
    ``played_from``; the one rule for marking an episode played), ``ended_early(str)`` (the
    media ended far before its known duration, e.g. a damaged file: a message for the
    listener; the episode is not played).
    """

    episode_changed = Signal(object)
    chapters_changed = Signal(object)
    chapter_changed = Signal(int)
    played = Signal(object)
    ended_early = Signal(str)

    def __init__(self, player: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = player
        self._episode: Episode | None = None
        self._chapters: tuple[Chapter, ...] = ()
        self._starts: list[int] = []
        self._current = -1
        self._pending_seek: int | None = None
        self._explicit_start: int | None = None
        # Listening: the last report while playing, and whether the played mark was reached.
        self._heard: int | None = None
        self._reached_end = False
        player.position_changed.connect(self._on_position)
        player.state_changed.connect(self._on_state)
        player.media_loaded.connect(self._on_media_loaded)

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

    def count_as_heard(self, from_ms: int, to_ms: int) -> None:
        """The listener's preferences skip from ``from_ms`` to ``to_ms`` (a skipped chapter,
        the outro): count that as listened to (player's thread)."""
        if self._heard is not None and abs(self._heard - from_ms) <= LISTENED_STEP_MS:
            self._heard = to_ms
            self._check_played(to_ms)

    def _on_media_loaded(self, _source: str) -> None:
        self._heard = None
        self._reached_end = False

    def _expected_duration(self) -> int | None:
        episode = self._episode
        return (episode.duration_ms if episode else None) or self._player.duration()

    def _check_played(self, position_ms: int) -> None:
        mark = played_from(self._chapters, self._expected_duration())
        if not self._reached_end and mark is not None and position_ms >= mark:
            self._reached_end = True
            if self._episode is not None:
                self.played.emit(self._episode)

    def _on_state(self, state: object) -> None:
        if state in (PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.ERROR, PlayerState.ENDED):
            self._pending_seek = None
        if state is PlayerState.ENDED:
            self._on_ended()

    def _on_ended(self) -> None:
        duration = self._expected_duration()
        heard = self._heard if self._heard is not None else 0
        if duration and not self._reached_end and heard >= duration - LISTENED_STEP_MS:
            self._check_played(duration)  # listening went on right up to the end
        if self._reached_end or not duration or heard >= duration - EARLY_END_MS:
            return
        name = self._episode.title if self._episode else display_name(self._player.source or "")
        message = (
            f"“{name}” stopped at {format_ms(heard)}, long before its end at"
            f" {format_ms(duration)}: the file may be damaged or cut short"
        )
        log.info("%s", message)
        self.ended_early.emit(message)

    def _on_position(self, position_ms: int) -> None:
        if self._player.state is PlayerState.PLAYING:
            last, self._heard = self._heard, position_ms
            if last is not None and 0 <= position_ms - last <= LISTENED_STEP_MS:
                self._check_played(position_ms)
        if self._is_loaded():
            self._update_chapter(position_ms)

    def _update_chapter(self, position_ms: int) -> None:
        index = self.chapter_at(position_ms)
        if index != self._current:
            self._current = index
            self.chapter_changed.emit(index)

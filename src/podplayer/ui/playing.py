"""What plays: the one place that knows which episode, which audio and which podcast.

:class:`PlaybackController` owns the "play this episode from here" path (a row's Play, a
chapter click, a time in the notes, a search hit, MPRIS, a file opened from the desktop), the
saved position, "played" at the end, the episode to continue after a restart, and audio located
for the episode that is loaded. QtCore only; library work goes through :class:`LibraryTasks`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from podplayer.core.errors import PodplayerError
from podplayer.core.fetch import is_web_url
from podplayer.core.library import Library, PlayState
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.playback.base import PlaybackError, PlayerState
from podplayer.playback.session import PlaybackSession
from podplayer.ui.workers import LibraryTasks

log = logging.getLogger(__name__)

#: How often the play position is saved while playing (ms); a crash loses at most this much.
SAVE_INTERVAL_MS = 5000
#: Library setting: ``[podcast_url, guid]`` of the episode to continue after a restart.
LAST_EPISODE_SETTING = "last_episode"


class PlaybackController(QObject):
    """Plays episodes of podcasts through ``session``; positions are saved through ``tasks``.

    Signals: ``now_playing_changed(object, object)`` (Podcast or None, Episode or None) when
    another episode becomes current; ``state_saved(str, str, object)`` (podcast URL, guid,
    PlayState) after a position or "played" was stored; ``audio_attached(str, object)``
    (podcast URL, the updated Episode); ``restored(int)`` with the position (ms) of the episode
    continued after a restart; ``error(str)`` for a request that was refused;
    ``no_audio(Episode)`` for an episode that has no audio to play yet;
    ``queue_changed(list)`` with the episodes up next.
    """

    now_playing_changed = Signal(object, object)
    state_saved = Signal(str, str, object)
    audio_attached = Signal(str, object)
    restored = Signal(int)
    queue_changed = Signal(object)
    error = Signal(str)
    no_audio = Signal(object)

    def __init__(
        self, session: PlaybackSession, tasks: LibraryTasks, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.player = session.player
        self.tasks = tasks
        self.unavailable: str | None = None
        self._podcast: Podcast | None = None
        # Where the listener is in the current episode (ms): the player forgets it at the end.
        self._position = 0
        self._resume_ms = 0
        # Each request gets a number; a lookup answering an older one is dropped.
        self._request = 0
        # Up next: played in order when the current episode ends.
        self._queue: list[tuple[Podcast, Episode]] = []
        # The episode whose end the session said was heard (then an end of media is no error).
        self._heard: tuple[str, str] | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_INTERVAL_MS)
        self._save_timer.timeout.connect(self.save_position)
        self.player.state_changed.connect(self._on_state)
        self.player.position_changed.connect(self._on_position)
        # The session decides what counts as heard (its last 30 s or last chapter's end).
        self.session.played.connect(self._on_heard)
        self.session.ended_early.connect(self.error)

    # -- what plays ------------------------------------------------------------------------

    @property
    def podcast(self) -> Podcast | None:
        """The podcast the current episode was started from (its episode list at that time)."""
        return self._podcast

    @property
    def episode(self) -> Episode | None:
        return self.session.episode

    def key(self) -> tuple[str, str] | None:
        """(podcast URL, guid) of the current episode: guids are unique per podcast only."""
        episode = self.session.episode
        if episode is None or self._podcast is None:
            return None
        return self._podcast.url, episode.guid

    def is_current(self, podcast_url: str | None, guid: str) -> bool:
        key = self.key()
        return key is not None and key[1] == guid and podcast_url in (None, key[0])

    def loaded(self) -> bool:
        """The current episode's audio is in the player (play/pause act on it)."""
        return (
            self.session.episode is not None
            and self.player.source is not None
            and self.player.state is not PlayerState.ERROR
        )

    def podcast_title(self, episode: Episode) -> str | None:
        podcast = self._podcast
        return (
            podcast.title if podcast is not None and self.is_current(None, episode.guid) else None
        )

    def artwork(self, episode: Episode) -> str | None:
        podcast = self._podcast
        return (
            podcast.image if podcast is not None and self.is_current(None, episode.guid) else None
        )

    # -- requests --------------------------------------------------------------------------

    def play(
        self,
        podcast: Podcast,
        episode: Episode,
        *,
        at_ms: int | None = None,
        chapter: int | None = None,
        chapters: tuple[Chapter, ...] | None = None,
        saved: PlayState | None = None,
    ) -> bool:
        """Play ``episode`` of ``podcast``: from chapter index ``chapter``, from ``at_ms``, or
        (neither given) on where it is loaded, else from where the listener stopped (``saved``,
        looked up in the library when None; the start when played to the end). ``chapters``
        replace its own list. False, with ``error``, when it can't play."""
        if not self.can_play(episode):
            return False
        self._request += 1
        same = self.is_current(podcast.url, episode.guid)
        try:
            self._make_current(podcast, episode, chapters)
            if chapter is not None:
                self.session.play_chapter(chapter)
            elif at_ms is not None:
                self.session.resume(self.session.episode or episode, at_ms)
            elif same and self.loaded():
                if self.player.state is not PlayerState.PLAYING:
                    self.player.play()
            elif saved is not None:
                self._open_saved(saved)
            else:
                self._look_up_and_open(podcast.url, episode.guid)
        except (PlaybackError, IndexError) as exc:
            self.error.emit(str(exc))
            return False
        return True

    def toggle(self) -> bool:
        """Play/pause what is loaded, or continue the current episode where it stopped (after a
        restart: the last one). False when there is no current episode."""
        if self.loaded():
            self.player.toggle()
            return True
        return self.resume_current()

    def resume_current(self) -> bool:
        """Play the current episode from where it stopped (MPRIS Play with nothing loaded)."""
        episode, podcast = self.session.episode, self._podcast
        if episode is None or podcast is None:
            return False
        return self.play(podcast, episode, at_ms=self._resume_ms)

    def can_play(self, episode: Episode) -> bool:
        if self.unavailable is not None:
            self.error.emit(f"Playback is not available: {self.unavailable}")
            return False
        if episode.audio is None:
            self.no_audio.emit(episode)
            return False
        return True

    def set_chapters(self, podcast_url: str, guid: str, chapters: tuple[Chapter, ...]) -> None:
        """The chapter list chosen for an episode; the session follows when it is current."""
        if self.is_current(podcast_url, guid):
            self.session.set_chapters(chapters)

    def step(self, delta: int) -> bool:
        """Play the episode ``delta`` rows after the current one in its podcast's list."""
        episode, podcast = self.session.episode, self._podcast
        if episode is None or podcast is None:
            return False
        guids = [e.guid for e in podcast.episodes]
        if episode.guid not in guids:
            return False
        index = guids.index(episode.guid) + delta
        if not 0 <= index < len(guids):
            return False
        return self.play(podcast, podcast.episodes[index])

    def attach_audio(self, podcast: Podcast, episode: Episode, source: str) -> Episode | None:
        """Use ``source`` (a local file or an http(s) URL) as the audio of ``episode``, stored
        for later starts. When the episode is loaded, the new audio replaces the old at the same
        position (paused unless it was playing). None, with ``error``, when refused."""
        source = source.strip()
        if is_web_url(source):
            updated = replace(episode, audio_url=source, local_path=None)
        else:
            path = Path(source).expanduser()
            if not path.is_file():
                self.error.emit(f"Could not use “{path.name}”: the file does not exist")
                return None
            updated = replace(episode, local_path=str(path.resolve()))
        audio, guid, url = updated.audio or "", episode.guid, podcast.url

        def store(library: Library, _report: object) -> None:
            library.attach_audio(guid, audio, podcast_url=url)

        self.tasks.run(store, lambda _r: self.audio_attached.emit(url, updated), self.error.emit)
        if self.is_current(url, guid):
            self._replace_audio(podcast, updated)
        return updated

    # -- up next -----------------------------------------------------------------------------

    def queue(self) -> list[Episode]:
        return [episode for _podcast, episode in self._queue]

    def queued(self, podcast_url: str, guid: str) -> bool:
        return any(p.url == podcast_url and e.guid == guid for p, e in self._queue)

    def play_next(self, podcast: Podcast, episode: Episode) -> None:
        """Play ``episode`` after the current one (before the rest of up next)."""
        self.dequeue(podcast.url, episode.guid)
        self._queue.insert(0, (podcast, episode))
        self.queue_changed.emit(self.queue())

    def enqueue(self, podcast: Podcast, episode: Episode) -> None:
        """Add ``episode`` at the end of up next."""
        self.dequeue(podcast.url, episode.guid)
        self._queue.append((podcast, episode))
        self.queue_changed.emit(self.queue())

    def dequeue(self, podcast_url: str, guid: str) -> None:
        kept = [(p, e) for p, e in self._queue if not (p.url == podcast_url and e.guid == guid)]
        if len(kept) != len(self._queue):
            self._queue = kept
            self.queue_changed.emit(self.queue())

    def _play_up_next(self) -> None:
        while self._queue:
            podcast, episode = self._queue.pop(0)
            self.queue_changed.emit(self.queue())
            if self.play(podcast, episode):
                return

    # -- restart ---------------------------------------------------------------------------

    def restore(self) -> None:
        """Make the episode that played last current again, at its saved position, without
        playing (▶, Space and MPRIS Play continue it). Runs the lookup on a worker."""
        request = self._request

        def job(library: Library, _report: object) -> tuple[Podcast, Episode, PlayState] | None:
            last = library.setting(LAST_EPISODE_SETTING)
            if not isinstance(last, list) or len(last) != 2:
                return None
            url, guid = str(last[0]), str(last[1])
            podcast = library.podcast(url)
            if podcast is None:
                return None
            episode = next((e for e in podcast.episodes if e.guid == guid), None)
            if episode is None:
                return None
            return podcast, episode, library.play_state(guid, podcast_url=url)

        def done(found: tuple[Podcast, Episode, PlayState] | None) -> None:
            # Anything started meanwhile wins over the last session's episode.
            if found is None or request != self._request or self.session.episode is not None:
                return
            podcast, episode, state = found
            self._podcast = podcast
            self.session.set_episode(episode)
            self._resume_ms = 0 if state.played else state.position_ms
            self._position = self._resume_ms
            self.now_playing_changed.emit(podcast, episode)
            self.restored.emit(self._resume_ms)

        self.tasks.run(
            job, done, lambda message: log.info("Last episode not restored: %s", message)
        )

    # -- positions -------------------------------------------------------------------------

    @Slot()
    def save_position(self) -> None:
        """Store where the current episode is (a timer does it every few seconds)."""
        key = self.key()
        if key is None or self.player.source is None:
            return
        if self.player.state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._position = self.player.position()
        self._store(key, self._position, played=None)

    def save_now(self, library: Library) -> None:
        """Store the position through ``library`` at once (on quitting: the workers may all be
        busy with a slow feed). Errors are logged."""
        key = self.key()
        if key is None or self.player.source is None:
            return
        if self.player.state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._position = self.player.position()
        try:
            library.set_position(key[1], self._position, podcast_url=key[0])
        except PodplayerError as exc:
            log.warning("Position of %s not saved: %s", key[1], exc)

    def mark_played(self, podcast_url: str, guid: str, played: bool = True) -> None:
        """Mark an episode played (position back to 0) or unplayed, on a worker."""
        self._store((podcast_url, guid), None, played=played)
        if played and self.is_current(podcast_url, guid):
            self._resume_ms = 0

    def _store(self, key: tuple[str, str], position_ms: int | None, played: bool | None) -> None:
        url, guid = key

        def job(library: Library, _report: object) -> PlayState:
            if played is not None:
                library.mark_played(guid, played, podcast_url=url)
            if position_ms is not None:
                library.set_position(guid, position_ms, podcast_url=url)
            return library.play_state(guid, podcast_url=url)

        self.tasks.run(
            job,
            lambda state: self.state_saved.emit(url, guid, state),
            lambda message: log.info("Play state of %s not saved: %s", guid, message),
        )

    # -- internals -------------------------------------------------------------------------

    def _make_current(
        self, podcast: Podcast, episode: Episode, chapters: tuple[Chapter, ...] | None
    ) -> None:
        if not self.is_current(podcast.url, episode.guid) or self.session.episode != episode:
            self._leave_current()
            self._podcast = podcast
            self._position = self._resume_ms = 0
            self.session.set_episode(episode, chapters)
            self._remember_last(podcast.url, episode.guid)
            self.now_playing_changed.emit(podcast, episode)
        elif chapters is not None:
            self.session.set_chapters(chapters)

    def _leave_current(self) -> None:
        key = self.key()
        if key is not None and self._position > 0 and self.player.source is not None:
            self._store(key, self._position, played=None)

    def _remember_last(self, url: str, guid: str) -> None:
        def job(library: Library, _report: object) -> None:
            library.set_setting(LAST_EPISODE_SETTING, [url, guid])

        self.tasks.run(job, None, lambda message: log.info("Last episode not kept: %s", message))

    def _open_saved(self, saved: PlayState) -> None:
        episode = self.session.episode
        if episode is None:
            return
        start = saved.position_ms if saved.position_ms > 0 and not saved.played else 0
        self.session.open(episode, start)

    def _look_up_and_open(self, url: str, guid: str) -> None:
        request = self._request

        def job(library: Library, _report: object) -> PlayState:
            return library.play_state(guid, podcast_url=url)

        def done(state: PlayState) -> None:
            if request == self._request and self.is_current(url, guid):
                try:
                    self._open_saved(state)
                except PlaybackError as exc:
                    self.error.emit(str(exc))

        self.tasks.run(job, done, lambda _m: done(PlayState()))

    def _replace_audio(self, podcast: Podcast, updated: Episode) -> None:
        was_loaded = self.loaded()
        playing = self.player.state is PlayerState.PLAYING
        position = self.player.position() if was_loaded else self._resume_ms
        self._podcast = replace(
            podcast,
            episodes=tuple(updated if e.guid == updated.guid else e for e in podcast.episodes),
        )
        self.session.set_episode(updated, self.session.chapters)
        if not was_loaded:
            return
        # The old file must not play on: the new audio is loaded where the listener was.
        try:
            self.session.open(updated, position, play=playing)
        except PlaybackError as exc:
            self.error.emit(str(exc))

    @Slot(object)
    def _on_state(self, state: PlayerState) -> None:
        if state is PlayerState.PLAYING:
            self._save_timer.start()
            return
        self._save_timer.stop()
        if state is PlayerState.PAUSED:
            self.save_position()
        key = self.key()
        if state is PlayerState.ENDED and key is not None:
            # A file that stopped far before its end keeps its place and is not played.
            if self._resume_ms and self._heard != key:
                self.save_position()
            else:
                self._position = self._resume_ms = 0
                self._store(key, 0, played=None)
            # After the player's own end-of-media handling (it must not be re-entered).
            QTimer.singleShot(0, self._play_up_next)

    @Slot(object)
    def _on_heard(self, episode: Episode) -> None:
        key = self.key()
        if key is not None and key[1] == episode.guid:
            self._heard = key
            self._store(key, None, played=True)

    @Slot(int)
    def _on_position(self, position_ms: int) -> None:
        if self.key() is not None and self.player.state is not PlayerState.ENDED:
            self._position = position_ms
            self._resume_ms = position_ms

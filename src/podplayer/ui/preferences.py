"""Settings: each podcast's own (skip rules, ticks, intro/outro, speed, volume, pictures), what
they do to the episode that plays, and the window's (speed, volume, skips, geometry)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, Signal

from podplayer.core.errors import LibraryError
from podplayer.core.library import Library
from podplayer.core.model import Episode
from podplayer.core.skiprules import PodcastPrefs, prefs_key, skipped_starts
from podplayer.playback.session import PlaybackSession
from podplayer.playback.skipping import ChapterSkipper
from podplayer.ui.playing import PlaybackController
from podplayer.ui.workers import LibraryTasks

if TYPE_CHECKING:
    from podplayer.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)


class PodcastPreferences(QObject):
    """Each podcast's settings, cached; stored through ``tasks``. ``changed(str, object,
    object)``: (URL, old PodcastPrefs, new PodcastPrefs)."""

    changed = Signal(str, object, object)

    def __init__(self, library: Library, tasks: LibraryTasks, parent: QObject | None = None):
        super().__init__(parent)
        self._library = library
        self._tasks = tasks
        self._prefs: dict[str, PodcastPrefs] = {}

    def remember(self, url: str, prefs: PodcastPrefs) -> None:
        """Settings read on a worker (with the podcast's episodes)."""
        self._prefs.setdefault(url, prefs)

    def get(self, url: str) -> PodcastPrefs:
        """The settings of the podcast at ``url`` (defaults when it has none). Read from the
        library only when not read with its episodes (one keyed row)."""
        prefs = self._prefs.get(url)
        if prefs is None:
            try:
                prefs = PodcastPrefs.from_json(self._library.setting(prefs_key(url)))
            except LibraryError as exc:
                log.warning("Settings of %s not read: %s", url, exc)
                prefs = PodcastPrefs()
            self._prefs[url] = prefs
        return prefs

    def set(self, url: str, prefs: PodcastPrefs) -> None:
        old = self.get(url)
        self._prefs[url] = prefs
        value = prefs.to_json()

        def store(library: Library, _report: object) -> None:
            library.set_setting(prefs_key(url), value)

        self._tasks.run(store, None, lambda message: log.warning("Settings not saved: %s", message))
        self.changed.emit(url, old, prefs)


class ListeningRules(QObject):
    """Applies the playing podcast's settings: skipped chapters and intro/outro to ``skipper``,
    its speed and volume through ``set_speed``/``set_volume`` (and back to the listener's own
    after a podcast that had its own)."""

    def __init__(  # noqa: PLR0917
        self,
        session: PlaybackSession,
        playback: PlaybackController,
        prefs: PodcastPreferences,
        skipper: ChapterSkipper,
        show_skipped: Callable[[frozenset[int]], None],
        speed_volume: Callable[[], tuple[float, int]],
        set_speed: Callable[[float], None],
        set_volume: Callable[[int], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._playback, self._prefs = session, playback, prefs
        self._skipper = skipper
        self._show_skipped = show_skipped
        self._speed_volume = speed_volume
        self._set_speed, self._set_volume = set_speed, set_volume
        # Speed and volume to go back to after a podcast with its own (None: none applied).
        self._global: tuple[float, int] | None = None
        session.episode_changed.connect(self.apply)
        session.chapters_changed.connect(self.apply)
        prefs.changed.connect(self._on_changed)

    def listener_speed_volume(self) -> tuple[float, int]:
        """The listener's own speed and volume (not a podcast's)."""
        return self._global or self._speed_volume()

    def apply(self, changed: object = None, playback: bool = True) -> None:
        episode = self._session.episode
        key = self._playback.key()
        prefs = self._prefs.get(key[0]) if key is not None else PodcastPrefs()
        guid = episode.guid if episode is not None else ""
        skipped = skipped_starts(self._session.chapters, prefs.rules, prefs.ticks_for(guid))
        self._skipper.set_skipped(skipped)
        self._skipper.set_intro_outro(prefs.intro_ms, prefs.outro_ms)
        self._show_skipped(skipped)
        if not playback or (changed is not None and not isinstance(changed, Episode)):
            return
        own = prefs.speed is not None or prefs.volume is not None
        if own and self._global is None:
            self._global = self._speed_volume()
        speed, volume = self._global or (None, None)
        if prefs.speed is not None:
            speed = prefs.speed
        if prefs.volume is not None:
            volume = prefs.volume
        if speed is not None:
            self._set_speed(speed)
        if volume is not None:
            self._set_volume(volume)
        if not own:
            self._global = None

    def _on_changed(self, url: str, old: PodcastPrefs, new: PodcastPrefs) -> None:
        key = self._playback.key()
        if key is not None and key[0] == url:
            self.apply(None, playback=new.speed != old.speed or new.volume != old.volume)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode()


def restore_window_settings(window: MainWindow) -> None:
    """Speed, volume, skip intervals, window geometry and splitters as last left (a few keyed
    rows, read once before the first paint)."""
    lib, transport = window.library, window.transport
    try:
        rate = lib.setting("speed")
        volume = lib.setting("volume")
        back = lib.setting("skip_back_ms")
        forward = lib.setting("skip_forward_ms")
        geometry = lib.setting("window_geometry")
        splitters = lib.setting("splitters")
        refresh_on_start = lib.setting("refresh_on_start", False)
    except LibraryError as exc:
        log.warning("Settings not read: %s", exc)
        return
    if isinstance(rate, int | float):
        transport.set_speed(float(rate))
    if isinstance(volume, int):
        transport.set_volume(volume)
    if isinstance(back, int) or isinstance(forward, int):
        transport.set_skip_intervals(
            back if isinstance(back, int) else transport.skip_back_ms,
            forward if isinstance(forward, int) else transport.skip_forward_ms,
        )
    if isinstance(geometry, str):
        window.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
    if isinstance(splitters, list) and len(splitters) == 2:
        for splitter, state in zip(
            (window.splitter, window.right_splitter), splitters, strict=True
        ):
            if isinstance(state, str):
                splitter.restoreState(QByteArray.fromBase64(state.encode()))
    action = window.refresh_on_start_action
    action.blockSignals(True)
    action.setChecked(bool(refresh_on_start))
    action.blockSignals(False)


def save_window_settings(window: MainWindow) -> None:
    """Remember speed, volume, skip intervals, window geometry and splitters."""
    # A podcast's own speed and volume are its settings, not everyone's.
    speed, volume = window.rules.listener_speed_volume()
    transport = window.transport
    for key, value in (
        ("speed", speed),
        ("volume", volume),
        ("skip_back_ms", transport.skip_back_ms),
        ("skip_forward_ms", transport.skip_forward_ms),
        ("window_geometry", _b64(window.saveGeometry())),
        ("splitters", [_b64(window.splitter.saveState()), _b64(window.right_splitter.saveState())]),
    ):
        window.set_setting(key, value)

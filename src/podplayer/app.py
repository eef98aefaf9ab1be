"""The composition root: command line, paths, loader and window. The only place that wires."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podplayer import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from podplayer.core.library import Library
    from podplayer.core.model import Podcast
    from podplayer.desktop.instance import SingleInstance
    from podplayer.desktop.lock import LibraryLock
    from podplayer.desktop.mpris import MprisService
    from podplayer.playback.base import Player
    from podplayer.playback.session import PlaybackSession
    from podplayer.ui.loader import SourceLoader
    from podplayer.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)

#: "dummy", "afile:PATH" (record to a WAV), or any libVLC --aout name; unset: the system's.
AUDIO_OUTPUT_ENV = "PODPLAYER_AUDIO_OUTPUT"

#: The subcommands of :mod:`podplayer.cli`, named here so that opening the window does not
#: import the CLI and every parser behind it (a test keeps the two in step).
HEADLESS_COMMANDS = frozenset({"parse", "chapters", "play", "search", "import", "transcript"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="A podcast player built around chapters. "
        f"Headless commands: {', '.join(sorted(HEADLESS_COMMANDS))} (see '{APP_NAME} COMMAND -h').",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="podcast pages, show-notes files (.txt, .html) or audio files to open; "
        "without any, the bundled sample is shown",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a headless subcommand (no Qt is imported) or open the window. Returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in HEADLESS_COMMANDS:
        from podplayer import cli

        return cli.main(args)
    # Answer --help/--version before Qt starts, so they work without a display. (Building the
    # parser costs 2 ms: only options need it here.)
    if any(arg.startswith("-") for arg in args):
        build_parser().parse_known_args(args)
    return _run_gui(args)


#: How long a thread runs Python before another may take the GIL (s). The default, 5 ms, let
#: four workers parsing feeds keep the GUI thread waiting for 40-130 ms at a time.
SWITCH_INTERVAL_S = 0.0005


def settle_interpreter() -> None:
    """Tune the interpreter for a window whose workers run Python; call after the window is
    built. The GUI thread takes the GIL sooner (see ``SWITCH_INTERVAL_S``); what exists by now
    (modules, Qt wrappers, the window) is left out of garbage collections, and full ones run
    more often: a full collection holds the GIL throughout, 40-130 ms during a refresh of 50
    big feeds before, 10-30 ms after."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.freeze()
    gc.enable()
    # A full collection every third of the second generation's (not every tenth) finds less
    # garbage each time: each feed parsed leaves about 1300 objects in cycles.
    gc.set_threshold(700, 10, 3)


def make_player(deferred: bool = False) -> tuple[Player, str | None]:
    """The libVLC player, or a silent stand-in and the reason libVLC can't be used.

    ``deferred``: libVLC is neither loaded nor checked yet (the reason is then None); call
    :func:`start_player` once the window is painted.
    """
    from podplayer.playback.base import PlaybackError
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.vlc import VlcPlayer, vlc_available

    if not deferred:
        ok, reason = vlc_available()
        if not ok:
            log.warning("Playback unavailable: %s", reason)
            return NullPlayer(), reason
    output = os.environ.get(AUDIO_OUTPUT_ENV, "").strip() or None
    audio_file = None
    if output is not None and output.startswith("afile:"):
        output, audio_file = "afile", Path(output.removeprefix("afile:"))
    try:
        return VlcPlayer(audio_output=output, audio_file=audio_file, start=not deferred), None
    except PlaybackError as exc:
        log.warning("Playback unavailable: %s", exc)
        return NullPlayer(), str(exc)


def start_player(player: Player) -> str | None:
    """Start a player made by ``make_player(deferred=True)``: None when it can play, else the
    reason libVLC can't be used (the player then fails each ``play()`` with that reason)."""
    from podplayer.playback.base import PlaybackError
    from podplayer.playback.vlc import VlcPlayer

    if not isinstance(player, VlcPlayer):
        return None
    try:
        player.start()
    except PlaybackError as exc:
        log.warning("Playback unavailable: %s", exc)
        return str(exc)
    return None


#: Feeds refreshed (and other library work done) at the same time.
WORKER_THREADS = 4
#: Threads reading the library for the browser (lists, search): never behind a refresh.
READER_THREADS = 2


def build_window(
    loader: SourceLoader,
    session: PlaybackSession | None = None,
    library: Library | None = None,
    *,
    clock: Callable[[], float] | None = None,
    network: bool = True,
) -> MainWindow:
    """The window with its workers and artwork cache: the one place that builds them. A
    missing ``session`` plays nowhere (a NullPlayer); a missing ``library`` is the user's."""
    from podplayer.core.library import FILE_NAME, Library
    from podplayer.core.paths import app_paths
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.session import PlaybackSession
    from podplayer.ui.artwork import ArtworkLoader
    from podplayer.ui.mainwindow import MainWindow
    from podplayer.ui.workers import LibraryTasks

    paths = app_paths()
    session = session or PlaybackSession(NullPlayer())
    library = library or Library(paths.data_dir / FILE_NAME)
    window = MainWindow(
        loader,
        session,
        library,
        LibraryTasks(library.path, max_threads=WORKER_THREADS),
        LibraryTasks(library.path, max_threads=READER_THREADS),
        ArtworkLoader(paths.cache_dir),
        clock=clock or time.monotonic,
        network=network,
    )
    # Owned by the window from here on (freed with it).
    for part in (window.tasks, window.reads, window.artwork):
        part.setParent(window)
    if session.parent() is None:
        session.setParent(window)
    return window


def _load_source(path: Path) -> Podcast:
    # Imported on the worker: the parsers are not needed for the window's first paint.
    from podplayer.core import sources

    return sources.load(str(path))


class _LibraryCheck(threading.Thread):
    """:func:`~podplayer.core.library.open_library` (the integrity check of every page, a damaged
    file moved aside, migrations) on a thread of its own, beside the import of Qt and the
    window: sqlite releases the GIL while it reads, so on a big library this is about free."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="library-check", daemon=True)
        self.path = path
        self.problem: str | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from podplayer.core.library import open_library

        try:
            library, self.problem = open_library(self.path)
            library.close()
        except BaseException as exc:  # handed to the GUI thread, which raises it
            self.error = exc


def _run_gui(args: list[str]) -> int:
    # Start-up makes objects that all live on (modules, widgets, the episodes shown): the
    # collections it would trigger (three full ones, 25 ms) find nothing. On again after the
    # first paint, in settle_interpreter.
    gc.disable()
    import tempfile

    from podplayer.core.library import FILE_NAME, Library
    from podplayer.core.paths import app_paths

    logging.basicConfig(
        level=os.environ.get("PODPLAYER_LOG", "WARNING").upper(),
        format="%(levelname)s %(name)s: %(message)s",
    )
    paths = app_paths()
    lock = _take_lock(paths.data_dir)
    check = _LibraryCheck(paths.data_dir / FILE_NAME)
    if lock is not None:
        check.start()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from podplayer.core.attachments import import_attachments
    from podplayer.core.errors import LibraryError
    from podplayer.core.paths import demo_audio, demo_notes, sample_page
    from podplayer.playback.session import PlaybackSession
    from podplayer.ui.loader import SourceLoader

    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *args])
    # Qt has removed its own options (-platform, -style, ...) by now.
    rest = app.arguments()[1:]
    given: list[str] = build_parser().parse_args(rest).sources if rest else []
    if lock is None:
        from podplayer.desktop.instance import SingleInstance

        # Another podplayer owns this library: it opens the sources, this process leaves.
        return _hand_over(SingleInstance(paths.data_dir), given)

    log.info(
        "data in %s, config in %s, cache in %s",
        paths.data_dir,
        paths.config_dir,
        paths.cache_dir,
    )
    # Made before the wait for the library check: they need no library.
    # libVLC loads after the first paint (start_player), or at a click that comes first.
    player, _ = make_player(deferred=True)
    session = PlaybackSession(player)
    loader = SourceLoader(_load_source)
    problem: str | None = None
    check.join()
    try:
        if check.error is not None:
            raise check.error
        library = Library(check.path, verify=False)
        problem = check.problem
    except LibraryError as exc:
        # A library this version can't use is left alone; this session works in a scratch one.
        scratch = Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-")) / FILE_NAME
        library = Library(scratch)
        problem = f"{exc} This session uses an empty library that is not kept."
    empty = not library.podcasts()

    window = build_window(loader, session, library)
    if problem is not None:
        window.show_message(problem)
    window.show()

    def import_located_audio() -> None:
        try:
            count, missing = import_attachments(library, paths.data_dir)
        except LibraryError as exc:
            window.show_message(str(exc))
            return
        if count:
            window.reload_podcasts()
        if missing:
            log.warning("Located audio for %d episodes not in the library", len(missing))

    window.open_sources(given)
    # The episode that played last is current again (▶ and MPRIS continue it), unless a
    # source given here starts another.
    window.playback.restore()
    if empty and not given:
        window.load_sources([sample_page()])
        # Selected first: a fresh machine plays and seeks with no network.
        window.load_demo(demo_notes(), demo_audio())
    if loader.busy:

        def after_loading(busy: bool) -> None:
            if not busy:
                loader.busy_changed.disconnect(after_loading)
                import_located_audio()

        loader.busy_changed.connect(after_loading)
    else:
        import_located_audio()
    desktop = _Desktop()

    def after_first_paint() -> None:
        if desktop.started:
            return
        desktop.started = True
        desktop.instance = instance = _listen(paths.data_dir, lock)
        unavailable = start_player(player)
        if unavailable is not None:
            window.set_playback_unavailable(unavailable)
        desktop.mpris = _install_desktop(window, session, library)

        def handed_over(sources: list[str]) -> None:
            _raise(window)
            window.open_sources(sources)

        instance.arguments_received.connect(handed_over)
        settle_interpreter()
        window.start()

    _after_first_paint(window, after_first_paint)

    # Python signal handlers only run between bytecodes; the timer lets them in while Qt waits.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.quit())
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(250)

    status = app.exec()
    deadline = time.monotonic() + QUIT_DEADLINE_S
    _release_clipboard(app)
    # Quitting by a signal skips the window's close: save what it would have saved, first,
    # through this thread's connection (the workers may all wait on a slow feed).
    window.playback.save_now(library)
    window.save_settings()
    window.cancel_work()
    if desktop.mpris is not None:
        desktop.mpris.unregister()
    # A worker still parsing must not report to objects Python is about to free.
    settled = loader.wait(_left_ms(deadline)) and window.tasks.wait(_left_ms(deadline))
    # Releasing libVLC stops the audio (and writes a recording's WAV header).
    player.close()
    library.close()
    if desktop.instance is not None:
        desktop.instance.close()
    elif lock is not None:
        lock.release()
    if not settled:
        # A fetch that does not answer would hold the exit (Qt waits for its pools' threads):
        # everything is saved and released, so leave without waiting for it.
        log.info("Leaving with background work unfinished")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


#: Quitting takes at most this long (s), whatever runs: a refresh, a download, a dead stream.
QUIT_DEADLINE_S = 1.5


def _left_ms(deadline: float) -> int:
    return max(0, round((deadline - time.monotonic()) * 1000))


@dataclass
class _Desktop:
    """What is set up after the first paint: the listener for later launches, MPRIS."""

    started: bool = False
    instance: SingleInstance | None = None
    mpris: MprisService | None = None


#: The latest the work deferred to the first paint waits when no paint comes (ms).
FIRST_PAINT_TIMEOUT_MS = 1000


def _after_first_paint(window: MainWindow, callback: Callable[[], None]) -> None:
    """Run ``callback`` once, just after ``window`` first painted (or after
    ``FIRST_PAINT_TIMEOUT_MS`` when it is not painted, e.g. started minimised)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                # Queued: the painted frame reaches the screen first.
                QTimer.singleShot(0, callback)
            return False

    window.installEventFilter(Watcher(window))
    QTimer.singleShot(FIRST_PAINT_TIMEOUT_MS, callback)


def _listen(data_dir: Path, lock: LibraryLock) -> SingleInstance:
    """Listen for later launches. This process holds ``lock`` (or could not make it): a later
    launch waits for the listener, which comes after the first paint."""
    from podplayer.desktop.instance import SingleInstance

    instance = SingleInstance(data_dir, lock=lock)
    # An OSError: _take_lock logged why; run, unguarded.
    with contextlib.suppress(OSError):
        instance.try_become_primary()
    return instance


def _release_clipboard(app: QApplication) -> None:
    """Hand what we copied to Qt as plain text. Qt frees clipboard contents in an exit handler
    that runs after Python has finalised, and a QMimeData made in Python (the chapter export's
    rich copy) then crashes the exit."""
    clipboard = app.clipboard()
    if clipboard.ownsClipboard() or app.platformName() == "offscreen":
        clipboard.setText(clipboard.text())


def _take_lock(data_dir: Path) -> LibraryLock | None:
    """The library's writer lock, or None when another podplayer holds it. A folder where the
    lock can't be made is left to the library's own error (the window shows it)."""
    from podplayer.desktop.lock import LOCK_NAME, LibraryLock

    lock = LibraryLock(data_dir / LOCK_NAME)
    try:
        return lock if lock.acquire() else None
    except OSError as exc:
        log.warning("Could not take the library lock %s: %s", lock.path, exc)
        return lock


def _hand_over(instance: SingleInstance, sources: list[str]) -> int:
    if instance.send_to_primary(sources):
        log.info("Handed %d sources to the running %s", len(sources), APP_NAME)
        return 0
    if instance.problem:
        sys.stderr.write(f"{APP_NAME}: {instance.problem}\n")
        return 1
    owner = instance.lock.owner()
    running = f" (process {owner})" if owner else ""
    sys.stderr.write(f"{APP_NAME} is already running{running} but does not answer.\n")
    return 1


def _raise(window: MainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def _install_desktop(
    window: MainWindow, session: PlaybackSession, library: Library
) -> MprisService | None:
    """MPRIS2 (absent without a session bus, with the reason logged) and chapter notifications
    (the library setting ``notify_chapter_change``, off by default)."""
    from podplayer.desktop.dbustypes import BusError, BusLink
    from podplayer.desktop.mpris import install_mpris
    from podplayer.desktop.notify import ChapterNotifier
    from podplayer.ui.entry import OPEN_URI_KINDS

    try:
        link = BusLink("SESSION", parent=window)
    except BusError as exc:
        log.warning("MPRIS unavailable (media keys and panel controls won't work): %s", exc)
        return None
    playback = window.playback
    service = install_mpris(
        session,
        raise_window=lambda: _raise(window),
        quit_app=window.close,
        podcast_title_for=playback.podcast_title,
        settings=library,
        artwork_for=playback.artwork,
        next_episode=lambda: playback.step(1),
        previous_episode=lambda: playback.step(-1),
        open_uri=lambda uri: window.open_sources([uri], OPEN_URI_KINDS),
        resume=playback.resume_current,
        set_volume=window.transport.set_volume,
        connection=link,
        parent=window,
    )
    if service is None:
        link.close()
        return None
    # After MPRIS took its name: both read the one connection.
    ChapterNotifier(
        session,
        library,
        podcast_title_for=playback.podcast_title,
        connection=link,
        parent=window,
    )
    return service

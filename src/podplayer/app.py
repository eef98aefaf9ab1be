"""The composition root: command line, paths, loader and window. The only place that wires."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from podplayer import APP_ID, APP_NAME, __version__, cli
from podplayer.core.fetch import is_web_url

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="A podcast player built around chapters. "
        f"Headless commands: {', '.join(sorted(cli.COMMANDS))} (see '{APP_NAME} COMMAND -h').",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="podcast pages or show-notes files (.txt, .html) to open; "
        "without any, the bundled sample is shown",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a headless subcommand (no Qt is imported) or open the window. Returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in cli.COMMANDS:
        return cli.main(args)
    # Answer --help/--version before Qt starts, so they work without a display.
    build_parser().parse_known_args(args)
    return _run_gui(args)


def _run_gui(args: list[str]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from podplayer.core.pages import load_source
    from podplayer.core.paths import app_paths, sample_page
    from podplayer.ui.loader import SourceLoader
    from podplayer.ui.mainwindow import MainWindow

    logging.basicConfig(
        level=os.environ.get("PODPLAYER_LOG", "WARNING").upper(),
        format="%(levelname)s %(name)s: %(message)s",
    )
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *args])
    # Qt has removed its own options (-platform, -style, ...) by now.
    options = build_parser().parse_args(app.arguments()[1:])

    paths = app_paths()
    log.info(
        "data in %s, config in %s, cache in %s",
        paths.data_dir,
        paths.config_dir,
        paths.cache_dir,
    )

    loader = SourceLoader(load_source)
    window = MainWindow(loader)
    window.show()

    files = [Path(s) for s in options.sources if not is_web_url(s)]
    urls = [s for s in options.sources if is_web_url(s)]
    if urls:
        window.show_message(
            f"Not opened: feeds by address are not supported in the window yet ({urls[0]}). "
            f"Save the page and open the file, or try '{APP_NAME} parse URL'."
        )
    window.load_sources(files or ([] if urls else [sample_page()]))

    # Python signal handlers only run between bytecodes; the timer lets them in while Qt waits.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.quit())
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(250)

    status = app.exec()
    # A worker still parsing must not report to objects Python is about to free.
    loader.wait(2000)
    return status

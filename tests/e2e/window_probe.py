"""Run the real program and report what its window shows, for the screenshot test.

Started as ``python window_probe.py READY_FILE DONE_FILE`` on an X server: it runs
``podplayer.app.main()``; once the demo episode plays it writes the on-screen rectangles of the
chapter list, the notes and the transport bar (JSON, physical pixels) to READY_FILE, then quits
when DONE_FILE appears (the test has taken its screenshot by then).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from podplayer import app
from podplayer.playback.base import PlayerState
from podplayer.ui.mainwindow import MainWindow


def _rect(widget: QWidget) -> list[int]:
    ratio = widget.devicePixelRatioF()
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [
        round(top_left.x() * ratio),
        round(top_left.y() * ratio),
        round(widget.width() * ratio),
        round(widget.height() * ratio),
    ]


def main() -> int:
    ready, done = Path(sys.argv[1]), Path(sys.argv[2])
    state = {"asked": False}

    def poll() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if hasattr(w, "transport")]
        if not windows:
            return
        window = windows[0]
        episode = window.current_episode()
        if episode is None or "tour" not in episode.title.lower():
            return
        if not state["asked"]:
            state["asked"] = True
            window.play_selected_episode()
            return
        if window.player.state is not PlayerState.PLAYING or window.player.position() < 12_000:
            return
        if not ready.exists():
            window.activateWindow()
            info = {
                "window": _rect(window),
                "chapters": _rect(window.chapter_view),
                "notes": _rect(window.notes_pane),
                "transport": _rect(window.transport),
                "visible": {
                    "chapters": window.chapter_view.isVisible(),
                    "notes": window.notes_pane.isVisible(),
                    "transport": window.transport.isVisible(),
                },
                "chapter_rows": window.chapter_model.rowCount(),
                "notes_text": window.notes_pane.browser.toPlainText()[:200],
                "transport_text": window.transport.chapter_title.text(),
            }
            ready.write_text(json.dumps(info))
        elif done.exists():
            QApplication.quit()

    # Timers need the application's event dispatcher: start polling once the window shows.
    timers: list[QTimer] = []
    show = MainWindow.show

    def show_and_poll(window: MainWindow) -> None:
        show(window)
        if not timers:
            timers.append(QTimer(window))
            timers[0].timeout.connect(poll)
            timers[0].start(200)

    MainWindow.show = show_and_poll  # type: ignore[method-assign]
    return app.main([])


if __name__ == "__main__":
    sys.exit(main())

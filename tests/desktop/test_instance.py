"""Single instance: the lock keeps one writer per data folder, a second launch hands over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from podplayer.desktop.instance import SingleInstance, absolute_sources, server_name
from podplayer.desktop.lock import IMPORT, LOCK_NAME, WINDOW, LibraryLock

SEND = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication
    from podplayer.desktop.instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(Path(sys.argv[1]))
    if instance.try_become_primary():
        print("primary")
        sys.exit(3)
    sys.exit(0 if instance.send_to_primary(sys.argv[2:], timeout_ms=3000) else 1)
    """
)

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication
    from podplayer.desktop.instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(Path(sys.argv[1]))
    assert instance.try_become_primary()
    print("ready", flush=True)
    time.sleep(60)
    """
)


def _start(script: str, *args: str, cwd: Path | None = None) -> Any:
    from PySide6.QtCore import QProcess

    process = QProcess()
    if cwd is not None:
        process.setWorkingDirectory(str(cwd))
    process.start(sys.executable, ["-c", script, *args])
    assert process.waitForStarted(5000)
    return process


def _finish(qtbot: Any, process: Any) -> int:
    from PySide6.QtCore import QProcess

    qtbot.waitUntil(lambda: process.state() == QProcess.ProcessState.NotRunning, timeout=15_000)
    return int(process.exitCode())


def test_second_launch_hands_its_sources_over(qtbot: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    primary = SingleInstance(data)
    assert primary.try_become_primary()
    received: list[list[str]] = []
    primary.arguments_received.connect(received.append)
    try:
        process = _start(
            SEND, str(data), "episode.mp3", "https://example.org/feed.xml", cwd=tmp_path
        )
        assert _finish(qtbot, process) == 0, bytes(process.readAllStandardError().data())
        assert received == [[str(tmp_path / "episode.mp3"), "https://example.org/feed.xml"]]
        # Without sources a second launch still reaches the window (to raise it).
        assert _finish(qtbot, _start(SEND, str(data))) == 0
        assert received[-1] == []
    finally:
        primary.close()


def test_only_one_primary_per_data_folder(qapp: Any, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path / "a")
    second = SingleInstance(tmp_path / "a")
    other = SingleInstance(tmp_path / "b")
    try:
        assert first.try_become_primary()
        assert not second.try_become_primary()
        assert other.try_become_primary()
        assert first.name != other.name
        assert first.lock.owner() == os.getpid()
        first.close()
        assert second.try_become_primary()
    finally:
        for instance in (first, second, other):
            instance.close()


def test_a_crashed_primary_leaves_nothing_in_the_way(qtbot: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = _start(HOLD, str(data))
    qtbot.waitUntil(lambda: b"ready" in bytes(holder.peek(100).data()), timeout=15_000)
    # While it lives it is the primary, and a launch reaches it.
    assert not SingleInstance(data).try_become_primary()
    os.kill(holder.processId(), signal.SIGKILL)
    _finish(qtbot, holder)
    from PySide6.QtCore import QDir

    socket_files = list(Path(QDir.tempPath()).glob(f"{server_name(data)}*"))
    assert socket_files, "the killed primary should have left its socket file"
    instance = SingleInstance(data)
    received: list[list[str]] = []
    instance.arguments_received.connect(received.append)
    try:
        assert instance.try_become_primary()
        assert _finish(qtbot, _start(SEND, str(data), "https://example.org/x.mp3")) == 0
        assert received == [["https://example.org/x.mp3"]]
    finally:
        instance.close()


def test_a_primary_that_does_not_answer_is_reported(qapp: Any, tmp_path: Path) -> None:
    lock = LibraryLock(tmp_path / "data" / "podplayer.lock")
    assert lock.acquire()
    try:
        # Locked by "another" holder that never listens: the sender gives up in time.
        out = subprocess.run(
            [sys.executable, "-c", SEND, str(tmp_path / "data"), "x.mp3"],
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert out.returncode == 1
        assert b"does not answer" in out.stderr
    finally:
        lock.release()


def test_relative_paths_are_made_absolute(tmp_path: Path) -> None:
    assert absolute_sources(["a.mp3", "/x/b.txt", "http://h/feed", "~/c.opml"], tmp_path) == [
        str(tmp_path / "a.mp3"),
        "/x/b.txt",
        "http://h/feed",
        str(Path("~/c.opml").expanduser()),
    ]


def test_a_busy_primary_gets_the_sources_and_the_sender_says_it_handed_them_over(
    qtbot: Any, tmp_path: Path
) -> None:
    # The primary's event loop does not run while this thread waits (a window busy for
    # seconds): the hand-over is still delivered, so it must not be reported as unanswered.
    data = tmp_path / "data"
    primary = SingleInstance(data)
    assert primary.try_become_primary()
    received: list[list[str]] = []
    primary.arguments_received.connect(received.append)
    try:
        sender = SingleInstance(data)
        assert sender.send_to_primary(["https://example.org/feed.xml"], timeout_ms=300)
        assert sender.problem is None
        qtbot.waitUntil(lambda: received == [["https://example.org/feed.xml"]], timeout=10_000)
    finally:
        primary.close()


def test_an_import_holding_the_lock_is_named_not_called_unanswering(
    qapp: Any, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    lock = LibraryLock(data / LOCK_NAME, IMPORT)
    assert lock.acquire()
    try:
        launch = SingleInstance(data)
        assert not launch.send_to_primary(["x.mp3"], timeout_ms=5000)
        assert launch.problem is not None
        assert "“podplayer import” (process" in launch.problem
        assert "does not answer" not in launch.problem
        assert "another “podplayer import”" in LibraryLock(data / LOCK_NAME).busy_message()
    finally:
        lock.release()


def _import(home: Path, *sources: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PODPLAYER_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "podplayer", "import", *sources],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_a_second_import_is_told_who_holds_the_library(tmp_path: Path) -> None:
    from podplayer.core.paths import app_paths

    data = app_paths().ensure().data_dir
    for purpose, expected, unwanted in (
        (IMPORT, "another “podplayer import” (process", "its window"),
        (WINDOW, "add these from its window", "podplayer import"),
    ):
        lock = LibraryLock(data / LOCK_NAME, purpose)
        assert lock.acquire()
        try:
            out = _import(Path(os.environ["PODPLAYER_HOME"]), str(tmp_path / "notes.txt"))
        finally:
            lock.release()
        assert out.returncode != 0
        assert expected in out.stderr and unwanted not in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_the_lock_names_its_holder(tmp_path: Path) -> None:
    lock = LibraryLock(tmp_path / LOCK_NAME, IMPORT)
    assert lock.acquire()
    try:
        other = LibraryLock(tmp_path / LOCK_NAME)
        assert not other.acquire()
        assert (other.owner(), other.owner_purpose()) == (os.getpid(), IMPORT)
    finally:
        lock.release()
    # A lock file written by an older podplayer (pid only) was the window's.
    (tmp_path / LOCK_NAME).write_text("123\n", encoding="utf-8")
    old = LibraryLock(tmp_path / LOCK_NAME)
    assert (old.owner(), old.owner_purpose()) == (123, WINDOW)

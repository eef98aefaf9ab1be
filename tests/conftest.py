"""Shared fixtures: headless Qt by default, private user folders, trapped link openers.

Nothing here imports PySide6 at module level: tests/core must run without it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

# Before any QApplication exists; a developer can still ask for xcb to watch a test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Schemes the desktop would hand to a browser, mail client or file manager, plus ones that must
# never be opened: trapping them too makes "was not opened" observable.
TRAPPED_SCHEMES = ("http", "https", "mailto", "file", "javascript", "data", "ftp")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point podplayer's folders and the XDG ones at ``tmp_path``; returns PODPLAYER_HOME."""
    home = tmp_path / "podplayer-home"
    monkeypatch.setenv("PODPLAYER_HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", "xdg-data"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_CACHE_HOME", "xdg-cache"),
        ("XDG_STATE_HOME", "xdg-state"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))
    return home


@cache
def _url_trap_class() -> type[Any]:
    from PySide6.QtCore import QObject, QUrl, Slot

    class UrlTrap(QObject):
        """Records every URL that QDesktopServices.openUrl was asked to open."""

        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        @Slot(QUrl)
        def record(self, url: QUrl) -> None:
            self.urls.append(url.toString())

    return UrlTrap


@pytest.fixture
def url_trap(qapp: Any) -> Iterator[Any]:
    """A QObject whose ``urls`` lists what the code under test tried to open; nothing is opened.

    PySide6's setUrlHandler takes a QObject and a slot name, not a plain function.
    """
    from PySide6.QtGui import QDesktopServices

    trap = _url_trap_class()()
    for scheme in TRAPPED_SCHEMES:
        QDesktopServices.setUrlHandler(scheme, trap, "record")
    yield trap
    for scheme in TRAPPED_SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture(autouse=True)
def _trap_urls_in_qt_tests(request: pytest.FixtureRequest) -> None:
    # A test that starts Qt must never start a real browser, even one that forgot to ask.
    if {"qapp", "qtbot", "qtmodeltester"} & set(request.fixturenames):
        request.getfixturevalue("url_trap")


@pytest.fixture(autouse=True)
def _empty_clipboard_after_qt_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    # Qt frees clipboard contents in an exit handler that runs after Python has finalised;
    # a QMimeData made in Python then crashes the process at exit. Free it while Python runs.
    yield
    if "PySide6.QtGui" in sys.modules and {"qapp", "qtbot"} & set(request.fixturenames):
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.instance() is not None:
            QGuiApplication.clipboard().clear()


@pytest.fixture
def display() -> Iterator[str]:
    """A private Xvfb server (1280x800); yields its DISPLAY value."""
    from xserver import xvfb_display

    with xvfb_display() as value:
        yield value

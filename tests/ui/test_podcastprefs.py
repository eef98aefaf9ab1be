"""The per-podcast settings dialog and the artwork loader."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QThreadPool
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from podplayer.core.skiprules import SUGGESTED_RULES, PodcastPrefs
from podplayer.ui.artwork import ArtworkLoader, cache_path
from podplayer.ui.podcastprefs import PodcastPrefsDialog


def test_dialog_edits_every_preference(qtbot: QtBot) -> None:
    prefs = PodcastPrefs(rules=("Sponsor",), ticks={"g": {0: False}})
    dialog = PodcastPrefsDialog("Show", prefs)
    qtbot.addWidget(dialog)
    assert dialog.rules() == ("Sponsor",)
    dialog.add_suggestions()
    dialog.rule_edit.setText("  Werb* ")
    dialog.add_rule()
    dialog.add_rule("sponsor")  # already there, ignoring case
    assert dialog.rules() == (*SUGGESTED_RULES, "Werb*")
    dialog.rule_list.setCurrentRow(0)
    dialog.remove_rule()
    dialog.intro_spin.setValue(30)
    dialog.outro_spin.setValue(10)
    dialog.speed_combo.setCurrentIndex(dialog.speed_combo.findData(1.5))
    dialog.volume_check.setChecked(True)
    dialog.volume_slider.setValue(60)
    dialog.images_check.setChecked(True)
    edited = dialog.prefs()
    assert edited == PodcastPrefs(
        intro_ms=30_000,
        outro_ms=10_000,
        speed=1.5,
        volume=60,
        rules=("Ad break", "Outtakes", "Werb*"),
        allow_images=True,
        ticks={"g": {0: False}},
    )
    for widget in (dialog.rule_list, dialog.intro_spin, dialog.speed_combo, dialog.volume_slider):
        assert widget.accessibleName()


def test_dialog_defaults(qtbot: QtBot) -> None:
    dialog = PodcastPrefsDialog("Show", PodcastPrefs())
    qtbot.addWidget(dialog)
    assert dialog.prefs() == PodcastPrefs()
    assert dialog.intro_spin.text() == "Off"


def _png() -> bytes:
    image = QImage(1024, 600, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_artwork_is_fetched_off_the_gui_thread_cached_and_scaled(
    qtbot: QtBot, tmp_path: Path
) -> None:
    gui = threading.get_ident()
    threads: list[int] = []

    def fetch(url: str) -> bytes:
        threads.append(threading.get_ident())
        return _png()

    url = "https://example.org/art.png"
    loader = ArtworkLoader(tmp_path, fetch, pool=QThreadPool())
    assert loader.image(url) is None
    with qtbot.waitSignal(loader.loaded, timeout=3000) as blocker:
        pass
    image = blocker.args[1]
    assert isinstance(image, QImage) and image.width() == 512
    assert threads and gui not in threads
    assert cache_path(tmp_path, url).is_file()
    assert loader.image(url) is not None

    # A new loader reads the disk cache: no second fetch.
    again = ArtworkLoader(tmp_path, fetch, pool=QThreadPool())
    again.image(url)
    qtbot.waitSignal(again.loaded, timeout=3000).wait()
    assert len(threads) == 1


def test_artwork_refuses_other_schemes_and_survives_failures(qtbot: QtBot, tmp_path: Path) -> None:
    def fetch(url: str) -> bytes:
        raise OSError("unreachable")

    loader = ArtworkLoader(tmp_path, fetch, pool=QThreadPool())
    assert loader.image("file:///etc/passwd") is None
    assert loader.image(None) is None
    loader.image("https://example.org/missing.png")
    loader.wait(3000)
    qtbot.wait(50)
    assert loader.image("https://example.org/missing.png") is None

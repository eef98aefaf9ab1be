"""Where podplayer keeps things. The only module that asks appdirs; everyone else gets paths.

Setting ``PODPLAYER_HOME`` puts data, config and cache under that one folder (tests, portable
use).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import appdirs

from podplayer import APP_NAME

_HOME_ENV = "PODPLAYER_HOME"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path

    @property
    def downloads_dir(self) -> Path:
        """Where episodes are downloaded unless the listener picked a folder: in the data
        folder, never the cache folder (cleaners empty that)."""
        return self.data_dir / "downloads"

    def ensure(self) -> AppPaths:
        """Create the folders (mode 0700 for new ones) and return self. Raises OSError."""
        for folder in (self.data_dir, self.config_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def app_paths() -> AppPaths:
    """The user's podplayer folders, from ``PODPLAYER_HOME`` if set, else the XDG/appdirs ones."""
    home = os.environ.get(_HOME_ENV)
    if home:
        root = Path(home)
        return AppPaths(root / "data", root / "config", root / "cache")
    return AppPaths(
        Path(appdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(appdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(appdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )


def resources_dir() -> Path:
    """``resources/``: beside ``src/`` in a checkout, under ``share/podplayer`` when installed."""
    checkout = Path(__file__).resolve().parents[3] / "resources"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / APP_NAME / "resources"


def sample_page() -> Path:
    """The bundled sample podcast page, loaded when the library is empty."""
    return resources_dir() / "sample" / "meta-tech-podcast.txt"


def demo_notes() -> Path:
    """The bundled demo episode's show notes (its chapters match ``demo_audio``)."""
    return resources_dir() / "demo" / "podplayer-demo.txt"


def demo_audio() -> Path:
    """The bundled demo episode's audio: an MP3 with a tone of its own in each chapter."""
    return resources_dir() / "demo" / "podplayer-demo.mp3"

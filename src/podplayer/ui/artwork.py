"""Podcast and episode artwork: fetched once, cached on disk, decoded off the GUI thread."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from podplayer.core.fetch import fetch, is_web_url

log = logging.getLogger(__name__)

Fetch = Callable[[str], bytes]
#: Artwork is shown small; larger images are scaled down before they reach the GUI thread.
MAX_SIDE_PX = 512
MAX_BYTES = 8 * 1024 * 1024


def _fetch_bytes(url: str) -> bytes:
    return fetch(url, max_bytes=MAX_BYTES, timeout_s=15).body


def cache_path(cache_dir: Path, url: str) -> Path:
    """Where the artwork at ``url`` is kept: ``cache_dir/artwork/<sha256 of url>``."""
    return cache_dir / "artwork" / hashlib.sha256(url.encode()).hexdigest()


class _Relay(QObject):
    done = Signal(str, object)


class _Job(QRunnable):
    def __init__(self, relay: _Relay, url: str, path: Path, fetch_bytes: Fetch) -> None:
        super().__init__()
        self._relay, self._url, self._path, self._fetch = relay, url, path, fetch_bytes

    def run(self) -> None:
        image: QImage | None = None
        try:
            if self._path.is_file():
                data = self._path.read_bytes()
            else:
                data = self._fetch(self._url)
                self._path.parent.mkdir(parents=True, exist_ok=True)
                part = self._path.with_suffix(f".{os.getpid()}.part")
                part.write_bytes(data)
                part.replace(self._path)
            loaded = QImage.fromData(data)
            if not loaded.isNull():
                if max(loaded.width(), loaded.height()) > MAX_SIDE_PX:
                    loaded = loaded.scaled(
                        MAX_SIDE_PX,
                        MAX_SIDE_PX,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                image = loaded
        except Exception as exc:  # a worker must let nothing escape; no artwork is fine
            log.info("Artwork %s not loaded: %s", self._url, exc)
        try:
            self._relay.done.emit(self._url, image)
        except RuntimeError:
            log.debug("Artwork dropped: its receiver went away")


class ArtworkLoader(QObject):
    """Loads artwork by URL. ``loaded(str, QImage)`` reports each image that arrived (on the
    GUI thread); failures are only logged. Only http(s) URLs are fetched."""

    loaded = Signal(str, QImage)

    def __init__(
        self,
        cache_dir: Path,
        fetch_bytes: Fetch = _fetch_bytes,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self._fetch = fetch_bytes
        self._pool = pool if pool is not None else QThreadPool(self)
        if pool is None:
            self._pool.setMaxThreadCount(2)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._images: dict[str, QImage] = {}
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    def image(self, url: str | None) -> QImage | None:
        """The image at ``url`` if it has been loaded; otherwise None, and loading starts."""
        if not url or not is_web_url(url) or url in self._failed:
            return None
        image = self._images.get(url)
        if image is None and url not in self._pending:
            self._pending.add(url)
            self._pool.start(_Job(self._relay, url, cache_path(self.cache_dir, url), self._fetch))
        return image

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    @Slot(str, object)
    def _on_done(self, url: str, image: object) -> None:
        self._pending.discard(url)
        if isinstance(image, QImage):
            self._images[url] = image
            self.loaded.emit(url, image)
        else:
            self._failed.add(url)

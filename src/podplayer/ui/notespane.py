"""The show-notes pane: an episode's notes, sanitised, with seek links and safe web links.

The notes go through :func:`podplayer.core.notes.sanitize_notes` (off the GUI thread when
they are large), so what the browser sees holds only allow-listed tags, ``http(s)``/``mailto``
links and seek links. The browser never follows a link itself (``setOpenLinks(False)``): a click
on a time asks for a seek, a click on a web or mail link asks the window to open it, and any
other scheme is ignored. Remote images load only when the listener allowed them for the podcast,
through the ``fetch_image`` function given to the constructor, on a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QImage, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from podplayer.core.model import Chapter, Episode, Link
from podplayer.core.notes import LINK_SCHEMES, SanitizedNotes, sanitize_notes, seek_target

log = logging.getLogger(__name__)

FetchImage = Callable[[str], bytes]

#: Notes longer than this (characters) are sanitised on a worker thread.
ASYNC_THRESHOLD = 64 * 1024
#: The pane shows at most this much of an episode's notes (characters of markup): a browser
#: lays out 10 MB of text for seconds on the GUI thread, and no one reads that much in a pane.
MAX_SHOWN_CHARS = 256 * 1024
NO_NOTES = "This episode has no show notes."
NO_EPISODE = "Select an episode to read its show notes."
_MAX_IMAGES = 40


class _Relay(QObject):
    """Carries a worker's result back to the GUI thread (queued)."""

    sanitized = Signal(int, object)
    image_loaded = Signal(str, object)


class _SanitizeJob(QRunnable):
    def __init__(
        self, relay: _Relay, token: int, notes: str, allow: bool, duration: int | None
    ) -> None:
        super().__init__()
        self._relay, self._token = relay, token
        self._notes, self._allow, self._duration = notes, allow, duration

    def run(self) -> None:
        try:
            result = _sanitized(self._notes, self._allow, self._duration)
        except Exception:  # a worker must let nothing escape; the pane shows nothing instead
            log.exception("Show notes could not be prepared")
            result = SanitizedNotes("")
        try:
            self._relay.sanitized.emit(self._token, result)
        except RuntimeError:
            log.debug("Show notes dropped: the pane went away")


class _ImageJob(QRunnable):
    def __init__(self, relay: _Relay, url: str, fetch: FetchImage) -> None:
        super().__init__()
        self._relay, self._url, self._fetch = relay, url, fetch

    def run(self) -> None:
        image: QImage | None = None
        try:
            data = self._fetch(self._url)
            loaded = QImage.fromData(data)
            image = None if loaded.isNull() else loaded
        except Exception as exc:  # network and decoding failures only cost the image
            log.info("Image %s not loaded: %s", self._url, exc)
        try:
            self._relay.image_loaded.emit(self._url, image)
        except RuntimeError:
            log.debug("Image dropped: the pane went away")


class NotesBrowser(QTextBrowser):
    """A QTextBrowser that loads no resource by itself: only images handed to it."""

    image_wanted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.images: dict[str, QImage] = {}
        self.allow_images = False

    def loadResource(self, kind: int, url: QUrl | str) -> object:  # noqa: N802
        url = QUrl(url)
        text = url.toString()
        if kind == QTextDocument.ResourceType.ImageResource.value and self.allow_images:
            image = self.images.get(text)
            if image is not None:
                return image
            if url.scheme().lower() in ("http", "https"):
                self.image_wanted.emit(text)
        # Nothing else is ever loaded: no files, no style sheets, no data: URLs.
        return None


class NotesPane(QWidget):
    """Shows one episode's notes.

    Signals: ``seek_requested(int)`` (ms) for a click on a time, ``link_requested(str)`` for an
    ``http``/``https``/``mailto`` link, ``images_allowed(bool)`` when the listener asks to load
    (or stop loading) remote images for this podcast, ``notes_shown()`` once notes are displayed.
    ``fetch_image(url) -> bytes`` runs on ``pool`` (a private one when None); without it remote
    images are never loaded.
    """

    seek_requested = Signal(int)
    link_requested = Signal(str)
    images_allowed = Signal(bool)
    notes_shown = Signal()

    def __init__(
        self,
        fetch_image: FetchImage | None = None,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_image = fetch_image
        self._pool = pool if pool is not None else QThreadPool(self)
        if pool is None:
            self._pool.setMaxThreadCount(2)
        self._relay = _Relay(self)
        self._relay.sanitized.connect(self._on_sanitized)
        self._relay.image_loaded.connect(self._on_image_loaded)
        self._token = 0
        self._result = SanitizedNotes("")
        self._requested: set[str] = set()

        self.browser = NotesBrowser(self)
        self.browser.setObjectName("notesBrowser")
        self.browser.setAccessibleName("Show notes")
        self.browser.anchorClicked.connect(self._on_anchor)
        self.browser.highlighted.connect(self._on_highlighted)
        self.browser.image_wanted.connect(self._want_image)

        self.hint = QLabel(NO_EPISODE, self)
        self.hint.setWordWrap(True)
        self.hint.setMargin(16)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setAutoFillBackground(True)
        self.hint.setBackgroundRole(QPalette.ColorRole.Base)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.hint)
        self.stack.setCurrentWidget(self.hint)

        self.images_label = QLabel(self)
        self.images_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.images_button = QPushButton("Load images", self)
        self.images_button.setAccessibleName("Load remote images for this podcast")
        self.images_button.setToolTip(
            "Load pictures from the web in this podcast's notes (the podcast's servers then see"
            " that you read them)"
        )
        self.images_button.clicked.connect(lambda: self.images_allowed.emit(True))
        images_row = QHBoxLayout()
        images_row.setContentsMargins(0, 0, 0, 0)
        images_row.addWidget(self.images_label, 1)
        images_row.addWidget(self.images_button)
        self.images_bar = QWidget(self)
        self.images_bar.setLayout(images_row)
        self.images_bar.hide()

        self._reflow = QTimer(self)
        self._reflow.setSingleShot(True)
        self._reflow.setInterval(150)
        self._reflow.timeout.connect(self._show_html)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.images_bar)
        layout.addWidget(self.stack, 1)

    # -- public API ----------------------------------------------------------------------------

    @property
    def result(self) -> SanitizedNotes:
        """What is shown (or about to be): the sanitised HTML and what was left out."""
        return self._result

    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.hint

    def html(self) -> str:
        """The sanitised HTML handed to the browser."""
        return self._result.html

    def set_notes(
        self,
        notes: str | None,
        *,
        allow_images: bool = False,
        duration_ms: int | None = None,
    ) -> None:
        """Show ``notes`` (HTML or plain text; None: no episode selected)."""
        self._token += 1
        self.browser.allow_images = allow_images and self._fetch_image is not None
        self.images_bar.hide()
        if notes is None or not notes.strip():
            self._result = SanitizedNotes("")
            self.browser.clear()
            self.hint.setText(NO_EPISODE if notes is None else NO_NOTES)
            self.stack.setCurrentWidget(self.hint)
            self.notes_shown.emit()
            return
        if len(notes) <= ASYNC_THRESHOLD:
            self._on_sanitized(self._token, _sanitized(notes, allow_images, duration_ms))
            return
        self.hint.setText("Reading the show notes…")
        self.stack.setCurrentWidget(self.hint)
        self._pool.start(_SanitizeJob(self._relay, self._token, notes, allow_images, duration_ms))

    def set_fetch_image(self, fetch_image: FetchImage | None) -> None:
        self._fetch_image = fetch_image

    # -- reactions -----------------------------------------------------------------------------

    @Slot(int, object)
    def _on_sanitized(self, token: int, result: object) -> None:
        if token != self._token or not isinstance(result, SanitizedNotes):
            return  # notes of an episode no longer shown
        self._result = result
        self._show_html()
        blocked = result.images_blocked
        if blocked and self._fetch_image is not None:
            self.images_label.setText(
                f"{blocked} picture{'' if blocked == 1 else 's'} from the web not loaded."
            )
            self.images_bar.show()
        self.stack.setCurrentWidget(self.browser)
        self.notes_shown.emit()

    def _show_html(self) -> None:
        bar = self.browser.verticalScrollBar()
        keep = bar.value()
        self.browser.setHtml(self._result.html)
        bar.setValue(keep)

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        position = seek_target(text)
        if position is not None:
            self.seek_requested.emit(position)
        elif url.scheme().lower() in LINK_SCHEMES:
            self.link_requested.emit(text)
        else:
            log.info("Ignored a link with the scheme %r", url.scheme())

    @Slot(QUrl)
    def _on_highlighted(self, url: QUrl) -> None:
        position = seek_target(url.toString())
        if position is not None:
            self.browser.setToolTip("Play from here")
        elif url.isValid() and not url.isEmpty():
            self.browser.setToolTip(url.toString())
        else:
            self.browser.setToolTip("")

    @Slot(str)
    def _want_image(self, url: str) -> None:
        fetch = self._fetch_image
        if fetch is None or url in self._requested or len(self._requested) >= _MAX_IMAGES:
            return
        self._requested.add(url)
        self._pool.start(_ImageJob(self._relay, url, fetch))

    @Slot(str, object)
    def _on_image_loaded(self, url: str, image: object) -> None:
        if isinstance(image, QImage):
            self.browser.images[url] = image
            # Many images arrive together: lay the text out once for all of them.
            self._reflow.start()


def bounded(notes: str, limit: int = MAX_SHOWN_CHARS) -> tuple[str, int]:
    """The first ``limit`` characters of ``notes`` (not cutting a tag in two) and how many
    characters were left out.

    >>> bounded("<p>one</p><p>two</p>", 12)
    ('<p>one</p>', 10)
    """
    if len(notes) <= limit:
        return notes, 0
    cut = limit
    opened = notes.rfind("<", 0, cut)
    if opened > notes.rfind(">", 0, cut):
        cut = opened
    return notes[:cut], len(notes) - cut


def _sanitized(notes: str, allow_images: bool, duration_ms: int | None) -> SanitizedNotes:
    shown, left_out = bounded(notes)
    result = sanitize_notes(shown, allow_images=allow_images, duration_ms=duration_ms)
    if not left_out:
        return result
    more = f"<p><i>{left_out:,} more characters of notes are not shown here.</i></p>"
    return replace(result, html=result.html + more)


def chapter_links(episode: Episode, chapters: Sequence[Chapter], index: int) -> list[Link]:
    """The links of ``chapters[index]``: its own URL first, then the links the notes gave in
    that chapter's part.

    ``Link.chapter_index`` counts in the episode's own (notes) chapter list, which may differ
    from the list shown (tags, a chapter file): a link belongs to the shown chapter that
    contains the start of the notes chapter it was found under.
    """
    if not 0 <= index < len(chapters):
        return []
    chapter = chapters[index]
    links: list[Link] = []
    if chapter.url and urlsplit(chapter.url).scheme.lower() in LINK_SCHEMES:
        links.append(Link(chapter.title, chapter.url, index))
    starts = [c.start_ms for c in chapters]
    own = episode.chapters
    for link in episode.links:
        if link.chapter_index is None or not 0 <= link.chapter_index < len(own):
            continue
        at = own[link.chapter_index].start_ms
        # The shown chapter containing ``at`` (starts are sorted).
        shown = max((i for i, s in enumerate(starts) if s <= at + 999), default=-1)
        if shown == index and all(x.url != link.url for x in links):
            links.append(link)
    return links

"""What a source handed to the window is: the command line, a second launch, a drop, a paste
and MPRIS OpenUri all ask :func:`classify_entry` (one rule for every entry point)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from podplayer.core.errors import PodplayerError
from podplayer.core.fetch import is_web_url


class EntryKind(enum.Enum):
    FEED = "feed"  # an http(s) address to subscribe to
    AUDIO_URL = "audio url"  # an http(s) address of audio to play
    AUDIO_FILE = "audio file"  # a local audio file to add and play
    OPML = "opml"  # a local subscription list
    DOCUMENT = "document"  # a local page, feed, notes or chapters file to add
    REFUSED = "refused"  # not something podplayer opens (``Entry.message`` says why)


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    target: str  # the http(s) URL or the local path
    message: str = ""

    @property
    def path(self) -> Path:
        return Path(self.target)


def classify_entry(source: str) -> Entry:
    """Read ``source`` (a path, ``file://``, ``feed://``, ``feed:https://``, ``podcast://``,
    ``itpc://``, ``pcast://`` or http(s) URL) as podplayer opens it. Local files are told apart
    by name here; their content is read on a worker when they are loaded."""
    from podplayer.core.sources import AUDIO_SUFFIXES, normalize

    try:
        target = normalize(source)
    except PodplayerError as exc:
        return Entry(EntryKind.REFUSED, source.strip(), str(exc))
    if is_web_url(target):
        suffix = Path(urlsplit(target).path).suffix.lower()
        feed_scheme = not source.strip().lower().startswith(("http:", "https:"))
        audio = suffix in AUDIO_SUFFIXES and not feed_scheme
        return Entry(EntryKind.AUDIO_URL if audio else EntryKind.FEED, target)
    suffix = Path(target).suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return Entry(EntryKind.AUDIO_FILE, target)
    if suffix == ".opml":
        return Entry(EntryKind.OPML, target)
    return Entry(EntryKind.DOCUMENT, target)


def refused_url_message(url: str) -> str:
    """Why an address that is not http(s) is not played, in the listener's words."""
    shown = url.strip() if len(url.strip()) <= 60 else url.strip()[:59] + "…"
    scheme = urlsplit(url.strip()).scheme
    why = f"not {scheme}:" if scheme and len(scheme) > 1 else "and this is not one"
    return f"Not opened: only http(s) addresses can be played, {why} ({shown})"


#: What MPRIS OpenUri may open: web addresses and audio files, never other local files.
OPEN_URI_KINDS = frozenset({EntryKind.FEED, EntryKind.AUDIO_URL, EntryKind.AUDIO_FILE})

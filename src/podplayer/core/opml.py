"""OPML subscription lists in and out (gPodder, AntennaPod and most podcast apps use OPML 2.0).

Reading goes through defusedxml: a file can declare no entities and pull nothing external.
Outlines may be nested (folders); every outline with a feed URL counts, in document order,
each URL once.
"""

from __future__ import annotations

import email.utils
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from podplayer.core.errors import ParseError

log = logging.getLogger(__name__)

__all__ = ["Subscription", "feed_url", "read_opml", "write_opml"]

# Apps disagree on the attribute's case; a few old ones use "url".
_URL_ATTRIBUTES = ("xmlUrl", "xmlurl", "xmlURL", "XMLURL", "url")
MAX_OPML_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Subscription:
    """A feed to subscribe to: its ``url`` (http or https) and a ``title`` (may be empty)."""

    title: str
    url: str


def feed_url(raw: str) -> str | None:
    """``raw`` as an http(s) URL (feed:/itpc:/pcast:/podcast: schemes mapped the one way
    :func:`podplayer.core.sources.normalize` maps them); None for anything else.

    >>> feed_url("feed://example.org/rss"), feed_url("itpc:https://example.org/rss")
    ('http://example.org/rss', 'https://example.org/rss')
    >>> feed_url("feed://http://example.org/rss")
    'http://example.org/rss'
    >>> feed_url("file:///etc/passwd") is None
    True
    """
    from podplayer.core.sources import normalize

    try:
        text = normalize(raw)
    except ParseError:
        return None
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return None
    # Kept as written (an empty "?" included): the URL is the subscription's identity.
    return text if text[: len(scheme)].islower() else scheme + text[len(scheme) :]


def read_opml(data: bytes) -> list[Subscription]:
    """The feeds listed in an OPML document, in order, each URL once.

    Outlines without an http(s) feed URL are skipped. Raises ParseError when the bytes are not
    well-formed XML, declare entities, are too large, or are not OPML.
    """
    if len(data) > MAX_OPML_BYTES:
        raise ParseError(f"This OPML file is larger than {MAX_OPML_BYTES // 2**20} MB")
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except LookupError as exc:
        raise ParseError(
            f"This OPML file declares an encoding podplayer does not know ({exc})"
        ) from None
    except DefusedXmlException as exc:
        log.info("OPML refused: %r", exc)
        raise ParseError("This OPML file declares XML entities, which podplayer refuses") from None
    except ET.ParseError as exc:
        raise ParseError(f"This is not an OPML file: {exc}") from None
    if _local(root.tag).lower() != "opml":
        raise ParseError(f"This is not an OPML file (its root is <{_local(root.tag)}>)")
    found: list[Subscription] = []
    seen: set[str] = set()
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        raw = next((outline.get(a) for a in _URL_ATTRIBUTES if outline.get(a)), None)
        url = feed_url(raw) if raw else None
        if url is None or url in seen:
            continue
        seen.add(url)
        title = (outline.get("title") or outline.get("text") or "").strip()
        found.append(Subscription(title, url))
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def write_opml(
    subscriptions: Iterable[Subscription], *, title: str = "podplayer subscriptions"
) -> bytes:
    """An OPML 2.0 document (UTF-8 bytes) listing ``subscriptions``, readable by gPodder and
    AntennaPod; :func:`read_opml` gives the same list back."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = email.utils.formatdate(localtime=False)
    body = ET.SubElement(root, "body")
    for sub in subscriptions:
        ET.SubElement(body, "outline", text=sub.title, title=sub.title, type="rss", xmlUrl=sub.url)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"

"""Refreshing one subscription: conditional fetch, parse, store, record the feed's status.

Runs on a worker thread with that thread's own :class:`~podplayer.core.library.Library`.
A failure of any kind is recorded as the feed's status and returned, never raised: the rest
of the library is left exactly as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from podplayer.core import feeds, sources
from podplayer.core.errors import LibraryError, ParseError, PodplayerError
from podplayer.core.fetch import Response, fetch_conditional
from podplayer.core.library import Library
from podplayer.core.model import Podcast

log = logging.getLogger(__name__)

__all__ = ["Fetcher", "RefreshResult", "parse_document", "refresh_feed"]

Fetcher = Callable[[str, str | None, str | None], Response]
"""``fetcher(url, etag, last_modified) -> Response``, raising FetchError (as fetch_conditional)."""


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What a refresh did. ``error`` is a message for the listener when it failed.

    ``new_episodes`` are the guids that were not in the library before; ``not_modified`` is True
    when the server said the feed had not changed (nothing was parsed).
    """

    url: str
    ok: bool
    title: str = ""
    new_episodes: tuple[str, ...] = ()
    not_modified: bool = False
    error: str | None = None
    seconds: float = 0.0


def parse_document(body: bytes, url: str) -> Podcast:
    """A Podcast from a fetched document: an RSS/Atom feed, or a podcast page / show notes.

    ``url`` is where it came from (relative links resolve against it). Raises ParseError
    (FeedError for a broken feed) when it is neither.
    """
    podcast = sources.from_bytes(body, name=sources.name_of(url), url=url)
    # A feed may be empty for now; anything else without episodes is not a podcast.
    if not podcast.episodes and not feeds.looks_like_feed(body[:8192]):
        raise ParseError(f"{url} is neither a podcast feed nor a page listing episodes")
    return podcast


def refresh_feed(library: Library, url: str, fetcher: Fetcher = fetch_conditional) -> RefreshResult:
    """Fetch ``url`` (conditionally), parse it and store the podcast under ``url``.

    The podcast keeps the subscribed URL even when the server redirected. On failure (network,
    HTTP status, size cap, redirect loop, malformed or hostile XML, not a feed) only the feed's
    status changes. Returns a :class:`RefreshResult`; raises nothing but LibraryError when even
    the status can't be written.
    """
    started = time.monotonic()
    status = library.feed_status(url)
    try:
        reply = fetcher(url, status.etag, status.last_modified)
        if reply.not_modified:
            library.set_feed_status(
                url,
                etag=reply.etag or status.etag,
                last_modified=reply.last_modified or status.last_modified,
            )
            old = library.podcast(url, with_episodes=False)
            return RefreshResult(
                url,
                True,
                old.title if old else "",
                not_modified=True,
                seconds=time.monotonic() - started,
            )
        podcast = replace(parse_document(reply.body, reply.url), url=url)
        before = library.guids(url)
        library.add_podcast(podcast)
        library.set_feed_status(url, etag=reply.etag, last_modified=reply.last_modified)
    except PodplayerError as exc:
        message = str(exc)
        log.info("Refresh of %s failed: %s", url, message)
        try:
            library.set_feed_status(url, error=message)
        except LibraryError:
            log.warning("Could not record the failed refresh of %s", url, exc_info=True)
            raise
        return RefreshResult(url, False, error=message, seconds=time.monotonic() - started)
    new = tuple(e.guid for e in podcast.episodes if e.guid not in before)
    return RefreshResult(
        url, True, podcast.title, new_episodes=new, seconds=time.monotonic() - started
    )

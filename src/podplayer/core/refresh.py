"""Refreshing one subscription: conditional fetch, parse, store, record the feed's status.

Runs on a worker thread with that thread's own :class:`~podplayer.core.library.Library`.
A failure of any kind is recorded as the feed's status and returned, never raised: the rest
of the library is left exactly as it was, and a subscription stays whatever its feed does.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from podplayer.core import feeds, sources
from podplayer.core.errors import LibraryError, ParseError, PodplayerError, in_words
from podplayer.core.feeds import FeedLink
from podplayer.core.fetch import Response, fetch_conditional
from podplayer.core.library import Library
from podplayer.core.model import Podcast
from podplayer.core.opml import Subscription

log = logging.getLogger(__name__)

__all__ = ["Fetcher", "RefreshResult", "parse_document", "refresh_feed", "subscribe_all"]

Fetcher = Callable[[str, str | None, str | None], Response]
"""``fetcher(url, etag, last_modified) -> Response``, raising FetchError (as fetch_conditional)."""

# One feed is parsed and stored at a time, however many are being fetched. Parsing is pure
# Python: more threads at it are no faster (the GIL), but each of them makes the GUI thread
# wait longer for its turn.
_PARSING = threading.Lock()


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What a refresh did. ``error`` is a message for the listener when it failed.

    ``url`` is the feed's URL as subscribed (for a web page, the feed found on it).
    ``new_episodes`` are the guids that were not in the library before; ``not_modified`` is True
    when the server said the feed had not changed (nothing was parsed). ``choices``: the feeds
    a web page offers when it offers several (nothing was subscribed; subscribe to one of
    them). ``subscribed``: the URL is in the library afterwards (True for a failing feed kept
    as a subscription).
    """

    url: str
    ok: bool
    title: str = ""
    new_episodes: tuple[str, ...] = ()
    not_modified: bool = False
    error: str | None = None
    seconds: float = 0.0
    choices: tuple[FeedLink, ...] = ()
    subscribed: bool = False
    #: The technical cause of a failure (for the log and bug reports, not for the listener).
    detail: str | None = None


_WILL_RETRY = "podplayer keeps the subscription and tries again at the next refresh."
_NOT_ADDED = "Nothing was added."


class _PageWithFeedsError(ParseError):
    """The document is a web page that names feeds (discovery, not a podcast of its own)."""

    def __init__(self, links: tuple[FeedLink, ...]) -> None:
        super().__init__("This is a web page that names podcast feeds")
        self.links = links


def parse_document(body: bytes, url: str) -> Podcast:
    """A Podcast from a fetched document: an RSS/Atom feed, or a podcast page / show notes.

    ``url`` is where it came from (relative links resolve against it). Raises ParseError
    (FeedError for a broken feed) when it is neither, and for a web page that names feeds
    (see :func:`podplayer.core.feeds.discover_feeds`) or has no audio and no chapters.
    """
    head = body[:8192]
    if feeds.looks_like_feed(head):
        return feeds.parse_feed(body, url)
    web_page = _HTML.search(head) is not None
    links = feeds.discover_feeds(body, url) if web_page else ()
    if links:
        raise _PageWithFeedsError(links)
    podcast = sources.from_bytes(body, name=sources.name_of(url), url=url)
    # A feed may be empty for now; anything else without episodes is not a podcast, and a web
    # page with neither audio nor chapters is a web page (its feed is not named in it).
    if not podcast.episodes or (
        web_page and not any(e.audio_url or e.chapters for e in podcast.episodes)
    ):
        raise (
            _PageWithFeedsError(())
            if web_page
            else ParseError(f"{url} is neither a podcast feed nor a page listing episodes")
        )
    return podcast


_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]", re.IGNORECASE)


def refresh_feed(
    library: Library,
    url: str,
    fetcher: Fetcher = fetch_conditional,
    *,
    title: str = "",
    keep_failing: bool = False,
) -> RefreshResult:
    """Fetch ``url`` (conditionally), parse it (once) and store the podcast under ``url``.

    For a subscribed URL: on failure (network, HTTP status, size cap, redirect loop,
    malformed or hostile XML, not a feed) only the feed's status changes, and the
    subscription stays; when the listener unsubscribed while the refresh was under way,
    nothing is stored. For a URL not yet subscribed: a web page that names one feed
    subscribes that feed, one that names several returns them as ``choices`` and adds nothing;
    a failure adds nothing, unless ``keep_failing`` (an OPML import: the listener's list is
    kept, failing feeds included, named ``title`` until their feed is read). The podcast keeps
    the subscribed URL even when the server redirected. Returns a :class:`RefreshResult` whose
    ``error`` is in a listener's words; raises nothing but LibraryError when even the status
    can't be written.
    """
    return _refresh_or_subscribe(library, url, fetcher, title, keep_failing, follow=True)


def _refresh_or_subscribe(
    library: Library, url: str, fetcher: Fetcher, title: str, keep_failing: bool, *, follow: bool
) -> RefreshResult:
    started = time.monotonic()
    subscribed = library.podcast(url, with_episodes=False) is not None
    try:
        result = _refresh(library, url, fetcher, subscribed=subscribed)
    except _PageWithFeedsError as page:
        links = page.links if follow else ()  # a page that names a page: no further
        result = _from_page(library, url, links, fetcher, subscribed=subscribed, title=title)
        if keep_failing and not result.subscribed:
            library.subscribe(url, title)
            message = f"{result.error} {_WILL_RETRY}"
            library.set_feed_status(url, error=message)
            result = replace(result, error=message, subscribed=True)
        return replace(result, seconds=time.monotonic() - started)
    except PodplayerError as exc:
        kept = subscribed or keep_failing
        message = in_words(exc, will=_WILL_RETRY if kept else _NOT_ADDED)
        log.info("Refresh of %s failed: %s", url, exc)
        try:
            if keep_failing and not subscribed:
                library.subscribe(url, title)
            if kept and library.podcast(url, with_episodes=False) is not None:
                library.set_feed_status(url, error=message)
        except LibraryError:
            log.warning("Could not record the failed refresh of %s", url, exc_info=True)
            raise
        return RefreshResult(
            url,
            False,
            error=message,
            seconds=time.monotonic() - started,
            subscribed=kept,
            detail=str(exc),
        )
    return replace(result, seconds=time.monotonic() - started)


def _refresh(library: Library, url: str, fetcher: Fetcher, *, subscribed: bool) -> RefreshResult:
    status = library.feed_status(url)
    reply = fetcher(url, status.etag, status.last_modified)
    if reply.not_modified:
        library.set_feed_status(
            url,
            etag=reply.etag or status.etag,
            last_modified=reply.last_modified or status.last_modified,
        )
        old = library.podcast(url, with_episodes=False)
        return RefreshResult(
            url, True, old.title if old else "", not_modified=True, subscribed=True
        )
    with _PARSING:
        podcast = replace(parse_document(reply.body, reply.url), url=url)
        before = library.guids(url)
        if subscribed:
            if not library.update_podcast(podcast):
                log.info("%s was unsubscribed during its refresh; not stored", url)
                return RefreshResult(url, True, podcast.title, subscribed=False)
        else:
            library.add_podcast(podcast)
    library.set_feed_status(url, etag=reply.etag, last_modified=reply.last_modified)
    new = tuple(e.guid for e in podcast.episodes if e.guid not in before)
    return RefreshResult(url, True, podcast.title, new_episodes=new, subscribed=True)


def _from_page(
    library: Library,
    url: str,
    links: tuple[FeedLink, ...],
    fetcher: Fetcher,
    *,
    subscribed: bool,
    title: str,
) -> RefreshResult:
    if subscribed:
        message = (
            "This address now shows a web page instead of the podcast's feed. "
            f"{_WILL_RETRY} You can subscribe to the feed the page names instead."
        )
        library.set_feed_status(url, error=message)
        return RefreshResult(url, False, error=message, choices=links, subscribed=True)
    if len(links) == 1 and links[0].url != url:
        return _refresh_or_subscribe(
            library, links[0].url, fetcher, title or links[0].title, False, follow=False
        )
    if not links:
        message = (
            "This web page names no podcast feed podplayer can subscribe to. Look on the page "
            "for an RSS feed address and add that."
        )
        return RefreshResult(url, False, error=message)
    message = "This web page offers several podcast feeds: choose one to subscribe to."
    return RefreshResult(url, False, error=message, choices=links)


def subscribe_all(
    library: Library,
    subscriptions: Iterable[Subscription],
    fetcher: Fetcher = fetch_conditional,
    *,
    workers: int = 8,
    progress: Callable[[RefreshResult], None] | None = None,
) -> list[RefreshResult]:
    """Subscribe to every feed of a list (an OPML import), failing or not, in list order.

    Feeds are fetched ``workers`` at a time (one slow feed holds only its own place) and
    stored one by one on the calling thread, each kept as a subscription whatever its feed
    does (see :func:`refresh_feed`, ``keep_failing``). ``progress`` is called on the calling
    thread after each feed. Raises LibraryError only.
    """
    items = list(subscriptions)
    results: list[RefreshResult] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        fetched = [pool.submit(_fetch_outcome, fetcher, sub.url) for sub in items]
        for sub, outcome in zip(items, fetched, strict=True):
            answer = _Prefetched(fetcher, sub.url, outcome.result())
            result = refresh_feed(library, sub.url, answer, title=sub.title, keep_failing=True)
            results.append(result)
            if progress is not None:
                progress(result)
    return results


@dataclass(frozen=True, slots=True)
class _Prefetched:
    """A fetcher that answers ``url`` with what the pool fetched; a feed a page names (any
    other URL) is fetched on the spot."""

    fetcher: Fetcher
    url: str
    outcome: Response | PodplayerError

    def __call__(self, url: str, etag: str | None, modified: str | None) -> Response:
        if url != self.url:
            return self.fetcher(url, etag, modified)
        if isinstance(self.outcome, PodplayerError):
            raise self.outcome
        return self.outcome


def _fetch_outcome(fetcher: Fetcher, url: str) -> Response | PodplayerError:
    try:
        return fetcher(url, None, None)
    except PodplayerError as exc:
        return exc

"""Every chapter list available for one episode, and a refresh that keeps the feed's extras.

A feed names a Podcast 2.0 JSON chapters file per episode and may hold Podlove chapters and
show-notes times side by side. The library stores each episode's JSON chapters URL with it
(one parse per refresh), and :func:`gather` collects, for one episode, the stored
lists, the show notes' times, the JSON file (fetched once, then cached in the library) and the
audio file's tags (a local file, or the head of an http(s) file read with a Range request).

Everything here runs on a worker thread with that thread's own Library.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.tags import (
    head_bytes_needed,
    read_tag_chapters,
    read_tag_chapters_from_head,
)
from podplayer.core.errors import LibraryError, PodplayerError
from podplayer.core.fetch import Response, fetch, fetch_conditional, fetch_range, is_web_url
from podplayer.core.library import Library
from podplayer.core.model import Chapter, ChapterSource, Episode, with_source
from podplayer.core.refresh import Fetcher, RefreshResult, refresh_feed
from podplayer.core.shownotes import parse_shownotes

log = logging.getLogger(__name__)

__all__ = [
    "HEAD_BYTES",
    "MAX_HEAD_BYTES",
    "chapter_urls_key",
    "gather",
    "refresh_with_sources",
]

#: Bytes read from the head of an http(s) audio file when its tag size is not known up front.
HEAD_BYTES = 256 * 1024
#: An ID3 tag larger than this (a huge cover image) is not worth reading for chapters.
MAX_HEAD_BYTES = 8 * 1024 * 1024

RangeFetcher = Callable[[str, int, int], Response]


def chapter_urls_key(podcast_url: str) -> str:
    """The setting holding ``{guid: JSON chapters URL}`` for a podcast.

    >>> chapter_urls_key("https://example.org/feed")
    'chapter-urls https://example.org/feed'
    """
    return f"chapter-urls {podcast_url}"


def refresh_with_sources(
    library: Library, url: str, fetcher: Fetcher = fetch_conditional
) -> RefreshResult:
    """:func:`~podplayer.core.refresh.refresh_feed`: the feed is parsed once, and each
    episode's JSON chapters URL is stored with it (the show notes' times are found again by
    :func:`gather`). Never raises but LibraryError (as refresh_feed)."""
    return refresh_feed(library, url, fetcher)


def _stored_json_url(library: Library, podcast_url: str, episode: Episode) -> str | None:
    value = episode.chapters_url
    if value is None:
        urls = library.setting(chapter_urls_key(podcast_url), {})
        value = urls.get(episode.guid) if isinstance(urls, dict) else None
    return value if isinstance(value, str) and is_web_url(value) else None


def _range(url: str, start: int, end: int) -> Response:
    return fetch_range(url, start, end)


def _head_tags(url: str, range_fetcher: RangeFetcher) -> tuple[Chapter, ...]:
    name = unquote(Path(urlsplit(url).path).name)
    head = range_fetcher(url, 0, HEAD_BYTES - 1).body
    needed = head_bytes_needed(head[:10])
    if needed is not None and len(head) < needed <= MAX_HEAD_BYTES:
        head = range_fetcher(url, 0, needed - 1).body
    return read_tag_chapters_from_head(head, name=name)


def gather(
    library: Library,
    podcast_url: str,
    episode: Episode,
    *,
    fetcher: Callable[[str], Response] = fetch,
    range_fetcher: RangeFetcher = _range,
    network: bool = True,
) -> tuple[dict[str, tuple[Chapter, ...]], list[str]]:
    """Every chapter list of ``episode`` by source name, and the problems met on the way.

    Lists fetched or read here (JSON chapters, tags) are stored in the library so the next
    call is free. ``network`` False skips every fetch. Problems (a JSON file that 404s, a
    server without Range support) are messages, not exceptions; raises LibraryError only.
    """
    guid = episode.guid
    problems: list[str] = []
    try:
        lists = dict(library.chapter_lists(guid, podcast_url=podcast_url))
    except LibraryError:
        # Not stored (an episode shown but not in the library): its own list still counts.
        lists = {}
    for chapter in episode.chapters[:1]:
        lists.setdefault(chapter.source, episode.chapters)
    if ChapterSource.SHOWNOTES not in lists and episode.description:
        try:
            notes = parse_shownotes(episode.description, duration_ms=episode.duration_ms)
        except PodplayerError as exc:
            problems.append(f"show notes: {exc}")
        else:
            if notes.chapters:
                lists[ChapterSource.SHOWNOTES] = with_source(
                    tuple(notes.chapters), ChapterSource.SHOWNOTES
                )

    def keep(source: str, chapters: tuple[Chapter, ...]) -> None:
        if not chapters:
            return
        lists[source] = with_source(chapters, source)
        try:
            library.set_chapters(guid, source, chapters, podcast_url=podcast_url)
        except LibraryError as exc:
            log.info("Could not cache the %s chapters of %s: %s", source, guid, exc)

    json_url = _stored_json_url(library, podcast_url, episode)
    if network and json_url and ChapterSource.JSON not in lists:
        try:
            keep(ChapterSource.JSON, parse_json_chapters(fetcher(json_url).body))
        except PodplayerError as exc:
            problems.append(f"chapter file: {exc}")

    if ChapterSource.TAGS not in lists:
        local = episode.local_path
        try:
            if local and Path(local).is_file():
                keep(ChapterSource.TAGS, read_tag_chapters(Path(local), name=Path(local).name))
            elif network and episode.audio_url and is_web_url(episode.audio_url):
                keep(ChapterSource.TAGS, _head_tags(episode.audio_url, range_fetcher))
        except PodplayerError as exc:
            problems.append(f"audio tags: {exc}")
    return lists, problems

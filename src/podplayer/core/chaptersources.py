"""Every chapter list available for one episode, and a refresh that keeps the feed's extras.

A feed names a Podcast 2.0 JSON chapters file per episode and may hold Podlove chapters and
show-notes times side by side. The library stores each episode's JSON chapters URL with it
(one parse per refresh), and :func:`gather` collects, for one episode, the stored
lists, the show notes' times, the JSON file (fetched once, then cached in the library) and the
audio file's tags (a local file, or the head of an http(s) file read with a Range request).

:func:`gather_transcript` does the same for an episode's transcript: read once through
load_transcript, then cached in the library (its lines searchable); :func:`cache_new_transcripts`
reads those of the episodes a refresh brought.

Everything here runs on a worker thread with that thread's own Library.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
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
from podplayer.core.model import Chapter, ChapterSource, Episode, TranscriptRef, with_source
from podplayer.core.notes import parse_shownotes
from podplayer.core.refresh import Fetcher, RefreshResult, refresh_feed
from podplayer.core.transcripts import Transcript, ranked_transcripts
from podplayer.core.transcripts.load import fetch_capped, load_transcript

log = logging.getLogger(__name__)

__all__ = [
    "HEAD_BYTES",
    "MAX_HEAD_BYTES",
    "TRANSCRIPTS_AFTER_REFRESH",
    "cache_new_transcripts",
    "chapter_urls_key",
    "gather",
    "gather_transcript",
    "refresh_with_sources",
]

#: Bytes read from the head of an http(s) audio file when its tag size is not known up front.
HEAD_BYTES = 256 * 1024
#: An ID3 tag larger than this (a huge cover image) is not worth reading for chapters.
MAX_HEAD_BYTES = 8 * 1024 * 1024

#: The newest episodes of a refresh whose transcripts are read right after it.
TRANSCRIPTS_AFTER_REFRESH = 3

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
    :func:`gather`); then the transcripts of the newest new episodes are read and cached
    (:func:`cache_new_transcripts`), so a search finds their words. Never raises but
    LibraryError (as refresh_feed)."""
    result = refresh_feed(library, url, fetcher)
    cache_new_transcripts(library, result)
    return result


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


def _cached_transcript(
    library: Library, podcast_url: str, guid: str
) -> tuple[TranscriptRef, Transcript] | None:
    try:
        return library.transcript(guid, podcast_url=podcast_url)
    except LibraryError:
        return None


def gather_transcript(
    library: Library,
    podcast_url: str,
    episode: Episode,
    *,
    languages: Sequence[str] = (),
    feed_language: str | None = None,
    fetcher: Callable[[str], Response] = fetch_capped,
    network: bool = True,
) -> tuple[tuple[TranscriptRef, Transcript] | None, list[str]]:
    """The episode's transcript to show (the ref it was read from and its lines), or None, and
    the problems met on the way.

    The cached one is used while it is still one the feed names and no other ranks above it for
    ``languages`` (see ranked_transcripts); otherwise the best is fetched and read
    (load_transcript) and cached, so the next call and the library's search have it. A fetch
    that fails falls back to the cached one. ``network`` False only reads the cache. Problems
    are messages; raises nothing.
    """
    refs = episode.transcripts
    cached = _cached_transcript(library, podcast_url, episode.guid)
    if cached is not None and cached[0] not in refs:
        cached = None
    best = ranked_transcripts(refs, languages, feed_language=feed_language)
    if cached is not None and (not network or not best or best[0] == cached[0]):
        return cached, []
    if not network or not best:
        return cached, []
    try:
        ref, transcript = load_transcript(
            refs, languages, feed_language=feed_language, fetcher=fetcher
        )
    except PodplayerError as exc:
        return cached, [f"transcript: {exc}"]
    try:
        library.set_transcript(episode.guid, ref, transcript, podcast_url=podcast_url)
    except LibraryError as exc:
        log.info("Could not cache the transcript of %s: %s", episode.guid, exc)
    return (ref, transcript), []


def cache_new_transcripts(
    library: Library,
    result: RefreshResult,
    *,
    limit: int = TRANSCRIPTS_AFTER_REFRESH,
    fetcher: Callable[[str], Response] = fetch_capped,
) -> int:
    """Read and cache the transcripts of the newest episodes ``result`` brought (at most
    ``limit``), so a search finds their words. Returns how many were cached; a transcript that
    can't be read is logged. Raises nothing."""
    if not result.ok or not result.new_episodes or limit <= 0:
        return 0
    new = set(result.new_episodes)
    try:
        guids = [g for g in library.uncached_transcripts(result.url, limit * 4) if g in new]
        episodes = {e.guid: e for e in library.episodes(result.url)}
    except LibraryError as exc:
        log.info("No transcripts read after refreshing %s: %s", result.url, exc)
        return 0
    cached = 0
    for guid in guids[:limit]:
        found, problems = gather_transcript(library, result.url, episodes[guid], fetcher=fetcher)
        for problem in problems:
            log.info("%s: %s", guid, problem)
        cached += found is not None
    return cached

"""The best of an episode's transcripts, fetched and read: for the CLI and the window's workers.

Blocks on the network: never call it on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from podplayer.core.errors import ParseError, PodplayerError
from podplayer.core.fetch import Response, fetch
from podplayer.core.transcripts import parse_transcript
from podplayer.core.transcripts.choose import R, ranked_transcripts
from podplayer.core.transcripts.model import MAX_BYTES, Transcript

log = logging.getLogger(__name__)

Fetcher = Callable[[str], Response]


def fetch_capped(url: str) -> Response:
    """GET ``url`` with core.fetch's timeouts and the transcript size cap (MAX_BYTES)."""
    return fetch(url, max_bytes=MAX_BYTES)


def load_transcript(
    refs: Iterable[R],
    languages: Sequence[str] = (),
    *,
    feed_language: str | None = None,
    fetcher: Fetcher = fetch_capped,
) -> tuple[R, Transcript]:
    """(ref, transcript) of the best transcript that can be fetched and read.

    Tries the refs in ranked_transcripts order; one that fails to fetch or to parse gives way to
    the next. Raises ParseError when none can be read (naming the first failure), or when no
    ref is of a readable type.
    """
    ranked = ranked_transcripts(refs, languages, feed_language=feed_language)
    if not ranked:
        raise ParseError("This episode has no transcript podplayer can read")
    failure: PodplayerError | None = None
    for ref in ranked:
        try:
            response = fetcher(ref.url)
            url = response.url
            return ref, parse_transcript(
                response.body, content_type=ref.type or response.content_type, name=url
            )
        except PodplayerError as exc:
            log.info("Transcript %s not read: %s", ref.url, exc)
            failure = failure or exc
    raise ParseError(f"No transcript of this episode could be read: {failure}")

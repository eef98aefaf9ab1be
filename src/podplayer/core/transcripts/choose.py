"""Which of an episode's transcripts to show: timed formats first, then the listener's language.

A feed may name several ``<podcast:transcript>`` files for one item (one per format, one per
language, captions beside a full transcript). The reference objects need ``type`` and
``language`` attributes, and ``url`` to be fetched (the model's TranscriptRef has them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

# MIME type -> reader; the types the namespace names and the spellings feeds use.
FORMAT_OF_TYPE: dict[str, str] = {
    "text/vtt": "vtt",
    "application/x-subrip": "srt",
    "application/srt": "srt",
    "application/x-srt": "srt",
    "text/srt": "srt",
    "text/x-srt": "srt",
    "application/json": "json",
    "text/json": "json",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
TIMED_FORMATS = frozenset({"vtt", "srt", "json"})


class TranscriptRefLike(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def language(self) -> str | None: ...


R = TypeVar("R", bound=TranscriptRefLike)


def format_of_type(mime: str | None) -> str | None:
    """The reader for a MIME type (parameters and case ignored), None when none reads it.

    >>> format_of_type("text/VTT; charset=utf-8"), format_of_type("application/pdf")
    ('vtt', None)
    """
    if not mime:
        return None
    return FORMAT_OF_TYPE.get(mime.split(";", 1)[0].strip().lower())


def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


def _language_rank(language: str | None, wanted: Sequence[str]) -> int:
    """0.. for the wanted languages in order (exact tag before primary match), then no
    language given, then any other language."""
    if not wanted:
        return 0
    tag = (language or "").replace("_", "-").strip().lower()
    if not tag:
        return 2 * len(wanted)
    for i, want in enumerate(wanted):
        if tag == want.replace("_", "-").strip().lower():
            return 2 * i
        if _primary(tag) == _primary(want):
            return 2 * i + 1
    return 2 * len(wanted) + 1


def ranked_transcripts(
    refs: Iterable[R], languages: Sequence[str] = (), *, feed_language: str | None = None
) -> list[R]:
    """The refs podplayer can read, best first.

    Timed formats (WebVTT, SRT, JSON) come before untimed ones (HTML, text), then the
    listener's ``languages`` (BCP 47 tags, most wanted first), then the feed's own order. A ref
    without a language is in the feed's ``<language>`` (``feed_language``), as the namespace says.
    """
    keyed = []
    for index, ref in enumerate(refs):
        fmt = format_of_type(ref.type)
        if fmt is None:
            continue
        untimed = fmt not in TIMED_FORMATS
        language = _language_rank(ref.language or feed_language, languages)
        keyed.append(((untimed, language, index), ref))
    keyed.sort(key=lambda pair: pair[0])
    return [ref for _, ref in keyed]


def choose_transcript(
    refs: Iterable[R], languages: Sequence[str] = (), *, feed_language: str | None = None
) -> R | None:
    """The transcript to show first (see ranked_transcripts), None when none can be read.

    >>> from collections import namedtuple
    >>> Ref = namedtuple("Ref", "url type language")
    >>> refs = [Ref("a.html", "text/html", "de"), Ref("b.srt", "application/x-subrip", "en"),
    ...         Ref("c.vtt", "text/vtt", "de")]
    >>> choose_transcript(refs, ["de"]).url, choose_transcript(refs, ["en-GB"]).url
    ('c.vtt', 'b.srt')
    """
    ranked = ranked_transcripts(refs, languages, feed_language=feed_language)
    return ranked[0] if ranked else None


def transcript_languages(refs: Iterable[TranscriptRefLike]) -> list[str]:
    """The distinct languages the refs offer, in feed order (for a language switch)."""
    return list(dict.fromkeys(r.language for r in refs if r.language and format_of_type(r.type)))

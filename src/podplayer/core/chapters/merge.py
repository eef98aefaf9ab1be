"""One chapter list from several sources, and the one precedence table of chapter sources.

The list of the highest-precedence source wins and keeps its times: the listener's own marks
first (they are the listener's decision), then the file's tags (feed chapters drift when ads are
inserted into the file), JSON chapters, Podlove chapters, show-notes times. The library orders
stored lists with the same :func:`rank`. Where another source has a chapter starting within
:data:`TOLERANCE_MS` of a winning one, it fills in what the winner lacks: a title (when empty or a
reader's placeholder such as "Chapter 3"), a link, an image. Each chapter keeps its source.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import replace

from podplayer.core.model import Chapter, ChapterSource

PRECEDENCE: tuple[str, ...] = (
    ChapterSource.USER,
    ChapterSource.TAGS,
    ChapterSource.JSON,
    ChapterSource.PSC,
    ChapterSource.SHOWNOTES,
    ChapterSource.TRANSCRIPT,
)
"""Chapter sources, best first: the one table every user of precedence reads."""
TOLERANCE_MS = 1000
_PLACEHOLDER_TITLE = re.compile(r"^(?:chapter\s*\d*)?$", re.IGNORECASE)


_RANKS = {str(source): place for place, source in enumerate(PRECEDENCE)}


def rank(source: str) -> int:
    """``source``'s place in :data:`PRECEDENCE` (0 is best; unknown sources after all).

    >>> rank("user") < rank("tags") < rank("json") < rank("psc") < rank("shownotes") < rank("x")
    True
    """
    return _RANKS.get(str(source), len(_RANKS))


def _nearest(chapters: tuple[Chapter, ...], starts: list[int], at_ms: int) -> Chapter | None:
    """The chapter whose start is closest to ``at_ms``, if within the tolerance."""
    i = bisect_left(starts, at_ms)
    best: Chapter | None = None
    for j in (i - 1, i):
        if 0 <= j < len(chapters):
            gap = abs(starts[j] - at_ms)
            if gap <= TOLERANCE_MS and (best is None or gap < abs(best.start_ms - at_ms)):
                best = chapters[j]
    return best


def order(lists: Mapping[str, tuple[Chapter, ...]]) -> list[str]:
    """The non-empty sources of ``lists``, best first (unknown sources last, by name).

    >>> order({"psc": (Chapter(0, "a"),), "tags": (), "json": (Chapter(0, "b"),)})
    ['json', 'psc']
    """
    return sorted((s for s, chapters in lists.items() if chapters), key=lambda s: (rank(s), s))


def merge(lists: Mapping[str, tuple[Chapter, ...]]) -> tuple[str, tuple[Chapter, ...]]:
    """``(winning source, merged chapters)``; ``("", ())`` when every list is empty.

    ``lists`` maps a source name (``"tags"``, ``"json"``, ``"psc"``, ``"shownotes"``) to its
    chapters in ms. Precedence as :data:`PRECEDENCE` (user > tags > json > psc > shownotes): the
    listener's own marks are never replaced by another list; the winner's starts and ends are
    kept, its empty titles, links and images are filled in from the other lists (best source
    first) where starts agree within 1 s. Never raises.
    """
    ranked = order(lists)
    if not ranked:
        return "", ()
    winner, others = ranked[0], ranked[1:]
    indexed = []
    for source in others:
        chapters = tuple(sorted(lists[source], key=lambda c: c.start_ms))
        indexed.append((chapters, [c.start_ms for c in chapters]))
    merged = []
    for chapter in sorted(lists[winner], key=lambda c: c.start_ms):
        title, url, image = chapter.title, chapter.url, chapter.image
        for chapters, starts in indexed:
            other = _nearest(chapters, starts, chapter.start_ms)
            if other is None:
                continue
            if _PLACEHOLDER_TITLE.match(title.strip()) and other.title.strip():
                title = other.title
            url = url or other.url
            image = image or other.image
        merged.append(replace(chapter, title=title, url=url, image=image, source=winner))
    return winner, tuple(merged)

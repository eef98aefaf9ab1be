"""The bounds every chapter reader holds to, whatever its input claims.

A real chapter list has tens of entries, a few hundred at most; a file that claims more is
damaged or crafted, and reading it as it asks would cost gigabytes or minutes.
"""

from __future__ import annotations

from podplayer.core.errors import ParseError

#: More chapters than this in one list: the list is refused.
MAX_CHAPTERS = 5_000


def check_chapter_count(count: int, where: str = "This chapter list") -> None:
    """Raise ParseError when ``count`` chapters are more than :data:`MAX_CHAPTERS`.

    >>> check_chapter_count(12)
    >>> check_chapter_count(10**9, "This file")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    podplayer.core.errors.ParseError: This file claims 1,000,000,000 chapters, more...
    """
    if count > MAX_CHAPTERS:
        raise ParseError(
            f"{where} claims {count:,} chapters, more than the {MAX_CHAPTERS:,} podplayer reads"
        )

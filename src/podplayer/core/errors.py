"""The exceptions that leave ``podplayer.core``: everything derives from PodplayerError.

Messages are written for a listener, not a developer: they say what happened to which input.
:func:`in_words` turns any of them into a listener's sentence (what failed, what podplayer will
do, what the listener can do) and sends the technical detail to the log.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)


class PodplayerError(Exception):
    """Root of every error podplayer raises on purpose."""


class ParseError(PodplayerError):
    """An input (page, show notes, feed, chapter file) could not be understood."""


class TimecodeError(ParseError):
    """A text is not a time position such as ``1:02:03`` or ``75:12``."""


class FeedError(ParseError):
    """A podcast feed could not be read."""


class FetchError(PodplayerError):
    """A network resource could not be fetched."""


class LibraryError(PodplayerError):
    """The library database could not be read or written."""


class LibraryBusyError(LibraryError):
    """Another program holds the library locked: it is busy, not damaged, and left alone."""


class LibraryReadOnlyError(LibraryError):
    """The library can't be written (read-only file or folder, full disk); podplayer goes on
    without saving. ``first`` is True on the error that first tells it, False on later writes
    refused for the same reason (tell the listener once)."""

    def __init__(self, message: str, *, first: bool = True) -> None:
        super().__init__(message)
        self.first = first


# What a technical detail means to a listener, first match wins: (pattern in the error's text,
# what failed, what the listener can do).
_IN_WORDS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), what, can)
    for pattern, what, can in (
        (
            r"Errno 111|connection refused|ConnectError: All connection attempts failed",
            "The server refused the connection.",
            "Check the address, or try again later.",
        ),
        (
            r"Name or service not known|nodename nor servname|getaddrinfo|Errno -[23]\b|"
            r"Temporary failure in name resolution",
            "The server's name could not be found.",
            "Check the address and your internet connection.",
        ),
        (
            r"SSL|certificate|TLS",
            "A secure connection to the server could not be made.",
            "Check the address (it may need http instead of https), or try again later.",
        ),
        (
            r"within \d|did not answer|stopped sending|took longer|timed? ?out",
            "The server did not answer in time.",
            "Try again later.",
        ),
        (
            r"answered 404|answered 410",
            "The server says there is nothing at this address any more (404).",
            "Check the address; the podcast may have moved.",
        ),
        (
            r"answered (401|403)",
            "The server refused to give this feed without a login.",
            "Check the address, or ask the podcast for a public feed.",
        ),
        (
            r"answered 5\d\d",
            "The server had a problem of its own.",
            "Try again later.",
        ),
        (
            r"larger than|\d MB\b",
            "It is larger than podplayer reads.",
            "Check the address.",
        ),
        (
            r"redirect",
            "The server sends podplayer round in circles or to a place it won't follow.",
            "Check the address.",
        ),
        (
            r"entities|entity",
            "The feed uses XML tricks podplayer refuses for safety.",
            "Tell the podcast; there is nothing to do on your side.",
        ),
        (
            r"not a podcast feed|neither a podcast feed|not well-formed|unclosed token|"
            r"syntax error|mismatched tag|no element found|junk after|unknown encoding|"
            r"nested too deep",
            "What the server sent is not a podcast feed podplayer can read.",
            "Check the address; if it is right, tell the podcast.",
        ),
        (
            r"not a text file|not an audio file|could not be read as audio",
            "This file is not one podplayer can open.",
            "Open a feed, show notes or an audio file.",
        ),
        (
            r"No space|disk is full",
            "The disk is full.",
            "Free some space and try again.",
        ),
    )
)


def in_words(exc: BaseException, *, will: str = "", can: str = "") -> str:
    """A listener's sentence for ``exc``: what failed, what podplayer ``will`` do, what the
    listener ``can`` do (the default suggestion fits the failure). The error's own text, with
    its technical detail, goes to the log at INFO.

    >>> in_words(FetchError("Could not reach http://x/: [Errno 111] Connection refused"),
    ...          will="podplayer keeps the subscription and tries again at the next refresh.")
    'The server refused the connection. podplayer keeps the subscription and tries again at \
the next refresh. Check the address, or try again later.'
    """
    detail = str(exc) or type(exc).__name__
    log.info("%s: %s", type(exc).__name__, detail)
    found = next(((w, c) for pattern, w, c in _IN_WORDS if pattern.search(detail)), None)
    if found is None:
        what = detail if isinstance(exc, PodplayerError) else "Something went wrong."
        found = (what if what.endswith((".", "!", "?")) else what + ".", "Try again later.")
    what, suggestion = found
    return " ".join(part for part in (what, will, can or suggestion) if part)

"""The exceptions that leave ``podplayer.core``: everything derives from PodplayerError.

Messages are written for a listener, not a developer: they say what happened to which input.
"""


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

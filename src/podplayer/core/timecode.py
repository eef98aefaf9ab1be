"""Time positions as text <-> int milliseconds.

Two-part times are always minutes:seconds ("75:12" is 75 minutes), three parts are
hours:minutes:seconds; a fraction after the seconds is kept to the millisecond.
"""

from __future__ import annotations

import math
import re

from podplayer.core.errors import TimecodeError

_TIMECODE = re.compile(
    r"""^\s*
    (?:(?P<h>\d{1,3}):(?P<m3>[0-5]\d)|(?P<m2>\d{1,4}))   # H:MM or M / MMM minutes
    :(?P<s>[0-5]\d)
    (?:[.,](?P<frac>\d{1,3}))?
    \s*$|^\s*(?P<secs>\d+(?:\.\d{1,3})?)\s*$""",
    re.VERBOSE,
)


def parse(text: str) -> int:
    """Milliseconds from "H:MM:SS[.mmm]", "M:SS[.mmm]", "MM:SS" or plain seconds ("37", "37.5").

    Raises TimecodeError for anything else.

    >>> parse("1:02:03.5")
    3723500
    >>> parse("75:12")
    4512000
    >>> parse("0:06")
    6000
    >>> parse("37")
    37000
    """
    match = _TIMECODE.match(text)
    if match is None:
        raise TimecodeError(f"“{text.strip()[:40]}” is not a time such as 1:02:03 or 75:12")
    if match["secs"] is not None:
        return round(float(match["secs"]) * 1000)
    hours = int(match["h"] or 0)
    minutes = int(match["m3"] if match["h"] is not None else match["m2"])
    frac = match["frac"] or ""
    millis = int(frac.ljust(3, "0")) if frac else 0
    return ((hours * 60 + minutes) * 60 + int(match["s"])) * 1000 + millis


def format_ms(ms: int, *, always_hours: bool = False, millis: bool = False) -> str:
    """Display form: "M:SS" under an hour, "H:MM:SS" from an hour on.

    >>> format_ms(6000)
    '0:06'
    >>> format_ms(3723500, millis=True)
    '1:02:03.500'
    >>> format_ms(6000, always_hours=True)
    '0:00:06'
    """
    negative = ms < 0
    ms = abs(ms)
    total_s, rest = divmod(ms, 1000)
    hours, rem = divmod(total_s, 3600)
    minutes, seconds = divmod(rem, 60)
    if hours or always_hours:
        text = f"{hours}:{minutes:02d}:{seconds:02d}"
    else:
        text = f"{minutes}:{seconds:02d}"
    if millis:
        text += f".{rest:03d}"
    return ("-" if negative else "") + text


def seconds(ms: int | None) -> float | None:
    """Milliseconds as seconds for JSON output (millisecond precision kept).

    >>> seconds(6000), seconds(1500), seconds(None)
    (6.0, 1.5, None)
    """
    return None if ms is None else ms / 1000


def from_json_seconds(value: object, *, max_ms: int) -> int | None:
    """Milliseconds from a JSON time in seconds (a number, or a numeric string as some
    generators write); None when it is not a time from 0 to ``max_ms``.

    >>> from_json_seconds(12.3456, max_ms=10**6), from_json_seconds("7", max_ms=10**6)
    (12346, 7000)
    >>> from_json_seconds(-1, max_ms=10**6), from_json_seconds(True, max_ms=10**6)
    (None, None)
    >>> from_json_seconds(10**300, max_ms=10**6), from_json_seconds(float("nan"), max_ms=10**6)
    (None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    # An int of 300 digits can't become a float: compare before any conversion.
    if isinstance(value, int):
        return value * 1000 if 0 <= value <= max_ms // 1000 else None
    if not isinstance(value, float) or not math.isfinite(value) or value < 0:
        return None
    ms = round(value * 1000)
    return ms if ms <= max_ms else None

"""Which chapters to skip, and a podcast's own playback preferences.

A podcast's keyword rules ("Sponsor", "Ad break", "Outtakes") untick every chapter whose title
contains one of them as a word; the listener can still tick or untick any chapter by hand, and
that choice wins. Per-podcast preferences (skip intro/outro, speed, volume) travel as a small
JSON-ready mapping, stored by whoever owns the settings. Pure Python, no Qt.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from podplayer.core.model import Chapter

__all__ = [
    "SUGGESTED_RULES",
    "PodcastPrefs",
    "matches",
    "normalise_rules",
    "prefs_key",
    "skipped_starts",
]

#: Offered when a listener first edits a podcast's rules.
SUGGESTED_RULES: Final = ("Sponsor", "Ad break", "Outtakes")
MAX_RULES: Final = 50
_MAX_RULE_LENGTH = 80
# "Sponsor" also matches "Sponsors" and "Sponsored", but "Ad" never matches "Adobe".
_SUFFIXES = r"(?:s|es|ed|ing)?"


def normalise_rules(words: Iterable[str]) -> tuple[str, ...]:
    """Rules as stored: trimmed, inner whitespace collapsed, empty and repeated ones (ignoring
    case) dropped, at most MAX_RULES of at most 80 characters. Raises nothing.

    >>> normalise_rules([" Ad  break ", "sponsor", "Sponsor", ""])
    ('Ad break', 'sponsor')
    """
    seen: set[str] = set()
    rules: list[str] = []
    for word in words:
        rule = " ".join(str(word).split())[:_MAX_RULE_LENGTH]
        key = rule.casefold()
        if rule and key not in seen:
            seen.add(key)
            rules.append(rule)
    return tuple(rules[:MAX_RULES])


@functools.lru_cache(maxsize=64)
def _pattern(rules: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for rule in normalise_rules(rules):
        words = [re.escape(w) for w in rule.casefold().split()]
        if rule.endswith("*"):
            # An explicit prefix rule: "Werb*" matches "Werbung" and "Werbepause".
            words[-1] = re.escape(rule.casefold().split()[-1].rstrip("*")) + r"\w*"
            parts.append(r"\s+".join(words))
        else:
            parts.append(r"\s+".join(words) + _SUFFIXES)
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def matches(title: str, rules: Sequence[str]) -> bool:
    """True when ``title`` contains one of ``rules`` as a word or phrase, ignoring case.

    A rule matches whole words (plus a plural or -ed/-ing ending); a rule ending in ``*``
    matches any word starting with it. Raises nothing.

    >>> matches("Ad Break: Squarespace", ["ad break"]), matches("Adobe news", ["Ad"])
    (True, False)
    >>> matches("Our sponsors", ["Sponsor"]), matches("Werbepause", ["Werb*"])
    (True, True)
    """
    pattern = _pattern(tuple(rules))
    return pattern is not None and pattern.search(title.casefold()) is not None


def skipped_starts(
    chapters: Sequence[Chapter],
    rules: Sequence[str] = (),
    overrides: Mapping[int, bool] | None = None,
) -> frozenset[int]:
    """Starts (int ms) of the chapters to skip.

    A chapter is skipped when its title matches ``rules``, unless ``overrides`` (chapter start
    in ms -> True to play, False to skip, the listener's own ticks) says otherwise.

    >>> chs = [Chapter(0, "Intro"), Chapter(60_000, "Sponsor: Acme"), Chapter(90_000, "Main")]
    >>> sorted(skipped_starts(chs, ["sponsor"], {0: False}))
    [0, 60000]
    """
    overrides = overrides or {}
    skipped = set()
    for chapter in chapters:
        wanted = overrides.get(chapter.start_ms)
        if wanted is None:
            wanted = not matches(chapter.title, rules)
        if not wanted:
            skipped.add(chapter.start_ms)
    return frozenset(skipped)


def prefs_key(podcast_url: str) -> str:
    """The settings key of a podcast's preferences."""
    return f"podcast prefs {podcast_url}"


def _number(value: Any, default: float, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return min(high, max(low, float(value)))


@dataclass(frozen=True, slots=True)
class PodcastPrefs:
    """One podcast's preferences. ``intro_ms``/``outro_ms``: int ms skipped at the start and
    end of each episode (0: none); ``speed`` (None: the global one); ``volume`` 0-100 (None:
    the global one); ``rules``: skip keywords; ``allow_images``: load remote images in notes."""

    intro_ms: int = 0
    outro_ms: int = 0
    speed: float | None = None
    volume: int | None = None
    rules: tuple[str, ...] = ()
    allow_images: bool = False
    #: Chapter ticks by episode guid: {guid: {start_ms: play?}}.
    ticks: Mapping[str, Mapping[int, bool]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (int keys become strings)."""
        data = asdict(self)
        data["rules"] = list(self.rules)
        data["ticks"] = {
            guid: {str(ms): bool(on) for ms, on in marks.items()}
            for guid, marks in self.ticks.items()
            if marks
        }
        return data

    @classmethod
    def from_json(cls, data: object) -> PodcastPrefs:
        """Preferences from what ``to_json`` gave; anything missing or malformed falls back to
        the default. Raises nothing."""
        if not isinstance(data, Mapping):
            return cls()
        ticks: dict[str, dict[int, bool]] = {}
        raw_ticks = data.get("ticks")
        if isinstance(raw_ticks, Mapping):
            for guid, marks in raw_ticks.items():
                if isinstance(guid, str) and isinstance(marks, Mapping):
                    ticks[guid] = {
                        int(ms): bool(on)
                        for ms, on in marks.items()
                        if isinstance(ms, str | int) and str(ms).isdigit()
                    }
        speed = data.get("speed")
        volume = data.get("volume")
        rules = data.get("rules")
        return cls(
            intro_ms=int(_number(data.get("intro_ms"), 0, 0, 3_600_000)),
            outro_ms=int(_number(data.get("outro_ms"), 0, 0, 3_600_000)),
            speed=None if speed is None else _number(speed, 1.0, 0.25, 4.0),
            volume=None if volume is None else int(_number(volume, 100, 0, 100)),
            rules=normalise_rules(r for r in rules if isinstance(r, str))
            if isinstance(rules, list)
            else (),
            allow_images=data.get("allow_images") is True,
            ticks=ticks,
        )

    def ticks_for(self, guid: str) -> Mapping[int, bool]:
        """The listener's own chapter ticks for episode ``guid`` (start ms -> play?)."""
        return self.ticks.get(guid, {})

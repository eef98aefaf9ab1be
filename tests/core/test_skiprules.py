"""Keyword skip rules and per-podcast preferences."""

from __future__ import annotations

import json

import pytest

from podplayer.core.model import Chapter
from podplayer.core.skiprules import (
    SUGGESTED_RULES,
    PodcastPrefs,
    matches,
    normalise_rules,
    prefs_key,
    skipped_starts,
)


@pytest.mark.parametrize(
    ("title", "rules", "expected"),
    [
        ("Sponsor: Acme", SUGGESTED_RULES, True),
        ("Thanks to our sponsors", SUGGESTED_RULES, True),
        ("Sponsored segment", ["Sponsor"], True),
        ("AD BREAK", SUGGESTED_RULES, True),
        ("Ad  break (Squarespace)", SUGGESTED_RULES, True),
        ("Outtakes and bloopers", SUGGESTED_RULES, True),
        ("Adobe's new app", ["Ad"], False),
        ("Bad breakfast", ["Ad break"], False),
        ("Sponsorship policy", ["Sponsor"], False),
        ("Werbepause", ["Werb*"], True),
        ("Interview", SUGGESTED_RULES, False),
        ("Anything", [], False),
        ("C++ news", ["C++"], True),
    ],
)
def test_matches(title: str, rules: list[str], expected: bool) -> None:
    assert matches(title, rules) is expected


def test_normalise_rules() -> None:
    assert normalise_rules(["  Ad   break ", "ad break", "", "x" * 200]) == ("Ad break", "x" * 80)
    assert len(normalise_rules(str(i) for i in range(100))) == 50


def test_skipped_starts_with_rules_and_ticks() -> None:
    chapters = [
        Chapter(0, "Intro"),
        Chapter(60_000, "Sponsor: Acme"),
        Chapter(90_000, "Main topic"),
        Chapter(900_000, "Ad break"),
    ]
    assert skipped_starts(chapters, SUGGESTED_RULES) == {60_000, 900_000}
    # The listener's ticks win over the rules, both ways.
    ticks = {60_000: True, 90_000: False}
    assert skipped_starts(chapters, SUGGESTED_RULES, ticks) == {90_000, 900_000}
    assert skipped_starts(chapters) == frozenset()


def test_prefs_round_trip_through_json() -> None:
    prefs = PodcastPrefs(
        intro_ms=30_000,
        outro_ms=15_000,
        speed=1.5,
        volume=70,
        rules=("Sponsor",),
        allow_images=True,
        ticks={"ep-1": {60_000: False, 0: True}},
    )
    data = json.loads(json.dumps(prefs.to_json()))
    again = PodcastPrefs.from_json(data)
    assert again == prefs
    assert again.ticks_for("ep-1") == {60_000: False, 0: True}
    assert again.ticks_for("other") == {}
    assert prefs_key("https://example.org/feed") == "podcast prefs https://example.org/feed"


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "x",
        {
            "intro_ms": "x",
            "speed": True,
            "volume": 500,
            "rules": "Sponsor",
            "ticks": {"g": {"x": 1}, 3: {}},
            "allow_images": "yes",
        },
    ],
)
def test_prefs_from_malformed_json_fall_back(data: object) -> None:
    prefs = PodcastPrefs.from_json(data)
    assert prefs.intro_ms == 0
    assert prefs.rules == ()
    assert prefs.allow_images is False
    assert prefs.volume in (None, 100)

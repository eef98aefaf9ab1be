"""UI fixtures: small podcasts built from the core model, for tests that don't need the parser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from podplayer.core.model import Chapter, Episode, Link, Podcast


def make_podcast(url: str = "file:///tmp/show.txt", title: str = "Test Show") -> Podcast:
    with_notes = Episode(
        guid="ep-2",
        number=2,
        title="How to Build a Mixed Reality Headset",
        duration_ms=2_100_000,
        chapters=(
            Chapter(6_000, "Intro"),
            Chapter(100_000, "Alfred Introduction"),
            Chapter(203_000, "Who do you work with?"),
        ),
        links=(
            Link("Caddy", "https://engineering.fb.com/caddy"),
            Link("Send feedback", "mailto:podcast@example.org"),
            Link("Sneaky", "javascript:alert(1)"),
            Link("Local file", "file:///etc/passwd"),
        ),
    )
    bare = Episode(guid="ep-1", number=1, title="Pilot")
    unnumbered = Episode(
        guid="ep-0",
        number=None,
        title="ARCHIVE: From Facebook Home to Instagram Stories",
        chapters=(Chapter(0, "Intro"), Chapter(74_000, "Will Bailey")),
    )
    return Podcast(
        url=url,
        title=title,
        description="A show about tests.",
        episodes=(with_notes, bare, unnumbered),
    )


@pytest.fixture
def podcast() -> Podcast:
    return make_podcast()


@pytest.fixture
def settle(qtbot: Any) -> Callable[[Any], None]:
    """``settle(window)`` waits until the window's lists are read and shown (library reads
    run on workers)."""

    def wait(window: Any) -> None:
        qtbot.waitUntil(lambda: not window.browser.busy and not window.tasks.busy, timeout=5000)

    return wait

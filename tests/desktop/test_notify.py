"""Chapter notifications against a stand-in notification server on a private bus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podplayer.core.model import Chapter, Episode


class Settings:
    def __init__(self, **values: Any) -> None:
        self.values = values

    def setting(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@pytest.fixture
def server(qapp: Any, private_bus: Any) -> Iterator[list[tuple[str, list[Any]]]]:
    """Registers org.freedesktop.Notifications; yields the (signature, arguments) received."""
    from jeepney import HeaderFields, MessageType, new_method_return

    from podplayer.desktop.dbustypes import BusLink

    calls: list[tuple[str, list[Any]]] = []
    link = BusLink(private_bus.address)
    assert link.request_name("org.freedesktop.Notifications")

    def serve(message: Any) -> None:
        fields = message.header.fields
        if message.header.message_type != MessageType.method_call:
            return
        if fields.get(HeaderFields.member) != "Notify":
            return
        calls.append((fields.get(HeaderFields.signature, ""), list(message.body)))
        link.send(new_method_return(message, "u", (40 + len(calls),)))

    link.received.connect(serve)
    link.start()
    yield calls
    link.close()


@pytest.fixture
def session(qapp: Any, tmp_path: Path) -> Any:
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.session import PlaybackSession

    audio = tmp_path / "a.mp3"
    audio.write_bytes(bytes(10))
    episode = Episode(
        "g",
        1,
        "Episode one",
        local_path=str(audio),
        chapters=(Chapter(0, "Intro"), Chapter(10_000, "Main part")),
    )
    session = PlaybackSession(NullPlayer())
    session.set_episode(episode)
    return session


def _play(qtbot: Any, session: Any) -> None:
    from podplayer.playback.base import PlayerState

    session.open(session.episode)
    qtbot.waitUntil(lambda: session.player.state is PlayerState.PLAYING)


def test_chapter_change_notifies_when_enabled(
    qtbot: Any, server: Any, session: Any, bus_connection: Any
) -> None:
    from podplayer.desktop.notify import ChapterNotifier

    settings = Settings(notify_chapter_change=True)
    notifier = ChapterNotifier(
        session, settings, podcast_title_for=lambda e: "The Show", connection=bus_connection
    )
    _play(qtbot, session)
    session.next_chapter()
    qtbot.waitUntil(lambda: len(server) == 1)
    signature, args = server[0]
    assert signature == "susssasa{sv}i"
    assert args[0] == "podplayer" and args[1] == 0
    assert args[3:5] == ["Main part", "The Show · Episode one"]
    qtbot.waitUntil(lambda: notifier._replaces == 41)
    session.previous_chapter()
    qtbot.waitUntil(lambda: len(server) == 2)
    assert server[1][1][1] == 41  # replaces the first
    assert server[1][1][3] == "Intro"


def test_off_by_default_and_silent_without_a_server(
    qtbot: Any, session: Any, bus_connection: Any
) -> None:
    from podplayer.desktop.notify import ChapterNotifier

    quiet = ChapterNotifier(session, Settings(), connection=bus_connection)
    assert not quiet.enabled()
    # Enabled, but nobody serves notifications on this bus: one failure, then nothing.
    notifier = ChapterNotifier(
        session, Settings(notify_chapter_change=True), connection=bus_connection
    )
    _play(qtbot, session)
    session.next_chapter()
    qtbot.waitUntil(lambda: not notifier.available)
    session.previous_chapter()
    assert not notifier.available

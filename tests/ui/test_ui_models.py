from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from podplayer.core.model import Chapter, Link, Podcast
from podplayer.ui.models import (
    ChapterTableModel,
    EpisodeTableModel,
    LinkListModel,
    PodcastListModel,
    Role,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


def _column(model: Any, column: int, role: int = DISPLAY) -> list[Any]:
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


@pytest.mark.parametrize("empty", [False, True])
def test_models_pass_the_model_tester(qtmodeltester: Any, podcast: Podcast, empty: bool) -> None:
    episode = podcast.episodes[0]
    models = [
        PodcastListModel(() if empty else (podcast,)),
        EpisodeTableModel(() if empty else podcast.episodes),
        ChapterTableModel(() if empty else episode.chapters, episode.duration_ms),
        LinkListModel(() if empty else episode.links),
    ]
    for model in models:
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)


def test_reset_keeps_the_model_consistent(qtmodeltester: Any, podcast: Podcast) -> None:
    model = ChapterTableModel()
    qtmodeltester.check(model)
    model.set_items(podcast.episodes[0].chapters, 2_100_000)
    model.set_items(podcast.episodes[2].chapters, None)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2


def test_podcast_list(podcast: Podcast) -> None:
    model = PodcastListModel((podcast,))
    index = model.index(0, 0)
    assert index.data(DISPLAY) == "Test Show"
    assert index.data(Role.OBJECT) is podcast
    assert index.data(Role.SUBTITLE) == "3 episodes"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "3 episodes\n\nA show about tests."
    assert model.row_of(podcast.url) == 0
    assert model.row_of("file:///elsewhere") == -1


def test_episode_table_shows_number_and_title(podcast: Podcast) -> None:
    model = EpisodeTableModel(podcast.episodes)
    assert model.columnCount() == 3
    assert model.headerData(1, Qt.Orientation.Horizontal, DISPLAY) == "Title"
    assert _column(model, 0) == ["2", "1", ""]
    assert _column(model, 1)[0] == "How to Build a Mixed Reality Headset"
    assert model.index(1, 1).data(Role.OBJECT) is podcast.episodes[1]


def test_chapter_table_times_and_lengths(podcast: Podcast) -> None:
    episode = podcast.episodes[0]
    model = ChapterTableModel(episode.chapters, episode.duration_ms)
    assert [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in range(3)] == [
        "Start",
        "Title",
        "Length",
    ]
    assert _column(model, 0) == ["0:06", "1:40", "3:23"]
    assert _column(model, 1) == ["Intro", "Alfred Introduction", "Who do you work with?"]
    # The last chapter runs to the episode's end (35:00).
    assert _column(model, 2) == ["1:34", "1:43", "31:37"]
    assert _column(model, 0, Role.START_MS) == [6_000, 100_000, 203_000]
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_last_chapter_length_is_empty_without_a_duration() -> None:
    model = ChapterTableModel((Chapter(0, "a"), Chapter(3_723_000, "b")), None)
    assert _column(model, 0) == ["0:00", "1:02:03"]
    assert _column(model, 2) == ["1:02:03", ""]


def test_link_list_label_and_url(podcast: Podcast) -> None:
    links = podcast.episodes[0].links
    model = LinkListModel(links)
    index = model.index(0, 0)
    assert index.data(DISPLAY) == "Caddy"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "https://engineering.fb.com/caddy"
    assert index.data(Role.URL) == "https://engineering.fb.com/caddy"
    assert index.data(Role.SUBTITLE) == "https://engineering.fb.com/caddy"
    assert model.item(99) is None


def test_out_of_range_indexes_have_no_data(podcast: Podcast) -> None:
    model = EpisodeTableModel(podcast.episodes)
    assert model.index(5, 0).data(DISPLAY) is None
    assert model.headerData(7, Qt.Orientation.Horizontal, DISPLAY) is None


def test_a_link_without_a_label_shows_its_host() -> None:
    model = LinkListModel(
        (
            Link("https://www.metacareers.com/", "https://www.metacareers.com/"),
            Link("", "mailto:me@example.org"),
        )
    )
    assert model.index(0, 0).data(DISPLAY) == "metacareers.com"
    assert model.index(0, 0).data(Role.SUBTITLE) == "https://www.metacareers.com/"
    assert model.index(1, 0).data(DISPLAY) == "mailto:me@example.org"

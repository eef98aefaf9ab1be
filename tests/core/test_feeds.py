"""Feeds -> Podcast: podcastparser's golden files, the Podlove and Podcast 2.0 examples, our own
fixtures, hostile XML, and fuzzing."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podplayer.core.errors import FeedError, PodplayerError
from podplayer.core.feeds import chapter_urls, looks_like_feed, parse_feed, read_feed, split_number
from podplayer.core.model import TranscriptRef

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "feeds"
PEERS = ROOT.parent / "shared" / "peers"
PP_DATA = PEERS / "podcastparser" / "tests_data"
PP_FEEDS = sorted(PP_DATA.glob("*.rss")) if PP_DATA.is_dir() else []


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"peer data {path.relative_to(ROOT.parent)} is absent (see ../shared/peers)")


def _podcastparser_audio(enclosures: list[dict[str, Any]]) -> str | None:
    """Our enclosure choice expressed over podcastparser's list: first audio/video, else first."""
    for enclosure in enclosures:
        if enclosure["mime_type"].startswith(("audio/", "video/")):
            return str(enclosure["url"])
    return str(enclosures[0]["url"]) if enclosures else None


def test_all_podcastparser_feeds_are_present() -> None:
    _needs(PP_DATA)
    assert len(PP_FEEDS) == 70


@pytest.mark.parametrize("path", PP_FEEDS, ids=[p.stem for p in PP_FEEDS])
def test_podcastparser_golden(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    # podcastparser's tests use this URL; guids, links and relative URLs are built from it.
    url = f"file://tests/data/{path.name}"
    with path.open("rb") as stream:
        info = read_feed(stream, url)
    podcast = info.podcast
    assert podcast.title == expected["title"]
    if "description" in expected:
        assert podcast.description == expected["description"]
    if "cover_url" in expected:
        assert podcast.image == expected["cover_url"]
    want = expected["episodes"]
    if path.stem == "max_episodes":
        # Deliberate difference: max_episodes is a podcastparser call option; we keep every item.
        assert len(podcast.episodes) > len(want)
        want_titles = [e["title"] for e in want]
        assert [e.title for e in podcast.episodes][: len(want)] == want_titles
        return
    assert len(podcast.episodes) == len(want)
    for ours, theirs in zip(podcast.episodes, want, strict=True):
        # Deliberate difference: a "68: " prefix moves into Episode.number (none in these files).
        assert ours.title == split_number(theirs["title"])[1]
        assert ours.guid == theirs["guid"]
        if "number" in theirs:
            assert ours.number == theirs["number"]
        assert ours.audio_url == _podcastparser_audio(theirs["enclosures"])
        if theirs["published"]:
            assert ours.published == datetime.fromtimestamp(theirs["published"], UTC)
        else:
            assert ours.published is None
        # Deliberate difference: durations keep milliseconds; podcastparser truncates to seconds.
        ours_s = (ours.duration_ms or 0) // 1000
        assert ours_s == theirs["total_time"]
        description = theirs.get("description_html") or theirs["description"]
        if description or b"<summary" not in path.read_bytes():
            assert ours.description == description.strip()
        # else: deliberate difference, we also read Atom's <summary>.
        if "chapters" in theirs:
            # Deliberate difference: Podlove starts keep milliseconds (01:02:03.400 -> 3723400).
            assert [(c.start_ms // 1000, c.title) for c in ours.chapters] == [
                (c["start"], c["title"]) for c in theirs["chapters"]
            ]
            assert [c.url for c in ours.chapters] == [c.get("href") for c in theirs["chapters"]]
            assert [c.image for c in ours.chapters] == [c.get("image") for c in theirs["chapters"]]
            assert {c.source for c in ours.chapters} == {"psc"}
        if "chapters_json_url" in theirs:
            assert info.chapter_urls[ours.guid] == theirs["chapters_json_url"]


def test_podcastparser_chapters_keep_milliseconds() -> None:
    _needs(PP_DATA / "chapters.rss")
    episode = parse_feed((PP_DATA / "chapters.rss").read_bytes(), "file://x.rss").episodes[0]
    assert [c.start_ms for c in episode.chapters] == [0, 1000, 62000, 3723000, 3723400]
    assert episode.duration_ms == 3_600_000


@pytest.mark.parametrize("name", ["spec_example_atom.xml", "spec_example_rss_fixed.xml"])
def test_podlove_spec_examples(name: str) -> None:
    _needs(PEERS / "podlove" / name)
    expected = json.loads((PEERS / "podlove" / "spec_examples.expected.json").read_text())[name]
    podcast = parse_feed((PEERS / "podlove" / name).read_bytes(), "https://podlove.org/feed")
    assert podcast.title == expected["podcast_title"]
    for ours, theirs in zip(podcast.episodes, expected["episodes"], strict=True):
        assert ours.title == theirs["title"]
        assert ours.audio_url == "http://podlove.org/files/fiatlux.mp3"
        assert [(c.start_ms, c.title, c.url) for c in ours.chapters] == [
            (round(c["start"] * 1000), c["title"], c.get("href")) for c in theirs["chapters"]
        ]


def test_podlove_malformed_spec_example_is_a_feed_error() -> None:
    path = PEERS / "podlove" / "spec_example_rss_VERBATIM_MALFORMED.xml"
    _needs(path)
    with pytest.raises(FeedError, match="This is not a podcast feed"):
        parse_feed(path.read_bytes(), "https://podlove.org/feed")


def test_podcast_namespace_example() -> None:
    path = PEERS / "podcast-namespace" / "example.xml"
    _needs(path)
    info = read_feed(path.read_bytes(), "https://example.com/feed.xml")
    podcast = info.podcast
    assert podcast.title == "Podcasting 2.0 Namespace Example"
    assert [e.number for e in podcast.episodes] == [3, 2, 1]
    assert [e.audio_url for e in podcast.episodes] == [
        f"https://example.com/file-0{n}.mp3" for n in (3, 2, 1)
    ]
    assert info.chapter_urls == {
        f"https://example.com/ep000{n}": f"https://example.com/ep{n}_chapters.json"
        for n in (3, 2, 1)
    }
    assert chapter_urls(path.read_bytes(), "https://example.com/feed.xml") == info.chapter_urls


def test_own_feed_every_source() -> None:
    info = read_feed((DATA / "chapters-everywhere.rss").read_bytes(), "https://example.com/feed")
    podcast = info.podcast
    assert podcast.title == "Chapters Everywhere"
    assert podcast.image == "https://example.com/cover.jpg"
    first, bonus = podcast.episodes
    assert (first.number, first.title, first.guid) == (68, "Mixed Reality", "ep-68")
    assert first.published == datetime(2024, 9, 3, 8, 0, tzinfo=UTC)
    assert first.duration_ms == 3_723_250
    assert first.audio_url == "https://example.com/68.mp3"
    assert first.description.startswith("<p>Chapters:")  # content:encoded wins over description
    # PSC wins over the show notes, re-sorted, ms kept, the unreadable start dropped.
    assert [(c.start_ms, c.title, c.url, c.image, c.source) for c in first.chapters] == [
        (0, "Intro", None, "https://example.com/intro.png", "psc"),
        (330_500, "Optics", "https://example.com/optics", None, "psc"),
    ]
    assert info.chapter_urls == {"ep-68": "https://example.com/chapters/68.json"}
    assert set(info.chapter_sources["ep-68"]) >= {"psc"}
    # A feed can't hand the player a local file.
    assert bonus.audio_url is None
    assert bonus.number == 12
    assert bonus.title == "Bonus: notes only"
    assert bonus.duration_ms == 600_000


def test_own_feed_shownotes_chapters_are_duration_bounded() -> None:
    info = read_feed((DATA / "chapters-everywhere.rss").read_bytes(), "https://example.com/feed")
    _, bonus = info.podcast.episodes
    notes = info.chapter_sources["ep-68"]["shownotes"]
    assert [c.start_ms for c in notes] == [0, 330_000, 3_660_000]  # 70:00 is past the end
    assert all(c.source == "shownotes" for c in notes)
    assert [(c.start_ms, c.title) for c in bonus.chapters] == [
        (0, "Hello"),
        (120_000, "Middle"),
        (540_000, "Goodbye"),
    ]


def test_atom_feed() -> None:
    podcast = parse_feed((DATA / "atom.xml").read_bytes(), "https://example.com/podcast/atom.xml")
    assert (podcast.title, podcast.description) == ("Atom Cast", "An Atom podcast")
    (episode,) = podcast.episodes
    assert (episode.number, episode.title) == (3, "Atoms")
    assert episode.audio_url == "https://example.com/podcast/media/3.ogg"
    assert episode.description == "All about atoms."
    assert [c.start_ms for c in episode.chapters] == [0, 60_125]


def test_a_local_feed_may_keep_local_enclosures() -> None:
    feed = (
        b"<rss><channel><title>t</title><item><guid>g</guid><title>e</title>"
        b'<enclosure url="ep.mp3" type="audio/mpeg"/></item></channel></rss>'
    )
    assert (
        parse_feed(feed, "file:///music/feed.xml").episodes[0].audio_url == "file:///music/ep.mp3"
    )
    assert parse_feed(feed, "https://example.com/f").episodes[0].audio_url == (
        "https://example.com/ep.mp3"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss><channel><title>&d;</title></channel></rss>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&x;</title></channel></rss>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://localhost:1/evil.dtd">
<rss><channel><title>t</title></channel></rss>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["bomb", "external"])
def test_entities_are_refused(data: bytes) -> None:
    with pytest.raises(FeedError, match="entities"):
        parse_feed(data, "https://example.com/feed")


def test_an_external_dtd_is_not_fetched() -> None:
    assert parse_feed(EXTERNAL_DTD, "https://example.com/feed").title == "t"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<!DOCTYPE html><html><body>Hello</body></html>",
        b"<rss><channel><title>unclosed",
        b"\x00\x01binary",
        b'{"json": true}',
    ],
)
def test_not_a_feed(data: bytes) -> None:
    with pytest.raises(FeedError, match=r"^This is not a podcast feed: "):
        parse_feed(data, "https://example.com/feed")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- hi -->\n<rss version="2.0">', True),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", True),
        (b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//x" "y.dtd">\n<rss>', True),
        ('<?xml version="1.0" encoding="utf-16"?><rss>'.encode("utf-16"), True),
        (b"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'>", True),
        (b"<!DOCTYPE html><html>", False),
        (b"<html><body><rss>", False),
        (b"ID3\x04\x00", False),
        (b"", False),
        (b"0:00 Intro\n5:00 Next", False),
    ],
)
def test_looks_like_feed(head: bytes, expected: bool) -> None:
    assert looks_like_feed(head) is expected


def test_stream_and_bytes_agree() -> None:
    data = (DATA / "atom.xml").read_bytes()
    import io

    assert parse_feed(io.BytesIO(data), "https://e.com/") == parse_feed(data, "https://e.com/")


FUZZ_SEED = (DATA / "chapters-everywhere.rss").read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_fuzz_random_bytes(data: bytes) -> None:
    with contextlib.suppress(PodplayerError):
        parse_feed(data, "https://example.com/feed")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(FUZZ_SEED) - 1), st.integers(0, 64), st.binary(max_size=32))
def test_fuzz_mutated_feed(at: int, cut: int, insert: bytes) -> None:
    data = FUZZ_SEED[:at] + insert + FUZZ_SEED[at + cut :]
    with contextlib.suppress(PodplayerError):
        parse_feed(data, "https://example.com/feed")


def test_without_shownotes_keeps_psc_and_drops_notes_chapters() -> None:
    data = (DATA / "chapters-everywhere.rss").read_bytes()
    first, bonus = parse_feed(data, "https://example.com/feed", shownotes=False).episodes
    assert [c.source for c in first.chapters] == ["psc", "psc"]
    assert (bonus.chapters, bonus.links) == ((), ())


def test_transcripts_and_chapters_url_resolve_against_the_feed() -> None:
    data = b"""<rss xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>T</title>
    <item><guid>a</guid><title>A</title>
    <enclosure url="https://example.org/a.mp3" type="audio/mpeg"/>
    <podcast:chapters url="ch/a.json" type="application/json+chapters"/>
    <podcast:transcript url="tr/a.vtt" type="text/VTT" language="en" rel="captions"/>
    <podcast:transcript url="file:///etc/passwd" type="text/plain"/>
    <podcast:transcript url="https://example.org/a.srt" type="application/srt"/>
    </item></channel></rss>"""
    episode = parse_feed(data, "https://example.org/pod/feed.xml").episodes[0]
    assert episode.chapters_url == "https://example.org/pod/ch/a.json"
    assert episode.transcripts == (
        TranscriptRef("https://example.org/pod/tr/a.vtt", "text/vtt", "en", "captions"),
        TranscriptRef("https://example.org/a.srt", "application/srt"),
    )


def test_an_item_without_transcripts_has_none() -> None:
    podcast = parse_feed((DATA / "atom.xml").read_bytes(), "https://example.com/atom.xml")
    assert all(e.transcripts == () and e.chapters_url is None for e in podcast.episodes)


@pytest.mark.parametrize("depth", [65, 40_000, 400_000])
def test_deep_nesting_is_refused_in_bounded_memory(depth: int) -> None:
    import tracemalloc

    data = b"<rss><channel>" + b"<a>" * depth + b"</a>" * depth + b"</channel></rss>"
    tracemalloc.start()
    try:
        with pytest.raises(FeedError, match="nested too deep"):
            parse_feed(data, "https://example.com/feed.xml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20, peak


def test_a_real_depth_is_read() -> None:
    nested = b"<x>" * 50 + b"</x>" * 50
    data = b"<rss><channel><title>T</title><item><guid>a</guid><title>A</title>" + nested
    data += b'<enclosure url="https://e.org/a.mp3"/></item></channel></rss>'
    assert parse_feed(data, "https://e.org/f").episodes[0].audio_url == "https://e.org/a.mp3"


@pytest.mark.parametrize("encoding", ["x-no-such-thing", "utf-32-be-bogus"])
def test_an_unknown_encoding_is_a_feed_error(encoding: str) -> None:
    data = f'<?xml version="1.0" encoding="{encoding}"?><rss><channel/></rss>'.encode()
    with pytest.raises(FeedError, match="encoding"):
        parse_feed(data, "https://example.com/feed.xml")


def test_a_single_byte_encoding_is_read() -> None:
    data = (
        '<?xml version="1.0" encoding="windows-1252"?><rss><channel><title>Caf\xe9 \u20ac</title>'
    )
    podcast = parse_feed((data + "</channel></rss>").encode("cp1252"), "https://e.org/f")
    assert podcast.title == "Café €"

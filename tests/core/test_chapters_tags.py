"""Chapter tags in audio files: our fixtures, the peers' media, heads of files, fuzzing."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.chapters.tags import (
    head_bytes_needed,
    read_tag_chapters,
    read_tag_chapters_from_head,
    read_tag_image,
)
from podplayer.core.errors import ParseError, PodplayerError

ROOT = Path(__file__).resolve().parents[2]
TAGS = ROOT / "tests" / "data" / "tags"
PEERS = ROOT.parent / "shared" / "peers"
ANTENNAPOD = PEERS / "antennapod" / "media"
MUTAGEN = PEERS / "mutagen" / "media"

# (start ms, title, end ms, url) as written by make_fixtures.py.
OPENING = (0, "Opening ✓", 2500, "https://example.com/one")
MIDDLE = (2500, "Middle – part", 5250, "https://example.com/two")
ENDING = (5250, "Ending", 8000, None)
OWN = {
    "id3-chap-ctoc.mp3": (True, True),  # (has ends, has urls)
    "mp4-nero-and-quicktime.m4a": (True, False),
    "mp4-quicktime-only.m4a": (True, False),
    "mp4-nero-only.m4a": (False, False),
    "opus-comments.opus": (False, True),
    "vorbis-comments.ogg": (False, True),
    "flac-comments.flac": (False, True),
}


@pytest.mark.parametrize("name", sorted(OWN))
def test_own_fixtures(name: str) -> None:
    has_ends, has_urls = OWN[name]
    chapters = read_tag_chapters(TAGS / name)
    expected = [
        (start, title, end if has_ends else None, url if has_urls else None)
        for start, title, end, url in (OPENING, MIDDLE, ENDING)
    ]
    assert [(c.start_ms, c.title, c.end_ms, c.url) for c in chapters] == expected
    assert {c.source for c in chapters} == {"tags"}
    assert (TAGS / name).stat().st_size < 100_000


@pytest.mark.parametrize("name", sorted(OWN))
def test_own_fixtures_from_file_objects_and_whole_heads(name: str) -> None:
    data = (TAGS / name).read_bytes()
    expected = read_tag_chapters(TAGS / name)
    assert read_tag_chapters(io.BytesIO(data)) == expected
    assert read_tag_chapters_from_head(data, name=name) == expected


def test_id3_images_ctoc_order() -> None:
    chapters = read_tag_chapters(TAGS / "id3-chap-ctoc.mp3")
    # The frames are stored in reverse; CTOC and start order put them right.
    assert [c.image for c in chapters] == ["apic:ch0", "https://example.com/two.png", None]
    mime, data = read_tag_image(TAGS / "id3-chap-ctoc.mp3", "apic:ch0") or ("", b"")
    assert mime == "image/png"
    assert data.startswith(b"\x89PNG")
    assert read_tag_image(TAGS / "id3-chap-ctoc.mp3", "https://example.com/two.png") is None


def test_id3_head() -> None:
    data = (TAGS / "id3-chap-ctoc.mp3").read_bytes()
    needed = head_bytes_needed(data[:10])
    assert needed is not None
    assert 100 < needed < len(data)
    assert len(read_tag_chapters_from_head(data[:needed])) == 3
    assert read_tag_chapters_from_head(data[: needed - 1]) == ()


def test_files_without_chapters(tmp_path: Path) -> None:
    assert read_tag_chapters(io.BytesIO(b"just some text, not audio")) == ()
    assert read_tag_chapters_from_head(b"") == ()
    with pytest.raises(ParseError, match="Cannot read the chapters"):
        read_tag_chapters(tmp_path / "missing.mp3")


def _expected(path: Path) -> dict[str, dict[str, object]]:
    return dict(json.loads(path.read_text(encoding="utf-8"))["files"])


ANTENNAPOD_FILES = (
    sorted(_expected(ANTENNAPOD / "expected_chapters.json"))
    if (ANTENNAPOD / "expected_chapters.json").exists()
    else []
)


def test_antennapod_media_present() -> None:
    if not ANTENNAPOD.is_dir():
        pytest.skip("peer data ../shared/peers/antennapod/media is absent")
    assert len(ANTENNAPOD_FILES) == 8


@pytest.mark.parametrize("name", ANTENNAPOD_FILES)
def test_antennapod_media(name: str) -> None:
    expected = _expected(ANTENNAPOD / "expected_chapters.json")[name]["chapters"]
    assert isinstance(expected, list)
    chapters = read_tag_chapters(ANTENNAPOD / name)
    assert [(c.start_ms, c.title) for c in chapters] == [
        (round(e["start"] * 1000), e["title"]) for e in expected
    ]
    for ours, theirs in zip(chapters, expected, strict=True):
        if "end" in theirs:
            assert ours.end_ms == round(theirs["end"] * 1000)
        # nero-chapters.m4a also holds a QuickTime track: we report its ends where the
        # expected file (from a chpl-only reader) has none.
        assert ours.url == theirs.get("url")
        assert (ours.image is not None) == theirs.get("has_image", False)


def test_mutagen_nero_m4b() -> None:
    path = MUTAGEN / "nero-chapters.m4b"
    if not path.exists():
        pytest.skip("peer data ../shared/peers/mutagen/media is absent")
    expected = _expected(MUTAGEN / "expected_chapters.json")["nero-chapters.m4b"]["chapters"]
    assert isinstance(expected, list)
    chapters = read_tag_chapters(path)
    assert len(chapters) == 112
    assert [(c.start_ms, c.title) for c in chapters] == [
        (round(e["start"] * 1000), e["title"]) for e in expected
    ]


@pytest.mark.parametrize("name", ANTENNAPOD_FILES)
def test_antennapod_heads_never_raise(name: str) -> None:
    data = (ANTENNAPOD / name).read_bytes()
    full = read_tag_chapters(ANTENNAPOD / name)
    for size in (0, 10, 100, 1000, len(data) // 2, len(data)):
        got = read_tag_chapters_from_head(data[:size], name=name)
        assert got in ((), full)
    assert read_tag_chapters_from_head(data) == full


FUZZ_SEEDS = [(TAGS / name).read_bytes() for name in sorted(OWN)]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(range(len(FUZZ_SEEDS))),
    st.integers(0, 20_000),
    st.integers(0, 64),
    st.binary(max_size=16),
)
def test_fuzz_damaged_files(seed: int, at: int, cut: int, insert: bytes) -> None:
    original = FUZZ_SEEDS[seed]
    at = at % len(original)
    data = original[:at] + insert + original[at + cut :]
    with contextlib.suppress(PodplayerError):
        read_tag_chapters(io.BytesIO(data))
    with contextlib.suppress(PodplayerError):
        read_tag_chapters_from_head(data[: at + 1])


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([b"ID3", b"OggS", b"fLaC", b"\x00\x00\x00\x18ftyp"]), st.binary(max_size=512)
)
def test_fuzz_magic_then_garbage(magic: bytes, rest: bytes) -> None:
    with contextlib.suppress(PodplayerError):
        read_tag_chapters(io.BytesIO(magic + rest))
    with contextlib.suppress(PodplayerError):
        read_tag_chapters_from_head(magic + rest)

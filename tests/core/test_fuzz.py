"""Fuzzing: only podplayer's error family leaves a parser, whatever the bytes.

Two kinds of input: the real files of tests/data (tags, chapter files, feeds, OPML) changed by
hypothesis (bytes flipped, runs inserted, cut or repeated, counts set to huge values: the edits
that found 1,249 escaping exceptions in 124,000 inputs), and values generated from scratch for
the small parsers. Example counts are bounded and the runs derandomized, so CI spends seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podplayer.core import feeds, opml, sources
from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.psc import chapters_from_attributes, parse_npt, parse_psc
from podplayer.core.chapters.tags import read_tag_chapters, read_tag_chapters_from_head
from podplayer.core.errors import PodplayerError

DATA = Path(__file__).resolve().parents[1] / "data"
URL = "https://example.org/feed.xml"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _files(folder: str) -> list[Path]:
    return sorted(p for p in (DATA / folder).iterdir() if p.suffix not in (".py", ".md"))


def _audio_episode(data: bytes, suffix: str) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzzed{suffix}"
        path.write_bytes(data)
        return sources.audio_episode(path)


# Parsers per folder of real files; each takes the bytes and the original file's suffix.
READERS: dict[str, list[Callable[[bytes, str], object]]] = {
    "tags": [
        lambda data, _: read_tag_chapters(io.BytesIO(data)),
        lambda data, _: read_tag_chapters_from_head(data),
        lambda data, _: read_tag_chapters_from_head(data[: len(data) // 2]),
        _audio_episode,
    ],
    "chapters": [
        lambda data, _: parse_json_chapters(data),
        lambda data, _: sources.chapters_file(data, name="c.json", url=URL),
    ],
    "feeds": [
        lambda data, _: feeds.read_feed(data, URL),
        lambda data, _: parse_psc(data),
        lambda data, _: sources.from_bytes(data, name="feed.xml", url=URL),
    ],
    "opml": [
        lambda data, _: opml.read_opml(data),
        lambda data, _: sources.from_bytes(data, name="subs.opml", url=URL),
    ],
}

_HUGE = [0xFFFFFFFF, 0x7FFFFFFF, 0x10000, 0xFFFF, 0]


@st.composite
def _mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        kind = draw(st.sampled_from(["flip", "insert", "cut", "repeat", "count", "truncate"]))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 256))]
        elif kind == "repeat":
            piece = data[at : at + draw(st.integers(1, 64))]
            data[at:at] = piece * draw(st.integers(1, 50))
        elif kind == "count" and len(data) >= at + 4:
            order = draw(st.sampled_from([">I", "<I"]))
            data[at : at + 4] = struct.pack(order, draw(st.sampled_from(_HUGE)))
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


def _only_our_errors(read: Callable[[bytes, str], object], data: bytes, suffix: str) -> None:
    with contextlib.suppress(PodplayerError):
        read(data, suffix)


def _case(path: Path) -> object:
    return pytest.param(path, id=f"{path.parent.name}/{path.name}")


@pytest.mark.parametrize("path", [_case(p) for folder in READERS for p in _files(folder)])
@FUZZ
@given(data=st.data())
def test_mutated_real_files(path: Path, data: st.DataObject) -> None:
    mutated = data.draw(_mutated(path.read_bytes()), label="mutated")
    for read in READERS[path.parent.name]:
        _only_our_errors(read, mutated, path.suffix)


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)
_chapter_entry = st.fixed_dictionaries(
    {},
    optional={
        "startTime": _json_values,
        "endTime": _json_values,
        "title": _json_values,
        "url": _json_values,
        "img": _json_values,
        "toc": _json_values,
    },
)


def _dump(value: object) -> bytes:
    # Python's json writes NaN and Infinity, and so do careless generators.
    return json.dumps(value, allow_nan=True).encode()


@settings(FUZZ, max_examples=150)
@given(st.lists(_chapter_entry, max_size=8) | _json_values)
def test_generated_json_chapters(value: object) -> None:
    doc = {"version": "1.2.0", "chapters": value} if isinstance(value, list) else value
    try:
        chapters = parse_json_chapters(_dump(doc))
    except PodplayerError:
        return
    for chapter in chapters:
        assert 0 <= chapter.start_ms <= 10**12
        assert chapter.end_ms is None or chapter.end_ms > chapter.start_ms


@settings(FUZZ, max_examples=200)
@given(st.text(max_size=40))
def test_generated_npt(text: str) -> None:
    with contextlib.suppress(PodplayerError):
        assert parse_npt(text) >= 0


@settings(FUZZ, max_examples=100)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["start", "title", "href", "image", "other"]), st.text(max_size=30)
        ),
        max_size=10,
    )
)
def test_generated_psc_attributes(items: list[dict[str, str]]) -> None:
    chapters = chapters_from_attributes(items)
    assert all(not math.isnan(c.start_ms) and c.start_ms >= 0 for c in chapters)


@settings(FUZZ, max_examples=100)
@given(
    st.sampled_from([b"ID3\x04\x00\x00", b"OggS\x00\x02", b"fLaC", b"\x00\x00\x00\x18ftypM4A "]),
    st.lists(
        st.sampled_from([b"CHAP", b"CTOC", b"moov", b"trak", b"stts", b"\xff\xff\xff\xff"])
        | st.binary(max_size=16),
        max_size=40,
    ),
)
def test_generated_tag_structures(magic: bytes, pieces: list[bytes]) -> None:
    data = magic + b"".join(pieces)
    _only_our_errors(lambda d, _: read_tag_chapters(io.BytesIO(d)), data, "")
    _only_our_errors(lambda d, _: read_tag_chapters_from_head(d), data, "")

"""Podlove Simple Chapters and Podcast 2.0 JSON chapters."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.psc import parse_npt, parse_psc
from podplayer.core.errors import ParseError, PodplayerError, TimecodeError
from podplayer.core.model import Chapter

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "chapters"
PEERS = ROOT.parent / "shared" / "peers"


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"peer data {path.relative_to(ROOT.parent)} is absent (see ../shared/peers)")


# --- Podlove Simple Chapters -----------------------------------------------------------------


def test_podlove_library_vectors() -> None:
    _needs(PEERS / "podlove" / "chapters_lib_psc.xml")
    vectors = json.loads((PEERS / "podlove" / "chapters_lib_vectors.json").read_text())
    chapters = parse_psc((PEERS / "podlove" / vectors["psc_file"]).read_bytes())
    assert [(c.start_ms, c.title, c.url, c.image) for c in chapters] == [
        (e["start_ms"], e["title"], e.get("href"), e.get("image")) for e in vectors["psc_expected"]
    ]
    assert {c.source for c in chapters} == {"psc"}


def test_npt_examples_from_the_spec() -> None:
    _needs(PEERS / "podlove" / "spec_examples.expected.json")
    expected = json.loads((PEERS / "podlove" / "spec_examples.expected.json").read_text())
    for case in expected["npt_time_examples_from_spec"]:
        assert parse_npt(case["input"]) == round(case["seconds"] * 1000)


@pytest.mark.parametrize("text", ["", "abc", "1:2:3:4", "-5", "1.2.3", "12:"])
def test_npt_rejects(text: str) -> None:
    with pytest.raises(TimecodeError):
        parse_npt(text)


def test_psc_any_prefix_trailing_slash_sorted() -> None:
    xml = b"""<x:chapters xmlns:x="http://podlove.org/simple-chapters/" version="1.2">
      <x:chapter start="00:10.5" title="Second"/>
      <x:chapter start="0" title=" First " href="https://a.example"/>
      <x:chapter title="No start"/>
      <other start="1" title="not a chapter"/>
    </x:chapters>"""
    assert parse_psc(xml) == (
        Chapter(0, "First", url="https://a.example", source="psc"),
        Chapter(10_500, "Second", source="psc"),
    )


@pytest.mark.parametrize(
    "xml",
    [b"", b"<psc:chapters", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'],
    ids=["empty", "truncated", "entity"],
)
def test_psc_unreadable(xml: bytes) -> None:
    with pytest.raises(ParseError):
        parse_psc(xml)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=512) | st.text(max_size=300).map(str.encode))
def test_psc_fuzz(data: bytes) -> None:
    try:
        parse_psc(b'<c xmlns:p="http://podlove.org/simple-chapters">' + data + b"</c>")
        parse_psc(data)
    except PodplayerError:
        pass


# --- Podcast 2.0 JSON --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["example", "exampleComplex"])
def test_podcast_namespace_examples(name: str) -> None:
    path = PEERS / "podcast-namespace" / f"docs_examples_chapters_{name}.json"
    _needs(path)
    doc = json.loads(path.read_text())
    chapters = parse_json_chapters(path.read_bytes())
    jump_points = [e for e in doc["chapters"] if e.get("toc", True) is not False]
    assert [(c.start_ms, c.title, c.url, c.image) for c in chapters] == [
        (round(e["startTime"] * 1000), e.get("title", ""), e.get("url"), e.get("img"))
        for e in jump_points
    ]
    assert {c.source for c in chapters} == {"json"}
    if name == "exampleComplex":
        assert len(jump_points) < len(doc["chapters"])  # toc:false really was dropped


def test_own_json_fixture() -> None:
    chapters = parse_json_chapters((DATA / "podcast20.json").read_bytes())
    assert chapters == (
        Chapter(0, "Intro", image="https://example.com/intro-json.png", source="json"),
        Chapter(330_500, "Optics", 3_660_000, "https://example.com/optics-json", source="json"),
        Chapter(3_660_250, "Wrap-up", source="json"),
    )


def test_bare_list_with_string_times_and_bom() -> None:
    assert parse_json_chapters((DATA / "bare-list.json").read_bytes()) == (
        Chapter(12_500, "String times, bare list", source="json"),
    )


@pytest.mark.parametrize(
    "data",
    [b"", b"  \n", b"{}", b"null", b"[]", b'{"chapters": null}', (DATA / "placeholder.json")],
)
def test_placeholders_are_no_chapters(data: bytes | Path) -> None:
    raw = data.read_bytes() if isinstance(data, Path) else data
    assert parse_json_chapters(raw) == ()


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b'{"version": "1.2.0"}',
        b'{"chapters": "0:00 Intro"}',
        b'{"chapters": [{"title": "no start"}]}',
        b'{"chapters": [{"startTime": -1}]}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
    ],
)
def test_invalid_json_chapters(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_json_chapters(data)


def test_end_before_start_is_dropped_and_nan_skipped() -> None:
    data = (
        b'{"chapters": [{"startTime": 5, "endTime": 2}, {"startTime": NaN}, {"startTime": 1e400}]}'
    )
    assert parse_json_chapters(data) == (Chapter(5000, "", source="json"),)


_json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
_chapter_entries = st.fixed_dictionaries(
    {},
    optional={
        "startTime": st.floats() | st.integers() | st.text(max_size=6) | st.none(),
        "endTime": st.floats() | st.integers() | st.none(),
        "title": _json_values,
        "url": _json_values,
        "img": _json_values,
        "toc": _json_values,
    },
)


@settings(max_examples=200, deadline=None)
@given(
    _json_values | st.builds(lambda e: {"chapters": e}, st.lists(_chapter_entries | _json_values))
)
def test_json_fuzz_structure(doc: object) -> None:
    try:
        chapters = parse_json_chapters(json.dumps(doc).encode())
    except PodplayerError:
        return
    assert list(chapters) == sorted(chapters, key=lambda c: c.start_ms)
    assert all(isinstance(c.title, str) and c.start_ms >= 0 for c in chapters)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=256))
def test_json_fuzz_bytes(data: bytes) -> None:
    with contextlib.suppress(PodplayerError):
        parse_json_chapters(data)

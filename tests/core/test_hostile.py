"""Crafted chapter files end in a message within seconds and a bounded amount of memory.

Each test runs the reader in a child process under ``RLIMIT_AS`` (see bounded.py); the inputs
come from tests/data/hostile (small files, and make_hostile.py for the large ones).
"""

from __future__ import annotations

import pytest
from bounded import HOSTILE, run_bounded

pytestmark = pytest.mark.timeout(60)


def _refused(outcome: dict[str, object], *fragments: str) -> str:
    assert "escaped" not in outcome, outcome
    assert outcome.get("error") == "ParseError", outcome
    message = str(outcome["message"])
    for fragment in fragments:
        assert fragment in message, message
    return message


TAGS_READ = """
import io
from podplayer.core.chapters.tags import read_tag_chapters, read_tag_chapters_from_head
import make_hostile
data = {make}
if {head}:
    return len(read_tag_chapters_from_head(data[:256 * 1024]))
return len(read_tag_chapters(io.BytesIO(data)))
"""


def _tags(make: str, *, head: bool = False) -> dict[str, object]:
    return run_bounded(TAGS_READ.format(make=make, head=head))


@pytest.mark.parametrize("head", [False, True], ids=["file", "head"])
def test_mp4_stts_sample_counts_are_capped_in_total(head: bool) -> None:
    # 18,000 runs of 100,000 samples each: once 1.5 GB (file) and 4.5 GB (the window's head read).
    _refused(_tags("make_hostile.mp4_stts_bomb()", head=head), "18,000 chapters", "5,000")


def test_mp4_stts_bomb_of_289_kb() -> None:
    # Once more than 16 GB. Its index runs past a 256 kB head, which then holds no chapters.
    _refused(_tags("make_hostile.mp4_stts_bomb(36_000)"), "36,000 chapters")
    assert _tags("make_hostile.mp4_stts_bomb(36_000)", head=True) == {"value": 0}


@pytest.mark.parametrize("name", ["mp4-claimed-counts.m4a", "mp4-fixed-size-bomb.m4a"])
def test_mp4_tables_that_claim_billions_of_entries(name: str) -> None:
    make = f"open({str(HOSTILE / name)!r}, 'rb').read()"
    _refused(_tags(make), "4,294,967,295 chapters")
    _refused(_tags(make, head=True), "4,294,967,295 chapters")


def test_mp4_many_chunks_is_linear_and_over_the_cap_refused() -> None:
    # 30,000 chunks with a rule each: 21-25 s when each chunk looked up its rule.
    _refused(_tags("make_hostile.mp4_many_chunks(30_000)"), "30,000 chapters")
    assert _tags("make_hostile.mp4_many_chunks(5_000)") == {"value": 5000}


def test_id3_many_chapters_refused_before_they_are_built() -> None:
    # 30,000 chapters: 50-75 s of quadratic CTOC ordering.
    _refused(_tags("make_hostile.id3_many_chapters(30_000)"), "30,000 chapters")
    assert _tags("make_hostile.id3_many_chapters(5_000)") == {"value": 5000}


def test_id3_many_tiny_frames_are_refused_before_mutagen_reads_them() -> None:
    _refused(_tags("make_hostile.id3_many_frames(100_000)"), "more than 20,000 frames")


def test_mp4_containers_full_of_junk_are_walked_once() -> None:
    assert _tags("make_hostile.mp4_junk_boxes(20)") == {"value": 0}
    _refused(_tags("make_hostile.mp4_junk_boxes(80)"), "index is too large")


def test_id3_ctoc_chain_3000_deep_is_walked_without_recursion() -> None:
    assert _tags("make_hostile.id3_ctoc_chain(3_000)") == {"value": 2}


def test_id3_ctoc_nested_3000_deep_is_a_message() -> None:
    _refused(_tags("make_hostile.id3_nested_ctoc(3_000)"), "damaged", "nest too deep")


def test_damaged_ogg_is_a_parse_error_for_tags_and_for_the_audio_reader() -> None:
    assert _tags("make_hostile.ogg_damaged()") == {"value": 3}
    outcome = run_bounded(
        """
        import pathlib, tempfile
        from podplayer.core import sources
        import make_hostile
        path = pathlib.Path(tempfile.mkdtemp()) / "damaged.ogg"
        path.write_bytes(make_hostile.ogg_damaged())
        return sources.audio_episode(path).title
        """
    )
    _refused(outcome, "damaged.ogg", "damaged")


def test_json_chapter_time_of_320_digits() -> None:
    outcome = run_bounded(
        f"""
        from podplayer.core.chapters.jsonchapters import parse_json_chapters
        data = open({str(HOSTILE / "json-long-number.json")!r}, "rb").read()
        return len(parse_json_chapters(data))
        """
    )
    # The only entry has no usable start: a message, not an OverflowError.
    _refused(outcome, "start time")


def test_json_chapters_over_the_cap_and_deeply_nested() -> None:
    many = run_bounded(
        """
        from podplayer.core.chapters.jsonchapters import parse_json_chapters
        entry = b'{"startTime": 1, "title": "t"}'
        return len(parse_json_chapters(b'{"chapters": [' + b",".join([entry] * 6000) + b"]}"))
        """
    )
    _refused(many, "6,000 chapters")
    deep = run_bounded(
        """
        from podplayer.core.chapters.jsonchapters import parse_json_chapters
        return len(parse_json_chapters(b'{"chapters": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"))
        """
    )
    _refused(deep, "not valid JSON")


def test_psc_document_depth_count_and_flat_memory() -> None:
    deep = run_bounded(
        """
        from podplayer.core.chapters.psc import parse_psc
        return len(parse_psc(b"<a>" * 100_000 + b"</a>" * 100_000))
        """
    )
    _refused(deep, "deeper than 64")
    wide = run_bounded(
        """
        from podplayer.core.chapters.psc import parse_psc
        ns = b'<r xmlns:psc="http://podlove.org/simple-chapters">'
        return len(parse_psc(ns + b"<x/>" * 3_000_000 + b'<psc:chapter start="1"/></r>'))
        """
    )
    assert wide == {"value": 1}
    many = run_bounded(
        """
        from podplayer.core.chapters.psc import parse_psc
        ns = b'<r xmlns:psc="http://podlove.org/simple-chapters">'
        return len(parse_psc(ns + b'<psc:chapter start="1"/>' * 6000 + b"</r>"))
        """
    )
    _refused(many, "5,000")


def test_psc_document_in_an_unknown_encoding() -> None:
    outcome = run_bounded(
        """
        from podplayer.core.chapters.psc import parse_psc
        return len(parse_psc(b'<?xml version="1.0" encoding="UTF-9"?><r/>'))
        """
    )
    _refused(outcome, "unknown text encoding")


def test_a_feed_episode_with_too_many_podlove_chapters_keeps_the_feed() -> None:
    outcome = run_bounded(
        """
        from podplayer.core.feeds import parse_feed
        chapters = b'<psc:chapter start="1" title="t"/>' * 6000
        feed = (
            b'<rss xmlns:psc="http://podlove.org/simple-chapters"><channel><title>T</title>'
            b"<item><title>E</title><guid>g</guid><psc:chapters>" + chapters
            + b"</psc:chapters></item></channel></rss>"
        )
        podcast = parse_feed(feed, "https://example.org/feed")
        return [len(podcast.episodes), len(podcast.episodes[0].chapters)]
        """
    )
    # The episode stays; its chapters are bounded by the cap, whatever the feed claims.
    episodes, chapters = outcome["value"]
    assert episodes == 1 and chapters <= 5000, outcome


def test_vorbis_comments_claiming_billions_are_refused() -> None:
    outcome = run_bounded(
        """
        import io, struct
        from podplayer.core.chapters.tags import read_tag_chapters
        block = struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) + bytes(64)
        flac = b"fLaC" + bytes((0x84,)) + len(block).to_bytes(3, "big") + block
        return len(read_tag_chapters(io.BytesIO(flac)))
        """
    )
    _refused(outcome, "damaged", "4,294,967,295 comments")

"""Transcript readers, choice, derived chapters and writers on the edges real files show.

The real files are in test_transcripts_golden.py; the cases here are small invented ones, one
edge each.
"""

from __future__ import annotations

from collections import namedtuple

import pytest

from podplayer.core.errors import ParseError, PodplayerError
from podplayer.core.transcripts import (
    MAX_BYTES,
    Cue,
    Transcript,
    chapters_from_transcript,
    choose_transcript,
    jsonformat,
    model,
    parse_transcript,
    ranked_transcripts,
    sniff_format,
    timedtext,
    transcript_languages,
    untimed,
    write_transcript,
)
from podplayer.core.transcripts.jsonformat import parse_json_transcript
from podplayer.core.transcripts.timedtext import parse_srt, parse_vtt
from podplayer.core.transcripts.untimed import parse_html_transcript, parse_text_transcript


def lines(t: Transcript) -> list[tuple[int | None, int | None, str | None, str]]:
    return [(c.start_ms, c.end_ms, c.speaker, c.text) for c in t.cues]


# --------------------------------------------------------------------------------------------
# WebVTT

VTT = b"""\xef\xbb\xbfWEBVTT - a header text
Kind: captions

STYLE
::cue { color: yellow }

REGION
id:fred width:40%

NOTE This is a comment
that spans two lines

intro
00:00:01.000 --> 00:00:04.500 align:start position:10% line:0
<v.loud Mary Smith>Hello <c.yellow>and</c> <i>welcome</i>
to the show &amp; more

2
00:04.500 --> 00:09.000
<v Bob>Thanks, <00:00:05.000>Mary.</v>

01:00:00.000 --> 01:00:02.000
Still Bob, an hour in.
"""


def test_vtt_cue_settings_voices_multiline_and_blocks() -> None:
    assert lines(parse_vtt(VTT)) == [
        (1000, 4500, "Mary Smith", "Hello and welcome to the show & more"),
        (4500, 9000, "Bob", "Thanks, Mary."),
        (3_600_000, 3_602_000, "Bob", "Still Bob, an hour in."),
    ]


def test_vtt_times_without_hours_or_minutes() -> None:
    data = b"WEBVTT\n\n0.860 --> 7.380\nA\n\n56.440 --> 1:01.080\nB\n\n1:01.460 --> 1:11.36\nC\n"
    assert [(c.start_ms, c.end_ms) for c in parse_vtt(data).cues] == [
        (860, 7380),
        (56440, 61080),
        (61460, 71360),
    ]


def test_vtt_sorted_by_start_and_backward_ends_dropped() -> None:
    data = b"WEBVTT\n\n00:10.000 --> 00:12.000\nlater\n\n00:05.000 --> 00:04.000\nearlier\n"
    assert lines(parse_vtt(data)) == [(5000, None, None, "earlier"), (10000, 12000, None, "later")]


def test_vtt_header_only_is_empty_and_no_header_no_cues_is_an_error() -> None:
    assert parse_vtt(b"WEBVTT\n\nNOTE nothing yet\n").cues == ()
    with pytest.raises(ParseError, match="WebVTT"):
        parse_vtt(b"just some words\n")


def test_vtt_timing_lines_that_are_not_times_are_text_or_nothing() -> None:
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nsee 1:75 --> 2:00\n\n99:99.000 --> 1.0\nx\n"
    assert lines(parse_vtt(data)) == [(1000, 2000, None, "see 1:75 --> 2:00")]


# --------------------------------------------------------------------------------------------
# SRT


def test_srt_crlf_comma_millis_tags_and_speaker_carried_over() -> None:
    data = (
        b"1\r\n00:00:00,179 --> 00:00:02,399\r\nTravis: When you first get\r\n"
        b"started in <i>podcasting</i>\r\n\r\n"
        b"2\r\n00:00:02,400 --> 00:00:04,799\r\nalmost guaranteed\r\n\r\n"
        b"3\r\n00:00:53,030 --> 00:00:57,770\r\nSarah: Creating good audio\r\n"
    )
    assert lines(parse_srt(data)) == [
        (179, 2399, "Travis", "When you first get started in podcasting"),
        (2400, 4799, "Travis", "almost guaranteed"),
        (53030, 57770, "Sarah", "Creating good audio"),
    ]


def test_srt_sloppy_numbering() -> None:
    data = (
        b"7\n00:00:01,000 --> 00:00:02,000\nno one counts\n"  # no blank line before the next
        b"8\n00:00:02,000 --> 00:00:03,000\nmissing number next\n\n"
        b"00:00:03,000 --> 00:00:04,000\nand a stray\n\nline of junk\n\n"
        b"3\n00:00:04,000 --> 00:00:05\nend without millis\n"
    )
    assert lines(parse_srt(data)) == [
        (1000, 2000, None, "no one counts"),
        (2000, 3000, None, "missing number next"),
        (3000, 4000, None, "and a stray"),
        (4000, 5000, None, "end without millis"),
    ]


def test_srt_legacy_code_page_and_utf16() -> None:
    latin = "1\n00:00:01,000 --> 00:00:02,000\nPeña, café\n"
    assert parse_srt(latin.encode("cp1252")).cues[0].text == "Peña, café"
    assert parse_srt(latin.encode("utf-16")).cues[0].text == "Peña, café"


def test_srt_without_times_is_an_error_but_blank_is_empty() -> None:
    assert parse_srt(b" \n\n").cues == ()
    with pytest.raises(ParseError, match="SRT"):
        parse_srt(b"1\nhello\n")


def test_name_prefix_is_not_a_clock_time_or_a_sentence() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nat 10:30 we start: early\n"
    assert parse_srt(data).cues[0].speaker is None


# --------------------------------------------------------------------------------------------
# JSON


def test_json_words_join_into_lines_split_at_speakers_and_pauses() -> None:
    data = b"""{"version": "1.0.0", "segments": [
        {"speaker": "A", "startTime": 0.5, "endTime": 0.7, "body": "I"},
        {"speaker": "A", "startTime": 0.8, "endTime": 1.0, "body": "am"},
        {"speaker": "A", "startTime": 1.1, "endTime": 1.4, "body": "here"},
        {"speaker": "A", "startTime": 1.4, "endTime": 1.4, "body": "."},
        {"speaker": "A", "startTime": 5.0, "endTime": 5.5, "body": "Later"},
        {"speaker": "B", "startTime": 5.6, "endTime": 6.0, "body": "Hi"}
    ]}"""
    t = parse_json_transcript(data)
    assert t.version == "1.0.0"
    assert lines(t) == [
        (500, 1400, "A", "I am here."),
        (5000, 5500, "A", "Later"),
        (5600, 6000, "B", "Hi"),
    ]


def test_json_caption_cards_share_a_start_and_sentences_stay_lines() -> None:
    data = b"""{"segments": [
        {"speaker": "Alban", "startTime": 0.0, "endTime": 4.8, "body": "It is so stinking nice to"},
        {"speaker": "Alban", "startTime": 0.0, "endTime": 4.8, "body": "like, show up"},
        {"speaker": "Alban", "startTime": 4.8, "endTime": 8.25, "body": "show. And Travis"}
    ]}"""
    assert lines(parse_json_transcript(data)) == [
        (0, 4800, "Alban", "It is so stinking nice to like, show up"),
        (4800, 8250, "Alban", "show. And Travis"),
    ]


def test_json_long_runs_of_words_are_cut_into_lines() -> None:
    words = ",".join(
        f'{{"startTime": {i * 0.3:.1f}, "body": "{"word." if i % 15 == 14 else "word"}"}}'
        for i in range(200)
    )
    t = parse_json_transcript(f'{{"segments": [{words}]}}'.encode())
    assert all(len(c.text) <= jsonformat._HARD_LINE + 10 for c in t.cues)
    assert len(t.cues) > 5
    assert " ".join(c.text for c in t.cues).split() == [
        "word." if i % 15 == 14 else "word" for i in range(200)
    ]


def test_json_tolerates_strings_bare_lists_and_bad_segments() -> None:
    data = b"""[{"startTime": "1.5", "endTime": "2", "body": "one"},
        {"startTime": true, "body": "bool is no time"}, {"startTime": -1, "body": "neg"},
        "junk", {"startTime": 3, "body": 42},
        {"startTime": 4, "body": "two words", "speaker": 7}]"""
    assert lines(parse_json_transcript(data)) == [
        (1500, 2000, None, "one"),
        (4000, None, None, "two words"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"chapters": []}', "segments"),
        (b'{"segments": {"a": 1}}', "not a list"),
        (b'{"segments": [{"body": "no start"}]}', "start time"),
        (b"[" * 100_000, "JSON"),
        (b"42", "segments"),
    ],
)
def test_json_errors(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_transcript(data, content_type="application/json")


def test_json_empty_documents_are_empty() -> None:
    for data in (b"", b"{}", b'{"version": "1.0.0", "segments": []}'):
        assert parse_json_transcript(data).cues == ()


# --------------------------------------------------------------------------------------------
# HTML and text


def test_html_cites_and_paragraphs_untimed() -> None:
    data = b"""<html><body><cite>Alban :</cite> <time>0:00</time>
        <p>It&#39;s <b>so</b> nice</p><time>0:30</time><p>Still Alban</p>
        <cite>Kevin:</cite><time>0:42</time><p>Hi</p></body></html>"""
    t = parse_html_transcript(data)
    assert not t.timed
    assert lines(t) == [
        (None, None, "Alban", "It's so nice"),
        (None, None, "Alban", "Still Alban"),
        (None, None, "Kevin", "Hi"),
    ]


def test_html_without_paragraphs_and_plain_text() -> None:
    html = parse_html_transcript(b"<div>Ann: One</div><div>Two</div>")
    assert lines(html) == [(None, None, "Ann", "One"), (None, None, None, "Two")]
    text = parse_text_transcript(b"Ann: Hello\nthere.\n\n\nBob: Hi.\n")
    assert lines(text) == [(None, None, "Ann", "Hello there."), (None, None, "Bob", "Hi.")]


# --------------------------------------------------------------------------------------------
# Format sniffing and bounds


@pytest.mark.parametrize(
    ("data", "content_type", "name", "fmt"),
    [
        (b"WEBVTT\n", "text/plain", None, "vtt"),
        (b'{"segments": []}', "text/html", None, "json"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nx", "text/plain", None, "srt"),
        (b"00:01.000 --> 00:02.000\nx", "text/vtt", None, "vtt"),
        (b"<cite>A:</cite><p>x</p>", "text/plain", None, "html"),
        (b"just words", None, "t.html", "html"),
        (b"just words", "application/x-subrip", None, "srt"),
        (b"just words", None, None, "text"),
    ],
)
def test_content_decides_before_the_label(
    data: bytes, content_type: str | None, name: str | None, fmt: str
) -> None:
    assert sniff_format(data, content_type=content_type, name=name) == fmt


def test_too_large_is_refused_before_reading() -> None:
    with pytest.raises(ParseError, match="too large"):
        parse_transcript(b"WEBVTT\n" + b" " * MAX_BYTES)


def test_cue_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timedtext, "MAX_ENTRIES", 10)
    monkeypatch.setattr(jsonformat, "MAX_ENTRIES", 10)
    monkeypatch.setattr(untimed, "MAX_ENTRIES", 10)
    cues = "".join(f"00:00:{i:02d}.000 --> 00:00:{i:02d}.500\nline {i}\n\n" for i in range(11))
    with pytest.raises(ParseError, match="more than 10 cues"):
        parse_vtt(f"WEBVTT\n\n{cues}".encode())
    segments = ",".join(f'{{"startTime": {i}, "body": "w"}}' for i in range(11))
    with pytest.raises(ParseError, match="more than 10 segments"):
        parse_json_transcript(f'{{"segments": [{segments}]}}'.encode())
    with pytest.raises(ParseError, match="more than 10 paragraphs"):
        parse_text_transcript("\n\n".join("p" for _ in range(12)).encode())


def test_long_lines_are_cut() -> None:
    data = b"WEBVTT\n\n00:01.000 --> 00:02.000\n" + b"word " * 50_000 + b"\n" + b"-->" * 1000
    (cue,) = parse_vtt(data).cues
    assert len(cue.text) == model.MAX_TEXT and cue.text.endswith("…")


# --------------------------------------------------------------------------------------------
# Choosing among an item's transcripts

Ref = namedtuple("Ref", "url type language rel", defaults=(None, None))


def test_timed_formats_first_then_language_then_feed_order() -> None:
    refs = [
        Ref("notes.html", "text/html", "en"),
        Ref("es.vtt", "text/vtt", "es", "captions"),
        Ref("en.json", "application/json", "en"),
        Ref("en.srt", "application/x-subrip", "en"),
        Ref("doc.pdf", "application/pdf", "en"),
        Ref("bare.vtt", "text/vtt; charset=utf-8"),
    ]
    assert [r.url for r in ranked_transcripts(refs, ["en-US"])] == [
        "en.json",
        "en.srt",
        "bare.vtt",
        "es.vtt",
        "notes.html",
    ]
    assert choose_transcript(refs, ["es"]).url == "es.vtt"
    assert choose_transcript(refs, ["es"], feed_language="es").url == "es.vtt"
    assert choose_transcript(refs, ["fr"], feed_language="fr").url == "bare.vtt"
    assert choose_transcript(refs).url == "es.vtt"  # no wish: the feed's first timed one
    assert choose_transcript([Ref("x.pdf", "application/pdf")]) is None
    assert transcript_languages(refs) == ["en", "es"]


# --------------------------------------------------------------------------------------------
# Chapters from the transcript


def _cue(start_s: float, end_s: float, text: str, speaker: str | None = None) -> Cue:
    return Cue(round(start_s * 1000), round(end_s * 1000), text, speaker)


def test_turn_runs_make_chapters_and_interjections_do_not() -> None:
    cues = (
        _cue(5, 40, "Welcome to the show, today we talk about caching", "Ann"),
        _cue(40, 90, "and why it is hard.", "Ann"),
        _cue(90, 91, "Yeah.", "Bob"),  # an interjection
        _cue(91, 130, "So, back to caching.", "Ann"),
        _cue(130, 200, "Thanks Ann, I have worked on caches for ten years now", "Bob"),
        _cue(200, 210, "Right, short answer.", "Ann"),  # a short turn stays in Bob's chapter
        _cue(210, 260, "and there is more.", "Bob"),
    )
    chapters = chapters_from_transcript(Transcript(cues, "vtt"))
    assert [(c.start_ms, c.title, c.source) for c in chapters] == [
        (0, "Ann: Welcome to the show, today we talk about…", "transcript"),
        (130_000, "Bob: Thanks Ann, I have worked on caches for…", "transcript"),
    ]


def test_silences_make_chapters_for_one_voice() -> None:
    cues = (
        _cue(0, 50, "First story about podcasts", "SPEAKER_1"),
        _cue(50.5, 70, "still the first story"),
        _cue(74, 120, "Second story: a new app"),  # 4 s of silence before it
        _cue(123, 130, "A short third"),  # silence, but under a minute after the second
        _cue(190, 200, "Goodbye"),
    )
    chapters = chapters_from_transcript(Transcript(cues, "vtt"))
    assert [(c.start_ms, c.title) for c in chapters] == [
        (0, "First story about podcasts still the first story"),
        (74_000, "Second story: a new app A short third"),
        (190_000, "Goodbye"),
    ]


def test_no_chapters_from_untimed_or_uniform_transcripts() -> None:
    untimed_t = Transcript((Cue(None, None, "a"), Cue(None, None, "b")), "html")
    assert chapters_from_transcript(untimed_t) == ()
    assert chapters_from_transcript(Transcript((), "vtt")) == ()
    steady = tuple(_cue(i, i + 1, f"line {i}") for i in range(600))
    assert chapters_from_transcript(Transcript(steady, "vtt")) == ()


# --------------------------------------------------------------------------------------------
# Writers


T = Transcript(
    (
        Cue(0, 2500, "Tom & Jerry <3", "Ann"),
        Cue(2500, None, "more", "Ann"),
        Cue(4_000_000, None, "last", "Bob"),
    ),
    "json",
)


def test_vtt_and_srt_writers() -> None:
    assert write_transcript(T, "vtt") == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n<v Ann>Tom &amp; Jerry &lt;3\n\n"
        "00:00:02.500 --> 01:06:40.000\n<v Ann>more\n\n"
        "01:06:40.000 --> 01:06:45.000\n<v Bob>last\n"
    )
    assert write_transcript(T, "srt") == (
        "1\n00:00:00,000 --> 00:00:02,500\nAnn: Tom & Jerry <3\n\n"
        "2\n00:00:02,500 --> 01:06:40,000\nmore\n\n"
        "3\n01:06:40,000 --> 01:06:45,000\nBob: last\n\n"
    )


def test_json_and_text_writers() -> None:
    assert parse_json_transcript(write_transcript(T, "json").encode()).cues[-1] == Cue(
        4_000_000, 4_005_000, "last", "Bob"
    )
    assert write_transcript(T, "text") == (
        "0:00  Ann: Tom & Jerry <3\n0:02  Ann: more\n1:06:40  Bob: last\n"
    )


def test_writers_refuse_what_they_cannot_write() -> None:
    untimed_t = Transcript((Cue(None, None, "words", "Ann"),), "html")
    assert write_transcript(untimed_t, "text") == "Ann: words\n"
    with pytest.raises(PodplayerError, match="no times"):
        write_transcript(untimed_t, "srt")
    with pytest.raises(PodplayerError, match="not a transcript format"):
        write_transcript(T, "docx")


def test_load_transcript_tries_the_ranked_refs_in_turn() -> None:
    from podplayer.core.errors import FetchError
    from podplayer.core.fetch import Response
    from podplayer.core.transcripts.load import load_transcript

    asked: list[str] = []

    def fetcher(url: str) -> Response:
        asked.append(url)
        if url.endswith("gone.vtt"):
            raise FetchError("404")
        if url.endswith("bad.json"):
            return Response(url, "application/json", b"{not json")
        return Response(url, "text/html", b"<cite>Ann:</cite><p>Hello</p>")

    refs = [
        Ref("https://e/t.html", "text/html"),
        Ref("https://e/bad.json", "application/json"),
        Ref("https://e/gone.vtt", "text/vtt"),
    ]
    ref, transcript = load_transcript(refs, fetcher=fetcher)
    assert asked == ["https://e/bad.json", "https://e/gone.vtt", "https://e/t.html"]
    assert ref.url == "https://e/t.html" and transcript.speakers == ("Ann",)
    with pytest.raises(ParseError, match="could be read: This transcript is not valid JSON"):
        load_transcript(refs[1:], fetcher=fetcher)
    with pytest.raises(ParseError, match="no transcript podplayer can read"):
        load_transcript([Ref("https://e/x.pdf", "application/pdf")], fetcher=fetcher)

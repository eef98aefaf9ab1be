"""Crafted show notes, JSON and feeds through the real commands end in one line of words.

The inputs are made by tests/data/hostile/make_hostile.py (or committed there when small); the
readers run in a child process under ``RLIMIT_AS`` (see bounded.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bounded import HOSTILE, run_bounded

pytestmark = pytest.mark.timeout(60)


def test_a_url_ending_in_many_closing_brackets_is_read_in_linear_time() -> None:
    outcome = run_bounded(
        """
        from podplayer.core.notes import parse_shownotes
        import make_hostile
        notes = make_hostile.notes_closing_brackets().decode()
        return [link.url for link in parse_shownotes(notes).links]
        """
    )
    assert outcome == {"value": ["https://example.com/"]}, outcome


def test_lone_surrogates_in_json_chapters_and_transcripts_become_writable_text() -> None:
    outcome = run_bounded(
        f"""
        from podplayer.core.chapters.jsonchapters import parse_json_chapters
        from podplayer.core.transcripts import write_transcript
        from podplayer.core.transcripts.jsonformat import parse_json_transcript
        data = open({str(HOSTILE / "json-lone-surrogates.json")!r}, "rb").read()
        titles = [chapter.title for chapter in parse_json_chapters(data)]
        transcript = parse_json_transcript(data)
        for form in ("text", "vtt", "srt", "json"):
            write_transcript(transcript, form).encode("utf-8")
        return titles + [transcript.cues[0].speaker, transcript.cues[0].text]
        """
    )
    assert outcome == {"value": ["a\ufffdb", "\ufffdS", "a\ufffdb"]}, outcome


def test_a_feed_in_an_unknown_encoding_prints_one_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="x-foo"?><rss version="2.0"><channel><title>T</title>'
        "</channel></rss>"
    )
    env = {k: v for k, v in os.environ.items() if k != "PODPLAYER_LOG"}
    done = subprocess.run(
        [sys.executable, "-m", "podplayer", "parse", "--json", str(feed)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("podplayer: This is not a podcast feed") and "x-foo" in line, line


#: Words of the libraries underneath, which mean nothing to a listener.
INTERNAL = ("b'", "unpack", "atom", "MPEG", "Errno", "buffer", "bytes, read", "Error", "sys.")


def test_damaged_audio_is_refused_in_the_listeners_words(tmp_path: Path) -> None:
    outcome = run_bounded(
        f"""
        from pathlib import Path
        from podplayer.core import sources
        from podplayer.core.errors import PodplayerError
        import make_hostile
        said = {{}}
        for name, data in make_hostile.damaged_audio().items():
            path = Path({str(tmp_path)!r}) / name
            path.write_bytes(data)
            try:
                said[name] = len(sources.load(str(path)).episodes)
            except PodplayerError as exc:
                said[name] = str(exc)
        return said
        """
    )
    said = outcome["value"]
    assert len(said) == 21, said
    for name, message in said.items():
        assert isinstance(message, int) or not any(word in message for word in INTERNAL), name


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"chapters":[{"startTime":' + b"9" * 5000 + b"}]}", "a number too long"),
        (b'{"chapters":' + b"[" * 100_000, "nests too deeply"),
        (b'{"chapters":[}', "line 1, column 14"),
    ],
    ids=["5000-digits", "100000-deep", "syntax"],
)
def test_json_chapters_that_are_not_json_say_why_in_words(data: bytes, reason: str) -> None:
    outcome = run_bounded(
        f"""
        from podplayer.core.chapters.jsonchapters import parse_json_chapters
        from podplayer.core.transcripts.jsonformat import parse_json_transcript
        said = []
        for parse in (parse_json_chapters, parse_json_transcript):
            try:
                parse({data!r})
            except Exception as exc:
                said.append(f"{{type(exc).__name__}}: {{exc}}")
        return said
        """
    )
    for message in outcome["value"]:
        assert message.startswith("ParseError: ") and reason in message, outcome
        assert "sys." not in message and "unicode" not in message, outcome


def test_a_home_folder_that_is_a_file_is_told_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")  # once a NotADirectoryError traceback
    env = dict(os.environ, PODPLAYER_HOME=str(home))
    for command in (["import", str(tmp_path / "feed.xml")], ["search", "x"]):
        done = subprocess.run(
            [sys.executable, "-m", "podplayer", *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [
            f"podplayer: podplayer's folder {home / 'data'} can't be used: Not a directory"
        ]


def test_a_library_path_that_is_a_folder_is_told_in_words(tmp_path: Path) -> None:
    from podplayer.core.errors import LibraryError
    from podplayer.core.library import open_library

    folder = tmp_path / "library.sqlite"
    folder.mkdir()
    with pytest.raises(LibraryError, match="is a folder"):
        open_library(folder)
    assert folder.is_dir()

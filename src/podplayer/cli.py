"""Headless subcommands: parse, chapters, play, search, import. No Qt import at module level."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podplayer import __version__
from podplayer.core import export, sources
from podplayer.core.errors import FetchError, LibraryError, ParseError, PodplayerError
from podplayer.core.fetch import is_web_url
from podplayer.core.model import Episode, Podcast
from podplayer.core.paths import AppPaths, app_paths
from podplayer.core.timecode import format_ms, seconds
from podplayer.core.transcripts.writers import WRITERS

if TYPE_CHECKING:
    from podplayer.core.library import Library

COMMANDS = frozenset({"parse", "chapters", "play", "search", "import", "transcript"})


def podcast_json(podcast: Podcast) -> dict[str, Any]:
    """The ``parse --json`` contract of DESIGN.md: seconds, not milliseconds."""
    return {
        "podcast": {"title": podcast.title, "description": podcast.description},
        "episodes": [
            {
                "number": ep.number,
                "title": ep.title,
                "audio": ep.audio,
                "duration": seconds(ep.duration_ms),
                "chapters": [{"start": seconds(c.start_ms), "title": c.title} for c in ep.chapters],
                "links": [{"label": link.label, "url": link.url} for link in ep.links],
            }
            for ep in podcast.episodes
        ],
    }


def _print_text(podcast: Podcast) -> None:
    print(podcast.title)
    for ep in podcast.episodes:
        number = f"{ep.number}: " if ep.number is not None else ""
        print(f"\n{number}{ep.title}")
        for chapter in ep.chapters:
            print(f"  {format_ms(chapter.start_ms, always_hours=True)}  {chapter.title}")
        for link in ep.links:
            label = "" if link.label == link.url else f"{link.label}: "
            print(f"  - {label}{link.url}")


def _cmd_parse(args: argparse.Namespace) -> int:
    podcast = sources.load(args.source)
    if args.json:
        json.dump(podcast_json(podcast), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_text(podcast)
    return 0


def _pick_episode(podcast: Podcast, number: int | None, source: str) -> Episode:
    """The episode numbered ``number``, or the first one. Raises ParseError."""
    if not podcast.episodes:
        raise ParseError(f"“{source}” holds no episodes")
    if number is None:
        return podcast.episodes[0]
    for episode in podcast.episodes:
        if episode.number == number:
            return episode
    numbers = [str(ep.number) for ep in podcast.episodes if ep.number is not None]
    known = (
        f"its episode numbers are {', '.join(numbers)}"
        if numbers
        else "its episodes have no numbers"
    )
    raise ParseError(f"“{source}” has no episode {number}; {known}")


def _cmd_chapters(args: argparse.Namespace) -> int:
    episode = _pick_episode(sources.load(args.source), args.episode, args.source)
    if not episode.chapters:
        raise ParseError(f"“{episode.title}” in “{args.source}” has no chapters")
    text = export.export(
        episode.chapters, args.format, title=episode.title, duration_ms=episode.duration_ms
    )
    sys.stdout.write(text)
    return 0


def _cmd_transcript(args: argparse.Namespace) -> int:
    from podplayer.core.transcripts import write_transcript
    from podplayer.core.transcripts.load import load_transcript

    episode = _pick_episode(sources.load(args.source), args.episode, args.source)
    if not episode.transcripts:
        raise ParseError(f"“{episode.title}” in “{args.source}” has no transcript")
    try:
        _, transcript = load_transcript(
            episode.transcripts, [args.language] if args.language else []
        )
    except ParseError as exc:
        raise ParseError(f"“{episode.title}”: {exc}") from None
    sys.stdout.write(write_transcript(transcript, args.format))
    return 0


def _cmd_play(args: argparse.Namespace) -> int:
    from podplayer.core.timecode import parse as parse_time
    from podplayer.playback.headless import run_play  # Qt and libVLC only when asked

    at_ms = parse_time(args.at) if args.at is not None else None
    chapters = None
    if not is_web_url(args.source) and Path(args.source).is_file():
        try:
            chapters = sources.audio_episode(Path(args.source)).episodes[0].chapters
        except PodplayerError:
            chapters = ()  # the player says what is wrong with the file
    return int(
        run_play(
            args.source,
            args.chapter,
            at_ms,
            args.seconds,
            args.output,
            chapters=chapters,
            speed=args.speed,
        )
    )


def _open_library() -> Library:
    from podplayer.core.library import FILE_NAME, open_library

    paths = _folders()
    library, message = open_library(paths.data_dir / FILE_NAME)
    if message:
        print(f"podplayer: {message}", file=sys.stderr)
    return library


def _cmd_search(args: argparse.Namespace) -> int:
    with _open_library() as library:
        hits = library.search(args.text, limit=args.limit)
    if args.json:
        rows = [
            {
                "podcast": hit.podcast,
                "episode": hit.episode,
                "chapter": hit.chapter,
                "start": seconds(hit.start_ms),
            }
            for hit in hits
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not hits:
        print(f"Nothing found for “{args.text}”.")
    for hit in hits:
        where = ""
        if hit.chapter is not None:
            where = f"  [{format_ms(hit.start_ms or 0)}] {hit.chapter}"
        elif hit.line is not None:
            # Words said in the episode: when, and the transcript's line.
            where = f"  [{format_ms(hit.start_ms or 0)}] “{hit.line}”"
        print(f"{hit.podcast} — {hit.episode}{where}")
    return 0


def _import_one(library: Library, source: str) -> str:
    """Adds one source to the library and says what was added. Raises PodplayerError."""
    from podplayer.core.refresh import refresh_feed

    source = sources.normalize(source)
    if is_web_url(source):
        result = refresh_feed(library, source)
        if result.choices:
            listed = "; ".join(f"{c.title or c.type}: {c.url}" for c in result.choices)
            raise ParseError(f"{result.error} Nothing was added. Its feeds: {listed}")
        if (
            not result.ok
            and not result.subscribed
            and "Nothing was added" not in (result.error or "")
        ):
            raise FetchError(f"{result.error} Nothing was added.")
        if not result.ok:
            raise FetchError(result.error or f"Could not subscribe to {source}")
        added = "" if result.url == source else f" (the feed {result.url} named by the page)"
        return f"subscribed to {result.title or result.url}{added}"
    path = Path(source).expanduser()
    if sources.classify_path(path) is sources.Kind.OPML:
        return _import_opml(library, path)
    podcast = sources.load(source)
    library.add_podcast(podcast)
    count = len(podcast.episodes)
    return f"added {podcast.title} ({count} episode{'' if count == 1 else 's'})"


def _import_opml(library: Library, path: Path) -> str:
    from podplayer.core.opml import read_opml
    from podplayer.core.refresh import subscribe_all

    subscriptions = read_opml(path.read_bytes())
    results = subscribe_all(library, subscriptions)
    failing = [r for r in results if not r.ok]
    note = ""
    if failing:
        note = (
            f"; {len(failing)} of them failing today (kept, retried at every refresh): "
            + "; ".join(f"{r.url}: {r.error}" for r in failing[:10])
        )
    return f"subscribed to {len(results)} feeds from {path.name}{note}"


def _folders() -> AppPaths:
    """The app's folders, created; LibraryError in words when they can't be."""
    paths = app_paths()
    try:
        return paths.ensure()
    except OSError as exc:
        reason = exc.strerror or "it can't be created"
        raise LibraryError(
            f"podplayer's folder {exc.filename or paths.data_dir} can't be used: {reason}"
        ) from None


def _cmd_import(args: argparse.Namespace) -> int:
    from podplayer.desktop.lock import IMPORT, LOCK_NAME, LibraryLock

    # One writer per library: the running window (or another import) holds this lock.
    lock = LibraryLock(_folders().data_dir / LOCK_NAME, IMPORT)
    if not lock.acquire():
        raise LibraryError(lock.busy_message())
    try:
        return _import_all(args.sources)
    finally:
        lock.release()


def _import_all(items: list[str]) -> int:
    status = 0
    with _open_library() as library:
        if library.read_only:
            return 2  # _open_library has said why in words: nothing can be added
        for source in items:
            try:
                print(f"{source}: {_import_one(library, source)}")
            except PodplayerError as exc:
                print(f"podplayer: {source}: {exc}", file=sys.stderr)
                status = 2
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="podplayer", description="A chapter player for podcasts.")
    parser.add_argument("--version", action="version", version=f"podplayer {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="print the episodes, chapters and links of a source")
    parse.add_argument(
        "source",
        help="a podcast page, show-notes file, feed, JSON chapters or audio file; or its URL",
    )
    parse.add_argument("--json", action="store_true", help="print JSON")
    parse.set_defaults(func=_cmd_parse)
    chapters = sub.add_parser("chapters", help="print an episode's chapters in an export format")
    chapters.add_argument(
        "source",
        help="a podcast page, show-notes file, feed, JSON chapters or audio file; or its URL",
    )
    chapters.add_argument(
        "--format",
        choices=tuple(export.FORMATS),
        default="text",
        help="Podcast 2.0 JSON, Podlove Simple Chapters XML, “00:00:06 Intro” lines (the "
        "default) or an ffmpeg FFMETADATA1 file",
    )
    chapters.add_argument(
        "--episode",
        type=int,
        metavar="N",
        help="the episode numbered N (as `parse` shows it, not its place in the list); "
        "default: the first episode",
    )
    chapters.set_defaults(func=_cmd_chapters)
    transcript = sub.add_parser("transcript", help="print an episode's transcript")
    transcript.add_argument("source", help="a feed, or its URL, whose items name transcripts")
    transcript.add_argument(
        "--episode",
        type=int,
        metavar="N",
        help="the episode numbered N (as `parse` shows it); default: the first episode",
    )
    transcript.add_argument(
        "--format",
        choices=tuple(WRITERS),
        default="text",
        help="“0:05  Speaker: words” lines (the default), WebVTT, SRT or Podcasting 2.0 JSON",
    )
    transcript.add_argument(
        "--language",
        metavar="TAG",
        help="prefer the transcript in this language (en, pt-BR...); timed ones still come first",
    )
    transcript.set_defaults(func=_cmd_transcript)
    play = sub.add_parser("play", help="play an audio file or URL without a window")
    play.add_argument("source", help="an audio file or an http(s) URL")
    where = play.add_mutually_exclusive_group()
    where.add_argument(
        "--chapter", type=int, metavar="N", help="start at chapter N (1 is the first)"
    )
    where.add_argument("--at", metavar="TIME", help="start at TIME (1:02:03, 75:12 or seconds)")
    play.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds of audio")
    play.add_argument(
        "--speed", type=float, default=1.0, metavar="X", help="play at X times (0.5 to 3)"
    )
    play.add_argument(
        "--output", type=Path, metavar="FILE.wav", help="write the audio to a WAV file"
    )
    play.set_defaults(func=_cmd_play)
    search = sub.add_parser("search", help="search titles, chapters and show notes in the library")
    search.add_argument("text")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--limit", type=int, default=50, help="at most this many hits")
    search.set_defaults(func=_cmd_search)
    imp = sub.add_parser("import", help="add feeds, OPML, show-notes or audio files to the library")
    imp.add_argument("sources", nargs="+", metavar="SOURCE")
    imp.set_defaults(func=_cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; exit status 2 with a one-line message for input that can't be used."""
    args = build_parser().parse_args(argv)
    # The one line below is the message; what core logs on the way (a parser's traceback, a
    # skipped list) shows with PODPLAYER_LOG=warning, as in the window.
    logging.basicConfig(
        level=os.environ.get("PODPLAYER_LOG", "ERROR").upper(),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except PodplayerError as exc:
        print(f"podplayer: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0

"""Parse a generated 3,000-item podcast feed with our reader and with feedparser, same bytes.

Each item carries realistic HTML show notes with timestamps (content:encoded) and a plain
description, so every parser does its real work: ours includes the show-notes engine that finds
chapters and links. Fair: every parser gets the same warm-up parse, the runs alternate between
them, the median is quoted, and a cold whole-process figure (imports included) is printed
beside it; podcastparser is printed beside feedparser. Last, a refresh of a changed feed: parse
and store over the stored one.
Targets: our reader at least 5x faster than feedparser; the refresh under 1 s.

    .venv/bin/python bench/bench_feeds.py [--items 3000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from podplayer.core.feeds import parse_feed

TOPICS = [
    "Intro", "Who is Steve?", "What are Jupyter and Bento?", "Python 3 Faster Coroutines",
    "Meta Open Source 101", "Why invest in tomorrow's problems?", "Stack", "Challenges",
    "What's next?", "Do we need DevX metrics in an AI world?", "Outtakes", "Outro",
]  # fmt: skip
LINKS = [
    ("Caddy", "https://engineering.fb.com/2024/07/18/virtual-reality/caddy-cad-mixed-reality/"),
    ("Fizz TLS implementation", "https://github.com/facebookincubator/fizz"),
    ("Lazy is the new fast", "https://engineering.fb.com/2024/01/18/developer-tools/lazy-imports/"),
    ("Cinder on GitHub", "https://github.com/facebookincubator/cinder"),
]
PROSE = (
    "In this episode our host talks with two engineers about how their team ships tools to "
    "thousands of developers every day, what broke on the way, and what they would do again. "
)


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _notes(rng: random.Random, duration: int) -> str:
    count = rng.randint(4, len(TOPICS))
    starts = sorted(rng.sample(range(30, duration - 60), count - 1))
    lines = [
        f"<li>{_clock(s)} {escape(t)}</li>" for s, t in zip([0, *starts], TOPICS, strict=False)
    ]
    links = "".join(
        f'<li><a href="{url}">{escape(label)}</a></li>' for label, url in rng.sample(LINKS, 2)
    )
    return (
        f"<p>{escape(PROSE * rng.randint(1, 3))}</p><p><strong>Chapters</strong></p>"
        f"<ul>{''.join(lines)}</ul><p>Links:</p><ul>{links}</ul>"
    )


def generate_feed(items: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, 9, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        "<title>Benchmark Cast</title><link>https://example.com/</link>"
        "<description>A generated feed for the benchmark.</description>\n"
        '<itunes:image href="https://example.com/cover.jpg"/>\n'
    ]
    for n in range(items, 0, -1):
        duration = rng.randint(20 * 60, 90 * 60)
        published = format_datetime(start + timedelta(days=n))
        notes = _notes(rng, duration)
        parts.append(
            f"<item><title>{n}: {escape(rng.choice(TOPICS))} and more</title>"
            f'<guid isPermaLink="false">bench-{n}</guid><pubDate>{published}</pubDate>'
            f"<itunes:episode>{n}</itunes:episode><itunes:duration>{_clock(duration)}"
            f"</itunes:duration>"
            f'<enclosure url="https://cdn.example.com/ep{n}.mp3" length="{duration * 16000}" '
            f'type="audio/mpeg"/><description>{escape(PROSE)}</description>'
            f"<content:encoded><![CDATA[{notes}]]></content:encoded></item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


PARSERS = ("podplayer", "podplayer, no show notes", "podcastparser", "feedparser")
URL = "https://example.com/feed.xml"


def _parser(name: str) -> Callable[[bytes], object] | None:
    """The parse function of one contender (None when it is not installed)."""
    if name == "podplayer":
        return lambda data: parse_feed(data, URL)
    if name == "podplayer, no show notes":
        return lambda data: parse_feed(data, URL, shownotes=False)
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    if name == "podcastparser":
        return lambda data: module.parse(URL, io.BytesIO(data))
    parse: Callable[[bytes], object] = module.parse
    return parse


def warm_medians(data: bytes, names: list[str], repeat: int) -> dict[str, float]:
    """Median seconds per parse: every contender warmed up once the same way, then the runs
    alternate (a, b, c, a, b, c, ...) so that load on the machine falls on all of them."""
    parsers = {name: fn for name in names if (fn := _parser(name)) is not None}
    for fn in parsers.values():
        fn(data)
    times: dict[str, list[float]] = {name: [] for name in parsers}
    for _ in range(repeat):
        for name, fn in parsers.items():
            began = time.perf_counter()
            fn(data)
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(runs) for name, runs in times.items()}


_COLD = """
import sys, time
began = time.perf_counter()
from bench_feeds import _parser
fn = _parser(sys.argv[1])
data = open(sys.argv[2], "rb").read()
fn(data)
print(time.perf_counter() - began)
"""


def cold_seconds(path: Path, name: str) -> float | None:
    """One parse in a new process, imports included (what a first refresh costs)."""
    if _parser(name) is None:
        return None
    done = subprocess.run(
        [sys.executable, "-c", _COLD, name, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    return float(done.stdout.strip())


def refresh_seconds(items: int, repeat: int) -> float:
    """Median of: parse a changed feed and store it over the stored one (one refresh)."""
    from podplayer.core.library import Library

    runs = []
    with (
        tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp,
        Library(Path(tmp) / "library.sqlite") as library,
    ):
        library.add_podcast(parse_feed(generate_feed(items, seed=1), URL))
        for seed in range(2, 2 + repeat):
            changed = generate_feed(items, seed=seed)
            began = time.perf_counter()
            library.add_podcast(parse_feed(changed, URL))
            runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = generate_feed(args.items)
    podcast = parse_feed(data, URL)
    chapters = statistics.mean(len(e.chapters) for e in podcast.episodes)
    assert len(podcast.episodes) == args.items
    print(f"feed: {args.items} items, {len(data) / 1e6:.1f} MB, {chapters:.1f} chapters per item")
    medians = warm_medians(data, list(PARSERS), args.repeat)
    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        path = Path(tmp) / "feed.xml"
        path.write_bytes(data)
        cold = {name: cold_seconds(path, name) for name in medians}
    print(f"{'parser':<26} {'warm median':>12} {'cold process':>13}   ({args.repeat} runs each)")
    for name, seconds in medians.items():
        print(f"{name:<26} {seconds:10.3f} s {cold[name] or 0:11.3f} s")
    ours = medians["podplayer"]
    for other in ("feedparser", "podcastparser"):
        if other in medians:
            theirs, cold_theirs = medians[other], cold[other] or 0
            print(
                f"{other} takes {theirs / ours:.1f}x podplayer's time warm, "
                f"{cold_theirs / (cold['podplayer'] or 1):.1f}x cold"
                + ("  (target >= 5x warm)" if other == "feedparser" else "")
            )
    if "podcastparser" in medians:
        bare = medians["podcastparser"] / medians["podplayer, no show notes"]
        print(
            f"reader alone (no show notes) vs podcastparser: {bare:.1f}x "
            "faster; the rest of podplayer's time is the show-notes engine"
        )
    refresh = refresh_seconds(args.items, 3)
    verdict = "ok" if refresh < 1 else "MISSED"
    print(f"refresh of a changed {args.items}-item feed (parse + store): {refresh:.3f} s "
          f"(median of 3; target < 1 s) {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()

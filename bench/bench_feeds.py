"""Parse a generated 3,000-item podcast feed with our reader and with feedparser, same bytes.

Each item carries realistic HTML show notes with timestamps (content:encoded) and a plain
description, so both parsers do their real work: ours includes the show-notes engine that finds
chapters and links. Prints items per second for each and the ratio.
Targets: our reader at least 5x faster than feedparser, and under 1 s.

    .venv/bin/python bench/bench_feeds.py [--items 3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

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


def _best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = generate_feed(args.items)
    podcast = parse_feed(data, "https://example.com/feed.xml")
    chapters = statistics.mean(len(e.chapters) for e in podcast.episodes)
    assert len(podcast.episodes) == args.items
    ours = _best(lambda: parse_feed(data, "https://example.com/feed.xml"), args.repeat)
    listing = _best(
        lambda: parse_feed(data, "https://example.com/feed.xml", shownotes=False), args.repeat
    )
    try:
        import feedparser
    except ImportError:
        print("feedparser is not installed (pip install -e '.[test]'); only our reader measured")
        theirs = None
    else:
        theirs = _best(lambda: feedparser.parse(data), args.repeat)
    print(f"feed: {args.items} items, {len(data) / 1e6:.1f} MB, {chapters:.1f} chapters per item")
    print(f"podplayer : {ours:.3f} s  {args.items / ours:9.0f} items/s  (target < 1 s)")
    print(
        f"  without the show-notes engine (shownotes=False): {listing:.3f} s  "
        f"{args.items / listing:9.0f} items/s"
    )
    if theirs is not None:
        print(f"feedparser: {theirs:.3f} s  {args.items / theirs:9.0f} items/s")
        print(
            f"ratio     : {theirs / ours:.1f}x faster than feedparser (target >= 5x); "
            f"{theirs / listing:.1f}x without show notes (feedparser finds no chapters)"
        )


if __name__ == "__main__":
    main()

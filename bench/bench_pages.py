"""Parse a generated podcast page of 10,000 episodes in the seed's layout.

Prints episodes per second and peak memory. Target: under 1 s for 10,000 episodes.

    .venv/bin/python bench/bench_pages.py [--episodes 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
import tracemalloc

from podplayer.core.pages import parse_page

TOPICS = [
    "Intro", "Who is Steve?", "What are Jupyter and Bento?", "Python 3 Faster Coroutines",
    "Meta Open Source 101", "Why invest in tomorrow's problems?", "Intro: Cameron", "Stack",
    "Challenges", "What's next?", "Do we need DevX metrics in an AI software engineering world?",
    "Outtakes", "Outro",
]  # fmt: skip
LINKS = [
    "Caddy: https://engineering.fb.com/2024/07/18/virtual-reality/caddy-cad-mixed-reality-mr-meta/",
    "Fizz TLS implementation: https://github.com/facebookincubator/fizz",
    "“Lazy is the new fast: How Lazy Imports help” - https://engineering.fb.com/2024/01/18/lazy/",
    "Cinder on GitHub - https://github.com/facebookincubator/cinder",
]
FEEDBACK = (
    "Got feedback? Send it to us on Threads (https://threads.net/@metatechpod), Twitter "
    "(https://twitter.com/metatechpod), Instagram (https://instagram.com/metatechpod) and don’t "
    "forget to follow our host @passy (https://twitter.com/passy, https://mastodon.social/@passy, "
    "and https://threads.net/@passy_). Fancy working with us? Check out https://www.metacareers.com/."
)


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def generate_page(episodes: int, seed: int = 1) -> str:
    """A page like the seed: description, similar podcasts, then header + notes per episode."""
    rng = random.Random(seed)
    lines = ["Brought to you by Meta. A podcast about engineering.", "Similar Podcasts"]
    lines += ["Flutter 101 Podcast", "Weekly podcast focusing on Flutter and Dart."]
    for n in range(episodes, 0, -1):
        lines.append(f"{n}: Episode about {rng.choice(TOPICS)} number {n}")
        start, stamps = 6, []
        for _ in range(rng.randint(10, 20)):
            stamps.append(f"{rng.choice(TOPICS)} {_clock(start)}")
            start += rng.randint(40, 400)
        links = " ".join(rng.sample(LINKS, 3))
        lines.append(
            f"In this episode {rng.choice(TOPICS)} is discussed at length with guests. {FEEDBACK} "
            f"Links {links} Timestamps {' '.join(stamps)}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    page = generate_page(args.episodes)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        podcast = parse_page(page, name="bench.txt")
        times.append(time.perf_counter() - started)
    assert len(podcast.episodes) == args.episodes
    chapters = sum(len(ep.chapters) for ep in podcast.episodes)

    tracemalloc.start()
    parse_page(page, name="bench.txt")
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    best, median = min(times), statistics.median(times)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"page: {args.episodes} episodes, {len(page) / 1e6:.1f} MB, {chapters} chapters found")
    print(f"parse time: median {median:.3f} s, best {best:.3f} s over {args.repeat} runs")
    print(f"episodes per second: {args.episodes / median:,.0f}")
    print(f"peak memory: {traced_peak / 2**20:.0f} MB allocated by the parse (tracemalloc), ")
    print(f"             {rss_mb:.0f} MB peak resident for the whole process")
    target = "met" if median < 1.0 else "NOT met"
    print(f"target (10,000 episodes under 1 s): {target}")


if __name__ == "__main__":
    main()

"""Parse a generated podcast page of 10,000 episodes in the seed's layout.

Prints episodes per second and peak memory. Target: under 1 s for 10,000 episodes.
Also prints how much of the time the cyclic garbage collector took (the parse keeps every chapter
and link alive, and the previous run's result is still alive while the next one is timed) and
checks that the show-notes cache cannot flatter the figures: every episode's notes are distinct
and the cache is emptied before each timed run.

    .venv/bin/python bench/bench_pages.py [--episodes 10000] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import resource
import statistics
import time
import tracemalloc

from podplayer.core.notes import reader
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
    parser.add_argument(
        "--profile", action="store_true", help="also profile one parse and print the hot spots"
    )
    args = parser.parse_args()

    page = generate_page(args.episodes)
    gc_time = [0.0, 0.0]  # total, and the start of the collection under way
    full_collections = 0

    def on_gc(phase: str, info: dict[str, int]) -> None:
        nonlocal full_collections
        if phase == "start":
            gc_time[1] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - gc_time[1]
            full_collections += info["generation"] == 2

    times, gc_times = [], []
    hits = 0
    gc.callbacks.append(on_gc)
    for _ in range(args.repeat):
        reader._parse.cache_clear()
        gc_time[0] = 0.0
        started = time.perf_counter()
        podcast = parse_page(page, name="bench.txt")
        times.append(time.perf_counter() - started)
        gc_times.append(gc_time[0])
        hits += reader._parse.cache_info().hits
    gc.callbacks.remove(on_gc)
    assert len(podcast.episodes) == args.episodes
    chapters = sum(len(ep.chapters) for ep in podcast.episodes)
    distinct = len({ep.description for ep in podcast.episodes})

    tracemalloc.start()
    parse_page(page, name="bench.txt")
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    best, median = min(times), statistics.median(times)
    without_gc = [t - g for t, g in zip(times, gc_times, strict=True)]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"page: {args.episodes} episodes, {len(page) / 1e6:.1f} MB, {chapters} chapters found")
    print(f"parse time: median {median:.3f} s, best {best:.3f} s over {args.repeat} runs")
    print(
        f"  of which cyclic GC: median {statistics.median(gc_times):.3f} s "
        f"({full_collections / args.repeat:.1f} full collections per run); "
        f"without it: median {statistics.median(without_gc):.3f} s"
    )
    print(
        f"distinct episode notes: {distinct:,} of {args.episodes:,}; show-notes cache hits: {hits}"
    )
    print(f"episodes per second: {args.episodes / median:,.0f}")
    print(f"peak memory: {traced_peak / 2**20:.0f} MB allocated by the parse (tracemalloc), ")
    print(f"             {rss_mb:.0f} MB peak resident for the whole process")
    target = "met" if median < 1.0 else "NOT met"
    print(f"target (10,000 episodes under 1 s): {target}")

    if args.profile:
        reader._parse.cache_clear()
        profiler = cProfile.Profile()
        profiler.runcall(parse_page, page, name="bench.txt")
        print("\nhot spots of one parse (cProfile, by own time; profiling slows it down):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

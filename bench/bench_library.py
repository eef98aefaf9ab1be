"""Library benchmark on a generated library: 50 podcasts x 400 episodes x 10 chapters.

Prints each figure beside its target:
- search (titles, notes and every chapter: 200,000 chapters at the defaults) for one-letter,
  two- and three-letter prefixes, very common words, topic and rare words, several words and a
  word that is nowhere: median over all queries (target under 20 ms) and the slowest single
  run (target under 100 ms);
- with ``--transcripts N``: the same searches with a transcript of ``--cues`` lines (3,000 by
  default, a three-hour episode) cached on N episodes (1,000 for the issue's figure), every line
  in the full-text index;
- resident memory with the whole library loaded (target under 250 MB);
- import of a 1,000-feed OPML from a loopback server, a quarter failing: every feed subscribed;
- refresh of 50 feeds from a loopback server, changed and then unchanged (time; no target here:
  the window's 50 ms stall target is measured with the window).

Run: ``.venv/bin/python bench/bench_library.py [--podcasts 50 --episodes 400 --chapters 10]
[--transcripts 1000 --cues 3000]``.
Nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import itertools
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from podplayer.core.library import FILE_NAME, Library, open_library
from podplayer.core.model import Chapter, ChapterSource, Episode, Podcast, TranscriptRef
from podplayer.core.opml import Subscription, read_opml, write_opml
from podplayer.core.refresh import RefreshResult, refresh_feed, subscribe_all
from podplayer.core.timecode import format_ms
from podplayer.core.transcripts import Cue, Transcript

# Real show notes follow Zipf's law: a few words everywhere, most words rare. A handful of
# topic words ("cxx" among them) are sprinkled in at about one chapter title in a hundred.
_COMMON_TEXT = """the a and of to in is that it for on with as was this you we but are be at have
not from they or by one had what all were when there can an your which their said if do will
each about how up out them then she many some so these would other into has more her two like
him see time could no make than first been its who now people my made over did down only way
find use may water long little very after words called just where most know"""
_COMMON = _COMMON_TEXT.split()
_TOPICS_TEXT = """cxx rust python compiler kernel allocator garden typography codec llvm wasm
mutex profiler privacy"""
_TOPICS = _TOPICS_TEXT.split()


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    made = {"".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(size)}
    return _COMMON + sorted(made - set(_TOPICS))


WORDS = _vocabulary(random.Random(7))
_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(WORDS))))


def _sentence(rng: random.Random, n: int) -> str:
    words = rng.choices(WORDS, cum_weights=_WEIGHTS, k=n)
    if rng.random() < 0.01 * n / 4:
        words[rng.randrange(n)] = rng.choice(_TOPICS)
    return " ".join(words).capitalize()


def make_podcast(p: int, episodes: int, chapters: int, seed: int = 1) -> Podcast:
    rng = random.Random(seed * 100_003 + p)
    eps = []
    for e in range(episodes):
        marks = tuple(
            Chapter(c * 300_000, _sentence(rng, 4), source=ChapterSource.PSC)
            for c in range(chapters)
        )
        eps.append(
            Episode(
                guid=f"urn:bench:{p}:{e}",
                number=e + 1,
                title=_sentence(rng, 6),
                duration_ms=chapters * 300_000,
                audio_url=f"https://example.org/{p}/{e}.mp3",
                description=_sentence(rng, 60),
                chapters=marks,
            )
        )
    return Podcast(
        f"https://example.org/{p}/feed.xml", f"Show {p}: {_sentence(rng, 2)}", "", None, tuple(eps)
    )


def make_transcript(rng: random.Random, cues: int) -> Transcript:
    """A transcript of ``cues`` lines of 3.6 s each, two speakers taking turns."""
    return Transcript(
        tuple(
            Cue(i * 3600, i * 3600 + 3500, _sentence(rng, 10), ("Ana", "Ben")[i // 20 % 2])
            for i in range(cues)
        ),
        "vtt",
    )


def store_transcripts(lib: Library, podcasts: int, episodes: int, count: int, cues: int) -> int:
    """Caches a transcript on ``count`` episodes spread over the library; the lines stored."""
    rng = random.Random(11)
    every = max(1, podcasts * episodes // max(1, count))
    stored = 0
    for n in range(0, podcasts * episodes, every)[:count]:
        p, e = divmod(n, episodes)
        ref = TranscriptRef(f"https://example.org/{p}/{e}.vtt", "text/vtt")
        lib.set_transcript(
            f"urn:bench:{p}:{e}",
            ref,
            make_transcript(rng, cues),
            podcast_url=f"https://example.org/{p}/feed.xml",
        )
        stored += cues
    return stored


def feed_bytes(podcast: Podcast) -> bytes:
    items = []
    for e in podcast.episodes:
        chapters = "".join(
            f"<psc:chapter start={quoteattr(format_ms(c.start_ms, always_hours=True))} "
            f"title={quoteattr(c.title)}/>"
            for c in e.chapters
        )
        items.append(
            f"<item><guid isPermaLink='false'>{escape(e.guid)}</guid>"
            f"<title>{e.number}: {escape(e.title)}</title>"
            f"<enclosure url={quoteattr(e.audio_url or '')} type='audio/mpeg' length='1'/>"
            f"<description>{escape(e.description)}</description>"
            f"<psc:chapters version='1.2'>{chapters}</psc:chapters></item>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<rss version='2.0' xmlns:psc='http://podlove.org/simple-chapters'><channel>"
        f"<title>{escape(podcast.title)}</title>{''.join(items)}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = self.server.feeds.get(self.path)
        if body is None:
            self.send_error(404)
            return
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", tag)
        self.send_header("Last-Modified", email.utils.formatdate(usegmt=True))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, feeds: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.feeds = feeds


@contextmanager
def serve(feeds: dict[str, bytes]) -> Iterator[str]:
    server = _Server(feeds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def refresh_all(path: Path, urls: list[str], workers: int) -> list[RefreshResult]:
    local = threading.local()

    def one(url: str) -> RefreshResult:
        if not hasattr(local, "lib"):
            local.lib = Library(path)  # one connection per worker thread
        return refresh_feed(local.lib, url)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, urls))


def import_opml(count: int) -> None:
    """Subscribe to an OPML of ``count`` feeds on a loopback server, a quarter of them failing
    (404, a page with no feed, garbage): every one must end up subscribed."""
    feeds: dict[str, bytes] = {}
    for n in range(count):
        if n % 4 != 1:
            feeds[f"/opml/{n}.xml"] = feed_bytes(make_podcast(n, 3, 2))
        elif n % 8 == 5:
            feeds[f"/opml/{n}.xml"] = b"<rss><channel><title>broken"
    with serve(feeds) as base, tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        subs = [Subscription(f"Listed {n}", f"{base}/opml/{n}.xml") for n in range(count)]
        opml = write_opml(subs)
        with Library(Path(tmp) / FILE_NAME) as lib:
            start = time.perf_counter()
            results = subscribe_all(lib, read_opml(opml))
            took = time.perf_counter() - start
            subscribed = {p.url for p in lib.podcasts()}
            failing = sum(1 for status in lib.feed_statuses().values() if status.failing)
    every = subscribed == {s.url for s in subs}
    _figure(
        f"import a {count}-feed OPML ({failing} failing)", took, "s", "every feed subscribed", every
    )
    assert len(results) == count


def _figure(name: str, value: float, unit: str, target: str, ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{name:<44} {value:10.1f} {unit:<3} target {target}{verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podcasts", type=int, default=50)
    parser.add_argument("--episodes", type=int, default=400)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--transcripts", type=int, default=0, help="episodes with a cached transcript"
    )
    parser.add_argument("--cues", type=int, default=3000, help="lines of each transcript")
    parser.add_argument("--opml", type=int, default=1000, help="feeds in the imported OPML")
    parser.add_argument("--opml-only", action="store_true", help="only the OPML import")
    args = parser.parse_args(argv)
    import_opml(args.opml)
    if args.opml_only:
        return 0

    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        path = Path(tmp) / FILE_NAME
        start = time.perf_counter()
        podcasts = [make_podcast(p, args.episodes, args.chapters) for p in range(args.podcasts)]
        generated = time.perf_counter() - start
        start = time.perf_counter()
        with Library(path) as lib:
            for podcast in podcasts:
                lib.add_podcast(podcast)
            stored = time.perf_counter() - start
            start = time.perf_counter()
            lines = store_transcripts(
                lib, args.podcasts, args.episodes, args.transcripts, args.cues
            )
            transcribed = time.perf_counter() - start
        size_mb = path.stat().st_size / 2**20
        print(
            f"library: {args.podcasts} podcasts x {args.episodes} episodes x {args.chapters} "
            f"chapters; generated in {generated:.1f} s, stored in {stored:.1f} s, "
            f"{size_mb:.0f} MB on disk"
        )
        if args.transcripts:
            print(
                f"  transcripts: {args.transcripts} x {args.cues} lines ({lines} lines), "
                f"stored and indexed in {transcribed:.1f} s"
            )
        del podcasts

        base_rss = rss_mb()
        start = time.perf_counter()
        lib, message = open_library(path)
        assert message is None, message
        opened_ms = (time.perf_counter() - start) * 1000
        _figure("open (no page check after a clean close)", opened_ms, "ms", "none (cold start)")

        counter = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        chapters_stored = counter.execute("SELECT count(*) FROM chapters").fetchone()[0]
        lines_stored = counter.execute("SELECT count(*) FROM transcript_lines").fetchone()[0]
        counter.close()
        print(f"{'  chapters searched':<44} {chapters_stored:10d}")
        print(f"{'  transcript lines searched':<44} {lines_stored:10d}")
        queries = {
            "one letter": ["t", "a", "s", "x"],
            "prefix": ["th", "pro", "com", "wat"],
            "common word": ["the", "a and", "of the", WORDS[0], WORDS[1]],
            "topic word": ["cxx", "garden", "rust compiler"],
            "rare word": [WORDS[300], WORDS[3000], WORDS[15000], "zzznotthere"],
        }
        every: list[float] = []
        for kind, words in queries.items():
            runs = []
            for word in words:
                lib.search(word)  # warm the page cache once, as a user's second search would
                for _ in range(9):
                    t0 = time.perf_counter()
                    lib.search(word)
                    runs.append((time.perf_counter() - t0) * 1000)
            every.extend(runs)
            median = statistics.median(runs)
            _figure(f"search, {kind}: median", median, "ms", "< 20 ms", median < 20)
            _figure(f"search, {kind}: slowest run", max(runs), "ms", "< 100 ms", max(runs) < 100)
        median = statistics.median(every)
        _figure("search, every query: median", median, "ms", "< 20 ms", median < 20)
        _figure("search, every query: slowest run", max(every), "ms", "< 100 ms", max(every) < 100)

        start = time.perf_counter()
        loaded = {p.url: lib.episodes(p.url) for p in lib.podcasts()}
        load_s = time.perf_counter() - start
        total_eps = sum(len(v) for v in loaded.values())
        rss = rss_mb()
        _figure(f"load all {total_eps} episodes", load_s * 1000, "ms", "none")
        _figure("resident memory, library loaded", rss, "MB", "< 250 MB", rss < 250)
        print(f"{'  (before opening the library)':<44} {base_rss:10.1f} MB")
        del loaded
        lib.close()

        # Feeds that differ from what is stored (another seed), then the same ones unchanged.
        changed = {
            f"/{p}/feed.xml": feed_bytes(make_podcast(p, args.episodes, args.chapters, seed=2))
            for p in range(args.podcasts)
        }
        feed_mb = sum(len(b) for b in changed.values()) / 2**20
        with serve(changed) as base:
            urls = [base + key for key in changed]
            # Subscribe under the loopback URLs first, so the refresh replaces real content.
            with Library(path) as lib:
                for p in range(args.podcasts):
                    original = make_podcast(p, args.episodes, args.chapters)
                    lib.add_podcast(replace(original, url=urls[p]))
            start = time.perf_counter()
            results = refresh_all(path, urls, args.workers)
            changed_s = time.perf_counter() - start
            failed = [r for r in results if not r.ok]
            start = time.perf_counter()
            again = refresh_all(path, urls, args.workers)
            unchanged_s = time.perf_counter() - start
        assert not failed, failed[0].error
        assert all(r.not_modified for r in again)
        _figure(
            f"refresh {len(urls)} changed feeds ({feed_mb:.0f} MB), {args.workers} workers",
            changed_s,
            "s",
            "none here (GUI stall < 50 ms: window bench)",
        )
        _figure(f"refresh {len(urls)} unchanged feeds (304)", unchanged_s * 1000, "ms", "none")
        with Library(path) as lib:
            t0 = time.perf_counter()
            hits = lib.search("cxx")
            after_ms = (time.perf_counter() - t0) * 1000
            _figure("search after the refresh", after_ms, "ms", "< 20 ms", after_ms < 20)
            t0 = time.perf_counter()
            lib.optimize()
            optimize_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            lib.search("cxx")
            optimized_ms = (time.perf_counter() - t0) * 1000
        _figure("optimize the index after a refresh-all", optimize_s * 1000, "ms", "none")
        _figure("search after optimize", optimized_ms, "ms", "< 20 ms", optimized_ms < 20)
        print(f"{'  hits for cxx':<44} {len(hits):10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

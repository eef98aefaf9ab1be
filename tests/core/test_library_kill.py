"""A process killed (SIGKILL) while it refreshes feeds and saves play positions leaves an intact
library whose resume position is within 10 s of where playback was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.library import FILE_NAME, open_library

pytestmark = [pytest.mark.timeout(120), pytest.mark.skipif(os.name != "posix", reason="SIGKILL")]

# The child plays a pretend episode: its position is the time since it started, saved every
# 200 ms on the main thread, while a second thread refreshes feeds with its own connection.
CHILD = textwrap.dedent(
    """
    import sys, threading, time
    from pathlib import Path
    from podplayer.core.library import Library
    from podplayer.core.model import Episode, Podcast
    from podplayer.core.refresh import refresh_feed

    path, feeds = Path(sys.argv[1]), sys.argv[2:]
    lib = Library(path)
    episode = Episode(guid="playing", number=1, title="Long episode", duration_ms=10**8)
    lib.add_podcast(Podcast("local:player", "Player", episodes=(episode,)))

    def refresher():
        own = Library(path)
        while True:
            for url in feeds:
                refresh_feed(own, url)

    threading.Thread(target=refresher, daemon=True).start()
    start = time.time()
    print(start, flush=True)
    while True:
        lib.set_position("playing", int((time.time() - start) * 1000))
        time.sleep(0.2)
    """
)


def _feed(n: int, items: int) -> bytes:
    entries = "".join(
        f"<item><guid>urn:f{n}-{i}</guid><title>Episode {i} of feed {n}</title>"
        f"<description>00:00 Start\n01:00 Topic {i}\n02:00 End</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"{entries}</channel></rss>"
    ).encode()


def _serve(server: Loopback) -> list[str]:
    # Feeds that change on every request, so each refresh really writes.
    counter = iter(range(10**9))

    def changing(n: int) -> Resource:
        return Resource(_feed(n, 40 + next(counter) % 20), etag=False, last_modified=None)

    return [server.add(f"/feed{n}.xml", lambda n=n: changing(n)) for n in range(5)]


@pytest.mark.parametrize("run_s", [1.3, 2.1, 3.4])
def test_sigkill_during_refresh_and_playback(tmp_path: Path, run_s: float) -> None:
    path = tmp_path / FILE_NAME
    with loopback_server() as server:
        urls = _serve(server)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), *urls],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else ""
            started = float(line)
            time.sleep(run_s)
            played_ms = int((time.time() - started) * 1000)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stdout:
                child.stdout.close()
            if child.stderr:
                child.stderr.close()
        assert child.returncode == -signal.SIGKILL

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    library, message = open_library(path)
    assert message is None
    saved = library.position("playing")
    assert played_ms - 10_000 <= saved <= played_ms
    assert saved > 0
    # Whatever refresh was cut short, every stored feed is whole: its episodes all have chapters.
    for podcast in library.podcasts():
        for episode in library.episodes(podcast.url):
            if podcast.url.startswith("http"):
                assert len(episode.chapters) == 3, (podcast.url, episode.guid)
    assert library.search("topic")
    library.close()

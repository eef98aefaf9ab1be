"""``podplayer import`` and ``podplayer search`` against a library in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from podplayer.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "pages" / "meta-tech-podcast.txt"
DEMO = ROOT / "resources" / "demo" / "podplayer-demo.mp3"


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODPLAYER_HOME", str(tmp_path / "home"))


def test_import_then_search_finds_chapters_with_times(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SEED), str(DEMO)]) == 0
    assert "added Meta Tech Podcast (14 episodes)" in capsys.readouterr().out

    assert main(["search", "cxx", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert {"podcast", "episode", "chapter", "start"} == set(hits[0])
    chapter_hits = [h for h in hits if h["chapter"] is not None]
    assert {"podcast": "Meta Tech Podcast", "episode": "The key to a happy Rust/C++ relationship",
            "chapter": "cxx vs bindgen", "start": 1069.0} in chapter_hits  # fmt: skip
    assert any(h["chapter"] is None for h in hits), "the episode itself is a hit too"

    assert main(["search", "seek"]) == 0
    assert "[0:20] Click to seek" in capsys.readouterr().out


def test_import_reports_each_failure_and_keeps_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "/nonexistent/notes.txt", str(SEED)]) == 2
    captured = capsys.readouterr()
    assert "does not exist" in captured.err
    assert "Meta Tech Podcast" in captured.out
    assert main(["search", "bindgen", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_search_in_an_empty_library_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "anything"]) == 0
    assert "Nothing found" in capsys.readouterr().out


def test_import_refuses_while_another_process_holds_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from podplayer.core.paths import app_paths
    from podplayer.desktop.lock import LOCK_NAME

    script = (
        "import sys, time; from pathlib import Path;"
        "from podplayer.desktop.lock import LibraryLock;"
        "lock = LibraryLock(Path(sys.argv[1])); assert lock.acquire();"
        "print('held', flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(app_paths().ensure().data_dir / LOCK_NAME)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["import", str(SEED)]) == 2
        assert "podplayer is running" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert main(["import", str(SEED)]) == 0


FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%s</title>
<item><guid>%s-1</guid><title>One</title>
<enclosure url="https://example.org/1.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>"""


def _page(*feeds: tuple[str, str]) -> bytes:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{t}" href="{h}">'
        for t, h in feeds
    )
    return (
        f"<!DOCTYPE html><html><head><title>Show</title>{links}</head>"
        "<body><p>Our podcast. <a href='/ep1'>Episode 1</a></p></body></html>"
    ).encode()


def _library_podcasts() -> dict[str, str]:
    from podplayer.core.library import FILE_NAME, Library
    from podplayer.core.paths import app_paths

    with Library(app_paths().data_dir / FILE_NAME) as library:
        return {p.url: p.title for p in library.podcasts()}


def test_import_of_an_opml_keeps_every_feed_failing_or_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from httpserver import Resource, loopback_server

    from podplayer.core.library import FILE_NAME, Library
    from podplayer.core.opml import Subscription, read_opml, write_opml
    from podplayer.core.paths import app_paths

    with loopback_server() as server:
        urls = []
        for n in range(30):
            kind = ("good", "missing", "garbage", "page")[n % 4]
            resource = {
                "good": Resource(FEED % (b"Show %d" % n, b"s%d" % n)),
                "missing": Resource(status=404),
                "garbage": Resource(b"<rss><channel><title>x</ti", "application/rss+xml"),
                "page": Resource(_page(), "text/html"),
            }[kind]
            urls.append((f"Listed {n}", server.add(f"/feed{n}.xml", resource)))
        opml = tmp_path / "mine.opml"
        opml.write_bytes(write_opml(Subscription(t, u) for t, u in urls))
        assert main(["import", str(opml)]) == 0
        out = capsys.readouterr().out
    assert "subscribed to 30 feeds from mine.opml; 22 of them failing today" in out
    podcasts = _library_podcasts()
    assert set(podcasts) == {u for _, u in urls}
    assert podcasts[urls[0][1]] == "Show 0" and podcasts[urls[1][1]] == "Listed 1"
    with Library(app_paths().data_dir / FILE_NAME) as library:
        statuses = library.feed_statuses()
        assert statuses[urls[1][1]].failing and statuses[urls[1][1]].failing_since
        assert not statuses[urls[0][1]].failing
        exported = write_opml(Subscription(p.title, p.url) for p in library.podcasts())
    assert {s.url for s in read_opml(exported)} == {u for _, u in urls}
    # Imported again (the feeds still failing): nothing is lost or doubled.
    assert main(["import", str(opml)]) == 0
    assert len(_library_podcasts()) == 30


def test_import_of_a_page_subscribes_the_feed_it_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from httpserver import Resource, loopback_server

    with loopback_server() as server:
        feed = server.add("/feed.xml", Resource(FEED % (b"Found Show", b"f")))
        one = server.add("/show", Resource(_page(("MP3", "/feed.xml")), "text/html"))
        several = server.add(
            "/shows",
            Resource(_page(("MP3", "/feed.xml"), ("Opus", "/opus.xml")), "text/html"),
        )
        none = server.add("/about", Resource(_page(), "text/html"))
        assert main(["import", one]) == 0
        assert f"subscribed to Found Show (the feed {feed} named by the page)" in (
            capsys.readouterr().out
        )
        assert _library_podcasts() == {feed: "Found Show"}
        assert main(["import", several]) == 2
        err = capsys.readouterr().err
        assert "several podcast feeds" in err and server.url("/opus.xml") in err
        assert main(["import", none]) == 2
        err = capsys.readouterr().err
        assert "names no podcast feed" in err and "Nothing was added" in err
        assert err.count("\n") == 1
    assert _library_podcasts() == {feed: "Found Show"}


def test_import_maps_feed_schemes_and_speaks_plainly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from httpserver import Resource, loopback_server

    with loopback_server() as server:
        missing = server.url("/gone.xml").replace("http://", "feed://http://", 1)
        assert main(["import", missing]) == 2
        err = capsys.readouterr().err
        assert "nothing at this address" in err and "Nothing was added" in err
        assert "SSL" not in err and "Errno" not in err
        assert _library_podcasts() == {}
        # feed://host/ names no scheme: the server speaks plain http, and that is found.
        feed = server.add("/f.xml", Resource(FEED % (b"Plain Show", b"p")))
        assert main(["import", feed.replace("http://", "feed://", 1)]) == 0
        assert "subscribed to Plain Show" in capsys.readouterr().out
    assert _library_podcasts() == {feed: "Plain Show"}


def test_an_opml_with_an_unknown_encoding_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "odd.opml"
    opml.write_bytes(b'<?xml version="1.0" encoding="x-no-such"?><opml><body/></opml>')
    assert main(["import", str(opml)]) == 2
    err = capsys.readouterr().err
    assert "encoding" in err and err.count("\n") == 1

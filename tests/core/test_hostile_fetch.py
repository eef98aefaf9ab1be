"""Hostile servers end in a message within seconds and a bounded amount of memory.

Loopback servers with real sockets (httpserver.py) serve the crafted answers; each fetch runs in
a child process under ``RLIMIT_AS`` (bounded.py) with podplayer's default deadlines.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bounded import HOSTILE, run_bounded
from httpserver import Loopback, Resource, loopback_server

pytestmark = pytest.mark.timeout(60)

GZIP_IN_GZIP = (HOSTILE / "gzip-in-gzip.gz").read_bytes()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as srv:
        yield srv


def _fetch(url: str, call: str = "fetch") -> dict[str, object]:
    return run_bounded(
        f"""
        from podplayer.core import fetch
        reply = fetch.{call}({url!r})
        return len(reply.body)
        """
    )


def test_gzip_inside_gzip_stops_at_the_cap_while_it_unpacks(server: Loopback) -> None:
    # 5 kB that is 3 GB once unpacked twice: once 3.1 GB of memory and 20 s.
    url = server.add("/bomb", Resource(GZIP_IN_GZIP, headers={"Content-Encoding": "gzip, gzip"}))
    outcome = _fetch(url)
    assert outcome["error"] == "FetchError", outcome
    assert "larger than 50 MB once unpacked" in str(outcome["message"])
    for headers in ({"Content-Encoding": "gzip"}, {"Content-Encoding": "x-gzip, gzip"}):
        server.add("/bomb2", Resource(GZIP_IN_GZIP, headers=headers))
        assert "escaped" not in _fetch(server.url("/bomb2"), "fetch_conditional")


def test_gzip_content_in_a_gzip_answer_is_a_message_from_parse(server: Loopback) -> None:
    # The inner layer is not announced: the body is 3 MB of gzip, which no reader takes for text.
    url = server.add("/feed", Resource(GZIP_IN_GZIP, headers={"Content-Encoding": "gzip"}))
    outcome = run_bounded(
        f"""
        from podplayer.core import sources
        return sources.load({url!r}).title
        """
    )
    assert "escaped" not in outcome and "error" in outcome, outcome


def test_trickled_headers_and_body_are_cut_at_one_deadline(server: Loopback) -> None:
    # One byte a second: never cut off by per-read timeouts (about 440 s in parse and import).
    headers = server.add("/headers", Resource(trickle_headers=True))
    body = server.add("/body", Resource(trickle_body=True))
    outcome = run_bounded(
        f"""
        import threading
        from podplayer.core.fetch import fetch
        from podplayer.core.errors import FetchError
        out = {{}}
        def get(url):
            try:
                fetch(url)
            except FetchError as exc:
                out[url] = str(exc)
        threads = [threading.Thread(target=get, args=(u,)) for u in ({headers!r}, {body!r})]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return out
        """
    )
    assert "did not answer within 8 s" in outcome["value"][headers], outcome
    assert "arrives too slowly" in outcome["value"][body], outcome


def test_refresh_of_a_trickling_feed_ends_with_its_error(server: Loopback) -> None:
    url = server.add("/feed", Resource(trickle_headers=True))
    outcome = run_bounded(
        f"""
        import pathlib, tempfile
        from podplayer.core.library import Library
        from podplayer.core.refresh import refresh_feed
        with Library(pathlib.Path(tempfile.mkdtemp()) / "library.db") as library:
            result = refresh_feed(library, {url!r})
        return [result.ok, result.error]
        """
    )
    ok, error = outcome["value"]
    assert not ok and "did not answer" in error, outcome


@pytest.mark.parametrize(
    ("location", "blamed"),
    [
        ("javascript:alert(1)", "“javascript:alert(1)” is not a web address"),
        ("file:///etc/passwd", "“file:///etc/passwd” is not a web address"),
        ("http://127.0.0.1:notaport/x.mp3", "“http://127.0.0.1:notaport/x.mp3” (where"),
    ],
)
def test_a_redirect_to_a_bad_target_blames_the_target(
    server: Loopback, location: str, blamed: str
) -> None:
    url = server.add("/old", Resource(redirect_to=location))
    outcome = _fetch(url)
    assert outcome["error"] == "FetchError", outcome
    message = str(outcome["message"])
    assert message.startswith(blamed), message
    assert "redirects" in message


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://host:notaport/x.mp3", "its port “notaport” is not a number"),
        ("http://host:99999/x.mp3", "its port “99999” is not a number"),
        ("http://[::1/x.mp3", "IPv6 host is malformed"),
        ("http://:80/x.mp3", "names no server"),
        ("http://exa mple.org/x.mp3", "spaces or control characters"),
    ],
)
def test_malformed_web_addresses_are_messages(url: str, fragment: str) -> None:
    for call in ("fetch", "fetch_conditional"):
        outcome = _fetch(url, call)
        assert outcome["error"] == "FetchError", outcome
        assert fragment in str(outcome["message"]), outcome
    problem = run_bounded(
        f"""
        from podplayer.core.fetch import web_url_problem
        return web_url_problem({url!r})
        """
    )
    assert fragment in str(problem["value"])


def test_a_gzip_header_followed_by_garbage_is_damaged_not_empty(server: Loopback) -> None:
    body = b"\x1f\x8b\x08\x00garbage"  # once "“bad” is empty"
    url = server.add("/bad", Resource(body, headers={"Content-Encoding": "gzip"}))
    outcome = _fetch(url)
    assert outcome == {"error": "FetchError", "message": f"{url} sent damaged gzip data"}


def test_connection_failures_are_told_without_errno_or_ssl_internals(server: Loopback) -> None:
    plain = server.add("/feed", Resource(b"<rss/>"))
    https = plain.replace("http://", "https://")  # TLS to a plain server
    for url in (https, "http://127.0.0.1:1/x"):
        outcome = _fetch(url)
        assert outcome.get("error") == "FetchError", outcome
        message = str(outcome["message"])
        assert "Errno" not in message and "SSL" not in message and "_ssl" not in message, message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1/x", "its IPv6 host is malformed"),  # once ValueError from urlsplit
        ("http://" + "a" * 300 + ".example/", "its server name is malformed"),  # UnicodeError
        ("http://a..b/x", "its server name is malformed"),
    ],
    ids=["ipv6-unclosed", "label-300", "empty-label"],
)
def test_malformed_addresses_are_refused_before_any_connection(url: str, reason: str) -> None:
    outcome = run_bounded(
        f"""
        from podplayer.core import sources
        return sources.load({url!r}).title
        """
    )
    assert outcome.get("error") == "FetchError", outcome
    assert reason in str(outcome["message"]), outcome

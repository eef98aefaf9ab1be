"""Feeds parsed on several worker threads at once (the window refreshes four at a time)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from podplayer.core.feeds import parse_feed

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Threads {n}</title>
{entries}
</feed>"""
ENTRY = """<entry><id>urn:{n}:{i}</id><title>Episode {i}</title>
<link rel="enclosure" href="https://example.com/{n}/{i}.mp3" type="audio/mpeg"/>
<content type="{kind}">{body}</content></entry>"""


def _feed(n: int, kind: str) -> bytes:
    body = "&lt;p&gt;html {n}&lt;/p&gt;" if kind == "html" else "text {n}"
    entries = "\n".join(ENTRY.format(n=n, i=i, kind=kind, body=body.format(n=n)) for i in range(40))
    return ATOM.format(n=n, entries=entries).encode()


def test_parallel_parses_do_not_mix_content_types() -> None:
    feeds = {n: _feed(n, "html" if n % 2 else "text") for n in range(8)}

    def descriptions(n: int) -> set[str]:
        podcast = parse_feed(feeds[n], f"https://example.com/{n}.xml")
        return {episode.description.strip() for episode in podcast.episodes}

    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            results = dict(zip(feeds, pool.map(descriptions, feeds), strict=True))
            for n, found in results.items():
                expected = f"<p>html {n}</p>" if n % 2 else f"text {n}"
                assert found == {expected}, (n, found)

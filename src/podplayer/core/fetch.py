"""HTTP(S) downloads with timeouts and a size cap. Never called on the GUI thread."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from podplayer import __version__
from podplayer.core.errors import FetchError

USER_AGENT = f"podplayer/{__version__} (desktop podcast player)"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    content_type: str
    body: bytes


def is_web_url(text: str) -> bool:
    """True for http:// and https:// URLs (the only ones podplayer fetches).

    >>> is_web_url("https://example.org/feed"), is_web_url("file:///etc/passwd")
    (True, False)
    """
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def fetch(
    url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S, max_bytes: int = DEFAULT_MAX_BYTES
) -> Response:
    """GET ``url`` (http or https only) and return its body, at most ``max_bytes``.

    Raises FetchError with a message a listener understands.
    """
    if not is_web_url(url):
        raise FetchError(f"Only web addresses (http, https) can be fetched, not “{url[:80]}”")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as reply:
            body = reply.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than {max_bytes // 2**20} MB; not read")
            return Response(reply.geturl(), reply.headers.get_content_type(), body)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"The server answered {exc.code} ({exc.reason}) for {url}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"Could not reach {url}: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"{url} did not answer within {timeout_s:g} s") from None
    except OSError as exc:
        raise FetchError(f"Could not read {url}: {exc}") from None

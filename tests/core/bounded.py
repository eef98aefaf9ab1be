"""Run a piece of podplayer in a fresh interpreter with its memory and time bounded.

The hostile-input tests assert that a crafted input ends in one of our messages within
:data:`SECONDS` and :data:`MEMORY_MB`: a child process under ``RLIMIT_AS`` that prints its
outcome as one JSON line. A MemoryError, a crash or a hang there fails the test with what the
child said.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile"
MEMORY_MB = 400
SECONDS = 10.0

_PRELUDE = """
import json, resource, sys, traceback
sys.path.insert(0, {hostile!r})
sys.path.insert(0, {tests!r})
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from podplayer.core.errors import PodplayerError
def report(**fields):
    print(json.dumps(fields, ensure_ascii=False), flush=True)
def main():
{body}
try:
    value = main()
except PodplayerError as exc:
    report(error=type(exc).__name__, message=str(exc))
except BaseException as exc:
    report(escaped=type(exc).__name__, message=str(exc)[:300], trace=traceback.format_exc()[-2000:])
else:
    report(value=value)
"""


def run_bounded(
    body: str, *, memory_mb: int = MEMORY_MB, seconds: float = SECONDS
) -> dict[str, Any]:
    """Run ``body`` (the statements of a function whose return value must be JSON-able) and
    return ``{"value": ...}``, ``{"error": name, "message": ...}`` for a PodplayerError, or
    ``{"escaped": name, ...}`` for anything else. Raises AssertionError past ``seconds``."""
    code = _PRELUDE.format(
        hostile=str(HOSTILE),
        tests=str(ROOT / "tests" / "core"),
        limit=memory_mb * 2**20,
        body=textwrap.indent(textwrap.dedent(body).strip(), "    "),
    )
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running after {seconds:g} s") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no outcome (exit {done.returncode}): {done.stderr[-2000:]}"
    outcome: dict[str, Any] = json.loads(lines[-1])
    return outcome

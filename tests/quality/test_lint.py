"""ruff and mypy are part of the suite, so CI runs them too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)


def test_ruff_check() -> None:
    result = _run(_tool("ruff"), "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(_tool("ruff"), "format", "--check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = _run(_tool("mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_imports_neither_qt_nor_vlc() -> None:
    code = (
        "import sys, podplayer.cli, podplayer.core.pages, podplayer.core.shownotes;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'vlc')];"
        "assert not bad, bad"
    )
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr

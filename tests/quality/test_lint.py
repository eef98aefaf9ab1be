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


def test_core_and_cli_import_neither_qt_nor_vlc() -> None:
    # Every core module and the command line must import with PySide6 and vlc unavailable.
    code = """
import importlib, pkgutil, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "vlc"):
            raise ImportError(name + " is not allowed here")

sys.meta_path.insert(0, Block())
import podplayer.core
names = [m.name for m in pkgutil.walk_packages(podplayer.core.__path__, "podplayer.core.")]
for name in [*names, "podplayer.cli", "podplayer.desktop.lock"]:
    importlib.import_module(name)
print(len(names))
"""
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 15

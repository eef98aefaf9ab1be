"""A private X server for the tests that run the real window (importable from every test folder:
pytest puts ``tests/`` on the path for its conftest)."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
from collections.abc import Iterator

import pytest

SCREEN = "1280x800"


def need(tool: str) -> str:
    """The path of ``tool``, or skip the test saying what is missing."""
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (make test installs it)")
    return path


@contextlib.contextmanager
def xvfb_display(size: str = SCREEN) -> Iterator[str]:
    """A private Xvfb server with one screen of ``size`` ("WxH"); yields its DISPLAY value."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [need("Xvfb"), "-displayfd", str(write_end), "-screen", "0", f"{size}x24",
         "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_end)
    try:
        # Xvfb writes its display number to the pipe once it accepts clients.
        ready, _, _ = select.select([read_end], [], [], 15)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        if not number:
            pytest.fail("Xvfb did not report a display number within 15 s")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

"""Fixtures for the desktop tests: a private D-Bus session bus per test and playerctl runs.

The bus is a ``dbus-daemon`` of our own, so nothing reaches the user's desktop session. Clients
(playerctl, gdbus) run as QProcesses so the Qt event loop keeps serving D-Bus while they wait.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class Bus:
    address: str
    pid: int


@pytest.fixture
def private_bus() -> Iterator[Bus]:
    """A fresh session bus; its address, not exported to the environment."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian package dbus)")
    out = subprocess.run(
        ["dbus-daemon", "--session", "--print-address=1", "--print-pid=1", "--fork"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) < 2:
        pytest.skip(f"dbus-daemon did not start: {out.stderr.strip()}")
    bus = Bus(lines[0], int(lines[1]))
    yield bus
    with contextlib.suppress(ProcessLookupError):
        os.kill(bus.pid, signal.SIGTERM)


@pytest.fixture
def bus_connection(qapp: Any, private_bus: Bus) -> Iterator[Any]:
    """A BusLink to ``private_bus`` (never the user's session bus)."""
    from podplayer.desktop.dbustypes import BusError, BusLink

    try:
        link = BusLink(private_bus.address)
    except BusError as exc:
        pytest.skip(f"could not connect to the private bus: {exc}")
    yield link
    link.close()


@dataclass(frozen=True)
class Result:
    status: int
    out: str
    err: str


@pytest.fixture
def run_client(qtbot: Any, private_bus: Bus) -> Callable[..., Result]:
    """run_client("playerctl", "status") -> Result, with the Qt event loop turning meanwhile."""
    from PySide6.QtCore import QProcess, QProcessEnvironment

    def run(*argv: str, timeout_ms: int = 10_000) -> Result:
        if shutil.which(argv[0]) is None:
            pytest.skip(f"{argv[0]} is not installed")
        process = QProcess()
        env = QProcessEnvironment.systemEnvironment()
        env.insert("DBUS_SESSION_BUS_ADDRESS", private_bus.address)
        process.setProcessEnvironment(env)
        process.start(argv[0], list(argv[1:]))
        assert process.waitForStarted(5000), process.errorString()
        qtbot.waitUntil(
            lambda: process.state() == QProcess.ProcessState.NotRunning, timeout=timeout_ms
        )
        return Result(
            process.exitCode(),
            bytes(process.readAllStandardOutput().data()).decode().strip(),
            bytes(process.readAllStandardError().data()).decode().strip(),
        )

    return run

"""Desktop metadata is code: the .desktop file, the AppStream metainfo and the icons validate and
agree with ``podplayer.APP_ID``, and the running window tells the desktop the same id."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from podplayer import APP_ID, __version__

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
DESKTOP = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"
ICONS = RESOURCES / "icons" / "hicolor"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
AUDIO_TYPES = (
    "audio/mpeg",
    "audio/mp4",
    "audio/x-m4a",
    "audio/ogg",
    "audio/opus",
    "audio/flac",
    "audio/x-wav",
)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (make test installs it)")
    return path


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _launcher() -> str:
    scripts = _pyproject()["project"]["gui-scripts"]  # type: ignore[index]
    (name,) = (n for n, target in scripts.items() if target == "podplayer.app:main")
    return str(name)


def _desktop_entry() -> configparser.SectionProxy:
    # Keys are case-sensitive in .desktop files; configparser lowercases them unless told not to.
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _metainfo() -> ElementTree.Element:
    return ElementTree.parse(METAINFO).getroot()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- validators ---------------------------------------------------------------------------------


def test_desktop_file_validates() -> None:
    result = subprocess.run(
        [_need("desktop-file-validate"), str(DESKTOP)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    # It exits 0 on hints too; any line it prints is worth fixing.
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates() -> None:
    result = subprocess.run(
        [_need("appstreamcli"), "validate", "--no-net", "--explain", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Errors fail validation; warnings don't, but stores reject them. Infos are allowed: AppStream
    # before 1.0 reports the current <developer> tag as unknown.
    problems = [line for line in result.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert not problems, result.stdout


# -- one id everywhere --------------------------------------------------------------------------


def test_desktop_entry_agrees_with_the_app() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split() == [_launcher(), "%U"]
    assert entry["TryExec"] == _launcher()
    # Qt names the X11 window class after the application name.
    assert entry["StartupWMClass"] == "podplayer"
    categories = entry["Categories"].rstrip(";").split(";")
    assert categories[:3] == ["AudioVideo", "Audio", "Player"]
    mime = entry["MimeType"].rstrip(";").split(";")
    assert set(AUDIO_TYPES) <= set(mime)
    assert {"x-scheme-handler/feed", "x-scheme-handler/podcast"} <= set(mime)


def test_metainfo_agrees_with_the_app() -> None:
    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("icon[@type='stock']") == APP_ID
    assert root.findtext("provides/binary") == _launcher()
    assert root.findtext("project_license") == _pyproject()["project"]["license"]  # type: ignore[index]
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.find("content_rating") is not None
    releases = root.findall("releases/release")
    assert releases, "no releases"
    # The newest release comes first and is the version being built.
    assert releases[0].get("version") == __version__
    assert len(root.findall("screenshots/screenshot/image")) >= 1
    provided = {m.text for m in root.findall("provides/mediatype")}
    assert provided == set(AUDIO_TYPES)


def test_screenshot_is_in_the_repository() -> None:
    """The screenshot URL points at a file of this repository; it must exist under that path."""
    for image in _metainfo().findall("screenshots/screenshot/image"):
        url = image.text or ""
        relative = url.split("/main/", 1)[1]
        path = ROOT / relative
        assert path.is_file(), url
        assert _png_size(path) == (int(image.get("width", 0)), int(image.get("height", 0)))


# -- icons --------------------------------------------------------------------------------------


def test_scalable_icon_is_an_svg_named_after_the_app() -> None:
    svg = ICONS / "scalable" / "apps" / f"{APP_ID}.svg"
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 128 128"


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_sizes(size: int) -> None:
    png = ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert _png_size(png) == (size, size)


def test_png_icons_are_rendered_from_the_svg() -> None:
    """Each PNG is what rsvg-convert draws from the SVG today (run packaging/render-icons.sh)."""
    rsvg = _need("rsvg-convert")
    svg = ICONS / "scalable" / "apps" / f"{APP_ID}.svg"
    from PySide6.QtGui import QImage

    for size in (16, 128):
        rendered = subprocess.run(
            [rsvg, "-w", str(size), "-h", str(size), str(svg)],
            capture_output=True,
            timeout=30,
            check=True,
        ).stdout
        fresh = QImage.fromData(rendered).convertToFormat(QImage.Format.Format_ARGB32)
        stored = QImage(str(ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        stored = stored.convertToFormat(QImage.Format.Format_ARGB32)
        assert (fresh.width(), fresh.height()) == (stored.width(), stored.height())
        # Pixels, within what another librsvg version's antialiasing changes; not PNG bytes.
        worst = max(
            abs(a - b)
            for y in range(size)
            for x in range(size)
            for a, b in zip(
                fresh.pixelColor(x, y).getRgb(), stored.pixelColor(x, y).getRgb(), strict=True
            )
        )
        assert worst <= 24, f"{size}px PNG is stale: run packaging/render-icons.sh"


# -- the running window -------------------------------------------------------------------------


def _visible_window(
    display: str, app: subprocess.Popen[bytes], log: Path, timeout: float = 20
) -> int:
    """The id of the first visible window named podplayer."""
    env = {**os.environ, "DISPLAY": display}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            pytest.fail(f"podplayer exited with {app.returncode}:\n{log.read_text()[-3000:]}")
        found = subprocess.run(
            [_need("xdotool"), "search", "--onlyvisible", "--name", "podplayer"],
            env=env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.split()
        if found:
            return int(found[0])
        time.sleep(0.2)
    pytest.fail(f"no podplayer window within {timeout} s")


def _window_property(display: str, window: int, name: str) -> bytes:
    """The raw value of an 8-bit property of ``window``, read with libX11 (no xprop needed)."""
    import ctypes
    import ctypes.util

    libname = ctypes.util.find_library("X11")
    if libname is None:
        pytest.skip("libX11 is not installed")
    x11 = ctypes.CDLL(libname)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XGetWindowProperty.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_long,
        ctypes.c_long,
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    x11.XFree.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    conn = x11.XOpenDisplay(display.encode())
    assert conn, f"cannot open display {display}"
    try:
        atom = x11.XInternAtom(conn, name.encode(), 1)
        if not atom:
            return b""
        actual_type = ctypes.c_ulong()
        fmt = ctypes.c_int()
        count = ctypes.c_ulong()
        remaining = ctypes.c_ulong()
        data = ctypes.c_void_p()
        any_type = 0
        status = x11.XGetWindowProperty(
            conn, window, atom, 0, 4096, 0, any_type,
            ctypes.byref(actual_type), ctypes.byref(fmt), ctypes.byref(count),
            ctypes.byref(remaining), ctypes.byref(data),
        )  # fmt: skip
        if status != 0 or not data.value:
            return b""
        try:
            assert fmt.value == 8, f"{name} is not a string property"
            return ctypes.string_at(data.value, count.value)
        finally:
            x11.XFree(data)
    finally:
        x11.XCloseDisplay(conn)


@pytest.mark.xvfb
@pytest.mark.slow
def test_window_tells_the_desktop_its_app_id(display: str, tmp_path: Path) -> None:
    """Docks and panels match the window to the .desktop file (and its icon) by this id."""
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "PODPLAYER_AUDIO_OUTPUT": "dummy",
    }
    log = tmp_path / "podplayer.log"
    with log.open("wb") as sink:
        app = subprocess.Popen(
            [sys.executable, "-m", "podplayer"], env=env, cwd=tmp_path, stdout=sink, stderr=sink
        )
    try:
        window = _visible_window(display, app, log)
        gtk_id = _window_property(display, window, "_GTK_APPLICATION_ID")
        kde_id = _window_property(display, window, "_KDE_NET_WM_DESKTOP_FILE")
        wm_class = _window_property(display, window, "WM_CLASS")
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
    assert gtk_id.decode() == APP_ID
    assert kde_id.decode() == APP_ID
    # WM_CLASS is "instance\0class\0"; StartupWMClass names the class.
    assert wm_class.split(b"\0")[1].decode() == _desktop_entry()["StartupWMClass"]


# -- the Flatpak manifest -----------------------------------------------------------------------

FLATPAK = ROOT / "packaging" / "flatpak"


def _manifest_value(key: str) -> str:
    # A top-level "key: value" line; the manifest is YAML, but PyYAML is not a test dependency.
    text = (FLATPAK / f"{APP_ID}.yml").read_text(encoding="utf-8")
    (value,) = (
        line.split(":", 1)[1].strip().strip("'\"")
        for line in text.splitlines()
        if line.startswith(f"{key}:")
    )
    return value


def test_flatpak_manifest_agrees_with_the_app() -> None:
    assert _manifest_value("app-id") == APP_ID
    assert _manifest_value("command") == _launcher()
    text = (FLATPAK / f"{APP_ID}.yml").read_text(encoding="utf-8")
    assert "- python3-requirements.json" in text
    assert "libvlc" in text


def test_flatpak_python_modules_pin_the_project_dependencies() -> None:
    """Every runtime dependency in pyproject.toml is installed by python3-requirements.json with
    the same specifier, each source with a sha256 (regenerate it when the dependencies change)."""
    import json

    generated = json.loads((FLATPAK / "python3-requirements.json").read_text(encoding="utf-8"))
    commands = " ".join(c for m in generated["modules"] for c in m["build-commands"])
    for requirement in _pyproject()["project"]["dependencies"]:  # type: ignore[index]
        assert f'"{requirement}"' in commands, (
            f"{requirement}: regenerate python3-requirements.json"
        )
    for module in generated["modules"]:
        assert module["sources"], module["name"]
        for source in module["sources"]:
            assert source["url"].startswith("https://"), source
            assert len(source["sha256"]) == 64, source

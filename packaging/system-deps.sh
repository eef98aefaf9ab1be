#!/bin/sh
# Installs the Debian/Ubuntu packages podplayer needs, and nothing when they are all present.
# Usage: packaging/system-deps.sh run|test
set -eu

# libVLC and the plugins for MP3, AAC/M4A, Ogg Vorbis, Opus, FLAC, WAV and http(s); libvlc-bin's
# trigger builds the plugin cache (start-up 70 ms -> 3 ms). Then what Qt's xcb platform loads.
RUN_PKGS="python3-venv libvlc5 vlc-plugin-base libvlc-bin
libegl1 libgl1 libx11-6 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 libdbus-1-3 libbrotli1
libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0
libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core"
# For the headless suite: a virtual X server and a way to click in it; ffmpeg for the audio
# fixtures; the desktop-file and AppStream validators and an SVG renderer for the desktop
# metadata; a D-Bus daemon, gdbus and playerctl for the MPRIS tests.
TEST_PKGS="xvfb xauth xdotool ffmpeg desktop-file-utils appstream librsvg2-bin dbus libglib2.0-bin playerctl"

case "${1:-run}" in
  run) pkgs=$RUN_PKGS ;;
  test) pkgs="$RUN_PKGS $TEST_PKGS" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

if ! command -v apt-get >/dev/null 2>&1; then
  echo "podplayer: no apt-get here; install the equivalents of: $pkgs" >&2
  exit 0
fi

# A dry run answers "0 newly installed" when everything is there: no root, no network needed.
# shellcheck disable=SC2086
if apt-get -s install --no-install-recommends $pkgs 2>/dev/null | grep -q '^0 upgraded, 0 newly installed'; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "podplayer: installing system packages (libVLC, Qt's X11 libraries${1:+, for $1})"
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs

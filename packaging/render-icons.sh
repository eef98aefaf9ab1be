#!/bin/sh
# Renders the PNG sizes of the app icon from its SVG (needs rsvg-convert: Debian's librsvg2-bin).
# The PNGs are committed: desktops that can't draw SVG icons, and the Flatpak, use them.
set -eu
cd "$(dirname "$0")/../resources/icons/hicolor"
id=io.github.podplayer.Podplayer
for size in 16 32 48 64 128 256 512; do
  mkdir -p "${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" "scalable/apps/$id.svg" -o "${size}x${size}/apps/$id.png"
done

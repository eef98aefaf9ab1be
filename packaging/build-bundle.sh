#!/bin/sh
# Builds the one-folder bundle dist/podplayer/ (run it as dist/podplayer/podplayer).
# Needs the project's .venv (make venv) and libVLC with its plugins (make system-deps).
# Usage: packaging/build-bundle.sh [PYTHON]   (default: .venv/bin/python)
set -eu
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  echo "podplayer: installing PyInstaller into the venv (the 'package' extra)"
  "$python" -m pip install --quiet -e '.[package]'
fi

start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/podplayer.spec
end=$(date +%s)
echo "podplayer: built dist/podplayer in $((end - start)) s, $(du -sh dist/podplayer | cut -f1)"

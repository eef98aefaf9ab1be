"""PyInstaller runtime hook: point python-vlc at the libVLC and plugins inside the bundle.

Runs before the app's first import. The bundled copies always win: a libVLC from the system
with the bundle's plugins (or the other way round) fails in ways that are hard to read.
"""

import os
import sys
from pathlib import Path

_base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))
_lib = _base / "libvlc.so.5"
_plugins = _base / "vlc" / "plugins"
if _lib.is_file():
    os.environ["PYTHON_VLC_LIB_PATH"] = str(_lib)
if _plugins.is_dir():
    os.environ["PYTHON_VLC_MODULE_PATH"] = str(_plugins)
    os.environ["VLC_PLUGIN_PATH"] = str(_plugins)

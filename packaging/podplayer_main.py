"""Entry point of the PyInstaller bundle: the same as the ``podplayer`` launcher."""

import sys

from podplayer.app import main

if __name__ == "__main__":
    sys.exit(main())

"""podplayer: a desktop podcast player built around chapters."""

__version__ = "0.1.0"
APP_ID = "io.github.podplayer.Podplayer"
APP_NAME = "podplayer"

"""Playback: the Player interface, its libVLC and null backends, and the playback session.

May import PySide6.QtCore, never QtWidgets; only ``vlc.py`` imports libVLC, lazily.
"""

from podplayer.playback.base import PlaybackError, Player, PlayerState, validate_source

__all__ = ["PlaybackError", "Player", "PlayerState", "validate_source"]

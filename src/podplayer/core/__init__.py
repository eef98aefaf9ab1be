"""Pure-Python core: parsing, model and library. Imports neither PySide6 nor vlc."""

"""Chapter lists from every source, one module each, and their merge.

- :mod:`.psc`: Podlove Simple Chapters in a feed (``source="psc"``).
- :mod:`.jsonchapters`: Podcast 2.0 ``podcast:chapters`` JSON files (``source="json"``).
- :mod:`.tags`: chapter tags inside audio files (``source="tags"``).
- :mod:`.merge`: one list from several, by precedence, each chapter keeping its source.

Every reader takes bytes or a file and returns a tuple of :class:`~podplayer.core.model.Chapter`
sorted by start; only :class:`~podplayer.core.errors.PodplayerError` subclasses escape.
"""

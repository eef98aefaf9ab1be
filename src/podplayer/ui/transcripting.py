"""The shown episode's transcript in the episode pane: read on a worker (cached in the library
after the first fetch), following the playing episode's position, a click on a line playing from
there through PlaybackController.play, chapter starts marked from the chapter list shown, and
"Chapters from the transcript" for an episode with a timed transcript and no chapters.

QtCore only here; the widgets are the episode pane's (its ``transcript_pane`` and
``derive_chapters_button``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from podplayer.core.library import Library
from podplayer.core.model import Chapter, ChapterSource, Episode, Podcast, TranscriptRef
from podplayer.core.transcripts import Transcript, transcript_languages
from podplayer.ui.workers import LibraryTasks

if TYPE_CHECKING:
    from podplayer.ui.chapterlists import ChapterLists
    from podplayer.ui.episodepane import EpisodePane
    from podplayer.ui.playing import PlaybackController

log = logging.getLogger(__name__)

READING = "Reading the transcript…"
NO_DERIVED = "No chapters in this transcript"
Found = tuple[tuple[TranscriptRef, Transcript] | None, list[str]]


class TranscriptLoader(QObject):
    """Keeps the pane's transcript that of the shown episode (``show``).

    Signals: ``loaded(str, str)`` (podcast URL, guid) once the shown episode's transcript is in
    the pane, or known to be missing; ``chapters_derived(str, str)`` once chapters made from the
    transcript are stored (the episode's chapter sources are then gathered again, which shows
    them: the shown list was empty).

    The network setting, the chapter model and the tasks are those of ``chapter_lists``.
    """

    loaded = Signal(str, str)
    chapters_derived = Signal(str, str)

    def __init__(
        self,
        tasks: LibraryTasks,
        pane: EpisodePane,
        chapter_lists: ChapterLists,
        playback: PlaybackController,
        chapters_for: Callable[[Episode], tuple[Chapter, ...]],
        *,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._pane = pane
        self._view = pane.transcript_pane
        self._chapters = chapter_model = pane.chapter_model
        self._lists = chapter_lists
        self._playback = playback
        self._chapters_for = chapters_for
        self._podcast: Podcast | None = None
        self._episode: Episode | None = None
        self._transcript: Transcript | None = None
        self._request = 0
        self._view.seek_requested.connect(self._play_from)
        self._view.language_requested.connect(self._read_language)
        pane.derive_chapters_button.clicked.connect(self.derive_chapters)
        playback.player.position_changed.connect(self._follow)
        chapter_model.modelReset.connect(self._mark_chapters)

    @property
    def transcript(self) -> Transcript | None:
        """The transcript in the pane (None while it is read, or when there is none)."""
        return self._transcript

    def show(self, podcast: Podcast | None, episode: Episode | None) -> None:
        """The transcript of ``episode`` (of ``podcast``), read on a worker."""
        self._request += 1
        self._podcast, self._episode, self._transcript = podcast, episode, None
        self._view.set_transcript(None)
        self._view.set_languages(())
        self._pane.show_transcript_state(bool(episode and episode.transcripts), None)
        if podcast is None or episode is None or not episode.transcripts:
            return
        self._view.notice.setText(READING)
        self._read(podcast, episode, ())

    def _read(self, podcast: Podcast, episode: Episode, languages: Sequence[str]) -> None:
        request = self._request
        network = self._lists.network
        url = podcast.url

        def job(library: Library, _report: object) -> Found:
            from podplayer.core.chaptersources import gather_transcript

            return gather_transcript(
                library,
                url,
                episode,
                languages=languages,
                network=network,
            )

        def done(result: Found) -> None:
            found, problems = result
            for problem in problems:
                log.info("Transcript of %s: %s", episode.guid, problem)
            if request == self._request:
                self._show(url, episode, found, problems)

        def failed(message: str) -> None:
            log.info("Transcript of %s: %s", episode.guid, message)
            if request == self._request:
                self._show(url, episode, None, [message])

        self._tasks.run(job, done, failed)

    def _show(
        self,
        url: str,
        episode: Episode,
        found: tuple[TranscriptRef, Transcript] | None,
        problems: list[str],
    ) -> None:
        if found is None:
            self._view.set_transcript(None)
            if problems:
                self._view.notice.setText(f"The transcript could not be read: {problems[0]}")
            self._pane.show_transcript_state(True, None)
            self.loaded.emit(url, episode.guid)
            return
        ref, transcript = found
        self._transcript = transcript
        self._view.set_transcript(transcript, self._chapters.items())
        self._view.set_languages(transcript_languages(episode.transcripts), ref.language)
        self._pane.show_transcript_state(True, transcript)
        if self._is_playing():
            self._view.set_position(self._playback.player.position())
        self.loaded.emit(url, episode.guid)

    def _read_language(self, language: str) -> None:
        if self._podcast is None or self._episode is None:
            return
        self._request += 1
        self._view.notice.setText(READING)
        self._read(self._podcast, self._episode, (language,))

    # -- playback ---------------------------------------------------------------------------

    def _is_playing(self) -> bool:
        podcast, episode = self._podcast, self._episode
        return (
            podcast is not None
            and episode is not None
            and self._playback.is_current(podcast.url, episode.guid)
        )

    def _follow(self, position_ms: int) -> None:
        if self._transcript is not None and self._is_playing():
            self._view.set_position(position_ms)

    def _play_from(self, position_ms: int) -> None:
        podcast, episode = self._podcast, self._episode
        if podcast is None or episode is None:
            return
        self._playback.play(
            podcast, episode, at_ms=position_ms, chapters=self._chapters_for(episode)
        )

    def _mark_chapters(self) -> None:
        if self._transcript is not None:
            self._view.set_chapters(self._chapters.items())
        self._pane.show_transcript_state(self._episode is not None, self._transcript)

    # -- chapters from the transcript --------------------------------------------------------

    def derive_chapters(self) -> None:
        """Store chapters made from the transcript as the episode's ``transcript`` list (the
        lowest of the sources: it never hides a real list), on a worker."""
        podcast, episode, transcript = self._podcast, self._episode, self._transcript
        if podcast is None or episode is None or transcript is None or not transcript.timed:
            return
        url = podcast.url

        def job(library: Library, _report: object) -> int:
            from podplayer.core.transcripts import chapters_from_transcript

            chapters = chapters_from_transcript(transcript)
            if chapters:
                library.set_chapters(
                    episode.guid, ChapterSource.TRANSCRIPT, chapters, podcast_url=url
                )
            return len(chapters)

        def done(count: int) -> None:
            if count:
                self.chapters_derived.emit(url, episode.guid)
                if self._episode is episode:
                    self._lists.gather(url, episode)
            else:
                self._pane.derive_chapters_button.setText(NO_DERIVED)

        self._pane.derive_chapters_button.setEnabled(False)
        self._tasks.run(
            job, done, lambda message: log.info("Chapters from the transcript: %s", message)
        )

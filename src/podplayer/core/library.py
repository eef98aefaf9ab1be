"""The library: subscriptions, episodes, chapters, play state and settings in one SQLite file.

The database runs in WAL mode; its schema version is ``PRAGMA user_version`` and
:data:`MIGRATIONS` brings any older file up to date, one numbered script at a time, each in
its own transaction. Every public write is one transaction, so a process killed at any moment
loses at most the write in progress.

Threads: a :class:`Library` holds one connection, usable only on the thread that opened it
(sqlite3 enforces this). Each thread that needs the store opens its own ``Library(path)`` on the
same file; WAL lets readers run while one writer writes, and writers wait up to
``BUSY_TIMEOUT_MS`` for each other.

Episodes are identified by their podcast's URL and their guid (guids are only unique within a
feed). Methods taking a ``guid`` accept ``podcast_url`` to say which podcast; without it the
guid must name exactly one episode in the library.

All positions and durations are int milliseconds; times of day are Unix seconds (float).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from podplayer.core.chapters.merge import rank
from podplayer.core.downloads import delete_download_files
from podplayer.core.errors import LibraryBusyError, LibraryError, LibraryReadOnlyError
from podplayer.core.model import Chapter, ChapterSource, Episode, Link, Podcast, TranscriptRef
from podplayer.core.notes import text_of
from podplayer.core.skiprules import PodcastPrefs, normalise_rules
from podplayer.core.transcripts.model import MAX_ENTRIES, Cue, Transcript

_T = TypeVar("_T")
log = logging.getLogger(__name__)

__all__ = [
    "FILE_NAME",
    "MIGRATIONS",
    "FeedStatus",
    "Library",
    "PlayState",
    "SearchHit",
    "open_library",
]

FILE_NAME = "library.sqlite"
BUSY_TIMEOUT_MS = 5000

# Chapter lists that come from the file or the user survive a feed refresh; the others are the
# feed's and are replaced by it.
_KEPT_SOURCES: tuple[str, ...] = (str(ChapterSource.TAGS), str(ChapterSource.USER))

#: The place of a chapter source in the one precedence table (chapters/merge.py): lower wins.
chapter_rank = rank

# One search row per episode, its rowid the episode's id: titles, notes, podcast title and the
# titles of every chapter of every source (one per line). Deleting by rowid is cheap; a range
# delete on an FTS5 table is not.
_MAX_INDEXED_CHAPTERS = 5000

_SCHEMA_1 = """
CREATE TABLE podcasts (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    image TEXT,
    added REAL NOT NULL
);
CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    podcast_id INTEGER NOT NULL REFERENCES podcasts(id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number INTEGER,
    title TEXT NOT NULL DEFAULT '',
    published REAL,
    duration_ms INTEGER,
    audio_url TEXT,
    description TEXT NOT NULL DEFAULT '',
    first_seen REAL NOT NULL,
    UNIQUE (podcast_id, guid)
);
CREATE INDEX episodes_guid ON episodes(guid);
CREATE TABLE chapters (
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    idx INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    title TEXT NOT NULL,
    url TEXT,
    image TEXT,
    PRIMARY KEY (episode_id, source, idx)
) WITHOUT ROWID;
CREATE TABLE links (
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    label TEXT NOT NULL,
    url TEXT NOT NULL,
    chapter_index INTEGER,
    PRIMARY KEY (episode_id, idx)
) WITHOUT ROWID;
CREATE TABLE play_state (
    episode_id INTEGER PRIMARY KEY REFERENCES episodes(id) ON DELETE CASCADE,
    position_ms INTEGER NOT NULL DEFAULT 0,
    played INTEGER NOT NULL DEFAULT 0,
    last_played REAL
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Local files attached to episodes, feed refresh status, change digests and full-text search.
_SCHEMA_2 = """
CREATE TABLE attachments (
    episode_id INTEGER PRIMARY KEY REFERENCES episodes(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'attached'
);
CREATE TABLE feed_status (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_error TEXT,
    last_refresh REAL,
    last_success REAL
);
ALTER TABLE episodes ADD COLUMN digest TEXT;
CREATE VIRTUAL TABLE search USING fts5(
    title, body, podcast, tokenize = 'unicode61 remove_diacritics 2'
);
"""

# Per-episode chapter-file URL, transcripts and new flag; per-podcast data in tables of its own
# (it was JSON in settings, left behind by unsubscribing); when a feed started failing; a search
# index holding every chapter of every source, with prefix indexes for short queries.
_SCHEMA_3 = """
ALTER TABLE episodes ADD COLUMN chapters_url TEXT;
ALTER TABLE episodes ADD COLUMN is_new INTEGER NOT NULL DEFAULT 0;
CREATE INDEX episodes_new ON episodes(podcast_id) WHERE is_new;
CREATE TABLE transcripts (
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    url TEXT NOT NULL,
    type TEXT NOT NULL,
    language TEXT,
    rel TEXT,
    PRIMARY KEY (episode_id, idx)
) WITHOUT ROWID;
CREATE TABLE podcast_prefs (
    podcast_id INTEGER PRIMARY KEY REFERENCES podcasts(id) ON DELETE CASCADE,
    seen REAL,
    intro_ms INTEGER NOT NULL DEFAULT 0,
    outro_ms INTEGER NOT NULL DEFAULT 0,
    speed REAL,
    volume INTEGER,
    allow_images INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE skip_rules (
    podcast_id INTEGER NOT NULL REFERENCES podcasts(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    rule TEXT NOT NULL,
    PRIMARY KEY (podcast_id, idx)
) WITHOUT ROWID;
CREATE TABLE chapter_ticks (
    podcast_id INTEGER NOT NULL REFERENCES podcasts(id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    play INTEGER NOT NULL,
    PRIMARY KEY (podcast_id, guid, start_ms)
) WITHOUT ROWID;
ALTER TABLE feed_status ADD COLUMN failing_since REAL;
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5(
    title, body, podcast, chapters,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
"""

# The transcript read for an episode (fetched once, then cached) and its lines in a full-text
# index of their own: one row per line, its rowid the episode's id times TRANSCRIPT_ROWS plus
# the line's place, its times and speaker stored unindexed beside the words, so a search hit
# carries the moment and the pane reads the transcript back without the network.
_SCHEMA_4 = """
CREATE TABLE transcript_cache (
    episode_id INTEGER PRIMARY KEY REFERENCES episodes(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    type TEXT NOT NULL,
    language TEXT,
    rel TEXT,
    format TEXT NOT NULL,
    version TEXT,
    fetched REAL NOT NULL
);
CREATE VIRTUAL TABLE transcript_lines USING fts5(
    body, speaker UNINDEXED, start_ms UNINDEXED, end_ms UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
"""

MIGRATIONS: tuple[str, ...] = (_SCHEMA_1, _SCHEMA_2, _SCHEMA_3, _SCHEMA_4)
"""SQL scripts; script i takes a database from ``user_version`` i to i + 1."""

SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True, slots=True)
class PlayState:
    """Where the listener is in an episode: ``position_ms``, played flag, last played (Unix s)."""

    position_ms: int = 0
    played: bool = False
    last_played: float | None = None


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """The last refresh of a feed: validators for conditional GET, error message, times (Unix s)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None
    last_refresh: float | None = None
    last_success: float | None = None
    #: When the feed began failing (Unix s): the first failed refresh since the last success.
    failing_since: float | None = None

    @property
    def failing(self) -> bool:
        """True when the last refresh failed (``last_error`` says why, in words)."""
        return self.last_error is not None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result, best first. ``chapter`` and ``start_ms`` are None for an episode hit.

    ``score`` is larger for better matches (the negated BM25 rank; only the order is meaningful).
    """

    podcast: str
    episode: str
    episode_guid: str
    chapter: str | None
    start_ms: int | None
    score: float
    podcast_url: str = ""
    #: The transcript line that matched (``start_ms`` is when it is said); None otherwise.
    line: str | None = None


def _aside_name(path: Path) -> Path:
    return path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")


def open_library(path: Path) -> tuple[Library, str | None]:
    """Open (or create) the library at ``path``; never overwrites an unreadable one.

    Returns the library and a message for the user, which is None unless the file existed but
    was corrupt or not a database: it is then moved aside as
    ``<name>.corrupt-YYYYmmdd-HHMMSS`` (with its WAL files) and a fresh library is created; or
    the library can't be written and opened read-only (the message says so). Raises
    LibraryBusyError when another process keeps it locked (it is never moved aside for that),
    LibraryError when the folder can't be written, the file can't be moved aside, or it was
    written by a newer podplayer (such a file is left alone), and when ``path`` is a folder.
    """
    if path.is_dir():
        raise LibraryError(
            f"The library {path} is a folder, not a library file: move it away or point "
            "PODPLAYER_HOME elsewhere"
        )
    try:
        library = Library(path)
        return library, library.problem
    except _CorruptError as exc:
        aside = _aside_name(path)
        try:
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                extra = path.with_name(path.name + suffix)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + suffix))
        except OSError as err:
            raise LibraryError(
                f"The library {path} is damaged ({exc}) and could not be moved aside: "
                f"{err.strerror or err}"
            ) from None
        log.warning("Moved the damaged library %s to %s: %s", path, aside, exc)
        message = (
            f"The library could not be read ({exc}). It was kept as {aside.name} and "
            "podplayer started with an empty library."
        )
        return Library(path), message


class _CorruptError(LibraryError):
    """The file exists but is not a usable SQLite database."""


class _LockedError(LibraryError):
    """Another connection holds the file locked: wait and retry, never take it for damage."""


_OPEN_ATTEMPTS = 3
_OPEN_WAIT_MS = 2000
_OPEN_RETRY_S = 0.5
_READ_ONLY_WORDS = (
    "The library can't be written (the file or its folder is read-only). podplayer plays on, "
    "but positions, subscriptions and settings are not saved until the file can be written."
)
# SQLite's primary result codes that mean no write will succeed for a while.
_STOP_WRITING_WORDS = {
    8: _READ_ONLY_WORDS,  # SQLITE_READONLY
    13: (  # SQLITE_FULL
        "The disk is full, so the library can't be saved. podplayer plays on without saving "
        "positions or settings; free some space and start podplayer again."
    ),
}


def _is_locked(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", -1) & 0xFF
    return code in (5, 6) or "locked" in str(exc) or "busy" in str(exc)  # BUSY, LOCKED


def _classified(exc: sqlite3.DatabaseError) -> LibraryError:
    """What an error while opening means: locked, read-only, or a damaged file."""
    if _is_locked(exc):
        return _LockedError(str(exc))
    code = getattr(exc, "sqlite_errorcode", -1) & 0xFF
    if code in (8, 14) or "readonly" in str(exc):  # READONLY, CANTOPEN (no -shm in the folder)
        return LibraryReadOnlyError(_READ_ONLY_WORDS)
    return _CorruptError(str(exc))


def _left_a_log(path: Path) -> bool:
    """Whether the file's write-ahead log is there and not empty: it was not closed cleanly
    (killed, or another connection has it open), so its pages are worth a check."""
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def _writable(path: Path) -> bool:
    """The file (when it exists) and its folder can be written; WAL mode needs both."""
    return os.access(path.parent, os.W_OK | os.X_OK) and (
        not path.exists() or os.access(path, os.W_OK)
    )


def _published(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _timestamp(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _digest(episode: Episode) -> str:
    parts = (
        episode.number,
        episode.title,
        _timestamp(episode.published),
        episode.duration_ms,
        episode.audio_url,
        episode.description,
        tuple((c.start_ms, c.end_ms, c.title, c.url, c.image, c.source) for c in episode.chapters),
        tuple((link.label, link.url, link.chapter_index) for link in episode.links),
        episode.chapters_url,
        tuple((t.url, t.type, t.language, t.rel) for t in episode.transcripts),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


_INSERT_EPISODE = (
    "INSERT INTO episodes (seq, number, title, published, duration_ms, audio_url, description, "
    "digest, chapters_url, podcast_id, guid, first_seen, is_new) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_EPISODE = (
    "UPDATE episodes SET seq = ?, number = ?, title = ?, published = ?, duration_ms = ?, "
    "audio_url = ?, description = ?, digest = ?, chapters_url = ? WHERE id = ?"
)
_INSERT_CHAPTER = (
    "INSERT OR REPLACE INTO chapters (episode_id, source, idx, start_ms, end_ms, title, url, "
    "image) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_INDEX_ROW = (
    "INSERT INTO search (rowid, title, body, podcast, chapters) VALUES (?, ?, ?, ?, ?)"
)


def _chapter_rows(episode_id: int, chapters: Iterable[Chapter]) -> list[tuple[Any, ...]]:
    counters: dict[str, int] = {}
    rows = []
    for chapter in chapters:
        source = str(chapter.source)
        idx = counters.get(source, 0)
        counters[source] = idx + 1
        rows.append(
            (
                episode_id,
                source,
                idx,
                chapter.start_ms,
                chapter.end_ms,
                chapter.title,
                chapter.url,
                chapter.image,
            )
        )
    return rows


def _delete_index_rows(conn: sqlite3.Connection, episode_ids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM search WHERE rowid = ?", [(i,) for i in episode_ids])


#: Rowids of one episode's transcript lines: episode id x TRANSCRIPT_ROWS + the line's place.
TRANSCRIPT_ROWS = 1 << 18
assert TRANSCRIPT_ROWS > MAX_ENTRIES


def _line_rowids(episode_id: int) -> tuple[int, int]:
    low = episode_id * TRANSCRIPT_ROWS
    return low, low + TRANSCRIPT_ROWS - 1


def _delete_transcript_lines(conn: sqlite3.Connection, episode_ids: Iterable[int]) -> None:
    conn.executemany(
        "DELETE FROM transcript_lines WHERE rowid BETWEEN ? AND ?",
        [_line_rowids(i) for i in episode_ids],
    )


def _forget_dropped_transcripts(
    conn: sqlite3.Connection, changed: list[tuple[int, Episode]]
) -> None:
    """Drop the cached transcripts (and their searchable lines) of changed episodes whose feed
    no longer names the file they were read from."""
    named = {episode_id: {t.url for t in episode.transcripts} for episode_id, episode in changed}
    dropped: list[int] = []
    for chunk in _chunks(list(named)):
        marks = ",".join("?" * len(chunk))
        dropped.extend(
            episode_id
            for episode_id, url in conn.execute(
                f"SELECT episode_id, url FROM transcript_cache WHERE episode_id IN ({marks})",
                chunk,
            )
            if url not in named[episode_id]
        )
    _delete_transcript_lines(conn, dropped)
    conn.executemany("DELETE FROM transcript_cache WHERE episode_id = ?", [(i,) for i in dropped])


IndexRow = tuple[int, str, str, str, str]


def _index_row(
    episode_id: int,
    title: str,
    description: str,
    podcast_title: str,
    chapter_titles: Iterable[str],
) -> IndexRow:
    """The search row of one episode: title, notes text, podcast title and its chapters'
    titles (every source; a title given by several sources once; at most
    _MAX_INDEXED_CHAPTERS)."""
    seen: dict[str, None] = {}
    for chapter_title in chapter_titles:
        text = chapter_title.strip()
        if text:
            seen.setdefault(text, None)
            if len(seen) >= _MAX_INDEXED_CHAPTERS:
                break
    return (episode_id, title, _notes_text(description), podcast_title, "\n".join(seen))


def _kept_titles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[str]]:
    """Chapter titles of the lists a refresh keeps, by episode id."""
    found: dict[int, list[str]] = {}
    kept = ",".join("?" * len(_KEPT_SOURCES))
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for episode_id, title in conn.execute(
            f"SELECT episode_id, title FROM chapters WHERE episode_id IN ({marks}) "
            f"AND source IN ({kept}) ORDER BY episode_id, source, idx",
            (*chunk, *_KEPT_SOURCES),
        ):
            found.setdefault(episode_id, []).append(title)
    return found


class _EpisodeStore:
    """Stores a feed's episodes in one podcast inside the caller's transaction, in bulk: one
    statement per kind of row (executemany), the search rows of all changed episodes at once."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        podcast_id: int,
        podcast_title: str,
        now: float,
        *,
        mark_new: bool,
    ) -> None:
        self.conn = conn
        self.podcast_id = podcast_id
        self.podcast_title = podcast_title
        self.now = now
        self.mark_new = mark_new

    def store(self, episodes: Iterable[Episode], known: dict[str, tuple[int, str | None]]) -> None:
        conn = self.conn
        moved: list[tuple[int, int]] = []
        changed: list[tuple[int, Episode]] = []
        added: list[tuple[int, Episode]] = []
        for seq, episode in enumerate(episodes):
            digest = _digest(episode)
            values = (
                seq,
                episode.number,
                episode.title,
                _timestamp(episode.published),
                episode.duration_ms,
                episode.audio_url,
                episode.description,
                digest,
                episode.chapters_url,
            )
            existing = known.get(episode.guid)
            if existing is None:
                cursor = conn.execute(
                    _INSERT_EPISODE,
                    (*values, self.podcast_id, episode.guid, self.now, int(self.mark_new)),
                )
                assert cursor.lastrowid is not None
                known[episode.guid] = (cursor.lastrowid, digest)
                added.append((cursor.lastrowid, episode))
            elif existing[1] == digest:
                moved.append((seq, existing[0]))
            else:
                conn.execute(_UPDATE_EPISODE, (*values, existing[0]))
                changed.append((existing[0], episode))
        conn.executemany("UPDATE episodes SET seq = ? WHERE id = ?", moved)
        _forget_dropped_transcripts(conn, changed)
        self._replace_feed_rows(changed)
        self._insert_rows(added, changed)
        # Indexed from what is in hand, plus the chapter lists a refresh keeps (the file's
        # tags, the listener's own) of changed episodes, which only the store has.
        kept = _kept_titles(conn, [episode_id for episode_id, _ in changed])
        _delete_index_rows(conn, (episode_id for episode_id, _ in changed))
        conn.executemany(
            _INSERT_INDEX_ROW,
            [
                _index_row(
                    episode_id,
                    episode.title,
                    episode.description,
                    self.podcast_title,
                    [*kept.get(episode_id, ()), *(c.title for c in episode.chapters)],
                )
                for episode_id, episode in (*added, *changed)
            ],
        )

    def _replace_feed_rows(self, changed: list[tuple[int, Episode]]) -> None:
        ids = [(episode_id,) for episode_id, _ in changed]
        kept = ",".join("?" * len(_KEPT_SOURCES))
        self.conn.executemany(
            f"DELETE FROM chapters WHERE episode_id = ? AND source NOT IN ({kept})",
            [(*i, *_KEPT_SOURCES) for i in ids],
        )
        for table in ("links", "transcripts"):
            self.conn.executemany(f"DELETE FROM {table} WHERE episode_id = ?", ids)

    def _insert_rows(
        self, added: list[tuple[int, Episode]], changed: list[tuple[int, Episode]]
    ) -> None:
        chapters: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        transcripts: list[tuple[Any, ...]] = []
        attachments: list[tuple[int, str]] = []
        for is_new, pairs in ((True, added), (False, changed)):
            for episode_id, episode in pairs:
                chapters.extend(
                    _chapter_rows(
                        episode_id,
                        episode.chapters
                        if is_new
                        else (c for c in episode.chapters if c.source not in _KEPT_SOURCES),
                    )
                )
                links.extend(
                    (episode_id, i, link.label, link.url, link.chapter_index)
                    for i, link in enumerate(episode.links)
                )
                transcripts.extend(
                    (episode_id, i, t.url, t.type, t.language, t.rel)
                    for i, t in enumerate(episode.transcripts)
                )
                if episode.local_path:
                    attachments.append((episode_id, episode.local_path))
        conn = self.conn
        conn.executemany(_INSERT_CHAPTER, chapters)
        conn.executemany(
            "INSERT INTO links (episode_id, idx, label, url, chapter_index) VALUES (?, ?, ?, ?, ?)",
            links,
        )
        conn.executemany(
            "INSERT INTO transcripts (episode_id, idx, url, type, language, rel) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            transcripts,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO attachments (episode_id, source) VALUES (?, ?)", attachments
        )


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+", re.UNICODE)


def _notes_text(description: str) -> str:
    """The notes as the index stores them: the text a reader sees (core.notes decides)."""
    return text_of(description)


def _folded(text: str) -> str:
    """Lower case without diacritics, as the index's tokenizer compares words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(text: str) -> list[str]:
    return _WORD.findall(_folded(text))


def _holds(text: str, terms: list[str]) -> bool:
    """Whether ``text`` has every word of ``terms``, the last one as a prefix.

    >>> _holds("Rust and cxx", ["cx"]), _holds("Rust and cxx", ["rust", "c"])
    (True, True)
    >>> _holds("Café talk", ["cafe"]), _holds("Intro", ["outro"])
    (True, False)
    """
    if not terms:
        return False
    words = _WORD.findall(_folded(text))
    *whole, last = terms
    present = set(words)
    return all(t in present for t in whole) and any(w.startswith(last) for w in words)


def _fts_query(text: str) -> str | None:
    """Words of ``text`` as an FTS5 query: all must match, the last one as a prefix.

    >>> _fts_query('cxx "modules"')
    '"cxx" "modules"*'
    >>> _fts_query("  ") is None
    True
    """
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class Library:
    """The SQLite store at ``path`` (created with its folder when missing).

    Raises LibraryError when the file can't be opened or written, or was made by a newer
    podplayer; a file that is not a database raises it too (:func:`open_library` handles that
    case by moving the file aside). Raises LibraryBusyError when another process holds the file
    locked for longer than the retries wait: busy is not damaged, and the file is left alone.
    Use on one thread only (see the module docstring).

    A library that can't be written (a read-only file or folder) opens read-only:
    :attr:`read_only` is True, :attr:`problem` says so in words, and every write raises
    LibraryReadOnlyError. A write that fails because the file became read-only or the disk is
    full turns the library read-only the same way (``first`` is True on the error that tells).

    Opening costs the same whatever the library's size: the page check (``PRAGMA quick_check``)
    runs only when the file was not closed cleanly (its write-ahead log was left behind), and
    ``verify`` False skips even that (a worker thread's connection to a file this process has
    opened).
    """

    def __init__(self, path: Path, *, verify: bool = True) -> None:
        self.path = path
        self._verify = verify
        self.read_only = False
        self.problem: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise LibraryError(
                f"Could not create the library folder {path.parent}: {exc.strerror}"
            ) from None
        unclean = _left_a_log(path)
        self._conn = self._connect(path)
        try:
            self._prepare_with_retries(unclean)
        except LibraryReadOnlyError:
            self._conn.close()
            self._open_read_only()
        except BaseException:
            self._conn.close()
            raise

    @staticmethod
    def _connect(path: Path, *, read_only: str = "") -> sqlite3.Connection:
        try:
            if read_only:
                uri = f"{path.resolve().as_uri()}?{read_only}"
                return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=0.5)
            # Autocommit mode: transactions are opened explicitly by _write().
            return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not open the library {path}: {exc}") from None

    # -- opening ---------------------------------------------------------------------------------

    def _prepare_with_retries(self, unclean: bool) -> None:
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                self._prepare(unclean)
                return
            except _LockedError:
                log.info("The library %s is locked (attempt %d)", self.path, attempt + 1)
                time.sleep(_OPEN_RETRY_S)
        raise LibraryBusyError(
            "The library is in use by another program and did not become free. podplayer "
            "left it untouched; close the other podplayer (or wait for its import) and try again."
        )

    def _prepare(self, unclean: bool) -> None:
        conn = self._conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {_OPEN_WAIT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if version > 0 and self._verify and unclean:
                check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if check != "ok":
                    raise _CorruptError(f"integrity check: {check}")
        except sqlite3.DatabaseError as exc:
            raise _classified(exc) from None
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"The library {self.path} was written by a newer podplayer (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); it was left untouched."
            )
        if not _writable(self.path):
            raise LibraryReadOnlyError(_READ_ONLY_WORDS)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives a killed process; only power loss can drop the
            # last commits.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise _classified(exc) from None
        self._migrate(version)

    def _open_read_only(self) -> None:
        self.read_only = True
        self.problem = _READ_ONLY_WORDS
        log.warning("The library %s can't be written; opening it read-only", self.path)
        # A read-only folder can't hold the WAL index SQLite needs even to read: then the file
        # is read as it is (nothing can write it there either).
        for mode in ("mode=ro", "mode=ro&immutable=1"):
            self._conn = self._connect(self.path, read_only=mode)
            try:
                version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                self._conn.execute("PRAGMA foreign_keys = ON")
                break
            except sqlite3.DatabaseError as exc:
                self._conn.close()
                error = exc
        else:
            raise LibraryError(f"Could not read the library {self.path}: {error}") from None
        if version != SCHEMA_VERSION:
            self._conn.close()
            raise LibraryError(
                "The library can't be written and was made by another version of podplayer "
                f"(schema {version}, this one uses {SCHEMA_VERSION}), so it can't be read. "
                "Make the file writable and start podplayer again."
            )

    def _migrate(self, version: int) -> None:
        for number in range(version, SCHEMA_VERSION):
            log.info("Migrating the library %s to schema %d", self.path, number + 1)
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                for statement in _statements(MIGRATIONS[number]):
                    self._conn.execute(statement)
                if number + 1 == 3:
                    # Schema 3 made the search index anew (schema 2's is dropped unfilled).
                    self._move_settings_into_tables()
                    self._reindex_all()
                self._conn.execute(f"PRAGMA user_version = {number + 1}")
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if _is_locked(exc):
                    raise _LockedError(str(exc)) from None
                raise LibraryError(
                    f"Could not update the library {self.path} to schema {number + 1}: {exc}"
                ) from None

    def close(self) -> None:
        """Close the connection; the Library can't be used afterwards."""
        self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise LibraryReadOnlyError(self.problem or _READ_ONLY_WORDS, first=False)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk).
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            self._fail_write(what, exc)

    def _fail_write(self, what: str, exc: sqlite3.Error) -> NoReturn:
        """Raise the error a failed write means: busy, read-only from now on, or plain."""
        if _is_locked(exc):
            raise LibraryBusyError(
                f"Could not {what}: the library is in use by another program. Try again in a "
                "moment."
            ) from None
        words = _STOP_WRITING_WORDS.get(getattr(exc, "sqlite_errorcode", -1) & 0xFF)
        if words is not None:
            log.warning("Writes to the library %s stopped: %s", self.path, exc)
            self.read_only = True
            self.problem = words
            raise LibraryReadOnlyError(words) from None
        raise LibraryError(f"Could not {what} in the library: {exc}") from None

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self._conn.execute(sql, tuple(params))
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not read the library: {exc}") from None

    # -- podcasts --------------------------------------------------------------------------------

    def add_podcast(self, podcast: Podcast) -> int:
        """Store ``podcast`` and its episodes; returns the podcast's id.

        An existing podcast with the same URL is updated; episodes are matched by guid and
        updated in place, so play state, attachments and chapter lists read from the audio file
        or made by the user are kept. Episodes no longer in the feed are kept too (listeners
        keep their history). Episodes that arrive in a podcast already subscribed (with
        episodes) are marked new. One transaction, whatever the number of episodes. Raises
        LibraryError.
        """
        podcast_id = self._store_podcast(podcast, create=True)
        assert podcast_id is not None
        return podcast_id

    def update_podcast(self, podcast: Podcast) -> bool:
        """:meth:`add_podcast` for a podcast that must still be subscribed: when the listener
        unsubscribed meanwhile (a refresh in flight), nothing is stored and False returned."""
        return self._store_podcast(podcast, create=False) is not None

    def subscribe(self, url: str, title: str = "") -> bool:
        """Subscribe to ``url`` before (or without) reading its feed: the subscription is kept
        whatever the feed does, until :meth:`remove_podcast`. ``title`` names it until the feed
        does (an OPML title; default: the URL). Returns False when already subscribed. Raises
        LibraryError."""
        with self._write("subscribe") as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO podcasts (url, title, added) VALUES (?, ?, ?)",
                (url, title.strip() or url, time.time()),
            )
            return cursor.rowcount > 0

    def _store_podcast(self, podcast: Podcast, *, create: bool) -> int | None:
        now = time.time()
        with self._write("save the podcast") as conn:
            row = conn.execute(
                "SELECT id, title FROM podcasts WHERE url = ?", (podcast.url,)
            ).fetchone()
            if row is None and not create:
                return None
            if row is None:
                podcast_id = conn.execute(
                    "INSERT INTO podcasts (url, title, description, image, added) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (podcast.url, podcast.title, podcast.description, podcast.image, now),
                ).lastrowid
                assert podcast_id is not None
            else:
                podcast_id = int(row[0])
                conn.execute(
                    "UPDATE podcasts SET title = ?, description = ?, image = ? WHERE id = ?",
                    (podcast.title, podcast.description, podcast.image, podcast_id),
                )
            known = {
                guid: (episode_id, digest)
                for guid, episode_id, digest in conn.execute(
                    "SELECT guid, id, digest FROM episodes WHERE podcast_id = ?", (podcast_id,)
                )
            }
            _EpisodeStore(conn, podcast_id, podcast.title, now, mark_new=bool(known)).store(
                podcast.episodes, known
            )
            # The podcast's title is in the index row of every one of its episodes.
            if row is not None and row[1] != podcast.title:
                self._reindex(conn, "WHERE podcast_id = ?", (podcast_id,))
        return podcast_id

    def _index_episode(self, conn: sqlite3.Connection, episode_id: int) -> None:
        """Rewrite the search rows of one episode (after its chapters changed)."""
        self._reindex(conn, "WHERE e.id = ?", (episode_id,))

    @staticmethod
    def _reindex(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> None:
        """Rewrite the search rows of the episodes ``where`` selects, in bulk."""
        rows = conn.execute(
            "SELECT e.id, e.title, e.description, p.title FROM episodes e "
            f"JOIN podcasts p ON p.id = e.podcast_id {where}",
            params,
        ).fetchall()
        ids = [r[0] for r in rows]
        chapters: dict[int, list[tuple[str, int, str]]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for episode_id, source, idx, title in conn.execute(
                "SELECT episode_id, source, idx, title FROM chapters "
                f"WHERE episode_id IN ({marks})",
                chunk,
            ):
                chapters.setdefault(episode_id, []).append((source, idx, title))
        _delete_index_rows(conn, ids)
        index = []
        for episode_id, title, description, podcast_title in rows:
            found = sorted(chapters.get(episode_id, ()), key=lambda c: (rank(c[0]), c[0], c[1]))
            index.append(
                _index_row(episode_id, title, description, podcast_title, [c[2] for c in found])
            )
        conn.executemany(_INSERT_INDEX_ROW, index)

    def _reindex_all(self) -> None:
        self._reindex(self._conn, "", ())

    def _move_settings_into_tables(self) -> None:
        """Schema 3: per-podcast JSON settings into their tables; orphans (of podcasts
        unsubscribed before) are dropped."""
        conn = self._conn
        ids = {url: pid for pid, url in conn.execute("SELECT id, url FROM podcasts")}
        for key, value in conn.execute("SELECT key, value FROM settings").fetchall():
            prefix = next((p for p in _PODCAST_SETTINGS if key.startswith(p)), None)
            if prefix is None:
                continue
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            podcast_id = ids.get(key[len(prefix) :])
            try:
                data = json.loads(value)
            except json.JSONDecodeError:
                continue
            if podcast_id is not None:
                _PODCAST_SETTINGS[prefix][1](conn, podcast_id, data)

    def podcasts(self) -> list[Podcast]:
        """Every podcast, by title, without episodes (see :meth:`episodes`). Raises LibraryError."""
        return [
            Podcast(url=r["url"], title=r["title"], description=r["description"], image=r["image"])
            for r in self._read(
                "SELECT url, title, description, image FROM podcasts ORDER BY title COLLATE NOCASE"
            )
        ]

    def podcast(self, url: str, *, with_episodes: bool = True) -> Podcast | None:
        """The podcast subscribed at ``url`` (with its episodes unless told not), or None.

        Raises LibraryError.
        """
        rows = self._read(
            "SELECT url, title, description, image FROM podcasts WHERE url = ?", [url]
        )
        if not rows:
            return None
        r = rows[0]
        return Podcast(
            url=r["url"],
            title=r["title"],
            description=r["description"],
            image=r["image"],
            episodes=tuple(self.episodes(url)) if with_episodes else (),
        )

    def guids(self, podcast_url: str) -> set[str]:
        """The guids of the podcast's stored episodes (empty for an unknown URL)."""
        return {
            r[0]
            for r in self._read(
                "SELECT e.guid FROM episodes e JOIN podcasts p ON p.id = e.podcast_id "
                "WHERE p.url = ?",
                [podcast_url],
            )
        }

    def episodes(self, podcast_url: str) -> list[Episode]:
        """The podcast's episodes in feed order (newest first for most feeds).

        Each carries its preferred chapter list (user, then tags, json, psc, show notes), its
        links, its chapter-file URL and transcripts, and an attached local file as
        ``local_path`` (an attached http(s) URL replaces ``audio_url``). An unknown URL gives
        an empty list. Raises LibraryError.
        """
        rows = self._read(
            "SELECT e.id, e.guid, e.number, e.title, e.published, e.duration_ms, e.audio_url, "
            "e.description, e.chapters_url, a.source AS attached FROM episodes e "
            "JOIN podcasts p ON p.id = e.podcast_id "
            "LEFT JOIN attachments a ON a.episode_id = e.id "
            "WHERE p.url = ? ORDER BY e.seq, e.id",
            [podcast_url],
        )
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        chapters = self._chapters_for(ids)
        links = self._links_for(ids)
        transcripts = self._transcripts_for(ids)
        result = []
        for r in rows:
            attached: str | None = r["attached"]
            web = attached is not None and attached.startswith(("http://", "https://"))
            result.append(
                Episode(
                    guid=r["guid"],
                    number=r["number"],
                    title=r["title"],
                    published=_published(r["published"]),
                    duration_ms=r["duration_ms"],
                    audio_url=attached if web else r["audio_url"],
                    local_path=None if web else attached,
                    description=r["description"],
                    chapters=chapters.get(r["id"], ()),
                    links=links.get(r["id"], ()),
                    chapters_url=r["chapters_url"],
                    transcripts=transcripts.get(r["id"], ()),
                )
            )
        return result

    def _chapters_for(self, ids: list[int]) -> dict[int, tuple[Chapter, ...]]:
        by_source: dict[int, dict[str, list[Chapter]]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._read(
                "SELECT episode_id, source, start_ms, end_ms, title, url, image FROM chapters "
                f"WHERE episode_id IN ({marks}) ORDER BY episode_id, source, idx",
                chunk,
            ):
                by_source.setdefault(row["episode_id"], {}).setdefault(row["source"], []).append(
                    _chapter(row)
                )
        return {
            episode_id: tuple(lists[min(lists, key=rank)])
            for episode_id, lists in by_source.items()
        }

    def _transcripts_for(self, ids: list[int]) -> dict[int, tuple[TranscriptRef, ...]]:
        return self._grouped(
            "url, type, language, rel FROM transcripts",
            ids,
            lambda row: TranscriptRef(row["url"], row["type"], row["language"], row["rel"]),
        )

    def _links_for(self, ids: list[int]) -> dict[int, tuple[Link, ...]]:
        return self._grouped(
            "label, url, chapter_index FROM links",
            ids,
            lambda row: Link(row["label"], row["url"], row["chapter_index"]),
        )

    def _grouped(
        self, columns_from: str, ids: list[int], make: Callable[[sqlite3.Row], _T]
    ) -> dict[int, tuple[_T, ...]]:
        """Rows of ``SELECT episode_id, <columns_from>`` for the episodes ``ids``, made into
        values in their stored order, by episode id."""
        found: dict[int, list[_T]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._read(
                f"SELECT episode_id, {columns_from} "
                f"WHERE episode_id IN ({marks}) ORDER BY episode_id, idx",
                chunk,
            ):
                found.setdefault(row["episode_id"], []).append(make(row))
        return {k: tuple(v) for k, v in found.items()}

    def chapter_lists(
        self, guid: str, *, podcast_url: str | None = None
    ) -> dict[str, tuple[Chapter, ...]]:
        """Every stored chapter list of an episode, by source name. Raises LibraryError."""
        episode_id = self._episode_id(guid, podcast_url)
        lists: dict[str, list[Chapter]] = {}
        for row in self._read(
            "SELECT source, start_ms, end_ms, title, url, image FROM chapters "
            "WHERE episode_id = ? ORDER BY source, idx",
            [episode_id],
        ):
            lists.setdefault(row["source"], []).append(_chapter(row))
        return {k: tuple(v) for k, v in lists.items()}

    def set_chapters(
        self, guid: str, source: str, chapters: Iterable[Chapter], *, podcast_url: str | None = None
    ) -> None:
        """Replace the episode's chapter list from ``source`` (e.g. read from the file's tags).

        Raises LibraryError (also for an unknown episode).
        """
        episode_id = self._episode_id(guid, podcast_url)
        items = [c if c.source == source else _with_source(c, source) for c in chapters]
        with self._write("save the chapters") as conn:
            conn.execute(
                "DELETE FROM chapters WHERE episode_id = ? AND source = ?", (episode_id, source)
            )
            conn.executemany(_INSERT_CHAPTER, _chapter_rows(episode_id, items))
            self._index_episode(conn, episode_id)

    def set_transcript(
        self,
        guid: str,
        ref: TranscriptRef,
        transcript: Transcript,
        *,
        podcast_url: str | None = None,
    ) -> None:
        """Cache the transcript read from ``ref`` for the episode, its lines in the search index
        (replacing any cached before). Raises LibraryError (also for an unknown episode)."""
        episode_id = self._episode_id(guid, podcast_url)
        low, _high = _line_rowids(episode_id)
        lines = [
            (low + i, cue.text, cue.speaker, cue.start_ms, cue.end_ms)
            for i, cue in enumerate(transcript.cues[:MAX_ENTRIES])
        ]
        with self._write("save the transcript") as conn:
            _delete_transcript_lines(conn, [episode_id])
            conn.execute(
                "INSERT OR REPLACE INTO transcript_cache (episode_id, url, type, language, rel, "
                "format, version, fetched) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    episode_id,
                    ref.url,
                    ref.type,
                    ref.language,
                    ref.rel,
                    transcript.format,
                    transcript.version,
                    time.time(),
                ),
            )
            conn.executemany(
                "INSERT INTO transcript_lines (rowid, body, speaker, start_ms, end_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                lines,
            )

    def transcript(
        self, guid: str, *, podcast_url: str | None = None
    ) -> tuple[TranscriptRef, Transcript] | None:
        """The cached transcript of the episode and the ref it was read from, None when none
        is cached. Raises LibraryError (also for an unknown episode)."""
        episode_id = self._episode_id(guid, podcast_url)
        rows = self._read(
            "SELECT url, type, language, rel, format, version FROM transcript_cache "
            "WHERE episode_id = ?",
            [episode_id],
        )
        if not rows:
            return None
        head = rows[0]
        cues = tuple(
            Cue(row["start_ms"], row["end_ms"], row["body"], row["speaker"])
            for row in self._read(
                "SELECT body, speaker, start_ms, end_ms FROM transcript_lines "
                "WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                _line_rowids(episode_id),
            )
        )
        ref = TranscriptRef(head["url"], head["type"], head["language"], head["rel"])
        return ref, Transcript(cues, head["format"], head["version"])

    def uncached_transcripts(self, podcast_url: str, limit: int) -> list[str]:
        """Guids of the podcast's newest episodes (at most ``limit``) that name a transcript
        and have none cached. Raises LibraryError."""
        return [
            row[0]
            for row in self._read(
                "SELECT e.guid FROM episodes e JOIN podcasts p ON p.id = e.podcast_id "
                "WHERE p.url = ? "
                "AND EXISTS (SELECT 1 FROM transcripts t WHERE t.episode_id = e.id) "
                "AND NOT EXISTS (SELECT 1 FROM transcript_cache c WHERE c.episode_id = e.id) "
                "ORDER BY e.seq LIMIT ?",
                [podcast_url, max(0, limit)],
            )
        ]

    def remove_podcast(self, url: str, *, delete_downloads: bool = False) -> bool:
        """Unsubscribe: forget the podcast, its episodes, their play state, attachments,
        preferences, skip rules, chapter ticks and feed status.

        Downloaded files are deleted too when ``delete_downloads`` (after the library forgot
        them; a file that can't be deleted is logged and left). Returns False when ``url`` was
        not subscribed. Raises LibraryError.
        """
        with self._write("remove the podcast") as conn:
            row = conn.execute("SELECT id FROM podcasts WHERE url = ?", (url,)).fetchone()
            if row is None:
                return False
            ids = [i for (i,) in conn.execute("SELECT id FROM episodes WHERE podcast_id = ?", row)]
            files = [
                str(path)
                for (path,) in conn.execute(
                    "SELECT a.source FROM attachments a JOIN episodes e ON e.id = a.episode_id "
                    "WHERE e.podcast_id = ? AND a.kind = 'download'",
                    row,
                )
            ]
            _delete_index_rows(conn, ids)
            _delete_transcript_lines(conn, ids)
            conn.execute("DELETE FROM podcasts WHERE id = ?", row)
            conn.execute("DELETE FROM feed_status WHERE url = ?", (url,))
        if delete_downloads:
            for path in files:
                delete_download_files(Path(path))
        return True

    def delete_download(self, guid: str, *, podcast_url: str | None = None) -> bool:
        """Delete an episode's downloaded file (with any unfinished part) and forget it; the
        episode plays from the web again. Returns False when it had no download. Raises
        LibraryError."""
        episode_id = self._episode_id(guid, podcast_url)
        with self._write("forget the download") as conn:
            row = conn.execute(
                "SELECT source FROM attachments WHERE episode_id = ? AND kind = 'download'",
                (episode_id,),
            ).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM attachments WHERE episode_id = ?", (episode_id,))
        delete_download_files(Path(row[0]))
        return True

    def downloads(self, podcast_url: str) -> dict[str, str]:
        """``{guid: file}`` of the podcast's downloaded episodes (the episode list's mark).

        Raises LibraryError."""
        return {
            r[0]: r[1]
            for r in self._read(
                "SELECT e.guid, a.source FROM attachments a JOIN episodes e ON e.id = a.episode_id "
                "JOIN podcasts p ON p.id = e.podcast_id WHERE p.url = ? AND a.kind = 'download'",
                [podcast_url],
            )
        }

    # -- play state ------------------------------------------------------------------------------

    def _episode_id(self, guid: str, podcast_url: str | None) -> int:
        if podcast_url is None:
            rows = self._read("SELECT id FROM episodes WHERE guid = ? LIMIT 2", [guid])
        else:
            rows = self._read(
                "SELECT e.id FROM episodes e JOIN podcasts p ON p.id = e.podcast_id "
                "WHERE e.guid = ? AND p.url = ?",
                [guid, podcast_url],
            )
        if not rows:
            raise LibraryError(f"There is no episode “{guid}” in the library")
        if len(rows) > 1:
            raise LibraryError(f"Several podcasts have an episode “{guid}”; say which podcast")
        return int(rows[0][0])

    def set_position(self, guid: str, position_ms: int, *, podcast_url: str | None = None) -> None:
        """Save where the listener is (ms) and when (now). Raises LibraryError."""
        episode_id = self._episode_id(guid, podcast_url)
        with self._write("save the position") as conn:
            conn.execute(
                "INSERT INTO play_state (episode_id, position_ms, last_played) VALUES (?, ?, ?) "
                "ON CONFLICT (episode_id) DO UPDATE SET position_ms = excluded.position_ms, "
                "last_played = excluded.last_played",
                (episode_id, max(0, int(position_ms)), time.time()),
            )
            conn.execute("UPDATE episodes SET is_new = 0 WHERE id = ? AND is_new", (episode_id,))

    def position(self, guid: str, *, podcast_url: str | None = None) -> int:
        """The saved position in ms (0 when never played). Raises LibraryError."""
        return self.play_state(guid, podcast_url=podcast_url).position_ms

    def play_state(self, guid: str, *, podcast_url: str | None = None) -> PlayState:
        """Position, played flag and last-played time of an episode. Raises LibraryError."""
        episode_id = self._episode_id(guid, podcast_url)
        rows = self._read(
            "SELECT position_ms, played, last_played FROM play_state WHERE episode_id = ?",
            [episode_id],
        )
        if not rows:
            return PlayState()
        r = rows[0]
        return PlayState(r["position_ms"], bool(r["played"]), r["last_played"])

    def play_states(self, podcast_url: str) -> dict[str, PlayState]:
        """Play state of every episode of a podcast that has one, by guid. Raises LibraryError."""
        return {
            r["guid"]: PlayState(r["position_ms"], bool(r["played"]), r["last_played"])
            for r in self._read(
                "SELECT e.guid, s.position_ms, s.played, s.last_played FROM play_state s "
                "JOIN episodes e ON e.id = s.episode_id JOIN podcasts p ON p.id = e.podcast_id "
                "WHERE p.url = ?",
                [podcast_url],
            )
        }

    def mark_played(
        self, guid: str, played: bool = True, *, podcast_url: str | None = None
    ) -> None:
        """Mark an episode played (position back to 0) or unplayed. Raises LibraryError."""
        episode_id = self._episode_id(guid, podcast_url)
        with self._write("mark the episode") as conn:
            conn.execute(
                "INSERT INTO play_state (episode_id, played, position_ms) VALUES (?, ?, 0) "
                "ON CONFLICT (episode_id) DO UPDATE SET played = excluded.played, "
                "position_ms = CASE WHEN excluded.played THEN 0 ELSE position_ms END",
                (episode_id, int(played)),
            )
            conn.execute("UPDATE episodes SET is_new = 0 WHERE id = ? AND is_new", (episode_id,))

    def new_episodes(self, podcast_url: str, since: float) -> list[str]:
        """Guids of the podcast's episodes first seen after ``since`` (Unix s), never played.

        Raises LibraryError.
        """
        return [
            r[0]
            for r in self._read(
                "SELECT e.guid FROM episodes e JOIN podcasts p ON p.id = e.podcast_id "
                "LEFT JOIN play_state s ON s.episode_id = e.id "
                "WHERE p.url = ? AND e.first_seen > ? AND s.last_played IS NULL "
                "AND coalesce(s.played, 0) = 0 ORDER BY e.seq",
                [podcast_url, since],
            )
        ]

    def new_counts(self) -> dict[str, int]:
        """``{podcast URL: number of new episodes}`` for podcasts that have any.

        An episode is new from the refresh that brought it (into a podcast already subscribed)
        until it is played, marked or cleared; the state is stored. Raises LibraryError."""
        return {
            r[0]: r[1]
            for r in self._read(
                "SELECT p.url, count(*) FROM episodes e JOIN podcasts p ON p.id = e.podcast_id "
                "WHERE e.is_new GROUP BY p.url"
            )
        }

    def new_guids(self, podcast_url: str) -> set[str]:
        """The guids of the podcast's new episodes (see :meth:`new_counts`). Raises
        LibraryError."""
        return {
            r[0]
            for r in self._read(
                "SELECT e.guid FROM episodes e JOIN podcasts p ON p.id = e.podcast_id "
                "WHERE p.url = ? AND e.is_new",
                [podcast_url],
            )
        }

    def clear_new(self, podcast_url: str, guids: Iterable[str] | None = None) -> None:
        """No longer new: ``guids`` of the podcast, or all its episodes. Raises LibraryError."""
        with self._write("update the new episodes") as conn:
            if guids is None:
                conn.execute(
                    "UPDATE episodes SET is_new = 0 WHERE is_new AND podcast_id = "
                    "(SELECT id FROM podcasts WHERE url = ?)",
                    (podcast_url,),
                )
                return
            conn.executemany(
                "UPDATE episodes SET is_new = 0 WHERE is_new AND guid = ? AND podcast_id = "
                "(SELECT id FROM podcasts WHERE url = ?)",
                [(guid, podcast_url) for guid in guids],
            )

    # -- per-podcast data ------------------------------------------------------------------------

    def _podcast_id(self, url: str) -> int:
        rows = self._read("SELECT id FROM podcasts WHERE url = ?", [url])
        if not rows:
            raise LibraryError(f"“{url}” is not subscribed")
        return int(rows[0][0])

    def podcast_prefs(self, podcast_url: str) -> PodcastPrefs:
        """The podcast's preferences, skip rules and chapter ticks (defaults when none are
        stored, or the podcast is unknown). Raises LibraryError."""
        rows = self._read("SELECT id FROM podcasts WHERE url = ?", [podcast_url])
        if not rows:
            return PodcastPrefs()
        return _read_prefs(self._conn, int(rows[0][0])) or PodcastPrefs()

    def set_podcast_prefs(self, podcast_url: str, prefs: PodcastPrefs) -> None:
        """Store the podcast's preferences (deleted with the podcast). Raises LibraryError
        (also when it is not subscribed)."""
        podcast_id = self._podcast_id(podcast_url)
        with self._write("save the podcast's preferences") as conn:
            _write_prefs(conn, podcast_id, prefs)

    def seen(self, podcast_url: str) -> float | None:
        """When the listener last caught up with the podcast (Unix s), or None. Raises
        LibraryError."""
        rows = self._read(
            "SELECT s.seen FROM podcast_prefs s JOIN podcasts p ON p.id = s.podcast_id "
            "WHERE p.url = ?",
            [podcast_url],
        )
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    def set_seen(self, podcast_url: str, when: float | None = None) -> None:
        """Record that the listener caught up with the podcast at ``when`` (default now).
        Raises LibraryError (also when it is not subscribed)."""
        podcast_id = self._podcast_id(podcast_url)
        with self._write("save the podcast's state") as conn:
            _write_seen(conn, podcast_id, time.time() if when is None else when)

    # -- attachments -----------------------------------------------------------------------------

    def attach_audio(
        self,
        guid: str,
        source: str | Path | None,
        *,
        podcast_url: str | None = None,
        kind: str = "attached",
    ) -> None:
        """Attach a local file or an http(s) URL as the episode's audio (None: detach).

        ``kind`` is ``"attached"`` (the user located it) or ``"download"``. Episodes read
        afterwards carry it (see :meth:`episodes`). Raises LibraryError.
        """
        episode_id = self._episode_id(guid, podcast_url)
        with self._write("attach the audio") as conn:
            if source is None:
                conn.execute("DELETE FROM attachments WHERE episode_id = ?", (episode_id,))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO attachments (episode_id, source, kind) "
                    "VALUES (?, ?, ?)",
                    (episode_id, str(source), kind),
                )

    def attachment(self, guid: str, *, podcast_url: str | None = None) -> str | None:
        """The attached file or URL of an episode, or None. Raises LibraryError."""
        episode_id = self._episode_id(guid, podcast_url)
        rows = self._read("SELECT source FROM attachments WHERE episode_id = ?", [episode_id])
        return str(rows[0][0]) if rows else None

    # -- settings --------------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """The JSON value stored under ``key``, or ``default``. Raises LibraryError.

        The per-podcast keys of earlier versions (``podcast prefs <url>``, ``seen <url>``,
        ``chapter-urls <url>``) still read, from the podcast's tables."""
        prefix = next((p for p in _PODCAST_SETTINGS if key.startswith(p)), None)
        if prefix is not None:
            rows = self._read("SELECT id FROM podcasts WHERE url = ?", [key[len(prefix) :]])
            if not rows:
                return default
            value = _PODCAST_SETTINGS[prefix][0](self._conn, int(rows[0][0]))
            return default if value is None else value
        rows = self._read("SELECT value FROM settings WHERE key = ?", [key])
        if not rows:
            return default
        try:
            return json.loads(rows[0][0])
        except json.JSONDecodeError:
            log.warning("Ignoring the unreadable setting %s", key)
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value`` under ``key``. Raises LibraryError (also for a
        value JSON can't hold)."""
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise LibraryError(f"The setting {key} can't be saved: {exc}") from None
        prefix = next((p for p in _PODCAST_SETTINGS if key.startswith(p)), None)
        if prefix is not None:
            # Old per-podcast keys go to the podcast's tables (nothing kept for an unknown one).
            rows = self._read("SELECT id FROM podcasts WHERE url = ?", [key[len(prefix) :]])
            if rows:
                with self._write("save the setting") as conn:
                    _PODCAST_SETTINGS[prefix][1](conn, int(rows[0][0]), value)
            return
        with self._write("save the setting") as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, text))

    # -- feed status -----------------------------------------------------------------------------

    def feed_status(self, url: str) -> FeedStatus:
        """The last refresh of the feed at ``url`` (empty when never refreshed)."""
        rows = self._read(
            "SELECT etag, last_modified, last_error, last_refresh, last_success, failing_since "
            "FROM feed_status WHERE url = ?",
            [url],
        )
        if not rows:
            return FeedStatus(url)
        return FeedStatus(url, *tuple(rows[0]))

    def feed_statuses(self) -> dict[str, FeedStatus]:
        """The status of every subscribed feed that was refreshed, by URL (``failing``,
        ``last_error`` and ``failing_since`` tell a failing one). Raises LibraryError."""
        return {
            r[0]: FeedStatus(*tuple(r))
            for r in self._read(
                "SELECT f.url, etag, last_modified, last_error, last_refresh, last_success, "
                "failing_since FROM feed_status f JOIN podcasts p ON p.url = f.url"
            )
        }

    def set_feed_status(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
        when: float | None = None,
    ) -> None:
        """Record a refresh of ``url`` at ``when`` (default now).

        Without ``error`` it was a success and the validators replace the stored ones; with an
        ``error`` the validators of the last success are kept. Raises LibraryError.
        """
        now = time.time() if when is None else when
        with self._write("save the feed status") as conn:
            if error is None:
                conn.execute(
                    "INSERT INTO feed_status (url, etag, last_modified, last_error, last_refresh, "
                    "last_success) VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                    "etag = excluded.etag, last_modified = excluded.last_modified, "
                    "last_error = NULL, last_refresh = excluded.last_refresh, "
                    "last_success = excluded.last_success, failing_since = NULL",
                    (url, etag, last_modified, now, now),
                )
            else:
                conn.execute(
                    "INSERT INTO feed_status (url, last_error, last_refresh, failing_since) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                    "last_error = excluded.last_error, last_refresh = excluded.last_refresh, "
                    "failing_since = coalesce(failing_since, excluded.failing_since)",
                    (url, error, now, now),
                )

    def optimize(self) -> None:
        """Merge the search index into one segment and refresh the query planner's statistics.

        Worth calling after a refresh of many feeds (seconds of work at most; run it off the GUI
        thread): many small index segments make every search slower. Raises LibraryError.
        """
        with self._write("optimise the search index") as conn:
            conn.execute("INSERT INTO search (search) VALUES ('optimize')")
        try:
            self._conn.execute("PRAGMA optimize")
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not optimise the library: {exc}") from None

    # -- search ----------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Episodes and chapters matching every word of ``text`` (the last word as a prefix).

        Titles, show notes and every chapter of every source are searched. Episodes are ranked
        (BM25: titles weigh most, then chapters, podcast titles and notes) among at most
        :data:`SEARCH_CAP` matching episodes, the newest first, so a one-letter or very common
        word costs no more than a rare one. Each matching episode gives its chapters whose
        title holds every word (in their order), its first LINES_PER_EPISODE timed transcript
        lines that hold them (``line`` set, ``start_ms`` when it is said; among the SEARCH_CAP
        newest matching lines) and then itself when its title or notes hold them or nothing
        finer does; episodes only their transcripts match follow, the most matching lines
        first. At most ``limit`` hits. Empty text gives no hits. Raises
        LibraryError.
        """
        query = _fts_query(text)
        terms = _terms(text)
        if query is None or limit <= 0:
            return []
        try:
            ranked = self._conn.execute(
                "SELECT rowid, score FROM (SELECT rowid, bm25(search, 10.0, 1.0, 3.0, 5.0) "
                "AS score FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ?) "
                "ORDER BY score, rowid DESC LIMIT ?",
                (query, SEARCH_CAP, limit),
            ).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not search the library: {exc}") from None
        matched_lines = self._hit_lines(query)
        ranked_ids = {rowid for rowid, _ in ranked}
        # Episodes only their transcripts match come after those the main index ranks: the
        # most matching lines first, then the newest.
        ranked += sorted(
            (
                (episode_id, -len(rowids))
                for episode_id, rowids in matched_lines.items()
                if episode_id not in ranked_ids
            ),
            key=lambda pair: (pair[1], -pair[0]),
        )[:limit]
        ids = [rowid for rowid, _ in ranked]
        episodes = self._hit_episodes(ids)
        chapters = self._hit_chapters(ids)
        lines = self._line_texts(
            [
                rowid
                for episode_id in ids
                for rowid in sorted(matched_lines.get(episode_id, ()))[:LINES_PER_EPISODE]
            ]
        )
        result: list[SearchHit] = []
        for episode_id, score in ranked:
            found = episodes.get(episode_id)
            if found is None:
                continue
            guid, title, description, podcast_title, podcast_url = found
            matching = [(s, t) for s, t in chapters.get(episode_id, ()) if _holds(t, terms)]
            hit = functools.partial(
                SearchHit, podcast_title, title, guid, score=-float(score), podcast_url=podcast_url
            )
            # The chapters first: a chapter says where in the episode the words are.
            result.extend(hit(chapter, start) for start, chapter in matching)
            spoken = lines.get(episode_id, [])
            timed = [(start, text) for start, text in spoken if start is not None]
            result.extend(hit(None, start, line=text) for start, text in timed)
            if (
                not (matching or timed)
                or _holds(title, terms)
                or _holds(_notes_text(description), terms)
            ):
                result.append(hit(None, None))
        return result[:limit]

    def _hit_lines(self, query: str) -> dict[int, list[int]]:
        """Rowids of the transcript lines matching ``query`` by episode id, among the
        SEARCH_CAP newest matching lines (the index alone answers: no line is read)."""
        try:
            rows = self._conn.execute(
                "SELECT rowid FROM transcript_lines WHERE transcript_lines MATCH ? "
                "ORDER BY rowid DESC LIMIT ?",
                (query, SEARCH_CAP),
            ).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not search the transcripts: {exc}") from None
        found: dict[int, list[int]] = {}
        for (rowid,) in rows:
            found.setdefault(rowid // TRANSCRIPT_ROWS, []).append(rowid)
        return found

    def _line_texts(self, rowids: list[int]) -> dict[int, list[tuple[int | None, str]]]:
        """(start ms or None when untimed, text) of transcript lines by episode id, in order."""
        found: dict[int, list[tuple[int | None, str]]] = {}
        for chunk in _chunks(sorted(rowids)):
            marks = ",".join("?" * len(chunk))
            for rowid, start, body in self._read(
                f"SELECT rowid, start_ms, body FROM transcript_lines WHERE rowid IN ({marks}) "
                "ORDER BY rowid",
                chunk,
            ):
                found.setdefault(rowid // TRANSCRIPT_ROWS, []).append((start, body))
        return found

    def _hit_episodes(self, ids: list[int]) -> dict[int, tuple[str, str, str, str, str]]:
        found: dict[int, tuple[str, str, str, str, str]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._read(
                "SELECT e.id, e.guid, e.title, e.description, p.title, p.url FROM episodes e "
                f"JOIN podcasts p ON p.id = e.podcast_id WHERE e.id IN ({marks})",
                chunk,
            ):
                found[row[0]] = (row[1], row[2], row[3], row[4], row[5])
        return found

    def _hit_chapters(self, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        """Each episode's chapters (start ms, title) of every source, best source first, a
        chapter that several sources give (same title, same second) once."""
        rows: dict[int, list[tuple[str, int, int, str]]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._read(
                "SELECT episode_id, source, idx, start_ms, title FROM chapters "
                f"WHERE episode_id IN ({marks})",
                chunk,
            ):
                rows.setdefault(row[0], []).append((row[1], row[2], row[3], row[4]))
        found: dict[int, list[tuple[int, str]]] = {}
        for episode_id, chapters in rows.items():
            seen: set[tuple[str, int]] = set()
            for _source, _idx, start, title in sorted(chapters, key=lambda c: (rank(c[0]), c[1])):
                key = (title.casefold(), start // 1000)
                if key not in seen:
                    seen.add(key)
                    found.setdefault(episode_id, []).append((int(start), title))
        return found


#: The most matches a search ranks: past it, the newest matches are ranked and the rest are not.
SEARCH_CAP = 2000
#: The most transcript lines of one episode a search gives.
LINES_PER_EPISODE = 3


def _read_prefs(conn: sqlite3.Connection, podcast_id: int) -> PodcastPrefs | None:
    row = conn.execute(
        "SELECT intro_ms, outro_ms, speed, volume, allow_images FROM podcast_prefs "
        "WHERE podcast_id = ?",
        (podcast_id,),
    ).fetchone()
    rules = tuple(
        r
        for (r,) in conn.execute(
            "SELECT rule FROM skip_rules WHERE podcast_id = ? ORDER BY idx", (podcast_id,)
        )
    )
    ticks: dict[str, dict[int, bool]] = {}
    for guid, start, play in conn.execute(
        "SELECT guid, start_ms, play FROM chapter_ticks WHERE podcast_id = ?", (podcast_id,)
    ):
        ticks.setdefault(guid, {})[int(start)] = bool(play)
    if row is None and not rules and not ticks:
        return None
    intro, outro, speed, volume, images = row if row is not None else (0, 0, None, None, 0)
    return PodcastPrefs(
        intro_ms=int(intro),
        outro_ms=int(outro),
        speed=speed,
        volume=volume,
        rules=rules,
        allow_images=bool(images),
        ticks=ticks,
    )


def _write_prefs(conn: sqlite3.Connection, podcast_id: int, prefs: PodcastPrefs) -> None:
    conn.execute(
        "INSERT INTO podcast_prefs (podcast_id, intro_ms, outro_ms, speed, volume, allow_images) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (podcast_id) DO UPDATE SET "
        "intro_ms = excluded.intro_ms, outro_ms = excluded.outro_ms, speed = excluded.speed, "
        "volume = excluded.volume, allow_images = excluded.allow_images",
        (
            podcast_id,
            prefs.intro_ms,
            prefs.outro_ms,
            prefs.speed,
            prefs.volume,
            int(prefs.allow_images),
        ),
    )
    conn.execute("DELETE FROM skip_rules WHERE podcast_id = ?", (podcast_id,))
    conn.executemany(
        "INSERT INTO skip_rules (podcast_id, idx, rule) VALUES (?, ?, ?)",
        [(podcast_id, i, rule) for i, rule in enumerate(normalise_rules(prefs.rules))],
    )
    conn.execute("DELETE FROM chapter_ticks WHERE podcast_id = ?", (podcast_id,))
    conn.executemany(
        "INSERT INTO chapter_ticks (podcast_id, guid, start_ms, play) VALUES (?, ?, ?, ?)",
        [
            (podcast_id, guid, int(start), int(play))
            for guid, marks in prefs.ticks.items()
            for start, play in marks.items()
        ],
    )


def _write_seen(conn: sqlite3.Connection, podcast_id: int, when: Any) -> None:
    if isinstance(when, bool) or not isinstance(when, int | float):
        return
    conn.execute(
        "INSERT INTO podcast_prefs (podcast_id, seen) VALUES (?, ?) "
        "ON CONFLICT (podcast_id) DO UPDATE SET seen = excluded.seen",
        (podcast_id, float(when)),
    )


def _read_seen(conn: sqlite3.Connection, podcast_id: int) -> float | None:
    row = conn.execute(
        "SELECT seen FROM podcast_prefs WHERE podcast_id = ?", (podcast_id,)
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _read_chapter_urls(conn: sqlite3.Connection, podcast_id: int) -> dict[str, str] | None:
    found = dict(
        conn.execute(
            "SELECT guid, chapters_url FROM episodes WHERE podcast_id = ? "
            "AND chapters_url IS NOT NULL",
            (podcast_id,),
        ).fetchall()
    )
    return found or None


def _write_chapter_urls(conn: sqlite3.Connection, podcast_id: int, urls: Any) -> None:
    if not isinstance(urls, dict):
        return
    conn.executemany(
        "UPDATE episodes SET chapters_url = ? WHERE podcast_id = ? AND guid = ?",
        [(u, podcast_id, g) for g, u in urls.items() if isinstance(u, str) and isinstance(g, str)],
    )


_PodcastGetter = Callable[[sqlite3.Connection, int], Any]
_PodcastSetter = Callable[[sqlite3.Connection, int, Any], None]

# The per-podcast settings keys of schema 2 ("<prefix><podcast url>") and the tables that hold
# them now: moved by the migration, and still readable and writable through setting().
_PODCAST_SETTINGS: dict[str, tuple[_PodcastGetter, _PodcastSetter]] = {
    "podcast prefs ": (
        lambda conn, pid: p.to_json() if (p := _read_prefs(conn, pid)) else None,
        lambda conn, pid, data: _write_prefs(conn, pid, PodcastPrefs.from_json(data)),
    ),
    "seen ": (_read_seen, _write_seen),
    "chapter-urls ": (_read_chapter_urls, _write_chapter_urls),
}


def _chapter(row: sqlite3.Row) -> Chapter:
    return Chapter(
        row["start_ms"], row["title"], row["end_ms"], row["url"], row["image"], row["source"]
    )


def _with_source(chapter: Chapter, source: str) -> Chapter:
    return Chapter(
        chapter.start_ms, chapter.title, chapter.end_ms, chapter.url, chapter.image, source
    )


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (ours hold no semicolons inside strings)."""
    for statement in script.split(";"):
        if statement.strip():
            yield statement.strip()

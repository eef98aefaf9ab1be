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
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from podplayer.core.errors import LibraryError
from podplayer.core.model import Chapter, ChapterSource, Episode, Link, Podcast

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
_PRECEDENCE: dict[str, int] = {
    str(source): rank
    for rank, source in enumerate(
        (
            ChapterSource.USER,
            ChapterSource.TAGS,
            ChapterSource.JSON,
            ChapterSource.PSC,
            ChapterSource.SHOWNOTES,
        )
    )
}


def _rank(source: str) -> int:
    return _PRECEDENCE.get(source, len(_PRECEDENCE))


# FTS rowids pack the episode id and the chapter's place: the episode's own row has 0 in the
# low bits, chapter i has i + 1. A range delete then drops an episode's rows without a scan.
_ROW_BITS = 12
_MAX_INDEXED_CHAPTERS = (1 << _ROW_BITS) - 2

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

MIGRATIONS: tuple[str, ...] = (_SCHEMA_1, _SCHEMA_2)
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


def _aside_name(path: Path) -> Path:
    return path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")


def open_library(path: Path) -> tuple[Library, str | None]:
    """Open (or create) the library at ``path``; never overwrites an unreadable one.

    Returns the library and a message for the user, which is None unless the file existed but
    was corrupt or not a database: it is then moved aside as
    ``<name>.corrupt-YYYYmmdd-HHMMSS`` (with its WAL files) and a fresh library is created.
    Raises LibraryError when the folder can't be written, the file can't be moved aside, or it
    was written by a newer podplayer (such a file is left alone).
    """
    try:
        return Library(path), None
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
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+", re.UNICODE)


def _notes_text(description: str) -> str:
    # A rough tag strip is enough for indexing; what is shown comes from the real converter.
    return _TAG.sub(" ", description) if "<" in description else description


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
    case by moving the file aside). Use on one thread only (see the module docstring).

    ``verify`` False skips the integrity check of every page (``PRAGMA quick_check``, about
    1 ms per MB): for a file this process has already checked, such as a worker thread's
    connection, or the window's after a check run beside the start-up.
    """

    def __init__(self, path: Path, *, verify: bool = True) -> None:
        self.path = path
        self._verify = verify
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise LibraryError(
                f"Could not create the library folder {path.parent}: {exc.strerror}"
            ) from None
        try:
            # Autocommit mode: transactions are opened explicitly by _write().
            self._conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not open the library {path}: {exc}") from None
        try:
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    # -- opening ---------------------------------------------------------------------------------

    def _prepare(self) -> None:
        conn = self._conn
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if version > 0 and self._verify:
                check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if check != "ok":
                    raise _CorruptError(f"integrity check: {check}")
        except sqlite3.DatabaseError as exc:
            raise _CorruptError(str(exc)) from None
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"The library {self.path} was written by a newer podplayer (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); it was left untouched."
            )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives a killed process; only power loss can drop the
            # last commits.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(version)
        except sqlite3.DatabaseError as exc:
            raise _CorruptError(str(exc)) from None

    def _migrate(self, version: int) -> None:
        for number in range(version, SCHEMA_VERSION):
            log.info("Migrating the library %s to schema %d", self.path, number + 1)
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                for statement in _statements(MIGRATIONS[number]):
                    self._conn.execute(statement)
                if number + 1 == 2:
                    self._reindex_all()
                self._conn.execute(f"PRAGMA user_version = {number + 1}")
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
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
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
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
        keep their history). Raises LibraryError.
        """
        now = time.time()
        with self._write("save the podcast") as conn:
            row = conn.execute(
                "SELECT id, title FROM podcasts WHERE url = ?", (podcast.url,)
            ).fetchone()
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
            for seq, episode in enumerate(podcast.episodes):
                self._store_episode(
                    conn,
                    podcast_id,
                    podcast.title,
                    seq,
                    episode,
                    existing=known.get(episode.guid),
                    now=now,
                )
            # The podcast's title is in the index row of every one of its episodes.
            if row is not None and row[1] != podcast.title:
                for (episode_id,) in conn.execute(
                    "SELECT id FROM episodes WHERE podcast_id = ?", (podcast_id,)
                ).fetchall():
                    self._index_episode(conn, episode_id)
        return podcast_id

    def _store_episode(
        self,
        conn: sqlite3.Connection,
        podcast_id: int,
        podcast_title: str,
        seq: int,
        episode: Episode,
        *,
        existing: tuple[int, str | None] | None,
        now: float,
    ) -> None:
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
        )
        if existing is None:
            episode_id = conn.execute(
                "INSERT INTO episodes (seq, number, title, published, duration_ms, audio_url, "
                "description, digest, podcast_id, guid, first_seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, podcast_id, episode.guid, now),
            ).lastrowid
            assert episode_id is not None
        else:
            episode_id, old_digest = existing
            if old_digest == digest:
                conn.execute("UPDATE episodes SET seq = ? WHERE id = ?", (seq, episode_id))
                return
            conn.execute(
                "UPDATE episodes SET seq = ?, number = ?, title = ?, published = ?, "
                "duration_ms = ?, audio_url = ?, description = ?, digest = ? WHERE id = ?",
                (*values, episode_id),
            )
            kept = ",".join("?" * len(_KEPT_SOURCES))
            conn.execute(
                f"DELETE FROM chapters WHERE episode_id = ? AND source NOT IN ({kept})",
                (episode_id, *_KEPT_SOURCES),
            )
            conn.execute("DELETE FROM links WHERE episode_id = ?", (episode_id,))
        if episode.local_path:
            conn.execute(
                "INSERT OR IGNORE INTO attachments (episode_id, source) VALUES (?, ?)",
                (episode_id, episode.local_path),
            )
        self._insert_chapters(
            conn,
            episode_id,
            [c for c in episode.chapters if c.source not in _KEPT_SOURCES]
            if existing is not None
            else list(episode.chapters),
        )
        conn.executemany(
            "INSERT INTO links (episode_id, idx, label, url, chapter_index) VALUES (?, ?, ?, ?, ?)",
            [
                (episode_id, i, link.label, link.url, link.chapter_index)
                for i, link in enumerate(episode.links)
            ],
        )
        self._index_episode(conn, episode_id, podcast_title)

    @staticmethod
    def _insert_chapters(
        conn: sqlite3.Connection, episode_id: int, chapters: list[Chapter]
    ) -> None:
        counters: dict[str, int] = {}
        rows = []
        for chapter in chapters:
            idx = counters.get(chapter.source, 0)
            counters[chapter.source] = idx + 1
            rows.append(
                (
                    episode_id,
                    str(chapter.source),
                    idx,
                    chapter.start_ms,
                    chapter.end_ms,
                    chapter.title,
                    chapter.url,
                    chapter.image,
                )
            )
        conn.executemany(
            "INSERT OR REPLACE INTO chapters "
            "(episode_id, source, idx, start_ms, end_ms, title, url, image) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _index_episode(
        self, conn: sqlite3.Connection, episode_id: int, podcast_title: str | None = None
    ) -> None:
        """Rewrite the search rows of one episode: its own row and its shown chapter list."""
        low = episode_id << _ROW_BITS
        conn.execute(
            "DELETE FROM search WHERE rowid BETWEEN ? AND ?", (low, low + (1 << _ROW_BITS) - 1)
        )
        row = conn.execute(
            "SELECT e.title, e.description, p.title FROM episodes e "
            "JOIN podcasts p ON p.id = e.podcast_id WHERE e.id = ?",
            (episode_id,),
        ).fetchone()
        if row is None:
            return
        title, description, stored_podcast_title = row
        podcast_title = stored_podcast_title if podcast_title is None else podcast_title
        conn.execute(
            "INSERT INTO search (rowid, title, body, podcast) VALUES (?, ?, ?, ?)",
            (low, title, _notes_text(description), podcast_title),
        )
        chapters = self._chapter_rows(conn, episode_id)[:_MAX_INDEXED_CHAPTERS]
        conn.executemany(
            "INSERT INTO search (rowid, title, body, podcast) VALUES (?, ?, '', '')",
            [(low + i + 1, chapter_title) for i, (_, chapter_title) in enumerate(chapters)],
        )

    @staticmethod
    def _best_source(conn: sqlite3.Connection, episode_id: int) -> str | None:
        sources = [
            str(s)
            for (s,) in conn.execute(
                "SELECT DISTINCT source FROM chapters WHERE episode_id = ?", (episode_id,)
            )
        ]
        if not sources:
            return None
        return min(sources, key=_rank)

    def _chapter_rows(self, conn: sqlite3.Connection, episode_id: int) -> list[tuple[int, str]]:
        source = self._best_source(conn, episode_id)
        if source is None:
            return []
        return [
            (int(start), str(title))
            for start, title in conn.execute(
                "SELECT start_ms, title FROM chapters WHERE episode_id = ? AND source = ? "
                "ORDER BY idx",
                (episode_id, source),
            )
        ]

    def _reindex_all(self) -> None:
        for (episode_id,) in self._conn.execute("SELECT id FROM episodes").fetchall():
            self._index_episode(self._conn, episode_id)

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
        links, and an attached local file as ``local_path`` (an attached http(s) URL replaces
        ``audio_url``). An unknown URL gives an empty list. Raises LibraryError.
        """
        rows = self._read(
            "SELECT e.id, e.guid, e.number, e.title, e.published, e.duration_ms, e.audio_url, "
            "e.description, a.source AS attached FROM episodes e "
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
            episode_id: tuple(lists[min(lists, key=_rank)])
            for episode_id, lists in by_source.items()
        }

    def _links_for(self, ids: list[int]) -> dict[int, tuple[Link, ...]]:
        found: dict[int, list[Link]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self._read(
                "SELECT episode_id, label, url, chapter_index FROM links "
                f"WHERE episode_id IN ({marks}) ORDER BY episode_id, idx",
                chunk,
            ):
                found.setdefault(row["episode_id"], []).append(
                    Link(row["label"], row["url"], row["chapter_index"])
                )
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
            self._insert_chapters(conn, episode_id, items)
            self._index_episode(conn, episode_id)

    def remove_podcast(self, url: str) -> bool:
        """Unsubscribe: forget the podcast, its episodes, their play state and attachments.

        Downloaded files are not deleted here. Returns False when ``url`` was not subscribed.
        Raises LibraryError.
        """
        with self._write("remove the podcast") as conn:
            row = conn.execute("SELECT id FROM podcasts WHERE url = ?", (url,)).fetchone()
            if row is None:
                return False
            for (episode_id,) in conn.execute(
                "SELECT id FROM episodes WHERE podcast_id = ?", (row[0],)
            ).fetchall():
                low = episode_id << _ROW_BITS
                conn.execute(
                    "DELETE FROM search WHERE rowid BETWEEN ? AND ?",
                    (low, low + (1 << _ROW_BITS) - 1),
                )
            conn.execute("DELETE FROM podcasts WHERE id = ?", (row[0],))
            conn.execute("DELETE FROM feed_status WHERE url = ?", (url,))
        return True

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
        """The JSON value stored under ``key``, or ``default``. Raises LibraryError."""
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
        with self._write("save the setting") as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, text))

    # -- feed status -----------------------------------------------------------------------------

    def feed_status(self, url: str) -> FeedStatus:
        """The last refresh of the feed at ``url`` (empty when never refreshed)."""
        rows = self._read(
            "SELECT etag, last_modified, last_error, last_refresh, last_success FROM feed_status "
            "WHERE url = ?",
            [url],
        )
        if not rows:
            return FeedStatus(url)
        return FeedStatus(url, *tuple(rows[0]))

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
                    "last_success = excluded.last_success",
                    (url, etag, last_modified, now, now),
                )
            else:
                conn.execute(
                    "INSERT INTO feed_status (url, last_error, last_refresh) VALUES (?, ?, ?) "
                    "ON CONFLICT (url) DO UPDATE SET last_error = excluded.last_error, "
                    "last_refresh = excluded.last_refresh",
                    (url, error, now),
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

        Titles weigh more than show notes; best first. Empty text gives no hits. Raises
        LibraryError.
        """
        query = _fts_query(text)
        if query is None or limit <= 0:
            return []
        try:
            hits = self._conn.execute(
                "SELECT rowid, bm25(search, 10.0, 1.0, 3.0) AS score FROM search "
                "WHERE search MATCH ? ORDER BY score LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"Could not search the library: {exc}") from None
        result = []
        mask = (1 << _ROW_BITS) - 1
        for rowid, score in hits:
            episode_id, place = rowid >> _ROW_BITS, rowid & mask
            rows = self._read(
                "SELECT e.guid, e.title, p.title, p.url FROM episodes e "
                "JOIN podcasts p ON p.id = e.podcast_id WHERE e.id = ?",
                [episode_id],
            )
            if not rows:
                continue
            guid, episode_title, podcast_title, podcast_url = rows[0]
            chapter: str | None = None
            start: int | None = None
            if place:
                found = self._chapter_rows(self._conn, episode_id)
                if place - 1 >= len(found):
                    continue
                start, chapter = found[place - 1]
            result.append(
                SearchHit(
                    podcast_title, episode_title, guid, chapter, start, -float(score), podcast_url
                )
            )
        return result


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

"""Chapter tags inside audio files (``source="tags"``).

- MP3: ID3v2 ``CHAP`` frames (title ``TIT2``, link ``WXXX``/``WOAR``, picture ``APIC``), ordered by
  the top-level ``CTOC``; read with mutagen.
- MP4/M4A/M4B: Nero ``moov/udta/chpl`` and QuickTime chapter text tracks (``tref/chap``) with
  their ``href`` atoms. mutagen misses the second kind, so both come from the small box reader
  below, which also works on the first bytes of a file.
- Ogg Vorbis, Opus, FLAC: ``CHAPTERxxx`` / ``CHAPTERxxxNAME`` / ``CHAPTERxxxURL`` comments.

An embedded picture has no URL; its chapter's ``image`` is then ``"apic:<element id>"``, a
reference :func:`read_tag_image` resolves against the same file.

Every count a file states is checked before it is believed: a chapter track's sample tables,
the number of tracks, boxes, comments and chapters are capped (see
:data:`~podplayer.core.chapters.limits.MAX_CHAPTERS`), so a crafted file of a few kilobytes
can't ask for gigabytes, and every walk is linear in what it reads.
"""

from __future__ import annotations

import io
import logging
import os
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import mutagen._vorbis
import mutagen.id3
import mutagen.ogg
from mutagen.id3 import ID3NoHeaderError

from podplayer.core.chapters.limits import MAX_CHAPTERS, check_chapter_count
from podplayer.core.chapters.psc import parse_npt
from podplayer.core.errors import ParseError, TimecodeError
from podplayer.core.model import Chapter, ChapterSource

log = logging.getLogger(__name__)

# mutagen's annotations are partial; these names keep strict mypy off its untyped calls.
ID3: Any = mutagen.id3.ID3
OggPage: Any = mutagen.ogg.OggPage
VCommentDict: Any = mutagen._vorbis.VCommentDict

__all__ = [
    "head_bytes_needed",
    "read_tag_chapters",
    "read_tag_chapters_from_head",
    "read_tag_image",
]

IMAGE_REF_PREFIX = "apic:"
#: The index of a ten-hour audiobook is under 8 MB.
MAX_MOOV_BYTES = 16 * 1024 * 1024
#: A chapter title and its link: a text sample past this is read only this far.
MAX_SAMPLE_BYTES = 2 * 1024
#: Chapter text tracks read: the titles, and a second track of links (Hindenburg).
MAX_CHAPTER_TRACKS = 2
#: Boxes in one container (a real one holds a handful; fragmented files a few thousand).
MAX_BOXES = 100_000
MAX_TRACKS = 256
#: Vorbis comments in one tag, and the bytes of the tag (cover art included).
MAX_COMMENTS = 10_000
MAX_COMMENT_BYTES = 16 * 1024 * 1024
#: How far into an Ogg or FLAC file the tags are looked for.
MAX_SCAN_BYTES = 64 * 1024 * 1024
#: ID3 frames in one tag, sub-frames included: a chapter, its title, link and picture.
MAX_ID3_FRAMES = 4 * MAX_CHAPTERS
_CHAPTER_KEY = re.compile(r"^chapter(\d{1,4})(name|url)?$", re.IGNORECASE | re.ASCII)

Source = str | os.PathLike[str] | BinaryIO


class _TruncatedError(Exception):
    """A structure runs past the bytes we have (a file's head, or a damaged file)."""


def read_tag_chapters(source: Source, *, name: str = "") -> tuple[Chapter, ...]:
    """Chapters stored in an audio file's tags, sorted by start (ms), ``source="tags"``.

    ``source`` is a path or a binary file object; ``name`` only serves messages. A file without
    chapter tags gives ``()``. Raises ParseError when the file can't be read or its tags are
    damaged.
    """
    label = name or (os.fspath(source) if isinstance(source, str | os.PathLike) else "this file")
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as stream:
                return _read(stream, head=False)
        return _read(source, head=False)
    except OSError as exc:
        raise ParseError(f"Cannot read the chapters of {label}: {exc.strerror or exc}") from None
    except _TruncatedError:
        raise ParseError(f"The chapter tags of {label} are cut short or damaged") from None


def read_tag_chapters_from_head(data: bytes, *, name: str = "") -> tuple[Chapter, ...]:
    """Chapters from the first bytes of an audio file (an HTTP Range read of its head).

    Whatever lies past ``data`` is treated as absent: a tag that runs beyond it gives ``()``
    (see :func:`head_bytes_needed` for how much an ID3 tag needs). Never raises for a short head;
    raises ParseError only for tags that are damaged within the bytes given.
    """
    try:
        return _read(io.BytesIO(data), head=True)
    except _TruncatedError:
        log.info("chapter tags of %s run past the %d bytes read", name or "a stream", len(data))
        return ()


def head_bytes_needed(head: bytes) -> int | None:
    """How many bytes from the start hold the whole ID3v2 tag, from its first 10 bytes.

    None when ``head`` does not start with an ID3v2 header (other formats: read a fixed head).

    >>> head_bytes_needed(b"ID3\\x04\\x00\\x00\\x00\\x00\\x01\\x00")
    138
    """
    if len(head) < 10 or head[:3] != b"ID3":
        return None
    size = 0
    for byte in head[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer


def read_tag_image(source: Source, ref: str) -> tuple[str, bytes] | None:
    """``(mime type, bytes)`` of an embedded chapter picture named by ``Chapter.image``.

    None when ``ref`` is not an embedded reference or the picture is gone. Raises ParseError
    when the file can't be read.
    """
    if not ref.startswith(IMAGE_REF_PREFIX):
        return None
    element_id = ref[len(IMAGE_REF_PREFIX) :]
    try:
        tags = ID3(source)
    except Exception as exc:  # mutagen on a damaged file may raise anything
        raise ParseError(f"Cannot read the chapter pictures of this file: {_reason(exc)}") from None
    for chap in tags.getall("CHAP"):
        if chap.element_id == element_id:
            for pic in chap.sub_frames.getall("APIC"):
                return str(pic.mime or "image/jpeg"), bytes(pic.data)
    return None


def _read(stream: BinaryIO, *, head: bool) -> tuple[Chapter, ...]:
    magic = stream.read(12)
    stream.seek(0)
    reader = _reader_for(magic)
    if reader is None:
        return ()
    try:
        chapters = reader(stream, head)
    except (ParseError, _TruncatedError, OSError):
        raise
    except Exception as exc:  # mutagen on a damaged file may raise anything
        if head:
            raise _TruncatedError from exc
        log.info("damaged chapter tags", exc_info=True)
        raise ParseError(f"The chapter tags of this file are damaged: {_reason(exc)}") from None
    check_chapter_count(len(chapters), "This file")
    return tuple(sorted(chapters, key=lambda c: c.start_ms))


class _DamagedError(ValueError):
    """A value no real tag has, found by our own checks: its message is for the listener."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, _DamagedError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "its tables nest too deep"
    if isinstance(exc, MemoryError):
        return "it asks for more memory than a tag can need"
    # mutagen's and struct's own words ("unpack_from requires a buffer of at least...") name
    # internals; they are in the log.
    return "they are cut short or hold values no tag can have"


def _reader_for(magic: bytes) -> Callable[[BinaryIO, bool], list[Chapter]] | None:
    if magic.startswith(b"ID3"):
        return _id3_chapters
    if magic[4:8] == b"ftyp" or magic[4:8] in (b"moov", b"wide", b"free", b"mdat"):
        return _mp4_chapters
    if magic.startswith(b"OggS"):
        return _ogg_chapters
    if magic.startswith(b"fLaC"):
        return _flac_chapters
    return None


# --- ID3 ---------------------------------------------------------------------------------------


def _id3_chapters(stream: BinaryIO, head: bool) -> list[Chapter]:
    needed = head_bytes_needed(stream.read(10))
    stream.seek(0, io.SEEK_END)
    if head and needed is not None and needed > stream.tell():
        raise _TruncatedError
    stream.seek(0)
    _check_id3_frames(stream.read(needed or 0))
    stream.seek(0)
    try:
        tags = ID3(stream)
    except ID3NoHeaderError:
        return []
    chaps = {chap.element_id: chap for chap in tags.getall("CHAP")}
    if not chaps:
        return []
    check_chapter_count(len(chaps), "This file")
    chapters = []
    for position, element_id in enumerate(_toc_order(tags.getall("CTOC"), chaps)):
        chap = chaps[element_id]
        subs = chap.sub_frames
        title = "".join(str(t) for t in subs.getall("TIT2")[:1]).strip()
        url = next((str(f.url).strip() for f in subs.getall("WXXX") if f.url), None)
        url = url or next((str(f.url).strip() for f in subs.getall("WOAR") if f.url), None)
        image = None
        for pic in subs.getall("APIC"):
            # APIC with mime "-->" carries a URL instead of picture bytes (ID3v2.4 4.14).
            is_link = pic.mime == "-->"
            image = pic.data.decode("latin-1").strip() if is_link else IMAGE_REF_PREFIX + element_id
            break
        start, end = int(chap.start_time), int(chap.end_time)
        chapters.append(
            Chapter(
                start_ms=start,
                title=title or f"Chapter {position + 1}",
                end_ms=end if end > start and end != 0xFFFFFFFF else None,
                url=url or None,
                image=image,
                source=ChapterSource.TAGS,
            )
        )
    return chapters


def _check_id3_frames(tag: bytes) -> None:
    """Count the frames of an ID3v2 tag (sub-frames of chapters and tables of contents
    included) before mutagen builds them, and refuse a tag with too many: mutagen spends tens
    of microseconds on each, and a megabyte holds a hundred thousand. Raises ParseError."""
    if len(tag) < 10:
        return
    # Every CHAP frame names itself in its header, which unsynchronisation leaves as it is.
    check_chapter_count(tag.count(b"CHAP"), "This file")
    version, flags = tag[3], tag[5]
    if version not in (3, 4):
        return  # ID3v2.2 has no chapters; mutagen reads its few frames
    data = tag[10:]
    if version == 3 and flags & 0x80:
        data = data.replace(b"\xff\x00", b"\xff")  # the whole tag is unsynchronised
    pos = 0
    if flags & 0x40 and len(data) >= 4:
        ext = int.from_bytes(data[:4], "big")
        pos = _syncsafe(data[:4]) if version == 4 else 4 + ext
    frames = chapters = 0
    spans = [(pos, len(data))]
    while spans:
        pos, end = spans.pop()
        while pos + 10 <= end and data[pos] != 0:
            kind = data[pos : pos + 4]
            raw = data[pos + 4 : pos + 8]
            size = (
                _syncsafe(raw)
                if version == 4 and not any(b & 0x80 for b in raw)
                else (int.from_bytes(raw, "big"))
            )
            body, pos = pos + 10, min(pos + 10 + size, end)
            frames += 1
            if frames > MAX_ID3_FRAMES:
                raise ParseError(
                    f"This file's tags hold more than {MAX_ID3_FRAMES:,} frames; not read"
                )
            if kind in (b"CHAP", b"CTOC"):
                chapters += kind == b"CHAP"
                spans.append((_sub_frames_start(data, body, pos, kind), pos))
    check_chapter_count(chapters, "This file")


def _syncsafe(raw: bytes) -> int:
    size = 0
    for byte in raw:
        size = (size << 7) | (byte & 0x7F)
    return size


def _sub_frames_start(data: bytes, body: int, end: int, kind: bytes) -> int:
    """Where the embedded frames of a CHAP or CTOC frame begin (ID3v2 Chapter Frame 1.0)."""
    pos = data.find(b"\x00", body, end) + 1  # after the element id
    if pos == 0:
        return end
    if kind == b"CHAP":
        return pos + 16  # start and end time, start and end offset
    if pos + 2 > end:
        return end
    count, pos = data[pos + 1], pos + 2
    for _ in range(count):
        pos = data.find(b"\x00", pos, end) + 1
        if pos == 0:
            return end
    return pos


def _toc_order(tocs: list[Any], chaps: dict[str, Any]) -> list[str]:
    """Chapter ids in the order of the top-level CTOC (depth first through nested tables of
    contents), then the chapters no table lists. Iterative and linear: a chain of thousands of
    nested tables costs no recursion, a table listed twice is walked once."""
    by_id: dict[str, Any] = {}
    for toc in tocs:
        by_id.setdefault(toc.element_id, toc)
    top = next((t for t in tocs if t.flags & 0x01), tocs[0] if tocs else None)
    order: dict[str, None] = {}
    if top is not None:
        walked = {top.element_id}
        stack = [iter(top.child_element_ids)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif child in chaps:
                order.setdefault(child)
            elif child in by_id and child not in walked:
                walked.add(child)
                stack.append(iter(by_id[child].child_element_ids))
    for element_id in chaps:
        order.setdefault(element_id)
    return list(order)


# --- Ogg and FLAC comments ----------------------------------------------------------------------


def _comment_chapters(comments: Any) -> list[Chapter]:
    found: dict[int, dict[str, str]] = {}
    for key, value in comments:
        match = _CHAPTER_KEY.match(key)
        if match:
            part = (match[2] or "start").lower()
            found.setdefault(int(match[1]), {})[part] = str(value).strip()
    chapters = []
    for index in sorted(found):
        parts = found[index]
        try:
            start_ms = parse_npt(parts.get("start", ""))
        except TimecodeError:
            log.info("chapter comment %03d has no readable start", index)
            continue
        chapters.append(
            Chapter(
                start_ms=start_ms,
                title=parts.get("name") or f"Chapter {index}",
                url=parts.get("url") or None,
                source=ChapterSource.TAGS,
            )
        )
    return chapters


def _vorbis_comments(data: bytes) -> Any:
    """mutagen's reading of a Vorbis comment block, once its stated count is found sane."""
    if len(data) > MAX_COMMENT_BYTES:
        raise _DamagedError("the tags are larger than any real tag")
    if len(data) >= 8:
        (vendor_length,) = struct.unpack_from("<I", data)
        if 8 + vendor_length <= len(data):
            (count,) = struct.unpack_from("<I", data, 4 + vendor_length)
            if count > MAX_COMMENTS:
                raise _DamagedError(f"the tags claim {count:,} comments")
    return VCommentDict(data, framing=False)


def _ogg_packets(stream: BinaryIO) -> Iterator[bytes]:
    """The packets of the first logical stream; a cut-off page ends the iteration (head)."""
    serial: int | None = None
    pending: list[Any] = []
    pending_bytes = 0
    while stream.tell() < MAX_SCAN_BYTES:
        try:
            page = OggPage(stream)
        except EOFError:
            return
        if serial is None:
            serial = page.serial
        if page.serial != serial:
            continue
        pending.append(page)
        pending_bytes += page.size
        if pending_bytes > MAX_COMMENT_BYTES:
            raise _DamagedError("a header packet is larger than any real tag")
        if page.packets and page.complete:
            yield from OggPage.to_packets(pending)
            pending, pending_bytes = [], 0
        elif page.packets and len(page.packets) > 1:
            *done, _ = OggPage.to_packets(pending, strict=False)
            yield from done
            pending, pending_bytes = [pending[-1]], pending[-1].size


def _ogg_chapters(stream: BinaryIO, head: bool) -> list[Chapter]:
    for number, packet in enumerate(_ogg_packets(stream)):
        if packet.startswith(b"\x03vorbis"):
            return _comment_chapters(_vorbis_comments(packet[7:]))
        if packet.startswith(b"OpusTags"):
            return _comment_chapters(_vorbis_comments(packet[8:]))
        if packet.startswith(b"\x7fFLAC") or number >= 2:
            break
    if head:
        raise _TruncatedError
    return []


def _flac_chapters(stream: BinaryIO, head: bool) -> list[Chapter]:
    """The VORBIS_COMMENT block among the FLAC metadata blocks (each: last flag and type in one
    byte, then a 24-bit length)."""
    stream.seek(4)
    for _ in range(MAX_BOXES):
        header = stream.read(4)
        if len(header) < 4:
            raise _TruncatedError
        kind, length = header[0] & 0x7F, int.from_bytes(header[1:4], "big")
        if kind == 4:
            block = stream.read(length)
            if len(block) < length:
                raise _TruncatedError
            return _comment_chapters(_vorbis_comments(block))
        if header[0] & 0x80 or kind == 0x7F:
            return []
        stream.seek(length, io.SEEK_CUR)
    raise _DamagedError("the file has more metadata blocks than any real file")


# --- MP4 ---------------------------------------------------------------------------------------


@dataclass
class _Track:
    track_id: int = 0
    timescale: int = 0
    handler: bytes = b""
    chapter_refs: list[int] = field(default_factory=list)
    # Where the sample tables are: read only for the tracks that hold chapters.
    stbl: tuple[int, int] | None = None


@dataclass
class _Samples:
    """A chapter track's sample tables, each bounded by MAX_CHAPTERS."""

    durations: list[int] = field(default_factory=list)  # per sample, in timescale units
    sizes: list[int] = field(default_factory=list)
    chunk_offsets: list[int] = field(default_factory=list)
    sample_to_chunk: list[tuple[int, int]] = field(default_factory=list)


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes laid end to end in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    for _ in range(MAX_BOXES):
        if pos + 8 > end:
            return
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise _TruncatedError
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise _DamagedError(f"an MP4 box “{kind.decode('latin-1')}” has an impossible size")
        if pos + size > end:
            raise _TruncatedError
        yield kind, pos + header, pos + size
        pos += size
    raise _DamagedError("an MP4 box holds more boxes than any real file")


def _find_moov(stream: BinaryIO) -> bytes:
    stream.seek(0, io.SEEK_END)
    total = stream.tell()
    pos = 0
    for _ in range(MAX_BOXES):
        if pos + 8 > total:
            break
        stream.seek(pos)
        header = stream.read(16)
        if len(header) < 8:
            break
        size, kind = struct.unpack_from(">I4s", header)
        header_size = 8
        if size == 1 and len(header) == 16:
            size, header_size = struct.unpack_from(">Q", header, 8)[0], 16
        elif size == 0:
            size = total - pos
        if size < header_size:
            raise _DamagedError("an MP4 box has an impossible size")
        if kind == b"moov":
            if size > MAX_MOOV_BYTES:
                raise _DamagedError("the MP4 index is too large")
            stream.seek(pos)
            data = stream.read(size)
            if len(data) < size:
                raise _TruncatedError
            return data[header_size:]
        pos += size
    raise _TruncatedError


def _index(data: bytes, span: tuple[int, int] | None) -> dict[bytes, tuple[int, int]]:
    """The first box of each type in ``span``, found in one pass (a container full of junk
    boxes is walked once, not once per lookup)."""
    found: dict[bytes, tuple[int, int]] = {}
    if span is not None:
        for kind, s, e in _boxes(data, *span):
            found.setdefault(kind, (s, e))
    return found


def _parse_track(moov: bytes, start: int, end: int) -> _Track:
    track = _Track()
    trak = _index(moov, (start, end))
    mdia = _index(moov, trak.get(b"mdia"))
    tkhd = trak.get(b"tkhd")
    if tkhd:
        version = moov[tkhd[0]]
        track.track_id = struct.unpack_from(">I", moov, tkhd[0] + (20 if version == 1 else 12))[0]
    chap = _index(moov, trak.get(b"tref")).get(b"chap")
    if chap:
        count = min((chap[1] - chap[0]) // 4, MAX_TRACKS)
        track.chapter_refs = list(struct.unpack_from(f">{count}I", moov, chap[0]))
    mdhd = mdia.get(b"mdhd")
    if mdhd:
        version = moov[mdhd[0]]
        track.timescale = struct.unpack_from(">I", moov, mdhd[0] + (20 if version == 1 else 12))[0]
    hdlr = mdia.get(b"hdlr")
    if hdlr:
        track.handler = moov[hdlr[0] + 8 : hdlr[0] + 12]
    track.stbl = _index(moov, mdia.get(b"minf")).get(b"stbl")
    return track


def _table(moov: bytes, start: int, end: int, entry: str, skip: int = 0) -> list[tuple[int, ...]]:
    """The entries of a full box's table: a count (after ``skip`` bytes), then fixed-size
    entries of struct format ``entry``. The count is checked against MAX_CHAPTERS and against
    the box's own size before anything is allocated."""
    (count,) = struct.unpack_from(">I", moov, start + 4 + skip)
    check_chapter_count(count, "This file's chapter track")
    first = start + 8 + skip
    size = struct.calcsize(">" + entry)
    if first + count * size > end:
        raise _DamagedError("an MP4 sample table runs past its box")
    return list(struct.iter_unpack(">" + entry, moov[first : first + count * size]))


def _read_samples(moov: bytes, stbl: tuple[int, int]) -> _Samples:
    samples = _Samples()
    for kind, s, e in _boxes(moov, *stbl):
        if kind == b"stts":
            runs = _table(moov, s, e, "II")
            # Each run is a sample count: the total, not only each run, must stay small.
            check_chapter_count(sum(n for n, _ in runs), "This file's chapter track")
            samples.durations = [delta for n, delta in runs for _ in range(n)]
        elif kind == b"stsz":
            (fixed,) = struct.unpack_from(">I", moov, s + 4)
            if fixed:
                (count,) = struct.unpack_from(">I", moov, s + 8)
                check_chapter_count(count, "This file's chapter track")
                samples.sizes = [fixed] * count
            else:
                samples.sizes = [size for (size,) in _table(moov, s, e, "I", skip=4)]
        elif kind == b"stsc":
            samples.sample_to_chunk = [(first, n) for first, n, _ in _table(moov, s, e, "III")]
        elif kind in (b"stco", b"co64"):
            fmt = "I" if kind == b"stco" else "Q"
            samples.chunk_offsets = [offset for (offset,) in _table(moov, s, e, fmt)]
    return samples


def _sample_offsets(samples: _Samples) -> list[int]:
    """Where each sample starts: chunks in order, each holding the sample count of the last
    ``stsc`` rule whose first chunk it has reached (one pass over chunks and rules)."""
    offsets: list[int] = []
    rules = sorted(samples.sample_to_chunk)
    rule = 0
    per_chunk = 0
    sizes = samples.sizes
    for chunk_index, chunk_offset in enumerate(samples.chunk_offsets, start=1):
        while rule < len(rules) and rules[rule][0] <= chunk_index:
            per_chunk = rules[rule][1]
            rule += 1
        pos = chunk_offset
        for size in sizes[len(offsets) : len(offsets) + per_chunk]:
            offsets.append(pos)
            pos += size
        if len(offsets) >= len(sizes):
            break
    return offsets


def _text_sample(sample: bytes) -> tuple[str, str | None]:
    """(text, href URL) of a QuickTime text sample: 16-bit length, text, then atoms."""
    if len(sample) < 2:
        return "", None
    length = struct.unpack_from(">H", sample)[0]
    raw = sample[2 : 2 + length]
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace")
    url = None
    try:
        for kind, s, e in _boxes(sample, 2 + length):
            if kind == b"href" and e - s >= 5:
                url_length = sample[s + 4]
                url = sample[s + 5 : min(e, s + 5 + url_length)].decode("utf-8", "replace")
                url = url.rstrip("\x00").strip() or None
    except (_TruncatedError, ValueError):
        pass
    return text.strip(), url


def _track_chapters(
    stream: BinaryIO, moov: bytes, track: _Track
) -> list[tuple[int, int, str, str | None]]:
    """(start ms, end ms, text, url) per sample of a chapter text track."""
    if not track.timescale or track.stbl is None:
        return []
    samples = _read_samples(moov, track.stbl)
    stream.seek(0, io.SEEK_END)
    total = stream.tell()
    result = []
    elapsed = 0
    offsets = _sample_offsets(samples)
    for offset, size, duration in zip(offsets, samples.sizes, samples.durations, strict=False):
        if offset + min(size, MAX_SAMPLE_BYTES) > total:
            raise _TruncatedError
        stream.seek(offset)
        text, url = _text_sample(stream.read(min(size, MAX_SAMPLE_BYTES)))
        start_ms = elapsed * 1000 // track.timescale
        elapsed += duration
        result.append((start_ms, elapsed * 1000 // track.timescale, text, url))
    return result


def _movie_duration_ms(moov: bytes, mvhd: tuple[int, int] | None) -> int | None:
    if mvhd is None:
        return None
    if moov[mvhd[0]] == 1:
        timescale, duration = struct.unpack_from(">IQ", moov, mvhd[0] + 20)
    else:
        timescale, duration = struct.unpack_from(">II", moov, mvhd[0] + 12)
    return duration * 1000 // timescale if timescale and duration else None


def _nero_chapters(moov: bytes, udta: tuple[int, int] | None) -> list[Chapter]:
    chpl = _index(moov, udta).get(b"chpl")
    if chpl is None:
        return []
    data = moov[chpl[0] : chpl[1]]
    count = data[8]
    pos = 9
    chapters = []
    for _ in range(count):
        start_100ns = struct.unpack_from(">Q", data, pos)[0]
        title_length = data[pos + 8]
        title = data[pos + 9 : pos + 9 + title_length].decode("utf-8", errors="replace")
        if pos + 9 + title_length > len(data):
            raise _DamagedError("a Nero chapter runs past its box")
        pos += 9 + title_length
        chapters.append(
            Chapter(start_ms=start_100ns // 10_000, title=title.strip(), source=ChapterSource.TAGS)
        )
    return chapters


def _mp4_chapters(stream: BinaryIO, head: bool) -> list[Chapter]:
    moov = _find_moov(stream)
    tracks: list[_Track] = []
    first: dict[bytes, tuple[int, int]] = {}
    for kind, s, e in _boxes(moov):
        first.setdefault(kind, (s, e))
        if kind == b"trak":
            if len(tracks) == MAX_TRACKS:
                raise _DamagedError(f"the file has more than {MAX_TRACKS} tracks")
            tracks.append(_parse_track(moov, s, e))
    by_id = {t.track_id: t for t in tracks}
    refs = [ref for t in tracks for ref in t.chapter_refs if ref in by_id]
    chapter_tracks = list(dict.fromkeys(refs))[:MAX_CHAPTER_TRACKS]
    lists = [_track_chapters(stream, moov, by_id[ref]) for ref in chapter_tracks]
    lists = [samples for samples in lists if samples]
    movie_end_ms = _movie_duration_ms(moov, first.get(b"mvhd"))
    if lists:
        # The first referenced track carries the plain titles (Hindenburg adds a second track
        # whose texts are link titles); links come from whichever track has them.
        titles = lists[0]
        chapters = []
        for index, (start_ms, sample_end_ms, text, sample_url) in enumerate(titles):
            url = sample_url
            for other in lists[1:]:
                if url is None and index < len(other) and abs(other[index][0] - start_ms) <= 1000:
                    url = other[index][3]
            end_ms = sample_end_ms
            if movie_end_ms is not None:
                end_ms = min(end_ms, movie_end_ms)  # the last sample often outlasts the audio
            chapters.append(
                Chapter(
                    start_ms=start_ms,
                    title=text or f"Chapter {index + 1}",
                    end_ms=end_ms if end_ms > start_ms else None,
                    url=url,
                    source=ChapterSource.TAGS,
                )
            )
        return chapters
    return _nero_chapters(moov, first.get(b"udta"))

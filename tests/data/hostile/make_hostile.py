"""Crafted inputs that once cost gigabytes, minutes or a traceback (see README.md here).

``python tests/data/hostile/make_hostile.py`` writes the small ones into this folder; the tests
build the large ones in memory with the same functions, so nothing big is committed. Each
function returns bytes and is deterministic.
"""

from __future__ import annotations

import gzip
import random
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


# --- MP4 -------------------------------------------------------------------------------------


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, *payload: bytes) -> bytes:
    return box(kind, b"\x00\x00\x00\x00", *payload)


def _tkhd(track_id: int) -> bytes:
    return full_box(b"tkhd", struct.pack(">III", 0, 0, track_id), bytes(68))


def _mdhd(timescale: int) -> bytes:
    return full_box(b"mdhd", struct.pack(">IIII", 0, 0, timescale, 0), bytes(4))


def _hdlr(kind: bytes) -> bytes:
    return full_box(b"hdlr", bytes(4), kind, bytes(12), b"\x00")


def mp4_with_chapter_track(stbl_boxes: bytes, *, mdat_first: bool = False) -> bytes:
    """An M4A whose audio track (id 1) names track 2 as its chapters; ``stbl_boxes`` are the
    chapter track's sample tables. The moov comes first (a web episode's head holds it)."""
    ftyp = box(b"ftyp", b"M4A ", bytes(4), b"M4A mp42isom")
    mvhd = full_box(b"mvhd", struct.pack(">IIII", 0, 0, 1000, 60_000), bytes(80))
    audio = box(
        b"trak",
        _tkhd(1),
        box(b"tref", box(b"chap", struct.pack(">I", 2))),
        box(b"mdia", _mdhd(44_100), _hdlr(b"soun")),
    )
    text = box(
        b"trak",
        _tkhd(2),
        box(b"mdia", _mdhd(1000), _hdlr(b"text"), box(b"minf", box(b"stbl", stbl_boxes))),
    )
    moov = box(b"moov", mvhd, audio, text)
    mdat = box(b"mdat", b"\x00\x05Intro" * 4)
    return ftyp + (mdat + moov if mdat_first else moov + mdat)


def mp4_stts_bomb(entries: int = 18_000) -> bytes:
    """``stts`` runs that each claim 100,000 samples: 18,000 of them (145 kB) asked for 1.8
    billion durations."""
    stts = full_box(b"stts", struct.pack(">I", entries), struct.pack(">II", 100_000, 1) * entries)
    return mp4_with_chapter_track(stts + _small_tables(1))


def _small_tables(samples: int) -> bytes:
    stsz = full_box(b"stsz", struct.pack(">II", 7, samples))
    stsc = full_box(b"stsc", struct.pack(">I", 1), struct.pack(">III", 1, 1, 1))
    stco = full_box(b"stco", struct.pack(">I", 1), struct.pack(">I", 8))
    return stsz + stsc + stco


def mp4_many_chunks(chunks: int) -> bytes:
    """A chapter track of ``chunks`` one-sample chunks, each with its own ``stsc`` rule: the
    rule lookup per chunk made it quadratic."""
    samples = chunks
    stts = full_box(b"stts", struct.pack(">I", 1), struct.pack(">II", samples, 1000))
    stsz = full_box(b"stsz", struct.pack(">II", 0, samples), struct.pack(">I", 7) * samples)
    rules = b"".join(struct.pack(">III", i, 1, 1) for i in range(1, chunks + 1))
    stsc = full_box(b"stsc", struct.pack(">I", chunks), rules)
    # Every chunk points at the same text sample inside mdat (offset found after layout).
    stco = full_box(b"stco", struct.pack(">I", chunks), struct.pack(">I", 0) * chunks)
    data = mp4_with_chapter_track(stts + stsz + stsc + stco)
    sample_at = data.index(b"\x00\x05Intro")
    return data.replace(struct.pack(">I", 0) * chunks, struct.pack(">I", sample_at) * chunks)


def mp4_claimed_counts() -> bytes:
    """Tables whose counts claim four billion entries in boxes of a few bytes."""
    huge = struct.pack(">I", 0xFFFFFFFF)
    stts = full_box(b"stts", huge, struct.pack(">II", 1, 1))
    stsz = full_box(b"stsz", struct.pack(">I", 0), huge, struct.pack(">I", 7))
    stsc = full_box(b"stsc", huge, struct.pack(">III", 1, 1, 1))
    stco = full_box(b"stco", huge, struct.pack(">I", 8))
    return mp4_with_chapter_track(stts + stsz + stsc + stco)


def mp4_fixed_size_bomb() -> bytes:
    """``stsz`` with one fixed size for four billion samples (no table at all)."""
    stts = full_box(b"stts", struct.pack(">I", 1), struct.pack(">II", 1, 1))
    stsz = full_box(b"stsz", struct.pack(">II", 7, 0xFFFFFFFF))
    stsc = full_box(b"stsc", struct.pack(">I", 1), struct.pack(">III", 1, 0xFFFFFFFF, 1))
    stco = full_box(b"stco", struct.pack(">I", 1), struct.pack(">I", 8))
    return mp4_with_chapter_track(stts + stsz + stsc + stco)


def mp4_junk_boxes(tracks: int) -> bytes:
    """``tracks`` tracks each holding 99,000 empty boxes before its header: every lookup in a
    track walked all of them again (15 MB for 20 tracks took 14 s at 80)."""
    junk = struct.pack(">I4s", 8, b"junk") * 99_000
    trak = box(b"trak", junk, _tkhd(1))
    return box(b"ftyp", b"M4A ") + box(b"moov", trak * tracks)


# --- ID3 -------------------------------------------------------------------------------------


def _syncsafe(n: int) -> bytes:
    return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))


def _frame(kind: bytes, body: bytes) -> bytes:
    return kind + _syncsafe(len(body)) + b"\x00\x00" + body


def _chap(element_id: bytes, start_ms: int) -> bytes:
    title = _frame(b"TIT2", b"\x03C" + element_id + b"\x00")
    return _frame(
        b"CHAP", element_id + b"\x00" + struct.pack(">IIII", start_ms, start_ms + 1, 0, 0) + title
    )


def _ctoc(element_id: bytes, children: list[bytes], *, top: bool) -> bytes:
    flags = 0x03 if top else 0x01
    body = element_id + b"\x00" + bytes((flags, len(children) & 0xFF))
    return _frame(b"CTOC", body + b"".join(c + b"\x00" for c in children))


def id3_tag(frames: bytes) -> bytes:
    return b"ID3\x04\x00\x00" + _syncsafe(len(frames)) + frames


def id3_many_chapters(count: int) -> bytes:
    """``count`` CHAP frames listed by one CTOC (its entry count byte wraps; mutagen reads the
    ids that follow). Ordering them was quadratic."""
    ids = [b"c%d" % i for i in range(count)]
    frames = b"".join(_chap(cid, i * 1000) for i, cid in enumerate(ids))
    return id3_tag(_ctoc(b"toc", list(reversed(ids)), top=True) + frames) + b"\xff\xfb\x90\x00"


def id3_ctoc_chain(depth: int) -> bytes:
    """Tables of contents each listing the next, ``depth`` deep, then one chapter: the walk
    through them recursed once per level."""
    frames = [_ctoc(b"t%d" % i, [b"t%d" % (i + 1)], top=i == 0) for i in range(depth)]
    frames.append(_ctoc(b"t%d" % depth, [b"ch"], top=False))
    frames.append(_chap(b"ch", 0))
    frames.append(_chap(b"ch2", 5000))
    return id3_tag(b"".join(frames)) + b"\xff\xfb\x90\x00"


def id3_nested_ctoc(depth: int) -> bytes:
    """A CTOC whose embedded sub-frame is a CTOC, ``depth`` deep: mutagen reads sub-frames by
    recursion."""
    inner = _chap(b"ch", 0)
    for i in range(depth):
        body = b"t%d\x00" % i + b"\x01\x01" + b"ch\x00" + inner
        inner = _frame(b"CTOC", body)
    return id3_tag(inner + _chap(b"ch", 0)) + b"\xff\xfb\x90\x00"


def id3_many_frames(count: int) -> bytes:
    """``count`` tiny TXXX frames and one chapter: 100,000 of them (1.3 MB) kept mutagen busy
    for 5 s."""
    frames = _frame(b"TXXX", b"\x03a\x00b") * count + _chap(b"ch", 0)
    return id3_tag(frames) + b"\xff\xfb\x90\x00"


# --- Ogg ---------------------------------------------------------------------------------------


def ogg_damaged() -> bytes:
    """The Vorbis fixture with one byte of its setup header changed: mutagen's reading of the
    stream info raised IndexError."""
    data = bytearray((HERE.parent / "tags" / "vorbis-comments.ogg").read_bytes())
    data[396] = 20
    return bytes(data)


def damaged_audio() -> dict[str, bytes]:
    """Every audio fixture in tests/data/tags cut to 1% and 10% of its length, and with 20
    seeded bit flips in its first 4 kB: mutagen's and struct's own messages ("file said 4096
    bytes, read 310 bytes", "unable to read full header; got b'OggS...'") reached the listener."""
    rng = random.Random(14)
    out: dict[str, bytes] = {}
    for path in sorted((HERE.parent / "tags").glob("*.*")):
        if path.suffix == ".py":
            continue
        data = path.read_bytes()
        for percent in (1, 10):
            out[f"cut{percent}-{path.name}"] = data[: max(12, len(data) * percent // 100)]
        flipped = bytearray(data)
        for _ in range(20):
            flipped[rng.randrange(min(len(data), 4096))] ^= 1 << rng.randrange(8)
        out[f"flipped-{path.name}"] = bytes(flipped)
    return out


# --- JSON, HTTP ------------------------------------------------------------------------------


def json_long_number(digits: int = 320) -> bytes:
    """A chapter time of ``digits`` digits: an int too large for a float."""
    return b'{"version":"1.2.0","chapters":[{"startTime":' + b"9" * digits + b',"title":"x"}]}'


def json_lone_surrogates() -> bytes:
    """A chapter title and a transcript's speaker and body holding escaped lone surrogates,
    which no UTF-8 output can write."""
    return (
        b'{"version":"1.2.0","chapters":[{"startTime":1,"title":"a\\ud800b"}],'
        b'"segments":[{"startTime":1,"endTime":2,"speaker":"\\udc00S","body":"a\\ud800b"}]}'
    )


def notes_closing_brackets(count: int = 500_000) -> bytes:
    """Show notes of one URL ending in ``count`` unbalanced ")": stripping one at a time and
    counting again each time was quadratic (more than 25 s for 500,000)."""
    return b"(" * count + b"https://example.com/" + b")" * count


def gzip_in_gzip(size: int = 3 * 2**30) -> bytes:
    """``size`` zero bytes compressed twice: about 2.6 kB that becomes 3 GB."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(2**20)
    parts = [inner.compress(block) for _ in range(size // len(block))]
    parts.append(inner.flush())
    return gzip.compress(b"".join(parts), 9, mtime=0)


SMALL = {
    "json-long-number.json": json_long_number,
    "json-lone-surrogates.json": json_lone_surrogates,
    "mp4-claimed-counts.m4a": mp4_claimed_counts,
    "mp4-fixed-size-bomb.m4a": mp4_fixed_size_bomb,
}


def main() -> int:
    for name, make in SMALL.items():
        (HERE / name).write_bytes(make())
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

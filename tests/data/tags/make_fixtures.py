"""Rebuild the chapter-tag fixtures in this folder: ``python tests/data/tags/make_fixtures.py``.

Needs ffmpeg on PATH and mutagen. Each file is a few seconds of quiet tone at a low bitrate, so
every one stays far below 100 KB. The chapters are the same in every file (see CHAPTERS), except
where a format can't carry a field (Nero chpl: no URLs, no ends).
"""

from __future__ import annotations

import base64
import subprocess
import tempfile
from pathlib import Path

from mutagen.flac import FLAC
from mutagen.id3 import APIC, CHAP, CTOC, ID3, TIT2, WXXX, CTOCFlags
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

HERE = Path(__file__).resolve().parent
# (start ms, end ms, title, url)
CHAPTERS = [
    (0, 2500, "Opening ✓", "https://example.com/one"),
    (2500, 5250, "Middle – part", "https://example.com/two"),
    (5250, 8000, "Ending", None),
]
DURATION_S = 8
# A 1x1 PNG: the smallest real picture.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _ffmetadata() -> str:
    lines = [";FFMETADATA1", "title=podplayer chapter fixture"]
    for start, end, title, _url in CHAPTERS:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={title}"]
    return "\n".join(lines) + "\n"


def _ffmpeg(out: Path, *codec: str, chapters: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "meta.txt"
        meta.write_text(_ffmetadata(), encoding="utf-8")
        args = ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi"]
        args += ["-i", f"sine=frequency=440:duration={DURATION_S}:sample_rate=16000"]
        if chapters:
            args += ["-i", str(meta), "-map_metadata", "1", "-map_chapters", "1"]
        subprocess.run([*args, "-ac", "1", *codec, str(out)], check=True)


def make_mp3() -> None:
    out = HERE / "id3-chap-ctoc.mp3"
    _ffmpeg(out, "-b:a", "8k", chapters=False)
    tags = ID3()
    ids = [f"ch{i}" for i in range(len(CHAPTERS))]
    # CTOC order deliberately lists the chapters in file order while the frames are reversed.
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(text=["toc"])],
        )
    )
    for element_id, (start, end, title, url) in reversed(list(zip(ids, CHAPTERS, strict=True))):
        subs = [TIT2(encoding=3, text=[title])]
        if url:
            subs.append(WXXX(encoding=3, desc="chapter url", url=url))
        if element_id == "ch0":
            subs.append(APIC(encoding=3, mime="image/png", type=3, desc="", data=PNG))
        if element_id == "ch1":
            subs.append(
                APIC(encoding=0, mime="-->", type=3, desc="", data=b"https://example.com/two.png")
            )
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=start,
                end_time=end,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=subs,
            )
        )
    tags.save(out, v2_version=4)


def _rename_box(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(old) == 1, (path, old)
    path.write_bytes(data.replace(old, new))


def make_mp4() -> None:
    both = HERE / "mp4-nero-and-quicktime.m4a"
    _ffmpeg(both, "-c:a", "aac", "-b:a", "16k")
    nero = HERE / "mp4-nero-only.m4a"
    nero.write_bytes(both.read_bytes())
    _rename_box(nero, b"\x0cchap", b"\x0cxhap")  # the tref: no QuickTime chapter track any more
    quicktime = HERE / "mp4-quicktime-only.m4a"
    quicktime.write_bytes(both.read_bytes())
    _rename_box(quicktime, b"chpl", b"free")  # no Nero list any more


def _comments(tags: dict[str, str] | None = None) -> dict[str, str]:
    result = {}
    for i, (start, _end, title, url) in enumerate(CHAPTERS, start=1):
        h, rest = divmod(start, 3_600_000)
        m, rest = divmod(rest, 60_000)
        result[f"CHAPTER{i:03d}"] = f"{h:02d}:{m:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
        result[f"CHAPTER{i:03d}NAME"] = title
        if url:
            result[f"chapter{i:03d}url"] = url  # lower case, as Auphonic writes
    return result


def make_ogg_flac() -> None:
    opus = HERE / "opus-comments.opus"
    # ffmpeg's own Opus chapter comments came out wrong (2.5 s written as 00:00:03.500).
    _ffmpeg(opus, "-c:a", "libopus", "-b:a", "6k", chapters=False)
    audio_opus = OggOpus(opus)
    audio_opus.update(_comments())
    audio_opus.save()
    vorbis = HERE / "vorbis-comments.ogg"
    _ffmpeg(vorbis, "-c:a", "libvorbis", "-q:a", "-1", chapters=False)
    audio = OggVorbis(vorbis)
    audio.update(_comments())
    audio.save()
    flac = HERE / "flac-comments.flac"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "anullsrc=r=8000:cl=mono",
                "-t",
                "1",
                "-sample_fmt",
                "s16",
                str(flac),
            ],
            check=True,
            cwd=tmp,
        )
    audio_flac = FLAC(flac)
    audio_flac.update(_comments())
    audio_flac.save()


if __name__ == "__main__":
    make_mp3()
    make_mp4()
    make_ogg_flac()
    for path in sorted(HERE.iterdir()):
        if path.suffix != ".py":
            print(f"{path.name}: {path.stat().st_size} bytes")

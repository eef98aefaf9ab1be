"""Builds the bundled demo episode: podplayer-demo.mp3 and its show notes.

Each chapter is synthesised speech (espeak-ng) announcing the chapter over a quiet tone of its own
pitch, so a listener hears where a seek landed and a test can tell chapters apart by frequency.
The MP3 carries the chapters as ID3 CHAP/CTOC frames (written by ffmpeg from an FFMETADATA file).
Everything here is made by the project; rerun it to rebuild the files (needs espeak-ng, ffmpeg):

    python3 resources/demo/generate.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHAPTER_S = 10
# (title, what is said, tone in Hz)
CHAPTERS = [
    ("Welcome", "Welcome to the podplayer demo. This is chapter one, welcome.", 220),
    ("Show notes become chapters", "Chapter two. Show notes become chapters.", 330),
    ("Click to seek", "Chapter three. Click a chapter and playback lands right here.", 440),
    ("Links from the notes", "Chapter four. Links from the notes open in your browser.", 550),
    ("Speed and skipping", "Chapter five. Change the speed, or skip ahead.", 660),
    ("Goodbye", "Chapter six. Thanks for listening. Goodbye.", 880),
]
NOTES = """1: A tour of podplayer
A one-minute tour of podplayer, made with synthesised speech so that it can ship with the app.
Each chapter has a tone of its own under the voice.
The voice is espeak-ng: https://github.com/espeak-ng/espeak-ng
Playback is libVLC: https://www.videolan.org/vlc/libvlc.html
Chapters
{chapters}
"""


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        parts = []
        for i, (_title, speech, tone) in enumerate(CHAPTERS):
            voice = work / f"voice{i}.wav"
            subprocess.run(["espeak-ng", "-s", "150", "-w", str(voice), speech], check=True)
            part = work / f"part{i}.wav"
            subprocess.run(
                [
                    "ffmpeg", "-v", "error", "-y", "-i", str(voice),
                    "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=22050",
                    "-filter_complex",
                    "[0:a]aresample=22050,apad[v];[1:a]volume=0.12[t];"
                    f"[v][t]amix=inputs=2:duration=shortest:normalize=0,atrim=0:{CHAPTER_S}",
                    "-ac", "1", "-ar", "22050", str(part),
                ],
                check=True,
            )  # fmt: skip
            parts.append(part)
        listing = work / "parts.txt"
        listing.write_text("".join(f"file '{p}'\n" for p in parts))
        meta = [";FFMETADATA1", "title=A tour of podplayer", "artist=podplayer", "album=podplayer"]
        for i, (title, _speech, _tone) in enumerate(CHAPTERS):
            start, end = i * CHAPTER_S * 1000, (i + 1) * CHAPTER_S * 1000
            meta += [
                "[CHAPTER]",
                "TIMEBASE=1/1000",
                f"START={start}",
                f"END={end}",
                f"title={title}",
            ]
        metadata = work / "meta.txt"
        metadata.write_text("\n".join(meta) + "\n")
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                "-i", str(metadata), "-map_metadata", "1", "-map_chapters", "1",
                "-c:a", "libmp3lame", "-b:a", "48k", "-id3v2_version", "3",
                str(HERE / "podplayer-demo.mp3"),
            ],
            check=True,
        )  # fmt: skip
    chapters = "\n".join(
        f"{_clock(i * CHAPTER_S)} {title}" for i, (title, _s, _t) in enumerate(CHAPTERS)
    )
    (HERE / "podplayer-demo.txt").write_text(NOTES.format(chapters=chapters), encoding="utf-8")


if __name__ == "__main__":
    main()

"""The words that head a chapter list or a list of links, in the languages notes are written in.

Each entry is a regular expression matched case-insensitively against a whole word or phrase; a
trailing colon is eaten by the readers.
"""

from __future__ import annotations

__all__ = ["CHAPTER_HEADINGS", "LINK_HEADINGS", "WEAK_CHAPTER_HEADINGS"]

# Words that only head a chapter list when a colon follows them or they stand alone on their
# line: elsewhere they are a title's own words ("Темы слушателей 650", "Topics we skipped").
WEAK_CHAPTER_HEADINGS = (
    r"contents",
    r"in\s+this\s+episode",
    r"topics",
    r"segments",
    r"inhalt",
    r"themen",
    r"índice",
    r"indice",
    r"sommaire",
    r"темы(?:\s+выпуска)?",
    r"содержание",
    r"トピック",
)

CHAPTER_HEADINGS = (
    # English
    r"time\s?stamps?",
    r"time\s?codes?",
    r"time\s?line",
    r"chapters?(?:\s+markers?)?",
    r"episode\s+chapters",
    r"show\s?notes",
    r"track\s?list(?:ing)?",
    r"set\s?list",
    r"table\s+of\s+contents",
    # German
    r"kapitel(?:marken)?",
    r"sprungmarken",
    r"zeitmarken",
    r"zeitstempel",
    # Spanish, Portuguese, French, Italian, Dutch, Polish
    r"cap[íi]tulos",
    r"marcas\s+de\s+tiempo",
    r"chapitres",
    r"capitoli",
    r"hoofdstukken",
    r"rozdzia[łl]y",
    # Russian and Ukrainian
    r"тайм-?коды",
    r"таймкоды",
    r"таймстемпы",
    r"главы",
    r"тайм-?коди",
    # Japanese, Chinese, Korean
    r"目次",
    r"タイムスタンプ",
    r"タイムテーブル",
    r"チャプター",
    r"章节",
    r"时间轴",
    r"時間軸",
    r"时间戳",
    r"時間戳",
    r"타임라인",
    r"타임스탬프",
)

LINK_HEADINGS = (
    r"(?:show|episode)\s+links",
    r"links?\s+(?:mentioned|from\s+(?:the|this)\s+(?:show|episode))",
    r"links?",
    r"mentioned(?:\s+in\s+(?:this|the)\s+(?:episode|show))?",
    r"resources",
    r"references",
    r"show\s?notes",
    r"further\s+reading",
    r"erwähnte\s+links",
    r"weiterführende\s+links",
    r"ссылки",
    r"リンク",
)

"""Small Markdown helpers for the generated pages."""

from __future__ import annotations

import re


def esc(text: str | None) -> str:
    """Model or registry text as Markdown: keeps `code`, escapes what would become HTML or
    break a table cell, and joins lines (YAML folded text may keep a newline)."""
    if text is None:
        return ""
    s = " ".join(str(text).split("\n")).strip()
    return s.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks and table cells."""
    s = str(text).replace("\n", "↵").replace("\r", "␍")
    if s == "":
        return '`""`'
    s = s.replace("|", "\\|")
    if "`" in s:
        return f"`` {s} ``"
    if s != s.strip():  # keep leading/trailing spaces visible
        return f"`{s}`".replace(" ", "\u2420") if s.strip() == "" else f"`{s}`"
    return f"`{s}`"


def short(text: str, n: int) -> str:
    s = str(text)
    return s if len(s) <= n else s[:n] + f"…(+{len(s) - n})"


# --------------------------------------------------------------------------- one language per page

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CHINESE = re.compile(f"[{_HAN}\u3001\u3002\uff0c\uff1b\uff1a\uff08\uff09\u201c\u201d]")
# a Chinese text followed by an English one: the English part has no Chinese and starts a
# sentence after the Chinese one's end
_TRAILING_ENGLISH = re.compile(f"^(?P<zh>.*[{_HAN}。；！？）”](?:[。；！？）”]|\\))?)\\s+(?P<en>[A-Z][^{_HAN}]*)$", re.S)
_SPACE_IN_CHINESE = re.compile(f"(?<=[{_HAN}])[ \u00a0]+(?=[{_HAN}])")


def language_part(text: str, lang: str) -> str | None:
    """The part of a model text in `lang`: schema descriptions are Chinese, some followed by an
    English sentence. Chinese pages get the Chinese part; English pages the English part, or
    None when the text has none (the caller then quotes the Chinese, see `quote_zh`)."""
    s = " ".join(str(text).split())
    m = _TRAILING_ENGLISH.match(s)
    if m and len(m.group("en").split()) >= 3:
        return m.group("zh").strip() if lang == "zh" else m.group("en").strip()
    if lang == "zh" or not _HAS_CHINESE.search(s):
        return s
    return None


def zh_text(text: str) -> str:
    """Chinese text without spaces between Chinese characters ("行政处罚法 第二十七条")."""
    return _SPACE_IN_CHINESE.sub("", text)


def quote_zh(markdown: str, lang: str) -> str:
    """On an English page, mark Markdown that contains Chinese (the standard's Chinese names,
    labels and citations) as Chinese, for readers, screen readers and fonts; as is otherwise."""
    if lang == "zh" or not _HAS_CHINESE.search(markdown):
        return markdown
    return f'<span lang="zh">{markdown}</span>'


_CITATION = re.compile(r"第[一二三四五六七八九十百零〇]+条(?:第[一二三四五六七八九十]+款)?(?:第?[（(]?[一二三四五六七八九十]+[)）]?项)?"
                       r"(?:[、和][第]?[一二三四五六七八九十百零〇]+条)*|任务\s?\d+")


_HAN_RUN = re.compile(f"（?[{_HAN}][{_HAN}、·（）()0-9]*[{_HAN}）)]|（?[{_HAN}]）?")
_KEEP = re.compile(r'(<span lang="zh">.*?</span>|`[^`]*`)')


def quote_citations(markdown: str, lang: str) -> str:
    """On an English page, mark the Chinese in English text as Chinese: the article numbers of
    the regulations cited ("004 · 第九条", "002 · 任务3"), which name the articles as the texts
    do, and the names English text keeps in Chinese ("历城区 agencies"). Code is left alone."""
    if lang == "zh":
        return markdown
    marked = _CITATION.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', markdown)
    parts = _KEEP.split(marked)
    return "".join(p if i % 2 else _HAN_RUN.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', p)
                   for i, p in enumerate(parts))

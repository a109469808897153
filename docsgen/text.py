"""Small Markdown helpers for the generated pages."""

from __future__ import annotations


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

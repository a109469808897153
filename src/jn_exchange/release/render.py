"""A Diff as the `diff` command prints it (text or JSON) and as the changelog pages show it
(Markdown, zh or en)."""

from __future__ import annotations

import json
import re
from typing import Any

from jn_exchange.release.diff import LEVELS, RULES, Change, Diff

_LEVEL_NAMES = {"zh": {"major": "主版本（不兼容）", "minor": "次版本（兼容的新增）", "patch": "修订（仅文字）"},
                "en": {"major": "major (incompatible)", "minor": "minor (compatible additions)", "patch": "patch (text only)"}}


def as_json(diff: Diff) -> str:
    doc: dict[str, Any] = {
        "old": {"version": diff.old.version, "source": diff.old.label},
        "new": {"version": diff.new.version, "source": diff.new.label},
        "level": diff.level, "declared_level": diff.declared_level,
        "counts": {lv: len(diff.by_level(lv)) for lv in reversed(LEVELS)},
        "changes": [c.as_dict() for c in diff.changes],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def as_text(diff: Diff, lang: str = "en") -> str:
    lines = [_headline(diff, lang), ""]
    for level in reversed(LEVELS):
        changes = diff.by_level(level)
        if changes:
            lines.append(f"{_LEVEL_NAMES[lang][level]}{'：' if lang == 'zh' else ': '}{len(changes)}")
            lines += [f"  {_line(c, lang)}" for c in changes]
            lines.append("")
    warning = consistency(diff, lang)
    if warning:
        lines.append(warning)
    return "\n".join(lines).rstrip() + "\n"


def consistency(diff: Diff, lang: str) -> str | None:
    """A warning when the version numbers announce less than the changes require."""
    need, said = diff.level, diff.declared_level
    if need is None or said is None or LEVELS.index(said) >= LEVELS.index(need):
        return None
    if lang == "zh":
        return f"注意：{diff.old.version} → {diff.new.version} 是{_LEVEL_NAMES['zh'][said]}升级，但变更按规则需要{_LEVEL_NAMES['zh'][need]}升级。"
    return (f"note: {diff.old.version} → {diff.new.version} is a {said} step, but by the rules the changes "
            f"call for a {need} one.")


def _headline(diff: Diff, lang: str) -> str:
    n = len(diff.changes)
    if lang == "zh":
        level = _LEVEL_NAMES["zh"][diff.level] if diff.level else "无"
        return f"{diff.old.version}（{diff.old.label}）→ {diff.new.version}（{diff.new.label}）：{n} 项变更，最高级别：{level}"
    level = _LEVEL_NAMES["en"][diff.level] if diff.level else "none"
    return f"{diff.old.version} ({diff.old.label}) → {diff.new.version} ({diff.new.label}): {n} changes, highest level: {level}"


def _line(c: Change, lang: str) -> str:
    kind = getattr(RULES[c.rule], lang)
    detail = f" {c.prop}: {_short(c.old)} → {_short(c.new)}" if c.prop else ""
    why = (f"（{c.why['zh']}）" if lang == "zh" else f" ({c.why['en']})") if c.why else ""
    return f"{c.where}: {kind}{detail}{why}"


def _differing(a: Any, b: Any, context: int = 12) -> tuple[Any, Any]:
    """Two texts cut to the part that differs (with a little context), so that a long
    description changed in one phrase shows that phrase."""
    if not (isinstance(a, str) and isinstance(b, str)):
        return a, b
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    lo = max(0, start - context)

    def cut(t: str) -> str:
        hi = min(len(t), len(t) - end + context)
        return ("…" if lo else "") + t[lo:hi] + ("…" if hi < len(t) else "")
    return cut(a), cut(b)


def _short(v: Any, width: int = 60) -> str:
    text = "—" if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def markdown(diff: Diff, lang: str) -> str:
    """The changes as a changelog section's body: per level, a table of where, what, old and new."""
    out: list[str] = []
    head = {"zh": "| 位置 | 变更 | 原 | 新 |", "en": "| Where | Change | Old | New |"}[lang]
    for level in reversed(LEVELS):
        changes = diff.by_level(level)
        if not changes:
            continue
        out += [f"### {_LEVEL_NAMES[lang][level]}{'：' if lang == 'zh' else ': '}{len(changes)}", "", head, "|---|---|---|---|"]
        for c in changes:
            kind = getattr(RULES[c.rule], lang) + (f"（`{c.prop}`）" if lang == "zh" and c.prop else
                                                   f" (`{c.prop}`)" if c.prop else "")
            if c.why:   # classified below its rule: in transition, or assessed (the reason)
                kind += f"<br>*{('级别说明：' if lang == 'zh' else 'Level: ')}{_cell(c.why[lang], lang, width=None)}*"
            old, new = _differing(c.old, c.new) if c.rule == "text-changed" else (c.old, c.new)
            out.append(f"| `{c.where}` | {kind} | {_cell(old, lang)} | {_cell(new, lang)} |")
        out.append("")
    warning = consistency(diff, lang)
    if warning:
        out += [f"!!! warning \"{'版本号' if lang == 'zh' else 'Version number'}\"", f"    {warning}", ""]
    return "\n".join(out)


_CHINESE = re.compile("[\u3400-\u9fff]")


def _cell(v: Any, lang: str = "zh", width: int | None = 80) -> str:
    """A table cell: cut to `width` characters (None: whole, for a reason that must be read)."""
    if v is None:
        return ""
    text = (_short(v, width) if width else str(v)).replace("|", "\\|").replace("\n", " ")
    # the model's texts are Chinese: on an English page they are quoted as Chinese
    return f'<span lang="zh">{text}</span>' if lang == "en" and _CHINESE.search(text) else text

"""Report writers of `jn-exchange validate`: one small module per format.

    write_report(result, "text" | "json" | "html" | "junit" | "sarif", lang="zh", out=None) -> str

Writers only read the ValidationResult (architecture rule: a reader never judges, a rule never
formats, a writer never queries). Every value shown passes `_common.scrub` (masks
identity-number-like runs, drops characters XML cannot carry) as defence in depth: the engine
has already masked values; a writer never un-masks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from jn_exchange.findings import ValidationResult
from jn_exchange.reports import htmlreport, jsonreport, junit, sarif, text
from jn_exchange.reports._common import check_lang

_WRITERS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": jsonreport.render,
    "html": htmlreport.render,
    "junit": junit.render,
    "sarif": sarif.render,
}
FORMATS: tuple[str, ...] = tuple(_WRITERS)


def write_report(result: ValidationResult, fmt: str, lang: str = "zh", out: TextIO | None = None,
                 *, color: bool = False, docs_base_url: str | None = None) -> str:
    """Render `result` as `fmt` in `lang` (zh | en); write it to `out` when given; return the text.

    `color=True` adds ANSI colours to the text format, and only when `out` is a terminal.
    `docs_base_url`: where the HTML report's rule links point (an office's copy of the website)."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    check_lang(lang)
    if fmt == "text":
        use_color = bool(color and out is not None and getattr(out, "isatty", lambda: False)())
        rendered = text.render(result, lang, color=use_color)
    elif fmt == "html":
        rendered = htmlreport.render(result, lang, docs_base_url=docs_base_url)
    else:
        rendered = _WRITERS[fmt](result, lang)
    if out is not None:
        out.write(rendered)
    return rendered


__all__ = ["FORMATS", "write_report"]

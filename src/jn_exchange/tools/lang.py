"""The language of what the commands print (`--lang zh|en`, Chinese by default, as the reports):
every command says its results, warnings and errors in one language, chosen once per run.

The tools build their messages with `say(zh, en)` at the moment they say them; `count_en`
writes English counts with the right plural ("1 table", "2 tables")."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import click

LANGS = ("zh", "en")
_current: ContextVar[str] = ContextVar("jn_exchange_lang", default="zh")


def use(lang: str) -> None:
    _current.set(lang if lang in LANGS else "zh")


def current() -> str:
    return _current.get()


def say(zh: str, en: str) -> str:
    """The text in the run's language."""
    return zh if _current.get() == "zh" else en


def count_en(n: int, word: str, plural: str | None = None) -> str:
    """`n word` with the English plural: 1 table, 2 tables, 1 cell, 0 rows."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _set(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    use(value)
    return value


def lang_option(f: Any) -> Any:
    """The `--lang` option of a tool command: sets the run's language before anything is said."""
    return click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True, expose_value=False,
                        is_eager=True, callback=_set,
                        help="Language of what the command prints: zh (中文) or en.")(f)

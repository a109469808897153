"""Click's own usage errors (an unknown option or command, a missing argument, a bad value) in
the language of the run, as every other message of the command line: Chinese by default, English
with `--lang en`. Click says them in English; the group catches them where they are raised (its
own parsing and its sub-command's) and raises them again in the run's language, with the same
exit code (2)."""

from __future__ import annotations

import re
import sys
from typing import IO, Any

import click


def _lang(args: list[str]) -> str:
    """The --lang the command line asks for (usage errors can come before the option is read)."""
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return "zh"


def _quoted(names: Any) -> str:
    return "、".join(str(n) for n in names)


def _hint(e: click.UsageError) -> str:
    param = getattr(e, "param", None)
    if param is None:
        return getattr(e, "param_hint", None) or ""
    return param.get_error_hint(e.ctx) if e.ctx is not None else param.name or ""


def chinese(e: click.UsageError) -> str:
    """What the error says, in Chinese (its English words kept only where they are a value)."""
    if isinstance(e, click.NoSuchOption):
        near = f"；你是不是要用 {_quoted(sorted(e.possibilities))}" if e.possibilities else ""
        return f"没有这个选项：{e.option_name}{near}"
    if isinstance(e, click.MissingParameter):
        kind = {"argument": "参数", "option": "选项"}.get(e.param_type or "", "参数")
        return f"缺少{kind} {_hint(e)}"
    if isinstance(e, click.BadParameter):
        param = e.param
        if param is not None and isinstance(param.type, click.Choice):
            return f"{_hint(e)} 的值无效：只能是 {_quoted(repr(c) for c in param.type.choices)} 之一"
        return f"{_hint(e)} 的值无效（原文：{e.message}）"
    m = re.fullmatch(r"No such command '(.+)'\.", e.message)
    if m:
        return f"没有这个命令：{m.group(1)}（全部命令见 jn-exchange -h）"
    m = re.fullmatch(r"Got unexpected extra arguments? \((.+)\)", e.message)
    if m:
        return f"多余的参数：{m.group(1)}"
    if isinstance(e, click.BadOptionUsage):
        return f"选项 {e.option_name} 用法不对（原文：{e.message}）"
    return f"用法不对（原文：{e.message}）"


class LocalUsageError(click.UsageError):
    """A usage error shown in the run's language."""

    def __init__(self, original: click.UsageError, lang: str):
        super().__init__(original.message, original.ctx)
        self.original = original
        self.lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        if self.lang == "en":
            self.original.show(file)
            return
        out = file or sys.stderr
        ctx = self.ctx
        if ctx is not None:
            click.echo(ctx.get_usage().replace("Usage: ", "用法：", 1), file=out)
            click.echo(f"运行 '{ctx.command_path} {ctx.help_option_names[0]}' 查看帮助。\n", file=out)
        click.echo(f"错误：{chinese(self.original)}", file=out)


class Group(click.Group):
    """The command group whose usage errors speak the run's language."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = _lang(list(args))   # the whole command line: the group's and its sub-command's
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except LocalUsageError:
            raise
        except click.UsageError as e:
            raise LocalUsageError(e, lang) from None
        ctx.meta["jn_exchange.lang"] = lang
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        lang = ctx.meta.get("jn_exchange.lang", "zh")
        try:
            return super().invoke(ctx)
        except LocalUsageError:
            raise
        except click.UsageError as e:
            raise LocalUsageError(e, lang) from None

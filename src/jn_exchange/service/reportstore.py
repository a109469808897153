"""The validator's run for the service, and its reports on disk: `validate` with a configuration
of the service's limits, `as_of` = the day of receipt; a workbook is first turned into a package
by the `convert` tool. Reports are rendered once, in every format and language, by
`jn_exchange.reports`, and served from `reports/<submission>/`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jn_exchange.config import Config, Limits
from jn_exchange.findings import ValidationResult
from jn_exchange.service.settings import Settings

EXTENSIONS = {"text": "txt", "json": "json", "html": "html", "junit": "xml", "sarif": "sarif"}
LANGS = ("zh", "en")


@dataclass
class Judgement:
    verdict: str                       # pass | fail | unusable
    result: ValidationResult | None
    reason: str | None = None

    @classmethod
    def unusable(cls, reason: str) -> Judgement:
        return cls("unusable", None, reason)


def _convert_workbook(path: Path, filename: str, work: Path) -> Path:
    from jn_exchange.tools._package import ToolError
    from jn_exchange.tools.convert import run as convert

    out = work / (Path(filename).stem + ".zip")
    try:
        convert(path, out, lambda _msg: None)
    except ToolError as exc:
        raise _Unusable(f"Excel 工作簿无法转换为数据包 (the workbook cannot be converted): {exc}") from exc
    return out


class _Unusable(Exception):
    pass


def judge_package(settings: Settings, path: Path, kind: str, filename: str, as_of: dt.date, work: Path,
                  progress: Callable[[int, int], None]) -> Judgement:
    from jn_exchange.package import InputError
    from jn_exchange.timelimit import TimeLimitExceeded
    from jn_exchange.validate import validate

    config = Config({}, Limits(max_examples=settings.max_examples), docs_base_url=settings.docs_base_url)
    try:
        target = _convert_workbook(path, filename, work) if kind == "xlsx" else path
        result = validate(target, config, as_of=as_of, progress=lambda _n, i, total: progress(i, total),
                          memory_limit=settings.memory_limit)
    except _Unusable as exc:
        return Judgement.unusable(str(exc))
    except (InputError, TimeLimitExceeded) as exc:
        # the stored path means nothing to the submitter: name their file instead
        return Judgement.unusable(str(exc).replace(str(path), filename).replace(str(work), "."))
    result.source = filename
    return Judgement("fail" if result.fails() else "pass", result)


def report_path(settings: Settings, public_id: str, fmt: str, lang: str) -> Path:
    return settings.reports_dir / public_id / f"report.{lang}.{EXTENSIONS[fmt]}"


def store_reports(settings: Settings, public_id: str, result: ValidationResult) -> None:
    from jn_exchange.reports import FORMATS, write_report

    folder = settings.reports_dir / public_id
    folder.mkdir(mode=0o700, exist_ok=True)
    for fmt in FORMATS:
        for lang in LANGS:
            text = write_report(result, fmt, lang=lang, docs_base_url=settings.docs_base_url)
            dest = report_path(settings, public_id, fmt, lang)
            tmp = dest.with_suffix(".part")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, dest)

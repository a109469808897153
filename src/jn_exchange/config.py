"""User configuration of a validation run (`--config FILE`): rule switches and severities by
code, and the safety limits. The file is YAML or JSON:

    rules:
      JN-HDR-005: off                 # switch a rule off
      JN-FILE-006: {severity: error}  # change its severity
    limits:
      max_cell_chars: 65536
    docs_base_url: https://intranet.example/jn-exchange-docs   # where the HTML report's rule links point
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jn_exchange.findings import RuleOverride, RuleTally, Severity

# The memory a run may use, DuckDB spilling to the run's private folder beyond its share (512 MB
# of this default): up to about 2M rows nothing spills; 10M rows (1 GB of CSV) peak at 679 MB
# (RSS) in 15 s, against 1.15 GB when DuckDB had 1 GB, for 14% more CPU
DEFAULT_MEMORY_LIMIT = "640MB"


@dataclass
class Limits:
    """The safety limits of a validation run: each bounds what a hostile or broken package can
    make the validator spend. Set them in the config file (`limits:`) or with
    `jn-exchange validate --limit NAME=VALUE` (the command line wins); the report records them."""
    # total bytes a zip may unpack to (zip bomb guard); 20 GiB is ~200 M rows of CSV, far beyond any export
    max_unpacked_bytes: int = 20 * 1024**3
    # entries in a zip: a package has one CSV per table (under 100 files); more is a bomb of small files
    max_zip_entries: int = 10_000
    # unpacked/packed size, per entry and over the whole archive, judged above 1 MiB: CSV compresses 5-25x
    max_zip_ratio: int = 200
    # bytes one zip entry may unpack to: 4 GiB is ~40 M rows of one table, past any real table file
    max_zip_entry_bytes: int = 4 * 1024**3
    # zips inside zips: 2 lets package.zip hold the one inner zip some export tools make
    max_zip_depth: int = 2
    # bytes of datapackage.json (and of a Table Schema copy), which are read whole: real ones are a few KB
    max_descriptor_bytes: int = 16 * 1024**2
    # characters of one cell (JN-FILE-009): the longest text field allows a few thousand
    max_cell_chars: int = 32_768
    # data rows of one table (JN-FILE-012): a year of a city's largest table is of the order of a
    # million rows; 50 M (about 5 GB of CSV, a few minutes: 10 M rows validate in 17 s in the
    # benchmark) is beyond any real export but stops a small zip that expands to endless rows
    max_rows_per_table: int = 50_000_000
    # wall-clock seconds of one validation run, then it stops with exit 2 and no report: 50 M rows
    # take minutes, so 30 minutes is an answer in bounded time even on a slow, shared machine
    max_seconds: int = 1800
    # stored findings per rule and table (not a safety bound: counts stay exact; also --max-examples)
    max_examples: int = 50


LIMIT_NAMES = tuple(f.name for f in fields(Limits))


class ConfigError(ValueError):
    """The configuration (file or options) cannot be used (exit code 2); said in Chinese and
    English (`str()` is the English, `.say(lang)` either)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def say(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Config:
    overrides: dict[str, RuleOverride]
    limits: Limits
    source: str | None = None
    docs_base_url: str | None = None      # the office's copy of the website (None: the public one)
    # `--tables a,b`: check these tables only (None: every table). The others are read by no
    # check: references into them and business rules reading them are not judged, as for a
    # declared table whose file cannot be read
    tables: frozenset[str] | None = None
    # `--max-errors N`: list at most N error findings in all (counts stay exact; see cap_listed_errors)
    max_errors: int | None = None

    def checks_table(self, name: str) -> bool:
        return self.tables is None or name in self.tables

    def as_record(self, skipped: list[str] | None = None, left_out: int = 0) -> dict[str, Any]:
        """What the report records about the configuration; the run's scope (`--tables`,
        `--max-errors`) only when it was narrowed, with `notes` saying so in both languages."""
        record: dict[str, Any] = {
            "file": self.source,
            "rules": {c: ({"enabled": False} if not o.enabled else {"severity": o.severity.value if o.severity else None})
                      for c, o in sorted(self.overrides.items())},
            "limits": asdict(self.limits),
        }
        notes = []
        if self.tables is not None:
            record["tables"] = {"checked": sorted(self.tables), "skipped": sorted(skipped or [])}
            notes.append(_tables_note(sorted(self.tables), sorted(skipped or [])))
        if self.max_errors is not None:
            record["max_errors"] = {"limit": self.max_errors, "errors_not_listed": left_out}
            if left_out:
                notes.append({"zh": f"按 --max-errors {self.max_errors} 只列出前 {self.max_errors} 条错误，"
                                    f"另有 {left_out} 条未列出；各规则的计数仍是完整的，结论不变",
                              "en": f"--max-errors {self.max_errors}: the first {_plural(self.max_errors, 'error')} "
                                    f"listed, {left_out} more not listed; every rule's count is still exact "
                                    "and the verdict stands"})
        if notes:
            record["notes"] = notes
        return record


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _tables_note(checked: list[str], skipped: list[str]) -> dict[str, str]:
    zh = f"按 --tables 只校验了 {len(checked)} 张表（{'、'.join(checked)}）"
    en = f"--tables: only {_plural(len(checked), 'table')} checked ({', '.join(checked)})"
    if skipped:
        zh += f"；包中另有 {len(skipped)} 张表未校验（{'、'.join(skipped)}），引用这些表的外键和读取这些表的业务规则均未判断"
        en += (f"; {_plural(len(skipped), 'other table')} of the package not checked ({', '.join(skipped)}): "
               "references into them and business rules reading them were not judged")
    return {"zh": zh, "en": en}


def cap_listed_errors(tallies: list[RuleTally], max_errors: int | None) -> int:
    """Keep at most `max_errors` error findings listed over all tallies, in report order (the
    tallies' order); the counts are left exact. Returns how many stored error findings were
    dropped.

    A cap on the listing, not a stop: frictionless' `--limit-errors` stops validating at the
    limit (its report then says the limit was reached, and its counts are partial), while the
    GTFS validator counts every notice and keeps a sample of each. Here the engine counts every
    rule of a table in one scan whatever it finds, so stopping would save little time and make
    the counts partial; what grows with the errors is the listing, so that is what is capped,
    and the report says how many were not listed (`as_record` notes)."""
    if max_errors is None:
        return 0
    room = max_errors
    dropped = 0
    for t in tallies:
        if t.severity is not Severity.ERROR:
            continue
        keep = min(room, len(t.examples))
        dropped += len(t.examples) - keep
        t.examples = t.examples[:keep]
        room -= keep
    return dropped


def parse_tables(value: str, known: list[str]) -> frozenset[str]:
    """`--tables a,b`: table names of the standard, comma-separated (Chinese commas and spaces
    accepted); an unknown name is an error naming the closest ones."""
    import difflib

    names = [n.strip() for n in re.split(r"[,，、\s]+", value) if n.strip()]
    if not names:
        raise ConfigError("--tables 未列出任何表名", "--tables names no table")
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            raise ConfigError(
                f"--tables：{name} 不是本规范的表" + (f"，是否指 {'、'.join(close)}？" if close else "（见 `jn-exchange rules` 或网站的表清单）"),
                f"--tables: {name} is not a table of the standard" + (f"; did you mean {', '.join(close)}?" if close else ""))
    return frozenset(names)


def load_config(path: Path | None, known_codes: set[str]) -> Config:
    if path is None:
        return Config({}, Limits())
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}", f"cannot read config file {path}: {exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parse error is the user's file
        raise ConfigError(f"配置文件 {path} 不是合法的 YAML/JSON：{exc}", f"config file {path} is not valid YAML/JSON: {exc}") from exc
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError(f"配置文件 {path} 必须是含 rules 和/或 limits 的映射",
                          f"config file {path} must be a mapping with 'rules' and/or 'limits'")
    unknown_top = set(data) - {"rules", "limits", "docs_base_url"}
    if unknown_top:
        raise ConfigError(f"配置文件中有未知的键：{'、'.join(sorted(unknown_top))}（可用 rules、limits、docs_base_url）",
                          f"unknown keys in config file: {', '.join(sorted(unknown_top))}")
    overrides: dict[str, RuleOverride] = {}
    for code, spec in (data.get("rules") or {}).items():
        if code not in known_codes:
            raise ConfigError(f"配置中的规则代码 {code} 不存在（见 `jn-exchange rules`）",
                              f"config names an unknown rule code: {code} (see `jn-exchange rules`)")
        if spec in ("off", False, "disable", "disabled"):
            overrides[code] = RuleOverride(enabled=False)
        elif spec in ("on", True):
            overrides[code] = RuleOverride()
        elif isinstance(spec, dict) and set(spec) <= {"severity", "enabled"}:
            try:
                sev = Severity(spec["severity"]) if spec.get("severity") else None
            except ValueError as exc:
                raise ConfigError(f"{code}：severity 只能是 error、warning 或 info",
                                  f"{code}: severity must be error, warning or info") from exc
            overrides[code] = RuleOverride(enabled=bool(spec.get("enabled", True)), severity=sev)
        else:
            raise ConfigError(f"{code}：请写 off、on 或 {{severity: error|warning|info}}",
                              f"{code}: use off, on or {{severity: error|warning|info}}")
    limits = Limits()
    given = data.get("limits") or {}
    if not isinstance(given, dict):
        raise ConfigError(f"配置文件 {path}：limits 必须是限额名称到数值的映射",
                          f"config file {path}: limits must be a mapping of limit names to numbers")
    for k, v in given.items():
        set_limit(limits, str(k), v, f"config file {path}, limits.{k}")
    try:
        docs = check_docs_base_url(data["docs_base_url"]) if "docs_base_url" in data else None
    except ConfigError as exc:
        raise ConfigError(f"配置文件 {path} 的 docs_base_url：{exc.zh}", f"config file {path}, docs_base_url: {exc}") from exc
    return Config(overrides, limits, str(path), docs)


def set_limit(limits: Limits, name: str, value: object, where: str) -> None:
    """Set one limit by name to a positive integer; anything else is the user's error (exit 2)."""
    if name not in LIMIT_NAMES:
        raise ConfigError(f"{where}：没有名为 {name!r} 的限额；可设的限额有 {'、'.join(LIMIT_NAMES)}",
                          f"{where}: unknown limit {name!r}; the limits are {', '.join(LIMIT_NAMES)}")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where}：{name} 必须是正整数，而不是 {value!r}", f"{where}: {name} must be a positive integer, not {value!r}")
    setattr(limits, name, value)


def apply_limit_options(limits: Limits, options: tuple[str, ...] | list[str]) -> None:
    """`--limit NAME=VALUE` options, in order, over the limits of the config file."""
    for option in options:
        name, sep, value = option.partition("=")
        if not sep:
            raise ConfigError(f"--limit {option!r}：请写成 名称=数值，如 max_rows_per_table=100000000",
                              f"--limit {option!r}: write NAME=VALUE, e.g. max_rows_per_table=100000000")
        digits = value.strip()   # digits, `_` allowed: 50_000_000
        number: object = int(digits) if re.fullmatch(r"[0-9]{1,20}(?:_[0-9]{1,20}){0,6}", digits) else value
        set_limit(limits, name.strip(), number, f"--limit {option}")


_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


def check_docs_base_url(value: object) -> str:
    """The base of the rule pages the HTML report links to, as a URL a browser follows: http(s),
    file, or a folder relative to the report; a Windows path (S:\\docs, \\\\server\\docs) becomes a
    file URL. Anything else (javascript:, data:, a query) is refused: it ends up in a link."""
    if not isinstance(value, str) or not value.strip() or any(ord(ch) < 32 for ch in value):
        raise ConfigError("文档地址必须是 http(s) 或 file 网址，或一个文件夹路径",
                          "the docs base URL must be an http(s) or file URL, or a folder path")
    url = value.strip()
    if _DRIVE.match(url):
        url = "file:///" + url
    elif url.startswith("\\\\"):
        url = "file:" + url
    url = url.replace("\\", "/").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("", "http", "https", "file") or "?" in url or "#" in url:
        raise ConfigError(f"文档地址 {value!r}：请用 http(s) 或 file 网址，或一个文件夹路径",
                          f"docs base URL {value!r}: use an http(s) or file URL, or a folder path")
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        raise ConfigError(f"文档地址 {value!r}：网址中没有服务器名", f"docs base URL {value!r}: the URL names no server")
    return quote(url, safe=":/%@!$&'()*+,;=~-._") or "."

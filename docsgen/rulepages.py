"""Rule pages: one per code of the rule registry, with its failing examples from the
conformance corpus (the mutation said in words by the corpus's own operations, and the finding
it must produce), and how the rule is checked, read from the same entry: a business rule's SQL,
a cell rule's selector and SQL condition, or the function that emits any other rule."""

from __future__ import annotations

import json
import re
from typing import Any

from docsgen.labels import LEVELS, SEVERITIES, T
from docsgen.text import code, esc, language_part, quote_citations, quote_zh, short, zh_text
from tests.conformance.corpus import OPS


def _val(v: Any) -> str:
    if isinstance(v, str):
        return code(short(v, 60))
    return code(short(json.dumps(v, ensure_ascii=False), 80))


_ENGLISH_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ ,;:]+[A-Za-z][A-Za-z'-]*){2,}")
_ENGLISH_ASIDE = re.compile(r"\s*\((?P<en>[A-Za-z][^()]*)\)")


def scope_text(value: str, lang: str) -> str | None:
    """A rule's scope (`applies` in the rule catalogue, written in English with Chinese names,
    "全市 (all agencies)") in the page's language. A Chinese page drops English asides in
    brackets and leaves out a scope still written in English (the rule's description says it in
    Chinese); an English page takes the English aside of a Chinese name ("all agencies")."""
    if lang == "zh":
        text = _ENGLISH_ASIDE.sub("", value).strip()
        return zh_text(esc(text)) if text and not _ENGLISH_WORDS.search(text) else None
    whole = re.fullmatch(r"(?P<zh>[^()A-Za-z]+)\s*\((?P<en>[A-Za-z][^()]*)\)", value.strip())
    return esc(whole.group("en")) if whole else quote_citations(esc(value), lang)


def _kv(d: dict[str, Any], lang: str) -> str:
    sep = "，" if lang == "zh" else ", "
    eq = " = "
    return sep.join(f"{code(k)}{eq}{_val(v)}" for k, v in d.items())


def _table_link(table: str, tables: set[str]) -> str:
    return f"[{code(table)}](../reference/tables/{table}.md)" if table in tables else code(table)


class MarkdownWords:
    """How the corpus's operations say their mutation on a rule page (`Words` of
    tests/conformance/corpus.py): Markdown, table names linked to their pages."""

    def __init__(self, lang: str, tables: set[str]):
        self.zh, self.lang, self.tables = lang == "zh", lang, tables

    def code(self, text: str) -> str:
        return code(text)

    def val(self, value: Any) -> str:
        return _val(value)

    def kv(self, pairs: dict[str, Any]) -> str:
        return _kv(pairs, self.lang)

    def table(self, name: str) -> str:
        return _table_link(name, self.tables)

    def short(self, text: str, n: int) -> str:
        return short(text, n)


def describe_op(op: dict[str, Any], lang: str, tables: set[str]) -> str:
    """One mutation of the conformance corpus, in words: said by the operation itself; an unknown
    operation shows as its JSON."""
    args = dict(op)
    known = OPS.get(args.pop("op", "?"))
    if known is None:
        return code(short(json.dumps(op, ensure_ascii=False), 100))
    return known.describe(args, MarkdownWords(lang, tables))


def describe_form(form: Any, lang: str) -> str | None:
    zh = lang == "zh"
    if form in (None, "folder"):
        return None
    if form == "zip":
        return "打包成 zip 后校验" if zh else "validate it as a zip"
    if form == "json":
        return "转换成 JSON 形式的交换包后校验" if zh else "validate it in the JSON form"
    if form == "descriptor":
        return "直接校验 datapackage.json" if zh else "validate datapackage.json directly"
    if isinstance(form, dict):
        if "file" in form:
            return f"直接校验文件 {code(form['file'])}" if zh else f"validate the file {code(form['file'])} directly"
        parts = []
        if form.get("corrupt"):
            parts.append("zip 文件已损坏" if zh else "a corrupt zip file")
        if form.get("encrypted"):
            parts.append("zip 中的文件已加密" if zh else "zip entries flagged as encrypted")
        if form.get("slip"):
            parts.append(f"zip 中有路径为 {code('../../escape.csv')} 的条目" if zh
                         else f"a zip entry with the path {code('../../escape.csv')}")
        if form.get("bomb"):
            parts.append("zip 中有一个解压后 64 MiB 的高压缩比条目" if zh
                         else "a zip entry that inflates to 64 MiB")
        if form.get("nest"):
            parts.append(f"zip 再嵌套 {form['nest']} 层 zip" if zh else f"the zip nested {form['nest']} levels deep in zips")
        for key, words_zh, words_en in (("zeros", "加一个解压后 {} 字节的全零条目", "an entry of {} zero bytes"),
                                        ("total", "加一个全零条目，使解压总量正好 {} 字节",
                                         "a zero-filled entry that makes the unpacked total exactly {} bytes"),
                                        ("entries", "加空条目，使条目正好 {} 个", "empty entries up to exactly {} entries")):
            if key in form:
                parts.append((words_zh if zh else words_en).format(form[key]))
        if not parts:
            return "打包成 zip 后校验" if zh else "validate it as a zip"
        return ("打包成 zip：" + "；".join(parts)) if zh else ("as a zip: " + "; ".join(parts))
    return code(str(form))


def describe_expect(e: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    bits = [f"**{e['code']}**"]
    where = []
    if e.get("resource"):
        where.append(code(e["resource"]))
    if e.get("row"):
        where.append(f"第 {e['row']} 行" if zh else f"row {e['row']}")
    if e.get("field"):
        where.append(code(e["field"]))
    if e.get("count"):   # exact: the rule's findings in the table (in the package without one)
        n, table = e["count"], bool(e.get("resource"))
        where.append((f"该表共 {n} 处" if table else f"共 {n} 处") if zh else (f"{n} in the table" if table else f"{n} in all"))
    if where:
        bits.append(("（" + " · ".join(where) + "）") if zh else ("(" + " · ".join(where) + ")"))
    return " ".join(bits) if not zh else "".join(bits)


def rule_page(rule: Any, cases: list[dict[str, Any]], lang: str, tables: set[str]) -> str:
    t = T[lang]
    zh = lang == "zh"
    out = [f"# {rule.code} {esc(rule.title[lang])}", ""]
    if rule.deprecated:
        note = language_part(str(rule.deprecated), lang) or str(rule.deprecated)   # written in both languages
        out += [f'!!! warning "{t["deprecated"]}"', "", f"    {quote_citations(esc(note), lang)}", ""]
    if rule.in_transition:   # a warning until the version from which it is an error
        v = rule.error_from
        note = (f"本规则在过渡期内：自 {v} 版起为“错误”，在此之前报告为“警告”（见[版本与弃用](../versioning.md)）。"
                f"监督机构可以用 `--config` 文件现在就把它设为错误。" if zh else
                f"This rule is in transition: an error from version {v}, reported as a warning until then (see "
                f"[Versions and deprecation](../versioning.md)). The office may make it an error now with a `--config` file.")
        out += [f'!!! note "{"过渡期" if zh else "In transition"}"', "", f"    {note}", ""]
    out += [f"| {t['severity']} | {t['level']} | {t['basis']} |", "|---|---|---|",
            f"| {SEVERITIES[rule.severity.value][lang]} | [{LEVELS.get(rule.level, {}).get(lang, rule.level)}]"
            f"(index.md#{rule.level.replace('_', '-')}) | {quote_zh(zh_text(esc(rule.basis)), lang)} |", ""]
    out += [f"## {t['what']}", "", quote_citations(esc(rule.description[lang]), lang), ""]
    if rule.reads:
        colon, sep = ("：", "、") if zh else (": ", ", ")
        out += [f"**{t['reads']}**{colon}" + sep.join(_table_link(r, tables) for r in rule.reads), ""]
    if rule.applies:
        out += [f"**{t['applies']}**" + ("：" if zh else ":"), ""]
        for k, v in rule.applies.items():
            if not isinstance(v, str):
                out.append(f"- {code(k)}: {_val(v)}")
                continue
            text = scope_text(v, lang)
            if text:  # whole: it is the rule's scope
                out.append(f"- {code(k)}: {text}")
        out.append("")
    out += [f"## {t['message']}", "", "```text", rule.message[lang], "```", "", t["message_note"], ""]
    out += [f"## {t['examples']}", ""]
    mine = [c for c in cases if c.get("rule") == rule.code]
    if not mine:
        out += [t["no_case"], ""]
    for c in mine:
        out += [f"### {code(c['id'])}", ""]
        base = c.get("base", "jinan-sample")
        steps = [t["base_none"] if base == "none" else t["base_example"].format(base=base)]
        steps += [describe_op(m, lang, tables) for m in c.get("mutate") or []]
        form = describe_form(c.get("form"), lang)
        if form:
            steps.append(form)
        if c.get("limits"):   # the limit cases run with a limit of their own
            options = " ".join(code(f"--limit {k}={v}") for k, v in c["limits"].items())
            steps.append(f"以上限 {options} 校验" if zh else f"validate with {options}")
        out += [f"**{t['mutation']}**" + ("：" if zh else ":"), ""]
        out += [f"{i}. {s}" for i, s in enumerate(steps, 1)]
        if c.get("passes"):
            out += ["", f"**{t['expected']}**" + ("：" if zh else ":") + " " + t["passes"]]
        else:
            out += ["", f"**{t['expected']}**" + ("：" if zh else ":"), ""]
            out += [f"- {describe_expect(e, lang)}" for e in c.get("expect") or []]
        if c.get("also"):
            from jn_exchange.rules import registry
            known = registry()
            also = ("、" if zh else ", ").join(f"[{a}]({a}.md)" if a in known else code(a) for a in c["also"])
            out += ["", (f"同一改动还可能引起：{also}" if zh else f"The same change may also raise: {also}")]
        out.append("")
    if mine:
        out += [t["case_note"], ""]
    out += [f"## {t['fix']}", "", quote_citations(esc(rule.fix[lang]), lang), ""]
    if rule.sql:
        out += [f"## {t['sql']}", "", "```sql", rule.sql.rstrip(), "```", "", t["sql_note"], ""]
    out += how_checked(rule, lang)
    return "\n".join(out)


def how_checked(rule: Any, lang: str) -> list[str]:
    """A structural rule's `check`: a cell rule's selector, SQL condition and message
    parameters; any other rule's emitting function."""
    t = T[lang]
    colon = "：" if lang == "zh" else ":"
    if isinstance(rule.check, str):
        return [f"## {t['check']}", "", t["check_function"].format(fn=code(rule.check)), ""]
    if not isinstance(rule.check, dict):
        return []
    out = [f"## {t['check']}", "", f"**{t['check_applies']}**{colon}", ""]
    out += [f"- {code(k)}: {_val(v)}" for k, v in (rule.check.get("applies") or {}).items()]
    out += ["", "```sql", str(rule.check["when"]).strip(), "```", ""]
    params = rule.check.get("params") or {}
    if params:
        sep = "，" if lang == "zh" else ", "
        out += [f"**{t['check_params']}**{colon}" + ("" if lang == "zh" else " ") + sep.join(f"{code('{' + k + '}')} ← {code(v)}"
                                                            for k, v in params.items()), ""]
    out += [t["check_note"], ""]
    return out


def rules_index(rules: list[Any], lang: str) -> str:
    t = T[lang]
    out = [f"# {t['rules_index']}", "", t["rules_intro"].format(n=len(rules)), ""]
    levels = list(dict.fromkeys([*LEVELS, *(r.level for r in rules)]))
    for level in levels:
        mine = [r for r in rules if r.level == level]
        if not mine:
            continue
        name = LEVELS.get(level, {}).get(lang, level)
        out += [f"## {name} {{#{level.replace('_', '-')}}}", ""]
        out += [f"| {t['code']} | {t['title']} | {t['severity']} | {t['basis']} |", "|---|---|---|---|"]
        for r in mine:
            title = esc(r.title[lang]) + (f" *({t['deprecated']})*" if r.deprecated else "")
            out.append(f"| [{r.code}]({r.code}.md) | {title} | {SEVERITIES[r.severity.value][lang]}"
                       + (("（过渡期）" if lang == "zh" else " (in transition)") if r.in_transition else "") + " "
                       f"| {quote_zh(zh_text(esc(r.basis)), lang)} |")
        out.append("")
    return "\n".join(out)

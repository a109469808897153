"""Rule pages: one per code of the rule registry, with its failing examples from the
conformance corpus (the mutation said in words, and the finding it must produce)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from jn_exchange.docsgen.labels import LEVELS, SEVERITIES, T
from jn_exchange.docsgen.text import code, esc, short


def load_cases(cases_dir: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(cases_dir.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append(case)
    return cases


def _val(v: Any) -> str:
    if isinstance(v, str):
        return code(short(v, 60))
    return code(short(json.dumps(v, ensure_ascii=False), 80))


def _kv(d: dict[str, Any], lang: str) -> str:
    sep = "，" if lang == "zh" else ", "
    eq = " = "
    return sep.join(f"{code(k)}{eq}{_val(v)}" for k, v in d.items())


def _table_link(table: str, tables: set[str]) -> str:
    return f"[{code(table)}](../reference/tables/{table}.md)" if table in tables else code(table)


def describe_op(op: dict[str, Any], lang: str, tables: set[str]) -> str:
    """One mutation of the conformance corpus, in words."""
    zh = lang == "zh"
    o = dict(op)
    kind = o.pop("op", "?")
    t = _table_link(o["table"], tables) if "table" in o else ""
    if kind == "set":
        value = o.get("value", "")
        shown = _val("" if value is None else str(value))
        if o.get("repeat", 1) > 1:
            shown = f"{shown} × {o['repeat']}"
        if value in ("", None):
            return (f"清空 {t} 第 {o['row']} 行的 {code(o['field'])}" if zh
                    else f"empty {code(o['field'])} in row {o['row']} of {t}")
        return (f"把 {t} 第 {o['row']} 行的 {code(o['field'])} 改为 {shown}" if zh
                else f"set {code(o['field'])} in row {o['row']} of {t} to {shown}")
    if kind == "uscc_break":
        return (f"把 {t} 第 {o['row']} 行 {code(o['field'])} 的校验码换成另一个合法字符" if zh
                else f"replace the check character of {code(o['field'])} in row {o['row']} of {t} by another valid character")
    if kind == "set_where":
        return (f"在 {t} 中 {_kv(o.get('where', {}), lang)} 的行，设置 {_kv(o.get('set', {}), lang)}" if zh
                else f"in the rows of {t} where {_kv(o.get('where', {}), lang)}, set {_kv(o.get('set', {}), lang)}")
    if kind == "append":
        parts = []
        if o.get("copy_row"):
            parts.append(f"复制第 {o['copy_row']} 行" if zh else f"a copy of row {o['copy_row']}")
        if o.get("values"):
            parts.append(("其中 " if zh else "with ") + _kv(o["values"], lang))
        what = ("，".join(parts) if zh else " ".join(parts)) or ("空行" if zh else "an empty row")
        return f"在 {t} 末尾追加一行：{what}" if zh else f"append to {t}: {what}"
    if kind == "delete_rows":
        if o.get("rows"):
            rows = "、".join(str(r) for r in o["rows"]) if zh else ", ".join(str(r) for r in o["rows"])
            return f"删除 {t} 的第 {rows} 行" if zh else f"delete rows {rows} of {t}"
        return (f"删除 {t} 中 {_kv(o.get('where', {}), lang)} 的行" if zh
                else f"delete the rows of {t} where {_kv(o.get('where', {}), lang)}")
    if kind == "header":
        parts = []
        for name in o.get("drop") or []:
            parts.append(f"删除列 {code(name)}" if zh else f"drop column {code(name)}")
        for name in o.get("add") or []:
            parts.append(f"增加列 {code(name)}" if zh else f"add column {code(name)}")
        for a, b in (o.get("rename") or {}).items():
            parts.append(f"把列名 {code(a)} 改为 {code(b)}" if zh else f"rename column {code(a)} to {code(b)}")
        if o.get("order") == "reverse":
            parts.append("把列的顺序倒过来" if zh else "reverse the column order")
        if o.get("titles"):
            parts.append("表头改用字段的中文名" if zh else "use the fields' Chinese names as header")
        return (f"{t} 的表头：" + "；".join(parts)) if zh else (f"header of {t}: " + "; ".join(parts))
    if kind == "raw":
        if o.get("hex") is not None:
            return (f"把文件 {code(o['path'])} 写成字节 {code(short(o['hex'], 40))}（十六进制）" if zh
                    else f"write the bytes {code(short(o['hex'], 40))} (hex) as file {code(o['path'])}")
        text = o.get("text") or ""
        if not text:
            return f"把文件 {code(o['path'])} 写成空文件" if zh else f"write {code(o['path'])} as an empty file"
        return (f"把文件 {code(o['path'])} 写成 {_val(text)}" if zh
                else f"write {code(o['path'])} with the content {_val(text)}")
    if kind == "bytes":
        parts = []
        for a, b in (o.get("replace") or {}).items():
            parts.append(f"把文本 {_val(a)} 替换为 {_val(b)}" if zh else f"replace the text {_val(a)} by {_val(b)}")
        if o.get("append"):
            parts.append(f"在末尾追加 {_val(o['append'])}" if zh else f"append {_val(o['append'])}")
        newline = o.get("newline")
        if newline:
            nl = {"crlf": ("CRLF", "CRLF"), "cr": ("CR", "CR"), "mixed": ("CRLF 与 LF 混用", "mixed CRLF and LF")}
            z, e = nl.get(newline, (newline, newline))
            parts.append(f"行尾改为 {z}" if zh else f"line ends {e}")
        if o.get("encoding"):
            parts.append(f"以 {code(o['encoding'])} 编码保存" if zh else f"saved in {code(o['encoding'])} encoding")
        for a, h in (o.get("replace_bytes") or {}).items():
            parts.append(f"把 {_val(a)} 的字节替换为 {code(h)}（十六进制）" if zh
                         else f"replace the bytes of {_val(a)} by {code(h)} (hex)")
        if o.get("bom"):
            parts.append("文件开头加 UTF-8 BOM" if zh else "add a UTF-8 byte-order mark")
        return (f"重写 {t} 的文件：" + "；".join(parts)) if zh else (f"rewrite the file of {t}: " + "; ".join(parts))
    if kind == "descriptor":
        parts = []
        for k, v in (o.get("set") or {}).items():
            parts.append(f"设置 {code(k)} 为 {_val(v)}" if zh else f"set {code(k)} to {_val(v)}")
        for k in o.get("delete") or []:
            parts.append(f"删除 {code(k)}" if zh else f"delete {code(k)}")
        if o.get("resource"):
            r = code(o["resource"])
            parts.append(f"资源 {r} 中设置 {_kv(o.get('resource_set') or {}, lang)}" if zh
                         else f"in resource {r} set {_kv(o.get('resource_set') or {}, lang)}")
        if o.get("add_resource"):
            parts.append(f"增加资源 {_val(o['add_resource'])}" if zh else f"add the resource {_val(o['add_resource'])}")
        if o.get("drop_resource"):
            parts.append(f"删除资源 {code(o['drop_resource'])}" if zh else f"remove resource {code(o['drop_resource'])}")
        if o.get("duplicate_resource"):
            parts.append(f"把资源 {code(o['duplicate_resource'])} 再声明一次" if zh
                         else f"declare resource {code(o['duplicate_resource'])} twice")
        return ("datapackage.json：" + "；".join(parts)) if zh else ("datapackage.json: " + "; ".join(parts))
    if kind == "delete_file":
        return f"删除文件 {code(o['path'])}" if zh else f"delete the file {code(o['path'])}"
    if kind == "drop_table":
        return (f"删除表 {t}（文件和资源声明）" if zh else f"remove table {t} (file and resource)")
    return code(short(json.dumps(op, ensure_ascii=False), 100))


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
    if where:
        bits.append(("（" + " · ".join(where) + "）") if zh else ("(" + " · ".join(where) + ")"))
    return " ".join(bits) if not zh else "".join(bits)


def rule_page(rule: Any, cases: list[dict[str, Any]], lang: str, tables: set[str]) -> str:
    t = T[lang]
    zh = lang == "zh"
    out = [f"# {rule.code} {esc(rule.title[lang])}", ""]
    if rule.deprecated:
        out += [f'!!! warning "{t["deprecated"]}"', "", f"    {esc(str(rule.deprecated))}", ""]
    out += [f"| {t['severity']} | {t['level']} | {t['basis']} |", "|---|---|---|",
            f"| {SEVERITIES[rule.severity.value][lang]} | [{LEVELS.get(rule.level, {}).get(lang, rule.level)}]"
            f"(index.md#{rule.level.replace('_', '-')}) | {esc(rule.basis)} |", ""]
    out += [f"## {t['what']}", "", esc(rule.description[lang]), ""]
    if rule.reads:
        colon, sep = ("：", "、") if zh else (": ", ", ")
        out += [f"**{t['reads']}**{colon}" + sep.join(_table_link(r, tables) for r in rule.reads), ""]
    if rule.applies:
        out += [f"**{t['applies']}**" + ("：" if zh else ":"), ""]
        for k, v in rule.applies.items():
            out.append(f"- {code(k)}: " + (esc(v) if isinstance(v, str) else _val(v)))   # whole: it is the rule's scope
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
    out += [f"## {t['fix']}", "", esc(rule.fix[lang]), ""]
    if rule.sql:
        out += [f"## {t['sql']}", "", "```sql", rule.sql.rstrip(), "```", "", t["sql_note"], ""]
    return "\n".join(out)


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
            out.append(f"| [{r.code}]({r.code}.md) | {title} | {SEVERITIES[r.severity.value][lang]} | {esc(r.basis)} |")
        out.append("")
    return "\n".join(out)

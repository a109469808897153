"""Reference pages generated from the committed package profile: tables, code lists, the
table index, entity-relationship diagrams, identifier rules, downloads and benchmark."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jn_exchange import identifiers as ids
from jn_exchange.docsgen.labels import (
    MODULE_ORDER, MODULES, PERSONAL, SCHEME_ANCHORS, SCHEMES, T, TREATMENTS, TYPES,
)
from jn_exchange.docsgen.text import code, esc, short
from jn_exchange.masking import mask_value

# --------------------------------------------------------------------------- model access


def _get(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if d.get(k) not in (None, ""):
            return d[k]
    return None


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


@dataclass(frozen=True)
class ForeignKey:
    table: str
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]


def foreign_keys(spec: Any) -> list[ForeignKey]:
    out = []
    for fk in spec.foreign_keys:
        ref = fk.get("reference") or {}
        target = ref.get("resource") or spec.name  # "" is the table itself (Table Schema)
        out.append(ForeignKey(spec.name, tuple(_as_list(fk.get("fields"))), target,
                              tuple(_as_list(ref.get("fields")))))
    return out


def field_basis(f: Any) -> str | None:
    return _get(f.raw, "jn:basis", "basis")


def table_basis(spec: Any) -> str | None:
    return _get(spec.raw, "jn:basis", "basis")


def personal_class(f: Any) -> str | None:
    v = f.raw.get("jn:personal_data")
    if v in (None, False, ""):
        return None
    return "personal" if v is True else str(v)


def treatment(f: Any) -> str | None:
    return _get(f.raw, "jn:exchange_treatment", "exchange_treatment")


def codelist_values(cl: dict[str, Any]) -> list[dict[str, Any]]:
    return list(cl.get("values") or [])


def value_label(v: dict[str, Any]) -> str:
    return str(_get(v, "title", "label", "name") or "")


# --------------------------------------------------------------------------- example values


def example_values(examples_dir: Path, table: str, personal: dict[str, bool], clear: set[str]) -> dict[str, str]:
    """First non-empty value of each column of the example package's table, masked as in reports
    (personal-data fields always; ID-like numbers in other fields unless the field is in `clear`:
    an agency's credit code is public)."""
    path = examples_dir / f"{table}.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return {}
    header, out = rows[0], {}
    for r in rows[1:]:
        for name, v in zip(header, r, strict=False):  # a short row lacks its last cells
            if v != "" and name not in out:
                out[name] = v if name in clear and not personal.get(name) else (
                    mask_value(v, personal=personal.get(name, False)) or "")
    return out


# --------------------------------------------------------------------------- context


@dataclass
class Ctx:
    profile: Any
    modules: dict[str, str]               # table -> module key
    examples_dir: Path

    @property
    def tables(self) -> dict[str, Any]:
        return self.profile.tables

    def fks(self) -> list[ForeignKey]:
        return [fk for spec in self.tables.values() for fk in foreign_keys(spec)]

    def module_tables(self) -> list[tuple[str, list[str]]]:
        keys = list(dict.fromkeys([*MODULE_ORDER, *sorted(set(self.modules.values()))]))
        out = []
        for m in keys:
            names = [t for t in self.tables if self.modules.get(t, "other") == m]
            if names:
                out.append((m, names))
        return out

    def codelist_users(self) -> dict[str, list[tuple[str, str]]]:
        users: dict[str, list[tuple[str, str]]] = {}
        for spec in self.tables.values():
            for f in spec.fields:
                if f.codelist:
                    users.setdefault(f.codelist, []).append((spec.name, f.name))
        return users


def module_title(m: str, lang: str) -> str:
    return MODULES.get(m, {}).get(lang, m)


def codelist_title(ctx: Ctx, name: str) -> str:
    cl = ctx.profile.codelists.get(name) or {}
    return str(cl.get("title") or name)


# --------------------------------------------------------------------------- table page


def _type_cell(ctx: Ctx, spec: Any, f: Any, fk_of: dict[str, ForeignKey], lang: str, up: str) -> str:
    scheme = f.identifier_scheme
    if scheme in SCHEMES:  # an identifier: its rules say more than "string"
        return f"[{SCHEMES[scheme][lang]}]({up}identifiers.md#{SCHEME_ANCHORS[scheme]})"
    return TYPES.get(f.type, {}).get(lang, f.type)


def _ref_cell(ctx: Ctx, f: Any, fk_of: dict[str, ForeignKey], lang: str) -> str:
    if f.codelist:
        return f"[{esc(codelist_title(ctx, f.codelist))}](../codelists/{f.codelist}.md)"
    fk = fk_of.get(f.name)
    if fk:
        target = ctx.tables.get(fk.target)
        title = esc(target.title) if target else fk.target
        return f"→ [{title}]({fk.target}.md)" if target else f"→ {code(fk.target)}"
    return ""


def _personal_cell(f: Any, lang: str) -> str:
    p = personal_class(f)
    if not p:
        return ""
    s = PERSONAL.get(p, {}).get(lang, p)
    tr = treatment(f)
    if tr:
        s += " · " + TREATMENTS.get(tr, {}).get(lang, tr)
    return s


def table_page(ctx: Ctx, name: str, lang: str) -> str:
    t = T[lang]
    zh = lang == "zh"
    spec = ctx.tables[name]
    colon = "：" if zh else ": "
    module = ctx.modules.get(name, "other")
    fks = foreign_keys(spec)
    fk_of = {fk.fields[0]: fk for fk in fks if len(fk.fields) == 1}
    multi_fk_fields = {f for fk in fks if len(fk.fields) > 1 for f in fk.fields}
    personal = {f.name: f.personal for f in spec.fields}
    public_ids = {f.name for f in spec.fields if f.identifier_scheme in ("uscc", "division_code", "jinan_division_code")}
    examples = example_values(ctx.examples_dir, name, personal, public_ids)

    if zh:
        out = [f"# {esc(spec.title)}", "",
               f"表名 {code(name)} · 文件 {code(spec.path)} · 模块 [{module_title(module, lang)}](index.md#{module})", ""]
    else:
        out = [f"# {name}", "",
               f"**{esc(spec.title)}** · file {code(spec.path)} · module [{module_title(module, lang)}](index.md#{module})", ""]
    desc = _get(spec.raw, "description")
    if desc:
        out += [esc(desc), ""]
    if table_basis(spec):
        out += [f"**{t['basis']}**{colon}{esc(table_basis(spec))}", ""]

    # fields table
    out += [f"## {t['fields']} {{#fields}}", ""]
    out += [f"| {t['cn_name']} / {t['field_name']} | {t['type']} | {t['required']} | {t['codelist']} / {t['references']} "
            f"| {t['personal']} | {t['example']} |", "|---|---|---|---|---|---|"]
    for f in spec.fields:
        ex = examples.get(f.name)
        out.append(" | ".join([
            f"| [{esc(f.title)}](#{f.name})<br>{code(f.name)}", _type_cell(ctx, spec, f, fk_of, lang, "../"),
            t["yes"] if f.required else "", _ref_cell(ctx, f, fk_of, lang), _personal_cell(f, lang),
            code(short(ex, 32)) if ex is not None else "",
        ]) + " |")
    out.append("")
    out += [t["example_from"].format(file=spec.path) if examples else t["no_example"], ""]

    # keys
    out += [f"## {t['keys']} {{#keys}}", ""]
    if spec.primary_key:
        out.append(f"- **{t['primary_key']}**{colon}" + ", ".join(code(k) for k in spec.primary_key))
    for uk in spec.unique_keys:
        out.append(f"- **{t['unique_key']}**{colon}" + ", ".join(code(k) for k in uk))
    if fks:
        out.append(f"- **{t['foreign_keys']}**{colon}")
        for fk in fks:
            target = ctx.tables.get(fk.target)
            link = f"[{esc(target.title) if zh else fk.target}]({fk.target}.md)" if target else code(fk.target)
            out.append(f"    - {', '.join(code(x) for x in fk.fields)} → {link} "
                       f"({', '.join(code(x) for x in fk.target_fields)})")
    refs = sorted((fk for fk in ctx.fks() if fk.target == name), key=lambda fk: (fk.table, fk.fields))
    if refs:
        out.append(f"- **{t['referenced_by']}**{colon}")
        for fk in refs:
            src = ctx.tables[fk.table]
            label = esc(src.title) if zh else fk.table
            out.append(f"    - [{label}]({fk.table}.md#{fk.fields[0]}) · {', '.join(code(x) for x in fk.fields)}")
    out += ["", "``` mermaid", *neighbourhood_diagram(ctx, name), "```", "",
            f"[{t['er_link']} · {module_title(module, lang)}](../er/{module}.md)", ""]

    # field details
    out += [f"## {t['field_details']} {{#field-details}}", ""]
    for f in spec.fields:
        out += [f"### {esc(f.title)} · {f.name} {{#{f.name}}}", ""]
        d = _get(f.raw, "description")
        if d:
            out += [esc(d), ""]
        items = []
        req = t["yes"] if f.required else t["no"]
        items.append(f"**{t['type']}**{colon}{_type_cell(ctx, spec, f, fk_of, lang, '../')}"
                     f"{'；' if zh else '; '}**{t['required']}**{colon}{req}")
        ref = _ref_cell(ctx, f, fk_of, lang)
        if f.codelist:
            items.append(f"**{t['codelist']}**{colon}{ref} {code(f.codelist)}")
        elif ref:
            fk = fk_of[f.name]
            items.append(f"**{t['fk_to']}**{colon}{ref} {code(', '.join(fk.target_fields))}")
        elif f.name in multi_fk_fields:
            items.append(f"**{t['foreign_keys']}**{colon}[{t['keys']}](#keys)")
        c = f.constraints
        if c.get("pattern"):
            items.append(f"**{t['pattern']}**{colon}{code(c['pattern'])}")
        rng = []
        if c.get("minimum") is not None:
            rng.append(f"≥ {c['minimum']}")
        if c.get("maximum") is not None:
            rng.append(f"≤ {c['maximum']}")
        if rng:
            items.append(f"**{t['range']}**{colon}" + ", ".join(rng))
        if c.get("maxLength") is not None:
            items.append(f"**{t['max_length']}**{colon}{c['maxLength']}")
        if f.raw.get("jn:decimal_places") not in (None, ""):
            items.append(f"**{t['decimal_places']}**{colon}{f.raw['jn:decimal_places']}")
        p = personal_class(f)
        if p:
            items.append(f"**{t['personal']}**{colon}{PERSONAL.get(p, {}).get(lang, p)}")
            tr = treatment(f)
            if tr:
                items.append(f"**{t['treatment']}**{colon}{TREATMENTS.get(tr, {}).get(lang, tr)} ({code(tr)})")
        if field_basis(f):
            items.append(f"**{t['basis']}**{colon}{esc(field_basis(f))}")
        if f.name in examples:
            items.append(f"**{t['example']}**{colon}{code(examples[f.name])}")
        out += [f"- {i}" for i in items]
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- index pages


def tables_index(ctx: Ctx, lang: str) -> str:
    t = T[lang]
    out = [f"# {t['tables_index']}", "", t["tables_index_intro"].format(n=len(ctx.tables)), ""]
    for m, names in ctx.module_tables():
        out += [f"## {module_title(m, lang)} {{#{m}}}", ""]
        if m in MODULES and m != "other":
            out += [f"[{t['er_link']}](../er/{m}.md)", ""]
        out += [f"| {t['table_name']} | {t['cn_name']} | {t['fields']} | {t['primary_key']} |", "|---|---|---|---|"]
        for n in names:
            spec = ctx.tables[n]
            out.append(f"| [{code(n)}]({n}.md) | {esc(spec.title)} | {len(spec.fields)} | "
                       f"{', '.join(code(k) for k in spec.primary_key)} |")
        out.append("")
    return "\n".join(out)


def reference_index(ctx: Ctx, lang: str) -> str:
    zh = lang == "zh"
    n_t, n_c = len(ctx.tables), len(ctx.profile.codelists)
    if zh:
        return "\n".join([
            "# 数据参考", "",
            f"本节由规范的机器可读形式自动生成（规范版本 {ctx.profile.standard_version}），与校验器使用的是同一份定义。", "",
            f"- [数据表](tables/index.md)：{n_t} 张表，每张表的字段、类型、代码表、键和示例值；",
            f"- [代码表](codelists/index.md)：{n_c} 个代码表及其代码、中文名称和起止日期；",
            "- [标识符规则](identifiers.md)：统一社会信用代码、公民身份号码和济南市区划代码的校验方法；",
            "- [实体关系图](er/index.md)：按模块绘制的表间外键关系；",
            "- [下载](downloads.md)：JSON Schema、Table Schema、SQL DDL、示例包和报告格式。", ""])
    return "\n".join([
        "# Reference", "",
        f"Generated from the machine-readable standard (version {ctx.profile.standard_version}): the same "
        "definitions the validator uses.", "",
        f"- [Tables](tables/index.md): {n_t} tables with their fields, types, code lists, keys and example values;",
        f"- [Code lists](codelists/index.md): {n_c} code lists with codes, Chinese labels and validity dates;",
        "- [Identifier rules](identifiers.md): how the credit code, the citizen ID number and Jinan's division codes are checked;",
        "- [Entity-relationship diagrams](er/index.md): the foreign keys between tables, by module;",
        "- [Downloads](downloads.md): JSON Schema, Table Schemas, SQL DDL, the example package and the report format.", ""])


# --------------------------------------------------------------------------- code lists


def codelist_page(ctx: Ctx, name: str, lang: str, users: list[tuple[str, str]]) -> str:
    t = T[lang]
    zh = lang == "zh"
    colon = "：" if zh else ": "
    cl = ctx.profile.codelists[name]
    title = esc(str(cl.get("title") or name))
    out = ([f"# {title}", "", f"{t['codelist']} {code(name)}", ""] if zh
           else [f"# {name}", "", f"**{title}**", ""])
    if cl.get("description"):
        out += [esc(cl["description"]), ""]
    basis = _get(cl, "jn:basis", "basis")
    if basis:
        out += [f"**{t['basis']}**{colon}{esc(basis)}", ""]
    values = codelist_values(cl)
    has_from = any(_get(v, "valid_from") for v in values)
    has_to = any(_get(v, "valid_to") for v in values)
    head = [t["code"], t["label"], t["token"], t["description"]]
    if has_from:
        head.append(t["valid_from"])
    if has_to:
        head.append(t["valid_to"])
    out += [f"## {t['values']}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for v in values:
        row = [code(v.get("code", "")), esc(value_label(v)), code(v["token"]) if v.get("token") else "",
               esc(v.get("description") if v.get("description") != value_label(v) else "")]
        if has_from:
            row.append(str(_get(v, "valid_from") or ""))
        if has_to:
            row.append(str(_get(v, "valid_to") or ""))
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    vf, vt = _get(cl, "valid_from"), _get(cl, "valid_to")
    if vf or vt:
        out += [f"**{t['valid_from']}**{colon}{vf or '—'} · **{t['valid_to']}**{colon}{vt or '—'}", ""]
    if users:
        out += [f"## {t['used_by']}", ""]
        for table, field in users:
            spec = ctx.tables[table]
            f = spec.field(field)
            label = f"{esc(spec.title)} · {esc(f.title)}" if zh else f"{table}.{field}"
            out.append(f"- [{label}](../tables/{table}.md#{field}) {code(f'{table}.{field}') if zh else ''}".rstrip())
        out.append("")
    return "\n".join(out)


def codelist_groups(ctx: Ctx) -> list[tuple[str, list[str]]]:
    """Code lists by module (when the profile says), in the order of codelists.json."""
    groups: dict[str, list[str]] = {}
    for name, cl in ctx.profile.codelists.items():
        groups.setdefault(str(cl.get("module") or cl.get("jn:module") or "other"), []).append(name)
    keys = [m for m in ("common", *MODULE_ORDER) if m in groups]
    keys = list(dict.fromkeys([*keys, *sorted(groups)]))
    return [(m, groups[m]) for m in keys]


def codelists_index(ctx: Ctx, lang: str) -> str:
    t = T[lang]
    users = ctx.codelist_users()
    out = [f"# {t['codelists_index']}", "", t["codelists_intro"].format(n=len(ctx.profile.codelists)), ""]
    groups = codelist_groups(ctx)
    for m, names in groups:
        if len(groups) > 1:
            out += [f"## {module_title(m, lang)} {{#{m}}}", ""]
        out += [f"| {t['codelist']} | {t['cn_name']} | {t['n_values']} | {t['used_by']} |", "|---|---|---|---|"]
        for name in names:
            cl = ctx.profile.codelists[name]
            out.append(f"| [{code(name)}]({name}.md) | {esc(str(cl.get('title') or ''))} | {len(codelist_values(cl))} "
                       f"| {len(users.get(name, []))} |")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- ER diagrams


def owner_of(ctx: Ctx, name: str) -> str | None:
    """The table a dependent table belongs to: a link table or a multi-valued fact whose
    composite primary key contains a foreign key (e.g. action_officer → enforcement_action)."""
    spec = ctx.tables[name]
    if len(spec.primary_key) < 2:
        return None
    for fk in foreign_keys(spec):
        if fk.target != name and fk.target in ctx.tables and set(fk.fields) <= set(spec.primary_key):
            return fk.target
    return None


MAX_NEIGHBOURS = 12  # a table page draws the tables referencing it only up to this many


def er_mermaid(ctx: Ctx, names: list[str], fks: list[ForeignKey], keys: bool, natural_size: bool,
               left_to_right: bool = False) -> list[str]:
    """Mermaid erDiagram lines: `names` as entities (with their PK/FK fields when `keys`), one
    line per foreign key of `fks`, labelled with its field(s)."""
    fk_fields: dict[str, set[str]] = {}
    for fk in fks:
        fk_fields.setdefault(fk.table, set()).update(fk.fields)
    # natural size: a big diagram scrolls instead of being shrunk to unreadable text
    lines = ["---", "config:", "  er:", "    useMaxWidth: false", "---"] if natural_size else []
    lines.append("erDiagram")
    if left_to_right:  # a module's tables fan out from a few hubs: a column scrolls better than a row
        lines.append("    direction LR")
    for n in names:
        spec = ctx.tables[n]
        alias = spec.title.replace('"', "'")
        attrs = []
        if keys:
            for f in spec.fields:
                k = (["PK"] if f.name in spec.primary_key else []) + (["FK"] if f.name in fk_fields.get(n, set()) else [])
                if k:
                    attrs.append(f"        {f.type} {f.name} {', '.join(k)}")
        if attrs:
            lines += [f'    {n}["{n} {alias}"] {{', *attrs, "    }"]
        else:
            lines.append(f'    {n}["{n} {alias}"]')
    for fk in fks:
        child = ctx.tables[fk.table]
        required = all(child.field(x) is not None and child.field(x).required for x in fk.fields)
        one_to_one = set(fk.fields) == set(child.primary_key) and len(child.primary_key) == len(fk.fields)
        left = "||" if required else "|o"
        right = "o|" if one_to_one else "o{"
        lines.append(f'    {fk.target} {left}--{right} {fk.table} : "{", ".join(fk.fields)}"')
    return lines


def neighbourhood_diagram(ctx: Ctx, name: str) -> list[str]:
    """The table, the tables it references and (up to MAX_NEIGHBOURS) the tables referencing it."""
    own = [fk for fk in foreign_keys(ctx.tables[name]) if fk.target in ctx.tables]
    refs = sorted((fk for fk in ctx.fks() if fk.target == name and fk.table != name), key=lambda fk: (fk.table, fk.fields))
    if len({fk.table for fk in refs}) > MAX_NEIGHBOURS:  # hubs: keep only the tables that belong to it
        refs = [fk for fk in refs if owner_of(ctx, fk.table) == name]
    names = list(dict.fromkeys([name, *(fk.target for fk in own), *(fk.table for fk in refs)]))
    return er_mermaid(ctx, names, [*own, *refs], keys=True, natural_size=False, left_to_right=True)


def er_page(ctx: Ctx, module: str, names: list[str], lang: str) -> str:
    t = T[lang]
    zh = lang == "zh"
    mine = set(names)
    owners = {n: owner_of(ctx, n) for n in names}
    main = [n for n in names if not owners[n] or owners[n] not in mine]
    main_set = set(main)
    fks = sorted((fk for fk in ctx.fks() if fk.table in main_set and fk.target in main_set),
                 key=lambda fk: (fk.table, fk.fields))
    outside = sorted({fk.target for fk in ctx.fks() if fk.table in mine and fk.target not in mine
                      and fk.target in ctx.tables})
    out = [f"# {t['er_title']} · {module_title(module, lang)}", ""]
    out += (["本模块主要的表及其外键。从属于另一张表的表（复合主键中含有指向该表的外键，如关联表和多值属性表）"
             "不在图中画出，列在下表“从属表”一栏；每张表的页面有它自己的关系图。", ""] if zh else
            ["The module's main tables and their foreign keys. Tables that belong to another table (a composite "
             "primary key containing a foreign key to it: link tables and multi-valued facts) are not drawn but "
             "listed under \"Dependent tables\" below; each table's page has its own diagram.", ""])
    if outside:
        out += [(f"本模块的表还引用了{t['er_other_module']}（图中未画出）：" if zh
                 else f"Tables of this module also reference these {t['er_other_module']} (not drawn): ")
                + ("、" if zh else ", ").join(f"[{code(o)}](../tables/{o}.md)" for o in outside), ""]
    out += ["``` mermaid", *er_mermaid(ctx, main, fks, keys=False, natural_size=False, left_to_right=True),
            "```", ""]
    dep_title = "从属表" if zh else "Dependent tables"
    out += [f"| {t['table_name']} | {t['cn_name']} | {dep_title} |", "|---|---|---|"]
    for n in main:
        deps = [d for d in names if owners[d] == n]
        out.append(f"| [{code(n)}](../tables/{n}.md) | {esc(ctx.tables[n].title)} | "
                   + ("、" if zh else ", ").join(f"[{code(d)}](../tables/{d}.md)" for d in deps) + " |")
    out.append("")
    return "\n".join(out)


def er_index(ctx: Ctx, lang: str) -> str:
    t = T[lang]
    out = [f"# {t['er_title']}", "", t["er_intro"], ""]
    for m, names in ctx.module_tables():
        out.append(f"- [{module_title(m, lang)}]({m}.md) ({len(names)})")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- identifiers


def _uscc_example() -> tuple[str, list[tuple[int, str, int, int]], int]:
    body8 = "00414060"  # a fictitious organization code
    first17 = "11" + ids.JINAN_CITY_CODE + body8 + ids.organization_code_check_char(body8)
    rows = [(i + 1, ch, ids.USCC_CHARSET.index(ch), w) for i, (ch, w) in enumerate(zip(first17, ids.USCC_WEIGHTS, strict=True))]
    return first17, rows, sum(v * w for _, _, v, w in rows)


def _citizen_example() -> tuple[str, list[tuple[int, str, int]], int]:
    first17 = "370102" + "19900307" + "123"  # fictitious
    rows = [(i + 1, ch, w) for i, (ch, w) in enumerate(zip(first17, ids.CITIZEN_ID_WEIGHTS, strict=True))]
    return first17, rows, sum(int(ch) * w for _, ch, w in rows)


def _scheme_fields(ctx: Ctx | None, schemes: tuple[str, ...], lang: str) -> list[str]:
    """A list of the fields whose values follow one of `schemes`, linked to their tables."""
    if ctx is None:
        return []
    zh = lang == "zh"
    hits = [(spec, f) for spec in ctx.tables.values() for f in spec.fields if f.identifier_scheme in schemes]
    if not hits:
        return []
    out = ["使用这一标识符的字段：" if zh else "Fields holding this identifier:", ""]
    for spec, f in hits:
        label = f"{esc(spec.title)} · {esc(f.title)}" if zh else f"{spec.name}.{f.name}"
        out.append(f"- [{label}](tables/{spec.name}.md#{f.name})" + (f" {code(spec.name + '.' + f.name)}" if zh else ""))
    return [*out, ""]


def identifiers_page(lang: str, ctx: Ctx | None = None) -> str:
    zh = lang == "zh"
    u17, urows, usum = _uscc_example()
    uchk = ids.uscc_check_char(u17)
    c17, crows, csum = _citizen_example()
    cchk = ids.citizen_id_check_char(c17)
    assert ids.is_valid_uscc(u17 + uchk) and ids.citizen_id_problem(c17 + cchk) is None
    out: list[str] = []
    # the definitive page of the three identifiers: rank it first when someone searches for them
    out += ["---", "search:", "  boost: 4", "---", ""]
    if zh:
        out += ["# 标识符规则", "",
                "规范中有三类带校验规则的标识符。校验器按下列算法检查它们（实现见 `jn_exchange.identifiers`），"
                "报告中的身份号码和信用代码只显示前 6 位和后 2 位。本页的示例号码均为虚构，由同一实现计算得出。", "",
                "## 统一社会信用代码（GB 32100—2015） {#uscc}", "",
                "18 位：第 1 位登记管理部门代码（1–9、A、N、Y），第 2 位机构类别代码，第 3–8 位登记管理机关行政区划码，"
                "第 9–17 位主体标识码（组织机构代码），第 18 位校验码。字符集为 31 个字符 "
                f"{code(ids.USCC_CHARSET)}（不用 I、O、S、V、Z），字母一律大写。", "",
                "校验码的算法：把前 17 位每个字符换成它在字符集中的序号（0–30），乘以对应位置的权重 "
                f"{code(' '.join(map(str, ids.USCC_WEIGHTS)))}（3 的 i 次方模 31），求和 S；"
                "校验码是字符集中序号为 (31 − S mod 31) mod 31 的字符。", "",
                f"**示例**：前 17 位 {code(u17)}（登记管理部门 1 机构编制，机构类别 1 机关，区划 370100）。", ""]
        labels = ["位置", "字符", "序号", "权重", "乘积"]
    else:
        out += ["# Identifier rules", "",
                "Three kinds of identifiers in the standard carry a check character. The validator checks them with the "
                "algorithms below (implemented in `jn_exchange.identifiers`); reports show only the first 6 and the last 2 "
                "characters of ID numbers and credit codes. The example numbers on this page are fictitious and computed "
                "by that same implementation.", "",
                "## Unified social credit code (统一社会信用代码, GB 32100—2015) {#uscc}", "",
                "18 characters: registration authority (1–9, A, N, Y), organization category, the 6-digit division code of "
                "the registering authority, the 9-character organization code, and a check character. The alphabet has "
                f"31 characters, {code(ids.USCC_CHARSET)} (no I, O, S, V, Z), upper case only.", "",
                "Check character: replace each of the first 17 characters by its position in the alphabet (0–30), multiply "
                f"by the weight of its place {code(' '.join(map(str, ids.USCC_WEIGHTS)))} (3^i mod 31) and add up to S; "
                "the check character is the alphabet's character number (31 − S mod 31) mod 31.", "",
                f"**Example**: first 17 characters {code(u17)} (authority 1, category 1, division 370100).", ""]
        labels = ["Place", "Character", "Value", "Weight", "Product"]
    out += ["| " + labels[0] + " | " + " | ".join(str(p) for p, _, _, _ in urows) + " |",
            "|---|" + "---|" * len(urows),
            "| " + labels[1] + " | " + " | ".join(code(ch) for _, ch, _, _ in urows) + " |",
            "| " + labels[2] + " | " + " | ".join(str(v) for _, _, v, _ in urows) + " |",
            "| " + labels[3] + " | " + " | ".join(str(w) for _, _, _, w in urows) + " |",
            "| " + labels[4] + " | " + " | ".join(str(v * w) for _, _, v, w in urows) + " |"]
    r = usum % 31
    idx = (31 - r) % 31
    out += ["", f"S = {usum}; S mod 31 = {r}; (31 − {r}) mod 31 = {idx} → {code(uchk)}", "",
            (f"完整的统一社会信用代码：{code(u17 + uchk)}；报告中显示为 {code(ids.mask_identifier(u17 + uchk))}。" if zh
             else f"The full code is {code(u17 + uchk)}; a report shows it as {code(ids.mask_identifier(u17 + uchk))}."), ""]
    if zh:
        out += ["常见错误：小写字母、全角字符、字符集以外的字母（如把数字 0 写成字母 O）、校验码错误"
                "（[JN-CELL-011](../rules/JN-CELL-011.md)）。", ""]
    else:
        out += ["Common mistakes: lower-case letters, full-width characters, letters outside the alphabet (the letter O "
                "for the digit 0), and a wrong check character "
                "([JN-CELL-011](../rules/JN-CELL-011.md)).", ""]
    out += _scheme_fields(ctx, ("uscc",), lang)
    if zh:
        out += ["## 公民身份号码（GB 11643—1999） {#citizen-id}", "",
                "18 位：6 位地址码、8 位出生日期码（YYYYMMDD）、3 位顺序码（奇数为男性，偶数为女性）和 1 位校验码。"
                "出生日期必须是真实日期，且不晚于校验基准日（`--as-of`）。", "",
                "校验码的算法（ISO 7064 MOD 11-2）：前 17 位数字分别乘以权重 "
                f"{code(' '.join(map(str, ids.CITIZEN_ID_WEIGHTS)))}（2 的 17−i 次方模 11），求和 S；"
                f"校验码是 {code(ids.CITIZEN_ID_CHECK_CHARS)} 的第 (S mod 11) 个字符（从 0 数起），X 表示 10，必须大写。", "",
                f"**示例**：前 17 位 {code(c17)}（地址码 370102 历下区，出生日期 1990-03-07，顺序码 123）。", ""]
        labels = ["位置", "数字", "权重", "乘积"]
    else:
        out += ["## Citizen ID number (公民身份号码, GB 11643—1999) {#citizen-id}", "",
                "18 characters: a 6-digit address code, the 8-digit date of birth (YYYYMMDD), a 3-digit sequence number "
                "(odd for men, even for women) and a check character. The date of birth must be a real date, not after "
                "the date the package is judged as of (`--as-of`).", "",
                "Check character (ISO 7064 MOD 11-2): multiply the first 17 digits by the weights "
                f"{code(' '.join(map(str, ids.CITIZEN_ID_WEIGHTS)))} (2^(17−i) mod 11) and add up to S; the check "
                f"character is character number S mod 11 (from 0) of {code(ids.CITIZEN_ID_CHECK_CHARS)}; X stands for 10 "
                "and is upper case.", "",
                f"**Example**: first 17 digits {code(c17)} (address 370102 历下区, born 1990-03-07, sequence 123).", ""]
        labels = ["Place", "Digit", "Weight", "Product"]
    out += ["| " + labels[0] + " | " + " | ".join(str(p) for p, _, _ in crows) + " |",
            "|---|" + "---|" * len(crows),
            "| " + labels[1] + " | " + " | ".join(code(ch) for _, ch, _ in crows) + " |",
            "| " + labels[2] + " | " + " | ".join(str(w) for _, _, w in crows) + " |",
            "| " + labels[3] + " | " + " | ".join(str(int(ch) * w) for _, ch, w in crows) + " |"]
    out += ["", f"S = {csum}; S mod 11 = {csum % 11} → {code(cchk)}", "",
            (f"完整号码：{code(c17 + cchk)}；报告中显示为 {code(ids.mask_identifier(c17 + cchk))}。" if zh
             else f"The full number is {code(c17 + cchk)}; a report shows it as {code(ids.mask_identifier(c17 + cchk))}."),
            ""]
    out += _scheme_fields(ctx, ("citizen_id",), lang)
    if zh:
        out += ["## 济南市行政区划代码 {#division-codes}", "",
                "区划代码字段使用 GB/T 2260 县级以上行政区划代码（6 位）或国家统计局统计用区划代码（镇街 9 位、村居 12 位）。"
                "济南市内的代码为：",
                "", "- `370100`：济南市（市级）；",
                "- 区县代码（下表）；济南高新区使用统计用代码 `370171`；",
                "- 9 位或 12 位代码：前 6 位是下表中的区县代码，第 7–9 位（镇街）不为 `000`。", "",
                "南部山区、起步区等功能区没有官方区划代码，其镇街沿用所在区县的代码。", "",
                "| 代码 | 名称 |", "|---|---|"]
    else:
        out += ["## Jinan division codes {#division-codes}", "",
                "Division code fields hold a GB/T 2260 county-level code (6 digits) or a statistical division code of the "
                "National Bureau of Statistics (9 digits for towns and subdistricts, 12 for villages). Codes inside Jinan are:",
                "", "- `370100`: Jinan (city level);",
                "- a district or county code (below); the high-tech zone uses the statistical code `370171`;",
                "- 9 or 12 digits: a district or county code below followed by a town part (digits 7–9) other than `000`.", "",
                "Functional areas without an official code (南部山区, 起步区) keep the codes of the districts they lie in.", "",
                "| Code | Name |", "|---|---|"]
    out += [f"| {code(c)} | {n} |" for c, n in sorted(ids.JINAN_DIVISION_NAMES.items())]
    out += [""]
    out += _scheme_fields(ctx, ("division_code", "jinan_division_code"), lang)
    title = "校验用的 DuckDB SQL 表达式" if zh else "The DuckDB SQL expressions used by the validator"
    out += [f'??? note "{title}"', "", "    ```sql", "    -- uscc", *("    " + ln for ln in _wrap_sql(ids.uscc_check_sql("uscc"))),
            "    -- citizen_id_number", *("    " + ln for ln in _wrap_sql(ids.citizen_id_check_sql("citizen_id_number"))),
            "    ```", ""]
    return "\n".join(out)


def _wrap_sql(sql: str) -> list[str]:
    return [part.strip() + (" +" if i < n - 1 else "") for parts in [sql.split(" + ")] for n in [len(parts)]
            for i, part in enumerate(parts)]


# --------------------------------------------------------------------------- downloads & benchmark


DOWNLOAD_DESCRIPTIONS = {
    "jn_exchange.schema.json": ("JSON 形式交换包的 JSON Schema", "JSON Schema of the JSON form of a package"),
    "package-profile.json": ("交换包描述（Data Package profile）：表、文件和 Table Schema 的清单",
                             "Package profile: the tables, their files and Table Schemas"),
    "codelists.json": ("全部代码表（JSON）", "All code lists (JSON)"),
    "report.schema.json": ("校验报告（`--format json`）的 JSON Schema", "JSON Schema of the validation report (`--format json`)"),
}


def downloads_page(files: list[str], ctx: Ctx, lang: str) -> str:
    zh = lang == "zh"
    t = T[lang]
    up = "../../downloads/"
    out = [f"# {t['downloads_title']}", ""]
    out += (["以下文件由规范生成，与本网站同一版本"
             f"（规范版本 {ctx.profile.standard_version}）。它们也在代码仓库的 `src/jn_exchange/generated/` 中。", ""] if zh
            else [f"These files are generated from the standard, the same version as this site "
                  f"({ctx.profile.standard_version}). They are also in the repository under `src/jn_exchange/generated/`.", ""])
    top = [f for f in files if "/" not in f]
    out += ["## " + ("规范" if zh else "The standard"), "", "| " + ("文件" if zh else "File") + " | "
            + ("说明" if zh else "What") + " |", "|---|---|"]
    for f in top:
        if f.endswith(".zip"):
            continue
        d = DOWNLOAD_DESCRIPTIONS.get(f, ("", ""))
        out.append(f"| [{f}]({up}{f}) | {d[0] if zh else d[1]} |")
    out.append("")
    ddl = [f for f in files if f.startswith("ddl/")]
    if ddl:
        out += ["## " + ("SQL 建表语句（DDL）" if zh else "SQL DDL"), ""]
        out += [f"- [{f.split('/', 1)[1]}]({up}{f})" for f in ddl]
        out.append("")
    ts = [f for f in files if f.startswith("tableschemas/")]
    if ts:
        out += ["## " + ("Table Schema（每表一个）" if zh else "Table Schemas (one per table)"), "",
                ("每张表的 [Frictionless Table Schema](https://datapackage.org/standard/table-schema/)：字段、类型、约束、主键和外键。"
                 if zh else "The [Frictionless Table Schema](https://datapackage.org/standard/table-schema/) of each table: "
                 "fields, types, constraints, primary and foreign keys."), "",
                f"| {t['table_name']} | {t['cn_name']} | Table Schema |", "|---|---|---|"]
        for f in ts:
            name = Path(f).stem
            spec = ctx.tables.get(name)
            out.append(f"| [{code(name)}](tables/{name}.md) | {esc(spec.title) if spec else ''} | [{Path(f).name}]({up}{f}) |"
                       if spec else f"| {code(name)} | | [{Path(f).name}]({up}{f}) |")
        out.append("")
    zips = [f for f in files if f.endswith(".zip") or f.startswith("examples/")]
    if zips:
        out += ["## " + ("示例交换包" if zh else "Example package"), ""]
        for f in zips:
            if f.endswith(".zip"):
                out.append(f"- [{Path(f).name}]({up}{f})" + (
                    "：合法的示例交换包（`examples/jinan-sample`，CSV 文件夹打包成 zip），可直接用 "
                    "`jn-exchange validate jinan-sample.zip` 校验。" if zh else
                    ": a valid example package (`examples/jinan-sample`, the CSV folder zipped); "
                    "`jn-exchange validate jinan-sample.zip` accepts it."))
            else:
                out.append(f"- [{Path(f).name}]({up}{f})")
        out.append("")
    return "\n".join(out)


def benchmark_page(figures: str | None, lang: str) -> str:
    zh = lang == "zh"
    out = ["# 性能测试" if zh else "# Benchmark", ""]
    if zh:
        out += ["本页给出 `jn-exchange validate` 在不同规模交换包上的耗时和内存。测试在 2 核、24 GiB 内存的机器上进行，"
                "由代码仓库 `benchmarks/` 中的脚本运行并写入本页。", ""]
    else:
        out += ["Time and memory of `jn-exchange validate` on packages of different sizes, measured on a machine with "
                "2 cores and 24 GiB of memory by the scripts in the repository's `benchmarks/` folder.", ""]
    if figures and figures.strip():
        body = figures.strip().splitlines()
        if body and body[0].startswith("# "):  # the page has its own title
            body = body[1:]
        out += ["\n".join(body).strip(), ""]
    else:
        out += ["!!! note " + ('"尚无数据"' if zh else '"No figures yet"'), "",
                "    " + ("测得的数据将显示在这里。" if zh else "Measured figures will appear here."), "",
                "| " + (" | ".join(["交换包", "行数", "耗时（秒）", "峰值内存（MiB）"] if zh
                                   else ["Package", "Rows", "Time (s)", "Peak memory (MiB)"])) + " |",
                "|---|---|---|---|", "| — | — | — | — |", ""]
    return "\n".join(out)

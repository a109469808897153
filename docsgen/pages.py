"""Reference pages generated from the committed package profile: tables, code lists, the
table index, entity-relationship diagrams, identifier rules and downloads."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docsgen.labels import (
    MODULE_ORDER,
    MODULES,
    PERSONAL,
    SCHEME_ANCHORS,
    SCHEMES,
    TREATMENTS,
    TYPES,
    T,
)
from docsgen.text import code, esc, language_part, quote_zh, short, zh_text
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


def search_tags(name: str) -> list[str]:
    """Front matter naming the page's table or code list as a search tag: Material's search
    weighs tags above titles, so a search for `enforcement_agency` or `IdType` lists the page
    that defines it first, in both languages (the Chinese page's title is the Chinese name)."""
    return ["---", "tags:", f"  - {name}", "---", ""]


def model_text(text: str, lang: str) -> str:
    """A description from the model in the page's language: its part in that language, else (an
    English page, a Chinese-only text) the Chinese, marked as Chinese."""
    part = language_part(text, lang)
    return zh_text(esc(part)) if part is not None else quote_zh(zh_text(esc(text)), lang)


def basis_text(basis: str, lang: str) -> str:
    """A basis: citations of the Chinese regulations ("000 · 第二条；EXT 行政处罚法第二十七条")."""
    return quote_zh(zh_text(esc(basis)), lang)


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
    # English pages name the code list or table: its Chinese title is on its own page
    if f.codelist:
        title = esc(codelist_title(ctx, f.codelist)) if lang == "zh" else f.codelist
        return f"[{title}](../codelists/{f.codelist}.md)"
    fk = fk_of.get(f.name)
    if fk:
        target = ctx.tables.get(fk.target)
        title = esc(target.title) if target and lang == "zh" else fk.target
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


@dataclass
class _TablePage:
    """What the sections of one table's page share."""
    ctx: Ctx
    spec: Any
    lang: str
    fks: list[ForeignKey]
    fk_of: dict[str, ForeignKey]            # single-field foreign keys by field
    examples: dict[str, str]

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    @property
    def colon(self) -> str:
        return "：" if self.zh else ": "


def table_page(ctx: Ctx, name: str, lang: str) -> str:
    spec = ctx.tables[name]
    fks = foreign_keys(spec)
    personal = {f.name: f.personal for f in spec.fields}
    public_ids = {f.name for f in spec.fields if f.identifier_scheme in ("uscc", "division_code", "jinan_division_code")}
    page = _TablePage(ctx, spec, lang, fks, {fk.fields[0]: fk for fk in fks if len(fk.fields) == 1},
                      example_values(ctx.examples_dir, name, personal, public_ids))
    out = search_tags(name) + _table_intro(page) + _fields_table(page) + _keys_section(page)
    out += [f"## {T[lang]['field_details']} {{#field-details}}", ""]
    multi_fk_fields = {f for fk in fks if len(fk.fields) > 1 for f in fk.fields}
    for f in spec.fields:
        # English pages lead with the field name, the Chinese title (quoted) after it
        heading = f"{esc(f.title)} · {f.name}" if lang == "zh" else f"{f.name} · {quote_zh(esc(f.title), lang)}"
        out += [f"### {heading} {{#{f.name}}}", ""]
        d = _get(f.raw, "description")
        if d:
            out += [model_text(d, lang), ""]
        out += [f"- {i}" for i in _field_items(page, f, multi_fk_fields)]
        out.append("")
    return "\n".join(out)


def _table_intro(page: _TablePage) -> list[str]:
    """Title, name, file and module; the table's description and basis."""
    spec, name, lang, t = page.spec, page.spec.name, page.lang, T[page.lang]
    module = page.ctx.modules.get(name, "other")
    if page.zh:
        out = [f"# {esc(spec.title)}", "",
               f"表名：{code(name)} · 文件：{code(spec.path)} · 模块：[{module_title(module, lang)}](index.md#{module})", ""]
    else:
        out = [f"# {name}", "",
               f"{quote_zh(f'**{esc(spec.title)}**', lang)} · file {code(spec.path)} · module "
               f"[{module_title(module, lang)}](index.md#{module})", ""]
    desc = _get(spec.raw, "description")
    if desc:
        out += [model_text(desc, lang), ""]
    basis = table_basis(spec)
    if basis:
        out += [f"**{t['basis']}**{page.colon}{basis_text(basis, lang)}", ""]
    return out


def _fields_table(page: _TablePage) -> list[str]:
    """One row per field: names, type, required, code list or reference, personal data, example."""
    ctx, spec, lang, t, examples = page.ctx, page.spec, page.lang, T[page.lang], page.examples
    out = [f"## {t['fields']} {{#fields}}", ""]
    out += [f"| {t['cn_name']} / {t['field_name']} | {t['type']} | {t['required']} | {t['codelist']} / {t['references']} "
            f"| {t['personal']} | {t['example']} |", "|---|---|---|---|---|---|"]
    for f in spec.fields:
        ex = examples.get(f.name)
        out.append(" | ".join([
            f"| [{quote_zh(esc(f.title), lang)}](#{f.name})<br>{code(f.name)}", _type_cell(ctx, spec, f, page.fk_of, lang, "../"),
            t["yes"] if f.required else "", _ref_cell(ctx, f, page.fk_of, lang), _personal_cell(f, lang),
            code(short(ex, 32)) if ex is not None else "",
        ]) + " |")
    out.append("")
    out += [t["example_from"].format(file=spec.path) if examples else t["no_example"], ""]
    return out


def _keys_section(page: _TablePage) -> list[str]:
    """Primary, unique and foreign keys, the tables referencing this one, and its diagram."""
    ctx, spec, lang, t, colon, zh = page.ctx, page.spec, page.lang, T[page.lang], page.colon, page.zh
    name, module = spec.name, page.ctx.modules.get(spec.name, "other")
    out = [f"## {t['keys']} {{#keys}}", ""]
    if spec.primary_key:
        out.append(f"- **{t['primary_key']}**{colon}" + ", ".join(code(k) for k in spec.primary_key))
    for uk in spec.unique_keys:
        out.append(f"- **{t['unique_key']}**{colon}" + ", ".join(code(k) for k in uk))
    if page.fks:
        out.append(f"- **{t['foreign_keys']}**{colon}")
        for fk in page.fks:
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
    return out


def _field_items(page: _TablePage, f: Any, multi_fk_fields: set[str]) -> list[str]:
    """The list under a field's heading: type, code list or reference, constraints, personal
    data and its treatment, basis, example."""
    ctx, spec, lang, t, colon, zh = page.ctx, page.spec, page.lang, T[page.lang], page.colon, page.zh
    items = []
    req = t["yes"] if f.required else t["no"]
    items.append(f"**{t['type']}**{colon}{_type_cell(ctx, spec, f, page.fk_of, lang, '../')}"
                 f"{'；' if zh else '; '}**{t['required']}**{colon}{req}")
    ref = _ref_cell(ctx, f, page.fk_of, lang)
    if f.codelist:
        items.append(f"**{t['codelist']}**{colon}{ref} {code(f.codelist)}")
    elif ref:
        fk = page.fk_of[f.name]
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
    basis = field_basis(f)
    if basis:
        items.append(f"**{t['basis']}**{colon}{basis_text(basis, lang)}")
    if f.name in page.examples:
        items.append(f"**{t['example']}**{colon}{code(page.examples[f.name])}")
    return items


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
            out.append(f"| [{code(n)}]({n}.md) | {quote_zh(esc(spec.title), lang)} | {len(spec.fields)} | "
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
    out = search_tags(name) + ([f"# {title}", "", f"{t['codelist']}：{code(name)}", ""] if zh
           else [f"# {name}", "", quote_zh(f"**{title}**", lang), ""])
    if cl.get("description"):
        out += [model_text(cl["description"], lang), ""]
    basis = _get(cl, "jn:basis", "basis")
    if basis:
        out += [f"**{t['basis']}**{colon}{basis_text(basis, lang)}", ""]
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
        described = v.get("description") if v.get("description") != value_label(v) else ""
        row = [code(v.get("code", "")), quote_zh(esc(value_label(v)), lang), code(v["token"]) if v.get("token") else "",
               model_text(described, lang) if described else ""]
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
            out.append(f"| [{code(name)}]({name}.md) | {quote_zh(esc(str(cl.get('title') or '')), lang)} | {len(codelist_values(cl))} "
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
    return er_mermaid(ctx, names, [*own, *refs], keys=True, natural_size=True, left_to_right=True)


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
    deps_of = {n: [d for d in names if owners[d] == n] for n in main}
    with_deps = any(deps_of.values())  # a module without dependent tables gets no empty column
    out = [f"# {t['er_title']} · {module_title(module, lang)}", ""]
    if with_deps:
        out += (["本模块主要的表及其外键。从属于另一张表的表（复合主键中含有指向该表的外键，如关联表和多值属性表）"
                 "不在图中画出，列在下表“从属表”一栏；每张表的页面有它自己的关系图。", ""] if zh else
                ["The module's main tables and their foreign keys. Tables that belong to another table (a composite "
                 "primary key containing a foreign key to it: link tables and multi-valued facts) are not drawn but "
                 "listed under \"Dependent tables\" below; each table's page has its own diagram.", ""])
    else:
        out += (["本模块的表及其外键；每张表的页面有它自己的关系图。", ""] if zh else
                ["The module's tables and their foreign keys; each table's page has its own diagram.", ""])
    if outside:
        out += [(f"本模块的表还引用了{t['er_other_module']}（图中未画出）：" if zh
                 else f"Tables of this module also reference these {t['er_other_module']} (not drawn): ")
                + ("、" if zh else ", ").join(f"[{code(o)}](../tables/{o}.md)" for o in outside), ""]
    out += ["``` mermaid", *er_mermaid(ctx, main, fks, keys=False, natural_size=True, left_to_right=True),
            "```", ""]
    head = [t["table_name"], t["cn_name"], *(["从属表" if zh else "Dependent tables"] if with_deps else [])]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in main:
        row = [f"[{code(n)}](../tables/{n}.md)", quote_zh(esc(ctx.tables[n].title), lang)]
        if with_deps:
            row.append(("、" if zh else ", ").join(f"[{code(d)}](../tables/{d}.md)" for d in deps_of[n]))
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    return "\n".join(out)


def er_index(ctx: Ctx, lang: str) -> str:
    t = T[lang]
    out = [f"# {t['er_title']}", "", t["er_intro"], ""]
    for m, names in ctx.module_tables():
        out.append(f"- [{module_title(m, lang)}]({m}.md) ({len(names)})")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- downloads


DOWNLOAD_DESCRIPTIONS = {
    "jn_exchange.schema.json": ("JSON 形式交换包的 JSON Schema", "JSON Schema of the JSON form of a package"),
    "jn_exchange.pseudonymized.schema.json": ("假名化 JSON 形式交换包的 JSON Schema",
                                              "JSON Schema of the JSON form of a pseudonymised package"),
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
            out.append(f"| [{code(name)}](tables/{name}.md) | {quote_zh(esc(spec.title), lang) if spec else ''} | [{Path(f).name}]({up}{f}) |"
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

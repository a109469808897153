"""The identifier rules page: the check-character algorithms of the unified social credit code
and the citizen ID number, worked through on a fictitious example computed by
`jn_exchange.identifiers` itself, Jinan's division codes, and the SQL the validator runs."""

from __future__ import annotations

from docsgen.pages import Ctx
from docsgen.text import code, esc, quote_zh
from jn_exchange import identifiers as ids
from jn_exchange.masking import mask_identifier


def identifiers_page(lang: str, ctx: Ctx | None = None) -> str:
    # the definitive page of the three identifiers: rank it first when someone searches for them
    out = ["---", "search:", "  boost: 4", "---", ""]
    out += _intro(lang)
    out += _uscc_section(lang, ctx)
    out += _citizen_section(lang, ctx)
    out += _division_section(lang, ctx)
    out += _sql_note(lang)
    return "\n".join(out)


def _intro(lang: str) -> list[str]:
    if lang == "zh":
        return ["# 标识符规则", "",
                "规范中有三类带校验规则的标识符。校验器按下列算法检查它们（实现见 `jn_exchange.identifiers`），"
                "报告中的身份号码和信用代码只显示前 6 位和后 2 位。本页的示例号码均为虚构，由同一实现计算得出。", ""]
    return ["# Identifier rules", "",
            "Three kinds of identifiers in the standard carry a check character. The validator checks them with the "
            "algorithms below (implemented in `jn_exchange.identifiers`); reports show only the first 6 and the last 2 "
            "characters of ID numbers and credit codes. The example numbers on this page are fictitious and computed "
            "by that same implementation.", ""]


def _uscc_section(lang: str, ctx: Ctx | None) -> list[str]:
    zh = lang == "zh"
    u17, urows, usum = _uscc_example()
    uchk = ids.uscc_check_char(u17)
    assert ids.is_valid_uscc(u17 + uchk)
    out: list[str] = []
    if zh:
        out += ["## 统一社会信用代码（GB 32100—2015） {#uscc}", "",
                "18 位：第 1 位登记管理部门代码（1–9、A、N、Y），第 2 位机构类别代码，第 3–8 位登记管理机关行政区划码，"
                "第 9–17 位主体标识码（组织机构代码），第 18 位校验码。字符集为 31 个字符 "
                f"{code(ids.USCC_CHARSET)}（不用 I、O、S、V、Z），字母一律大写。", "",
                "校验码的算法：把前 17 位每个字符换成它在字符集中的序号（0–30），乘以对应位置的权重 "
                f"{code(' '.join(map(str, ids.USCC_WEIGHTS)))}（3 的 i 次方模 31），求和 S；"
                "校验码是字符集中序号为 (31 − S mod 31) mod 31 的字符。", "",
                f"**示例**：前 17 位 {code(u17)}（登记管理部门 1 机构编制，机构类别 1 机关，区划 370100）。", ""]
        labels = ["位置", "字符", "序号", "权重", "乘积"]
    else:
        out += ['## Unified social credit code (<span lang="zh">统一社会信用代码</span>, GB 32100—2015) {#uscc}', "",
                "18 characters: registration authority (1–9, A, N, Y), organization category, the 6-digit division code of "
                "the registering authority, the 9-character organization code, and a check character. The alphabet has "
                f"31 characters, {code(ids.USCC_CHARSET)} (no I, O, S, V, Z), upper case only.", "",
                "Check character: replace each of the first 17 characters by its position in the alphabet (0–30), multiply "
                f"by the weight of its place {code(' '.join(map(str, ids.USCC_WEIGHTS)))} (3^i mod 31) and add up to S; "
                "the check character is the alphabet's character number (31 − S mod 31) mod 31.", "",
                f"**Example**: first 17 characters {code(u17)} (authority 1, category 1, division 370100).", ""]
        labels = ["Place", "Character", "Value", "Weight", "Product"]
    out += ['<div class="jn-digits" markdown>', "",  # one narrow column per digit (extra.css)
            "| " + labels[0] + " | " + " | ".join(str(p) for p, _, _, _ in urows) + " |",
            "|---|" + "---|" * len(urows),
            "| " + labels[1] + " | " + " | ".join(code(ch) for _, ch, _, _ in urows) + " |",
            "| " + labels[2] + " | " + " | ".join(str(v) for _, _, v, _ in urows) + " |",
            "| " + labels[3] + " | " + " | ".join(str(w) for _, _, _, w in urows) + " |",
            "| " + labels[4] + " | " + " | ".join(str(v * w) for _, _, v, w in urows) + " |", "", "</div>"]
    r = usum % 31
    idx = (31 - r) % 31
    out += ["", f"S = {usum}; S mod 31 = {r}; (31 − {r}) mod 31 = {idx} → {code(uchk)}", "",
            (f"完整的统一社会信用代码：{code(u17 + uchk)}；报告中显示为 {code(mask_identifier(u17 + uchk))}。" if zh
             else f"The full code is {code(u17 + uchk)}; a report shows it as {code(mask_identifier(u17 + uchk))}."), ""]
    if zh:
        out += ["常见错误：小写字母、全角字符、字符集以外的字母（如把数字 0 写成字母 O）、校验码错误"
                "（[JN-CELL-011](../rules/JN-CELL-011.md)）。", ""]
    else:
        out += ["Common mistakes: lower-case letters, full-width characters, letters outside the alphabet (the letter O "
                "for the digit 0), and a wrong check character "
                "([JN-CELL-011](../rules/JN-CELL-011.md)).", ""]
    out += _scheme_fields(ctx, ("uscc",), lang)
    return out


def _citizen_section(lang: str, ctx: Ctx | None) -> list[str]:
    zh = lang == "zh"
    c17, crows, csum = _citizen_example()
    cchk = ids.citizen_id_check_char(c17)
    assert ids.citizen_id_problem(c17 + cchk) is None
    out: list[str] = []
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
        out += ['## Citizen ID number (<span lang="zh">公民身份号码</span>, GB 11643—1999) {#citizen-id}', "",
                "18 characters: a 6-digit address code, the 8-digit date of birth (YYYYMMDD), a 3-digit sequence number "
                "(odd for men, even for women) and a check character. The date of birth must be a real date, not after "
                "the date the package is judged as of (`--as-of`).", "",
                "Check character (ISO 7064 MOD 11-2): multiply the first 17 digits by the weights "
                f"{code(' '.join(map(str, ids.CITIZEN_ID_WEIGHTS)))} (2^(17−i) mod 11) and add up to S; the check "
                f"character is character number S mod 11 (from 0) of {code(ids.CITIZEN_ID_CHECK_CHARS)}; X stands for 10 "
                "and is upper case.", "",
                f"**Example**: first 17 digits {code(c17)} (address 370102 <span lang=\"zh\">历下区</span>, born 1990-03-07, sequence 123).", ""]
        labels = ["Place", "Digit", "Weight", "Product"]
    out += ['<div class="jn-digits" markdown>', "",
            "| " + labels[0] + " | " + " | ".join(str(p) for p, _, _ in crows) + " |",
            "|---|" + "---|" * len(crows),
            "| " + labels[1] + " | " + " | ".join(code(ch) for _, ch, _ in crows) + " |",
            "| " + labels[2] + " | " + " | ".join(str(w) for _, _, w in crows) + " |",
            "| " + labels[3] + " | " + " | ".join(str(int(ch) * w) for _, ch, w in crows) + " |", "", "</div>"]
    out += ["", f"S = {csum}; S mod 11 = {csum % 11} → {code(cchk)}", "",
            (f"完整号码：{code(c17 + cchk)}；报告中显示为 {code(mask_identifier(c17 + cchk))}。" if zh
             else f"The full number is {code(c17 + cchk)}; a report shows it as {code(mask_identifier(c17 + cchk))}."),
            ""]
    out += _scheme_fields(ctx, ("citizen_id",), lang)
    return out


def _division_section(lang: str, ctx: Ctx | None) -> list[str]:
    zh = lang == "zh"
    out: list[str] = []
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
                'Functional areas without an official code (<span lang="zh">南部山区</span>, <span lang="zh">起步区</span>) keep the codes of the districts they lie in.', "",
                "| Code | Name |", "|---|---|"]
    out += [f"| {code(c)} | {quote_zh(n, lang)} |" for c, n in sorted(ids.JINAN_DIVISION_NAMES.items())]
    out += [""]
    out += _scheme_fields(ctx, ("division_code", "jinan_division_code"), lang)
    return out


def _sql_note(lang: str) -> list[str]:
    title = "校验用的 DuckDB SQL 表达式" if lang == "zh" else "The DuckDB SQL expressions used by the validator"
    return [f'??? note "{title}"', "", "    ```sql", "    -- uscc", *("    " + ln for ln in _wrap_sql(ids.uscc_check_sql("uscc"))),
            "    -- citizen_id_number", *("    " + ln for ln in _wrap_sql(ids.citizen_id_check_sql("citizen_id_number"))),
            "    ```", ""]


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


def _wrap_sql(sql: str) -> list[str]:
    return [part.strip() + (" +" if i < n - 1 else "") for parts in [sql.split(" + ")] for n in [len(parts)]
            for i, part in enumerate(parts)]

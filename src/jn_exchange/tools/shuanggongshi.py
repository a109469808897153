"""`jn-exchange export shuanggongshi PACKAGE OUT.csv`: the national 双公示 administrative-penalty
record format (行政处罚信息) from a package's penalty decisions.

Fields, in this order (the list of `../shared/reference/domain-model.md`, finding 7, with the
“and other codes” spelled out as one column, because a package carries one 其他登记代码):

| # | column | from the package |
|---|---|---|
| 1 | 行政相对人名称 | counterpart.name |
| 2 | 行政相对人类别 | counterpart.category → national label 法人及非法人组织 / 自然人 / 个体工商户 |
| 3 | 行政相对人代码_1（统一社会信用代码） | counterpart.uscc |
| 4 | 行政相对人代码_2（其他登记代码） | counterpart.registration_no (工商注册号, 组织机构代码, 事业单位证书号 …) |
| 5 | 法定代表人 | counterpart.legal_representative (法定代表人, 负责人 or 经营者); empty for 自然人 |
| 6 | 证件类型 | counterpart.id_type → label (居民身份证 …); 自然人 only |
| 7 | 证件号码 | counterpart.id_number; 自然人 only |
| 8 | 处罚决定书文号 | enforcement_action.decision_doc_no |
| 9 | 违法行为类型 | penalty_decision.violation_type |
| 10 | 违法事实 | penalty_decision.violation_facts |
| 11 | 处罚依据 | penalty_decision.legal_basis |
| 12 | 处罚类别 | penalty_decision_kind.penalty_kind → national labels in code order, joined by “;”; code 99 is “其他” (“其他-名称” when other_kind_name is given) |
| 13 | 处罚内容 | penalty_decision.penalty_content |
| 14 | 罚款金额（万元） | penalty_decision.fine_amount ÷ 10000, 6 decimals (exact: yuan have at most 2) |
| 15 | 没收金额（万元） | penalty_decision.confiscation_amount ÷ 10000, 6 decimals (没收违法所得、没收非法财物的金额) |
| 16 | 暂扣或吊销证照名称及编号 | license_name and license_no, as “名称（编号）” |
| 17 | 处罚决定日期 | enforcement_action.decision_date |
| 18 | 处罚有效期 | penalty_decision.penalty_valid_until |
| 19 | 公示截止期 | penalty_decision.publicity_deadline |
| 20 | 处罚机关 | the 实施单位 (enforcement_action.agency_id) → enforcement_agency.name |
| 21 | 处罚机关统一社会信用代码 | enforcement_agency.uscc |
| 22 | 数据来源单位 | the 处罚机关 itself, or the agency given by --source-agency |
| 23 | 数据来源单位统一社会信用代码 | its uscc |
| 24 | 备注 | penalty_decision.remarks |

Dates are ISO `YYYY-MM-DD` by default (`--date-format slash` writes `YYYY/MM/DD`, the form of
the platform's spreadsheet template as we remember it; the reference does not fix the form).

Which records, and why:
- one record per penalty decision and party (action_counterpart with role 1 当事人): the
  national record is per 行政相对人;
- only decisions that impose a penalty (decision_outcome 1 给予行政处罚): 不予处罚, facts not
  established and transfers to the judiciary are not penalty records;
- only published decisions (enforcement_action.publicity_status 1 已公示) whose publicity was
  not withdrawn (penalty_decision.publicity_withdrawn_date empty): 双公示 is the publication of
  decided penalties (EXT 行政处罚法 第四十八条 — withdrawn decisions must leave the platform);
- natural persons (category 2 自然人) are left out unless `--include-natural-persons`. The
  national format does have room for them (类别 自然人, 证件类型, 证件号码), so this is our
  choice, not the format's: the standard marks 证件号码 as sensitive personal data that is
  not published (schema: counterpart.id_number, keyed_hash), and the file is meant for a
  public platform. 个体工商户 (category 3) are included: they are registered market subjects
  with a credit code, and the schema publishes their name and 经营者 in clear. For them the
  证件 columns stay empty (the national format asks for them for 自然人). With
  `--include-natural-persons`, id numbers are written as the package holds them; a value that
  is already a keyed hash (a pseudonymised package) is left empty and counted.

Everything it skips or cannot fill is counted on standard error; it never invents a value.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from jn_exchange.profile import Profile, load_profile
from jn_exchange.reader.table import TableReadError, open_table
from jn_exchange.text import spreadsheet_safe, strip_edges
from jn_exchange.tools._package import OpenPackage, ToolError, open_package, read_error_text
from jn_exchange.tools.lang import count_en, say

COLUMNS = [
    "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（其他登记代码）",
    "法定代表人", "证件类型", "证件号码", "处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别",
    "处罚内容", "罚款金额（万元）", "没收金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期",
    "公示截止期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
]
# National labels where ours differ (the rest of PenaltyKind, CounterpartCategory and IdType are the same words).
NATIONAL_PENALTY_LABELS = {"99": "其他"}
REQUIRED_TABLES = ("penalty_decision", "enforcement_action", "action_counterpart", "counterpart", "enforcement_agency")
_HASHED = re.compile(r"^(h:)?[0-9a-f]{64}$")
_TEN_THOUSAND = Decimal(10000)
_SIX = Decimal("0.000001")


def wan_yuan(amount: str) -> str:
    """元 → 万元 with 6 decimals: '62500.00' → '6.250000'; '' → ''. ValueError when not a number."""
    if amount.strip() == "":
        return ""
    try:
        d = Decimal(amount.strip())
    except InvalidOperation as exc:
        raise ValueError(amount) from exc
    if not d.is_finite():
        raise ValueError(amount)
    return f"{(d / _TEN_THOUSAND).quantize(_SIX, rounding=ROUND_HALF_UP):f}"


def _rows(pkg: OpenPackage, name: str) -> Iterator[dict[str, str]]:
    res = pkg.table(name)
    if res is None:
        if name in REQUIRED_TABLES:
            raise ToolError(say(f"交换包中没有 {name} 表；双公示导出需要 " + "、".join(REQUIRED_TABLES),
                                f"the package has no {name} table; a 双公示 export needs " + ", ".join(REQUIRED_TABLES)))
        return
    try:
        assert res.spec is not None   # Package.table looks among Package.tables: resources with a spec
        table = open_table(res.path, res.spec)
        if table is None:
            return
        names = table.names
        for _, cells in table.records:
            yield {k: strip_edges(v) for k, v in zip(names, cells)}
    except TableReadError as exc:
        raise ToolError(read_error_text(exc, res.rel_path, advice=True)) from exc


def _date(v: str, style: str) -> str:
    return v.replace("-", "/") if style == "slash" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else v


def build_records(pkg: OpenPackage, profile: Profile, *, include_natural_persons: bool = False,
                  source_agency: str | None = None, date_format: str = "iso",
                  counts: Counter | None = None) -> list[list[str]]:
    counts = counts if counts is not None else Counter()
    category = {c: v["label"] for c, v in profile.codes("CounterpartCategory").items()}
    id_types = {c: v["label"] for c, v in profile.codes("IdType").items()}
    kinds_label = {c: NATIONAL_PENALTY_LABELS.get(c, v["label"]) for c, v in profile.codes("PenaltyKind").items()}
    agencies = {r.get("agency_id", ""): r for r in _rows(pkg, "enforcement_agency")}
    if source_agency is not None and source_agency not in agencies:
        raise ToolError(say(f"--source-agency {source_agency!r} 不是交换包中的 agency_id",
                            f"--source-agency {source_agency!r} is not an agency_id of the package"))
    actions = {r.get("action_id", ""): r for r in _rows(pkg, "enforcement_action")}
    counterparts = {r.get("counterpart_id", ""): r for r in _rows(pkg, "counterpart")}
    parties: dict[str, list[str]] = defaultdict(list)
    for r in _rows(pkg, "action_counterpart"):
        if r.get("counterpart_role") == "1":
            parties[r.get("action_id", "")].append(r.get("counterpart_id", ""))
    kinds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in _rows(pkg, "penalty_decision_kind"):
        kinds[r.get("action_id", "")].append((r.get("penalty_kind", ""), r.get("other_kind_name", "")))

    records: list[tuple[tuple[str, str, str], list[str]]] = []
    for d in _rows(pkg, "penalty_decision"):
        aid = d.get("action_id", "")
        action = actions.get(aid)
        if action is None:
            counts[say("已跳过：决定没有对应的 enforcement_action", "skipped: decision without its enforcement_action")] += 1
            continue
        if d.get("decision_outcome") != "1":
            counts[say("已跳过：未作出处罚（decision_outcome ≠ 1）", "skipped: no penalty imposed (decision_outcome ≠ 1)")] += 1
            continue
        if action.get("publicity_status") != "1":
            counts[say("已跳过：未公示（publicity_status ≠ 1）", "skipped: not published (publicity_status ≠ 1)")] += 1
            continue
        if d.get("publicity_withdrawn_date"):
            counts[say("已跳过：公示已撤回", "skipped: publicity withdrawn")] += 1
            continue
        agency = agencies.get(action.get("agency_id", ""), {})
        if not agency:
            counts[say("处罚机关在 enforcement_agency 中找不到", "处罚机关 not found in enforcement_agency")] += 1
        source = agencies[source_agency] if source_agency is not None else agency
        labels = []
        for code, other in sorted(kinds.get(aid, [])):
            label = kinds_label.get(code)
            if label is None:
                counts[say("未知的处罚种类代码，未导出", "unknown penalty kind code left out")] += 1
                continue
            labels.append(f"{label}-{other}" if code == "99" and other else label)
        if not labels:
            counts[say("处罚类别为空（没有 penalty_decision_kind 记录）", "处罚类别 empty (no penalty_decision_kind rows)")] += 1
        try:
            fine = wan_yuan(d.get("fine_amount", ""))
            confiscated = wan_yuan(d.get("confiscation_amount", ""))
        except ValueError as exc:
            raise ToolError(say(f"penalty_decision {aid}：金额 {exc} 不是数字；请先运行 `jn-exchange fix` / `validate`",
                                f"penalty_decision {aid}: amount {exc} is not a number; "
                                "run `jn-exchange fix` / `validate` first")) from exc
        lic_name, lic_no = d.get("license_name", ""), d.get("license_no", "")
        licence = f"{lic_name}（{lic_no}）" if lic_name and lic_no else lic_name or lic_no
        if not parties.get(aid):
            counts[say("已跳过：决定没有当事人（action_counterpart 中角色 1）", "skipped: decision without a party (action_counterpart role 1)")] += 1
            continue
        if not action.get("decision_doc_no"):
            counts[say("处罚决定书文号为空", "处罚决定书文号 empty")] += 1
        for cid in parties[aid]:
            cp = counterparts.get(cid)
            if cp is None:
                counts[say("已跳过：当事人在 counterpart 中找不到", "skipped: party not found in counterpart")] += 1
                continue
            cat = cp.get("category", "")
            natural = cat == "2"
            if natural and not include_natural_persons:
                counts[say("已跳过：自然人（如需导出请加 --include-natural-persons）", "skipped: natural person (use --include-natural-persons)")] += 1
                continue
            id_type = id_number = ""
            if natural:
                id_type = id_types.get(cp.get("id_type", ""), "")
                id_number = cp.get("id_number", "")
                if _HASHED.match(id_number):
                    counts[say("证件号码是带密钥的哈希值（已假名化的交换包）：留空", "证件号码 is a keyed hash (pseudonymised package): left empty")] += 1
                    id_number = ""
            row = [
                cp.get("name", ""), category.get(cat, ""), cp.get("uscc", ""), cp.get("registration_no", ""),
                "" if natural else cp.get("legal_representative", ""), id_type, id_number,
                action.get("decision_doc_no", ""), d.get("violation_type", ""), d.get("violation_facts", ""),
                d.get("legal_basis", ""), ";".join(labels), d.get("penalty_content", ""), fine, confiscated,
                licence, _date(action.get("decision_date", ""), date_format),
                _date(d.get("penalty_valid_until", ""), date_format), _date(d.get("publicity_deadline", ""), date_format),
                agency.get("name", ""), agency.get("uscc", ""), source.get("name", ""), source.get("uscc", ""),
                d.get("remarks", ""),
            ]
            records.append(((action.get("decision_date", ""), action.get("decision_doc_no", ""), cid), row))
    records.sort(key=lambda r: r[0])
    return [r for _, r in records]


def export_shuanggongshi(package: Path, out_csv: Path, *, include_natural_persons: bool = False,
                         source_agency: str | None = None, date_format: str = "iso", encoding: str = "utf-8",
                         echo: Callable[[str], None] = lambda s: None) -> int:
    if out_csv.exists():
        raise ToolError(say(f"{out_csv} 已存在；请给一个新的文件名（工具从不覆盖已有文件）",
                            f"{out_csv} already exists; give a new file name (the tools never overwrite)"))
    if not out_csv.parent.is_dir():
        raise ToolError(say(f"{out_csv} 所在的文件夹不存在", f"the folder of {out_csv} does not exist"))
    profile = load_profile()
    counts: Counter = Counter()
    with open_package(package, profile) as pkg:
        if pkg.descriptor.get("jn:pseudonymized"):
            echo(say("export：注意：该交换包已假名化，哈希后的证件号码不导出",
                     "export: note: the package is pseudonymised; hashed 证件号码 are not exported"))
        records = build_records(pkg, profile, include_natural_persons=include_natural_persons,
                                source_agency=source_agency, date_format=date_format, counts=counts)
    try:   # "x": never overwrite; nothing but OUT.csv is written, and it is removed on failure
        fh = out_csv.open("x", encoding=encoding, newline="")
    except OSError as exc:
        raise ToolError(say(f"无法创建 {out_csv}：{exc.strerror or exc}", f"cannot create {out_csv}: {exc.strerror or exc}")) from exc
    try:
        with fh:
            w = csv.writer(fh, lineterminator="\r\n" if encoding != "utf-8" else "\n")
            w.writerow(COLUMNS)
            w.writerows([spreadsheet_safe(c) for c in r] for r in records)
    except UnicodeEncodeError as exc:
        out_csv.unlink(missing_ok=True)
        raise ToolError(say(f"有值无法用 {encoding} 编码写出：请用 --encoding utf-8",
                            f"a value cannot be written in {encoding}: use --encoding utf-8")) from exc
    except BaseException:
        out_csv.unlink(missing_ok=True)
        raise
    echo(say(f"export：已把 {len(records)} 条双公示行政处罚记录写入 {out_csv}",
             f"export: {count_en(len(records), '双公示 penalty record')} written to {out_csv}"))
    for what, n in sorted(counts.items()):
        echo(f"export{say('：', ': ')}{what}{say('：', ': ')}{n}")
    return len(records)

"""`jn-exchange diff OLD NEW`: every change between two versions of the standard's model, each
classified major / minor / patch by the written rules in RULES (the docs page `versions.md`
shows them; the changelog is made from this diff).

The rules judge a change by what it does to data: a change after which a package that conformed
to OLD may not conform to NEW (something removed, a constraint tightened, a field made required)
is major; one that only adds what an OLD package need not use (a table, an optional field, a code)
or loosens a constraint is minor; one that changes only text (titles, descriptions, legal bases)
is patch. A property the rules do not know is major, so that nothing unknown passes as harmless."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Any

from jn_exchange.release.snapshot import Snapshot
from jn_exchange.versions import version_key

LEVELS = ("patch", "minor", "major")
# per release, the changes its reviewers assessed below the rules, each with its reason
ASSESSED = Path(__file__).with_name("assessed.yaml")


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    zh: str
    en: str
    # the validator rules through which alone such a change can fail data: while every one of
    # them is in transition (a warning until a later major, docs/*/versioning.md) the change is minor
    carried_by: tuple[str, ...] = ()


# The classification, one entry per kind of change (the docs page lists them in this order).
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("table-added", "minor", "新增数据表", "a table added"),
    Rule("table-removed", "major", "删除数据表", "a table removed"),
    Rule("table-key-changed", "major", "主键改变", "the primary key changed"),
    Rule("table-unique-added", "major", "新增唯一键或外键", "a unique or foreign key added"),
    Rule("table-unique-removed", "minor", "删除唯一键或外键", "a unique or foreign key removed"),
    Rule("validity-narrowed", "major", "表或代码表的适用日期或地域收窄", "a table's or code list's dates or territory of application narrowed"),
    Rule("validity-widened", "minor", "表或代码表的适用日期或地域放宽", "a table's or code list's dates or territory of application widened"),
    Rule("scope-fields-changed", "major", "记录的日期或地域所依据的字段新增或改变（按日期和地域的校验随之改变）",
         "the fields giving a record's date or territory for the checks of dates and territory added or changed",
         carried_by=("JN-COD-001",)),
    Rule("scope-fields-removed", "minor", "记录的日期或地域所依据的字段删除", "the fields giving a record's date or territory removed"),
    Rule("field-added-optional", "minor", "新增选填字段", "an optional field added"),
    Rule("field-added-required", "major", "新增必填字段", "a required field added"),
    Rule("field-removed", "major", "删除字段", "a field removed"),
    Rule("field-type-changed", "major", "字段类型或格式改变", "a field's type or format changed"),
    Rule("field-required", "major", "字段改为必填", "a field made required"),
    Rule("field-optional", "minor", "字段改为选填", "a field made optional"),
    Rule("constraint-tightened", "major", "约束收紧（新增约束、范围缩小、模式改变、小数位减少）",
         "a constraint tightened (added, range narrowed, pattern changed, fewer decimal places)"),
    Rule("constraint-loosened", "minor", "约束放宽（删除约束、范围扩大、小数位增加）",
         "a constraint loosened (removed, range widened, more decimal places)"),
    Rule("places-tightened-in-transition", "major", "小数位数新增限制，期间多出的位数由 JN-CELL-016 报告",
         "decimal places limited, more places reported by JN-CELL-016 meanwhile", carried_by=("JN-CELL-016",)),
    Rule("transition-set", "minor", "约束的过渡期设定（到期前为警告）", "a constraint's transition set (a warning until it ends)"),
    Rule("transition-ended", "major", "约束的过渡期结束（此后为错误）", "a constraint's transition ended (an error from now on)"),
    Rule("codelist-binding-changed", "major", "字段改用另一个代码表", "a field bound to another code list"),
    Rule("identifier-changed", "major", "字段的标识符校验规则新增或改变", "a field's identifier scheme added or changed"),
    Rule("identifier-removed", "minor", "字段的标识符校验规则删除", "a field's identifier scheme removed"),
    Rule("personal-treatment-changed", "major", "个人信息字段在假名化交换中的处理方式改变",
         "how a personal field is treated in a pseudonymised exchange changed"),
    Rule("personal-marking-changed", "minor", "字段的个人信息标记改变", "a field's personal-data marking changed"),
    Rule("codelist-added", "minor", "新增代码表", "a code list added"),
    Rule("codelist-removed", "major", "删除代码表", "a code list removed"),
    Rule("code-added", "minor", "新增代码", "a code added"),
    Rule("code-removed", "major", "删除代码", "a code removed"),
    Rule("code-label-changed", "minor", "代码的名称改变（须复核含义未变）", "a code's label changed (check that its meaning has not)"),
    Rule("code-attribute-changed", "major", "代码或代码表的属性改变（校验规则读取这些属性）",
         "an attribute of a code or a code list changed (the rules read these attributes)"),
    Rule("reference-changed", "minor", "字段所指的表改变（仅说明，不校验）", "the table a field refers to changed (informative, not checked)"),
    Rule("text-changed", "patch", "标题、说明或依据改变", "a title, description or legal basis changed"),
    Rule("unclassified", "major", "规则未涵盖的属性改变（按主版本对待）", "a property the rules do not cover changed (treated as major)"),
)}

# Properties that are text only: their change never changes which data conform.
_TEXT = frozenset({"title", "description", "jn:basis", "jn:title", "basis", "article", "module", "jn:module",
                   "jn:class", "token", "examples"})


@dataclass(frozen=True)
class Change:
    rule: str
    where: str                  # table[.field] or codelist[:code]
    prop: str = ""              # the property that changed, when one did
    old: Any = None
    new: Any = None

    # a level below the rule's, with the reason in both languages: the rule's validator rules are
    # in transition, or the release's reviewers assessed it (assessed.yaml)
    assessed: str | None = None
    why: dict[str, str] | None = None

    @property
    def level(self) -> str:
        return self.assessed or RULES[self.rule].level

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "level": self.level, "kind": {"zh": RULES[self.rule].zh, "en": RULES[self.rule].en}}


@dataclass(frozen=True)
class Diff:
    old: Snapshot
    new: Snapshot
    changes: tuple[Change, ...]

    @property
    def level(self) -> str | None:
        """The highest level of any change (None: no change)."""
        return max((c.level for c in self.changes), key=LEVELS.index, default=None)

    @property
    def declared_level(self) -> str | None:
        """The level the two version numbers announce (None: the same or a lower version)."""
        try:
            a, b = version_key(self.old.version), version_key(self.new.version)
        except ValueError:
            return None
        if b <= a:
            return None
        return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"

    def by_level(self, level: str) -> list[Change]:
        return [c for c in self.changes if c.level == level]


def compare(old: Snapshot, new: Snapshot) -> Diff:
    changes = [_assess(c, new.version) for c in [*_tables(old, new), *_codelists(old, new)]]
    changes.sort(key=lambda c: (-LEVELS.index(c.level), c.where, c.rule, c.prop))
    return Diff(old, new, tuple(changes))


def _assess(c: Change, version: str) -> Change:
    """A change at the level its rule gives, or lower: while the validator rules that alone
    carry it are in transition, or as the release's reviewers assessed it with a reason."""
    from jn_exchange.rules import registry

    rules = registry()
    carried = RULES[c.rule].carried_by
    if carried and RULES[c.rule].level == "major" and all(code in rules and rules[code].in_transition for code in carried):
        until = max(str(rules[code].error_from) for code in carried)
        codes = "、".join(carried)
        return replace(c, assessed="minor", why={
            "zh": f"只经由 {codes} 影响数据是否合格，它在过渡期内为警告，自 {until} 版起为错误",
            "en": f"it can fail data only through {', '.join(carried)}, a warning in transition until version {until}"})
    for a in _assessments().get(version, []):
        if fnmatch(c.where, a["where"]) and fnmatch(c.prop or "", a.get("prop", "*")) and a["rule"] == c.rule:
            return replace(c, assessed=a["level"], why=a["why"])
    return c


@lru_cache(maxsize=1)
def _assessments() -> dict[str, list[dict[str, Any]]]:
    """assessed.yaml: per release, the changes its reviewers classified below the rules, each
    with its reason (only ever lower: a rule's level is a ceiling the reviewers must justify
    leaving)."""
    import yaml

    data = yaml.safe_load(ASSESSED.read_text(encoding="utf-8")) or {}
    for version, items in data.items():
        for a in items:
            if a["rule"] not in RULES or LEVELS.index(a["level"]) >= LEVELS.index(RULES[a["rule"]].level) \
                    or set(a["why"]) != {"zh", "en"}:
                raise ValueError(f"assessed.yaml, {version}: {a} must lower a known rule's level and say why in zh and en")
    return data


# ------------------------------------------------------------------------------ tables
def _tables(old: Snapshot, new: Snapshot) -> Iterator[Change]:
    for name in sorted(set(old.tables) | set(new.tables)):
        a, b = old.tables.get(name), new.tables.get(name)
        if a is None:
            yield Change("table-added", name)
        elif b is None:
            yield Change("table-removed", name)
        else:
            yield from _table(name, a, b)
            yield from _fields(name, old.fields(name), new.fields(name))


def _table(name: str, a: dict[str, Any], b: dict[str, Any]) -> Iterator[Change]:
    for prop in sorted((set(a) | set(b)) - {"fields", "name"}):
        va, vb = a.get(prop), b.get(prop)
        if va == vb:
            continue
        if prop in _TEXT:
            yield Change("text-changed", name, prop, va, vb)
        elif prop == "primaryKey":
            yield Change("table-key-changed", name, prop, va, vb)
        elif prop in ("uniqueKeys", "foreignKeys"):
            yield from _key_sets(name, prop, va or [], vb or [])
        elif prop in ("jn:valid_from", "jn:valid_to", "jn:scope"):
            yield Change(_validity(prop, va, vb), name, prop, va, vb)
        elif prop in ("jn:agency", "jn:event_date", "jn:within"):
            yield Change("scope-fields-removed" if vb is None else "scope-fields-changed", name, prop, va, vb)
        elif prop == "missingValues":
            yield Change("field-type-changed", name, prop, va, vb)
        else:
            yield Change("unclassified", name, prop, va, vb)


def _key_sets(where: str, prop: str, a: list[Any], b: list[Any]) -> Iterator[Change]:
    for k in b:
        if k not in a:
            yield Change("table-unique-added", where, prop, None, k)
    for k in a:
        if k not in b:
            yield Change("table-unique-removed", where, prop, k, None)


def _validity(prop: str, a: Any, b: Any) -> str:
    """Dates of application: a later start, an earlier end or a new limit narrows; the reverse
    widens. A territory (scope) that changes at all is treated as narrowed."""
    if prop.endswith("scope"):
        return "validity-widened" if b is None else "validity-narrowed"
    if prop.endswith("valid_from"):
        return "validity-widened" if b is None or (a is not None and str(b) < str(a)) else "validity-narrowed"
    return "validity-widened" if b is None or (a is not None and str(b) > str(a)) else "validity-narrowed"


# ------------------------------------------------------------------------------ fields
def _fields(table: str, a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> Iterator[Change]:
    for name in [*a, *(n for n in b if n not in a)]:
        where = f"{table}.{name}"
        fa, fb = a.get(name), b.get(name)
        if fa is None:
            assert fb is not None
            required = bool((fb.get("constraints") or {}).get("required"))
            yield Change("field-added-required" if required else "field-added-optional", where)
        elif fb is None:
            yield Change("field-removed", where)
        else:
            yield from _field(where, fa, fb)


def _field(where: str, a: dict[str, Any], b: dict[str, Any]) -> Iterator[Change]:
    for prop in sorted((set(a) | set(b)) - {"name"}):
        va, vb = a.get(prop), b.get(prop)
        if va == vb:
            continue
        if prop == "constraints":
            yield from _constraints(where, va or {}, vb or {})
        elif prop in _TEXT:
            yield Change("text-changed", where, prop, va, vb)
        elif prop in ("type", "format", "trueValues", "falseValues"):
            yield Change("field-type-changed", where, prop, va, vb)
        elif prop == "jn:decimal_places":
            tighter = va is None or (vb is not None and vb < va)
            # limited now, but more places stay a warning until the version the field names
            in_transition = tighter and b.get("jn:decimal_places_error_from") is not None
            yield Change("places-tightened-in-transition" if in_transition else _tighter_if(tighter), where, prop, va, vb)
        elif prop == "jn:decimal_places_error_from":
            yield Change("transition-ended" if vb is None else "transition-set", where, prop, va, vb)
        elif prop == "jn:codelist":
            yield Change("codelist-binding-changed" if va is not None else "constraint-tightened", where, prop, va, vb)
        elif prop == "jn:identifier_scheme":
            yield Change("identifier-removed" if vb is None else "identifier-changed", where, prop, va, vb)
        elif prop == "jn:exchange_treatment":
            # a field newly marked personal but kept in clear: the exchanged data do not change
            clear = va is None and vb == "clear"
            yield Change("personal-marking-changed" if clear else "personal-treatment-changed", where, prop, va, vb)
        elif prop == "jn:personal_data":
            yield Change("personal-marking-changed", where, prop, va, vb)
        elif prop == "jn:references":
            yield Change("reference-changed", where, prop, va, vb)
        else:
            yield Change("unclassified", where, prop, va, vb)


def _tighter_if(tighter: bool) -> str:
    return "constraint-tightened" if tighter else "constraint-loosened"


def _constraints(where: str, a: dict[str, Any], b: dict[str, Any]) -> Iterator[Change]:
    for prop in sorted(set(a) | set(b)):
        va, vb = a.get(prop), b.get(prop)
        if va == vb:
            continue
        if prop == "required":
            yield Change("field-required" if vb else "field-optional", where, prop, va, vb)
        elif va is None or vb is None:   # a constraint added tightens, one removed loosens
            yield Change(_tighter_if(va is None), where, prop, va, vb)
        elif prop == "enum":
            yield Change(_tighter_if(not set(va) <= set(vb)), where, prop, va, vb)
        elif prop in ("minimum", "minLength", "exclusiveMinimum"):
            yield Change(_tighter_if(vb > va), where, prop, va, vb)
        elif prop in ("maximum", "maxLength", "exclusiveMaximum"):
            yield Change(_tighter_if(vb < va), where, prop, va, vb)
        else:   # a pattern or anything else that changed: conforming data may no longer conform
            yield Change("constraint-tightened", where, prop, va, vb)


# ------------------------------------------------------------------------------ code lists
def _codelists(old: Snapshot, new: Snapshot) -> Iterator[Change]:
    for name in sorted(set(old.codelists) | set(new.codelists)):
        a, b = old.codelists.get(name), new.codelists.get(name)
        if a is None:
            yield Change("codelist-added", name)
        elif b is None:
            yield Change("codelist-removed", name)
        else:
            for prop in sorted((set(a) | set(b)) - {"values", "name"}):
                va, vb = a.get(prop), b.get(prop)
                if va != vb:
                    rule = ("text-changed" if prop in _TEXT else _validity(prop, va, vb)
                            if prop in ("valid_from", "valid_to", "scope") else "code-attribute-changed")
                    yield Change(rule, name, prop, va, vb)
            yield from _codes(name, old.codes(name), new.codes(name))


def _codes(codelist: str, a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> Iterator[Change]:
    for code in [*a, *(c for c in b if c not in a)]:
        where = f"{codelist}:{code}"
        ca, cb = a.get(code), b.get(code)
        if ca is None:
            yield Change("code-added", where)
        elif cb is None:
            yield Change("code-removed", where)
        else:
            for prop in sorted((set(ca) | set(cb)) - {"code"}):
                va, vb = ca.get(prop), cb.get(prop)
                if va == vb:
                    continue
                if prop in _TEXT:
                    rule = "text-changed"
                elif prop == "label":
                    rule = "code-label-changed"
                elif prop in ("valid_from", "valid_to", "scope"):
                    rule = _validity(prop, va, vb)
                else:
                    rule = "code-attribute-changed"
                yield Change(rule, where, prop, va, vb)

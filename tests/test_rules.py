"""One rule mechanism: every rule of the registry declares its one check (a business rule its
SQL, a cell rule its selector and SQL condition, any other rule the function that emits it),
every rule code the source names is registered, and the cell rules' declarations build SQL
that DuckDB accepts for every field they apply to."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from jn_exchange.engine import cells
from jn_exchange.engine.sql import q
from jn_exchange.profile import load_profile
from jn_exchange.rules import all_rules, registry
from jn_exchange.text import EDGE_SPACES

SRC = Path(__file__).resolve().parents[1] / "src" / "jn_exchange"
CODE = re.compile(r"JN-[A-Z]+-\d{3}")


def _resolve(ref: str):
    module, _, qualname = ref.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("rule", list(all_rules()), ids=lambda r: r.code)
def test_every_rule_has_exactly_one_check(rule):
    if rule.deprecated:   # a retired code keeps its page and its migration note, and no check
        assert rule.sql is None and rule.check is None and not rule.reads
        return
    if rule.level == "business":
        assert rule.sql and rule.check is None, "a business rule is checked by its `sql`"
    elif rule.level == "cell":
        assert rule.sql is None and isinstance(rule.check, dict) and rule.check.get("when")
        assert set(rule.check) <= {"applies", "when", "params", "screen"}
    else:
        assert rule.sql is None and isinstance(rule.check, str) and ":" in rule.check, \
            "a structural rule names the function that emits it: check: module:function"
        fn = _resolve(rule.check)
        assert callable(fn)
        assert rule.code in inspect.getsource(fn), f"{rule.check} does not emit {rule.code}"


def _code_literals() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.setdefault(node.value, []).append(str(path.relative_to(SRC)))
    return found


def test_every_code_in_the_source_is_registered():
    literals = _code_literals()
    assert literals, "the scan found no code at all"
    unknown = {code: where for code, where in literals.items() if code not in registry()}
    assert not unknown, f"codes named in the source but not registered: {unknown}"


def test_the_registry_imports_no_check():
    """`jn-exchange rules` stays fast: reading the registry imports none of the checking code."""
    probe = ("import sys; from jn_exchange.rules import registry; registry(); "
             "bad = [m for m in ('jn_exchange.descriptor', 'jn_exchange.filechecks', 'jn_exchange.engine', "
             "'jn_exchange.reader.zipsafe', 'duckdb') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cell_rules_are_the_registry_cell_rules_in_order():
    assert [r.code for r in cells.cell_rules()] == [r.code for r in all_rules() if r.level == "cell"]


@pytest.mark.parametrize("pseudonymized", [False, True])
def test_cell_checks_build_and_bind_for_every_field(pseudonymized):
    """Every field's checks render (no placeholder left without a value) and DuckDB binds the
    one aggregate query of each table, with the identifier macros installed."""
    profile = load_profile()
    rules = cells.CellRules(profile, pseudonymized)
    con = duckdb.connect()
    cells.install_macros(con)
    used: set[str] = set()
    for t in profile.tables.values():
        con.execute(f"CREATE TABLE {q(t.name)} (" + ", ".join(f"{q(f.name)} VARCHAR" for f in t.fields) + ")")
        checks = [c for f in t.fields for c in rules.of_field(f, q(f.name))]
        used.update(c.code for c in checks)
        if checks:
            con.execute("SELECT " + ", ".join(f"count_if({c.cond})" for c in checks) + f" FROM {q(t.name)}").fetchone()
        for c in checks:
            assert "{" not in re.sub(r"\{\d+(,\d*)?\}|\\x\{[0-9A-F]+\}", "", c.cond), c.cond
    unused = {r.code for r in cells.cell_rules()} - used
    assert pseudonymized or not unused, f"cell rules whose selector matches no field of the standard: {unused}"


def test_a_keyed_hash_field_is_checked_as_its_hex_pattern_only():
    profile = load_profile()
    f = next(f for t in profile.tables.values() for f in t.fields
             if f.raw.get("jn:exchange_treatment") == "keyed_hash" and f.identifier_scheme == "citizen_id")
    plain = [c.code for c in cells.CellRules(profile, False).of_field(f, '"x"')]
    hashed = cells.CellRules(profile, True).of_field(f, '"x"')
    assert "JN-CELL-012" in plain
    assert [c.code for c in hashed] == [c for c in plain if c in ("JN-CELL-001", "JN-CELL-008")]
    pattern_check = next(c for c in hashed if c.code == "JN-CELL-008")
    assert pattern_check.params("ABC") == {"pattern": cells.KEYED_HASH_PATTERN, "hint": ""}


def test_edge_spaces_rule_agrees_with_the_text_policy():
    """JN-CELL-014's SQL finds exactly the characters `jn_exchange.text.EDGE_SPACES` strips."""
    when = registry()["JN-CELL-014"].check["when"]
    con = duckdb.connect()
    cells.install_macros(con)   # jn_edge_space
    sql = f"SELECT {cells.render(when, {'c': '$1'})}"

    def flagged(value: str) -> bool:
        return bool(con.execute(sql, [value]).fetchone()[0])

    for ch in EDGE_SPACES:
        assert flagged("名称" + ch) and flagged(ch + "名称"), repr(ch)
        assert not flagged("名" + ch + "称"), repr(ch)
    for ch in "、，。x0\u2028\u00ad":
        assert not flagged(ch + "名称" + ch), repr(ch)


def test_a_rule_shows_a_parameter_as_a_field_of_the_tables_it_reads():
    """`shows: {param: field}` names a field of a table in `reads`, and a parameter the rule's
    messages use: otherwise the parameter would silently lose its masking."""
    profile = load_profile()
    for r in registry().values():
        for param, field in r.shows.items():
            fields = {f.name for t in r.reads if t in profile.tables for f in profile.tables[t].fields}
            assert field in fields, (r.code, param, field)
            assert "{" + param + "}" in r.message["zh"] + r.message["en"], (r.code, param)

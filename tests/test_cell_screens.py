"""A cell rule's `screen` decides whether its per-column counts are made at all, so it must never
miss a row that one of those counts would find: here every rule with a screen meets every edge
and invisible character, at the start, inside and at the end of each column of a table, beside
NULLs and ordinary text."""

from __future__ import annotations

import re

import duckdb
import pytest

from jn_exchange.engine.cells import SCREEN_FROM, CellCheck, _screens, cell_rules, install_macros, render
from jn_exchange.text import EDGE_SPACES, INVISIBLE_INSIDE, visible

SCREENED = [r for r in cell_rules() if r.screen]
COLS = [f"c{i}" for i in range(SCREEN_FROM + 1)]


def _chars() -> list[str]:
    """EDGE_SPACES, every character of INVISIBLE_INSIDE's class (its ranges spelled out), the
    separator the edge screen joins values with, and two ordinary ones."""
    out = set(EDGE_SPACES) | {"\x1f", "a", "济"}
    for part in re.findall(r".-.|.", INVISIBLE_INSIDE):
        out.update(chr(c) for c in range(ord(part[0]), ord(part[-1]) + 1))
    return sorted(out)


def _values() -> list[str | None]:
    vals: list[str | None] = [None, "", "济南", "a b"]
    for ch in _chars():
        vals += [ch, f"{ch}济南", f"济{ch}南", f"济南{ch}"]
    return vals


def test_the_screened_rules_are_those_of_the_invisible_characters():
    assert {r.code for r in SCREENED} == {"JN-CELL-014", "JN-CELL-015"}


@pytest.mark.parametrize("rule", SCREENED, ids=lambda r: r.code)
def test_a_screen_never_misses_a_cell_its_rule_finds(rule):
    con = duckdb.connect()
    install_macros(con)
    rows = []
    for v in _values():
        for pos in range(len(COLS)):   # the value in each column, the others NULL or plain
            rows.append([v if i == pos else (None if i % 2 else "济南") for i in range(len(COLS))])
    con.execute(f"CREATE TABLE t ({', '.join(c + ' VARCHAR' for c in COLS)})")
    con.executemany(f"INSERT INTO t VALUES ({', '.join('?' for _ in COLS)})", rows)
    any_cell = " OR ".join(f"({render(rule.when, {'c': c})})" for c in COLS)
    checks = [CellCheck(rule.code, None, render(rule.when, {"c": c}), c, screen=rule.screen) for c in COLS]
    (screen,) = _screens(checks)
    missed = con.execute(f"SELECT {', '.join(COLS)} FROM t WHERE ({any_cell}) AND NOT coalesce({screen}, false)").fetchall()
    assert not missed, [visible(str(r)) for r in missed[:5]]
    found = con.execute(f"SELECT count(*) FROM t WHERE {any_cell}").fetchone()[0]
    assert found > len(COLS) * 10   # the table does hold cells the rule finds
    # and the screen is not simply always true
    assert con.execute(f"SELECT count(*) FROM t WHERE NOT ({screen})").fetchone()[0] > 0


def test_rules_screening_the_same_columns_share_one_search_and_all_count_when_it_finds():
    rules = {r.code: r for r in SCREENED}
    checks = [CellCheck(code, None, render(r.when, {"c": c}), c, screen=r.screen)
              for code, r in rules.items() for c in COLS]
    screens = _screens(checks)
    assert list(screens.values()) == [tuple(rules)]
    # too few columns: no screen, each column counted at once
    assert _screens([c for c in checks if c.col in COLS[:SCREEN_FROM - 1]]) == {}

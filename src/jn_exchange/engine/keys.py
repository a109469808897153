"""Primary and unique keys (JN-KEY-001/002) and foreign keys (JN-REF-001/002)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.sql import one_row, q
from jn_exchange.findings import Collector, Finding
from jn_exchange.masking import show_key
from jn_exchange.profile import Profile
from jn_exchange.rules import make_finding

# a foreign key's findings with its place in the standard (table, key), and its exact count
KeyFindings = tuple[tuple[int, int], list[Finding], int]


def check_keys(con: duckdb.DuckDBPyConnection, t: LoadedTable, collector: Collector) -> None:
    """Repeated values of the table's primary key and unique keys, each repeat after the first."""
    keys: list[tuple[str, tuple[str, ...]]] = []
    if t.spec.primary_key:
        keys.append(("JN-KEY-001", t.spec.primary_key))
    keys.extend(("JN-KEY-002", uk) for uk in t.spec.unique_keys)
    for code, fields in keys:
        if not all(k in t.columns for k in fields):
            continue
        cols = [q(t.columns[k]) for k in fields]
        part = ", ".join(cols)
        notnull = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        # the exact count from a hash aggregate (half the cost of the window below, which
        # only runs when there is something to show)
        n = one_row(con, f"SELECT coalesce(sum(n) - count(*), 0) FROM (SELECT count(*) AS n FROM {t.raw} "
                    f"WHERE {notnull} GROUP BY {part} HAVING count(*) > 1)")[0]
        if not n:
            continue
        base = (f"SELECT rowid, [{part}] AS k, min(rowid) OVER (PARTITION BY {part}) AS first "
                f"FROM {t.raw} WHERE {notnull}")
        ex = con.execute(f"SELECT rowid, k, first FROM ({base}) WHERE rowid <> first ORDER BY rowid "
                         f"LIMIT {collector.max_examples}").fetchall()
        specs = [t.spec.field(k) for k in fields]
        shown = [show_key(list(zip(specs, k))) for _, k, _ in ex]
        findings = [make_finding(code, resource=t.spec.name, row=t.line_of(int(r)), field=",".join(fields),
                                 key=k, value=k, first_row=t.line_of(int(first)), fields=",".join(fields))
                    for (r, _, first), k in zip(ex, shown)]
        collector.add_counted(findings[0], int(n), findings[1:])


@dataclass
class ForeignKey:
    table: LoadedTable
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]
    order: tuple[int, int]        # (table, key) in the standard's order

    @property
    def cols(self) -> list[str]:
        return [q(self.table.columns[f]) for f in self.fields]

    @property
    def notnull(self) -> str:
        return " AND ".join(f"c.{c} IS NOT NULL" for c in self.cols)

    @property
    def key(self) -> str:
        """The key as a row value (compares like the columns, whatever their number)."""
        return "(" + ", ".join(f"c.{c}" for c in self.cols) + ",)"


def reference_groups(tables: dict[str, LoadedTable], profile: Profile) -> list[list[ForeignKey]]:
    """Every foreign key of the loaded tables, grouped by the key it points to: one anti-join
    per group builds the target's hash table once for all the tables that refer to it
    (152 keys point to 22 targets: a quarter of the time of one query per key)."""
    groups: dict[tuple[str, tuple[str, ...]], list[ForeignKey]] = {}
    order = {name: i for i, name in enumerate(profile.tables)}
    for t in tables.values():
        for j, fk in enumerate(t.spec.foreign_keys):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            tfields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            if not all(f in t.columns for f in fields):
                continue
            target_name = ref.get("resource") or t.spec.name
            groups.setdefault((target_name, tuple(tfields)), []).append(
                ForeignKey(t, tuple(fields), target_name, tuple(tfields), (order.get(t.spec.name, -1), j)))
    return list(groups.values())


def check_reference_group(con: duckdb.DuckDBPyConnection, tables: dict[str, LoadedTable], group: list[ForeignKey],
                          max_examples: int) -> list[KeyFindings]:
    """Findings of one group, each with its key's place in the standard, for the caller to
    add in that order once every group is done (the examples kept per table do not then
    depend on which worker finished first)."""
    out: list[KeyFindings] = []
    target_name, tfields = group[0].target, group[0].target_fields
    target = tables.get(target_name)
    union = " UNION ALL ".join(f"SELECT {i} AS fk, {fk.key} AS k FROM {fk.table.raw} c WHERE {fk.notnull}"
                               for i, fk in enumerate(group))
    if target is None or not all(f in target.columns for f in tfields):
        # nothing to point to: one finding per key with the count of its values
        for i, n in con.execute(f"SELECT fk, count(*) FROM ({union}) GROUP BY fk ORDER BY fk").fetchall():
            fk = group[i]
            out.append((fk.order, [make_finding("JN-REF-002", resource=fk.table.spec.name,
                                                field=",".join(fk.fields), target=target_name, count=n)], 1))
        return out
    tkey = "(" + ", ".join(q(target.columns[f]) for f in tfields) + ",)"
    counts = con.execute(f"SELECT fk, count(*) FROM ({union}) x ANTI JOIN "
                         f"(SELECT {tkey} AS k FROM {target.raw}) p ON p.k = x.k GROUP BY fk").fetchall()
    for i, n in counts:
        fk = group[i]
        join = " AND ".join(f"p.{q(target.columns[tf])} = c.{c}" for tf, c in zip(tfields, fk.cols))
        ex = con.execute(
            f"SELECT c.rowid, [{', '.join(f'c.{c}' for c in fk.cols)}] FROM {fk.table.raw} c "
            f"WHERE {fk.notnull} AND NOT EXISTS (SELECT 1 FROM {target.raw} p WHERE {join}) ORDER BY c.rowid "
            f"LIMIT {max_examples}").fetchall()
        specs = [fk.table.spec.field(f) for f in fk.fields]
        findings = [make_finding("JN-REF-001", resource=fk.table.spec.name, row=fk.table.line_of(int(r)),
                                 field=",".join(fk.fields), value=show_key(list(zip(specs, v))), target=target_name,
                                 target_field=",".join(tfields))
                    for r, v in ex]
        out.append((fk.order, findings, int(n)))
    return out

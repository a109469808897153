"""The typed value of each field the business rules read, stored by the load in the same pass
as it reads the file (`_t<i>`: the logical type's cast, engine/types.py). The typed views select
these columns, so a value is cast once instead of once per rule that reads it (a quarter of the
rules' time on a 1M-row package).

The cell checks are not derived here: evaluated inside the load they cost more than the same
conditions counted in one aggregate over the loaded table (measured on a 1M-row package: 1.75 to
2.2 s against 1.6 to 1.7 s of CPU), so engine/cells.py keeps its one scan."""

from __future__ import annotations

from dataclasses import dataclass

from jn_exchange.engine.sql import q
from jn_exchange.engine.types import STRING, logical_type
from jn_exchange.profile import TableSpec


@dataclass(frozen=True)
class Derived:
    """The stored typed columns of one table."""
    typed: tuple[tuple[str, str], ...] = ()   # (field, DuckDB column holding its text)

    def typed_column(self, field: str) -> str | None:
        """The stored typed column of a field, or None when none is stored."""
        for i, (name, _) in enumerate(self.typed):
            if name == field:
                return f"_t{i}"
        return None

    def select_sql(self, spec: TableSpec, source: str) -> str:
        """`SELECT *, <typed columns> FROM (source)`: the load's query with the derived columns."""
        if not self.typed:
            return source
        cols = []
        for i, (name, col) in enumerate(self.typed):
            f = spec.field(name)
            assert f is not None, "typed columns are made for the standard's fields"
            cols.append(f"{logical_type(f.type).cast(q(col))} AS _t{i}")
        return f"SELECT *, {', '.join(cols)} FROM ({source})"


def typed_fields(spec: TableSpec, columns: dict[str, str], wanted: frozenset[str] | None) -> Derived:
    """The fields whose typed value is stored: those in the file that the rules read (`wanted`;
    None: all) and whose type is not text (a text field's typed value is its column)."""
    return Derived(tuple((f.name, columns[f.name]) for f in spec.fields
                         if f.name in columns and (wanted is None or f.name in wanted)
                         and logical_type(f.type) is not STRING))

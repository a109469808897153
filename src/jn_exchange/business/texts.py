"""The texts the business rules apply, the days each is in force, and the scopes built on them.

`TEXTS` is the one list of those dates; the rules' SQL never repeats them but calls the macros
`install` creates from it, named after the text the rules cite ("003 · 第五条" → `003`):

- `jn_in_force_NNN(d)`: text NNN is in force on day d (its first and last day included);
- `jn_applies_NNN(division_code, d)`: text NNN governs a record of that division on day d: in
  force, and the division lies where the text applies (its `division`: 002 and 003 are 历城区's
  texts, the others the city's). A text of one district is always applied this way, by the
  record's own division and event date (tests/test_scope.py holds every rule to it);
- `jn_start_NNN()`, `jn_end_NNN()`: its first and last day (no `jn_end_` for a text without end);

and the scope conditions several rules share, each written once here:

- `jn_in_licheng(division_code)`: an agency of 历城区, for the standing records (certificates,
  training years) that 002 judges by year rather than by an event's date;
- `jn_sup_scope_003(procedure_basis, division_code, d)`, `jn_sup_scope_004(procedure_basis, d)`,
  `jn_sup_scope(...)`: a supervision case under 003's procedure (basis 1, a 历城区 supervising
  body, filed while 003 is in force), under 004's checking stage (basis 2), or under either;
  other cases are judged by neither (a basis code used outside its district or dates is
  JN-COD-001's finding);
- `jn_fault_scope(filing_date, verification_start_date)`: a fault case judged by 004, i.e.
  filed (or, without a filing date, verified) while 004 is in force.

Macros are expanded where they are called, so the SQL runs as if the dates were written out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

D = dt.date
LICHENG = "370112"          # 历城区's division code: 002 and 003 are its texts
CITY = "3701"               # 济南市: the texts of the city apply to every division under it


@dataclass(frozen=True)
class Text:
    key: str            # the file number the rules cite, or "<number>_art<n>" for one article
    name: str
    start: dt.date      # first day in force
    end: dt.date | None  # last day in force; None: no end date
    source: str         # what fixes these dates
    division: str = CITY   # where it applies: the prefix of the divisions it governs (济南市)

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


AMENDED = D(2025, 7, 2)     # 令第295号: 000's 第十一条 in its new text, replacing 001's
TEXTS: tuple[Text, ...] = (
    Text("000", "济南市推进行政执法精准化规定", D(2024, 1, 1), None,
         "令第289号: in force from 2024-01-01; amended by 令第295号 (see 000_art11)"),
    Text("000_art11", "济南市推进行政执法精准化规定 第十一条 (as amended)", AMENDED, None,
         "令第295号: the amended 第十一条 in force from 2025-07-02"),
    Text("001", "济南市推进行政执法精准化规定 (text before the 2025 amendment; differs in 第十一条)",
         D(2024, 1, 1), AMENDED - dt.timedelta(days=1),
         "令第289号 from 2024-01-01; its 第十一条 replaced by 令第295号 from 2025-07-02"),
    Text("002", "济南市历城区提升行政执法质量工作方案", D(2024, 10, 8), D(2025, 12, 31),
         "济历城政办字〔2024〕17号: issued 2024-10-08, implemented to the end of 2025", LICHENG),
    Text("003", "历城区行政执法履职尽责容错纠错实施办法（试行）", D(2025, 3, 1), D(2027, 2, 28),
         "济历城政发〔2025〕1号 (试行): in force 2025-03-01 to 2027-02-28", LICHENG),
    Text("004", "济南市行政执法过错责任追究办法", D(2025, 2, 1), None,
         "令第294号: 自2025年2月1日起施行"),
)


def text(key: str) -> Text:
    return next(t for t in TEXTS if t.key == key)


def _date(d: dt.date) -> str:
    return f"DATE '{d.isoformat()}'"


def local_texts() -> frozenset[str]:
    """The texts of one district, which a rule may apply only by the record's division."""
    return frozenset(t.key for t in TEXTS if t.division != CITY)


def _text_macros(t: Text) -> list[str]:
    out = [f"CREATE OR REPLACE MACRO jn_start_{t.key}() AS {_date(t.start)};"]
    if t.end is None:
        out.append(f"CREATE OR REPLACE MACRO jn_in_force_{t.key}(d) AS d >= {_date(t.start)};")
    else:
        out += [f"CREATE OR REPLACE MACRO jn_end_{t.key}() AS {_date(t.end)};",
                f"CREATE OR REPLACE MACRO jn_in_force_{t.key}(d) AS d BETWEEN {_date(t.start)} AND {_date(t.end)};"]
    out.append(f"CREATE OR REPLACE MACRO jn_applies_{t.key}(division_code, d) AS "
               f"jn_in_force_{t.key}(d) AND division_code LIKE '{t.division}%';")
    return out


# the scopes (they call the macros above, so they follow them)
SCOPE_MACROS = f"""
CREATE OR REPLACE MACRO jn_in_licheng(division_code) AS division_code LIKE '{LICHENG}%';
CREATE OR REPLACE MACRO jn_sup_scope_003(procedure_basis, division_code, d) AS
    procedure_basis = '1' AND jn_applies_003(division_code, d);
CREATE OR REPLACE MACRO jn_sup_scope_004(procedure_basis, d) AS procedure_basis = '2' AND jn_in_force_004(d);
CREATE OR REPLACE MACRO jn_sup_scope(procedure_basis, division_code, d) AS
    jn_sup_scope_003(procedure_basis, division_code, d) OR jn_sup_scope_004(procedure_basis, d);
CREATE OR REPLACE MACRO jn_fault_scope(filing_date, verification_start_date) AS
    jn_in_force_004(coalesce(filing_date, verification_start_date));
"""


def macro_sql() -> str:
    """Every macro's definition, as the rule pages can show and another database can run."""
    return "\n".join(m for t in TEXTS for m in _text_macros(t)) + "\n" + SCOPE_MACROS.lstrip("\n")


def install(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(macro_sql())

"""The standard's logical types, each described once: the SQL that says a cell's text is a
valid value of the type (the `{valid}` of the type rules JN-CELL-002..006, whose checks are
declared in the registry) and the SQL cast the typed views give the business rules. The two
differ where the standard is stricter than the cast: a date must be written YYYY-MM-DD *and*
exist, while the view takes whatever date DuckDB can read (the cell rule reports the spelling;
the business rules still judge the date)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jn_exchange import STANDARD_VERSION
from jn_exchange.profile import FieldSpec
from jn_exchange.versions import version_key

_DATE_FORM = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME_FORM = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?"


@dataclass(frozen=True)
class LogicalType:
    name: str
    sql_type: str                                      # the typed view's column type
    cast: Callable[[str], str]                         # SQL: the typed value of a text column
    valid: Callable[[str, FieldSpec], str] | None = None   # SQL: this (non-NULL) text is a valid value

    def null(self) -> str:
        """The typed view's column for a field the file does not have."""
        return f"NULL::{self.sql_type}"


def places_in_transition(f: FieldSpec) -> bool:
    """A field whose decimal places are limited by a version yet to come (annotation
    decimal_places_error_from): until then more places are a warning (JN-CELL-016), not an
    invalid number (docs/*/versioning.md)."""
    later = f.raw.get("jn:decimal_places_error_from")
    return later is not None and version_key(str(later)) > version_key(STANDARD_VERSION)


def number_form(f: FieldSpec, *, strict: bool = False) -> str:
    """The regular expression of a valid number of field `f`: at most its decimal places (while
    they are in transition, any number of places unless `strict`)."""
    n = f.raw.get("jn:decimal_places")
    frac = f"{{1,{int(n)}}}" if n and (strict or not places_in_transition(f)) else "+"
    return f"-?[0-9]+(\\.[0-9]{frac})?"


def _cast_date(x: str) -> str:
    return f"try_cast({x} AS DATE)"


def _cast_datetime(x: str) -> str:
    # the first 19 characters: fractions and the zone are valid but not kept
    return f"try_cast(replace(substr({x}, 1, 19), 'T', ' ') AS TIMESTAMP)"


STRING = LogicalType("string", "VARCHAR", cast=lambda x: x)

LOGICAL_TYPES: dict[str, LogicalType] = {t.name: t for t in (
    STRING,
    LogicalType("integer", "BIGINT", cast=lambda x: f"try_cast({x} AS BIGINT)",
                valid=lambda c, f: f"regexp_full_match({c}, '-?[0-9]+')"),
    LogicalType("number", "DECIMAL(18,2)", cast=lambda x: f"try_cast({x} AS DECIMAL(18,2))",
                valid=lambda c, f: f"regexp_full_match({c}, '{number_form(f)}')"),
    LogicalType("date", "DATE", cast=_cast_date,
                valid=lambda c, f: f"regexp_full_match({c}, '{_DATE_FORM}') AND {_cast_date(c)} IS NOT NULL"),
    LogicalType("datetime", "TIMESTAMP", cast=_cast_datetime,
                valid=lambda c, f: f"regexp_full_match({c}, '{_DATETIME_FORM}') AND {_cast_datetime(c)} IS NOT NULL"),
    LogicalType("boolean", "BOOLEAN", cast=lambda x: f"CASE {x} WHEN 'true' THEN true WHEN 'false' THEN false END",
                valid=lambda c, f: f"{c} IN ('true', 'false')"),
)}


def logical_type(name: str) -> LogicalType:
    """The type of a field; a type the standard does not name is read as text."""
    return LOGICAL_TYPES.get(name, STRING)

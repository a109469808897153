"""The versions of the standard this validator knows, and how long it judges packages of each.

A package is judged by the model of the version it declares (its tables, fields, code lists and
Table Schemas: the version's generated profile), with the same rules for every version: a wrong
check is a defect of the validator, fixed for every version. A rule that needs model content a
version lacks declares `since:` (see `applies_to`).

Every released version but the current one is frozen in `versions/<version>/` beside this module:
its LinkML model (`schema/`), its generated artifacts (`generated/`: profile, Table Schemas, code
lists, JSON Schema, DDL) and its example package (`example/`), extracted from the commit that was
the release (`SOURCE_COMMIT`). `tests/test_versions.py` fails if a frozen file changes.

Support: a version is judged until SUPPORT_MONTHS after its successor's release (the docs page
`versions.md` states it); after that, or for a version this validator does not know, the package
gets JN-PKG-004 and is not judged."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from jn_exchange import STANDARD_VERSION

FROZEN = Path(__file__).parent
GENERATED = FROZEN.parent / "generated"

# months a version stays supported after its successor is released
SUPPORT_MONTHS = 12

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+].*)?$")


@dataclass(frozen=True)
class Release:
    version: str
    released: dt.date | None   # None: the version in preparation (not yet released)
    generated: Path            # the folder of its generated artifacts (package-profile.json, ...)
    source_commit: str | None = None   # the repository commit a frozen version was extracted from

    @property
    def frozen(self) -> Path | None:
        """The frozen copy of a past version (model, artifacts, example); None for the current."""
        return self.generated.parent if self.generated != GENERATED else None

    @property
    def key(self) -> tuple[int, int, int]:
        return version_key(self.version)


# Oldest first; the last is the version this software implements (its artifacts in generated/).
# 1.0.0 is the model of commit bf0dafc, before the commit that added decimal_places to the
# non-money decimals and TIMESTAMPTZ/NUMERIC/CHECK to the DDL (1.1.0 content).
RELEASES: tuple[Release, ...] = (
    Release("1.0.0", dt.date(2026, 12, 4), FROZEN / "1.0.0" / "generated",
            source_commit="bf0dafc085118f20cb7e92023dd68b866cb9414e"),
    Release(STANDARD_VERSION, dt.date(2026, 12, 5), GENERATED),
)


def version_key(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a semantic version; ValueError for anything else."""
    m = _SEMVER.match(version)
    if not m:
        raise ValueError(f"not a semantic version: {version!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def is_version(value: object) -> bool:
    return isinstance(value, str) and _SEMVER.match(value) is not None


def current() -> Release:
    return RELEASES[-1]


def release(version: str, releases: tuple[Release, ...] | None = None) -> Release | None:
    """The release of exactly `version` (build metadata and pre-release tags are not releases)."""
    releases = releases or RELEASES
    return next((r for r in releases if r.version == version), None)


def successor(rel: Release, releases: tuple[Release, ...] | None = None) -> Release | None:
    releases = releases or RELEASES
    later = [r for r in releases if r.key > rel.key]
    return min(later, key=lambda r: r.key) if later else None


def end_of_support(rel: Release, releases: tuple[Release, ...] | None = None) -> dt.date | None:
    """The last day packages of `rel` are judged; None while its successor is unreleased."""
    releases = releases or RELEASES
    nxt = successor(rel, releases)
    if nxt is None or nxt.released is None:
        return None
    return _add_months(nxt.released, SUPPORT_MONTHS) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):   # the same day of the month, or the month's last
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


@dataclass(frozen=True)
class Verdict:
    """What a declared version means for validation."""
    kind: str                   # known | newer | other_major | unknown | expired | invalid
    judged_by: Release          # whose model judges the package (the current one unless known)
    until: dt.date | None = None   # known/expired: the last day of support, if it has one


def classify(declared: object, as_of: dt.date | None = None,
             releases: tuple[Release, ...] | None = None) -> Verdict:
    """How a package declaring `declared` is judged on `as_of` (None: support not considered)."""
    releases = releases or RELEASES
    newest = releases[-1]
    if not is_version(declared):
        return Verdict("invalid", newest)
    assert isinstance(declared, str)
    key = version_key(declared)
    rel = release(declared, releases)
    if rel is not None:
        until = end_of_support(rel, releases)
        expired = as_of is not None and until is not None and as_of > until
        return Verdict("expired" if expired else "known", rel, until)
    if key[0] != newest.key[0]:
        return Verdict("other_major", newest)
    if key > newest.key:
        return Verdict("newer", newest)
    return Verdict("unknown", newest)


def supported(as_of: dt.date, releases: tuple[Release, ...] | None = None) -> list[Release]:
    """The releases whose packages are judged on `as_of`."""
    releases = releases or RELEASES
    return [r for r in releases if classify(r.version, as_of, releases).kind == "known"]


def applies_to(since: str | None, version: str) -> bool:
    """Whether a rule that declares `since:` (the first version whose model it needs) judges
    packages of `version`."""
    return since is None or version_key(version) >= version_key(since)

"""Scoring a validator against labelled defects (`jn-exchange sample --defects`, whose
`defects.json` says what was broken where): recall per family and false alarms. Used by the
speed benchmark and the sample tests; not part of the installed package."""

from __future__ import annotations

from typing import Any


def score(manifest: dict[str, Any], findings: list[Any]) -> dict[str, Any]:
    """Recall per family (a labelled defect found at its resource, row and field, by its code)
    and false alarms (error/warning findings at no labelled place)."""
    wanted = {(d["code"], d["resource"], d["row"], d["field"]): d["family"] for d in manifest["defects"]}
    places = {(d["resource"], d["row"]) for d in manifest["defects"]}
    got = {(f["code"], f["resource"], f["row"], f["field"]) for f in findings}
    by_family: dict[str, list[int]] = {}
    for key, family in wanted.items():
        hit = key in got
        by_family.setdefault(family, [0, 0])
        by_family[family][0] += hit
        by_family[family][1] += 1
    elsewhere = [f for f in findings if (f["resource"], f["row"]) not in places and f["severity"] in ("error", "warning")]
    # A business rule reads several tables, so a labelled defect in one (a penalty kind written as
    # its label) can rightly break a rule on a related record (the decision's kinds no longer
    # match its fine). Those are counted apart; the clean package is where business rules must
    # give no finding at all.
    from jn_exchange.rules import registry
    rules = registry()
    business = [f for f in elsewhere if f["code"] in rules and rules[f["code"]].level == "business"]
    return {"recall": {k: {"found": v[0], "labelled": v[1], "recall": v[0] / v[1] if v[1] else None}
                       for k, v in sorted(by_family.items())},
            "false_alarms": len(elsewhere) - len(business), "consequential": len(business)}

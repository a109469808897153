"""Write src/jn_exchange/data/holidays.yaml from the `chinesecalendar` package (PyPI, MIT),
which transcribes the State Council's annual holiday notices (国务院办公厅关于部分节假日安排的通知).

Run by a maintainer when the State Council publishes a new year's notice (each December):
    pip install chinesecalendar && python scripts/holidays_from_chinesecalendar.py
then check the new year by hand against the notice. The validator reads only the YAML; it
never imports chinesecalendar, so a missing year is reported (JN-CAL-001), not fatal."""

from __future__ import annotations

from pathlib import Path

from chinese_calendar import constants

FIRST_YEAR = 2019
OUT = Path(__file__).resolve().parent.parent / "src/jn_exchange/data/holidays.yaml"


def main() -> None:
    last = max(d.year for d in constants.holidays)
    lines = [
        "# China's public holidays and make-up working days (调休上班日), by year.",
        "# From the State Council's annual notices, via chinesecalendar "
        "(regenerate: scripts/holidays_from_chinesecalendar.py).",
        "# rest: statutory days off (including the weekends inside a holiday period);",
        "# work: weekend days that are working days. Any other day: Mon-Fri work, Sat-Sun off.",
        "# Add a year here when its notice is published; years absent are computed with",
        "# weekends only and the validator says so (JN-CAL-001).",
        "years:",
    ]
    for year in range(FIRST_YEAR, last + 1):
        off = sorted(d for d in constants.holidays if d.year == year)
        work = sorted(d for d in constants.workdays if d.year == year and d.weekday() >= 5)
        lines.append(f"  {year}:")
        lines.append("    rest: [" + ", ".join(d.isoformat() for d in off) + "]")
        lines.append("    work: [" + ", ".join(d.isoformat() for d in work) + "]")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({FIRST_YEAR}-{last})")


if __name__ == "__main__":
    main()

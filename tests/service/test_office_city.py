"""The office's data through the service, on the real city database (the embedded DuckDB
default): acceptance loads the package, the next submission's change page and API show its
edits against it, the office exports what was loaded as a package that validates, and neither
a submitter nor another organisation sees what is not theirs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

from jn_exchange.config import Config, Limits
from jn_exchange.office.citydb import CityDatabase
from jn_exchange.validate import validate
from tests.service.conftest import EXAMPLE, World, make_world, zipped
from tests.service.office_support import Browser


def _package(tmp: Path, name: str, edit: bool = False) -> Path:
    folder = Path(shutil.copytree(EXAMPLE, tmp / name))
    if edit:
        path = folder / "training_record.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        rows[1][rows[0].index("training_name")] += "（更正）"      # TR0000001 changed
        del rows[2]                                                 # TR0000002 removed
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return zipped(folder)


def _submit(world: World, pkg: Path, period: str = "2025-12") -> str:
    r = world.client.post("/api/v1/submissions", params={"filename": pkg.name, "period": period},
                          content=pkg.read_bytes(), headers=world.auth("a"))
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    view = world.client.get(f"/api/v1/submissions/{sid}", headers=world.auth("a")).json()
    assert view["status"] == "done" and view["verdict"] == "pass", view
    return sid


def test_accept_load_change_and_export(world: World, tmp_path: Path):
    rita = Browser(world, "rita")
    first = _submit(world, _package(tmp_path, "p1"))
    change = world.client.get(f"/api/v1/submissions/{first}/change", headers=world.auth("a")).json()["change"]
    assert change["previous"] is None and change["totals"]["added"] == change["totals"]["after"] > 1000
    r = rita.call("POST", f"/api/v1/submissions/{first}/review", json={"action": "accept"})
    assert r.status_code == 200 and r.json()["review"]["state"] == "accepted", r.text
    loads = rita.call("GET", "/api/v1/city/loads").json()["loads"]
    assert [(x["organisation"], x["period"], x["submission"]) for x in loads] == [("ORG-A", "2025-12", first)]
    city = CityDatabase.from_settings(world.settings)
    assert city.count("training_record", "ORG-A", "2025-12") == 135

    second = _submit(world, _package(tmp_path, "p2", edit=True))
    got = world.client.get(f"/api/v1/submissions/{second}/change", headers=world.auth("a")).json()
    assert got["submission"]["previous_id"] == first and got["change"]["previous"]["id"] == first
    [table] = got["change"]["tables"]
    assert (table["table"], table["added"], table["removed"], table["changed"], table["rekeyed"]) == (
        "training_record", 0, 1, 1, 0)
    assert table["examples"]["removed"] == ["TR0000002"]
    assert table["examples"]["changed"] == [{"key": "TR0000001", "fields": ["training_name"]}]
    page = world.login("alice").get(f"/submissions/{second}/change")
    assert page.status_code == 200 and "TR0000002" in page.text and "training_name" in page.text
    assert "（更正）" not in page.text          # field names only, never values

    # the office exports what the city database holds: a package that validates
    r = rita.call("GET", "/api/v1/city/export", params={"organisation": "ORG-A", "period": "2025-12"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    out = tmp_path / "export"
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(out)
    assert validate(out, Config({}, Limits()), as_of=dt.date(2026, 12, 5)).valid
    assert rita.call("GET", "/api/v1/city/export", params={"organisation": "ORG-A", "period": "2024"}).status_code == 404
    assert "ORG-A" in rita.get("/city").text

    # a submitter sees neither the city database nor another organisation's change
    assert world.client.get("/api/v1/city/loads", headers=world.auth("a")).status_code == 403
    assert world.login("alice").get("/city").status_code == 403
    assert world.client.get(f"/api/v1/submissions/{second}/change", headers=world.auth("b")).status_code == 404


def test_a_city_database_that_cannot_be_opened_leaves_the_submission_pending(tmp_path: Path):
    (tmp_path / "a-folder").mkdir()
    worlds = make_world(tmp_path, city_database_url=f"duckdb:///{tmp_path / 'a-folder'}")
    world = next(worlds)
    sid = _submit(world, _package(tmp_path, "p1"))
    r = Browser(world, "rita").call("POST", f"/api/v1/submissions/{sid}/review", json={"action": "accept"})
    assert r.status_code == 409 and "入库失败，仍为待审核" in r.json()["detail"]
    view = world.client.get(f"/api/v1/submissions/{sid}", headers=world.auth("a")).json()
    assert view["review"]["state"] == "pending" and [t["to"] for t in view["review"]["transitions"]] == []
    worlds.close()

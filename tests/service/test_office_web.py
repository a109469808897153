"""The office's walk in real headless Chromium (the system's `chromium`, driven by Playwright),
against a real `jn-exchange serve` with a worker process and the embedded city database: an
accepted package for the previous period; then a package that fails and is returned at once;
the corrected resubmission (补报); the reviewer's acceptance, which loads the city database; the
change page against the previous load; the dashboard with its charts; the city page. Set
JN_SERVICE_SHOTS to a folder to keep the screenshots and look at them."""

from __future__ import annotations

import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from tests.service.conftest import EXAMPLE, PASSWORD, mutated_example, zipped
from tests.service.running import Service, setup_org
from tests.service.test_web import ARGS, CHROMIUM, SHOTS, _drop, _login


def _corrected(tmp: Path) -> Path:
    """The example with one training record renamed and another removed: the change to find."""
    folder = Path(shutil.copytree(EXAMPLE, tmp / "corrected-2025-12"))
    path = folder / "training_record.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("training_name")] += "（更正）"
    del rows[2]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return zipped(folder)


def _upload(page, url: str, package: Path, period: str, timeout: int = 90_000) -> str:  # type: ignore[no-untyped-def]
    page.fill("#period", period)
    _drop(page, package)
    page.wait_for_url("**/submissions/*", timeout=60_000)
    page.wait_for_selector("#verdict", timeout=timeout)
    return str(page.url.rsplit("/", 1)[1])


def test_office_walk_in_chromium(tmp_path: Path):
    if importlib.util.find_spec("playwright") is None or not CHROMIUM:
        pytest.skip("needs playwright and Debian's chromium (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    shots = Path(SHOTS) / "office" if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD)
    svc = Service(tmp_path / "data", workers=1)
    setup_org(svc, pw)
    svc.admin("add-user", "rita", "--role", "reviewer", "--password-file", str(pw))
    earlier = zipped(Path(shutil.copytree(EXAMPLE, tmp_path / "jinan-2025-11")))
    failing = zipped(mutated_example(tmp_path / "jinan-2025-12", [0, 1]))
    corrected = _corrected(tmp_path)
    svc.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            errors: list[str] = []
            alice = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            rita = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            for page in (alice, rita):
                page.on("pageerror", lambda e: errors.append(str(e)))
            _login(alice, svc.url, "alice")
            _login(rita, svc.url, "rita")

            # the previous period, accepted: the city database's first load
            first = _upload(alice, svc.url, earlier, "2025-11")
            rita.goto(f"{svc.url}/submissions/{first}")
            rita.click("#accept")
            rita.wait_for_selector("#review-state.accepted")

            # a failing package is returned at once, with the validator's verdict as the reason
            alice.goto(svc.url + "/")
            returned = _upload(alice, svc.url, failing, "2025-12")
            assert alice.inner_text("#verdict") == "不通过" and alice.inner_text("#review-state") == "退回"
            assert "校验不通过" in alice.inner_text("#transitions") and "系统" in alice.inner_text("#transitions")
            alice.screenshot(path=str(shots / "1-returned.png"), full_page=True)

            # the corrected resubmission (补报) replaces it
            alice.click("#resubmit")
            alice.wait_for_selector("#resubmitting")
            assert alice.input_value("#period") == "2025-12"
            fixed = _upload(alice, svc.url, corrected, "2025-12")
            assert alice.inner_text("#verdict") == "通过" and alice.inner_text("#replaces") == returned
            assert alice.inner_text("#review-state") == "待审核"
            alice.screenshot(path=str(shots / "2-resubmitted.png"), full_page=True)
            alice.goto(f"{svc.url}/submissions/{returned}")
            assert alice.inner_text("#review-state") == "已补报" and alice.inner_text("#replaced-by") == fixed

            # the reviewer accepts it: loaded into the city database
            rita.goto(f"{svc.url}/submissions/{fixed}")
            rita.screenshot(path=str(shots / "3-review.png"), full_page=True)
            rita.fill("textarea[name=reasons]", "数据完整，准予入库")
            rita.click("#accept")
            rita.wait_for_selector("#review-state.accepted")
            assert "准予入库" in rita.inner_text("#transitions")
            rita.screenshot(path=str(shots / "4-accepted.png"), full_page=True)

            # the change against the previous period's load: one record changed, one removed
            rita.click("#change-link")
            rita.wait_for_selector("#change-totals")
            totals = rita.inner_text("#change-totals")
            assert "1\n修改" in totals and "1\n删除" in totals and "0\n新增" in totals, totals
            assert first in rita.content() and "training_name" in rita.inner_text("#change-tables")
            rita.screenshot(path=str(shots / "5-change.png"), full_page=True)
            rita.set_viewport_size({"width": 390, "height": 844})      # a phone: nothing wider than the screen
            assert rita.evaluate("document.documentElement.scrollWidth") <= 390
            rita.screenshot(path=str(shots / "5-change-phone.png"), full_page=True)
            rita.set_viewport_size({"width": 1280, "height": 900})

            # the dashboard: the charts are drawn by the locally served chart library
            rita.goto(svc.url + "/dashboard")
            rita.wait_for_selector(".main-svg", timeout=20_000)
            assert "甲局" in rita.content() or "ORG-A" in rita.content()
            rita.screenshot(path=str(shots / "6-dashboard.png"), full_page=True)
            rita.set_viewport_size({"width": 390, "height": 844})
            rita.reload()                                              # drawn at a phone's width
            rita.wait_for_selector(".main-svg", timeout=20_000)
            assert rita.evaluate("document.documentElement.scrollWidth") <= 390
            rita.screenshot(path=str(shots / "6-dashboard-phone.png"), full_page=True)
            rita.set_viewport_size({"width": 1280, "height": 900})
            alice.goto(svc.url + "/dashboard")
            alice.wait_for_selector(".main-svg", timeout=20_000)
            alice.screenshot(path=str(shots / "7-dashboard-submitter.png"), full_page=True)

            # the city database holds both periods; the submitter cannot see it
            rita.goto(svc.url + "/city")
            assert [r.split("\t")[:3] for r in rita.inner_text("#city-loads tbody").split("\n")] == [
                ["ORG-A", "2025-12", fixed], ["ORG-A", "2025-11", first]]
            rita.screenshot(path=str(shots / "8-city.png"), full_page=True)
            assert alice.goto(svc.url + "/city").status == 403
            assert not errors, errors
            browser.close()
    finally:
        svc.stop()

"""The web flow in real headless Chromium (the system's `chromium`, driven by Playwright): sign in,
drop a package on the page, watch the upload and the validation progress, read the report,
open and download the receipt, see the history; another organisation's user cannot open it."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.service.conftest import PASSWORD
from tests.service.running import Service, jn, setup_org

CHROMIUM = shutil.which("chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = os.environ.get("JN_SERVICE_SHOTS")     # a folder to keep the screenshots in, to look at them


def _login(page, url: str, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _drop(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A real drop event carrying the file, as when a person drags it onto the zone."""
    page.evaluate("""([b64, name]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, {type: "application/zip"}));
        const zone = document.getElementById("drop");
        zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", [base64.b64encode(path.read_bytes()).decode(), path.name])


def test_web_flow_in_chromium(tmp_path: Path):
    if importlib.util.find_spec("playwright") is None or not CHROMIUM:
        pytest.skip("needs playwright and Debian's chromium (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD)
    svc = Service(tmp_path / "data", workers=1)
    token = setup_org(svc, pw)
    svc.admin("add-org", "ORG-B", "乙局")
    svc.admin("add-user", "bob", "--role", "submitter", "--org", "ORG-B", "--password-file", str(pw))
    jn("sample", str(tmp_path / "jinan-2025"), "--rows", "6000", "--zip")
    package = tmp_path / "jinan-2025.zip"
    svc.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                          accept_downloads=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            _login(page, svc.url, "alice")
            assert "将文件拖放到此处" in page.inner_text("#drop")
            page.screenshot(path=str(shots / "1-home.png"), full_page=True)
            # a slow uplink, so that the upload's progress can be seen
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20,
                                                           "downloadThroughput": -1, "uploadThroughput": 60_000})
            _drop(page, package)
            page.wait_for_selector("#upload:not([hidden])")
            page.wait_for_function("() => { const v = document.getElementById('upload-bar'); "
                                   "return v && v.value > 0 && v.value < 100; }", timeout=20_000)
            page.screenshot(path=str(shots / "2-uploading.png"))
            page.wait_for_url("**/submissions/*", timeout=60_000)
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                           "downloadThroughput": -1, "uploadThroughput": -1})
            sid = page.url.rsplit("/", 1)[1]
            if page.query_selector("#validation"):     # still validating: the progress is on the page
                page.screenshot(path=str(shots / "3-validating.png"))
            page.wait_for_selector("#verdict", timeout=90_000)
            assert page.inner_text("#verdict") == "通过"
            page.screenshot(path=str(shots / "4-verdict.png"), full_page=True)
            with page.expect_popup() as popup:
                page.click("#report-link")
            report = popup.value
            report.wait_for_load_state()
            assert "jinan-2025.zip" in report.content()
            report.screenshot(path=str(shots / "5-report.png"))
            report.close()
            with page.expect_download() as dl:
                page.click("#receipt-download")
            receipt = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
            assert receipt["submission"] == sid and receipt["verdict"] == "pass"
            check = svc.call("POST", "/api/v1/receipts/verify", token, json.dumps(receipt).encode(), "application/json")
            assert check == {"valid": True, "submission": sid}
            page.click("#receipt-link")
            page.wait_for_selector("#receipt")
            assert "通过" in page.inner_text("#receipt-verdict") and receipt["signature"] in page.content()
            page.screenshot(path=str(shots / "6-receipt.png"), full_page=True)
            page.goto(svc.url + "/")
            assert sid in page.inner_html("#history")
            page.screenshot(path=str(shots / "7-history.png"), full_page=True)
            other = browser.new_context(locale="zh-CN").new_page()
            _login(other, svc.url, "bob")
            resp = other.goto(f"{svc.url}/submissions/{sid}")
            assert resp is not None and resp.status == 404 and "jinan-2025" not in other.content()
            assert sid not in other.content()
            assert not errors, errors
            browser.close()
    finally:
        svc.stop()

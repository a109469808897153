"""The standard's website: generated pages up to date, a page for every rule, table and code
list, `mkdocs build --strict` passing, and the built site working in a real browser, offline.
The generator (`docsgen/`, run as `python -m docsgen`) is a tool of the repository, not part of
the installed package.

The build and browser tests need the `docs` extra (mkdocs, mkdocs-material, mkdocs-static-i18n,
jieba, pymdown-extensions, playwright) and Debian's `chromium`; they are skipped with the
reason when these are missing. Set JN_DOCS_SCREENSHOTS=DIR to keep the browser's screenshots.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from docsgen import check_docs, rulepages
from docsgen.sitefiles import served_from_package
from jn_exchange.profile import load_profile
from jn_exchange.rules import all_rules
from tests.conformance.corpus import load_cases

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def test_generated_pages_are_up_to_date():
    problems = check_docs(DOCS)
    assert not problems, ("generated docs are stale; run `.venv/bin/python -m docsgen`:\n"
                          + "\n".join(problems[:30]))


def test_docs_generator_is_not_in_the_package():
    """It reads tests/, benchmarks/ and examples/ of the repository: nothing an installed package has."""
    import jn_exchange.cli

    assert importlib.util.find_spec("jn_exchange.docsgen") is None
    assert "docs" not in jn_exchange.cli.main.commands


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_table_and_code_list_has_a_page(lang):
    missing = [f"rules/{r.code}.md" for r in all_rules() if not (DOCS / lang / "rules" / f"{r.code}.md").is_file()]
    profile = load_profile()
    missing += [f"reference/tables/{t}.md" for t in profile.tables
                if not (DOCS / lang / "reference" / "tables" / f"{t}.md").is_file()]
    missing += [f"reference/codelists/{c}.md" for c in profile.codelists
                if not (DOCS / lang / "reference" / "codelists" / f"{c}.md").is_file()]
    assert not missing, f"{lang}: no page for " + ", ".join(missing)


def test_every_corpus_mutation_is_said_in_words():
    """Rule pages describe each failing example in words, with the `describe` of its operation
    in tests/conformance/corpus.py; an operation without one would show up as raw JSON."""
    tables = set(load_profile().tables)
    raw = []
    for case in load_cases():
        for op in case.get("mutate") or []:
            for lang in ("zh", "en"):
                if rulepages.describe_op(op, lang, tables).startswith("`{"):
                    raw.append(f"{case['id']}: {op.get('op')}")
    assert not raw, "give these operations a describe in tests/conformance/corpus.py OPS: " + ", ".join(sorted(set(raw)))


# --------------------------------------------------------------------------- build


def _missing_build_tools() -> str | None:
    for mod in ("mkdocs", "material", "mkdocs_static_i18n", "pymdownx", "jieba"):
        if importlib.util.find_spec(mod) is None:
            return f"{mod} is not installed (pip install -e '.[docs]')"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    reason = _missing_build_tools()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, "mkdocs build --strict failed:\n" + proc.stderr[-6000:]
    return out


@pytest.mark.slow
def test_mkdocs_build_strict(site):
    assert (site / "index.html").is_file() and (site / "en" / "index.html").is_file()
    some_rule = next(iter(all_rules())).code
    # a finding's docs_url is https://w3id.org/jn-exchange/docs/rules/<CODE>/: that page must exist
    assert (site / "rules" / some_rule / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()
    assert (site / "assets" / "javascripts" / "mermaid.min.js").is_file()
    # the SQL DDL is served from the package at build time, not committed under docs/
    served = served_from_package()
    assert served and any(p.startswith("downloads/ddl/") for p in served)
    for site_path, source in served.items():
        assert not (DOCS / site_path).exists(), f"docs/{site_path}: a byte copy of {source.name} is committed"
        assert (site / site_path).read_bytes() == source.read_bytes(), site_path


# --------------------------------------------------------------------------- browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep pytest output clean
        pass


@pytest.fixture(scope="module")
def served(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(5)


def _shots_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("JN_DOCS_SCREENSHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.mark.slow
def test_site_in_a_browser(served, tmp_path):
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install -e '.[docs]')")
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    profile = load_profile()
    table = "enforcement_agency" if "enforcement_agency" in profile.tables else next(iter(profile.tables))
    spec = profile.tables[table]
    codelist = next((f.codelist for f in spec.fields if f.codelist), None) or sorted(profile.codelists)[0]
    rule = "JN-CELL-011"
    shots = _shots_dir(tmp_path)
    requests: list[str] = []
    failures: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: failures.append(str(e)))

            def visit(path: str, shot: str, heading: str) -> None:
                page.goto(served + path)
                page.wait_for_load_state("networkidle")
                h1 = page.locator("article h1").first.inner_text()
                assert heading in h1, f"{path}: heading {h1!r}, expected {heading!r}"
                page.screenshot(path=str(shots / f"docs-{shot}.png"))

            visit("", "home", "济南市行政执法监督数据规范")
            visit(f"reference/tables/{table}/", "table", spec.title)
            assert page.locator(f"[id='{spec.fields[0].name}']").count() == 1
            visit(f"reference/codelists/{codelist}/", "codelist", str(profile.codelists[codelist].get("title") or codelist))
            visit(f"rules/{rule}/", "rule", rule)

            # the entity-relationship diagram is drawn by the site's own mermaid
            visit("reference/er/organization/", "er", "实体关系图")
            page.wait_for_function("() => { const d = document.querySelector('div.mermaid');"
                                   " return d && d.getBoundingClientRect().height > 100; }", timeout=20000)
            page.screenshot(path=str(shots / "docs-er.png"), full_page=True)

            # the language switcher leads to the English version of the same page
            page.goto(served + f"reference/tables/{table}/")
            page.wait_for_load_state("networkidle")
            page.locator("a.md-select__link[hreflang='en']").first.evaluate("a => a.click()")
            page.wait_for_url(f"**/en/reference/tables/{table}/")
            assert table in page.locator("article h1").first.inner_text()
            page.screenshot(path=str(shots / "docs-table-en.png"))

            # Chinese search: 信用代码 finds the credit-code field (in a fresh page: the worker of
            # the search index starts with it)
            page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: failures.append(str(e)))
            page.goto(served)
            page.wait_for_load_state("networkidle")
            page.locator(".md-search__input").click()
            # type once Material says the index is ready (its placeholder replaces 正在初始化搜索引擎):
            # earlier keystrokes are answered for whatever prefix the box held then (信)
            page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                                   " return m && m.textContent.trim() === '键入以开始搜索'; }", timeout=120000)
            page.keyboard.type("信用代码")
            # Chinese characters arrive as text input, without the key-up Material queries on: a
            # key that changes nothing (End) sends one, as a person's last keystroke would
            page.keyboard.press("End")
            try:  # the search worker indexes the whole site first
                page.wait_for_selector(".md-search-result__item", timeout=60000)
            except Exception:
                page.screenshot(path=str(shots / "docs-search-failed.png"))
                raise
            page.wait_for_timeout(800)  # let the result list finish fading in before the picture
            page.screenshot(path=str(shots / "docs-search.png"))
            # results render as the list scrolls; pages about 信用 (credit ratings) may rank first
            find_uscc = ("() => Array.from(document.querySelectorAll('.md-search-result__link'))"
                         ".some(a => a.href.includes('/reference/tables/') && a.href.endsWith('#uscc'))")
            for _ in range(20):
                if page.evaluate(find_uscc):
                    break
                page.locator(".md-search__scrollwrap").evaluate("e => e.scrollTop = e.scrollHeight")
                page.wait_for_timeout(300)
            hrefs = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
            assert any("/reference/tables/" in h and h.endswith("#uscc") for h in hrefs), hrefs
            # the identifier rules page, the definitive one for the credit code, comes first
            assert "/reference/identifiers/" in hrefs[0], hrefs[:3]
        finally:
            browser.close()

    assert not failures, f"JavaScript errors: {failures}"
    outside = sorted({u for u in requests if urlparse(u).scheme not in ("data", "blob")
                      and urlparse(u).hostname not in ("127.0.0.1", "localhost")})
    assert not outside, f"the site requested outside localhost: {outside}"
    assert any(unquote(u).endswith("/assets/javascripts/mermaid.min.js") for u in requests)

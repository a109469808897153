"""Generator of the standard's website reference pages. Repository-only (not in the installed
package): run `.venv/bin/python -m docsgen [--check]` from the repository root, then
`mkdocs build --strict`.

Reads committed artifacts and repository files: the package profile, Table Schemas and code
lists in `src/jn_exchange/generated/` (through `jn_exchange.profile`), the rule registry, the
conformance corpus (`tests/conformance/`, whose operations describe themselves), the example
package, `benchmarks/validator-speed.json` and `benchmarks/floors.json`. Writes, deterministically (stable order, no
timestamps):

- `docs/{zh,en}/reference/**`: tables, code lists, identifier rules, ER diagrams, downloads;
- `docs/{zh,en}/rules/**`: one page per rule code and the rules index;
- `docs/{zh,en}/benchmark.md`: from `benchmarks/validator-speed.json` and `benchmarks/floors.json` (written
  by the benchmark scripts);
- `docs/{zh,en}/versions.md` and `changelog-<version>.md`: the releases, their support and the diff of
  each release from the one before (`versionpages`);
- the limits block of the hand-written `docs/{zh,en}/security.md`: from `jn_exchange.config.Limits`
  and the reader's fixed bounds (`limitstable`);
- `docs/downloads/**`: copies of generated artifacts and the zipped example package (the SQL DDL
  is not copied: the MkDocs hook serves it from the package, see `sitefiles`);
- the two generated blocks of `mkdocs.yml` (navigation and its English titles).

Everything else under `docs/` is written by hand. `check_docs()` lists stale files; a test
fails on any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from docsgen import benchmarkpage, limitstable, pages, versionpages
from docsgen.context import load_context
from docsgen.downloads import download_names, written_downloads
from docsgen.identifierpage import identifiers_page
from docsgen.labels import LANGS
from docsgen.navigation import render_mkdocs_yml
from docsgen.rulepages import rule_page, rules_index
from tests.conformance.corpus import load_cases

__all__ = ["GENERATED_DIRS", "check_docs", "generate_docs", "main", "render_docs"]

ROOT = Path(__file__).resolve().parent.parent
# Folders (relative to docs/) that belong to the generator: files in them that it no longer
# produces are deleted by generate_docs and reported by check_docs.
GENERATED_DIRS = ("zh/reference", "en/reference", "zh/rules", "en/rules", "downloads")
BENCHMARK_SOURCE = ROOT / "benchmarks" / "validator-speed.json"   # written by benchmarks/validator_speed.py
FLOORS_SOURCE = ROOT / "benchmarks" / "floors.json"                # written by benchmarks/floors.py


def render_docs(docs_dir: Path, root: Path | None = None) -> dict[str, bytes]:
    """Every generated file under docs_dir: {path relative to docs_dir (posix): content}."""
    root = root or ROOT
    ctx, rules = load_context(root)
    cases = load_cases()
    table_names = set(ctx.tables)
    users = ctx.codelist_users()
    bench = json.loads(BENCHMARK_SOURCE.read_text(encoding="utf-8")) if BENCHMARK_SOURCE.is_file() else None
    floors = json.loads(FLOORS_SOURCE.read_text(encoding="utf-8")) if FLOORS_SOURCE.is_file() else None
    downloads = written_downloads(root)

    md: dict[str, str] = {}
    for lang in LANGS:
        ref = f"{lang}/reference"
        md[f"{ref}/index.md"] = pages.reference_index(ctx, lang)
        md[f"{ref}/tables/index.md"] = pages.tables_index(ctx, lang)
        for name in ctx.tables:
            md[f"{ref}/tables/{name}.md"] = pages.table_page(ctx, name, lang)
        md[f"{ref}/codelists/index.md"] = pages.codelists_index(ctx, lang)
        for name in ctx.profile.codelists:
            md[f"{ref}/codelists/{name}.md"] = pages.codelist_page(ctx, name, lang, users.get(name, []))
        md[f"{ref}/identifiers.md"] = identifiers_page(lang, ctx)
        md[f"{ref}/er/index.md"] = pages.er_index(ctx, lang)
        for m, names in ctx.module_tables():
            md[f"{ref}/er/{m}.md"] = pages.er_page(ctx, m, names, lang)
        md[f"{ref}/downloads.md"] = pages.downloads_page(download_names(downloads), ctx, lang)
        md[f"{lang}/rules/index.md"] = rules_index(rules, lang)
        for r in rules:
            md[f"{lang}/rules/{r.code}.md"] = rule_page(r, cases, lang, table_names)
        md[f"{lang}/benchmark.md"] = benchmarkpage.benchmark_page(bench, lang, floors)
        md[f"{lang}/versions.md"] = versionpages.versions_page(lang)
        for version in versionpages.changelog_versions():
            md[f"{lang}/changelog-{version}.md"] = versionpages.changelog_page(version, lang)
        security = docs_dir / lang / limitstable.PAGE
        if security.is_file():   # written by hand, but for its block of limits
            md[f"{lang}/{limitstable.PAGE}"] = limitstable.render_security_page(security.read_text(encoding="utf-8"), lang)
    out = {k: (v.rstrip("\n") + "\n").encode("utf-8") for k, v in md.items()}
    out.update({f"downloads/{k}": v for k, v in downloads.items()})
    return dict(sorted(out.items()))


def _existing(docs_dir: Path) -> set[str]:
    found = set()
    for d in GENERATED_DIRS:
        base = docs_dir / d
        if base.is_dir():
            found |= {p.relative_to(docs_dir).as_posix() for p in base.rglob("*") if p.is_file()}
    return found


def _mkdocs_yml(docs_dir: Path) -> Path:
    return docs_dir.parent / "mkdocs.yml"


def generate_docs(docs_dir: Path, root: Path | None = None) -> list[Path]:
    """Write the generated pages and downloads under docs_dir (and the generated blocks of
    mkdocs.yml beside it); delete generated files no longer produced. Returns the paths
    written or changed."""
    docs_dir = Path(docs_dir)
    files = render_docs(docs_dir, root)
    changed: list[Path] = []
    for rel, data in files.items():
        path = docs_dir / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path)
    for rel in sorted(_existing(docs_dir) - set(files)):
        (docs_dir / rel).unlink()
        changed.append(docs_dir / rel)
    for d in GENERATED_DIRS:  # drop folders left empty
        base = docs_dir / d
        if base.is_dir():
            for sub in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
                if not any(sub.iterdir()):
                    sub.rmdir()
    yml = _mkdocs_yml(docs_dir)
    if yml.is_file():
        ctx, rules = load_context(root or ROOT)
        old = yml.read_text(encoding="utf-8")
        new = render_mkdocs_yml(old, ctx, rules)
        if new != old:
            yml.write_text(new, encoding="utf-8")
            changed.append(yml)
    return changed


def check_docs(docs_dir: Path, root: Path | None = None) -> list[str]:
    """What is stale: generated files missing, different or no longer produced, and the
    generated blocks of mkdocs.yml. Empty when everything is up to date."""
    docs_dir = Path(docs_dir)
    files = render_docs(docs_dir, root)
    problems = []
    for rel, data in files.items():
        path = docs_dir / rel
        if not path.is_file():
            problems.append(f"missing: docs/{rel}")
        elif path.read_bytes() != data:
            problems.append(f"stale: docs/{rel}")
    for rel in sorted(_existing(docs_dir) - set(files)):
        problems.append(f"no longer generated: docs/{rel}")
    yml = _mkdocs_yml(docs_dir)
    if yml.is_file():
        ctx, rules = load_context(root or ROOT)
        old = yml.read_text(encoding="utf-8")
        if render_mkdocs_yml(old, ctx, rules) != old:
            problems.append("stale: generated blocks of mkdocs.yml")
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python -m docsgen [--check] [--docs-dir DIR]`, from the repository root."""
    ap = argparse.ArgumentParser(prog="python -m docsgen", description="Generate the reference pages of the website.")
    ap.add_argument("--docs-dir", type=Path, default=ROOT / "docs", help="the site's docs folder (default: docs/)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when a generated page is stale")
    args = ap.parse_args(argv)
    if args.check:
        problems = check_docs(args.docs_dir)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} generated docs file(s) stale: run `python -m docsgen`", file=sys.stderr)
        return 1 if problems else 0
    changed = generate_docs(args.docs_dir)
    for p in changed:
        print(f"{'wrote' if p.exists() else 'removed'} {p}")
    print(f"{len(changed)} file(s) changed", file=sys.stderr)
    return 0

"""The files of the site's download page. Written under docs/downloads/ (and committed): copies
of the generated artifacts that a reader fetches one by one (schemas, code lists, Table
Schemas, the report schema) and the zipped example package. The SQL DDL is not copied: the
MkDocs hook serves it from the package at build time (`sitefiles`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docsgen.sitefiles import SITE_FOLDER, served_from_package
from jn_exchange import profile as profile_mod
from jn_exchange import versions

COPIED_PATTERNS = ("*.schema.json", "package-profile.json", "codelists.json", "tableschemas/*.json", "*.xlsx")
REPORT_SCHEMA_CANDIDATES = ("generated/report.schema.json", "data/report.schema.json",
                            "reports/report.schema.json", "schemas/report.schema.json")


def _zip_folder(folder: Path) -> bytes:
    """A byte-for-byte reproducible zip of a folder (sorted entries, fixed time stamps)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                info = zipfile.ZipInfo(p.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, p.read_bytes(), compresslevel=9)
    return buf.getvalue()


def written_downloads(root: Path) -> dict[str, bytes]:
    """{path under docs/downloads/: content} of the files the generator writes there."""
    gen = profile_mod.GENERATED
    out: dict[str, bytes] = {}
    for pattern in COPIED_PATTERNS:
        for p in sorted(gen.glob(pattern)):
            if p.is_file():
                out[p.relative_to(gen).as_posix()] = p.read_bytes()
    pkg_dir = Path(profile_mod.__file__).parent
    for cand in REPORT_SCHEMA_CANDIDATES:
        p = pkg_dir / cand
        if p.is_file():
            out["report.schema.json"] = p.read_bytes()
            break
    example = root / "examples" / "jinan-sample"
    if (example / "datapackage.json").is_file():
        out["jinan-sample.zip"] = _zip_folder(example)
    for rel in versions.RELEASES:   # a past version's example, from its frozen copy
        if rel.frozen is not None and (rel.frozen / "example" / "jinan-sample").is_dir():
            out[f"{rel.version}/jinan-sample.zip"] = _zip_folder(rel.frozen / "example" / "jinan-sample")
    return dict(sorted(out.items()))


def download_names(written: dict[str, bytes]) -> list[str]:
    """Every file of the download page (paths under downloads/), written or served at build time."""
    served = [p.removeprefix(SITE_FOLDER + "/") for p in served_from_package()]
    return sorted({*written, *served})

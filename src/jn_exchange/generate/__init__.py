"""`jn-exchange generate`: the artifacts of the standard, generated from the LinkML model in
schema/ into src/jn_exchange/generated/ (committed). Build-time only: this package is the only
part of jn_exchange that imports linkml.

| artifact | module |
|---|---|
| jn_exchange.schema.json (JSON Schema of the JSON form) | json_schema |
| models.py (Pydantic v2, English enum members) | pydantic_models |
| tableschemas/<table>.json (Frictionless Table Schemas) | table_schemas |
| package-profile.json (tables, files, order) | package_profile |
| codelists.json | codelists |
| ddl/duckdb.sql, ddl/postgresql.sql | ddl |

The pseudonymised exchange profile (generate.profiles) has its variant of each client artifact
beside the full one: tableschemas-pseudonymized/<table>.json,
jn_exchange.pseudonymized.schema.json, models_pseudonymized.py,
ddl/duckdb.pseudonymized.sql and ddl/postgresql.pseudonymized.sql.

Every artifact is deterministic byte for byte; `run_generate(check=True)` compares a fresh
generation with the committed files."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from jn_exchange.generate.output import compare, dumps, write_tree
from jn_exchange.generate.source import GENERATED_DIR, SCHEMA_FILE, ModelError

INIT_PY = '"""Artifacts generated from schema/ by `jn-exchange generate`; do not edit (a test fails when stale)."""\n'


def build_artifacts(schema_file: Path = SCHEMA_FILE) -> dict[str, str]:
    """{relative path: text} of every artifact."""
    from jn_exchange.generate.codelists import codelists
    from jn_exchange.generate.container import container_problems
    from jn_exchange.generate.ddl import DIALECTS, ddl
    from jn_exchange.generate.json_schema import json_schema
    from jn_exchange.generate.package_profile import package_profile
    from jn_exchange.generate.profiles import VARIANT_DIR, VARIANT_SUFFIX, pseudonymized_schemas
    from jn_exchange.generate.pydantic_models import pydantic_models
    from jn_exchange.generate.source import container_class, load_view, prepare
    from jn_exchange.generate.table_schemas import table_schemas

    sv = prepare(load_view(schema_file))
    problems = container_problems(sv)
    if problems:
        raise ModelError("the container does not match the tables (python -m jn_exchange.generate.container "
                         "prints the missing attributes):\n  " + "\n  ".join(problems))
    schemas = table_schemas(sv)
    profile = package_profile(sv, schemas)
    files: dict[str, str] = {"__init__.py": INIT_PY}
    for exchange, suffix, these in (("full", "", schemas),
                                    ("pseudonymized", VARIANT_SUFFIX, pseudonymized_schemas(schemas))):
        top = container_class(sv).name
        files[f"jn_exchange{suffix}.schema.json"] = dumps(json_schema(schema_file, top, these, exchange))
        files[f"models{suffix.replace('.', '_')}.py"] = pydantic_models(schema_file, these, exchange)
        folder = VARIANT_DIR if suffix else "tableschemas"
        for name, ts in these.items():
            files[f"{folder}/{name}.json"] = dumps(ts)
        for dialect in DIALECTS:
            files[f"ddl/{dialect}{suffix}.sql"] = ddl(profile, these, dialect, exchange)
    files["package-profile.json"] = dumps(profile)
    files["codelists.json"] = dumps(codelists(sv))
    return files


def run_generate(out_dir: Path | None = None, check: bool = False, schema_file: Path = SCHEMA_FILE) -> int:
    """Write the artifacts into out_dir (default: the package's generated/ folder), or with
    check=True generate into a temporary folder and report which committed files differ.
    Returns the exit code: 0 (written / up to date), 1 (stale), 2 (the model cannot be generated)."""
    target = Path(out_dir) if out_dir is not None else GENERATED_DIR
    started = time.perf_counter()
    try:
        files = build_artifacts(schema_file)
    except ModelError as exc:
        print(f"jn-exchange generate: {exc}", file=sys.stderr)
        return 2
    if check:
        with tempfile.TemporaryDirectory(prefix="jn-generate-") as tmp:
            write_tree(Path(tmp), files)
            problems = compare(Path(tmp), target)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} generated file(s) stale in {target}: run `jn-exchange generate`", file=sys.stderr)
            return 1
        print(f"{len(files)} generated files up to date in {target}", file=sys.stderr)
        return 0
    removed = write_tree(target, files)
    for r in removed:
        print(f"removed (no longer generated): {r}", file=sys.stderr)
    print(f"{len(files)} files written to {target} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0

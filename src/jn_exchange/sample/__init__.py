"""Sample exchange packages at any size, valid by construction (`jn-exchange sample`).

Same seed, same bytes: every choice comes from one `random.Random(seed)`, dates are fixed to
the year 2025 (with follow-ups into 2026), and nothing depends on the clock or hash order."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from jn_exchange.profile import load_profile
from jn_exchange.sample.activity import Activity
from jn_exchange.sample.world import World
from jn_exchange.sample.writer import PackageWriter, json_form, zip_package


def generate_sample(out: Path, rows: int = 2000, seed: int = 1, *, as_zip: bool = False, as_json: bool = False,
                    checksums: bool = False, progress: Callable[[int], None] | None = None) -> Path:
    """Write a package of about `rows` rows in total: to the folder `out` (created; must not
    exist or be empty), or with `as_zip` / `as_json` to the file `out` (.zip / .json added when
    missing). Returns what was written."""
    profile = load_profile()
    out = Path(out)
    if as_zip or as_json:
        suffix = ".zip" if as_zip else ".json"
        dest = out if out.suffix == suffix else out.with_name(out.name + suffix)
        if dest.exists():
            raise FileExistsError(f"{dest} exists")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".jn-sample-") as tmp:
            folder = Path(tmp) / dest.stem
            _write(folder, profile, rows, seed, checksums, progress)
            return json_form(folder, profile, dest) if as_json else zip_package(folder, dest)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    _write(out, profile, rows, seed, checksums, progress)
    return out


def _write(folder: Path, profile, rows: int, seed: int, checksums: bool, progress) -> None:
    rng = random.Random(seed)
    writer = PackageWriter(folder, profile)
    world = World(rng, writer, rows)
    world.build()
    Activity(world).run(rows, progress)
    writer.close(checksums=checksums)

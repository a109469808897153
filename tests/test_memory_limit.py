"""The memory the engine may use: one default, the same for the command and the library, and a
limit that bounds the run without changing what it finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from jn_exchange.cli import main as cli
from jn_exchange.config import Config, Limits
from jn_exchange.engine.settings import DEFAULT_MEMORY_LIMIT
from jn_exchange.reports import jsonreport
from jn_exchange.validate import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jinan-sample"


def test_the_command_and_the_library_share_one_default():
    option = next(p for p in cli.commands["validate"].params if p.name == "memory_limit")
    assert option.default == DEFAULT_MEMORY_LIMIT


def test_a_small_memory_limit_finds_the_same(tmp_path):
    pkg = tmp_path / "pkg"
    done = CliRunner().invoke(cli, ["sample", str(pkg), "--rows", "20000", "--seed", "3", "--defects", "0.01"])
    assert done.exit_code == 0, done.output
    bad = tmp_path / "pkg-defects"

    def findings(limit: str) -> list:
        result = validate(bad, Config({}, Limits()), as_of=dt.date(2026, 6, 30), memory_limit=limit)
        return jsonreport.build(result)["findings"]
    small = findings("128MB")
    assert small and small == findings(DEFAULT_MEMORY_LIMIT)


def test_a_limit_too_small_for_any_step_is_a_clear_error(tmp_path):
    done = CliRunner().invoke(cli, ["validate", str(EXAMPLE), "--memory-limit", "1MB", "--as-of", "2026-06-30"])
    assert done.exit_code == 2
    assert "--memory-limit" in done.output and "Traceback" not in done.output
    assert "例如 2GB" in done.output   # a limit larger than the one that ran out, never the same


@pytest.mark.parametrize("given, more", [("512MB", "3GB"), ("4GB", "16GB"), ("1GiB", "5GB"), ("1MB", "2GB"), ("?", "2GB")])
def test_the_limit_suggested_after_running_out_is_larger(given, more):
    from jn_exchange.validate import more_memory
    assert more_memory(given) == more

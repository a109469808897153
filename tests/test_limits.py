"""The safety limits (config.Limits): set in the config file and on the command line
(`--limit NAME=VALUE`, which wins), recorded in the report; the row limit refuses a table before
it is loaded; the time limit stops a run cleanly (exit 2, no report, nothing left behind).
Each limit's exact boundary is a pair of conformance cases (tests/conformance/cases/limits.yaml)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from jn_exchange.config import LIMIT_NAMES, Config, ConfigError, Limits, apply_limit_options, load_config
from jn_exchange.reader.csvscan import scan_file
from jn_exchange.timelimit import Deadline, TimeLimitExceeded
from jn_exchange.validate import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
JN = [sys.executable, "-m", "jn_exchange.cli"]


def run_cli(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JN, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)


# ------------------------------------------------------------------ setting limits
def test_every_limit_has_a_positive_integer_default():
    assert set(LIMIT_NAMES) >= {"max_rows_per_table", "max_seconds", "max_unpacked_bytes", "max_cell_chars"}
    assert all(isinstance(getattr(Limits(), n), int) and getattr(Limits(), n) > 0 for n in LIMIT_NAMES)


@pytest.mark.parametrize(("option", "said"), [
    ("max_rows=5", "unknown limit 'max_rows'; the limits are max_unpacked_bytes"),
    ("max_seconds=0", "max_seconds must be a positive integer, not 0"),
    ("max_seconds=-1", "max_seconds must be a positive integer, not '-1'"),
    ("max_seconds=1.5", "max_seconds must be a positive integer, not '1.5'"),
    ("max_seconds=ten", "max_seconds must be a positive integer, not 'ten'"),
    ("max_seconds", "write NAME=VALUE"),
])
def test_a_bad_limit_option_is_refused_with_what_is_wrong(option, said):
    with pytest.raises(ConfigError, match=None) as err:
        apply_limit_options(Limits(), [option])
    assert said in str(err.value)


def test_limit_options_take_digits_with_underscores_and_apply_in_order():
    limits = Limits()
    apply_limit_options(limits, ["max_rows_per_table=5_000", "max_seconds=60", "max_seconds=30"])
    assert (limits.max_rows_per_table, limits.max_seconds) == (5000, 30)


@pytest.mark.parametrize("text", ["limits:\n  max_seconds: '10'\n", "limits:\n  max_seconds: true\n",
                                  "limits:\n  max_seconds: 0\n", "limits:\n  max_rows: 3\n", "limits: [1]\n"])
def test_a_bad_limit_in_the_config_file_is_refused(tmp_path, text):
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(p, set())


def test_the_command_line_wins_over_the_config_file_and_the_report_records_the_limits(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("limits:\n  max_rows_per_table: 1000\n  max_cell_chars: 500\n", encoding="utf-8")
    done = run_cli("validate", EXAMPLE, "--config", cfg, "--limit", "max_rows_per_table=200", "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["config"]["limits"]["max_rows_per_table"] == 200
    assert report["config"]["limits"]["max_cell_chars"] == 500
    assert report["config"]["limits"]["max_seconds"] == Limits().max_seconds
    assert {(t["code"], t["resource"]) for t in report["rules"]} == {("JN-FILE-012", "action_officer")}


def test_an_unknown_limit_on_the_command_line_exits_2_and_names_the_limits():
    done = run_cli("validate", EXAMPLE, "--limit", "max_rowz=10", "--lang", "en")
    assert done.returncode == 2 and done.stdout == ""
    assert "unknown limit 'max_rowz'" in done.stderr and "max_rows_per_table" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_lists_every_limit():
    text = run_cli("validate", "--help").stdout.replace("\n", " ")
    assert "--limit NAME=VALUE" in text
    assert all(name in " ".join(text.split()) for name in LIMIT_NAMES)


# ------------------------------------------------------------------ rows per table
def _long_table(tmp: Path, rows: int) -> Path:
    """The example with action_officer's rows repeated to `rows` data rows."""
    pkg = tmp / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    lines = (pkg / "action_officer.csv").read_bytes().splitlines(keepends=True)
    body = b"".join(lines[1:])
    n = len(lines) - 1
    (pkg / "action_officer.csv").write_bytes(lines[0] + body * (rows // n) + b"".join(lines[1:1 + rows % n]))
    return pkg


def test_a_table_over_the_row_limit_is_not_loaded_and_nothing_judges_it(tmp_path):
    pkg = _long_table(tmp_path, 5_000)   # every row repeated: loaded, its key would be broken
    result = validate(pkg, Config({}, Limits(max_rows_per_table=4_999)))
    assert [(t.code, t.resource, t.count) for t in result.tallies] == [("JN-FILE-012", "action_officer", 1)]
    finding = result.findings()[0]
    assert finding.params["rows"] == 5_000 and finding.params["limit"] == 4_999
    assert "--limit max_rows_per_table=N" in finding.message_en and "max_rows_per_table" in finding.message_zh
    assert next(s for s in result.resources if s.name == "action_officer").rows is None
    at_limit = validate(pkg, Config({}, Limits(max_rows_per_table=5_000)))
    assert "JN-FILE-012" not in {t.code for t in at_limit.tallies}
    assert "JN-KEY-001" in {t.code for t in at_limit.tallies}   # loaded: the repeated keys are seen


def test_blank_lines_and_the_header_are_not_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n\n3,4\n\n")
    assert scan_file(path, tmp_path).data_records == 2


# ------------------------------------------------------------------ time
def test_the_deadline_interrupts_every_tracked_connection_until_the_run_ends():
    class Connection:
        def __init__(self) -> None:
            self.interrupts = 0

        def interrupt(self) -> None:
            self.interrupts += 1

    con = Connection()
    with Deadline(0.05) as deadline:
        deadline.track(con)
        deadline.check()          # in time: nothing happens
        time.sleep(0.4)
        assert deadline.expired and con.interrupts >= 3   # again and again: queued queries stop too
        with pytest.raises(TimeLimitExceeded, match="max_seconds"):
            deadline.check()
    after = con.interrupts
    time.sleep(0.15)
    assert con.interrupts == after   # the watchdog ends with the run


def test_a_run_in_time_is_not_disturbed():
    with Deadline(60) as deadline:
        deadline.check()
    assert not deadline.expired


def test_the_scan_stops_at_the_deadline(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * (6 << 20))   # 24 MiB: three chunks

    calls = []

    def stop_at_second_chunk() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise TimeLimitExceeded("stop")

    with pytest.raises(TimeLimitExceeded):
        scan_file(path, tmp_path, on_chunk=stop_at_second_chunk)
    assert len(calls) == 2


# A query that would run for hours, in place of the checks of every table: only the deadline's
# interrupt can end it (a test hook, so that the test does not depend on the machine's speed)
SLOW_RUN = """
import sys
import jn_exchange.validate as v
def slow(engine, run, ref):
    engine.bind_thread()
    engine.con.execute("SELECT count(*) FROM range(10000000000000) a, range(1000) b").fetchall()
    raise AssertionError("the query was not interrupted")
v._check_table = slow
from jn_exchange.cli import main
sys.argv = ["jn-exchange", *sys.argv[1:]]
main()
"""


def test_the_time_limit_stops_a_run_in_a_query_with_exit_2_no_report_and_nothing_left(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    report = tmp_path / "report.json"
    env = {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SLOW_RUN, "validate", str(EXAMPLE), "--limit", "max_seconds=2",
                           "--format", "json", "--output", str(report), "--lang", "en"],
                          capture_output=True, text=True, timeout=120, env=env)
    took = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert "validation stopped after 2 s" in done.stderr and "--limit max_seconds=N" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not report.exists()
    assert list(tmp.iterdir()) == []
    assert took < 30


@pytest.mark.slow
def test_the_time_limit_stops_a_real_validation_in_process(tmp_path):
    """No hook: a table large enough to take more than a second, stopped by the real checks."""
    pkg = _long_table(tmp_path, 2_000_000)
    threads_before = threading.active_count()
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        validate(pkg, Config({}, Limits(max_seconds=1)))
    assert time.monotonic() - started < 20
    assert threading.active_count() == threads_before   # the watchdog and the workers are gone

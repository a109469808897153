"""Lint the LinkML schema files with linkml-lint and the repository's `.linkmllint.yaml`.

The entry schema alone is not enough: linkml-lint checks titles, descriptions and code formats
only of the file it is given (not of its imports), so every schema file is linted.
`python -m jn_exchange.generate.lint` exits 1 when a file has a problem."""

from __future__ import annotations

import sys
from pathlib import Path

from jn_exchange.generate.source import REPO_ROOT

CONFIG = REPO_ROOT / ".linkmllint.yaml"
SCHEMA_DIR = REPO_ROOT / "schema"


def schema_files(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    return sorted(schema_dir.glob("*.yaml"))


def lint_problems(files: list[Path] | None = None, config: Path = CONFIG) -> list[str]:
    """Every problem linkml-lint finds, as `file: level message (rule)`; empty when clean."""
    import yaml
    from linkml.linter.linter import Linter

    linter = Linter(yaml.safe_load(config.read_text(encoding="utf-8")))
    out = []
    for path in files or schema_files():
        for problem in linter.lint(str(path)):
            out.append(f"{path.name}: {problem.level} {problem.message} ({problem.rule_name})")
    return out


def main() -> int:
    problems = lint_problems()
    for p in problems:
        print(p)
    print(f"linkml-lint: {len(problems)} problem(s) in {len(schema_files())} schema file(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

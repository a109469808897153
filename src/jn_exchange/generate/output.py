"""Writing and comparing the generated tree, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# what the generator owns inside the output folder (other files, e.g. __pycache__, are left alone)
OWNED_SUFFIXES = (".json", ".sql", ".py")


def dumps(obj: Any, sort_keys: bool = True) -> str:
    """Readable Chinese, two-space indent, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n"


def owned_files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and p.suffix in OWNED_SUFFIXES and "__pycache__" not in p.parts}


def write_tree(root: Path, files: dict[str, str]) -> list[str]:
    """Write every file (only when its content changed, so timestamps stay); delete owned files
    no longer generated. Returns the deleted paths."""
    removed = sorted(owned_files(root) - set(files))
    for rel in removed:
        (root / rel).unlink()
    for rel, text in files.items():
        path = root / rel
        data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return removed


def compare(fresh: Path, committed: Path) -> list[str]:
    """What differs between a fresh generation and the committed tree."""
    a, b = owned_files(fresh), owned_files(committed)
    out = [f"missing: {rel}" for rel in sorted(a - b)]
    out += [f"differs: {rel}" for rel in sorted(a & b) if (fresh / rel).read_bytes() != (committed / rel).read_bytes()]
    out += [f"no longer generated: {rel}" for rel in sorted(b - a)]
    return out

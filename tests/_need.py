"""Optional test dependencies (the build and dev extras): skipped on a machine without them, but
never in CI (CI=true), where a missing or broken one must fail rather than pass by skipping."""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

import pytest


def need(module: str, extra: str) -> ModuleType:
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} (the {extra} extra) is not installed")


def missing(module: str) -> bool:
    """For skipif: true only outside CI, when the module cannot be found."""
    return not os.environ.get("CI") and importlib.util.find_spec(module) is None

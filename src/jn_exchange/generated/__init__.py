"""Artifacts generated from schema/ by `jn-exchange generate`; do not edit (a test fails when stale)."""

"""User configuration of a validation run (`--config FILE`): rule switches and severities by
code, and the safety limits. The file is YAML or JSON:

    rules:
      JN-HDR-005: off                 # switch a rule off
      JN-FILE-006: {severity: error}  # change its severity
    limits:
      max_cell_chars: 65536
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from jn_exchange.findings import RuleOverride, Severity


@dataclass
class Limits:
    max_unpacked_bytes: int = 20 * 1024**3   # zip bomb guard: total unpacked size
    max_zip_entries: int = 10_000
    max_zip_ratio: int = 200                 # unpacked/packed, per entry and for the archive (CSV: 5-25)
    max_zip_entry_bytes: int = 4 * 1024**3   # one entry unpacked
    max_zip_depth: int = 2                   # package.zip may hold one inner zip
    max_descriptor_bytes: int = 16 * 1024**2  # datapackage.json is read whole: refused beyond this
    max_cell_chars: int = 32_768
    max_examples: int = 50                   # stored findings per rule and table; counts stay exact


class ConfigError(ValueError):
    """The configuration file cannot be used (exit code 2)."""


@dataclass
class Config:
    overrides: dict[str, RuleOverride]
    limits: Limits
    source: str | None = None

    def as_record(self) -> dict[str, Any]:
        """What the report records about the configuration."""
        return {
            "file": self.source,
            "rules": {c: ({"enabled": False} if not o.enabled else {"severity": o.severity.value if o.severity else None})
                      for c, o in sorted(self.overrides.items())},
            "limits": asdict(self.limits),
        }


def load_config(path: Path | None, known_codes: set[str]) -> Config:
    if path is None:
        return Config({}, Limits())
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parse error is the user's file
        raise ConfigError(f"config file {path} is not valid YAML/JSON: {exc}") from exc
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must be a mapping with 'rules' and/or 'limits'")
    unknown_top = set(data) - {"rules", "limits"}
    if unknown_top:
        raise ConfigError(f"unknown keys in config file: {', '.join(sorted(unknown_top))}")
    overrides: dict[str, RuleOverride] = {}
    for code, spec in (data.get("rules") or {}).items():
        if code not in known_codes:
            raise ConfigError(f"config names an unknown rule code: {code} (see `jn-exchange rules`)")
        if spec in ("off", False, "disable", "disabled"):
            overrides[code] = RuleOverride(enabled=False)
        elif spec in ("on", True):
            overrides[code] = RuleOverride()
        elif isinstance(spec, dict) and set(spec) <= {"severity", "enabled"}:
            try:
                sev = Severity(spec["severity"]) if spec.get("severity") else None
            except ValueError as exc:
                raise ConfigError(f"{code}: severity must be error, warning or info") from exc
            overrides[code] = RuleOverride(enabled=bool(spec.get("enabled", True)), severity=sev)
        else:
            raise ConfigError(f"{code}: use off, on or {{severity: error|warning|info}}")
    limits = Limits()
    names = {f.name for f in fields(Limits)}
    for k, v in (data.get("limits") or {}).items():
        if k not in names or not isinstance(v, int) or v <= 0:
            raise ConfigError(f"limits.{k}: unknown limit or not a positive integer")
        setattr(limits, k, v)
    return Config(overrides, limits, str(path))

"""Commands of this module are registered by jn_exchange.cli (see tools/__init__.py)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

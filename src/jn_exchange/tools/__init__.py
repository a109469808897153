"""Vendor tooling behind `jn-exchange init / template / convert / fix / export / pseudonymize`.
Each `cli_*.py` module lists its click commands in `COMMANDS`; cli.py registers them when a
command of theirs is first needed (`validate` never imports them). Heavy imports (openpyxl, ...)
happen inside the commands, so `jn-exchange --help` stays fast."""

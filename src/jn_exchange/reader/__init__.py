"""The package reader. `jn_exchange.package` (the opener) uses `zipsafe` and `jsonform` to turn
what the user passed into a folder of CSV files; then, per file:
- `csvscan`: one byte pass (encoding, BOM, line ends, blank lines, delimiter, header, row shape);
- `table`: the one way Python code reads a file's records (validator line mapping and every tool);
- `header`: the one reading of a header against the table's fields (validate and fix alike).
A reader reports what it sees but never judges content: the engine and the rules do that."""

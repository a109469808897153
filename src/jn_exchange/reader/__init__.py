"""The package reader: turns what the user passed (folder, datapackage.json, zip, JSON document)
into a folder of CSV files inside a private temporary directory, and scans each file's bytes
(encoding, BOM, line ends, blank lines, delimiter, header). A reader reports what it sees as
findings but never judges content: the engine and the rules do that."""

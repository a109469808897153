"""The office's own data (issue 16): the city's database of accepted packages (`citydb`), the
row-level change between an organisation's submissions (`rowchange`), and the opener that
turns a stored upload into the package folder both read (`unpacked`)."""

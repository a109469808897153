"""`python -m docsgen [--check]` (from the repository root): generate (or check) the website's
reference pages."""

import sys

from docsgen import main

sys.exit(main())

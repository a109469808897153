"""`python -m jn_exchange.docsgen [--check]`: generate (or check) the website's reference pages."""

import sys

from jn_exchange.docsgen import main

sys.exit(main())

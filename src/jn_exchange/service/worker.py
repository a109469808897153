"""The worker process: a huey consumer whose worker processes run validation jobs. Started by
`jn-exchange serve` (as a child) or `jn-exchange worker` (on worker machines); settings come
from the JN_EXCHANGE_* environment."""

from __future__ import annotations

import logging
import sys

from jn_exchange.service.settings import Settings, from_env


def run_consumer(settings: Settings) -> None:
    from jn_exchange.service.db import Database
    from jn_exchange.service.jobs import make_queue

    settings.prepare()
    Database(settings.db_url).dispose()     # fail early on a wrong URL, before forking workers
    # the validator's modules are imported once here and inherited by every forked worker
    import jn_exchange.reports  # noqa: F401
    import jn_exchange.validate  # noqa: F401
    make_queue(settings).consumer(settings.workers).run()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(levelname)s %(message)s")
    try:
        settings = from_env()
    except ValueError as exc:
        print(f"jn-exchange worker: {exc}", file=sys.stderr)
        sys.exit(2)
    run_consumer(settings)


if __name__ == "__main__":
    main()

"""Generated artifacts the website serves straight from the package's `generated/` folder at
build time (the MkDocs hook adds them to the site), so that no byte copy of them is committed
under docs/. Plain Python with no import from `docsgen`: MkDocs loads the hook by its file path
with only this folder on sys.path."""

from __future__ import annotations

from pathlib import Path

from jn_exchange import profile as profile_mod
from jn_exchange import versions

# patterns under src/jn_exchange/generated/; served as docs/downloads/<the same path>
FROM_PACKAGE_AT_BUILD = ("ddl/*.sql",)
SITE_FOLDER = "downloads"


# a past version's frozen artifacts, served as docs/downloads/<version>/<the same path>
FROM_FROZEN_AT_BUILD = ("package-profile.json", "codelists.json", "jn_exchange.schema.json", "tableschemas/*.json", "ddl/*.sql")


def served_from_package() -> dict[str, Path]:
    """{path in the site (posix, relative to docs/): the generated file it is copied from}."""
    gen = profile_mod.GENERATED
    out: dict[str, Path] = {}
    for pattern in FROM_PACKAGE_AT_BUILD:
        for p in sorted(gen.glob(pattern)):
            if p.is_file():
                out[f"{SITE_FOLDER}/{p.relative_to(gen).as_posix()}"] = p
    for rel in versions.RELEASES:
        if rel.frozen is None:
            continue
        for pattern in FROM_FROZEN_AT_BUILD:
            for p in sorted(rel.generated.glob(pattern)):
                if p.is_file():
                    out[f"{SITE_FOLDER}/{rel.version}/{p.relative_to(rel.generated).as_posix()}"] = p
    return out

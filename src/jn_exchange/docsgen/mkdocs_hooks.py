"""MkDocs hook of the standard's website (mkdocs.yml `hooks:`).

mkdocs-static-i18n gives the language switcher of the two home pages absolute links built
from the path of `site_url` (/jn-exchange/docs/ and /jn-exchange/docs/en/). Those break
wherever the site is not served under that path: a local preview, a mirror, a copy of the
site opened offline. This hook turns them into site-relative links, which the theme's `url`
filter then makes relative to the page, so that the switcher works wherever the site is."""

from __future__ import annotations

from urllib.parse import urlsplit

from mkdocs.plugins import event_priority


@event_priority(-50)  # after mkdocs-static-i18n (priority 50) has set the links of this page
def on_page_context(context, page, config, nav):  # noqa: ANN001, ANN201 - MkDocs hook signature
    extra = config.extra
    # mkdocs-static-i18n sets the attribute (config.extra.alternate), which is what the theme reads
    alternates = getattr(extra, "alternate", None) or (extra.get("alternate") if hasattr(extra, "get") else None)
    if not isinstance(alternates, list):
        return context
    base = urlsplit(config.site_url or "").path or "/"
    if not base.endswith("/"):
        base += "/"
    for alt in alternates:
        link = alt.get("link")
        if isinstance(link, str) and link.startswith(base):
            alt["link"] = link[len(base):] or "./"
    return context

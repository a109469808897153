"""MkDocs hooks of the standard's website (mkdocs.yml `hooks:`).

- Downloads served from the package: the generated files of `sitefiles.FROM_PACKAGE_AT_BUILD`
  (the SQL DDL) join the site's files at build time, straight from src/jn_exchange/generated/,
  instead of being committed as byte copies under docs/downloads/. Added before
  mkdocs-static-i18n sorts the files by language, so that they are treated like the committed
  downloads, and before link validation, so that links to them stay checked.
- Relative language-switcher links: mkdocs-static-i18n gives the language switcher of the two
  home pages absolute links built from the path of `site_url` (/jn-exchange/docs/ and
  /jn-exchange/docs/en/). Those break wherever the site is not served under that path: a local
  preview, a mirror, a copy of the site opened offline. The hook turns them into site-relative
  links, which the theme's `url` filter then makes relative to the page, so that the switcher
  works wherever the site is.
- Diagram sources out of the search: the text of a ```mermaid fence (pre.jn-diagram, drawn by
  the site's diagrams.js) is diagram syntax, not prose; Material's search skips elements marked
  data-search-exclude.
- One search index per language: see searchindex.py. Runs after mkdocs-static-i18n has built
  every language and merged their pages into one index."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from searchindex import split_by_language  # beside this file: MkDocs puts this folder on sys.path
from sitefiles import served_from_package


@event_priority(50)  # before mkdocs-static-i18n (priority -100) files them by language
def on_files(files: Files, config):  # noqa: ANN001, ANN201 - MkDocs hook signature
    for site_path, source in served_from_package().items():
        stale = files.get_file_from_path(site_path)
        if stale is not None:  # a copy left under docs/: the package's file is the one served
            files.remove(stale)
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


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


@event_priority(-200)  # after mkdocs-static-i18n (priority -100) has merged the languages' indexes
def on_post_build(config):  # noqa: ANN001, ANN201 - MkDocs hook signature
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", False):  # a language's own build inside i18n's
        return
    languages = [lang.locale for lang in i18n.config.languages if lang.build]
    default = next(lang.locale for lang in i18n.config.languages if lang.default)
    split_by_language(Path(config.site_dir), default, [lang for lang in languages if lang != default])


def on_page_content(html, page, config, files):  # noqa: ANN001, ANN201 - MkDocs hook signature
    return html.replace('<pre class="jn-diagram">', '<pre class="jn-diagram" data-search-exclude>')

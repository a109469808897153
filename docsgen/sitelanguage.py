"""Each language of the built site complete in itself: a checker over the HTML pages.

- A Chinese page carries no English sentence: no run of four or more English words in its
  text (field names, code and commands are in `code`, which is not text).
- An English page carries no Chinese: no Han character or Chinese punctuation in its text,
  except inside an element marked `lang="zh"`: the standard's Chinese names, labels and
  citations of the regulations, which are data the English page quotes, not its language.
- No stray space inside Chinese text (a space between two Han characters).

Text is the page's article and footer; `code`, `pre`, `kbd`, scripts, styles and diagrams are
left out. `python -m docsgen.sitelanguage SITE_DIR` prints what it finds.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CHINESE = re.compile(f"[{HAN}\u3001\u3002\uff0c\uff1b\uff1a\uff08\uff09\u201c\u201d\u300a\u300b\uff01\uff1f]")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){3,}")
STRAY_SPACE = re.compile(f"[{HAN}][ \u00a0]+[{HAN}]")
SKIP_TAGS = {"code", "pre", "kbd", "script", "style", "svg", "samp", "math"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class Leak:
    page: str
    kind: str      # "english-sentence", "chinese", "stray-space"
    text: str


class _Text(HTMLParser):
    """Text of <article> and <footer>, outside skipped elements and outside elements whose lang
    is `quoted` (a prefix such as "zh")."""

    def __init__(self, quoted: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.quoted = quoted
        self.stack: list[tuple[str, bool, bool]] = []   # (tag, inside wanted part, skipped)
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        a = dict(attrs)
        inside = bool(self.stack and self.stack[-1][1]) or tag in ("article", "footer")
        classes = (a.get("class") or "").split()
        skipped = (bool(self.stack and self.stack[-1][2]) or tag in SKIP_TAGS or "mermaid" in classes
                   or "jn-diagram" in classes or "headerlink" in classes
                   or bool(self.quoted and (a.get("lang") or "").startswith(self.quoted)))
        self.stack.append((tag, inside, skipped))
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "br", "dt", "dd"):
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed elements
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.chunks.append(data)


def page_text(html: str, quoted: str | None) -> str:
    parser = _Text(quoted)
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def page_leaks(rel: str, html: str, lang: str) -> list[Leak]:
    if lang == "zh":
        text = page_text(html, quoted="en")
        out = [Leak(rel, "english-sentence", m.group(0)) for m in ENGLISH_SENTENCE.finditer(text)]
    else:
        text = page_text(html, quoted="zh")
        out = [Leak(rel, "chinese", line.strip()[:120]) for line in text.splitlines() if CHINESE.search(line)]
    out += [Leak(rel, "stray-space", m.group(0)) for m in STRAY_SPACE.finditer(page_text(html, quoted=None))]
    return out


def site_leaks(site: Path, other_languages: tuple[str, ...] = ("en",)) -> list[Leak]:
    """Every leak of the built site at `site`: pages under <lang>/ are in that language, the
    others in Chinese (the default language, at the root)."""
    leaks: list[Leak] = []
    for path in sorted(site.rglob("index.html")):
        rel = path.relative_to(site).as_posix()
        head = rel.split("/", 1)[0]
        lang = head if head in other_languages else "zh"
        leaks += page_leaks(rel, path.read_text(encoding="utf-8"), lang)
    return leaks


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    leaks = site_leaks(Path(args[0]))
    by_kind: dict[str, set[str]] = {}
    for leak in leaks:
        print(f"{leak.page}: {leak.kind}: {leak.text}")
        by_kind.setdefault(leak.kind, set()).add(leak.page)
    for kind, pages in sorted(by_kind.items()):
        print(f"{kind}: {sum(1 for x in leaks if x.kind == kind)} on {len(pages)} pages")
    return 1 if leaks else 0


if __name__ == "__main__":
    raise SystemExit(main())

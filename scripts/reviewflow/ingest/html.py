"""HTML documents: blocks from the element structure, with site boilerplate removed.

- `<pre>` text is read like a plain-text file (blank-line paragraphs, bullet lines);
- `h1`–`h6` are headings (level = the number), `li` and `dt`/`dd` list items, `p`, `div`, `td`,
  `blockquote`, `pre`, `caption`, `figcaption` and other block elements paragraphs; text directly
  inside a block that also holds other blocks becomes a paragraph of its own;
- `script`, `style`, `nav`, `header` (except an article's own), `footer`, `aside`, `form`, `noscript`, `iframe`, `svg`,
  `button`, `select` and elements with ARIA roles navigation/banner/contentinfo/search are dropped,
  as is anything hidden (`hidden`, `aria-hidden="true"`, inline `display:none`) and a menu written as
  plain links (a list, div or paragraph of three or more short links that is almost all link text);
- when the page has a `<main>` element (or role=main, or a single `<article>`) holding at least 30 %
  of the text, only that is read; class names marking skip links, screen-reader labels, breadcrumbs,
  cookie/share bars and sidebars drop their elements too;
- `<br><br>` ends a paragraph, one `<br>` is a space; a table row is one paragraph, cells joined by
  ` | `;
- an HTML file is one page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bs4 import BeautifulSoup, CData, Comment, NavigableString, PageElement, Tag

from reviewflow.ingest.blocks import RawBlock, RawPage
from reviewflow.ingest.normalize import Vocabulary, join_lines, normalize_chars

BOILERPLATE_TAGS = (
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "iframe",
    "svg",
    "button",
    "select",
    "template",
    "object",
    "embed",
    "canvas",
    "head",
    "menu",
)
BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "toolbar"}
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_ITEM_TAGS = {"li", "dt", "dd"}
BLOCK_TAGS = (
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "body",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "figure",
        "figcaption",
        "address",
        "center",
        "fieldset",
        "hr",
        "html",
        "details",
        "summary",
        "td",
        "th",
    }
    | set(HEADING_TAGS)
    | LIST_ITEM_TAGS
)
LINE_BREAK = "\u2028"
_SOURCE_SPACE_RE = re.compile(r"[^\S\u2028]+")
# Site furniture marked by class: skip links, screen-reader-only labels, breadcrumbs, cookie and share bars.
_BOILERPLATE_CLASS_RE = re.compile(
    r"^(?:skip|sr-only|visually-hidden|screen-reader|breadcrumb|cookie|share|social|sidebar|site-header|"
    r"site-footer|pagination)(?:$|[-_])",
    re.I,
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


# A menu written as plain links ("Home Issues & Press Travel ..."): a block that is almost all link text,
# in several short links. A reference list or a paragraph with links has text of its own around them.
_LINK_MENU_TAGS = {"ul", "ol", "dl", "div", "p", "td"}
_LINK_MENU_MIN_LINKS = 3
_LINK_MENU_DENSITY = 0.8
_LINK_MENU_MEAN_CHARS = 40


class _TextStats:
    """For every element under a root: the links below it, their text length, and the length of its
    ``get_text(" ", strip=True)``, all computed in one pass from the leaves up. Asking each element
    itself would read its whole subtree again at every level: quadratic in the nesting depth."""

    def __init__(self, root: Tag) -> None:
        # id(tag) -> [links, link_chars, chars, strings]
        self._by_tag: dict[int, list[int]] = {}
        self._within: dict[int, bool] = {}  # id(tag) -> it or an ancestor is an <article>/<main>
        for node in reversed([root, *root.descendants]):  # children before their parents
            parent = node.parent
            up = self._by_tag.setdefault(id(parent), [0, 0, 0, 0]) if node is not root and parent else None
            if isinstance(node, Tag):
                own = self._by_tag.setdefault(id(node), [0, 0, 0, 0])
                if up is not None:
                    is_link = node.name == "a"
                    up[0] += own[0] + is_link
                    up[1] += own[1] + (self._length(own) if is_link else 0)
                    up[2] += own[2]
                    up[3] += own[3]
            # exactly the string types get_text reads (not comments, doctypes or other subclasses)
            elif isinstance(node, NavigableString) and type(node) in (NavigableString, CData) and up is not None:
                text = node.strip()
                if text:
                    up[2] += len(text)
                    up[3] += 1

    @staticmethod
    def _length(stats: list[int]) -> int:
        return stats[2] + max(stats[3] - 1, 0)  # the strings joined by single spaces

    def within_article(self, tag: Tag) -> bool:
        """Whether an ancestor of ``tag`` is an <article> or <main>; remembered along the way up, since
        asking ``find_parent`` of each of thousands of nested <header>s was quadratic in their depth."""
        known_by_id = self._within
        chain: list[Tag] = []
        node, found = tag.parent, False
        while node is not None:
            known = known_by_id.get(id(node))
            if known is not None:
                found = known
                break
            if node.name in ("article", "main"):
                found = True
                break
            chain.append(node)
            node = node.parent
        for node in chain:  # each holds: it, or an ancestor of it, is an <article> or <main>
            known_by_id[id(node)] = found
        return found

    def link_menu_figures(self, tag: Tag) -> tuple[int, int, int] | None:
        """(links, link_chars, chars) of a tag under the root, None for any other."""
        stats = self._by_tag.get(id(tag))
        return (stats[0], stats[1], self._length(stats)) if stats is not None else None


def _is_link_menu(tag: Tag, stats: _TextStats | None = None) -> bool:
    figures = stats.link_menu_figures(tag) if stats is not None else None
    if figures is None:
        links = tag.find_all("a")
        figures = (
            len(links),
            sum(len(link.get_text(" ", strip=True)) for link in links),
            len(tag.get_text(" ", strip=True)),
        )
    n_links, link_chars, total = figures
    if n_links < _LINK_MENU_MIN_LINKS:
        return False
    return total > 0 and link_chars >= _LINK_MENU_DENSITY * total and link_chars / n_links < _LINK_MENU_MEAN_CHARS


def _is_boilerplate(tag: Tag, stats: _TextStats | None = None) -> bool:
    if tag.name in _LINK_MENU_TAGS and _is_link_menu(tag, stats):
        return True
    if tag.name in BOILERPLATE_TAGS:
        # An article's own <header> holds its title and byline; the page's <header> is the site's.
        if tag.name != "header":
            return True
        inside = stats.within_article(tag) if stats is not None else tag.find_parent(["article", "main"]) is not None
        return not inside
    attrs = tag.attrs or {}
    value: str | Iterable[str] = attrs.get("class") or []
    classes = value.split() if isinstance(value, str) else value
    if any(_BOILERPLATE_CLASS_RE.match(name) for name in classes):
        return True
    if str(attrs.get("role", "")).lower() in BOILERPLATE_ROLES:
        return True
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE_RE.search(str(attrs.get("style", ""))))


class _Collector:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, int | None]] = []  # kind, text, level
        self.buffer: list[str] = []
        self.kind = "paragraph"
        self.level: int | None = None

    def text(self, value: str) -> None:
        self.buffer.append(value)

    def flush(self) -> None:
        # Newlines in the HTML source are only formatting; <br> (LINE_BREAK) is a real line end.
        text = _SOURCE_SPACE_RE.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            self.items.append((self.kind, text, self.level))


def _walk(root: Tag, out: _Collector) -> None:
    # An explicit stack, not recursion: a page of a thousand unclosed <font> or <div> tags nests a
    # thousand deep and would hit Python's recursion limit. Each entry: the children still to read,
    # and the block state to restore once they are read (None for an inline element).
    stats = _TextStats(root)
    stack: list[tuple[Iterator[PageElement], tuple[str, int | None] | None]] = [(iter(root.children), None)]
    while stack:
        children, restore = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if restore is not None:
                out.flush()
                out.kind, out.level = restore
            continue
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.text(str(child))
            continue
        if not isinstance(child, Tag) or _is_boilerplate(child, stats):
            continue
        name = child.name
        if name == "br":
            # Two line breaks in a row separate paragraphs in hand-written pages.
            if out.buffer and out.buffer[-1] == LINE_BREAK:
                out.flush()
            else:
                out.text(LINE_BREAK)
            continue
        if name == "tr":
            out.flush()
            cells = [
                " ".join(cell.get_text(" ").split())
                for cell in child.find_all(["td", "th"], recursive=False)
                if not _is_boilerplate(cell, stats)
            ]
            cells = [cell for cell in cells if cell]
            if cells:
                out.items.append(("paragraph", " | ".join(cells), None))
            continue
        if name == "pre":
            # Preformatted text keeps its line breaks: read it as a plain-text document.
            out.flush()
            from reviewflow.ingest.text import parse_text

            for page in parse_text(child.get_text()):
                out.items.extend((block.kind, block.text, block.level) for block in page.blocks)
            continue
        if name not in BLOCK_TAGS:
            stack.append((iter(child.children), None))  # inline element: its text joins the current block
            continue
        out.flush()
        saved = (out.kind, out.level)
        if name in HEADING_TAGS:
            out.kind, out.level = "heading", HEADING_TAGS[name]
        elif name in LIST_ITEM_TAGS:
            out.kind, out.level = "list_item", None
        elif out.kind == "heading":
            pass  # a div inside a heading is still the heading
        else:
            out.kind, out.level = ("list_item", None) if out.kind == "list_item" else ("paragraph", None)
        stack.append((iter(child.children), saved))


def _content_root(soup: BeautifulSoup) -> Tag:
    """The page's main content (`<main>`, role=main, or its one `<article>`) when it holds most of the
    text, else the body: what sits outside the main element is site furniture."""
    body = soup.body or soup
    articles = body.find_all("article")
    candidates = [body.find("main"), body.find(role="main"), articles[0] if len(articles) == 1 else None]
    total = len(body.get_text(" ", strip=True))
    for candidate in candidates:
        if isinstance(candidate, Tag) and len(candidate.get_text(" ", strip=True)) >= 0.3 * total:
            return candidate
    return body


def parse_html(data: bytes | str) -> list[RawPage]:
    """One page of blocks from an HTML file's bytes (the parser finds the encoding)."""
    soup = BeautifulSoup(data, "lxml")
    root = _content_root(soup)
    out = _Collector()
    _walk(root, out)
    out.flush()
    texts = [normalize_chars(text) for _, text, _ in out.items]
    vocab = Vocabulary.from_lines(line for text in texts for line in text.split(LINE_BREAK))
    blocks: list[RawBlock] = []
    for (kind, _, level), text in zip(out.items, texts):
        # The text of a <pre> or <br>-broken block may still be hard-wrapped: repair hyphenation.
        joined = join_lines(text.split(LINE_BREAK), vocab)
        if joined:
            blocks.append(RawBlock(kind, joined, level if kind == "heading" else None))
    return [RawPage(blocks=blocks, has_text_layer=bool(blocks))]

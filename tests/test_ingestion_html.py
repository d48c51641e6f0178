"""reviewflow.ingest.html: HTML pages to blocks, on hostile nesting and site furniture."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup

from reviewflow.ingest.html import _is_link_menu, _TextStats, parse_html

PAGE = """<html><body><nav><a href="/">Home</a> <a href="/a">About</a> <a href="/c">Contact</a></nav>
<main><h1>Aftercare services</h1>
<div class="related"><a href="/1">Housing</a> <a href="/2">Health</a> <a href="/3">Legal aid</a></div>
<p>Programs should provide safe housing and <a href="/h">case management</a> to survivors.</p>
<ul><li>Offer interpreters.</li><li><b>Screen</b> for <i>trauma</i> early.</li></ul></main></body></html>"""


def _blocks(html: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for page in parse_html(html) for block in page.blocks]


@pytest.mark.parametrize("tag", ["font", "div", "span", "b"])
def test_thousands_of_unclosed_tags_keep_the_document(tag: str) -> None:
    html = "<html><body><h1>Services</h1>" + f"<{tag}>survivors " * 3000 + "<p>Provide safe housing.</p></body></html>"
    start = time.perf_counter()
    blocks = _blocks(html)
    assert blocks[0] == ("heading", "Services")
    assert blocks[-1] == ("paragraph", "Provide safe housing.")
    assert sum(text.count("survivors") for _, text in blocks) == 3000
    assert time.perf_counter() - start < 20  # a hang guard, not a timing test (linear: well under a second)


def test_link_menus_are_dropped_and_prose_with_a_link_is_kept() -> None:
    blocks = _blocks(PAGE)
    assert ("heading", "Aftercare services") in blocks
    assert ("paragraph", "Programs should provide safe housing and case management to survivors.") in blocks
    assert not any("Legal aid" in text or "Contact" in text for _, text in blocks)
    assert ("list_item", "Screen for trauma early.") in blocks


def test_one_pass_figures_equal_asking_each_element() -> None:
    soup = BeautifulSoup(PAGE, "lxml")
    stats = _TextStats(soup.body)
    for tag in soup.body.find_all(True):
        links = tag.find_all("a")
        direct = (len(links), sum(len(a.get_text(" ", strip=True)) for a in links), len(tag.get_text(" ", strip=True)))
        assert stats.link_menu_figures(tag) == direct, tag.name
        assert _is_link_menu(tag, stats) == _is_link_menu(tag)


def test_thousands_of_nested_headers_inside_an_article_are_not_quadratic() -> None:
    # Each <header> asked find_parent for an <article>/<main> through all the headers above it (fuzz: 22 s).
    html = "<html><body><article><h1>Services</h1>" + "<header>byline " * 4000 + "<p>Provide safe housing.</p>"
    start = time.perf_counter()
    blocks = _blocks(html)
    assert blocks[0] == ("heading", "Services")
    assert blocks[-1] == ("paragraph", "Provide safe housing.")
    assert sum(text.count("byline") for _, text in blocks) == 4000  # an article's own header is kept
    assert time.perf_counter() - start < 5  # a hang guard: well under a second now


def test_a_page_header_outside_any_article_is_still_dropped() -> None:
    html = (
        "<html><body><header><p>Site name</p><header><p>Inner</p></header></header>"
        "<main><header><h1>Title</h1></header><p>Provide safe housing.</p></main></body></html>"
    )
    assert _blocks(html) == [("heading", "Title"), ("paragraph", "Provide safe housing.")]

"""The interactive view of the citation network (reviewflow.network.html): one self-contained page
(inline SVG and script, nothing fetched), every piece of document text escaped, each document a node
sized by its citations and each link a path the script can follow."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from network_fixtures import small_network
from reviewflow.network.html import render_html

HOSTILE_TITLE = '<script>alert("title")</script>'
HOSTILE_CITATION = "O'Brien <img src=x onerror=alert(1)>, 2010"


class _Page(HTMLParser):
    """Start tags with their attributes, as a browser parses the page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _hostile_page() -> str:
    return render_html(
        small_network(macy2011={"title": HOSTILE_TITLE, "citation": HOSTILE_CITATION}),
        title="Network <b>of</b> & more",
    )


def test_hostile_document_text_is_escaped_everywhere():
    page = _hostile_page()
    parsed = _Page(page)
    assert HOSTILE_TITLE not in page and "<img" not in page
    assert [tag for tag, _ in parsed.tags].count("script") == 1  # ours
    assert not parsed.all("img") and not parsed.all("b")
    (node,) = parsed.all("g", **{"data-id": "macy2011"})
    # the attribute the script shows through textContent holds the text exactly as written
    info = str(node["data-info"])
    assert info.startswith(f"{HOSTILE_CITATION} — {HOSTILE_TITLE}\n")
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in page
    assert "O&#x27;Brien &lt;img src=x onerror=alert(1)&gt;, 2010" in page  # the node's label


def test_the_page_title_is_escaped_in_the_heading_and_the_svg_label():
    page = _hostile_page()
    assert "<title>Network &lt;b&gt;of&lt;/b&gt; &amp; more</title>" in page
    assert "<h1>Network &lt;b&gt;of&lt;/b&gt; &amp; more</h1>" in page
    (svg,) = _Page(page).all("svg")
    assert svg["aria-label"] == "Network <b>of</b> & more"


def test_the_page_is_self_contained():
    page = render_html(small_network())
    parsed = _Page(page)
    assert not [attrs for _, attrs in parsed.tags if "src" in attrs or "href" in attrs]
    assert not parsed.all("link")
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]  # the SVG namespace only


def test_every_document_is_a_node_and_every_link_an_edge_the_script_can_follow():
    network = small_network()
    parsed = _Page(render_html(network))
    nodes = [str(attrs["data-id"]) for attrs in parsed.all("g", **{"class": "node"})]
    assert nodes == [row["doc_id"] for row in network.nodes]
    edges = [
        (attrs["data-source"], attrs["data-target"], attrs["class"])
        for tag, attrs in parsed.tags
        if tag == "path" and str(attrs.get("class", "")).startswith("edge")
    ]
    assert edges == [
        ("macy2011", "clawson2009", "edge via-in_text"),
        ("shelter2012", "clawson2009", "edge via-in_text"),
        ("shelter2012", "macy2011", "edge via-in_text"),
    ]


def test_a_node_grows_with_the_citations_it_receives():
    parsed = _Page(render_html(small_network()))
    radius = {}
    current = ""
    for tag, attrs in parsed.tags:
        if tag == "g" and attrs.get("class") == "node":
            current = str(attrs["data-id"])
        elif tag == "circle":
            radius[current] = float(str(attrs["r"]))
    # cited twice, once, never (radius 6 + 3.5 * sqrt(times cited))
    assert radius == {"clawson2009": 10.9, "macy2011": 9.5, "shelter2012": 6.0, "coalition_nd": 6.0}


def test_years_are_labelled_and_an_undated_document_sits_at_n_d():
    page = render_html(small_network())
    years = re.findall(r'fill="#666">([^<]+)</text>', page)
    assert years == ["n.d.", "2009", "2011", "2012"]
    assert "4 documents, 3 citation links" in page  # the summary line

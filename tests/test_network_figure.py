"""The static drawing of the citation network (reviewflow.network.figure): byte-identical SVG and PNG
for the same network, labels and legend kept as text, only the most cited labelled in a large
corpus, plain lines for very many links; marker sizes and colours shared with the HTML view."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from network_fixtures import small_network
from reviewflow.network import figure
from reviewflow.network.figure import doc_type_colours, node_size, render_figure


def _text(svg: bytes) -> list[str]:
    """The SVG's text elements, as a reader (or a screen reader) gets them."""
    return [node.text or "" for node in ET.fromstring(svg).iter() if node.tag.endswith("}text")]


def test_the_svg_is_byte_identical_run_to_run_and_undated():
    network = small_network()
    first = render_figure(network, "svg")
    assert render_figure(network, "svg") == first  # matplotlib alone dates the file and salts its ids randomly
    assert b"<dc:date>" not in first


def test_labels_years_and_legend_are_text_in_the_svg():
    texts = _text(render_figure(small_network(), "svg"))
    assert {"Clawson et al., 2009", "Macy & Johns, 2011", "Anti-Trafficking Coalition, n.d."} <= set(texts)
    assert [t for t in texts if t in ("n.d.", "2009", "2011", "2012")] == ["n.d.", "2009", "2011", "2012"]
    assert {"government report", "journal article", "via reference list", "via in text"} <= set(texts)


def test_the_png_is_300_dpi_byte_identical_and_names_no_software():
    network = small_network()
    png = render_figure(network, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in png and render_figure(network, "png") == png
    # pHYs holds pixels per metre: 300 dpi is 11811
    assert b"pHYs" + (11811).to_bytes(4, "big") * 2 in png


def test_a_large_corpus_labels_only_its_most_cited_documents(monkeypatch):
    monkeypatch.setattr(figure, "MAX_LABELS", 2)
    texts = set(_text(render_figure(small_network(), "svg")))
    # Clawson is cited twice, Macy & Johns once; the two documents nobody cites lose their labels
    assert {"Clawson et al., 2009", "Macy & Johns, 2011"} <= texts
    assert not texts & {"Shelter Network, 2012", "Anti-Trafficking Coalition, n.d."}


def test_very_many_links_are_drawn_as_plain_lines(monkeypatch):
    assert b'id="LineCollection_' not in render_figure(small_network(), "svg")
    monkeypatch.setattr(figure, "MAX_ARROWS", 2)  # three links: more than arrows are drawn for
    assert b'id="LineCollection_' in render_figure(small_network(), "svg")


def test_marker_area_grows_with_citations_up_to_the_largest():
    assert node_size(0, 4) == 30.0
    assert node_size(4, 4) == 900.0 and node_size(4, 4, largest=400.0) == 400.0
    assert node_size(1, 4) < node_size(2, 4) < node_size(4, 4)
    assert node_size(0, 0) == 30.0  # a network without citations


def test_a_document_type_keeps_its_colour_whatever_the_order_of_the_documents():
    colours = doc_type_colours(["ngo_report", "journal_article", "ngo_report"])
    assert list(colours) == ["journal_article", "ngo_report"]
    assert doc_type_colours(["journal_article", "ngo_report"]) == colours
    many = doc_type_colours([f"type_{i:02d}" for i in range(12)])
    assert many["type_10"] == many["type_00"] and len(set(many.values())) == 10  # the palette repeats

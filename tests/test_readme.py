"""The README's generated blocks are rebuilt from the results, and a missing block is an error."""

from __future__ import annotations

import json

import pytest

from reviewflow.errors import ReviewflowError
from reviewflow.report.readme import block, network_paragraph, replace_block, table_rows, update_readme

README = """# Title

<!-- table1:start -->
old table
<!-- table1:end -->

text between

<!-- network:start -->
old network
<!-- network:end -->
"""

SUMMARY = {
    "documents": 3,
    "edges": 2,
    "edges_by_via": {"both": 1, "reference_list": 1},
    "density": 0.333333,
    "weakly_connected_components": 1,
    "references_total": 4,
    "references_internal": 2,
    "most_cited": [{"citation": "Aron et al., 2006", "cited_by": 2}],
}


def test_replace_block_rewrites_only_between_the_markers():
    text = replace_block(README, "table1", "| a |\n|---|\n| 1 |")
    assert block(text, "table1") == "| a |\n|---|\n| 1 |\n"
    assert "text between" in text and "old network" in text


def test_a_missing_block_is_an_error_naming_the_markers():
    with pytest.raises(ReviewflowError, match="table2:start"):
        replace_block(README, "table2", "x")


def test_network_paragraph_reports_links_by_route_and_the_share_inside():
    paragraph = network_paragraph(SUMMARY)
    assert paragraph.startswith(
        "3 documents, 2 citation links (via both reference list and text: 1, in-text "
        "only: 0, reference list only: 1), density 0.333333"
    )
    assert "Of 4 reference-list entries, 2 (50%) point inside the corpus" in paragraph
    assert "Most cited inside the corpus: Aron et al., 2006 (2)." in paragraph


def test_update_readme_writes_the_results_and_is_idempotent(tmp_path):
    results = tmp_path / "results"
    (results / "tables").mkdir(parents=True)
    (results / "network").mkdir()
    (results / "tables" / "table1_needs.md").write_text(
        "**Table 1.**\n\n| Phase | Need |\n|---|---|\n| x | y |\n", encoding="utf-8"
    )
    (results / "network" / "summary.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    assert update_readme(readme, results) is True
    text = readme.read_text(encoding="utf-8")
    assert table_rows(block(text, "table1")) == ["| Phase | Need |", "|---|---|", "| x | y |"]
    assert block(text, "network").startswith("3 documents")
    assert update_readme(readme, results) is False


def test_update_readme_without_results_says_to_run_first(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    with pytest.raises(ReviewflowError, match="make run"):
        update_readme(readme, tmp_path / "results")
    assert readme.read_text(encoding="utf-8") == README

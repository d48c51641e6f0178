"""CSV writing: fixed order, deterministic cells, and formulas neutralized in results but not in the
researcher's own manifest."""

from __future__ import annotations

import csv

import pytest

from reviewflow.corpus.manifest import write_rows
from reviewflow.errors import ReviewflowError
from reviewflow.fileio import csv_text, lower_words, write_csv


def test_text_that_a_spreadsheet_would_run_is_neutralized_and_numbers_stay_numbers(tmp_path):
    rows = [
        {
            "quote": '=HYPERLINK("http://example.invalid","x")',
            "note": "@SUM(A1)",
            "kappa": -0.25,
            "score": "-0.5",
            "text": "- a list item",
            "flag": True,
            "codes": ["a", "b"],
        }
    ]
    path = tmp_path / "out.csv"
    write_csv(path, rows, list(rows[0]))
    with open(path, newline="", encoding="utf-8") as handle:
        written = next(csv.DictReader(handle))
    assert written["quote"] == '\'=HYPERLINK("http://example.invalid","x")'
    assert written["note"] == "'@SUM(A1)" and written["text"] == "'- a list item"
    assert written["kappa"] == "-0.25" and written["score"] == "-0.5"
    assert written["flag"] == "true" and written["codes"] == "a;b"


def test_neutralizing_twice_changes_nothing():
    once = csv_text([{"a": "=1+1"}], ["a"])
    assert once == "a\n'=1+1\n"
    assert csv_text([{"a": "'=1+1"}], ["a"]) == once


def test_the_manifest_is_written_back_as_the_researcher_wrote_it(tmp_path):
    path = tmp_path / "manifest.csv"
    write_rows(path, [{"doc_id": "smith2010", "notes": "-- checked by hand", "citation": "Smith, 2010"}])
    assert "-- checked by hand" in path.read_text(encoding="utf-8")
    assert "'--" not in path.read_text(encoding="utf-8")


def test_a_stage_reads_back_exactly_the_text_the_previous_stage_computed(tmp_path):
    from reviewflow.fileio import read_csv_rows

    rows = [{"sentence": '=HYPERLINK("x")', "note": "'quoted by the author", "kappa": "-0.25"}]
    path = tmp_path / "coded.csv"
    write_csv(path, rows, ["sentence", "note", "kappa", "absent"])
    assert read_csv_rows(path) == [{**rows[0], "absent": ""}]


def test_a_word_list_that_yaml_read_as_booleans_is_refused_with_the_fix():
    import yaml

    data = yaml.safe_load("connectors: [of, on, In]\nquoted: [of, 'on', In]")
    with pytest.raises(ReviewflowError, match=r"words.yaml: `connectors` holds True.*quote"):
        lower_words(data, "connectors", "words.yaml")
    assert lower_words(data, "quoted", "words.yaml") == {"of", "on", "in"}

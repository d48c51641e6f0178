"""Untrusted document text on its way to HTML, spreadsheets and Markdown (reviewflow.safety)."""

from __future__ import annotations

import pytest

from reviewflow.safety import escape_html, markdown_escape, neutralize_formula, restore_formula_text


def test_html_escaping_covers_content_and_attributes() -> None:
    payload = '<img src=x onerror="alert(1)"> Smith & Jones\'s'
    escaped = escape_html(payload)
    assert "<" not in escaped and '"' not in escaped and "'" not in escaped
    assert escaped.startswith("&lt;img") and "&amp;" in escaped
    assert escape_html(None) == ""


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555 call", "'+1 555 call"),
        ("-see below", "'-see below"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        # Numbers stay numbers (a kappa of -0.25, a count), and plain text passes through.
        ("-0.25", "-0.25"),
        ("+3", "+3"),
        ("1e-3", "1e-3"),
        ("Shelters offer housing", "Shelters offer housing"),
        (7, 7),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(cell: object, expected: object) -> None:
    assert neutralize_formula(cell) == expected


@pytest.mark.parametrize("text", ["=1+1", "-x", "'quoted already", "plain", "-0.5"])
def test_restoring_gives_back_exactly_the_text_that_was_neutralized(text: str) -> None:
    assert restore_formula_text(str(neutralize_formula(text))) == text


def test_markdown_escaping_breaks_tables_emphasis_links_and_html_but_can_keep_code_ids() -> None:
    hostile = "<b>New</b> | *bold* [link](http://x) `code` emergency_shelter\nnext line"
    escaped = markdown_escape(hostile)
    assert "\\<b\\>" in escaped and "\\|" in escaped and "\\*bold\\*" in escaped and "\\[link\\]" in escaped
    assert "\\`code\\`" in escaped and "emergency\\_shelter" in escaped
    assert "\n" not in escaped
    assert "emergency_shelter" in markdown_escape(hostile, underscores=False)

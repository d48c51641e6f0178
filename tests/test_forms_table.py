"""Manual form fields read back from reviewers' sheets into results/forms.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review_fixtures import default_form, small_corpus, write_form_json
from reviewflow.review.export import export_review_sheet
from reviewflow.review.manual_fields import load_manual_sheet, manual_field_files, manual_field_sources
from reviewflow.review.sheets import MANUAL_SHEET_COLUMNS, decision_files
from reviewflow.synthesis.extraction_table import TABLE_COLUMNS, build_forms_table, forms_table_files


@pytest.fixture(scope="module")
def form():
    return default_form()


def exported(results: Path, form) -> Path:
    out = results / "review" / "review_sheet.xlsx"
    export_review_sheet(
        sorted((results / "coded").glob("*.csv")), sorted((results / "forms").glob("*.json")), form, out
    )
    return out


def fill_manual(
    sheet_path: Path,
    saved: Path,
    values: dict[tuple[str, str], str],
    *,
    reviewer: str = "",
    extra_rows: list[list[str]] | None = None,
) -> Path:
    """A reviewer's copy of the exported workbook with manual fields filled, as a spreadsheet program saves it."""
    book = load_workbook(sheet_path)
    sheet = book["manual_fields"]
    col = {name: MANUAL_SHEET_COLUMNS.index(name) + 1 for name in MANUAL_SHEET_COLUMNS}
    for row in range(2, sheet.max_row + 1):
        key = (sheet.cell(row=row, column=col["doc_id"]).value, sheet.cell(row=row, column=col["field"]).value)
        if key in values:
            sheet.cell(row=row, column=col["value"], value=values[key])
            sheet.cell(row=row, column=col["reviewer"], value=reviewer or None)
    for extra in extra_rows or []:
        sheet.append(extra)
    saved.parent.mkdir(parents=True, exist_ok=True)
    book.save(saved)
    return saved


def forms(results: Path) -> list[Path]:
    return sorted((results / "forms").glob("*.json"))


def table(result, doc_id: str, field: str) -> dict:
    return next(r for r in result.rows if r["doc_id"] == doc_id and r["field"] == field)


def test_reviewer_value_fills_the_manual_field(tmp_path, form):
    small_corpus(tmp_path)
    write_form_json(tmp_path, "aron2006", {"quality_appraisal_notes": "", "include_in_synthesis": ""})
    sheet = exported(tmp_path, form)
    ana = fill_manual(
        sheet,
        tmp_path / "decisions" / "ana.xlsx",
        {
            # as the export writes text that a spreadsheet would run as a formula
            ("aron2006", "quality_appraisal_notes"): "'=SUM(A1) looks like a formula but is a note",
            ("aron2006", "include_in_synthesis"): "Yes",
        },
    )
    result = build_forms_table(forms(tmp_path), decision_files(tmp_path / "decisions"), form)
    notes = table(result, "aron2006", "quality_appraisal_notes")
    # the export's apostrophe before '=' is gone again; the reviewer is the file name
    assert (notes["value"], notes["status"], notes["source"], notes["reviewer"]) == (
        "=SUM(A1) looks like a formula but is a note",
        "filled",
        "reviewer",
        "ana",
    )
    assert table(result, "aron2006", "include_in_synthesis")["value"] == "true"
    untouched = table(result, "clawson2009", "include_in_synthesis")
    assert (untouched["status"], untouched["source"], untouched["value"]) == ("needs_reviewer", "auto", "")
    assert len(result.rows) == 2 * len(form.fields)
    assert [r["field"] for r in result.rows[: len(form.fields)]] == [f.id for f in form.iter_fields()]
    assert [r["status"] for r in result.report] == ["applied", "applied"] and result.conflicts == []

    out = tmp_path / "out"
    paths = dict(table_out=out / "forms.csv", conflicts_out=out / "c.csv", report_out=out / "r.csv")
    forms_table_files(forms=forms(tmp_path), decisions=[ana], form=form.path, **paths)
    first = {name: path.read_bytes() for name, path in paths.items()}
    forms_table_files(forms=forms(tmp_path), decisions=[ana], form=form.path, **paths)
    assert first == {name: path.read_bytes() for name, path in paths.items()}
    with open(paths["table_out"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(TABLE_COLUMNS)
    # The file is opened in spreadsheets: the reviewer's text is kept, neutralized.
    assert any(r["value"] == "'=SUM(A1) looks like a formula but is a note" for r in rows)


def test_two_reviewers_disagree_then_adjudication(tmp_path, form):
    small_corpus(tmp_path)
    sheet = exported(tmp_path, form)
    key = ("clawson2009", "include_in_synthesis")
    fill_manual(sheet, tmp_path / "decisions" / "ana.xlsx", {key: "true", ("aron2006", "include_in_synthesis"): "no"})
    # ben agrees with ana on aron2006 (another spelling of "no") and disagrees on clawson2009
    fill_manual(
        sheet, tmp_path / "decisions" / "ben.xlsx", {key: "false", ("aron2006", "include_in_synthesis"): "False"}
    )
    result = build_forms_table(forms(tmp_path), decision_files(tmp_path / "decisions"), form)
    row = table(result, *key)
    assert (row["value"], row["status"], row["reviewer"]) == ("", "conflict", "ana;ben")
    assert table(result, "aron2006", "include_in_synthesis")["value"] == "false"
    assert [(c["doc_id"], c["field"], c["values"]) for c in result.conflicts] == [
        ("clawson2009", "include_in_synthesis", "true | false")
    ]
    assert sum(r["status"] == "conflict" for r in result.report) == 2
    assert any(
        line.startswith("conflict: clawson2009/include_in_synthesis: reviewers disagree")
        for line in result.problem_lines()
    )

    # a CSV adjudication beside adjudicated.csv settles it
    (tmp_path / "decisions" / "adjudicated.csv").write_text("segment_id,decision\n", encoding="utf-8")
    (tmp_path / "decisions" / "adjudicated.manual_fields.csv").write_text(
        "doc_id,field,value,reviewer,note\nclawson2009,include_in_synthesis,yes,chair,met in May\n", encoding="utf-8"
    )
    files = decision_files(tmp_path / "decisions")
    assert [p.name for p in files] == [
        "adjudicated.csv",
        "ana.xlsx",
        "ben.xlsx",
    ]  # the sibling is not a decisions sheet
    assert [p.name for p in manual_field_sources(files)] == ["adjudicated.manual_fields.csv", "ana.xlsx", "ben.xlsx"]
    # a sibling without its decisions file is still read: its values are never lost
    (tmp_path / "decisions" / "adjudicated.csv").unlink()
    assert [p.name for p in manual_field_files(tmp_path / "decisions")] == [
        "adjudicated.manual_fields.csv",
        "ana.xlsx",
        "ben.xlsx",
    ]
    settled = build_forms_table(forms(tmp_path), manual_field_files(tmp_path / "decisions"), form)
    row = table(settled, *key)
    assert (row["value"], row["status"], row["reviewer"], row["note"]) == (
        "true",
        "filled",
        "chair",
        "chair: met in May",
    )
    assert settled.conflicts == []


def test_renamed_column_sets_the_sheet_aside_with_one_message(tmp_path, form):
    small_corpus(tmp_path)
    sheet = exported(tmp_path, form)
    saved = fill_manual(sheet, tmp_path / "decisions" / "cy.xlsx", {("aron2006", "include_in_synthesis"): "yes"})
    book = load_workbook(saved)
    book["manual_fields"].cell(row=1, column=MANUAL_SHEET_COLUMNS.index("value") + 1, value="Value ")
    book.save(saved)
    values, problems = load_manual_sheet(saved)
    assert values == [] and len(problems) == 1
    message = problems[0]["message"]
    assert message.startswith(f"{saved} (sheet 'manual_fields'): column 'value' is missing (found 'Value '")
    assert "Fix: rename the header cells" in message
    # the run goes on: the field stays for a reviewer to fill
    result = build_forms_table(forms(tmp_path), [saved], form)
    assert table(result, "aron2006", "include_in_synthesis")["status"] == "needs_reviewer"
    assert result.stats["sheet_errors"] == 1 and any(line.startswith("sheet_error:") for line in result.problem_lines())


def test_csv_sibling_missing_column_and_damaged_workbook(tmp_path, form):
    small_corpus(tmp_path)
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "dee.csv").write_text("segment_id,decision\n", encoding="utf-8")
    (folder / "dee.manual_fields.csv").write_text(
        "doc_id,fieldname,value\naron2006,include_in_synthesis,yes\n", encoding="utf-8"
    )
    (folder / "eve.xlsx").write_bytes(b"not a workbook")
    result = build_forms_table(forms(tmp_path), decision_files(folder), form)
    messages = [r["message"] for r in result.report]
    assert len(messages) == 2 and all(r["status"] == "sheet_error" for r in result.report)
    assert "dee.manual_fields.csv: column 'field' is missing (header: 'doc_id', 'fieldname', 'value')" in messages[0]
    assert "eve.xlsx: cannot be read as an .xlsx workbook" in messages[1]


def test_unknown_document_field_auto_field_and_bad_value_are_reported(tmp_path, form):
    small_corpus(tmp_path)
    sheet = exported(tmp_path, form)
    saved = fill_manual(
        sheet,
        tmp_path / "decisions" / "ana.xlsx",
        {("aron2006", "include_in_synthesis"): "maybe"},
        extra_rows=[
            ["gone2001", "include_in_synthesis", "", "yes", "", ""],
            ["aron2006", "risk_of_bias", "", "low", "", ""],
            ["aron2006", "document_type", "", "guide", "", ""],
        ],
    )
    result = build_forms_table(forms(tmp_path), [saved], form)
    statuses = {(r["doc_id"], r["field"]): r["status"] for r in result.report}
    assert statuses == {
        ("aron2006", "include_in_synthesis"): "invalid",
        ("gone2001", "include_in_synthesis"): "unknown_document",
        ("aron2006", "risk_of_bias"): "unknown_field",
        ("aron2006", "document_type"): "not_manual",
    }
    by_status = {r["status"]: r for r in result.report}
    assert "field 'risk_of_bias' is not in the extraction form" in by_status["unknown_field"]["message"]
    assert (
        "use one of the manual fields quality_appraisal_notes, include_in_synthesis"
        in by_status["unknown_field"]["message"]
    )
    assert by_status["unknown_document"]["value"] == "yes"  # reported with the value, not dropped
    assert "'maybe' is not yes/no" in by_status["invalid"]["message"]
    assert table(result, "aron2006", "document_type")["source"] == "auto"
    assert result.stats["unknown"] == 3 and result.stats["invalid"] == 1


def test_later_row_of_same_reviewer_wins(tmp_path, form):
    small_corpus(tmp_path)
    sheet = exported(tmp_path, form)
    saved = fill_manual(
        sheet,
        tmp_path / "decisions" / "ana.xlsx",
        {("aron2006", "quality_appraisal_notes"): "weak"},
        extra_rows=[["aron2006", "quality_appraisal_notes", "", "adequate on second reading", "", ""]],
    )
    result = build_forms_table(forms(tmp_path), [saved], form)
    assert table(result, "aron2006", "quality_appraisal_notes")["value"] == "adequate on second reading"
    assert [r["status"] for r in result.report] == ["superseded", "applied"]

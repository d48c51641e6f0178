"""Review sheet export, loading filled sheets, and resolving several reviewers."""

from __future__ import annotations

import csv
import importlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from review_fixtures import default_form, segment, segment_id, small_corpus, write_coded
from reviewflow.review.decisions import load_decision_sheet
from reviewflow.review.export import export_review_sheet, order_segments
from reviewflow.review.manual_fields import load_manual_sheet
from reviewflow.review.resolution import resolve_decisions
from reviewflow.review.selection import Selection
from reviewflow.review.sheets import (
    MANUAL_SHEET_COLUMNS,
    REVIEWER_COLUMNS,
    SEGMENT_SHEET_COLUMNS,
    decision_files,
    read_segments,
)


@pytest.fixture(scope="module")
def form():
    return default_form()


def export(results: Path, form, out: Path) -> Path:
    export_review_sheet(
        sorted((results / "coded").glob("*.csv")),
        sorted((results / "forms").glob("*.json")),
        form,
        out,
        {"aron2006": "Aron et al., 2006", "clawson2009": "Clawson et al., 2009"},
    )
    return out


def write_decisions_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or ["segment_id", *REVIEWER_COLUMNS]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_export_sheet_layout_and_neutralized_formula(tmp_path, form):
    small_corpus(tmp_path)
    out = export(tmp_path, form, tmp_path / "review" / "review_sheet.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == ["segments", "manual_fields", "instructions"]
    sheet = book["segments"]
    assert [c.value for c in sheet[1]] == list(SEGMENT_SHEET_COLUMNS)
    assert sheet.freeze_panes == "A2"
    rows = [dict(zip(SEGMENT_SHEET_COLUMNS, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 5
    evil = next(r for r in rows if "HYPERLINK" in (r["quote"] or ""))
    assert evil["quote"] == '\'=HYPERLINK("http://evil.example","click")'
    quote_cell = sheet.cell(row=rows.index(evil) + 2, column=SEGMENT_SHEET_COLUMNS.index("quote") + 1)
    assert quote_cell.data_type == "s"  # text, never a formula
    assert rows[0]["citation"] == "Aron et al., 2006" and rows[0]["page"] == 1
    assert all(r[c] is None for r in rows for c in REVIEWER_COLUMNS)
    validations = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    decision_letter = get_column_letter(SEGMENT_SHEET_COLUMNS.index("decision") + 1)
    assert validations[f"{decision_letter}2:{decision_letter}6"] == '"accept,reject,edit"'
    manual = [[c.value for c in row] for row in book["manual_fields"].iter_rows(min_row=2)]
    assert [r[:2] for r in manual] == [
        ["aron2006", "quality_appraisal_notes"],
        ["aron2006", "include_in_synthesis"],
        ["clawson2009", "quality_appraisal_notes"],
        ["clawson2009", "include_in_synthesis"],
    ]
    assert any("adjudicated" in (row[0].value or "") for row in book["instructions"].iter_rows())


def test_export_is_byte_identical(tmp_path, form):
    small_corpus(tmp_path)
    first = export(tmp_path, form, tmp_path / "a.xlsx").read_bytes()
    second = export(tmp_path, form, tmp_path / "b.xlsx").read_bytes()
    assert first == second


def fill_exported_sheet(tmp_path: Path, form, cells: dict[tuple[int, str | int], str], sheet_name: str = "segments"):
    """The exported review workbook with ``cells`` ((row, column name or number) → value) filled, saved as
    corpus/decisions/ana.xlsx as a reviewer would; returns (the small corpus, the saved path)."""
    docs = small_corpus(tmp_path)
    book = load_workbook(export(tmp_path, form, tmp_path / "review" / "review_sheet.xlsx"))
    columns = SEGMENT_SHEET_COLUMNS if sheet_name == "segments" else MANUAL_SHEET_COLUMNS
    for (row, column), value in cells.items():
        number = column if isinstance(column, int) else columns.index(column) + 1
        book[sheet_name].cell(row=row, column=number, value=value)
    saved = tmp_path / "decisions" / "ana.xlsx"
    saved.parent.mkdir()
    book.save(saved)
    return docs, saved


def test_filled_sheet_round_trip(tmp_path, form):
    docs, saved = fill_exported_sheet(
        tmp_path,
        form,
        {
            (2, "decision"): "accept",
            (3, "decision"): "Edit",  # case is forgiven in values
            (3, "codes_override"): "shelter_housing; transitional_housing",
            (3, "phase_override"): "recovery",  # an alias of stabilization
            (5, "decision"): "reject",
            (5, "note"): "'=not a formula",
        },
    )

    decisions, problems = load_decision_sheet(saved, form.codebook)
    assert problems == []
    assert [(d.segment_id, d.decision, d.reviewer) for d in decisions] == [
        (docs["aron2006"][0]["segment_id"], "accept", "ana"),
        (docs["aron2006"][1]["segment_id"], "edit", "ana"),
        (docs["clawson2009"][0]["segment_id"], "reject", "ana"),
    ]
    edit = decisions[1]
    assert edit.codes_override == ("shelter_housing", "transitional_housing")
    assert edit.phase_override == "stabilization"
    assert decisions[2].note == "=not a formula"  # the export's apostrophe is stripped again
    assert decisions[0].doc_id == "aron2006"


def test_formula_in_a_decisions_cell_refuses_its_row_naming_file_row_and_column(tmp_path, form):
    docs, saved = fill_exported_sheet(
        tmp_path,
        form,
        {
            (2, "decision"): "accept",
            (2, "note"): "=1+1",  # openpyxl stores a string starting with '=' as a formula
            (3, "decision"): "reject",
            (3, len(SEGMENT_SHEET_COLUMNS) + 1): "=2+2",  # an extra column: ignored
            (4, "note"): "=3+3",  # no decision in this row: nothing to refuse
        },
    )
    assert load_workbook(saved)["segments"].cell(row=2, column=SEGMENT_SHEET_COLUMNS.index("note") + 1).data_type == "f"

    decisions, problems = load_decision_sheet(saved, form.codebook)
    assert [d.segment_id for d in decisions] == [docs["aron2006"][1]["segment_id"]]
    (problem,) = problems
    assert problem["status"] == "invalid" and problem["row"] == 2
    assert problem["segment_id"] == docs["aron2006"][0]["segment_id"]
    assert problem["message"].startswith(f"{saved}: row 2: column 'note' holds the formula =1+1. ")
    assert "Fix: type the value itself" in problem["message"]


def test_formula_in_the_manual_fields_sheet_is_refused(tmp_path, form):
    _, saved = fill_exported_sheet(tmp_path, form, {(2, "value"): "=SUM(1,2)", (3, "value"): "typed"}, "manual_fields")
    values, refused = load_manual_sheet(saved)
    assert [(v.row, v.value) for v in values] == [(3, "typed")]
    (row,) = refused
    field = load_workbook(saved)["manual_fields"].cell(row=2, column=MANUAL_SHEET_COLUMNS.index("field") + 1).value
    assert (row["status"], row["row"], row["field"]) == ("invalid", 2, field)
    assert row["message"].startswith(
        f"{saved} (sheet 'manual_fields'): row 2: column 'value' holds the formula =SUM(1,2)"
    )


def test_renamed_column_refuses_the_sheet_with_one_message(tmp_path, form):
    docs = small_corpus(tmp_path)
    sid = docs["aron2006"][0]["segment_id"]
    path = write_decisions_csv(
        tmp_path / "decisions" / "ben.csv",
        [{"segment_id": sid, "Decision ": "accept"}],
        header=["segment_id", "Decision "],
    )
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert decisions == []
    assert len(problems) == 1 and problems[0]["status"] == "sheet_error"
    message = problems[0]["message"]
    assert message.startswith(f"{path}: column 'decision' is missing (found 'Decision '")
    assert "Fix: rename the header cells" in message


def test_missing_required_column(tmp_path, form):
    path = write_decisions_csv(
        tmp_path / "d" / "cy.csv", [{"segment_id": "0" * 16, "verdict": "accept"}], header=["segment_id", "verdict"]
    )
    _, problems = load_decision_sheet(path, form.codebook)
    assert "column 'decision' is missing (header: 'segment_id', 'verdict')" in problems[0]["message"]


def test_a_csv_sheet_the_csv_module_refuses_is_a_sheet_error(tmp_path, form):
    # A cell over the csv module's 131,072-character limit raised csv.Error out of load_decision_sheet (fuzz).
    path = tmp_path / "d" / "dee.csv"
    path.parent.mkdir()
    path.write_text("segment_id,decision,note\n" + "0" * 16 + ',accept,"' + "x" * 140_000 + "\n", encoding="utf-8")
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert decisions == []
    (problem,) = problems
    assert problem["status"] == "sheet_error"
    assert problem["message"].startswith(f"{path}: the decisions sheet cannot be read as CSV at line ")
    assert "Fix: check the double quotes" in problem["message"]


def test_an_xlsx_whose_sheet_xml_is_damaged_is_a_sheet_error(tmp_path, form):
    # A read-only workbook parses its sheet while the rows are read: ParseError escaped load_decision_sheet (fuzz).
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "segments"
    book.active.append(["segment_id", "decision"])
    book.active.append(["0" * 16, "accept"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "d" / "eve.xlsx"
    path.parent.mkdir()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content[: len(content) // 2] if name == "xl/worksheets/sheet1.xml" else content)
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert decisions == []
    (problem,) = problems
    assert problem["status"] == "sheet_error"
    assert problem["message"].startswith(f"{path}: cannot be read as an .xlsx workbook (")
    assert "Fix: save it from the spreadsheet program" in problem["message"]


def test_bad_rows_are_refused_alone(tmp_path, form):
    docs = small_corpus(tmp_path)
    a, b, c = (row["segment_id"] for row in docs["aron2006"])
    path = write_decisions_csv(
        tmp_path / "d" / "dee.csv",
        [
            {"segment_id": a, "decision": "edit", "codes_override": "mental_helth"},
            {"segment_id": b, "decision": "maybe"},
            {"segment_id": c, "decision": "accept", "phase_override": "immediate"},
            {"segment_id": c, "decision": "", "note": "looked, no opinion"},
            {"segment_id": c, "decision": "reject", "reviewer": "Dee K."},
        ],
    )
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert [(d.segment_id, d.decision, d.reviewer) for d in decisions] == [(c, "reject", "Dee K.")]
    assert [p["row"] for p in problems] == [2, 3, 4]
    assert "did you mean 'mental_health'?" in problems[0]["message"]
    assert "column 'decision': 'maybe' is not valid" in problems[1]["message"]
    assert "write 'edit' in decision" in problems[2]["message"]


def test_decision_files_skip_readme_lock_and_hidden(tmp_path):
    for name in ("README.md", "~$ana.xlsx", ".ana.csv.swp", ".hidden.csv", "ana.xlsx", "ben.csv", "notes.txt"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in decision_files(tmp_path)] == ["ana.xlsx", "ben.csv"]
    assert decision_files(tmp_path / "absent") == []


def _decide(tmp_path, name, rows):
    return write_decisions_csv(tmp_path / "decisions" / f"{name}.csv", rows)


def test_resolution_conflict_agreement_adjudication_and_vanished(tmp_path, form):
    docs = small_corpus(tmp_path)
    segments = {row["segment_id"]: row for row in read_segments((tmp_path / "coded").glob("*.csv"))}
    s1, s2, _ = (row["segment_id"] for row in docs["aron2006"])
    s5 = docs["clawson2009"][1]["segment_id"]
    gone = segment_id("aron2006", "A sentence the new ingest no longer produces.")
    sheets = [
        _decide(
            tmp_path,
            "ana",
            [
                {"segment_id": s1, "decision": "accept"},
                {"segment_id": s2, "decision": "reject"},
                {"segment_id": s5, "decision": "accept"},
                {"segment_id": gone, "decision": "accept"},
            ],
        ),
        # ben's edit repeats the automatic codes: same coding as ana's accept, so no conflict on s1
        _decide(
            tmp_path,
            "ben",
            [
                {"segment_id": s1, "decision": "edit", "codes_override": "mental_health;ongoing_mental_health"},
                {"segment_id": s2, "decision": "accept"},
                {"segment_id": s5, "decision": "reject"},
            ],
        ),
        _decide(tmp_path, "adjudicated", [{"segment_id": s5, "decision": "accept", "reviewer": "chair"}]),
    ]
    decisions = []
    report = []
    for sheet in sheets:
        found, problems = load_decision_sheet(sheet, form.codebook)
        decisions += found
        report += problems
    resolution = resolve_decisions(decisions, segments, form.codebook)
    assert report == []
    assert set(resolution.applied) == {s1, s5}
    assert resolution.applied[s1].reviewers == ("ana", "ben")
    assert resolution.applied[s5].reviewers == ("chair",) and resolution.applied[s5].decision == "accept"
    assert list(resolution.conflicts) == [s2]
    statuses = {(Path(r["source"]).stem, r["segment_id"]): r["status"] for r in resolution.report}
    assert statuses[("ana", gone)] == "unmatched"
    assert statuses[("ana", s2)] == statuses[("ben", s2)] == "conflict"
    assert statuses[("ana", s5)] == statuses[("ben", s5)] == "superseded"
    assert statuses[("adjudicated", s5)] == "applied"
    assert len(resolution.report) == 8  # every decision read has a line
    # CSV sheets have no doc_id column: the report names the coded segment's document
    doc_ids = {(Path(r["source"]).stem, r["segment_id"]): r["doc_id"] for r in resolution.report}
    assert doc_ids[("ben", s2)] == "aron2006" and doc_ids[("adjudicated", s5)] == "clawson2009"
    assert doc_ids[("ana", gone)] == ""  # a segment that no longer exists has no document to name


def test_later_row_of_same_reviewer_wins(tmp_path, form):
    docs = small_corpus(tmp_path)
    segments = {row["segment_id"]: row for row in read_segments((tmp_path / "coded").glob("*.csv"))}
    s1 = docs["aron2006"][0]["segment_id"]
    sheet = _decide(
        tmp_path, "ana", [{"segment_id": s1, "decision": "reject"}, {"segment_id": s1, "decision": "accept"}]
    )
    decisions, _ = load_decision_sheet(sheet, form.codebook)
    resolution = resolve_decisions(decisions, segments, form.codebook)
    assert resolution.applied[s1].decision == "accept"
    assert [r["status"] for r in resolution.report] == ["superseded", "applied"]


def test_cli_export_and_agreement(tmp_path, form, capsys):
    from argparse import Namespace

    from reviewflow.cli.review import cli_agreement, cli_export
    from reviewflow.errors import ReviewflowError

    docs = small_corpus(tmp_path)
    assert cli_export(Namespace(results=str(tmp_path), out=None)) == 0
    assert (tmp_path / "review" / "review_sheet.xlsx").is_file()
    assert "5 segments from 2 documents" in capsys.readouterr().out
    write_decisions_csv(
        tmp_path / "decisions" / "ana.csv", [{"segment_id": docs["aron2006"][0]["segment_id"], "decision": "reject"}]
    )
    assert cli_agreement(Namespace(results=str(tmp_path), decisions=str(tmp_path / "decisions"))) == 0
    printed = capsys.readouterr().out
    assert "auto vs ana: 1 segments" in printed
    with open(tmp_path / "review" / "agreement.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["code"] == "is_recommendation" and rows[0]["percent_agreement"] == "0.0"
    with pytest.raises(ReviewflowError, match="no coded documents"):
        cli_export(Namespace(results=str(tmp_path / "empty"), out=None))


# --------------------------------------------------------------------------------------------------
# Sheet order and the scorer's columns


def scored_corpus(results: Path) -> dict[str, list[dict]]:
    """The small corpus with the scorer's confidence and decided_by filled as a model run writes them
    (one row without a confidence: coded by the rules alone)."""
    docs = small_corpus(results)
    scores = {
        "aron2006": [("0.910", "both"), ("0.480", "rules"), ("0.050", "")],
        "clawson2009": [("", ""), ("0.620", "model")],
    }
    for doc_id, rows in docs.items():
        for row, (confidence, decided_by) in zip(rows, scores[doc_id], strict=True):
            row.update(confidence=confidence, decided_by=decided_by)
        write_coded(results, doc_id, rows)
    return docs


def sheet_rows(path: Path) -> list[dict]:
    sheet = load_workbook(path)["segments"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def test_sheet_shows_confidence_and_decided_by_beside_the_automatic_codes(tmp_path, form):
    scored_corpus(tmp_path)
    rows = sheet_rows(export(tmp_path, form, tmp_path / "sheet.xlsx"))
    assert SEGMENT_SHEET_COLUMNS.index("confidence") == SEGMENT_SHEET_COLUMNS.index("phase") + 1
    assert SEGMENT_SHEET_COLUMNS[-len(REVIEWER_COLUMNS) :] == REVIEWER_COLUMNS
    assert [(r["confidence"], r["decided_by"]) for r in rows] == [
        (0.91, "both"),
        (0.48, "rules"),
        (0.05, None),
        (None, None),
        (0.62, "model"),
    ]  # numbers, so a reviewer can sort


def test_least_confident_order_puts_the_uncertain_first_and_unscored_last(tmp_path, form):
    docs = scored_corpus(tmp_path)
    default = sheet_rows(export(tmp_path, form, tmp_path / "document.xlsx"))
    assert [r["segment_id"] for r in default] == [
        row["segment_id"] for doc in ("aron2006", "clawson2009") for row in docs[doc]
    ]
    out = tmp_path / "uncertain.xlsx"
    export_review_sheet(
        sorted((tmp_path / "coded").glob("*.csv")),
        sorted((tmp_path / "forms").glob("*.json")),
        form,
        out,
        order="least-confident",
    )
    assert [r["confidence"] for r in sheet_rows(out)] == [0.48, 0.62, 0.91, 0.05, None]
    again = tmp_path / "again.xlsx"
    export_review_sheet(
        sorted((tmp_path / "coded").glob("*.csv")),
        sorted((tmp_path / "forms").glob("*.json")),
        form,
        again,
        order="least-confident",
    )
    assert again.read_bytes() == out.read_bytes()


def test_order_ties_keep_the_document_order_and_bad_cells_count_as_unscored():
    rows = [
        {"segment_id": "a", "confidence": "0.600"},
        {"segment_id": "b", "confidence": "oops"},
        {"segment_id": "c", "confidence": "0.400"},
        {"segment_id": "d", "confidence": ""},
        {"segment_id": "e", "confidence": "0.600"},
        {"segment_id": "f"},
    ]
    assert [r["segment_id"] for r in order_segments(rows, "least-confident")] == ["a", "c", "e", "b", "d", "f"]
    assert order_segments(rows, "document") == rows
    from reviewflow.errors import ReviewflowError

    with pytest.raises(ReviewflowError, match="least-confident"):
        order_segments(rows, "random")


def test_decision_sheets_read_with_or_without_the_scorer_columns(tmp_path, form):
    docs = scored_corpus(tmp_path)
    first, second = docs["aron2006"][0]["segment_id"], docs["aron2006"][1]["segment_id"]
    old = write_decisions_csv(tmp_path / "decisions" / "old.csv", [{"segment_id": first, "decision": "reject"}])
    new = write_decisions_csv(
        tmp_path / "decisions" / "new.csv",
        [{"segment_id": second, "confidence": "0.48", "decided_by": "rules", "decision": "accept"}],
        header=["segment_id", "confidence", "decided_by", *REVIEWER_COLUMNS],
    )
    assert [(d.segment_id, d.decision) for d in load_decision_sheet(old, form.codebook)[0]] == [(first, "reject")]
    assert [(d.segment_id, d.decision) for d in load_decision_sheet(new, form.codebook)[0]] == [(second, "accept")]
    book = load_workbook(export(tmp_path, form, tmp_path / "review" / "review_sheet.xlsx"))
    book["segments"].cell(row=3, column=SEGMENT_SHEET_COLUMNS.index("decision") + 1, value="accept")
    book.save(tmp_path / "decisions" / "ana.xlsx")
    decisions, problems = load_decision_sheet(tmp_path / "decisions" / "ana.xlsx", form.codebook)
    assert problems == [] and [(d.segment_id, d.decision) for d in decisions] == [(second, "accept")]


def test_cli_export_least_confident(tmp_path, form, capsys):
    from argparse import Namespace

    from reviewflow.cli import main
    from reviewflow.cli.review import cli_export

    scored_corpus(tmp_path)
    assert cli_export(Namespace(results=str(tmp_path), out=None, order="least-confident")) == 0
    assert "least confident first" in capsys.readouterr().out
    assert sheet_rows(tmp_path / "review" / "review_sheet.xlsx")[0]["confidence"] == 0.48
    assert main(["review", "export", "--results", str(tmp_path), "--out", str(tmp_path / "cli.xlsx")]) == 0
    assert [r["confidence"] for r in sheet_rows(tmp_path / "cli.xlsx")][:2] == [0.91, 0.48]


# ---- big or mis-delimited sheets are refused or read in linear time (issue 14) ---------------------
def _count_calls(monkeypatch: pytest.MonkeyPatch, module: str, name: str) -> list[int]:
    """The calls of reviewflow.review.<module>.<name> from now on (the module that calls it looks it up
    there): the length of each call's first argument."""
    review = importlib.import_module(f"reviewflow.review.{module}")

    calls: list[int] = []
    original = getattr(review, name)

    def counting(value, *args, **kwargs):
        calls.append(len(str(value)))
        return original(value, *args, **kwargs)

    monkeypatch.setattr(review, name, counting)
    return calls


def test_a_tab_separated_sheet_is_refused_by_its_header_without_reading_its_rows(tmp_path, form, monkeypatch):
    # A 35 MB tab-separated sheet was read row by row (minutes) only to be refused for its header.
    path = tmp_path / "d" / "ana.csv"
    path.parent.mkdir()
    header = "\t".join(["segment_id", *REVIEWER_COLUMNS])
    path.write_text(header + "\n" + ("0" * 16 + "\taccept" + "\t" * 4 + "\n") * 20_000, encoding="utf-8")
    cells_read = _count_calls(monkeypatch, "sheets", "cell_text")
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert decisions == [] and cells_read == []
    (problem,) = problems
    assert problem["status"] == "sheet_error"
    assert problem["message"].startswith(f"{path}: the header is one cell with tabs in it ('segment_id\\tdecision")
    assert "Fix: save it again as 'CSV UTF-8 (comma delimited)' or as an Excel workbook (.xlsx)" in problem["message"]


def test_an_overlong_decision_cell_refuses_its_row_without_splitting_it(tmp_path, form, monkeypatch):
    docs = small_corpus(tmp_path)
    a, b, _ = (row["segment_id"] for row in docs["aron2006"])
    path = write_decisions_csv(
        tmp_path / "d" / "dee.csv",
        [
            {"segment_id": a, "decision": "edit", "codes_override": "mental_health;" * 5_000},
            {"segment_id": b, "decision": "edit", "codes_override": "mental_health"},
        ],
    )
    splits = _count_calls(monkeypatch, "decisions", "split_ids")
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert [(d.segment_id, d.codes_override) for d in decisions] == [(b, ("mental_health",))]
    assert splits and max(splits) < 100  # the 70,000-character cell was never split into ids
    (problem,) = problems
    assert problem["row"] == 2 and problem["status"] == "invalid"
    assert "column 'codes_override' holds 70,000 characters" in problem["message"]
    assert "Fix: correct the row; it is not applied until then." in problem["message"]


def test_blank_lines_by_the_thousand_keep_row_numbers_and_cost_no_row_each(tmp_path, form, monkeypatch):
    docs = small_corpus(tmp_path)
    a = docs["aron2006"][0]["segment_id"]
    path = tmp_path / "d" / "dee.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("segment_id,decision\n" + "\n" * 50_000 + f"{a},maybe\n", encoding="utf-8")
    cells_read = _count_calls(monkeypatch, "sheets", "cell_text")
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert decisions == [] and len(cells_read) == 2  # the last row's two cells: blank lines are not read as rows
    assert problems[0]["row"] == 50_002 and "'maybe' is not valid" in problems[0]["message"]


def test_a_sheet_of_excels_row_limit_is_read_and_one_row_more_is_refused_alone(tmp_path, form, monkeypatch):
    # A sheet of millions of rows was loaded whole (about 1 KB and 0.2 ms a valid row): now a sheet is
    # read up to Excel's 1,048,576 rows, and one longer is refused as soon as the row past it is read.
    from reviewflow.review import sheets
    from reviewflow.review.decisions import load_decisions

    docs = small_corpus(tmp_path)
    a, b = (row["segment_id"] for row in docs["aron2006"][:2])
    folder = tmp_path / "d"
    folder.mkdir()
    blank = sheets.MAX_SHEET_ROWS - 2  # header, blank lines, one decision: exactly the limit
    (folder / "ana.csv").write_text(f"segment_id,decision\n{chr(10) * blank}{a},accept\n", encoding="utf-8")
    (folder / "ben.csv").write_text(f"segment_id,decision\n{chr(10) * (blank + 1)}{b},reject\n", encoding="utf-8")
    (folder / "cy.csv").write_text(f"segment_id,decision\n{b},accept\n", encoding="utf-8")
    ben_bytes = (folder / "ben.csv").read_bytes()
    cells_read = _count_calls(monkeypatch, "sheets", "cell_text")
    decisions, problems = load_decisions(decision_files(folder), form.codebook)
    assert [(d.reviewer, d.segment_id, d.decision, d.row) for d in decisions] == [
        ("ana", a, "accept", sheets.MAX_SHEET_ROWS),
        ("cy", b, "accept", 2),
    ]
    assert len(cells_read) == 4  # ana's and cy's decision rows: ben's is never reached
    (problem,) = problems
    assert problem["status"] == "sheet_error" and problem["source"] == str(folder / "ben.csv")
    assert problem["message"].startswith(f"{folder / 'ben.csv'}: more than 1,048,576 rows, more than a spreadsheet")
    assert "Fix: delete the empty rows below the table" in problem["message"]
    assert (folder / "ben.csv").read_bytes() == ben_bytes  # the reviewer's file is never written


def test_an_xlsx_sheet_past_the_row_limit_is_refused_with_its_sheet_named(tmp_path, form, monkeypatch):
    from openpyxl import Workbook

    from reviewflow.review import sheets

    docs = small_corpus(tmp_path)
    a = docs["aron2006"][0]["segment_id"]
    monkeypatch.setattr(sheets, "MAX_SHEET_ROWS", 4)  # the xlsx reader counts the same way, at any limit
    for name, rows in (("ana.xlsx", 3), ("ben.xlsx", 4)):
        book = Workbook()
        book.active.title = "segments"
        book.active.append(["segment_id", "decision"])
        for _ in range(rows):
            book.active.append([a, "accept"])
        book.save(tmp_path / name)
    assert [d.row for d in load_decision_sheet(tmp_path / "ana.xlsx", form.codebook)[0]] == [2, 3, 4]
    decisions, (problem,) = load_decision_sheet(tmp_path / "ben.xlsx", form.codebook)
    assert decisions == [] and problem["status"] == "sheet_error"
    assert problem["message"].startswith(f"{tmp_path / 'ben.xlsx'} (sheet 'segments'): more than 4 rows")


def test_decided_at_is_read_from_the_sheet_and_reported_per_decision(tmp_path, form):
    import datetime

    from reviewflow.synthesis.combine import combine

    _docs, saved = fill_exported_sheet(
        tmp_path,
        form,
        {
            (2, "decision"): "accept",
            (2, "decided_at"): datetime.datetime(2026, 11, 30, 14, 5),  # a date cell, as a spreadsheet saves it
            (3, "decision"): "reject",
            (3, "decided_at"): "2026-11-29",
            (5, "decision"): "reject",  # not recorded: stays empty, never the file's time
        },
    )
    decisions, problems = load_decision_sheet(saved, form.codebook)
    assert problems == []
    assert [d.decided_at for d in decisions] == ["2026-11-30 14:05", "2026-11-29", ""]
    combined = combine(sorted((tmp_path / "coded").glob("*.csv")), [saved], form.codebook, lambda citation: None)
    applied = [row for row in combined.report if row["status"] == "applied"]
    assert [(r["source"], r["row"], r["reviewer"], r["decided_at"]) for r in applied] == [
        (str(saved), 2, "ana", "2026-11-30 14:05"),
        (str(saved), 3, "ana", "2026-11-29"),
        (str(saved), 5, "ana", ""),
    ]


def test_a_decided_at_that_is_not_a_date_refuses_its_row(tmp_path, form):
    docs = small_corpus(tmp_path)
    a = docs["aron2006"][0]["segment_id"]
    path = write_decisions_csv(
        tmp_path / "d" / "dee.csv", [{"segment_id": a, "decision": "accept", "decided_at": "last Tuesday"}]
    )
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert (
        decisions == []
        and "column 'decided_at': 'last Tuesday' is not valid (when the reviewer decided" in problems[0]["message"]
    )


def test_export_for_a_reviewer_fills_in_their_earlier_decisions(tmp_path, form, capsys):
    from argparse import Namespace

    from reviewflow.cli.review import cli_export
    from reviewflow.errors import ReviewflowError

    docs = small_corpus(tmp_path)
    a, b, c = (row["segment_id"] for row in docs["aron2006"])
    decisions = tmp_path / "decisions"
    write_decisions_csv(
        decisions / "ana.csv",
        [
            {"segment_id": a, "decision": "accept", "decided_at": "2026-11-02"},
            {"segment_id": b, "decision": "edit", "codes_override": "mental_health", "note": "counseling"},
            {"segment_id": a, "decision": "reject"},  # her later row wins
        ],
    )
    write_decisions_csv(decisions / "ben.csv", [{"segment_id": c, "decision": "reject"}])
    config = tmp_path / "review.yaml"
    text = (Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text(encoding="utf-8")
    config.write_text(text.replace("decisions_dir: corpus/decisions", f"decisions_dir: {decisions}"), encoding="utf-8")
    args = dict(config=str(config), results=str(tmp_path), out=None, order="document")
    assert cli_export(Namespace(**args, reviewer="Ana", undecided=False)) == 0
    assert "ana's 2 earlier decision(s) filled in" in capsys.readouterr().out  # the name as her rows have it
    rows = {row["segment_id"]: row for row in sheet_rows(tmp_path / "review" / "review_sheet.xlsx")}
    assert (rows[a]["decision"], rows[a]["decided_at"], rows[a]["reviewer"]) == ("reject", None, "ana")
    assert (rows[b]["decision"], rows[b]["codes_override"], rows[b]["note"]) == ("edit", "mental_health", "counseling")
    assert rows[c]["decision"] is None  # ben's, not hers
    assert cli_export(Namespace(**args, reviewer="ana", undecided=True)) == 0
    rows = sheet_rows(tmp_path / "review" / "review_sheet.xlsx")
    assert a not in {row["segment_id"] for row in rows} and len(rows) == 3
    with pytest.raises(ReviewflowError, match="--undecided needs --reviewer"):
        cli_export(Namespace(**args, reviewer=None, undecided=True))
    with pytest.raises(ReviewflowError, match="which reviewflow never writes to"):
        cli_export(Namespace(**{**args, "out": str(decisions / "ana.xlsx")}, reviewer="ana", undecided=False))
    assert not (decisions / "ana.xlsx").exists()


def _polarity_sheet(tmp_path, decided):
    """The small corpus and dee's sheet deciding its first segments: (decision, polarity_override) each."""
    docs = small_corpus(tmp_path)
    rows = [
        {"segment_id": segment["segment_id"], "decision": decision, "polarity_override": polarity}
        for segment, (decision, polarity) in zip(docs["aron2006"], decided)
    ]
    return docs, write_decisions_csv(tmp_path / "d" / "dee.csv", rows)


def test_a_polarity_override_turns_a_recommendation_into_a_caution_and_counts_in_agreement(tmp_path, form):
    from reviewflow.review.agreement import agreement_rows, rater_codings
    from reviewflow.synthesis.combine import combine

    # as a reviewer types it: any case, a space, an apostrophe
    docs, path = _polarity_sheet(tmp_path, [("edit", "Do not"), ("edit", "don't")])
    counseling = docs["aron2006"][0]["segment_id"]
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert problems == [] and [d.polarity_override for d in decisions] == ["do_not", "do_not"]
    combined = combine(sorted((tmp_path / "coded").glob("*.csv")), [path], form.codebook, lambda citation: None)
    rows = {row["segment_id"]: row for row in combined.rows}
    assert rows[counseling]["polarity"] == "do_not" and rows[counseling]["decision"] == "edit"
    assert rows[docs["aron2006"][1]["segment_id"]]["polarity"] == "do_not"
    # the codes and the phase stay the automatic ones
    assert rows[counseling]["service_areas"] == "mental_health" and rows[counseling]["phase"] == "stabilization"
    applied = [r for r in combined.report if r["status"] == "applied"]
    assert [r["polarity_override"] for r in applied] == ["do_not", "do_not"]
    auto_rows = {row["segment_id"]: row for docs_rows in docs.values() for row in docs_rows}
    raters = rater_codings(auto_rows, decisions, form.codebook)
    polarity = [r for r in agreement_rows(raters, form.codebook) if r["code"] == "polarity"]
    assert [(r["rater_b"], r["n_segments"], r["n_agree"]) for r in polarity] == [("dee", 2, 0)]


def test_a_polarity_override_needs_edit_and_a_known_polarity(tmp_path, form):
    _docs, path = _polarity_sheet(tmp_path, [("accept", "do_not"), ("edit", "maybe")])
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert decisions == []
    assert "polarity_override are filled but decision is 'accept'" in problems[0]["message"]
    assert "column 'polarity_override': 'maybe' is not valid (with decision=edit, do" in problems[1]["message"]


def test_a_sheet_from_before_polarity_override_is_still_read(tmp_path, form):
    docs = small_corpus(tmp_path)
    a = docs["aron2006"][0]["segment_id"]
    path = tmp_path / "d" / "old.csv"
    path.parent.mkdir(parents=True)
    path.write_text(f"segment_id,decision,codes_override,phase_override,reviewer,note\n{a},accept,,,old,\n")
    decisions, problems = load_decision_sheet(path, form.codebook)
    assert problems == [] and [(d.decision, d.polarity_override) for d in decisions] == [("accept", "")]


# ---- export filters: --doc, --recommendations-only, headings and --all-segments (issue 13) --------
def _with_headings(results: Path) -> dict[str, list[dict]]:
    """The small corpus with two headings in aron2006: a label, and one the coder calls a recommendation."""
    docs = small_corpus(results)
    label = segment("aron2006", "Findings", rec=False)
    advice = segment("aron2006", "Start with assessment", practices="needs_assessment")
    for row in (label, advice):
        row["segment_kind"] = "heading"
    docs["aron2006"] = [label, *docs["aron2006"], advice]
    write_coded(results, "aron2006", docs["aron2006"])
    return docs


def _review_config(tmp_path: Path, decisions: Path) -> Path:
    """The default review's config with its decisions folder in ``decisions``."""
    config = tmp_path / "review.yaml"
    text = (Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text(encoding="utf-8")
    config.write_text(text.replace("decisions_dir: corpus/decisions", f"decisions_dir: {decisions}"), encoding="utf-8")
    return config


def _export_cli(tmp_path: Path, decisions: Path, *options: str) -> int:
    from reviewflow.cli import main

    config = _review_config(tmp_path, decisions)
    return main(["review", "export", "--config", str(config), "--results", str(tmp_path), *options])


def test_headings_are_left_out_unless_all_segments_but_a_recommending_heading_stays(tmp_path, form):
    docs = _with_headings(tmp_path)
    label, *_, advice = docs["aron2006"]
    coded = sorted((tmp_path / "coded").glob("*.csv"))
    written = export_review_sheet(coded, [], form, tmp_path / "sheet.xlsx")
    ids = [row["segment_id"] for row in sheet_rows(tmp_path / "sheet.xlsx")]
    assert label["segment_id"] not in ids and advice["segment_id"] in ids and len(ids) == 6
    assert [(item.summary(), item.segment_ids) for item in written.left_out] == [
        ("1 heading (--all-segments puts it back)", (label["segment_id"],))
    ]
    everything = export_review_sheet(coded, [], form, tmp_path / "all.xlsx", selection=Selection(all_segments=True))
    assert everything.left_out == () and everything.n_segments == 7
    assert sheet_rows(tmp_path / "all.xlsx")[0]["segment_id"] == label["segment_id"]
    # a decision that makes the label heading a recommendation puts it back in the sheet
    kept = export_review_sheet(coded, [], form, tmp_path / "b.xlsx", applied={label["segment_id"]: True})
    assert kept.n_segments == 7


def test_export_of_named_documents_only_refuses_an_unknown_doc_id_and_writes_nothing(tmp_path, form, capsys):
    small_corpus(tmp_path)
    decisions = tmp_path / "decisions"
    out = tmp_path / "review" / "review_sheet.xlsx"
    assert _export_cli(tmp_path, decisions, "--doc", "Clawson2009") == 0
    assert "2 segments from 1 documents. Left out: 3 segments of other documents (--doc), 0 headings" in (
        capsys.readouterr().out
    )
    assert {row["doc_id"] for row in sheet_rows(out)} == {"clawson2009"}
    manual = load_workbook(out)["manual_fields"]
    assert {row[0].value for row in manual.iter_rows(min_row=2)} == {"clawson2009"}
    assert _export_cli(tmp_path, decisions, "--doc", "clawson2009, aron2006", "--doc", "aron2006") == 0
    assert len(sheet_rows(out)) == 5
    before = out.read_bytes()
    capsys.readouterr()
    assert _export_cli(tmp_path, decisions, "--doc", "aron2006,aron2060", "--recommendations-only") == 2
    message = capsys.readouterr().err
    assert "no coded document 'aron2060' (did you mean 'aron2006'?)" in message and "Nothing was written" in message
    assert out.read_bytes() == before  # the earlier sheet stands


def test_recommendations_only_goes_by_the_coder_or_an_applied_decision(tmp_path, form, capsys):
    docs = _with_headings(tmp_path)
    label, counseling, _shelter, study, _advice = docs["aron2006"]
    decisions = tmp_path / "decisions"
    # ben makes the study sentence a recommendation; ana rejects counseling (the coder calls it one)
    write_decisions_csv(
        decisions / "ben.csv", [{"segment_id": study["segment_id"], "decision": "edit", "phase_override": "immediate"}]
    )
    write_decisions_csv(decisions / "ana.csv", [{"segment_id": counseling["segment_id"], "decision": "reject"}])
    assert _export_cli(tmp_path, decisions, "--recommendations-only") == 0
    printed = capsys.readouterr().out
    assert "5 segments from 2 documents. Left out: 1 heading (--all-segments puts it back), " in printed
    assert "1 segment that is not a recommendation (--recommendations-only)." in printed
    rows = sheet_rows(tmp_path / "review" / "review_sheet.xlsx")
    formula = docs["clawson2009"][0]["segment_id"]
    ids = [row["segment_id"] for row in rows]
    assert study["segment_id"] in ids and counseling["segment_id"] in ids  # a second reviewer decides it too
    assert formula not in ids and label["segment_id"] not in ids


def test_a_decision_on_a_segment_left_out_of_the_sheet_is_kept(tmp_path, form, capsys):
    from reviewflow.review.decisions import load_decisions

    docs = _with_headings(tmp_path)
    label, counseling, shelter, *_ = docs["aron2006"]
    decisions = tmp_path / "decisions"
    earlier = write_decisions_csv(
        decisions / "ana.csv",
        [
            {"segment_id": label["segment_id"], "decision": "accept", "reviewer": "Ana"},
            {"segment_id": counseling["segment_id"], "decision": "accept", "reviewer": "Ana"},
        ],
    )
    saved_before = earlier.read_bytes()
    assert _export_cli(tmp_path, decisions, "--reviewer", "ana", "--undecided") == 0
    printed = capsys.readouterr().out
    assert "Left out: 1 heading (--all-segments puts it back), 1 segment Ana decided already (--undecided)." in printed
    assert (
        f"Save a filled copy as {decisions}/ana_2.xlsx, a new file: 2 of Ana's earlier decisions, on segments not in "
        "this sheet, stay in ana.csv (export never writes there); saved over it, they would be lost." in printed
    )
    assert earlier.read_bytes() == saved_before
    out = tmp_path / "review" / "review_sheet.xlsx"
    rows = sheet_rows(out)
    assert {row["reviewer"] for row in rows} == {"Ana"}  # her name as she wrote it, whatever the file is called
    # ana decides the shelter segment in the new sheet and saves it as told: all three decisions hold
    book = load_workbook(out)
    row = next(i for i, r in enumerate(rows, start=2) if r["segment_id"] == shelter["segment_id"])
    book["segments"].cell(row=row, column=SEGMENT_SHEET_COLUMNS.index("decision") + 1, value="reject")
    book.save(decisions / "ana_2.xlsx")  # "Ana_2.xlsx" would be read before ana.csv
    found, problems = load_decisions(decision_files(decisions), form.codebook)
    segments = {s["segment_id"]: s for rows in docs.values() for s in rows}
    resolution = resolve_decisions(found, segments, form.codebook)
    assert problems == [] and resolution.conflicts == {}
    assert {sid: (r.decision, r.reviewers) for sid, r in resolution.applied.items()} == {
        label["segment_id"]: ("accept", ("Ana",)),
        counseling["segment_id"]: ("accept", ("Ana",)),
        shelter["segment_id"]: ("reject", ("Ana",)),
    }


def test_a_new_sheet_name_sorts_after_the_reviewers_sheets_and_is_free():
    from reviewflow.review.export import new_sheet_name

    assert new_sheet_name("ana", ["d/ana.csv"], ["ana.csv"]) == "ana_2.xlsx"
    assert new_sheet_name("ana", ["d/ana_9.xlsx"], ["ana_9.xlsx"]) == "ana_90.xlsx"  # ana_10 would be read first
    assert new_sheet_name("Ana M", ["zeta.xlsx"], ["zeta.xlsx", "zeta_2.xlsx"]) == "zeta_3.xlsx"
    assert new_sheet_name("ana", ["ana.xlsx"], ["ana.xlsx", "ana_2.xlsx"]) == "ana_3.xlsx"


# ---- decided_at in the manual fields sheet ---------------------------------------------------------
def test_manual_fields_carry_decided_at_into_their_report(tmp_path, form):
    import datetime

    from reviewflow.synthesis.extraction_table import REPORT_COLUMNS, build_forms_table

    assert MANUAL_SHEET_COLUMNS.index("decided_at") == MANUAL_SHEET_COLUMNS.index("reviewer") + 1
    assert REPORT_COLUMNS.index("decided_at") == REPORT_COLUMNS.index("reviewer") + 1
    _, saved = fill_exported_sheet(
        tmp_path,
        form,
        {
            (2, "value"): "strong design",
            (2, "decided_at"): datetime.datetime(2026, 11, 30, 14, 5),  # a date cell
            (3, "value"): "yes",
            (3, "decided_at"): "2026-11-29",
            (4, "value"): "weak",
            (4, "decided_at"): "yesterday",
            (5, "value"): "no",  # not recorded: stays empty
        },
        "manual_fields",
    )
    values, refused = load_manual_sheet(saved)
    assert [(v.row, v.decided_at) for v in values] == [(2, "2026-11-30 14:05"), (3, "2026-11-29"), (5, "")]
    (bad,) = refused
    assert (bad["status"], bad["row"], bad["decided_at"]) == ("invalid", 4, "yesterday")
    assert "row 4: column 'decided_at': 'yesterday' is not valid (when the reviewer decided" in bad["message"]
    table = build_forms_table(sorted((tmp_path / "forms").glob("*.json")), [saved], form)
    applied = [(r["row"], r["decided_at"]) for r in table.report if r["status"] == "applied"]
    assert applied == [(2, "2026-11-30 14:05"), (3, "2026-11-29"), (5, "")]


def test_a_manual_fields_sheet_from_before_decided_at_is_still_read(tmp_path):
    path = tmp_path / "d" / "old.manual_fields.csv"
    path.parent.mkdir()
    path.write_text("doc_id,field,label,value,reviewer,note\naron2006,quality_appraisal_notes,,fine,old,\n")
    values, refused = load_manual_sheet(path)
    assert refused == [] and [(v.value, v.reviewer, v.decided_at) for v in values] == [("fine", "old", "")]


# ---- a re-exported sheet keeps the reviewer's manual field values (issue 13) -----------------------
def manual_rows(path: Path) -> dict[tuple[str, str], dict]:
    """(doc_id, field) → the row of a workbook's manual_fields sheet, cells as stored."""
    sheet = load_workbook(path)["manual_fields"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]
    return {(row["doc_id"].value, row["field"].value): row for row in rows}


def _filled_manual_workbook(tmp_path: Path, decisions: Path, name: str, values: dict, extra: list[list]) -> Path:
    """The exported workbook as a reviewer fills it: ``values`` ((doc_id, field) → {column: value}) in
    its manual_fields rows, ``extra`` rows appended below them; saved as ``decisions/name``."""
    assert _export_cli(tmp_path, decisions) == 0
    book = load_workbook(tmp_path / "review" / "review_sheet.xlsx")
    sheet = book["manual_fields"]
    for row in sheet.iter_rows(min_row=2):
        for column, value in values.get((row[0].value, row[1].value), {}).items():
            row[MANUAL_SHEET_COLUMNS.index(column)].value = value
    for cells in extra:
        sheet.append(cells)
    decisions.mkdir(exist_ok=True)
    book.save(decisions / name)
    return decisions / name


def test_a_re_exported_sheet_fills_in_the_reviewer_s_manual_field_values(tmp_path, form, capsys):
    import datetime

    from reviewflow.review.manual_fields import manual_field_files
    from reviewflow.synthesis.extraction_table import build_forms_table

    small_corpus(tmp_path)
    decisions = tmp_path / "decisions"
    notes, include = "quality_appraisal_notes", "include_in_synthesis"
    old = _filled_manual_workbook(
        tmp_path,
        decisions,
        "ana.xlsx",
        {
            ("aron2006", notes): {"value": "'=cohort, n=40", "reviewer": "Ana"},  # typed with an apostrophe
            ("aron2006", include): {
                "value": "yes",
                "decided_at": datetime.datetime(2026, 11, 30, 14, 5),  # a date cell
                "note": "<b>checked</b> the methods",
            },
            ("clawson2009", include): {"value": "no", "decided_at": "2026-11-29"},
        },
        # her later rows: a value the run refuses (her "no" stays applied), one for a field of no form
        [["clawson2009", include, "", "maybe", "ana", "", ""], ["clawson2009", "funding", "", "state", "ana", "", ""]],
    )
    _filled_manual_workbook(tmp_path, decisions, "ben.xlsx", {("clawson2009", notes): {"value": "weak design"}}, [])
    forms = sorted((tmp_path / "forms").glob("*.json"))
    before = build_forms_table(forms, manual_field_files(decisions), form).rows
    capsys.readouterr()

    assert _export_cli(tmp_path, decisions, "--reviewer", "ana") == 0
    printed = capsys.readouterr().out
    assert "ana's 0 earlier decision(s) and 3 manual field value(s) filled in." in printed
    # the value for a field the form lacks is not in the sheet: the summary names where it stays
    assert (
        f"Save a filled copy as {decisions}/ana_2.xlsx, a new file: 1 of ana's manual field values, for documents "
        "or fields not in this sheet, stay in ana.xlsx (export never writes there); saved over it, they would be lost."
    ) in printed
    new = tmp_path / "review" / "review_sheet.xlsx"
    rows = manual_rows(new)
    cells = {key: {c: row[c].value for c in MANUAL_SHEET_COLUMNS[3:]} for key, row in rows.items()}
    assert cells == {
        ("aron2006", notes): {"value": "'=cohort, n=40", "reviewer": "Ana", "decided_at": None, "note": None},
        ("aron2006", include): {
            "value": "yes",
            "reviewer": "ana",  # the file name gave her name; the new row writes it
            "decided_at": "2026-11-30 14:05",
            "note": "<b>checked</b> the methods",
        },
        ("clawson2009", notes): {"value": None, "reviewer": "ana", "decided_at": None, "note": None},  # ben's
        ("clawson2009", include): {"value": "no", "reviewer": "ana", "decided_at": "2026-11-29", "note": None},
    }
    assert rows[("aron2006", notes)]["value"].data_type == "s"  # text, never a formula
    # saved over her old workbook, the new sheet gives every field the value it had
    new.replace(old)
    after = build_forms_table(forms, manual_field_files(decisions), form).rows
    assert after == before
    assert [r["value"] for r in after if r["doc_id"] == "aron2006" and r["field"] == notes] == ["=cohort, n=40"]
    # without --reviewer nothing is filled in
    assert _export_cli(tmp_path, decisions) == 0
    assert {row["value"].value for row in manual_rows(new).values()} == {None}


def test_a_manual_value_for_a_document_left_out_of_the_sheet_is_named_and_a_csv_reviewer_s_are_filled(
    tmp_path, form, capsys
):
    small_corpus(tmp_path)
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    header = ",".join(MANUAL_SHEET_COLUMNS)
    (decisions / "dee.manual_fields.csv").write_text(
        f"{header}\naron2006,quality_appraisal_notes,,small sample,,2026-11-02,\n"
        "clawson2009,quality_appraisal_notes,,first look,,,\nclawson2009,quality_appraisal_notes,,robust,,,later\n",
        encoding="utf-8",
    )
    assert _export_cli(tmp_path, decisions, "--reviewer", "Dee", "--doc", "clawson2009") == 0
    printed = capsys.readouterr().out
    assert "dee's 0 earlier decision(s) and 1 manual field value(s) filled in." in printed
    assert (
        f"Save a filled copy as {decisions}/dee_2.xlsx, a new file: 1 of dee's manual field values, for documents or "
        "fields not in this sheet, stay in dee.manual_fields.csv (export never writes there)"
    ) in printed
    rows = manual_rows(tmp_path / "review" / "review_sheet.xlsx")
    assert set(rows) == {("clawson2009", "quality_appraisal_notes"), ("clawson2009", "include_in_synthesis")}
    filled = rows[("clawson2009", "quality_appraisal_notes")]
    assert (filled["value"].value, filled["note"].value, filled["reviewer"].value) == ("robust", "later", "dee")
    # anyone's values count without --reviewer: the sheet has none filled in, the summary says where they are
    assert _export_cli(tmp_path, decisions, "--doc", "clawson2009") == 0
    assert "a new file: 1 manual field value(s), for documents or fields not in this sheet, stay in " in (
        capsys.readouterr().out
    )


def test_the_summary_counts_only_the_decisions_filled_into_the_sheet(tmp_path, form, capsys):
    docs = small_corpus(tmp_path)
    decisions = tmp_path / "decisions"
    write_decisions_csv(
        decisions / "ana.csv", [{"segment_id": docs["aron2006"][0]["segment_id"], "decision": "accept"}]
    )
    assert _export_cli(tmp_path, decisions, "--reviewer", "ana", "--doc", "clawson2009") == 0
    printed = capsys.readouterr().out
    assert "ana's 0 earlier decision(s) filled in." in printed  # hers is on a document --doc left out
    assert "a new file: 1 of ana's earlier decisions, on segments not in this sheet, stay in ana.csv" in printed

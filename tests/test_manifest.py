from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
import yaml

from reviewflow.cli import main
from reviewflow.corpus.manifest import (
    COLUMNS,
    ManifestError,
    check_search_strategies,
    load_manifest,
    read_rows,
    validate_rows,
    write_rows,
)
from reviewflow.ingest import readers


def _row(**overrides: str) -> dict[str, str]:
    row = dict(
        doc_id="smith2009",
        citation="Smith et al., 2009",
        authors="Smith, J.; Jones, K.",
        year="2009",
        year_suffix="",
        title="A report",
        container="Agency",
        doi="",
        doc_type="government_report",
        search_strategy="internet",
        file="documents/smith2009.txt",
        surrogate="false",
        verified="true",
        notes="",
    )
    row.update(overrides)
    return row


def _corpus(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    (tmp_path / "documents").mkdir()
    for row in rows:
        if row["file"].endswith(".txt"):
            (tmp_path / row["file"]).write_text("text", encoding="utf-8")
    path = tmp_path / "manifest.csv"
    write_rows(path, rows)
    return path


def test_valid_manifest_loads(tmp_path: Path) -> None:
    path = _corpus(
        tmp_path,
        [
            _row(),
            _row(
                doc_id="jones2008",
                citation="Jones, 2008a",
                file="documents/jones2008.txt",
                year="2008",
                year_suffix="a",
            ),
        ],
    )
    documents = load_manifest(path)
    assert [d.doc_id for d in documents] == ["smith2009", "jones2008"]
    assert documents[1].year_label == "2008a"
    assert documents[0].verified is True and documents[0].surrogate is False


def test_every_bad_row_is_reported_with_row_and_column(tmp_path: Path) -> None:
    rows = [_row(), _row(), _row(doc_id="bad1", year="20x9", doc_type="blog", file="documents/missing.pdf")]
    path = _corpus(tmp_path, rows)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    problems = caught.value.problems
    assert any("row 3" in p and "'doc_id'" in p and "duplicate of row 2" in p for p in problems)
    assert any("row 4" in p and "'year'" in p and "20x9" in p for p in problems)
    assert any("row 4" in p and "'doc_type'" in p for p in problems)
    assert any("row 4" in p and "'file'" in p and "does not exist" in p for p in problems)
    assert all(str(path) in p and "Fix:" in p for p in problems)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row()])
    rows = read_rows(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        columns = [c for c in COLUMNS if c != "search_strategy"]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ManifestError, match="column 'search_strategy': missing") as caught:
        load_manifest(path)
    assert len(caught.value.problems) == 1 and "row 1 (header)" in caught.value.problems[0]


def _problems(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    return caught.value.problems


def test_missing_column_is_reported_once_not_per_row(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(), _row(doc_id="jones2008", file="documents/jones2008.txt")])
    text = path.read_text(encoding="utf-8").replace(",search_strategy,", ",strategy,", 1)
    path.write_text(text, encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 1
    assert "row 1 (header), column 'search_strategy': missing from the header" in problems[0]


def test_semicolon_delimited_manifest_gives_one_message_saying_so(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(), _row(doc_id="jones2008", file="documents/jones2008.txt")])
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(";".join(cells) + "\n" for cells in rows), encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 1
    assert str(path) in problems[0] and "row 1 (header)" in problems[0] and "semicolons" in problems[0]
    assert "comma delimited" in problems[0]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "the file is empty (no header row)"),
        (",".join(COLUMNS) + "\n", "no documents: the header is there but no row follows"),
    ],
)
def test_empty_or_header_only_manifest_is_refused(
    tmp_path: Path, content: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["corpus", "validate", "--manifest", str(path)]) == 1
    out = capsys.readouterr().out
    assert expected in out and str(path) in out and "Fix:" in out and "no problems" not in out


def test_repeated_header_column_is_reported(tmp_path: Path) -> None:
    # csv.DictReader keeps only the last of two same-named columns: the first one's values would be lost.
    path = _corpus(tmp_path, [_row(notes="first note")])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0]},notes\n{lines[1]},second note\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert "row 1 (header), column 'notes': appears 2 times" in problem and "Fix:" in problem


def test_cells_beyond_the_header_are_reported(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row()])
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + ",Smith; 2009,extra\n", encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 1
    assert "row 2 (doc_id 'smith2009'): 2 cell(s) beyond the 14 columns" in problems[0]
    assert "'Smith; 2009'" in problems[0] and "double quotes" in problems[0]


def test_two_rows_with_one_file_are_flagged(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(), _row(doc_id="smith2009b", year_suffix="", file="./documents/smith2009.txt")])
    problems = _problems(path)
    assert len(problems) == 1
    assert "row 3 (doc_id 'smith2009b'), column 'file'" in problems[0] and "also the file of row 2" in problems[0]


def test_doc_type_error_lists_the_allowed_values(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(doc_type="blog")])
    (problem,) = _problems(path)
    assert "column 'doc_type': invalid value 'blog'" in problem
    assert "use one of journal_article, government_report, ngo_report," in problem and "other" in problem


@pytest.mark.parametrize(
    "citation, year_suffix, example",
    [
        ("Clawson & Dutch, 2008", "a", "Clawson & Dutch, 2008a"),
        ("Clawson & Dutch, 2008b", "a", "Clawson & Dutch, 2008a"),
        ("Clawson & Dutch, 2008a", "", "Clawson & Dutch, 2008"),
        ("Clawson & Dutch", "", "Clawson & Dutch, 2008"),
    ],
)
def test_citation_must_end_with_the_rows_year_and_suffix(
    tmp_path: Path, citation: str, year_suffix: str, example: str
) -> None:
    path = _corpus(tmp_path, [_row(citation=citation, year="2008", year_suffix=year_suffix)])
    (problem,) = _problems(path)
    assert "row 2 (doc_id 'smith2009'), column 'citation'" in problem
    assert f"does not end with 2008{year_suffix}" in problem and f"Fix: write the citation as '{example}'" in problem


def test_rewrite_keeps_researcher_columns(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(my_column="kept")])
    write_rows(path, read_rows(path))
    assert read_rows(path)[0]["my_column"] == "kept"


def test_default_manifest_lists_19_surrogates(repo_root: Path) -> None:
    rows = read_rows(repo_root / "corpus" / "manifest.csv")
    assert len(rows) == 19
    assert all(row["surrogate"] == "true" for row in rows)
    assert sum(row["file"].endswith(".pdf") for row in rows) >= 8


def test_rule_scripts_do_not_shadow_the_standard_library(repo_root: Path) -> None:
    # common.smk puts scripts/ first on sys.path to load the manifest; a scripts/code.py there made
    # `import pdb` (which imports the standard library's `code`) fail in every job.
    names = {path.stem for path in (repo_root / "scripts").glob("*.py")}
    assert not names & set(sys.stdlib_module_names)


# A second review's search log: a trial register and human-trafficking resource libraries beside the
# databases, as another review would record them (shape of corpus/search_log.yaml).
SECOND_REVIEW_LOG = {
    "review": "A second review",
    "identification": {
        "databases_and_registers": [
            {"id": "database", "label": "Databases", "source": "PubMed, PsycINFO", "identified": 310},
            {
                "id": "trial_register",
                "label": "Trial registers",
                "source": "ClinicalTrials.gov, ISRCTN",
                "identified": 12,
            },
        ],
        "other_methods": [
            {
                "id": "resource_library",
                "label": "Resource libraries",
                "source": "Human trafficking resource libraries (HTRC, Polaris)",
                "identified": 41,
            },
        ],
    },
}


def test_search_strategy_may_be_any_source_id_or_empty(tmp_path: Path) -> None:
    rows = [
        _row(search_strategy="trial_register"),
        _row(
            doc_id="jones2008", citation="Jones, 2008", year="2008", file="documents/jones2008.txt", search_strategy=""
        ),
        _row(
            doc_id="lee2010",
            citation="Lee, 2010",
            year="2010",
            file="documents/lee2010.txt",
            search_strategy="Trial Register",
        ),
    ]
    path = _corpus(tmp_path, rows)
    (problem,) = _problems(path)
    assert "row 4 (doc_id 'lee2010'), column 'search_strategy': invalid value 'Trial Register'" in problem
    assert "Fix: write the id of an identification source of the search log" in problem


def test_search_strategy_not_in_the_search_log_is_reported(tmp_path: Path) -> None:
    rows = [
        _row(search_strategy="trial_register"),
        _row(
            doc_id="jones2008",
            citation="Jones, 2008",
            year="2008",
            file="documents/jones2008.txt",
            search_strategy="resource_library",
        ),
        _row(
            doc_id="lee2010",
            citation="Lee, 2010",
            year="2010",
            file="documents/lee2010.txt",
            search_strategy="registry",
        ),
        _row(doc_id="kim2011", citation="Kim, 2011", year="2011", file="documents/kim2011.txt", search_strategy=""),
    ]
    path = _corpus(tmp_path, rows)
    documents = load_manifest(path)
    (problem,) = check_search_strategies(
        documents, SECOND_REVIEW_LOG, manifest_path=path, search_log_path="corpus/search_log.yaml"
    )
    assert problem.startswith(f"{path}: row 4 (doc_id 'lee2010'), column 'search_strategy': 'registry'")
    assert "not an identification source of corpus/search_log.yaml" in problem
    assert "(its ids: database, trial_register, resource_library)" in problem
    assert "Fix: write one of those ids, or add a source with id 'registry'" in problem
    # Raw rows and a path to the log work too, with the same row numbers.
    log = tmp_path / "search_log.yaml"
    log.write_text(yaml.safe_dump(SECOND_REVIEW_LOG), encoding="utf-8")
    (again,) = check_search_strategies(read_rows(path), log, manifest_path=path)
    assert "row 4 (doc_id 'lee2010')" in again and f"source of {log}" in again


def test_default_manifest_names_only_sources_of_the_default_search_log(repo_root: Path) -> None:
    documents = load_manifest(repo_root / "corpus" / "manifest.csv", repo_root / "corpus")
    assert check_search_strategies(documents, repo_root / "corpus" / "search_log.yaml") == []
    assert {d.search_strategy for d in documents} <= {"database", "internet", "organization", "expert"}


def test_a_non_utf8_manifest_is_one_problem_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [_row(authors="Müller, J.", citation="Müller, 2009")])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    (problem,) = raised.value.problems
    assert (
        str(path) in problem and "not UTF-8" in problem and "line 2" in problem and "Fix: save it as UTF-8" in problem
    )


def test_an_unclosed_quote_that_swallows_the_file_is_one_problem_naming_the_line(tmp_path: Path) -> None:
    # The csv module refuses a cell over 131,072 characters with csv.Error: it escaped load_manifest (fuzz).
    path = _corpus(
        tmp_path,
        [_row(), _row(doc_id="jones2008", citation="Jones, 2008", year="2008", file="documents/jones2008.txt")],
    )
    text = path.read_text(encoding="utf-8").replace("A report", '"A report', 1)
    path.write_text(text + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    (problem,) = raised.value.problems
    assert str(path) in problem and "cannot be read as CSV at line" in problem and "field limit" in problem
    assert "Fix: check the double quotes" in problem


@pytest.mark.parametrize(
    "file, expected",
    [
        ("../outside.pdf", "leads outside the corpus folder"),
        ("documents/../../outside.pdf", "leads outside the corpus folder"),
        ("documents/link.pdf", "leads outside the corpus folder"),  # a symlink to a file outside
        ("documents/" + "x" * 300 + ".pdf", "is not a usable path"),
    ],
)
def test_a_document_file_must_be_a_usable_path_inside_the_corpus_folder(
    tmp_path: Path, file: str, expected: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = _corpus(corpus, [_row(), _row(doc_id="bad2009", citation="Bad, 2009", file=file)])
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-1.4 not part of the corpus")
    (corpus / "documents" / "link.pdf").symlink_to(tmp_path / "outside.pdf")
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    (problem,) = raised.value.problems
    assert "row 3 (doc_id 'bad2009'), column 'file'" in problem and expected in problem and "Fix:" in problem


def test_the_manifest_accepts_what_ingestion_reads_and_names_the_fix_otherwise(tmp_path: Path) -> None:
    def row(doc_id: str, file: str) -> dict[str, str]:
        (tmp_path / file).write_text("text", encoding="utf-8")
        return dict(
            doc_id=doc_id,
            citation="Smith, 2009",
            authors="Smith, J.",
            year="2009",
            year_suffix="",
            title="",
            container="",
            doi="",
            doc_type="other",
            search_strategy="",
            file=file,
            surrogate="false",
            verified="false",
            notes="",
        )

    rows = [row(f"d{i}", f"d{i}{extension}") for i, extension in enumerate(readers.extensions())]
    assert validate_rows(rows, tmp_path / "manifest.csv") == []
    (problem,) = validate_rows([row("smith2009", "smith2009.docx")], tmp_path / "manifest.csv")
    assert problem.startswith(
        f"{tmp_path / 'manifest.csv'}: row 2 (doc_id 'smith2009'), column 'file': "
        "smith2009.docx has the extension '.docx', which no reader accepts"
    )
    assert f"(accepted: {readers.extensions_text()})" in problem and "Fix: save the document as" in problem
    (problem,) = validate_rows([row("smith2009", "smith2009")], tmp_path / "manifest.csv")
    assert "smith2009 has no extension" in problem


def test_a_nul_character_in_a_file_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    # ValueError (embedded null byte) escaped load_manifest (fuzz).
    path = _corpus(tmp_path, [_row(), _row(doc_id="bad2009", citation="Bad, 2009", file="documents/a.txt\x00")])
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    problems = [p for p in raised.value.problems if "row 3 (doc_id 'bad2009'), column 'file'" in p]
    assert any("is not a usable path (embedded null byte)" in p and "Fix:" in p for p in problems)


def test_a_manifest_of_millions_of_blank_lines_is_refused_before_they_are_read(tmp_path: Path) -> None:
    # A 62 MB manifest of blank lines took 32 CPU s to read (fuzz), in every rule that reads it.
    from reviewflow.corpus import manifest

    path = _corpus(tmp_path, [_row()])
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write("\r\n" * (manifest.MAX_MANIFEST_LINES + 1))
    with pytest.raises(ManifestError) as raised:
        load_manifest(path)
    (problem,) = raised.value.problems
    assert problem.startswith(f"{path}: 1,000,003 lines, far more than a manifest holds")
    assert "Fix: delete the empty rows below the table" in problem


def test_corpus_validate_checks_the_search_log_too(
    tmp_path: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["included"]["total_with_previous"] = 20  # without a previous review
    path = tmp_path / "search_log.yaml"
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    manifest = repo_root / "corpus" / "manifest.csv"
    assert main(["corpus", "validate", "--manifest", str(manifest), "--search-log", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: field 'included/total_with_previous'" in out and "no problems" not in out
    assert (
        main(
            [
                "corpus",
                "validate",
                "--manifest",
                str(manifest),
                "--search-log",
                str(repo_root / "corpus" / "search_log.yaml"),
            ]
        )
        == 0
    )
    assert "no problems" in capsys.readouterr().out

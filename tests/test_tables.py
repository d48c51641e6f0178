"""Rendering the synthesis tables: CSV long and wide, Markdown, HTML, LaTeX, one XLSX workbook."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from reviewflow.form import load_form
from reviewflow.paths import DEFAULT_FORM
from reviewflow.synthesis import tables
from reviewflow.synthesis.audit import EVIDENCE_HTML
from reviewflow.synthesis.evidence import SUPPORT_COLUMNS, synthesize_files
from synthesis_fixtures import MACY_STRINGS, write_corpus

EVIL_CITATION = "<script>alert(1)</script> Aron & Co_50% #1, 2006"
FORMULA_CITATION = '=HYPERLINK("http://example.invalid","FCADV"), 2004'


@pytest.fixture
def written(tmp_path: Path) -> Path:
    """The fixture synthesis in the default review's words (as the pipeline writes it for Macy & Johns)."""
    result = synthesize_files(**write_corpus(tmp_path / "corpus"))
    tables.write_tables(result, tmp_path / "out", load_form(DEFAULT_FORM).wording)
    return tmp_path / "out"


@pytest.fixture
def other(tmp_path: Path) -> Path:
    """Another review's form: other phase ids, names and titles (tests/synthesis_fixtures.OTHER_WORDING)."""
    kwargs = write_corpus(tmp_path / "other_corpus", other_review=True)
    tables.write_tables(synthesize_files(**kwargs), tmp_path / "other_out", load_form(kwargs["form_path"]).wording)
    return tmp_path / "other_out"


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    """Citations a manifest could carry: markup, LaTeX specials and a spreadsheet formula."""
    result = synthesize_files(
        **write_corpus(tmp_path / "evil_corpus", citations={"aron2006": EVIL_CITATION, "fcadv2004": FORMULA_CITATION})
    )
    tables.write_tables(result, tmp_path / "evil_out")
    return tmp_path / "evil_out"


def test_every_declared_file_is_written(written):
    assert sorted(p.name for p in written.iterdir()) == sorted(tables.output_files())


def test_rule_declares_the_files_the_library_writes(repo_root):
    rule = (repo_root / "workflow" / "rules" / "synthesis.smk").read_text(encoding="utf-8")
    names = re.search(r"SYNTHESIS_TABLES = (\[.*?\]|[\w.]*synthesis_table_names\(\))", rule).group(1)
    formats = re.search(r"SYNTHESIS_TABLE_FORMATS = \[(.*?)\]", rule).group(1)
    # the rule lists the tables, or takes them from the registry the library writes them from
    assert names.endswith("synthesis_table_names()") or re.findall(r'"([^"]+)"', names) == list(tables.TABLE_NAMES)
    assert re.findall(r'"([^"]+)"', formats) == list(tables.FORMATS)
    for name in (tables.WORKBOOK, tables.EXCLUDED_CSV, tables.SUPPORT_CSV, EVIDENCE_HTML):
        assert f'"results/tables/{name}"' in rule or f'results("tables/{name}")' in rule


def test_wide_csv_is_the_display_form_and_long_csv_the_tidy_form(written):
    wide = pd.read_csv(written / "table1_needs.csv", dtype=str, keep_default_na=False)
    assert list(wide.columns) == ["Phase", "Need", "Documents", "Recommended by", "Cautions", "Cautioned by"]
    first = wide.iloc[0].to_dict()
    assert first == {
        "Phase": "Immediate (crisis)",
        "Need": "Emergency shelter",
        "Documents": "5",
        "Recommended by": "(Aron et al., 2006; Caliber, 2007; Clawson & Dutch, 2008a; "
        "Clawson & Dutch, 2008b; Clawson et al., 2008)",
        "Cautions": "0",
        "Cautioned by": "",
    }
    long = pd.read_csv(written / "table1_needs_long.csv", dtype=str, keep_default_na=False)
    assert len(long) == 2 * len(wide)  # one row per cell and role
    areas = pd.read_csv(written / "service_areas.csv", dtype=str, keep_default_na=False)
    assert list(areas.columns) == [
        "Service area",
        "Immediate (crisis)",
        "Trauma recovery & stabilization",
        "Reintegration",
        "Any phase",
        "Cautions (any phase)",
    ]
    mental = areas[areas["Service area"] == "Mental health care"].iloc[0]
    assert mental["Any phase"] == "2 (Aron et al., 2006; Clawson et al., 2008)"
    evidence = pd.read_csv(written / "evidence_basis.csv", dtype=str, keep_default_na=False)
    assert evidence.iloc[0]["Primary data"] == "2 of 5"


def test_excluded_documents_are_listed_under_every_table(written):
    excluded = pd.read_csv(written / "excluded_documents.csv", dtype=str, keep_default_na=False)
    assert excluded["doc_id"].tolist() == ["fcadv2004"]
    for name in tables.TABLE_NAMES:
        for suffix in (".md", ".html", ".tex"):
            text = (written / f"{name}{suffix}").read_text(encoding="utf-8")
            assert "FCADV, 2004" in text and "run OCR" in text, f"{name}{suffix}"


def test_markdown_table_shape(written):
    lines = (written / "table1_needs.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert table[1] == "|---|---|---:|---|---:|---|"
    assert len({line.count(" | ") for line in table if not line.startswith("|---")}) == 1
    assert table[2].startswith("| Immediate (crisis) | Emergency shelter | 5 | (Aron et al., 2006; Caliber")


def test_latex_is_booktabs_and_escaped(written, evil):
    tex = (written / "service_areas.tex").read_text(encoding="utf-8")
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert rule in tex
    assert r"Trauma recovery \& stabilization" in tex and r"Clawson \& Dutch, 2008a" in tex
    assert r"include\_mentions" in tex
    evil_tex = (evil / "table1_needs.tex").read_text(encoding="utf-8")
    assert r"Aron \& Co\_50\% \#1, 2006" in evil_tex
    body = evil_tex.split(r"\endfoot", 1)[1]
    # No unescaped special character survives in the rows and notes.
    assert not re.search(r"(?<!\\)[&%#_$]", body.replace(" & ", " ")), body


def test_latex_escape():
    assert tables.latex_escape("a & b % c _ d # e $ f { } ~ ^ \\") == (
        r"a \& b \% c \_ d \# e \$ f \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )


def test_html_and_markdown_escape_markup_in_citations(evil):
    for name in tables.TABLE_NAMES:
        html = (evil / f"{name}.html").read_text(encoding="utf-8")
        assert "<script>" not in html
    html = (evil / "table1_needs.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Aron &amp; Co_50% #1, 2006" in html
    markdown = (evil / "table1_needs.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and r"\<script\>" in markdown


def test_workbook_has_a_sheet_per_table_and_neutralizes_formulas(evil):
    workbook = load_workbook(evil / tables.WORKBOOK)
    assert workbook.sheetnames == [*tables.TABLE_NAMES, "excluded_documents"]
    excluded = workbook["excluded_documents"]
    assert [c.value for c in excluded[2]] == ["doc_id", "citation", "status", "message"]
    assert excluded["B3"].value == "'" + FORMULA_CITATION
    assert excluded["B3"].data_type == "s"
    needs = workbook["table1_needs"]
    assert needs["C3"].value == 5  # numbers stay numbers
    assert str(needs["D3"].value).startswith("(<script>")  # text, kept literally
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_workbook_carries_no_time_of_saving(written):
    with zipfile.ZipFile(written / tables.WORKBOOK) as archive:
        assert {info.date_time for info in archive.infolist()} == {tables.ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and str(time.gmtime().tm_year) not in core


def test_byte_identical_across_runs(tmp_path, monkeypatch):
    kwargs = write_corpus(tmp_path / "corpus")
    tables.write_tables(synthesize_files(**kwargs), tmp_path / "first")
    # A later clock must not change a byte (zip entries and workbook properties used to carry it).
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86400 * 400)
    tables.write_tables(synthesize_files(**kwargs), tmp_path / "second")
    names = tables.output_files()
    for name in names:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


def test_table1_is_numbered_once_in_every_format(written):
    assert (written / "table1_needs.md").read_text(encoding="utf-8").startswith("**Table 1. Survivors' needs")
    assert "<caption>Table 1. Survivors&#x27; needs" in (written / "table1_needs.html").read_text(encoding="utf-8")
    tex = (written / "table1_needs.tex").read_text(encoding="utf-8")
    assert r"\caption{Survivors' needs" in tex  # LaTeX numbers its captions itself
    assert load_workbook(written / tables.WORKBOOK)["table1_needs"]["A1"].value.startswith("Table 1. ")


def test_a_corpus_without_any_coded_support_still_renders(tmp_path):
    result = synthesize_files(**write_corpus(tmp_path / "corpus", segments=[]))
    tables.write_tables(result, tmp_path / "out")
    wide = pd.read_csv(tmp_path / "out" / "table1_needs.csv", dtype=str, keep_default_na=False)
    assert len(wide) == 7 and set(wide["Documents"]) == {"0"}  # every need in its default phase, empty
    support = (tmp_path / "out" / tables.SUPPORT_CSV).read_text(encoding="utf-8")
    assert support == ",".join(SUPPORT_COLUMNS) + "\n"
    assert "No cell has supporting segments." in (tmp_path / "out" / EVIDENCE_HTML).read_text(encoding="utf-8")


TODAY = {  # the default review's titles, exactly as its outputs have always carried them
    "table1_needs": "**Table 1. Survivors' needs across the continuum of care, with the documents that recommend "
    "services for them**",
    "service_areas": "**Core service areas by phase: documents recommending them**",
    "practices": "**Service-delivery practices: documents recommending them**",
    "evidence_basis": "**Evidence basis: supporting documents resting on primary data**",
}


def test_the_default_form_keeps_the_review_s_own_titles_and_columns(written):
    for name, heading in TODAY.items():
        assert (written / f"{name}.md").read_text(encoding="utf-8").splitlines()[0] == heading
    practices = pd.read_csv(written / "practices.csv", dtype=str, keep_default_na=False)
    assert list(practices.columns) == ["Practice", "Documents", "Recommended by", "Cautions", "Cautioned by"]
    evidence = pd.read_csv(written / "evidence_basis.csv", dtype=str, keep_default_na=False)
    assert list(dict.fromkeys(evidence["Level"])) == ["Need", "Service area", "Practice"]
    assert (
        "one of its methods is marked basis: primary in the codebook (interviews, focus groups, surveys) or the "
        "value reads 'primary'"
    ) in (written / "evidence_basis.md").read_text(encoding="utf-8")


def test_another_review_s_form_words_every_table_and_none_of_the_default_review_s(other):
    heads = {name: (other / f"{name}.md").read_text(encoding="utf-8").splitlines()[0] for name in tables.TABLE_NAMES}
    assert heads == {
        "table1_needs": "**Table 1. Concerns by phase, with the documents that recommend services for them**",
        "service_areas": "**Services by phase: documents recommending them**",
        "practices": "**Approaches to care: who recommends them**",
        "evidence_basis": "**Evidence basis: supporting documents resting on primary data**",
    }
    needs = pd.read_csv(other / "table1_needs.csv", dtype=str, keep_default_na=False)
    assert list(needs.columns) == ["Stage", "Concern", "Documents", "Supported by", "Cautions", "Warned against by"]
    assert needs["Stage"].iloc[0] == "Rescue" and needs["Concern"].iloc[0] == "Emergency shelter"
    areas = pd.read_csv(other / "service_areas.csv", dtype=str, keep_default_na=False)
    assert list(areas.columns) == [
        "Service",
        "Rescue",
        "Recovery",
        "Reintegration",
        "Any phase",
        "Cautions (any phase)",
    ]
    assert next(iter(pd.read_csv(other / "practices.csv", dtype=str).columns)) == "Approach"
    evidence = pd.read_csv(other / "evidence_basis.csv", dtype=str, keep_default_na=False)
    assert list(dict.fromkeys(evidence["Level"])) == ["Concern", "Service", "Approach"]
    # the evidence note names the form's own primary-data methods (its codebook's labels)
    assert "marked basis: primary in the codebook (Interviews with survivors) or" in (
        other / "evidence_basis.md"
    ).read_text(encoding="utf-8")
    workbook = load_workbook(other / tables.WORKBOOK)
    assert workbook["service_areas"]["A1"].value == "Services by phase: documents recommending them"
    for name in tables.output_files():
        if name.endswith(".xlsx"):
            continue
        text = (other / name).read_text(encoding="utf-8")
        leaked = [s for s in MACY_STRINGS if s in text]
        assert not leaked, f"{name} shows {leaked}"


def test_without_a_form_the_titles_and_labels_are_generic(tmp_path):
    result = synthesize_files(**write_corpus(tmp_path / "corpus"))
    built = {t.name: t for t in tables.build_tables(result)}
    assert [t.heading for t in built.values()] == [
        "Table 1. Needs by phase, with the documents that recommend services for them",
        "Service areas by phase: documents recommending them",
        "Practices: documents recommending them",
        "Evidence basis: supporting documents resting on primary data",
    ]
    assert next(iter(built["service_areas"].wide.columns)) == "Service area"
    assert list(built["table1_needs"].wide.columns)[:2] == ["Phase", "Need"]
    # without the form, the note names no method: no review's examples are assumed
    assert "in the codebook or the value reads 'primary'" in built["evidence_basis"].notes[-1]

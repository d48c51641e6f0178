from __future__ import annotations

from pathlib import Path

from reviewflow.report.summary import run_summary


def test_summary_lists_failed_documents_and_decision_problems(tmp_path: Path) -> None:
    (tmp_path / "ingest_report.csv").write_text(
        "doc_id,file,format,status,n_pages,chars,pages_without_text,message\n"
        "a2001,documents/a.pdf,pdf,ok,2,900,,\n"
        "b2002,documents/b.pdf,pdf,error,1,0,1,documents/b.pdf: no text layer: run OCR and add the text version\n",
        encoding="utf-8",
    )
    (tmp_path / "decisions_report.csv").write_text(
        "source,row,reviewer,segment_id,doc_id,decision,codes_override,phase_override,status,message,note\n"
        "corpus/decisions/ana.csv,3,ana,abc,a2001,accept,,,applied,,\n"
        "corpus/decisions/ana.csv,4,ana,gone,,accept,,,unmatched,segment gone no longer exists,\n"
        "corpus/decisions/bob.csv,,,,,,,,sheet_error,missing column segment_id,\n"
        "corpus/decisions/ana.xlsx,91,ana,def,a2001,edit,x,,invalid,"
        "corpus/decisions/ana.xlsx: row 91: codes_override has unknown id(s) x. Fix: correct the row,\n",
        encoding="utf-8",
    )
    text = run_summary(tmp_path)
    assert "Ingestion: 1 of 2 documents ok." in text
    assert "error: b2002 (documents/b.pdf): documents/b.pdf: no text layer" in text
    assert "unmatched: corpus/decisions/ana.csv row 4" in text
    assert "sheet_error: corpus/decisions/bob.csv: missing column segment_id" in text  # no empty "row"
    assert "applied" not in text
    # the place is said once, not again at the start of the message
    assert "invalid: corpus/decisions/ana.xlsx row 91: codes_override has unknown id(s) x. Fix:" in text


def test_summary_of_a_clean_run(tmp_path: Path) -> None:
    (tmp_path / "ingest_report.csv").write_text(
        "doc_id,file,format,status,n_pages,chars,pages_without_text,message\na2001,a.txt,txt,ok,1,10,,\n",
        encoding="utf-8",
    )
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    text = run_summary(tmp_path)
    assert "No problems to act on." in text and "Report: " in text


def test_after_a_failed_run_the_summary_never_says_no_problems(tmp_path: Path) -> None:
    (tmp_path / "ingest_report.csv").write_text(
        "doc_id,file,format,status,n_pages,chars,pages_without_text,message\na2001,a.txt,txt,ok,1,10,,\n",
        encoding="utf-8",
    )
    text = run_summary(tmp_path, failed_run=True)
    assert "No problems to act on." not in text and "may be an earlier run's" in text


def test_after_a_failed_run_the_summary_names_the_stale_outputs_and_report(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    stale = [str(tmp_path / "figures" / "prisma.png"), str(tmp_path / "report.html")]
    text = run_summary(tmp_path, failed_run=True, stale=stale)
    assert "Not brought up to date by this run (2 file(s)" in text
    assert "\n  figures/prisma.png\n  report.html\n" in text
    assert f"Stale report (an earlier run's, not updated by this one): {(tmp_path / 'report.html').resolve()}" in text
    assert "\nReport: " not in text


def test_after_a_failed_run_an_updated_report_is_not_called_stale(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    many = [str(tmp_path / "coded" / f"d{i:02d}.csv") for i in range(25)]
    text = run_summary(tmp_path, failed_run=True, stale=many)
    assert "(25 file(s)" in text and "  ... and 5 more" in text
    assert "\nReport: " in text and "Stale report" not in text

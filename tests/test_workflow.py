"""The workflow end to end on the default corpus plus a broken PDF: every stage runs, a bad document
doesn't stop the rest, the synthesis reproduces the review's attributions, outputs are deterministic,
an added document reruns only its own jobs and the aggregates, and `snakemake --lint` is clean."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from workflow_fixtures import PER_DOCUMENT_RULES, REPO, SHARED, digest, make_workdir, run_snakemake

pytestmark = pytest.mark.slow


def _default_ids() -> list[str]:
    with open(REPO / "corpus" / "manifest.csv", encoding="utf-8", newline="") as handle:
        return [row["doc_id"] for row in csv.DictReader(handle)]


def _dry_run_jobs(workdir: Path) -> list[tuple[str, str]]:
    """(rule, doc wildcard or '') of every job a dry run would execute (grouped jobs are indented)."""
    result = run_snakemake(workdir, "-n", "--cores", "1", "--profile", "workflow/profiles/default")
    jobs: list[list[str]] = []
    for line in (result.stdout + result.stderr).splitlines():
        head = re.match(r"\s*(?:local)?rule (\w+):$", line)
        if head:
            jobs.append([head.group(1), ""])
        doc = re.match(r"\s*wildcards: doc=(\w+)", line)
        if doc and jobs:
            jobs[-1][1] = doc.group(1)
    return [(rule, doc) for rule, doc in jobs]


def _missing_outputs(workdir: Path) -> dict[str, str]:
    """Output file -> the rule a dry run would run because that file is missing."""
    result = run_snakemake(workdir, "-n", "--cores", "1", "--profile", "workflow/profiles/default")
    missing: dict[str, str] = {}
    rule = ""
    for line in (result.stdout + result.stderr).splitlines():
        head = re.match(r"\s*(?:local)?rule (\w+):$", line)
        rule = head.group(1) if head else rule
        reason = re.match(r"\s*reason: Missing output files: ([^;]+)", line)
        if reason:
            missing.update({path.strip(): rule for path in reason.group(1).split(",")})
    return missing


@pytest.fixture(scope="module")
def finished_run(finished_default_run: Path) -> Path:
    return finished_default_run


def test_every_stage_produces_its_outputs(finished_run: Path) -> None:
    results = finished_run / "results"
    for relative in [
        "ingest_report.csv",
        "coding.csv",
        "tables/synthesis.xlsx",
        "network/citations.graphml",
        "figures/prisma.svg",
        "report.html",
        "changes.md",
    ]:
        assert (results / relative).is_file(), relative
    for doc in _default_ids():
        assert (results / "text" / f"{doc}.json").is_file()
        assert (results / "coded" / f"{doc}.csv").is_file()


def test_broken_document_is_reported_and_the_rest_runs(finished_run: Path) -> None:
    with open(finished_run / "results" / "ingest_report.csv", encoding="utf-8") as handle:
        status = {row["doc_id"]: row for row in csv.DictReader(handle)}
    assert status["broken2010"]["status"] == "error"
    assert "broken2010.pdf" in status["broken2010"]["message"]
    assert all(status[doc]["status"] == "ok" for doc in _default_ids())
    excluded = (finished_run / "results" / "tables" / "excluded_documents.csv").read_text(encoding="utf-8")
    assert "broken2010" in excluded
    report = (finished_run / "results" / "report.html").read_text(encoding="utf-8")
    assert "broken2010" in report


def test_synthesis_reproduces_the_reviews_attributions(finished_run: Path) -> None:
    if not (SHARED / "domain" / "attributions.csv").is_file():
        pytest.skip("../shared is absent (attributions.csv)")
    import pandas as pd

    from reviewflow.synthesis.evidence import attribution_agreement

    support = pd.read_csv(finished_run / "results" / "tables" / "support.csv", dtype=str, keep_default_na=False)
    agreement = attribution_agreement(support, SHARED / "domain" / "attributions.csv")
    assert agreement["precision"] >= 0.95, agreement["extra"]
    assert agreement["recall"] >= 0.95, agreement["missing"]
    # The review's do-not recommendations are cautions, and nothing else is.
    cautions = attribution_agreement(support, SHARED / "domain" / "attributions.csv", cautions_only=True)
    assert (cautions["missing"], cautions["extra"]) == ([], [])


# A known recommendation of the default corpus (corpus/surrogates/aron2006.md), in Table 1's emergency
# shelter cell of the crisis phase.
ARON_SHELTER = "Survivors need safe and secure shelter as soon as they leave the trafficking situation."


def test_support_csv_carries_the_sentence_and_labels_of_a_known_segment(finished_run: Path) -> None:
    from reviewflow.fileio import read_csv_rows

    results = finished_run / "results"
    (coded,) = [r for r in read_csv_rows(results / "coding.csv") if r["sentence"] == ARON_SHELTER]
    rows = [r for r in read_csv_rows(results / "tables" / "support.csv") if r["segment_id"] == coded["segment_id"]]
    (shelter,) = [r for r in rows if r["need"] == "emergency_shelter"]
    assert {k: shelter[k] for k in ("doc_id", "citation", "page", "quote", "phase", "phase_label", "need_label")} == {
        "doc_id": "aron2006",
        "citation": "Aron et al., 2006",
        "page": coded["page"],
        "quote": ARON_SHELTER,
        "phase": "immediate",
        "phase_label": "Immediate needs at emancipation (crisis)",
        "need_label": "Emergency shelter",
    }
    assert (shelter["code"], shelter["code_kind"], shelter["code_label"]) == (
        "shelter_housing",
        "service_area",
        "Secure, safe shelter and housing",
    )
    assert (shelter["decided_by"], shelter["confidence"]) == (coded["decided_by"], coded["confidence"])
    assert shelter["decided_by"] in {"both", "rules", "model"} and shelter["codes_source"] == "auto"


def test_a_table_1_cell_of_the_report_opens_the_sentences_behind_it(finished_run: Path) -> None:
    import html

    from synthesis_fixtures import LINK, entries_of

    report = (finished_run / "results" / "report.html").read_text(encoding="utf-8")
    (row,) = [
        r
        for r in report.split("<tr>")
        if r.startswith("<td>Immediate needs at emancipation (crisis)</td><td>Emergency shelter</td>")
    ]
    links = {html.unescape(text): anchor for anchor, text in LINK.findall(row)}
    entry_anchor, aron = links["13"], links["Aron et al., 2006"]
    assert aron == f"{entry_anchor}--aron2006"
    evidence = report[report.index('<section id="evidence">') :]
    quotes = entries_of(evidence)[entry_anchor]
    assert aron in {i for i, *_ in quotes}  # the citation's link lands on the first of Aron's quotes there
    assert ("Aron et al., 2006", ARON_SHELTER) in {(c, q) for _, c, q, _ in quotes}
    assert len({c for _, c, _, _ in quotes}) == 13  # every document of the cell is quoted (13 <= the cap)


def test_the_readme_shows_the_table_1_the_code_produces(finished_run: Path) -> None:
    from reviewflow.report.readme import block, table_rows

    produced = (finished_run / "results" / "tables" / "table1_needs.md").read_text(encoding="utf-8")
    shown = block((REPO / "README.md").read_text(encoding="utf-8"), "table1")
    # The run adds a broken PDF, which changes only the notes under the table, not its rows.
    assert table_rows(shown) == table_rows(produced), "README.md is stale: run `make readme`"


def test_aggregates_are_byte_identical_when_rerun(finished_run: Path) -> None:
    before = {**digest(finished_run / "results" / "tables"), **digest(finished_run / "results" / "network")}
    run_snakemake(finished_run, "--cores", "2", "--forcerun", "combine", "--profile", "workflow/profiles/default")
    after = {**digest(finished_run / "results" / "tables"), **digest(finished_run / "results" / "network")}
    assert before == after


def test_a_deleted_deliverable_is_rebuilt_by_the_next_run(finished_run: Path, tmp_path: Path) -> None:
    work = tmp_path / "copy"
    shutil.copytree(finished_run, work)  # keeps the files' times and Snakemake's records of the run
    deleted = {
        "results/tables/table1_needs.md": "synthesize",
        "results/tables/support.csv": "synthesize",
        "results/figures/evidence_gap_map.png": "synthesize",
        "results/figures/prisma.svg": "prisma",
        "results/network/citations.graphml": "network",
        "results/coded/coonan2004.csv": "code",
        "results/references/coonan2004.csv": "references",
        "results/review/manual_field_conflicts.csv": "forms_table",
    }
    for path in deleted:
        (work / path).unlink()
    missing = _missing_outputs(work)
    assert {path: missing.get(path) for path in deleted} == deleted


def test_a_failed_run_names_what_it_left_stale(finished_run: Path, tmp_path: Path) -> None:
    work = tmp_path / "copy"
    shutil.copytree(finished_run, work)
    (work / "scripts" / "network.py").write_text("raise SystemExit('network failed on purpose')\n", encoding="utf-8")
    result = run_snakemake(
        work, "--cores", "1", "--forcerun", "network", "--profile", "workflow/profiles/default", check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    summary = output[output.index("Not brought up to date by this run") :]
    for stale in ("network/citations.graphml", "report.html", "changes.md"):
        assert f"\n  {stale}\n" in summary, stale
    assert "\n  tables/table1_needs.md\n" not in summary  # synthesis did not need to rerun
    assert "Stale report (an earlier run's, not updated by this one): " in summary


def test_added_document_reruns_only_its_jobs_and_the_aggregates(finished_run: Path) -> None:
    assert _dry_run_jobs(finished_run) == []  # nothing to do after a complete run
    manifest = finished_run / "corpus" / "manifest.csv"
    with open(manifest, encoding="utf-8", newline="") as handle:
        template = next(row for row in csv.DictReader(handle) if row["doc_id"] == "coonan2004")
    new = dict(
        template,
        doc_id="update2011",
        citation="Update, 2011",
        authors="Update, U.",
        year="2011",
        title="A later report",
        file="documents/update2011.txt",
    )
    shutil.copy2(finished_run / "corpus" / template["file"], finished_run / "corpus" / new["file"])
    with open(manifest, "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(new), lineterminator="\n").writerow(new)
    jobs = _dry_run_jobs(finished_run)
    per_document = {(rule, doc) for rule, doc in jobs if rule in PER_DOCUMENT_RULES}
    assert per_document == {(rule, "update2011") for rule in PER_DOCUMENT_RULES}
    assert {rule for rule, doc in jobs if not doc} >= {"combine", "synthesize", "network", "report"}


def test_invalid_manifest_stops_before_any_job(tmp_path: Path) -> None:
    work = make_workdir(tmp_path, ["armstrong2008"])
    manifest = work / "corpus" / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(",2008,", ",20O8,", 1), encoding="utf-8")
    result = run_snakemake(work, "--cores", "1", check=False)
    assert result.returncode != 0
    assert "row 2 (doc_id 'armstrong2008'), column 'year'" in result.stderr + result.stdout
    assert not (work / "results").exists()


def test_invalid_search_log_stops_before_any_job(tmp_path: Path) -> None:
    work = make_workdir(tmp_path, ["armstrong2008"])
    log = work / "corpus" / "search_log.yaml"
    log.write_text(
        log.read_text(encoding="utf-8")
        .replace("    screened: null", "    screened: 115", 1)
        .replace("    excluded: null", "    excluded: 90", 1)
        .replace("    sought: null", "    sought: 15", 1),
        encoding="utf-8",
    )
    result = run_snakemake(work, "--cores", "1", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "The search log is invalid; no job was started" in output
    assert "15 is not screened (115) - excluded (90) = 25" in output
    assert not (work / "results" / "figures").exists()


def test_snakemake_lint_is_clean() -> None:
    result = run_snakemake(REPO, "--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr

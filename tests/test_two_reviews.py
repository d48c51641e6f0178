"""Two reviews in one checkout: the second review (Muraya & Fry 2015: phases rescue / recovery /
reintegration, evidence fields named study_design / design_category) runs end to end from its own
config, leaves the default review's results byte-identical, and keeps a history of its own."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from workflow_fixtures import REPO, SNAKEMAKE, digest, run_snakemake

pytestmark = pytest.mark.slow

SECOND = "config/muraya_fry_2015.yaml"


def _run(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_snakemake(workdir, "--cores", "2", "--profile", "workflow/profiles/default", *args)


def _digest(folder: Path) -> dict[str, str]:
    return digest(folder, skip=("logs",))


@pytest.fixture(scope="module")
def two_reviews(
    tmp_path_factory: pytest.TempPathFactory, finished_default_run: Path
) -> tuple[Path, dict[str, str], Path]:
    """A finished default review (a copy of the session's run, Snakemake's records included) with the
    second review's corpus beside it, after the second review has run in the same checkout."""
    work = tmp_path_factory.mktemp("two_reviews") / "checkout"
    shutil.copytree(finished_default_run, work)
    shutil.copytree(REPO / "corpus" / "muraya_fry_2015", work / "corpus" / "muraya_fry_2015")
    before = _digest(work / "results")
    _run(work, "--configfile", SECOND, "--replace-workflow-config")
    second = work / yaml.safe_load((REPO / SECOND).read_text(encoding="utf-8"))["results_dir"]
    return work, before, second


def test_the_second_review_leaves_the_default_results_untouched(two_reviews) -> None:
    work, before, second = two_reviews
    assert _digest(work / "results") == before
    assert second.resolve() != (work / "results").resolve()
    for relative in (
        "report.html",
        "changes.md",
        "tables/table1_needs.csv",
        "network/citations.graphml",
        "figures/prisma.svg",
        "review/agreement.csv",
        "logs/synthesize.log",
    ):
        assert (second / relative).is_file(), relative


def test_the_second_reviews_table_1_uses_its_own_phases_and_no_default_wording(two_reviews) -> None:
    _, _, second = two_reviews
    with open(second / "tables" / "table1_needs.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    phases = (
        {row["Phase"] for row in rows} if rows and "Phase" in rows[0] else {next(iter(row.values())) for row in rows}
    )
    assert len(phases) == 3 and any("rescue" in p.lower() for p in phases)
    assert any(int(row.get("Documents") or 0) > 0 for row in rows if (row.get("Documents") or "0").isdigit())
    for relative in ("tables/table1_needs.md", "tables/service_areas.md", "changes.md", "report.html"):
        text = (second / relative).read_text(encoding="utf-8")
        for leaked in ("continuum of care", "immediate, stabilization, reintegration", "seven core service areas"):
            assert leaked not in text, (relative, leaked)
        # paths it names are its own folders, not the default review's results/
        assert not re.search(r"(?<![\w.])results/", text), relative
        assert "corpus/decisions/" not in text, relative


def test_the_second_reviews_evidence_fields_are_found_by_their_role(two_reviews) -> None:
    _, _, second = two_reviews
    with open(second / "tables" / "evidence_basis_long.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and sum(int(row["n_primary"]) for row in rows) > 0
    assert sum(int(row["n_unknown"]) for row in rows) < sum(int(row["n_documents"]) for row in rows)


def test_each_review_keeps_its_own_history(two_reviews) -> None:
    work, _, second = two_reviews
    default_snapshots = sorted(p.name for p in (work / "results" / "history").iterdir())
    second_snapshots = sorted(p.name for p in (second / "history").iterdir())
    assert len(default_snapshots) == 1 and len(second_snapshots) == 1
    changes = (second / "changes.md").read_text(encoding="utf-8")
    assert "first run" in changes and "removed" not in changes


def test_a_review_without_its_own_results_dir_is_refused(two_reviews, tmp_path: Path) -> None:
    work, before, _ = two_reviews
    config = yaml.safe_load((work / SECOND).read_text(encoding="utf-8"))
    config["results_dir"] = "results"
    clash = work / "config" / "clash.yaml"
    clash.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "1", "--configfile", str(clash), "--replace-workflow-config"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "holds the results of another review" in result.stdout + result.stderr
    assert _digest(work / "results") == before

"""reviewflow.config: a review is a config; its results folder is its own; the CLI honours --config."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from review_fixtures import small_corpus
from reviewflow.cli import main
from reviewflow.config import OWNER_FILE, check_results_owner, claim_results_dir, load_config
from reviewflow.errors import ReviewflowError
from test_review import write_decisions_csv


def _write_config(path: Path, **changes: object) -> Path:
    values = (
        yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
        if Path("config/config.yaml").is_file()
        else {}
    )
    values.update(changes)
    path.write_text(yaml.safe_dump(values, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _in_repo(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Config paths are relative to the working directory, as Snakemake reads them.
    monkeypatch.chdir(repo_root)


def test_the_default_review_gets_the_schema_defaults() -> None:
    config = load_config()
    assert config.path == Path("config/config.yaml")
    assert config.values["results_dir"] == "results" and config.results_dir == Path("results")
    assert config.form.name == "macy_johns_2011.yaml" and config.manifest == Path("corpus/manifest.csv")
    assert config.recommendation_model is not None and config.recommendation_model.is_file()


def test_every_shipped_review_config_is_valid_and_has_its_own_results_folder(repo_root: Path) -> None:
    configs = sorted((repo_root / "config").glob("*.yaml"))
    folders = [load_config(path.relative_to(repo_root)).values["results_dir"] for path in configs]
    assert len(set(folders)) == len(folders), dict(zip(map(str, configs), folders))


def test_a_bad_config_lists_every_problem_and_the_fix(tmp_path: Path) -> None:
    path = _write_config(tmp_path / "bad.yaml", results_dir=".", ingest={"max_pages": 0})
    with pytest.raises(ReviewflowError) as raised:
        load_config(path)
    message = str(raised.value)
    assert str(path) in message and "2 problem(s)" in message
    assert "results_dir" in message and "ingest/max_pages" in message and "Fix:" in message
    with pytest.raises(ReviewflowError, match=r"config not found.*--config"):
        load_config(tmp_path / "typo.yaml")


def test_a_results_folder_belongs_to_one_review(tmp_path: Path) -> None:
    results = tmp_path / "results"
    claim_results_dir(results, "corpus/manifest.csv")
    assert json.loads((results / OWNER_FILE).read_text()) == {"manifest": "corpus/manifest.csv"}
    claim_results_dir(results, "corpus/manifest.csv")  # the same review again: fine
    check_results_owner(tmp_path / "fresh", "corpus/other/manifest.csv")  # a folder nobody claimed
    with pytest.raises(ReviewflowError) as raised:
        claim_results_dir(results, "corpus/muraya_fry_2015/manifest.csv")
    message = str(raised.value)
    assert "another review (manifest corpus/manifest.csv)" in message and "results_dir" in message


def _finished_run(tmp_path: Path) -> tuple[Path, dict[str, list[dict[str, str]]]]:
    results = tmp_path / "results_other"
    return results, small_corpus(results)


def test_review_export_names_the_configured_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results, _ = _finished_run(tmp_path)
    decisions = tmp_path / "sheets_of_review_b"
    config = _write_config(tmp_path / "b.yaml", results_dir=str(results), decisions_dir=str(decisions))
    assert main(["review", "export", "--config", str(config)]) == 0
    assert f"Save a filled copy as {decisions}/<your name>.xlsx" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(results / "review" / "review_sheet.xlsx")
    guide = "\n".join(str(row[0]) for row in sheet.worksheets[-1].iter_rows(values_only=True) if row[0])
    assert f"{decisions}/<your name>.xlsx" in guide and f"{decisions}/adjudicated.xlsx" in guide
    assert f"{results}/coding.csv" in guide and "corpus/decisions" not in guide


def test_review_agreement_refuses_a_mistyped_decisions_folder(tmp_path: Path) -> None:
    results, docs = _finished_run(tmp_path)
    decisions = tmp_path / "decisions"
    write_decisions_csv(
        decisions / "ana.csv", [{"segment_id": docs["aron2006"][0]["segment_id"], "decision": "reject"}]
    )
    config = _write_config(tmp_path / "b.yaml", results_dir=str(results), decisions_dir=str(decisions))
    assert main(["review", "agreement", "--config", str(config)]) == 0
    agreement = (results / "review" / "agreement.csv").read_bytes()
    with open(results / "review" / "agreement.csv", encoding="utf-8") as handle:
        assert any((row["rater_a"], row["rater_b"]) == ("auto", "ana") for row in csv.DictReader(handle))
    assert main(["review", "agreement", "--config", str(config), "--decisions", str(tmp_path / "decisoins")]) == 2
    assert (results / "review" / "agreement.csv").read_bytes() == agreement  # not replaced by "no decisions yet"


def test_commands_refuse_another_reviews_results_folder(tmp_path: Path) -> None:
    results, _ = _finished_run(tmp_path)
    claim_results_dir(results, "corpus/manifest.csv")
    config = _write_config(tmp_path / "b.yaml", results_dir=str(results), manifest="corpus/b/manifest.csv")
    assert main(["review", "export", "--config", str(config)]) == 2
    assert not (results / "review" / "review_sheet.xlsx").exists()

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.prisma import corpus_note, draw_prisma, layout, load_search_log


def test_default_log_has_the_reviews_four_strategies(repo_root: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")
    sources = log["identification"]["databases_and_registers"] + log["identification"]["other_methods"]
    assert [s["id"] for s in sources] == ["database", "internet", "organization", "expert"]
    assert [s["identified"] for s in sources] == [49, 22, None, 5]
    assert log["included"]["by_source"] == {"database": 3, "internet": 9, "organization": 3, "expert": 5}
    assert log["included"]["total"] == 20


def test_diagram_shows_unknowns_and_the_corpus_note(repo_root: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")
    texts = "\n".join(box.text for box in layout(log, 19)[0])
    assert "(n = 49)" in texts and "(n = 22)" in texts and "(n = 5)" in texts
    assert "Duplicate records (n = not reported)" in texts
    assert "Studies included in review (n = 20)" in texts and "Documents in this corpus (n = 19)" in texts
    assert "20 documents; this corpus holds 19" in corpus_note(log, 19)
    assert "20th is never cited" in corpus_note(log, 19)


def test_files_are_byte_identical_across_runs(repo_root: Path, tmp_path: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")
    for run in ("a", "b"):
        draw_prisma(log, 19, tmp_path / f"{run}.svg", tmp_path / f"{run}.png")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert b"not reported" in (tmp_path / "a.svg").read_bytes()


def test_update_arm_is_drawn(repo_root: Path, tmp_path: Path) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["previous_review"] = {"studies_included": 20, "reports_included": None}
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    texts = "\n".join(box.text for box in layout(load_search_log(path), 24)[0])
    assert "Included in previous version (n = 20)" in texts


def test_bad_log_lists_every_problem(repo_root: Path, tmp_path: Path) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["identification"]["other_methods"][0]["identified"] = "twenty-two"
    del log["included"]["total"]
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(ReviewflowError) as caught:
        load_search_log(path)
    message = str(caught.value)
    assert "identification/other_methods/0/identified" in message
    assert "'total' is a required property" in message
    assert str(path) in message


def test_inconsistent_total_is_reported(repo_root: Path, tmp_path: Path) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["included"]["total"] = 21
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(ReviewflowError, match="not the sum of by_source"):
        load_search_log(path)

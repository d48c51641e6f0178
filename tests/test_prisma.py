from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.corpus.search_log import added_after_search, load_search_log, source_ids, source_labels
from reviewflow.errors import ReviewflowError
from reviewflow.living.prisma import corpus_note, draw_prisma, layout


def test_default_log_has_the_reviews_four_strategies(repo_root: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")
    sources = log["identification"]["databases_and_registers"] + log["identification"]["other_methods"]
    assert [s["id"] for s in sources] == ["database", "internet", "organization", "expert"]
    assert [s["identified"] for s in sources] == [49, 22, None, 5]
    assert log["included"]["by_source"] == {"database": 3, "internet": 9, "organization": 3, "expert": 5}
    assert log["included"]["total"] == 20


def test_diagram_shows_unknowns_and_the_corpus_note(repo_root: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")
    texts = "\n".join(box.text for box in layout(log, 19).boxes)
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


def _update_log(repo_root: Path, tmp_path: Path, **included: object) -> Path:
    """The default log as the first update of the review: 20 studies (22 reports) before, 4 new."""
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["previous_review"] = {"studies_included": 20, "reports_included": 22}
    log["included"].update(by_source={"database": 3, "internet": 1, "organization": 0, "expert": 0}, total=4, reports=5)
    log["included"].update(included)
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")
    return path


def test_update_uses_the_updated_review_template(repo_root: Path, tmp_path: Path) -> None:
    log = load_search_log(_update_log(repo_root, tmp_path, total_with_previous=24))
    diagram = layout(log, 24)
    texts = "\n".join(box.text for box in diagram.boxes)
    assert [title for _, _, title in diagram.headers] == [
        "Previous studies",
        "Identification of new studies via databases and registers",
        "Identification of new studies via other methods",
    ]
    assert (
        "Studies included in previous version of review (n = 20)\n"
        "Reports of studies included in previous version of review (n = 22)"
    ) in texts
    assert "New studies included in review (n = 4)\nReports of new included studies (n = 5)" in texts
    assert "Total studies included in review (n = 24)\nReports of total included studies (n = 27)" in texts
    assert "(n = 4)" not in texts.split("New studies")[0]  # the new count is not printed as the total
    previous, new, total = diagram.boxes[13:16]
    assert (13, 15) in diagram.arrows and (14, 15) in diagram.arrows  # previous and new both flow into the total
    assert previous.x + previous.width < new.x and total.y + total.height <= new.y
    assert corpus_note(log, 24) == "All 24 included documents are in this corpus."
    assert "24 documents (20 from the previous version, 4 new); this corpus holds 23" in corpus_note(log, 23)
    draw_prisma(log, 24, tmp_path / "u.svg", tmp_path / "u.png")
    assert b"Previous studies" in (tmp_path / "u.svg").read_bytes()


def test_unknown_previous_count_makes_the_total_unknown(repo_root: Path, tmp_path: Path) -> None:
    path = _update_log(repo_root, tmp_path)
    log = yaml.safe_load(path.read_text(encoding="utf-8"))
    log["previous_review"] = {"studies_included": None}
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    texts = "\n".join(box.text for box in layout(load_search_log(path), 24).boxes)
    assert "Total studies included in review (n = not reported)" in texts
    assert "Reports of total included studies (n = not reported)" in texts


def test_new_review_keeps_the_new_review_template(repo_root: Path) -> None:
    diagram = layout(load_search_log(repo_root / "corpus" / "search_log.yaml"), 19)
    assert len(diagram.boxes) == 14 and (diagram.width, diagram.height) == (100, 104)
    assert not any("Previous" in title or "new studies" in title for _, _, title in diagram.headers)


@pytest.mark.parametrize(
    ("included", "previous", "expected"),
    [
        (
            {"total_with_previous": 25},
            None,
            "'included/total_with_previous': 25 is not previous_review/studies_included (20) + included/total (4) = 24",
        ),
        ({"reports": 3}, None, "'included/reports': 3 reports for 4 studies"),
        (
            {},
            {"studies_included": 20, "reports_included": 18},
            "'previous_review/reports_included': 18 reports for 20 studies",
        ),
    ],
)
def test_inconsistent_update_counts_are_reported(
    repo_root: Path, tmp_path: Path, included: dict[str, int], previous: dict[str, int] | None, expected: str
) -> None:
    path = _update_log(repo_root, tmp_path, **included)
    if previous:
        log = yaml.safe_load(path.read_text(encoding="utf-8"))
        log["previous_review"] = previous
        path.write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(ReviewflowError) as caught:
        load_search_log(path)
    assert expected in str(caught.value) and str(path) in str(caught.value) and "Fix:" in str(caught.value)


def test_total_with_previous_needs_a_previous_review(repo_root: Path, tmp_path: Path) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["included"]["total_with_previous"] = 20
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(ReviewflowError, match="'previous_review' is null"):
        load_search_log(path)


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


def test_default_log_labels_its_sources_as_the_diagram_always_did(repo_root: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")
    assert source_labels(log) == {
        "database": "Databases",
        "internet": "Internet search",
        "organization": "Organizations",
        "expert": "Expert nominations",
    }
    included = layout(log, 19).boxes[13].text
    assert "Databases: 3, Internet search: 9, Organizations: 3, Expert nominations: 5" in included


def _second_review_log(tmp_path: Path) -> Path:
    """A review that searched databases, a trial register and human-trafficking resource libraries, and
    had documents nominated by a helpline (a source without a label)."""
    log = {
        "review": "Second review (2015)",
        "previous_review": None,
        "identification": {
            "databases_and_registers": [
                {"id": "database", "label": "Databases", "source": "PubMed, PsycINFO, CINAHL", "identified": 310},
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
                    "label": "Human trafficking resource libraries",
                    "source": "HTRC and Polaris resource libraries",
                    "identified": 41,
                },
                {"id": "helpline", "source": "Documents sent by the national helpline", "identified": 3},
            ],
        },
        "removed_before_screening": {"duplicates": 20, "automation": None, "other": None},
        "screening": {
            "databases_and_registers": {"screened": 302, "excluded": 250, "excluded_with_reasons": []},
            "other_methods": {"sought": 44, "excluded_with_reasons": []},
        },
        "included": {
            "by_source": {"database": 6, "trial_register": 2, "resource_library": 4, "helpline": 1},
            "total": 13,
        },
    }
    path = tmp_path / "search_log.yaml"
    path.write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")
    return path


def test_sources_and_their_labels_come_from_the_search_log(tmp_path: Path) -> None:
    log = load_search_log(_second_review_log(tmp_path))
    assert source_ids(log) == ["database", "trial_register", "resource_library", "helpline"]
    diagram = layout(log, 13)
    assert (
        "Databases: 6, Trial registers: 2, Human trafficking resource libraries: 4, helpline: 1"
        in diagram.boxes[13].text
    )
    assert "ClinicalTrials.gov, ISRCTN (n = 12)" in diagram.boxes[0].text
    assert "HTRC and Polaris resource libraries (n = 41)" in diagram.boxes[2].text
    draw_prisma(log, 13, tmp_path / "p.svg", tmp_path / "p.png")
    assert b"Trial registers: 2" in (tmp_path / "p.svg").read_bytes()


def test_empty_source_label_is_refused(tmp_path: Path) -> None:
    path = _second_review_log(tmp_path)
    log = yaml.safe_load(path.read_text(encoding="utf-8"))
    log["identification"]["databases_and_registers"][1]["label"] = ""
    path.write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(ReviewflowError) as caught:
        load_search_log(path)
    assert "identification/databases_and_registers/1/label" in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("screening", "expected"),
    [
        (
            {"databases_and_registers": {"screened": 115, "excluded": 90, "sought": 15}},
            "'screening/databases_and_registers/sought': 15 is not screened (115) - excluded (90) = 25",
        ),
        (
            {"other_methods": {"sought": 10, "not_retrieved": 2, "assessed": 9}},
            "'screening/other_methods/assessed': 9 is not sought (10) - not_retrieved (2) = 8",
        ),
        (
            {"databases_and_registers": {"screened": 10, "excluded": 12}},
            "excluded (12) is more than screened (10)",
        ),
        (
            {"databases_and_registers": {"screened": 50}},
            "50 is not records identified from databases and registers (49) - records removed",
        ),
        (
            {"other_methods": {"assessed": 3, "excluded_with_reasons": [{"reason": "wrong population", "n": 4}]}},
            "the reports excluded with reasons (4) is more than assessed (3)",
        ),
    ],
)
def test_prisma_arithmetic_is_checked(
    repo_root: Path, tmp_path: Path, screening: dict[str, dict[str, object]], expected: str
) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["removed_before_screening"] = {"duplicates": 0, "automation": 0, "other": 0}
    for column, counts in screening.items():
        log["screening"][column].update(counts)
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")
    with pytest.raises(ReviewflowError) as caught:
        load_search_log(path)
    assert expected in str(caught.value) and str(path) in str(caught.value) and "Fix:" in str(caught.value)


def test_consistent_prisma_counts_and_unknown_ones_pass(repo_root: Path, tmp_path: Path) -> None:
    log = yaml.safe_load((repo_root / "corpus" / "search_log.yaml").read_text(encoding="utf-8"))
    log["removed_before_screening"] = {"duplicates": 4, "automation": 0, "other": None}
    log["screening"]["databases_and_registers"].update(
        screened=45, excluded=30, sought=15, not_retrieved=1, assessed=14
    )
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")
    assert load_search_log(path)["screening"]["databases_and_registers"]["assessed"] == 14


def test_a_document_added_after_the_search_is_not_taken_for_the_unknown_one(repo_root: Path) -> None:
    log = load_search_log(repo_root / "corpus" / "search_log.yaml")  # 20 included, the 20th not in the corpus
    rows = [{"doc_id": f"doc{i}", "citation": f"Doc, {2000 + i}"} for i in range(19)]
    assert added_after_search(log, rows) == []
    assert "20 documents; this corpus holds 19" in corpus_note(log, 19)
    rows.append({"doc_id": "update2011", "citation": "Update, 2011"})
    added = [row["citation"] for row in added_after_search(log, rows)]
    assert added == ["Update, 2011"]
    note = corpus_note(log, 20, added)
    assert "All 20" not in note
    assert "this corpus holds 20, of which 1 added after the search this diagram records (Update, 2011)" in note
    assert "Update the search log" in note

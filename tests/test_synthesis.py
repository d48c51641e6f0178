"""Synthesis as tidy data: which documents support which need, area and practice in which phase."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.synthesis.evidence import (
    ANY_PHASE,
    EvidenceFields,
    attribution_agreement,
    evidence_basis,
    format_citations,
    rests_on_primary_data,
    synthesize_files,
)
from synthesis_fixtures import FORM_FIELDS, SEGMENTS, write_corpus

ALL_FIVE = "(Aron et al., 2006; Caliber, 2007; Clawson & Dutch, 2008a; Clawson & Dutch, 2008b; Clawson et al., 2008)"


@pytest.fixture
def corpus(tmp_path: Path) -> dict[str, object]:
    return write_corpus(tmp_path)


@pytest.fixture
def result(corpus):
    return synthesize_files(**corpus)


def need_cell(result, phase: str, need: str, role: str = "support") -> pd.Series:
    rows = result.needs[
        (result.needs["phase"] == phase) & (result.needs["need"] == need) & (result.needs["role"] == role)
    ]
    assert len(rows) == 1, f"{phase}/{need}/{role}: {len(rows)} rows"
    return rows.iloc[0]


def area_cell(frame: pd.DataFrame, code: str, phase: str, role: str = "support") -> pd.Series:
    rows = frame[(frame["code"] == code) & (frame["phase"] == phase) & (frame["role"] == role)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_table1_cell_cites_every_supporting_document_alphabetically(result):
    cell = need_cell(result, "immediate", "emergency_shelter")
    assert cell["citations"] == ALL_FIVE
    assert cell["n_documents"] == 5
    # s01 of aron2006 has no phase: it counts in the need's default phase (immediate).
    assert "aron2006" in cell["doc_ids"].split(";")


def test_need_placed_in_another_phase_gets_its_own_row(result):
    cell = need_cell(result, "reintegration", "emergency_shelter")
    assert cell["citations"] == "(Aron et al., 2006)"
    assert not cell["default_phase"]
    # Needs without any document still have their row in their default phase: gaps stay visible.
    empty = need_cell(result, "immediate", "basic_needs")
    assert (empty["n_documents"], empty["citations"], bool(empty["default_phase"])) == (0, "", True)
    assert result.needs[(result.needs["need"] == "basic_needs")]["phase"].unique().tolist() == ["immediate"]


def test_table1_rows_follow_phase_then_codebook_order(result):
    rows = result.needs[result.needs["role"] == "support"][["phase", "need"]].values.tolist()
    assert rows == [
        ["immediate", "emergency_shelter"],
        ["immediate", "basic_needs"],
        ["immediate", "emergency_interpretation"],
        ["stabilization", "ongoing_physical_health"],
        ["stabilization", "ongoing_mental_health"],
        ["reintegration", "emergency_shelter"],
        ["reintegration", "permanent_housing"],
        ["reintegration", "repatriation"],
    ]


def test_do_not_recommendations_are_cautions_not_support(result):
    support = need_cell(result, "stabilization", "ongoing_physical_health")
    caution = need_cell(result, "stabilization", "ongoing_physical_health", "caution")
    assert (support["n_documents"], caution["citations"]) == (0, "(Caliber, 2007)")
    any_phase = area_cell(result.service_areas, "physical_health", ANY_PHASE, "caution")
    assert any_phase["citations"] == "(Aron et al., 2006; Caliber, 2007)"
    assert area_cell(result.service_areas, "physical_health", ANY_PHASE)["n_documents"] == 0


def test_include_mentions_switch(corpus):
    default = synthesize_files(**corpus)
    with_mentions = synthesize_files(**corpus, include_mentions=True)
    assert need_cell(default, "stabilization", "ongoing_mental_health")["citations"] == "(Aron et al., 2006)"
    assert (
        need_cell(with_mentions, "stabilization", "ongoing_mental_health")["citations"]
        == "(Aron et al., 2006; Caliber, 2007)"
    )
    mention = with_mentions.support[with_mentions.support["segment_id"] == "s08"]
    assert mention[["polarity", "role", "decided_by"]].values.tolist() == [["mention", "support", ""]]
    assert "s08" not in set(default.support["segment_id"])


def test_rejected_segments_and_failed_documents_are_left_out(result):
    segments = set(result.support["segment_id"])
    assert "s09" not in segments  # decision=reject
    assert {"s04", "s13"} <= segments  # accept and edit count
    assert "fcadv2004" not in set(result.support["doc_id"])  # ingestion failed, though it has coded rows
    assert result.excluded.to_dict("records") == [
        {
            "doc_id": "fcadv2004",
            "citation": "FCADV, 2004",
            "status": "error",
            "message": "no text layer on any page; run OCR and add the text file",
        }
    ]
    # The reject left Clawson & Dutch 2008a out of mental health altogether.
    assert "clawson_dutch2008a" not in area_cell(result.service_areas, "mental_health", ANY_PHASE)["doc_ids"]


def test_support_rows_lead_back_to_coded_sentences(result, corpus):
    coding = pd.read_csv(corpus["coding_csv"], dtype=str, keep_default_na=False).set_index("segment_id")
    for row in result.support.itertuples(index=False):
        coded = coding.loc[row.segment_id]
        assert (coded["doc_id"], coded["sentence"], coded["page"]) == (row.doc_id, row.quote, row.page)
        assert row.code in coded["service_areas"].split(";") + coded["practices"].split(";")
        if row.need:
            assert row.need in coded["needs"].split(";")
    # A segment naming an area and a practice but no need and no phase supports both, in no phase.
    s15 = result.support[result.support["segment_id"] == "s15"]
    assert sorted(s15["code"]) == ["mental_health", "needs_assessment"]
    assert set(s15["phase"]) == {""}


def test_any_phase_counts_support_without_a_phase(result):
    assert area_cell(result.service_areas, "mental_health", "stabilization")["citations"] == "(Aron et al., 2006)"
    assert (
        area_cell(result.service_areas, "mental_health", ANY_PHASE)["citations"]
        == "(Aron et al., 2006; Clawson et al., 2008)"
    )
    practice = area_cell(result.practices, "trauma_informed_care", ANY_PHASE)
    assert (practice["n_documents"], practice["citations"]) == (1, "(Aron et al., 2006)")


def test_evidence_basis_counts_primary_data_documents(result):
    assert result.basis == {
        "aron2006": "primary",
        "caliber2007": "primary",
        "clawson2008": "unknown",
        "clawson_dutch2008a": "other",
        "clawson_dutch2008b": "other",
        "fcadv2004": "primary",
    }
    rows = result.evidence.set_index(["level", "id"])
    shelter = rows.loc[("need", "emergency_shelter")]
    assert (shelter["n_documents"], shelter["n_primary"], shelter["n_unknown"]) == (5, 2, 1)
    assert shelter["primary_doc_ids"] == "aron2006;caliber2007"
    legal = rows.loc[("service_area", "legal_immigration")]
    assert (legal["n_documents"], legal["n_primary"], legal["share_primary"]) == (1, 0, 0.0)
    assert rows.loc[("service_area", "basic_necessities")]["share_primary"] == ""


@pytest.mark.parametrize(
    "value, expected",
    [
        ("primary", True),
        ("Primary data", True),
        ("primary_interviews", True),
        ("secondary", False),
        ("non-primary", False),
        ("not primary", False),
        ("expert opinion", False),
        ("", None),
        (None, None),
        ([], None),
        (["interviews_survivors"], True),
        (["literature_review", "interviews_survivors"], True),
        (["expert_opinion", "anecdotal"], False),
        ("interviews_survivors", True),
        ({"x": 1}, None),
    ],
)
def test_primary_data_rule(value, expected):
    methods = {"interviews_survivors", "survey"}
    assert rests_on_primary_data(value, methods, {"expert_opinion", "literature_review", "anecdotal"}) is expected


def test_empty_evidence_basis_falls_back_to_evidence_category(tmp_path):
    from reviewflow.fileio import write_json
    from reviewflow.synthesis.evidence import evidence_basis

    write_json(
        tmp_path / "a.json",
        {"doc_id": "a", "fields": {"evidence_basis": {"value": []}, "evidence_category": {"value": "primary"}}},
    )
    write_json(
        tmp_path / "b.json",
        {
            "doc_id": "b",
            "fields": {"evidence_basis": {"value": ["survey"]}, "evidence_category": {"value": "secondary"}},
        },
    )
    (tmp_path / "c.json").write_text("{not json", encoding="utf-8")
    basis, problems = evidence_basis(sorted(tmp_path.glob("*.json")))
    assert basis == {"a": "primary", "b": "other", "c": "unknown"}
    assert len(problems) == 1 and "c.json" in problems[0] and "Fix:" in problems[0]


def test_citations_sort_casefolded_with_suffixes_before_et_al():
    citations = {
        "b": "Clawson et al., 2008",
        "a2": "Clawson & Dutch, 2008b",
        "a1": "Clawson & Dutch, 2008a",
        "v": "van Dijk, 2005",
        "w": "Walker, 2001",
        "z": "Adams, 2003",
    }
    assert format_citations(["w", "b", "v", "a2", "z", "a1", "b"], citations) == (
        "(Adams, 2003; Clawson & Dutch, 2008a; Clawson & Dutch, 2008b; Clawson et al., 2008; van Dijk, 2005; "
        "Walker, 2001)"
    )
    assert format_citations([], citations) == ""


def test_unknown_codes_are_reported_once_not_fatal(tmp_path):
    segments = [
        *SEGMENTS,
        ("s90", "aron2006", "true", "do", "space_travel", "", "moon_base", "", "", "x"),
        ("s91", "caliber2007", "true", "do", "", "", "moon_base", "", "", "y"),
    ]
    result = synthesize_files(**write_corpus(tmp_path, segments=segments))
    assert any("unknown need 'moon_base'" in p and "(2 segments)" in p for p in result.problems)
    assert any("'space_travel'" in p for p in result.problems)
    assert need_cell(result, "immediate", "emergency_shelter")["n_documents"] == 5


def test_coding_without_required_columns_names_the_file(corpus):
    coding = Path(corpus["coding_csv"])
    coding.write_text("doc_id,sentence\naron2006,hello\n", encoding="utf-8")
    with pytest.raises(ReviewflowError, match=r"coding\.csv.*needs.*Fix:"):
        synthesize_files(**corpus)


def test_attribution_agreement(result, tmp_path):
    attributions = tmp_path / "attributions.csv"
    with open(attributions, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["document", "category", "phase", "recommendation"])
        writer.writerows(
            [
                ["aron2006", "", "", "services form a continuum"],  # no category: not a pair
                ["aron2006", "shelter_housing", "immediate", "emergency shelter"],
                ["aron2006", "physical_health", "", "no mandatory HIV testing (do-not)"],
                ["aron2006", "mental_health", "", "counselling"],
                ["aron2006", "mental_health", "stabilization", "trauma counselling"],
                ["caliber2007", "shelter_housing", "", "shelter"],
                ["caliber2007", "case_management", "", "one case manager"],
            ]
        )
    agreement = attribution_agreement(result.support, attributions)
    found = set(zip(result.support["doc_id"], result.support["code"]))
    assert len(found) == 12
    # Expected: 5 distinct pairs; 4 found (caliber2007/case_management missing).
    assert agreement["recall"] == pytest.approx(4 / 5)
    assert agreement["precision"] == pytest.approx(4 / 12)
    assert agreement["missing"] == [("caliber2007", "case_management")]
    assert ("clawson2008", "needs_assessment") in agreement["extra"]
    assert len(agreement["extra"]) == 8


def test_phase_names_of_other_schemes_map_through_the_aliases(tmp_path):
    import yaml

    segments = [
        ("s70", "aron2006", "true", "do", "shelter_housing", "", "emergency_shelter", "Rescue", "", "x"),
        ("s71", "caliber2007", "true", "do", "shelter_housing", "", "emergency_shelter", "orbit", "", "y"),
    ]
    corpus = write_corpus(tmp_path, segments=segments)
    form = yaml.safe_load(Path(corpus["form_path"]).read_text(encoding="utf-8"))
    form["codebook"]["phase_aliases"] = {"rescue": "reintegration"}
    Path(corpus["form_path"]).write_text(yaml.safe_dump(form), encoding="utf-8")
    result = synthesize_files(**corpus)
    assert need_cell(result, "reintegration", "emergency_shelter")["doc_ids"] == "aron2006"
    # An unknown phase is reported and the need falls back to its default phase.
    assert need_cell(result, "immediate", "emergency_shelter")["doc_ids"] == "caliber2007"
    assert any("unknown phase 'orbit'" in p for p in result.problems)


# --- evidence fields found by their role, whatever the form calls them -------------------------------

# The primary/secondary category as coding fills it, for the one document that names no method.
CATEGORY = {"clawson2008": "primary"}


def _with_evidence_fields(
    corpus: dict[str, object], basis_id: str | None, category_id: str | None
) -> dict[str, object]:
    """The fixture corpus with its form's evidence fields given these ids (None: no such field), and
    every filled form keyed by them, as the code stage writes `results/forms/{doc}.json`."""
    form_path = Path(str(corpus["form_path"]))
    form = yaml.safe_load(form_path.read_text(encoding="utf-8"))
    fields = []
    if basis_id:
        fields.append({**FORM_FIELDS[0], "id": basis_id, "label": "Study design"})
    if category_id:
        fields.append(
            {
                "id": category_id,
                "label": "Design category",
                "type": "single_choice",
                "mode": "auto",
                "source": "evidence_category",
                "choices": ["primary", "secondary"],
            }
        )
    form["form"]["fields"] = [*fields, *FORM_FIELDS[1:]]
    form_path.write_text(yaml.safe_dump(form, sort_keys=False), encoding="utf-8")
    for path in corpus["form_json_paths"]:  # type: ignore[attr-defined]
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        methods = data["fields"].pop("evidence_basis")
        category = CATEGORY.get(data["doc_id"])
        if basis_id:
            data["fields"][basis_id] = methods
        if category_id:
            data["fields"][category_id] = {
                "value": category,
                "mode": "auto",
                "status": "filled" if category else "empty",
                "evidence": [],
            }
        Path(path).write_text(json.dumps(data), encoding="utf-8")
    return corpus


def test_evidence_fields_are_found_by_their_role_not_their_id(tmp_path):
    default = synthesize_files(
        **_with_evidence_fields(write_corpus(tmp_path / "a"), "evidence_basis", "evidence_category")
    )
    renamed = synthesize_files(**_with_evidence_fields(write_corpus(tmp_path / "b"), "study_design", "design_category"))
    assert renamed.evidence_fields == EvidenceFields(basis=("study_design",), category=("design_category",))
    assert (
        renamed.basis
        == default.basis
        == {
            "aron2006": "primary",
            "caliber2007": "primary",
            "clawson2008": "primary",
            "clawson_dutch2008a": "other",
            "clawson_dutch2008b": "other",
            "fcadv2004": "primary",
        }
    )
    # The evidence table and the cells the gap map colours by (n_primary) agree, row for row.
    for table in ("evidence", "needs", "service_areas", "practices"):
        pd.testing.assert_frame_equal(getattr(renamed, table), getattr(default, table))
    shelter = renamed.evidence.set_index(["level", "id"]).loc[("need", "emergency_shelter")]
    assert (shelter["n_documents"], shelter["n_primary"], shelter["n_unknown"]) == (5, 3, 0)
    assert renamed.problems == default.problems


def test_forms_filled_under_other_field_ids_are_reported(tmp_path):
    corpus = _with_evidence_fields(write_corpus(tmp_path), "study_design", "design_category")
    basis, problems = evidence_basis(corpus["form_json_paths"], form_path="extraction_forms/fixture.yaml")
    assert set(basis.values()) == {"unknown"}  # read by the shipped form's ids, nothing is found
    (problem,) = problems
    assert "6 filled form(s)" in problem and "evidence_basis, evidence_category" in problem
    assert "extraction_forms/fixture.yaml" in problem and "Fix: rerun the code stage" in problem


def test_form_with_only_a_category_field(tmp_path):
    result = synthesize_files(**_with_evidence_fields(write_corpus(tmp_path), None, "design_category"))
    assert result.evidence_fields == EvidenceFields(basis=(), category=("design_category",))
    assert result.basis["clawson2008"] == "primary" and result.basis["aron2006"] == "unknown"


def test_form_without_evidence_fields_says_basis_unknown_for_all(tmp_path):
    corpus = _with_evidence_fields(write_corpus(tmp_path), None, None)
    result = synthesize_files(**corpus)
    assert set(result.basis.values()) == {"unknown"}
    supported = result.evidence[result.evidence["n_documents"] > 0]
    assert (supported["n_unknown"] == supported["n_documents"]).all() and (supported["n_primary"] == 0).all()
    (problem,) = [p for p in result.problems if "evidence basis is unknown" in p]
    assert problem.startswith(f"{corpus['form_path']}: no form field has source: evidence_basis")
    assert "Fix: add a field with `source: evidence_basis`" in problem
    assert result.evidence_fields == EvidenceFields(basis=(), category=())


def _with_inclusion_field(corpus: dict[str, object], forms_rows: list[dict[str, str]]) -> dict[str, object]:
    """The fixture form with a manual yes/no field of role inclusion, and a forms.csv with its values."""
    form_path = Path(str(corpus["form_path"]))
    data = yaml.safe_load(form_path.read_text(encoding="utf-8"))
    data["form"]["fields"].append(
        {"id": "keep_it", "label": "Belongs in the synthesis", "type": "boolean", "mode": "manual", "role": "inclusion"}
    )
    form_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    table = Path(str(corpus["coding_csv"])).parent / "forms.csv"
    columns = ["doc_id", "field", "label", "mode", "value", "status", "source", "reviewer", "note", "evidence_count"]
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(forms_rows)
    return {**corpus, "forms_table_csv": table}


def test_a_document_a_reviewer_sets_not_to_include_leaves_the_tables_with_the_reason(corpus):
    before = synthesize_files(**corpus)
    assert "caliber2007" in need_cell(before, "immediate", "emergency_shelter")["doc_ids"]
    rows = [
        {
            "doc_id": "caliber2007",
            "field": "keep_it",
            "value": "false",
            "status": "filled",
            "reviewer": "ana",
            "note": "a program description, not a needs study",
        },
        {"doc_id": "aron2006", "field": "keep_it", "value": "", "status": "conflict"},  # unsettled: stays in
        {"doc_id": "fcadv2004", "field": "keep_it", "value": "false", "status": "filled", "reviewer": "ana"},
    ]
    result = synthesize_files(**_with_inclusion_field(corpus, rows))
    assert "caliber2007" not in set(result.support["doc_id"])
    assert "caliber2007" not in need_cell(result, "immediate", "emergency_shelter")["doc_ids"]
    assert "aron2006" in set(result.support["doc_id"])
    excluded = {row["doc_id"]: row for row in result.excluded.to_dict("records")}
    assert excluded["caliber2007"]["status"] == "excluded_by_reviewer"
    assert excluded["caliber2007"]["message"] == "ana set keep_it to false: a program description, not a needs study"
    assert excluded["fcadv2004"]["status"] == "error"  # its ingestion failure stays the reason
    from reviewflow.synthesis.tables import excluded_note

    note = excluded_note(result.excluded)
    assert "Left out because their ingestion failed (1): FCADV, 2004" in note
    assert (
        "Left out by reviewers (an inclusion field of the form set to false) (1): Caliber, 2007 [caliber2007]" in note
    )

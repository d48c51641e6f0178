"""Filling one document's extraction form from its coded segments (reviewflow.coding.form_filling):
the evidence basis and category from method cues outside citations, services and practices from
recommendations only, needs wherever the text names them, every value with its evidence, manual fields
left to the reviewer."""

from __future__ import annotations

from reviewflow.coding.form_filling import MAX_EVIDENCE_PER_VALUE, fill_form
from reviewflow.coding.nlp import resources
from reviewflow.paths import DEFAULT_FORM
from test_coding import code

ROW = {"doc_type": "ngo_report", "title": "Services for survivors of human trafficking"}


def _fields(*sentences: str, document_row: dict | None = None) -> dict:
    coded = code([("paragraph", " ".join(sentences))])
    return fill_form(coded, resources(DEFAULT_FORM)[0], ROW if document_row is None else document_row)["fields"]


def test_filled_form_has_values_with_evidence_and_manual_fields_for_the_reviewer():
    coded = code(
        [
            (
                "paragraph",
                "We interviewed 25 survivors and conducted focus groups with service providers. "
                "Providers should offer counseling to women and girls from abroad. "
                "Foreign national victims need interpreters.",
            ),
        ],
        document_row={"doc_type": "ngo_report", "title": "A needs assessment"},
    )
    form = fill_form(coded, resources(DEFAULT_FORM)[0], {"doc_type": "ngo_report"})
    fields = form["fields"]
    assert (form["form_id"], form["status"]) == ("macy_johns_2011", "ok")
    assert fields["document_type"]["value"] == "ngo_report"
    assert fields["evidence_basis"]["value"] == ["interviews_survivors", "interviews_providers"]
    assert fields["evidence_category"]["value"] == "primary"
    assert fields["population_age"]["value"] == ["adults", "children"]
    assert fields["population_origin"]["value"] == ["international"]
    assert fields["recommended_services"]["value"] == ["mental_health"]
    assert fields["recommended_services"]["evidence"][0]["quote"].startswith("Providers should offer counseling")
    assert "emergency_interpretation" in fields["survivors_needs"]["value"]
    assert fields["quality_appraisal_notes"] == {
        "value": None,
        "mode": "manual",
        "status": "needs_reviewer",
        "evidence": [],
    }
    assert all(f["status"] in ("filled", "empty", "needs_reviewer") for f in fields.values())


def test_a_named_review_method_makes_the_evidence_secondary():
    fields = _fields("A literature review found few evaluations of services.", "Programs should offer legal advocacy.")
    assert fields["evidence_basis"]["value"] == ["literature_review"]
    assert fields["evidence_basis"]["evidence"][0]["rule"] == "basis:literature_review:literature review"
    assert fields["evidence_category"]["value"] == "secondary"


def test_a_cited_method_is_not_what_the_document_rests_on_but_its_population_counts():
    fields = _fields(
        "Interviews with survivors show that shelters for children are scarce (Clawson et al., 2009).",
        "Providers should offer safe housing.",
    )
    assert (fields["evidence_basis"]["value"], fields["evidence_basis"]["status"]) == ([], "empty")
    assert (fields["evidence_category"]["value"], fields["evidence_category"]["evidence"]) == (None, [])
    assert fields["population_age"]["value"] == ["children"]


def test_a_segment_is_quoted_once_per_method_however_many_of_its_patterns_fire():
    fields = _fields("Interviews with survivors were held in three cities.", "Programs should offer counseling.")
    (evidence,) = fields["evidence_basis"]["evidence"]
    assert evidence["quote"] == "Interviews with survivors were held in three cities."
    assert evidence["rule"].startswith("basis:interviews_survivors:")


def test_services_come_from_recommendations_and_needs_from_any_sentence():
    fields = _fields("Many survivors lacked safe housing and medical care.", "Programs should offer counseling.")
    assert fields["recommended_services"]["value"] == ["mental_health"]  # not housing or health: a finding
    needs = fields["survivors_needs"]
    assert needs["value"] == ["ongoing_mental_health", "permanent_housing"]  # in the codebook's order
    assert [e["quote"] for e in needs["evidence"]] == [
        "Programs should offer counseling.",
        "Many survivors lacked safe housing and medical care.",
    ]


def test_evidence_per_value_is_capped_and_the_count_is_every_recommendation():
    sentences = [
        "Programs should offer counseling.",
        "Agencies should provide counseling to survivors.",
        "Staff should refer survivors to counseling.",
        "Case managers should arrange counseling.",
        "Advocates should offer counseling in the first weeks.",
    ]
    fields = _fields(*sentences)
    services = fields["recommended_services"]
    assert services["value"] == ["mental_health"]
    assert [e["quote"] for e in services["evidence"]] == sentences[:MAX_EVIDENCE_PER_VALUE]
    assert fields["n_recommendations"]["value"] == len(sentences)


def test_a_manifest_field_without_a_value_is_empty_and_has_no_evidence():
    filled = _fields("Programs should offer counseling.")["document_type"]
    assert filled["value"] == "ngo_report"
    assert filled["evidence"] == [{"segment_id": "", "page": 0, "quote": "ngo_report", "rule": "manifest:doc_type"}]
    empty = _fields("Programs should offer counseling.", document_row={})["document_type"]
    assert (empty["value"], empty["status"], empty["evidence"]) == (None, "empty", [])

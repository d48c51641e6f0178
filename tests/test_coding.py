"""Coding of ingested documents: segmentation, recommendation kinds, polarity, codes, phases, citations,
the filled form, the command line, and accuracy against the hand-coded HHS/ASPE 2009 gold."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path

import pytest
import yaml

from reviewflow.cli.code import cli_code
from reviewflow.coding.coder import COLUMNS, code_ingested, segment_id, write_coded_csv
from reviewflow.coding.evaluation import evaluate, read_rows
from reviewflow.coding.form_filling import fill_form
from reviewflow.coding.nlp import resources
from reviewflow.coding.recommender import load_model
from reviewflow.paths import DEFAULT_FORM, DEFAULT_RECOMMENDATION_MODEL

GOLD = Path(__file__).parent / "gold" / "hhs_aspe_2009.csv"
HHS_TEXT = "texts/hhs-aspe-2009-promising-services-excerpt.txt"


def make_ingested(
    blocks: list[tuple[str, str] | tuple[str, str, int]],
    doc_id: str = "testdoc",
    references: list[str] | None = None,
    title: str | None = None,
) -> dict:
    """An ingested record as docs/data-contracts.md describes it, built from (kind, text[, level]) blocks."""
    parts: list[tuple[str, str, int | None, str]] = []
    if title:
        parts.append(("heading", title, 1, "front_matter"))
    for block in blocks:
        parts.append(
            (block[0], block[1], block[2] if len(block) > 2 else (2 if block[0] == "heading" else None), "body")
        )
    if references:
        parts.append(("heading", "References", 1, "references"))
        parts.extend(("paragraph", ref, None, "references") for ref in references)
    text, out_blocks, sections = "", [], []
    for kind, block_text, level, section in parts:
        if text:
            text += "\n\n"
        start = len(text)
        text += block_text
        entry = {"kind": kind, "start": start, "end": len(text), "page": 1}
        if kind == "heading":
            entry["level"] = level
        out_blocks.append(entry)
        if not sections or sections[-1]["name"] != section:
            if sections:
                sections[-1]["end"] = start
            sections.append({"name": section, "start": start, "end": len(text)})
        sections[-1]["end"] = len(text)
    return {
        "doc_id": doc_id,
        "source": f"documents/{doc_id}.txt",
        "format": "txt",
        "text": text,
        "pages": [{"number": 1, "start": 0, "end": len(text), "chars": len(text), "has_text_layer": True}],
        "blocks": out_blocks,
        "sections": sections,
        "quality": {
            "status": "ok",
            "messages": [],
            "n_pages": 1,
            "pages_without_text": [],
            "chars_per_page": [len(text)],
        },
    }


def code(blocks, **kwargs):
    row = kwargs.pop("document_row", None)
    return code_ingested(make_ingested(blocks, **kwargs), DEFAULT_FORM, document_row=row)


def by_text(rows, start: str) -> dict:
    matches = [r for r in rows if r["sentence"].startswith(start)]
    assert len(matches) == 1, (start, [r["sentence"] for r in rows])
    return matches[0]


def test_segments_headings_list_items_and_sentences_with_stable_ids():
    ingested = make_ingested(
        [
            ("heading", "Mental health care"),
            (
                "paragraph",
                "Most survivors reported depression (Aron, Zweig, & Newmark, 2006). Providers should offer "
                "counseling in the survivor's language.",
            ),
            ("list_item", "Offer English classes"),
            ("paragraph", "Survivors may need dental care."),
        ],
        references=["Aron, L. Y., Zweig, J. M., & Newmark, L. C. (2006). Comprehensive services. Urban Institute."],
    )
    rows = code_ingested(ingested, DEFAULT_FORM).rows
    assert [r["segment_kind"] for r in rows] == ["heading", "sentence", "sentence", "list_item", "sentence"]
    for row in rows:
        assert ingested["text"][row["char_start"] : row["char_end"]] == row["sentence"]
        expected = hashlib.sha1(("testdoc\x1f" + " ".join(row["sentence"].lower().split())).encode()).hexdigest()[:16]
        assert row["segment_id"] == expected
    assert not any("Urban Institute" in r["sentence"] for r in rows)  # references are never coded
    assert rows[3]["sentence"] == "Offer English classes" and rows[3]["heading"] == "Mental health care"


def test_recommendation_kinds_and_background_findings():
    rows = code(
        [
            (
                "paragraph",
                "Most survivors reported depression and anxiety. Providers should offer trauma-informed "
                "counseling. It is essential to provide interpreters.",
            ),
        ]
    ).rows
    finding = by_text(rows, "Most survivors")
    assert (finding["is_recommendation"], finding["recommendation_kind"], finding["polarity"]) == (False, "none", "")
    assert finding["service_areas"] == ["mental_health"]  # still coded, just not a recommendation
    explicit = by_text(rows, "Providers should")
    assert explicit["recommendation_kind"] == "explicit" and explicit["polarity"] == "do"
    assert explicit["service_areas"] == ["mental_health"] and explicit["practices"] == ["trauma_informed_care"]
    assert by_text(rows, "It is essential")["practices"] == ["language_interpretation"]


def test_a_described_practice_is_a_recommendation_in_any_document():
    # What a program does for survivors is practice whatever the document calls itself: the decision
    # is the sentence's, not the title's.
    blocks = [("paragraph", "The program offers English classes to residents.")]
    plain = by_text(code(blocks).rows, "The program")
    assert plain["recommendation_kind"] == "described_practice" and plain["service_areas"] == [
        "life_skills_job_training"
    ]
    promising = code(blocks, document_row={"title": "Promising practices in aftercare"}).rows
    assert by_text(promising, "The program")["recommendation_kind"] == "described_practice"
    under_heading = code([("heading", "What providers can do"), *blocks]).rows
    assert by_text(under_heading, "The program")["recommendation_kind"] == "explicit"


def test_what_a_relative_clause_says_a_service_does_is_not_a_program_acting():
    rows = code([("paragraph", "This report draws from survivors the services that would help women recover.")]).rows
    assert rows[0]["is_recommendation"] is False


def test_review_language_is_a_recommendation_when_the_segment_has_a_code():
    rows = code(
        [
            (
                "paragraph",
                "Secured housing is found to assure safety (Armstrong, 2008). "
                "Much of the literature suggests the need for interpreters. "
                "Stable funding is emphasized by the authors.",
            )
        ]
    ).rows
    assert by_text(rows, "Secured housing")["recommendation_kind"] == "explicit"
    assert by_text(rows, "Much of the literature")["recommendation_kind"] == "explicit"
    # "is emphasized" with nothing the codebook codes is not a service recommendation.
    assert by_text(rows, "Stable funding")["is_recommendation"] is False


@pytest.mark.parametrize(
    "sentence",
    [
        "It\u2019s critically important to offer interpreters.",
        "Providers are encouraged to screen for substance use.",
        "Shelters have legal obligations to protect residents' privacy.",
        "If your client is comfortable with it, ask questions about their housing.",
        "During the conversation, use a qualified interpreter.",
        "Tip: meet survivors in a private room.",
        "Safety is a primary concern for survivors leaving a trafficking situation.",
        "Counseling is one of the most vital services programs can offer.",
        "Remember that trust takes time to build.",
        "Staff are encouraged to explain each step of the process.",
    ],
)
def test_intensified_hedged_and_labelled_cues_recommend(sentence):
    assert code([("paragraph", sentence)]).rows[0]["recommendation_kind"] == "explicit", sentence


def test_a_question_heading_about_promising_approaches_makes_its_sentences_recommendations():
    rows = code(
        [
            ("heading", "What are promising approaches to service delivery?"),
            ("paragraph", "Case managers meet clients within a day of referral."),
        ]
    ).rows
    assert by_text(rows, "Case managers")["recommendation_kind"] == "explicit"


def test_heading_codes_go_only_to_the_recommendations_beneath_it():
    rows = code(
        [("heading", "Safe housing"), ("paragraph", "Offer a private room. See chapter 4 for the survey results.")]
    ).rows
    assert by_text(rows, "Offer a private room")["service_areas"] == ["shelter_housing"]
    cross_reference = by_text(rows, "See chapter 4")
    assert cross_reference["is_recommendation"] is False and cross_reference["service_areas"] == []


def test_names_of_organisations_and_laws_are_not_topics():
    rows = code(
        [
            (
                "paragraph",
                "The Substance Abuse and Mental Health Services Administration publishes six principles. "
                "Providers should offer mental health care.",
            )
        ]
    ).rows
    name = by_text(rows, "The Substance Abuse")
    assert name["service_areas"] == [] and name["practices"] == []
    assert by_text(rows, "Providers should")["service_areas"] == ["mental_health"]


def test_an_acronym_the_document_defined_for_a_name_is_not_a_topic_later_either():
    rows = code(
        [
            ("paragraph", "The Regional Sexual Assault Felony Enforcement (SAFE) team is a task force."),
            ("paragraph", "The SAFE team meets biweekly. Providers should keep addresses safe."),
        ]
    ).rows
    for start in ("The Regional", "The SAFE team"):
        assert "safety_confidentiality" not in by_text(rows, start)["practices"], start
    assert by_text(rows, "Providers should")["practices"] == ["safety_confidentiality"]
    # A topic's own acronym stays the topic.
    rows = code(
        [
            ("paragraph", "Many survivors show Post-Traumatic Stress Disorder (PTSD) after exploitation."),
            ("paragraph", "Programs should treat PTSD early."),
        ]
    ).rows
    assert by_text(rows, "Programs should")["service_areas"] == ["mental_health"]


@pytest.mark.parametrize(
    "sentence, code_id",
    [
        ("Survivors may rely on Social Security after the program ends.", "safety_confidentiality"),
        ("The family was their only safety net.", "safety_confidentiality"),
        ("Shelter staff met weekly with the police.", "shelter_housing"),
        ("Staff completed a training certification last year.", "legal_immigration"),
        ("Programs should undergo formal assessments every year.", "needs_assessment"),
        ("The education of professionals about trafficking remains limited.", "life_skills_job_training"),
        ("Schools run prevention education for teenagers.", "life_skills_job_training"),
    ],
)
def test_exclusions_in_the_codebook_drop_other_word_senses(sentence, code_id):
    row = code([("paragraph", sentence)]).rows[0]
    assert code_id not in row["service_areas"] + row["practices"], row["evidence"]


def test_a_wrong_sense_phase_cue_gives_no_phase():
    row = code([("paragraph", "Providers should help permanent residents apply for housing.")]).rows[0]
    assert row["phase"] != "reintegration" or row["phase_source"] != "cue", row["evidence"]


@pytest.mark.parametrize(
    "sentence, code_id",
    [
        ("Offer services to survivors with limited English proficiency.", "language_interpretation"),
        ("Complete the intake with every new client.", "needs_assessment"),
        ("Programs should wrap services around each survivor.", "case_management"),
        ("Help survivors apply for crime victim compensation.", "legal_immigration"),
        ("Counselors teach coping strategies.", "mental_health"),
        ("Let survivors make informed choices about their care.", "trauma_informed_care"),
    ],
)
def test_synonyms_from_the_codebook(sentence, code_id):
    row = code([("paragraph", sentence)]).rows[0]
    assert code_id in row["service_areas"] + row["practices"], row["evidence"]


def test_a_described_practice_is_a_recommendation_even_without_a_code_for_it():
    # Whether a text recommends is one question, which codes apply another: a practice the codebook has
    # no code for (peer mentoring here) is still recommended, and simply adds to no cell.
    rows = code(
        [("paragraph", "The program pairs each newcomer with a peer mentor.")],
        document_row={"title": "Promising practices in aftercare"},
    ).rows
    assert rows[0]["recommendation_kind"] == "described_practice"
    assert (rows[0]["service_areas"], rows[0]["practices"]) == ([], [])


def test_do_not_recommendations_keep_their_polarity():
    rows = code(
        [
            (
                "paragraph",
                "Never use persons accompanying the survivor as interpreters. No survivor should be subjected "
                "to mandatory HIV testing. Providers must not coerce survivors to discuss the abuse.",
            ),
        ]
    ).rows
    assert [r["polarity"] for r in rows] == ["do_not", "do_not", "do_not"]
    assert rows[0]["practices"] == ["language_interpretation"]
    assert rows[1]["service_areas"] == ["physical_health"]
    assert rows[2]["practices"] == ["trauma_informed_care"]


def test_a_negation_inside_a_clause_does_not_make_a_prohibition():
    row = code([("paragraph", "Children who cannot return home should be placed with foster families.")]).rows[0]
    assert row["is_recommendation"] and row["polarity"] == "do", row["evidence"]


def test_list_items_under_recommendation_heading_and_after_a_recommending_lead_in():
    rows = code(
        [
            ("heading", "Recommendations"),
            ("list_item", "Case managers as the single point of contact"),
            ("heading", "Shelter"),
            ("paragraph", "Shelters should follow these practices:"),
            ("list_item", "Separate shelters by gender"),
            ("list_item", "A quiet room for rest"),
            ("paragraph", "Many shelters are full."),
        ]
    ).rows
    assert by_text(rows, "Case managers")["recommendation_kind"] == "explicit"
    assert by_text(rows, "Separate shelters")["is_recommendation"] is True
    assert by_text(rows, "A quiet room")["practices"] == ["specialized_shelter"]
    assert by_text(rows, "Many shelters")["is_recommendation"] is False
    assert by_text(rows, "Recommendations")["is_recommendation"] is False  # a heading is not itself one


def test_codes_inherited_from_the_heading_only_when_the_segment_has_none():
    rows = code(
        [
            ("heading", "Mental health care"),
            (
                "paragraph",
                "This service should be offered early. Legal aid should also be offered. It is often underused.",
            ),
        ]
    ).rows
    inherited = by_text(rows, "This service")
    assert inherited["service_areas"] == ["mental_health"] and "heading:mental_health" in inherited["evidence"]
    assert by_text(rows, "Legal aid")["service_areas"] == ["legal_immigration"]
    assert by_text(rows, "It is often")["service_areas"] == []  # not a recommendation: no heading codes


def test_phase_from_cue_else_from_the_need_default():
    rows = code(
        [
            (
                "paragraph",
                "In the long term, survivors should be helped to find housing. "
                "Programs should offer cognitive behavioral therapy. "
                "Emergency shelter must be available right after identification.",
            ),
        ]
    ).rows
    long_term = by_text(rows, "In the long term")
    assert (long_term["phase"], long_term["phase_source"]) == ("reintegration", "cue")
    assert long_term["needs"] == ["permanent_housing"]  # the only shelter need of that phase
    therapy = by_text(rows, "Programs should")
    assert (therapy["phase"], therapy["phase_source"], therapy["needs"]) == (
        "stabilization",
        "need_default",
        ["ongoing_mental_health"],
    )
    emergency = by_text(rows, "Emergency shelter")
    assert emergency["phase"] == "immediate" and "emergency_shelter" in emergency["needs"]


def test_a_need_needs_its_code():
    # A phase cue alone codes no need: without a code there is no need to place in the phase.
    row = code([("paragraph", "Providers should discuss long-term options.")]).rows[0]
    assert row["needs"] == [] and row["phase"] == "reintegration"


def test_citations_attach_to_their_sentence_and_skip_personal_communications():
    rows = code(
        [
            (
                "paragraph",
                "Survivors need safe housing (Clawson & Dutch, 2008a). Smith and colleagues (2009) "
                "describe counseling (A. Adams, personal communication, March 2006).",
            ),
        ]
    ).rows
    first, second = rows
    assert first["citations_raw"] == ["Clawson & Dutch, 2008a"]
    cited = json.loads(first["citations_json"])
    assert cited == [
        {
            "acronym": "",
            "authors": ["Clawson", "Dutch"],
            "et_al": False,
            "narrative": False,
            "raw": "Clawson & Dutch, 2008a",
            "suffix": "a",
            "year": "2008",
        }
    ]
    assert [c["narrative"] for c in json.loads(second["citations_json"])] == [True]
    assert not any("personal communication" in raw for raw in second["citations_raw"])


def test_citation_json_keeps_a_corporate_authors_acronym():
    rows = code(
        [
            (
                "paragraph",
                "Shelters should keep their address confidential (Northern Shelter Network [NSN], 2011). "
                "Staff should receive safety training (NSN, 2011).",
            )
        ]
    ).rows
    cited = json.loads(rows[0]["citations_json"])
    assert [c["acronym"] for c in cited] == ["NSN"]


def test_error_documents_give_a_header_only_csv_and_an_error_form(tmp_path):
    ingested = {
        "doc_id": "broken",
        "source": "documents/broken.pdf",
        "format": "pdf",
        "text": "",
        "pages": [],
        "blocks": [],
        "sections": [],
        "quality": {
            "status": "error",
            "messages": ["documents/broken.pdf: no text layer"],
            "n_pages": 2,
            "pages_without_text": [1, 2],
            "chars_per_page": [0, 0],
        },
    }
    coded = code_ingested(ingested, DEFAULT_FORM)
    write_coded_csv(tmp_path / "broken.csv", coded.rows)
    assert (tmp_path / "broken.csv").read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"
    form = fill_form(coded, resources(DEFAULT_FORM)[0], {"doc_type": "ngo_report"})
    assert form["status"] == "error" and form["messages"] == ["documents/broken.pdf: no text layer"]
    assert form["fields"]["quality_appraisal_notes"]["status"] == "needs_reviewer"


def test_a_synonym_added_to_the_yaml_is_coded(tmp_path):
    blocks = [("paragraph", "Programs should offer equine-assisted sessions.")]
    assert code(blocks).rows[0]["service_areas"] == []
    data = yaml.safe_load(DEFAULT_FORM.read_text(encoding="utf-8"))
    mental = next(a for a in data["codebook"]["service_areas"] if a["id"] == "mental_health")
    mental["patterns"].append({"phrase": "equine-assisted session", "attr": "LEMMA"})
    form_path = tmp_path / "form.yaml"
    form_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    row = code_ingested(make_ingested(blocks), form_path).rows[0]
    assert row["service_areas"] == ["mental_health"]
    assert "area:mental_health:equine-assisted session" in row["evidence"]


def test_output_is_deterministic(tmp_path):
    ingested = make_ingested(
        [
            ("heading", "Safety"),
            (
                "paragraph",
                "Agencies must keep shelter addresses confidential. "
                "Safety plans should be revisited (Aron et al., 2006).",
            ),
        ]
    )
    for name in ("a.csv", "b.csv"):
        write_coded_csv(tmp_path / name, code_ingested(ingested, DEFAULT_FORM).rows)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_repeated_text_gets_distinct_ids():
    rows = code([("heading", "Safety"), ("paragraph", "Survivors need safety."), ("heading", "Safety")]).rows
    ids = [r["segment_id"] for r in rows]
    assert len(set(ids)) == 3 and ids[0] == segment_id("testdoc", "Safety")


def test_cli_code_resolves_citations_against_the_manifest(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "aron2006.txt").write_text("stub", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "doc_id,citation,authors,year,year_suffix,title,container,doi,doc_type,search_strategy,file,surrogate,verified,notes\n"
        'aron2006,"Aron et al., 2006","Aron, L. Y.; Zweig, J. M.; Newmark, L. C.",2006,,Comprehensive services,Urban Institute,,'
        "ngo_report,internet,documents/aron2006.txt,false,true,\n",
        encoding="utf-8",
    )
    doc = tmp_path / "brief.txt"
    doc.write_text(
        "Aftercare brief\n\nProviders should offer case management (Aron, Zweig, & Newmark, 2006).\n\n"
        "Shelters must be safe (Nobody, 1999).\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    status = cli_code(
        argparse.Namespace(
            path=str(doc), manifest=str(manifest), form=str(DEFAULT_FORM), out=str(out), doc_id=None, model=""
        )
    )
    assert status == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [*COLUMNS, "cited_doc_ids"]
    assert by_text(rows, "Providers should")["cited_doc_ids"] == "aron2006"
    assert by_text(rows, "Shelters must")["cited_doc_ids"] == ""


def test_accuracy_on_the_hhs_aspe_2009_excerpt(shared_dir):
    """The rules alone against tests/gold/hhs_aspe_2009.csv (hand-coded; dev = first ~60% of segments).

    The codebook was first tuned on dev only; since 2026-12-01 the held-out part has been read too and
    the rules were widened for other real texts (described practice in any document, review language),
    so these figures are not blind: they guard against regressions. Blind figures are the
    leave-one-document-out ones of bench/bench_fidelity.py.
    """
    from reviewflow.ingest.document import ingest_file

    ingested = ingest_file(shared_dir / HHS_TEXT, doc_id="hhs_aspe_2009")
    rows = code_ingested(ingested, DEFAULT_FORM).rows
    pred = {
        r["segment_id"]: {
            k: ";".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in r.items()
        }
        for r in rows
    }
    gold = read_rows(GOLD)
    overall = evaluate(gold, pred)
    assert not overall["gold_only"], "the segmentation changed: recheck tests/gold/hhs_aspe_2009.csv"
    dev, held_out = evaluate(gold, pred, "dev"), evaluate(gold, pred, "held_out")
    assert dev["codes_on_recommendations"]["micro"]["f1"] >= 0.85
    assert dev["is_recommendation"]["f1"] >= 0.83
    # Since the 2026-12-02 recode (tests/gold/README.md) more held-out segments are recommendations,
    # among them the survivor-involvement ones, which no code of this codebook covers.
    assert held_out["codes_on_recommendations"]["micro"]["f1"] >= 0.72
    assert held_out["is_recommendation"]["f1"] >= 0.76
    assert overall["codes_on_recommendations"]["micro"]["f1"] >= 0.80
    # The rules alone are broad ("an actor does something"); the shipped scorer, which the workflow
    # uses and which was trained on this text among others, filters them.
    assert overall["is_recommendation"]["f1"] >= 0.80
    model = load_model(DEFAULT_RECOMMENDATION_MODEL)
    scored = {
        r["segment_id"]: {
            k: ";".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in r.items()
        }
        for r in code_ingested(ingested, DEFAULT_FORM, model=model).rows
    }
    assert evaluate(gold, scored)["is_recommendation"]["f1"] >= 0.87
    assert overall["polarity"]["micro"]["f1"] >= 0.97
    assert overall["citations"]["micro"]["f1"] >= 0.9


def test_negation_inside_a_relative_clause_is_not_a_prohibition():
    rows = code(
        [
            (
                "paragraph",
                "Staff should use interpreters for survivors who do not speak English. "
                "Do not use family members as interpreters. Be honest about what you can and cannot do.",
            )
        ]
    ).rows
    assert [r["polarity"] for r in rows] == ["do", "do_not", "do"]


def test_negation_in_a_subordinate_clause_does_not_prohibit():
    rows = code(
        [
            (
                "paragraph",
                "Programs should provide interpreters for clients who do not speak Spanish. "
                "Staff should offer the dental care they had never received. "
                "Shelters must ensure that the street address does not appear online. "
                "If a client is unsure, do not pressure her to testify. "
                "Advocates who work nights should never share a client's location.",
            )
        ]
    ).rows
    assert [r["polarity"] for r in rows] == ["do", "do", "do", "do_not", "do_not"]


def test_a_predicate_cue_recommends_only_in_a_main_clause():
    rows = code(
        [
            (
                "paragraph",
                "Safety planning is essential for every new client. "
                "Local coalitions that require a signed agreement meet monthly. "
                "Advocates have found that follow-up calls are a key part of retention.",
            )
        ]
    ).rows
    assert by_text(rows, "Safety planning")["recommendation_kind"] == "explicit"
    assert by_text(rows, "Local coalitions")["is_recommendation"] is False  # relative clause: a description
    # After a verb of reporting, "that" introduces the finding, which keeps its force.
    assert by_text(rows, "Advocates have found")["recommendation_kind"] == "explicit"


def test_codes_never_come_from_the_names_inside_a_citation():
    rows = code(
        [("paragraph", "Outreach workers meet girls where they are (Center for Housing Education, 2006).")]
    ).rows
    row = rows[0]
    assert row["service_areas"] == [] and row["citations_raw"] == ["Center for Housing Education, 2006"]


def test_a_described_practice_needs_the_program_to_act():
    promising = {"title": "Promising practices in aftercare"}
    rows = code(
        [
            (
                "paragraph",
                "Many clients doubt that the shelter is willing to help with housing. "
                "The shelter carries out weekly housing clinics.",
            )
        ],
        document_row=promising,
    ).rows
    assert by_text(rows, "Many clients")["is_recommendation"] is False  # an attitude, not a practice
    assert by_text(rows, "The shelter carries")["recommendation_kind"] == "described_practice"


def test_avoid_prohibits_as_the_main_verb_not_as_the_last_of_positive_steps():
    rows = code(
        [
            (
                "paragraph",
                "Avoid using relatives as interpreters. Staff should avoid asking about immigration "
                "status at intake. Offer choices, explain each step, and avoid anything that "
                "repeats the control survivors lived under.",
            )
        ]
    ).rows
    assert [r["polarity"] for r in rows] == ["do_not", "do_not", "do"]


def test_pressing_a_survivor_to_disclose_is_a_trauma_informed_care_caution():
    row = code([("paragraph", "Never push a survivor to talk about the abuse.")]).rows[0]
    assert (row["polarity"], row["practices"]) == ("do_not", ["trauma_informed_care"])


def test_a_disclaimer_under_a_recommendation_heading_is_not_a_recommendation():
    rows = code(
        [
            ("heading", "Tips for service providers"),
            ("paragraph", "It is not legal advice. Advocates should explain each legal step."),
        ]
    ).rows
    assert by_text(rows, "It is not")["is_recommendation"] is False
    assert by_text(rows, "Advocates should")["is_recommendation"] is True


def test_after_the_crisis_is_not_the_crisis_phase():
    row = code([("paragraph", "Providers should offer job training once the crisis has passed.")]).rows[0]
    assert row["phase"] == "stabilization" and row["phase_source"] == "cue"


def test_a_need_outside_its_phase_gives_way_to_the_same_codes_need_in_that_phase():
    row = code(
        [("paragraph", "During the stabilization period, victims need legal advocacy to apply for a T-visa.")]
    ).rows[0]
    assert row["phase"] == "stabilization"
    assert "immigration_status" in row["needs"] and "crisis_legal_advocacy" not in row["needs"]


def test_gender_specific_means_specialized_shelter_only_for_a_shelter():
    rows = code(
        [
            (
                "paragraph",
                "Shelters should offer gender-specific housing. A gender-specific recovery group should meet weekly.",
            )
        ]
    ).rows
    assert "specialized_shelter" in by_text(rows, "Shelters should")["practices"]
    assert "specialized_shelter" not in by_text(rows, "A gender-specific")["practices"]


def test_a_notice_between_a_lead_in_and_its_list_is_skipped():
    ingested = make_ingested(
        [
            ("paragraph", "Providers should offer the following services:"),
            ("notice", "Proceedings of the Annual Meeting, pages 1-8, 2007."),
            ("list_item", "Interpreters at intake."),
            ("list_item", "Counseling."),
        ]
    )
    rows = code_ingested(ingested, DEFAULT_FORM).rows
    assert [r["sentence"] for r in rows if r["segment_kind"] == "list_item"] == [
        "Interpreters at intake.",
        "Counseling.",
    ]
    assert all(r["is_recommendation"] for r in rows if r["segment_kind"] == "list_item")
    assert not any("Proceedings" in r["sentence"] for r in rows)


def test_time_cues_and_repatriation_wording():
    rows = code(
        [
            ("list_item", "Arrange a medical exam within 72 hours"),
            ("paragraph", "Programs should help survivors return home safely if they wish to be repatriated."),
        ]
    ).rows
    assert (rows[0]["phase"], rows[0]["phase_source"]) == ("immediate", "cue")
    assert rows[1]["service_areas"] == ["legal_immigration"] and rows[1]["needs"] == ["repatriation"]


def test_a_new_practice_added_to_the_yaml_is_coded_and_offered_by_the_form(tmp_path):
    data = yaml.safe_load(DEFAULT_FORM.read_text(encoding="utf-8"))
    data["codebook"]["practices"].append(
        {
            "id": "peer_support",
            "label": "Peer support",
            "patterns": ["peer support", {"phrase": "peer mentor", "attr": "LEMMA"}],
        }
    )
    form_path = tmp_path / "form.yaml"
    form_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    coded = code_ingested(
        make_ingested([("paragraph", "Programs should hire peer mentors who are survivors.")]), form_path
    )
    assert coded.rows[0]["practices"] == ["peer_support"]
    filled = fill_form(coded, resources(form_path)[0], {})
    assert filled["fields"]["recommended_practices"]["value"] == ["peer_support"]


def test_page_numbers_come_from_the_page_map():
    ingested = make_ingested(
        [("paragraph", "Providers should offer counseling."), ("paragraph", "Shelters must be safe.")]
    )
    second = ingested["blocks"][1]["start"]
    ingested["pages"] = [
        {"number": 1, "start": 0, "end": second, "chars": second, "has_text_layer": True},
        {"number": 2, "start": second, "end": len(ingested["text"]), "chars": 1, "has_text_layer": True},
    ]
    assert [r["page"] for r in code_ingested(ingested, DEFAULT_FORM).rows] == [1, 2]


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("You do not need to be an expert to help survivors.", "none"),
        ("I needed to be strong.", "none"),
        ("Providers need to screen every new client.", "explicit"),
        ("As you work to respond to trafficking in your community, consider the protective factors.", "explicit"),
        ("The survey asked whether agencies identify, refer or support survivors.", "none"),
        ("Providers can play a key role in promoting resiliency.", "explicit"),
        ("Building trusting relationships is at the heart of this work.", "explicit"),
        (
            "The National Association of Case Management defines case management as a collaborative process.",
            "described_practice",
        ),
        ("Service providers explore a variety of housing options with each survivor.", "described_practice"),
        ("Providers reported that victims lacked stable housing.", "none"),
        ("A companion brief describes how case managers tie these services together.", "none"),
    ],
)
def test_sentence_level_cues(sentence, kind):
    assert code([("paragraph", sentence)]).rows[0]["recommendation_kind"] == kind, sentence


def test_list_items_after_a_ways_to_lead_in_are_recommendations():
    rows = code(
        [
            ("paragraph", "Ways to support this shift in practice include:"),
            ("list_item", "Posting signs that outline the policy in waiting rooms."),
            ("list_item", "Conducting assessments only when alone with individuals."),
        ]
    ).rows
    assert [r["recommendation_kind"] for r in rows] == ["explicit", "explicit", "explicit"]


def test_a_plain_lead_in_takes_the_decision_of_most_of_its_list_items():
    rows = code(
        [
            ("paragraph", "These are largely applicable to survivors of international trafficking:"),
            ("list_item", "Learn to identify your own cultural assumptions."),
            ("list_item", "Ask survivors about their dietary needs and religious practices."),
            ("paragraph", "Providers reported that survivors often present with the following problems:"),
            ("list_item", "Chronic headaches and back pain."),
            ("list_item", "Depression and anxiety."),
        ]
    ).rows
    kinds = [r["recommendation_kind"] for r in rows]
    assert kinds == ["explicit", "explicit", "explicit", "none", "none", "none"]
    assert "cue:lead_in_of_recommendations:2/2" in rows[0]["evidence"]


def test_a_practice_stated_by_its_merits_or_results_is_a_recommendation():
    merits = [
        "Trauma-informed services can promote a sensitive response wherever a survivor seeks help.",
        "Peer-led counseling reduces the language barriers that survivors meet in mental health care.",
        "Involving survivors in shelter programming can be beneficial to residents.",
        "Through cultural sensitivity training, many shelters have experienced success in housing residents.",
        "Residents have benefited from this model of transitional housing.",
    ]
    for sentence in merits:
        row = code([("paragraph", sentence)]).rows[0]
        assert row["is_recommendation"], sentence
    findings = [
        "Trauma can reduce a survivor's trust in mental health providers.",
        "Many survivors experience depression and anxiety after leaving the shelter.",
    ]
    for sentence in findings:
        assert not code([("paragraph", sentence)]).rows[0]["is_recommendation"], sentence


def test_recognizing_trauma_and_offering_choice_are_trauma_informed_care_and_naming_is_not_referral():
    rows = code(
        [
            ("list_item", "Recognizes signs and symptoms of trauma in clients, families and staff."),
            (
                "paragraph",
                "When needed, offer the individual the opportunity to choose a male or a female interviewer.",
            ),
            ("paragraph", "In some cases the exposure results in a condition referred to as depression."),
        ]
    ).rows
    assert "trauma_informed_care" in rows[0]["practices"]
    assert "trauma_informed_care" in rows[1]["practices"]
    assert "case_management" not in rows[2]["practices"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Similarly, respect personal space and remain at eye level during the interview.",
        "There was universal agreement that the shelter needed to offer mental health services on site.",
        "This collaborative process is intended to promote quality of care for survivors.",
        "Through educating victims of their rights and making referrals, the case manager keeps victims safe.",
        "YWEP employs survivors to conduct outreach and peer education in the shelter.",
        "At the center of case management are the case manager and the client.",
    ],
)
def test_more_forms_of_recommendation_are_found(sentence):
    assert code([("paragraph", sentence)]).rows[0]["is_recommendation"], sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "This issue brief focuses on the trauma and mental health needs of survivors in shelters.",
        "To learn more about trauma-informed care, take our online module on trauma-informed care.",
        "Let's explore the principles on which to build your shelter's response to trafficking.",
    ],
)
def test_a_document_about_itself_or_pointing_elsewhere_is_not_a_recommendation(sentence):
    assert not code([("paragraph", sentence)]).rows[0]["is_recommendation"], sentence


def test_a_paragraph_longer_than_spacy_accepts_is_coded_in_pieces():
    # A lost page structure can leave one "paragraph" of over a million characters; spaCy refuses
    # texts that long, and the document must still be coded rather than take the run down. Blocks
    # are cut into pieces far below spaCy's limit, so two and a half pieces show the cutting (a
    # full million characters is bench/bench_coding.py's, not a test's, 20 seconds).
    from reviewflow.coding.coder import MAX_BLOCK_CHARS, _pieces
    from reviewflow.coding.nlp import build_nlp

    assert build_nlp().max_length > MAX_BLOCK_CHARS
    sentence = "Providers should offer safe housing to survivors. "
    text = sentence * (int(2.5 * MAX_BLOCK_CHARS) // len(sentence))
    pieces = _pieces(text, {"kind": "paragraph", "start": 0, "end": len(text)})
    assert len(pieces) == 3 and all(text[p["end"] - 2 : p["end"]] == ". " for p in pieces)
    rows = code([("paragraph", text)]).rows
    assert len(rows) == text.count("Providers")
    assert all(r["is_recommendation"] and r["service_areas"] == ["shelter_housing"] for r in rows[:3] + rows[-3:])
    assert rows[-1]["char_end"] <= len(text) and rows[0]["char_start"] == 0


def test_plain_word_patterns_become_phrases_with_the_same_matches():
    from reviewflow.coding.nlp import _as_phrases

    assert _as_phrases([{"LOWER": {"IN": ["is", "are"]}}, {"LOWER": "key"}]) == [("is", "key"), ("are", "key")]
    assert _as_phrases([{"LOWER": "is"}, {"LOWER": "key", "OP": "?"}]) is None  # an operator: stays a token pattern
    assert _as_phrases([{"LEMMA": "need"}, {"LOWER": "to"}]) is None
    row = code([("paragraph", "Safety planning is the first step for every client.")]).rows[0]
    assert "cue:deontic_predicate:first_step" in row["evidence"]

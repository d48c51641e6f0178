"""A small corpus for the synthesis tests, built from docs/data-contracts.md: a manifest with a/b year
suffixes, a coding table, per-document forms, an ingest report with one failed document, and a codebook."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import yaml

MANIFEST_COLUMNS = [
    "doc_id",
    "citation",
    "authors",
    "year",
    "year_suffix",
    "title",
    "container",
    "doi",
    "doc_type",
    "search_strategy",
    "file",
    "surrogate",
    "verified",
    "notes",
]

DOCUMENTS = {
    # doc_id: (citation, year, suffix, evidence_basis value)
    "aron2006": ("Aron et al., 2006", "2006", "", "primary"),
    "caliber2007": ("Caliber, 2007", "2007", "", ["literature_review", "interviews_survivors"]),
    "clawson_dutch2008a": ("Clawson & Dutch, 2008a", "2008", "a", "secondary"),
    "clawson_dutch2008b": ("Clawson & Dutch, 2008b", "2008", "b", ["expert_opinion", "anecdotal"]),
    "clawson2008": ("Clawson et al., 2008", "2008", "", ""),
    "fcadv2004": ("FCADV, 2004", "2004", "", "primary"),
}

CODEBOOK = {
    "phases": [
        {"id": "immediate", "label": "Immediate (crisis)"},
        {"id": "stabilization", "label": "Trauma recovery & stabilization"},
        {"id": "reintegration", "label": "Reintegration"},
    ],
    "service_areas": [
        {"id": "basic_necessities", "label": "Basic necessities"},
        {"id": "shelter_housing", "label": "Shelter and housing"},
        {"id": "physical_health", "label": "Physical health care"},
        {"id": "mental_health", "label": "Mental health care"},
        {"id": "legal_immigration", "label": "Legal and immigration advocacy"},
    ],
    "practices": [
        {"id": "needs_assessment", "label": "Needs assessment"},
        {"id": "trauma_informed_care", "label": "Trauma-informed care"},
        {"id": "language_interpretation", "label": "Language interpretation"},
    ],
    "needs": [
        {"id": "emergency_shelter", "label": "Emergency shelter", "code": "shelter_housing", "phase": "immediate"},
        {"id": "basic_needs", "label": "Basic necessities", "code": "basic_necessities", "phase": "immediate"},
        {
            "id": "emergency_interpretation",
            "label": "Language interpretation",
            "code": "language_interpretation",
            "phase": "immediate",
        },
        {
            "id": "ongoing_physical_health",
            "label": "Physical health",
            "code": "physical_health",
            "phase": "stabilization",
        },
        {"id": "ongoing_mental_health", "label": "Mental health", "code": "mental_health", "phase": "stabilization"},
        {"id": "permanent_housing", "label": "Permanent housing", "code": "shelter_housing", "phase": "reintegration"},
        {"id": "repatriation", "label": "Repatriation", "code": "legal_immigration", "phase": "reintegration"},
    ],
    "cues": {
        "deontic": ["should"],
        "do_not": ["never"],
        "recommendation_headings": ["recommendations"],
        "described_practice": ["programs offer"],
    },
    "evidence_basis": [
        {
            "id": "interviews_survivors",
            "label": "Interviews with survivors",
            "basis": "primary",
            "patterns": ["interviews with survivors"],
        },
        {
            "id": "literature_review",
            "label": "Literature review",
            "basis": "secondary",
            "patterns": ["literature review"],
        },
        {"id": "expert_opinion", "label": "Expert opinion", "basis": "secondary", "patterns": ["expert opinion"]},
        {"id": "anecdotal", "label": "Anecdotal", "basis": "secondary", "patterns": ["anecdotal"]},
    ],
}

FORM_FIELDS = [
    {
        "id": "evidence_basis",
        "label": "What the recommendations are based on",
        "type": "multiple_choice",
        "mode": "auto",
        "source": "evidence_basis",
        "choices_from": "evidence_basis",
    },
    {
        "id": "survivors_needs",
        "label": "Survivors' needs",
        "type": "multiple_choice",
        "mode": "auto",
        "source": "coded_needs",
        "choices_from": "needs",
    },
]

# Another review on the same documents: its own phase ids and names for every codebook list, one table
# and one figure retitled, every other title left to the generic defaults built from these names.
OTHER_PHASES = {"immediate": "rescue", "stabilization": "recovery", "reintegration": "reintegration"}
OTHER_WORDING = {
    "labels": {"phase": "Stage", "service_area": "Service", "practice": "Approach", "need": "Concern"},
    "plural": {"phase": "stages", "service_area": "services", "practice": "approaches", "need": "concerns"},
    "recommended_by": "Supported by",
    "cautioned_by": "Warned against by",
    "tables": {"practices": {"title": "Approaches to care: who recommends them", "heading": "Approaches to care"}},
    "figures": {"evidence_gap_map": {"title": "Gaps: services and approaches", "caption": "Where evidence is missing"}},
}
# Wording of the default review (Macy & Johns) that another review's outputs must never show.
MACY_STRINGS = (
    "Survivors' needs",
    "continuum of care",
    "Core service areas",
    "core service areas",
    "Service-delivery",
    "service-delivery",
    "Service area",
    "Practice",
    "interviews, focus groups, surveys",
    "each service area",
    "delivery practices",
    "immediate",
    "stabilization",
    "Recommended by",
    "Cautioned by",
)


def other_codebook() -> dict:
    """CODEBOOK with the other review's phase ids (rescue, recovery, reintegration) and labels."""
    book = json.loads(json.dumps(CODEBOOK))
    book["phases"] = [
        {"id": OTHER_PHASES[p["id"]], "label": OTHER_PHASES[p["id"]].capitalize()} for p in book["phases"]
    ]
    for need in book["needs"]:
        need["phase"] = OTHER_PHASES[need["phase"]]
    return book


CODING_COLUMNS = [
    "doc_id",
    "segment_id",
    "page",
    "char_start",
    "char_end",
    "segment_kind",
    "heading",
    "sentence",
    "is_recommendation",
    "recommendation_kind",
    "polarity",
    "service_areas",
    "practices",
    "needs",
    "phase",
    "phase_source",
    "citations_raw",
    "citations_json",
    "evidence",
    "confidence",
    "decided_by",
    "cited_doc_ids",
    "decision",
    "reviewer",
    "codes_source",
]

# (segment_id, doc_id, is_recommendation, polarity, service_areas, practices, needs, phase, decision, sentence)
SEGMENTS = [
    (
        "s01",
        "aron2006",
        "true",
        "do",
        "shelter_housing",
        "",
        "emergency_shelter",
        "",
        "",
        "Provide emergency shelter at once.",
    ),
    (
        "s02",
        "caliber2007",
        "true",
        "do",
        "shelter_housing",
        "",
        "emergency_shelter",
        "immediate",
        "",
        "Shelter must be available the first night.",
    ),
    (
        "s03",
        "clawson_dutch2008b",
        "true",
        "do",
        "shelter_housing",
        "",
        "emergency_shelter",
        "",
        "",
        "Programs should secure emergency beds.",
    ),
    (
        "s04",
        "clawson_dutch2008a",
        "true",
        "do",
        "shelter_housing",
        "",
        "emergency_shelter",
        "",
        "accept",
        "Emergency shelter should be arranged.",
    ),
    (
        "s05",
        "clawson2008",
        "true",
        "do",
        "shelter_housing",
        "",
        "emergency_shelter",
        "",
        "",
        "Emergency housing is needed.",
    ),
    ("s06", "aron2006", "true", "do_not", "physical_health", "", "", "", "", "Never require HIV testing."),
    (
        "s07",
        "caliber2007",
        "true",
        "do_not",
        "physical_health",
        "",
        "ongoing_physical_health",
        "stabilization",
        "",
        "Do not subject survivors to unwanted medical procedures.",
    ),
    (
        "s08",
        "caliber2007",
        "false",
        "",
        "mental_health",
        "",
        "ongoing_mental_health",
        "",
        "",
        "Many survivors reported depression.",
    ),
    (
        "s09",
        "clawson_dutch2008a",
        "true",
        "do",
        "mental_health",
        "",
        "ongoing_mental_health",
        "",
        "reject",
        "Counselling should be offered.",
    ),
    ("s10", "fcadv2004", "true", "do", "mental_health", "", "ongoing_mental_health", "", "", "Offer counselling."),
    ("s11", "aron2006", "true", "do", "", "trauma_informed_care", "", "", "", "Services should be trauma-informed."),
    (
        "s12",
        "aron2006",
        "true",
        "do",
        "shelter_housing",
        "",
        "emergency_shelter",
        "reintegration",
        "",
        "Later on, shelter remains important.",
    ),
    (
        "s13",
        "clawson_dutch2008b",
        "true",
        "do",
        "legal_immigration",
        "",
        "repatriation",
        "",
        "edit",
        "Help with repatriation when the survivor wishes.",
    ),
    (
        "s14",
        "aron2006",
        "true",
        "do",
        "mental_health",
        "",
        "ongoing_mental_health",
        "stabilization",
        "",
        "Provide counselling for trauma.",
    ),
    (
        "s15",
        "clawson2008",
        "true",
        "do",
        "mental_health",
        "needs_assessment",
        "",
        "",
        "",
        "Assess mental health needs first.",
    ),
]


def write_corpus(
    root: Path, citations: dict[str, str] | None = None, segments: list[tuple] | None = None, other_review: bool = False
) -> dict[str, object]:
    """Write the fixture corpus under `root`; returns the keyword arguments of `synthesize_files`.

    ``other_review``: the form is another review's (``other_codebook``, ``OTHER_WORDING``) and the
    segments carry its phase ids."""
    citations = citations or {}
    segments = segments if segments is not None else SEGMENTS
    if other_review:
        segments = [(*row[:7], OTHER_PHASES.get(row[7], row[7]), *row[8:]) for row in segments]
    corpus = root / "corpus"
    (corpus / "documents").mkdir(parents=True)
    manifest_rows = []
    for doc_id, (citation, year, suffix, _basis) in DOCUMENTS.items():
        (corpus / "documents" / f"{doc_id}.txt").write_text("text\n", encoding="utf-8")
        manifest_rows.append(
            {
                "doc_id": doc_id,
                "citation": citations.get(doc_id, citation),
                "authors": citation.split(",")[0],
                "year": year,
                "year_suffix": suffix,
                "title": "",
                "container": "",
                "doi": "",
                "doc_type": "other",
                "search_strategy": "internet",
                "file": f"documents/{doc_id}.txt",
                "surrogate": "true",
                "verified": "false",
                "notes": "",
            }
        )
    _write_csv(corpus / "manifest.csv", MANIFEST_COLUMNS, manifest_rows)

    results = root / "results"
    forms = []
    for doc_id, (_c, _y, _s, basis) in DOCUMENTS.items():
        path = results / "forms" / f"{doc_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        status = "filled" if basis else "empty"
        path.write_text(
            json.dumps(
                {
                    "doc_id": doc_id,
                    "form_id": "fixture",
                    "form_version": "1",
                    "fields": {"evidence_basis": {"value": basis, "mode": "auto", "status": status, "evidence": []}},
                }
            ),
            encoding="utf-8",
        )
        forms.append(path)

    coding_rows = []
    for segment_id, doc_id, is_rec, polarity, areas, practices, needs, phase, decision, sentence in segments:
        confidence = "0.900" if is_rec == "true" else "0.100"
        coding_rows.append(
            {
                "doc_id": doc_id,
                "segment_id": segment_id,
                "page": "2",
                "char_start": "0",
                "char_end": "10",
                "segment_kind": "sentence",
                "heading": "",
                "sentence": sentence,
                "is_recommendation": is_rec,
                "recommendation_kind": "explicit" if is_rec == "true" else "none",
                "polarity": polarity,
                "service_areas": areas,
                "practices": practices,
                "needs": needs,
                "phase": phase,
                "phase_source": "cue" if phase else "",
                "citations_raw": "",
                "citations_json": "[]",
                "evidence": f"cue:deontic:should;model:{confidence}" if is_rec == "true" else f"model:{confidence}",
                "confidence": confidence,
                "decided_by": "both" if is_rec == "true" else "",
                "cited_doc_ids": "",
                "decision": decision,
                "reviewer": "ana" if decision else "",
                "codes_source": "reviewer" if decision else "auto",
            }
        )
    _write_csv(results / "coding.csv", CODING_COLUMNS, coding_rows)
    _write_csv(
        results / "ingest_report.csv",
        ["doc_id", "status", "message"],
        [
            {
                "doc_id": d,
                "status": "error" if d == "fcadv2004" else "ok",
                "message": "no text layer on any page; run OCR and add the text file" if d == "fcadv2004" else "",
            }
            for d in DOCUMENTS
        ],
    )

    form = root / "extraction_forms" / "fixture.yaml"
    form.parent.mkdir(parents=True)
    header = {"id": "fixture", "version": "1", "title": "Fixture form", "fields": FORM_FIELDS}
    if other_review:
        header["wording"] = OTHER_WORDING
    form.write_text(
        yaml.safe_dump({"form": header, "codebook": other_codebook() if other_review else CODEBOOK}, sort_keys=False),
        encoding="utf-8",
    )
    return {
        "coding_csv": results / "coding.csv",
        "ingest_report_csv": results / "ingest_report.csv",
        "form_json_paths": forms,
        "form_path": form,
        "manifest_path": corpus / "manifest.csv",
        "corpus_dir": corpus,
    }


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# The evidence fragment as reviewflow.synthesis.audit writes it: its entries, their quotes, and the links to them.
ENTRY = re.compile(r'<div class="evidence-entry" id="([^"]+)">(.*?)</div>', re.S)
QUOTE = re.compile(r'<li(?: id="([^"]+)")?><cite>(.*?)</cite>(?:, p\. [^:]*)?: <q>(.*?)</q>(.*?)</li>', re.S)
LINK = re.compile(r'<a href="#([^"]+)">(.*?)</a>')


def entries_of(fragment: str) -> dict[str, list[tuple[str, str, str, str]]]:
    """Evidence HTML → anchor → [(quote id or "", citation, quote, details)], text unescaped."""
    return {
        anchor: [(i, html.unescape(c), html.unescape(q), html.unescape(d)) for i, c, q, d in QUOTE.findall(body)]
        for anchor, body in ENTRY.findall(fragment)
    }

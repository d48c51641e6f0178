"""Small coded documents for the review, combine, agreement and history tests (written to tmp_path)."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from reviewflow.fileio import write_csv, write_json
from reviewflow.form import Form, load_form
from reviewflow.paths import DEFAULT_FORM
from reviewflow.synthesis.combine import CODED_COLUMNS


@functools.lru_cache(maxsize=1)
def default_form() -> Form:
    """The default form, loaded once per test session (validating its patterns loads spaCy)."""
    return load_form(DEFAULT_FORM)


def segment_id(doc_id: str, text: str) -> str:
    normalized = " ".join(text.lower().split())
    return hashlib.sha1(f"{doc_id}\x1f{normalized}".encode()).hexdigest()[:16]


def segment(
    doc_id: str,
    text: str,
    *,
    page: int = 1,
    rec: bool = True,
    areas: str = "",
    practices: str = "",
    needs: str = "",
    phase: str = "",
    polarity: str | None = None,
    citations: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    citations = citations or []
    return {
        "doc_id": doc_id,
        "segment_id": segment_id(doc_id, text),
        "page": page,
        "char_start": 0,
        "char_end": len(text),
        "segment_kind": "sentence",
        "heading": "",
        "sentence": text,
        "is_recommendation": "true" if rec else "false",
        "recommendation_kind": "explicit" if rec else "none",
        "polarity": ("do" if rec else "") if polarity is None else polarity,
        "service_areas": areas,
        "practices": practices,
        "needs": needs,
        "phase": phase,
        "phase_source": "cue" if phase else "",
        "citations_raw": ";".join(c["raw"] for c in citations),
        "citations_json": json.dumps(citations),
        "evidence": "",
    }


def write_coded(folder: Path, doc_id: str, rows: list[dict[str, Any]]) -> Path:
    path = folder / "coded" / f"{doc_id}.csv"
    write_csv(path, rows, CODED_COLUMNS)
    return path


def write_form_json(folder: Path, doc_id: str, values: dict[str, str]) -> Path:
    path = folder / "forms" / f"{doc_id}.json"
    fields = {
        key: {"value": value, "mode": "manual", "status": "needs_reviewer", "evidence": []}
        for key, value in values.items()
    }
    write_json(path, {"doc_id": doc_id, "form_id": "macy_johns_2011", "form_version": "1", "fields": fields})
    return path


def small_corpus(results: Path) -> dict[str, list[dict[str, Any]]]:
    """Two documents, five segments; one quote that a spreadsheet would run as a formula."""
    docs = {
        "aron2006": [
            segment(
                "aron2006",
                "Programs should provide counseling for trauma.",
                areas="mental_health",
                needs="ongoing_mental_health",
                phase="stabilization",
            ),
            segment(
                "aron2006",
                "Survivors need emergency shelter on the first night.",
                areas="shelter_housing",
                needs="emergency_shelter",
                phase="immediate",
                page=2,
            ),
            segment("aron2006", "The study interviewed 20 providers.", rec=False),
        ],
        "clawson2009": [
            segment("clawson2009", '=HYPERLINK("http://evil.example","click")', rec=False),
            segment(
                "clawson2009",
                "Case managers should coordinate legal services.",
                practices="case_management",
                areas="legal_immigration",
                citations=[
                    {
                        "raw": "Aron et al., 2006",
                        "authors": ["Aron"],
                        "et_al": True,
                        "year": "2006",
                        "suffix": "",
                        "narrative": False,
                    }
                ],
            ),
        ],
    }
    for doc_id, rows in docs.items():
        write_coded(results, doc_id, rows)
        write_form_json(results, doc_id, {"quality_appraisal_notes": "", "include_in_synthesis": ""})
    return docs

"""The second review shipped as data (Muraya & Fry 2015): its form and codebook, its demo corpus of six
illustrative surrogates (manifest, search log, sources and rendered documents) and its config."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from reviewflow.coding.citation_resolver import CitationResolver
from reviewflow.coding.citations import find_citations
from reviewflow.corpus.manifest import load_manifest
from reviewflow.corpus.search_log import load_search_log
from reviewflow.corpus.surrogates import NOTICE_PREFIX, load_surrogate, read_documents, render_corpus
from reviewflow.form import load_form
from test_surrogates import _visible_text, stale_documents

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT / "corpus" / "muraya_fry_2015"
FORM = REPO_ROOT / "extraction_forms" / "muraya_fry_2015.yaml"
CONFIG = REPO_ROOT / "config" / "muraya_fry_2015.yaml"
SOURCES = sorted(p for p in (CORPUS / "surrogates").glob("*.md") if p.name != "README.md")
DOC_IDS = [p.stem for p in SOURCES]
NOT_INCLUDED = "It is not one of the 15 documents that review included, which are not known here."


@pytest.fixture(scope="module")
def form():
    return load_form(FORM)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("second_review_rendered")
    results = render_corpus(CORPUS / "surrogates", CORPUS / "manifest.csv", out)
    assert [r.error for r in results if r.error] == []
    assert sorted(r.doc_id for r in results) == DOC_IDS
    return out


# --- form and codebook ----------------------------------------------------------------------------


def test_the_form_loads_with_its_own_phases(form) -> None:
    assert form.id == "muraya_fry_2015"
    assert form.codebook.ids("phases") == ["rescue", "recovery", "reintegration"]
    assert len(form.codebook.ids("service_areas")) >= 8 and len(form.codebook.ids("practices")) >= 7
    needs_by_phase = Counter(need["phase"] for need in form.codebook.needs)
    assert set(needs_by_phase) == {"rescue", "recovery", "reintegration"}
    for practice in (
        "case_management",
        "multiagency_coordination",
        "multinational_cooperation",
        "child_rights_approach",
        "trauma_informed_care",
        "child_participation",
        "best_interests",
    ):
        assert practice in form.codebook.ids("practices")


def test_phase_aliases_map_all_three_default_phases(form) -> None:
    default = load_form(REPO_ROOT / "extraction_forms" / "macy_johns_2011.yaml")
    expected = {"immediate": "rescue", "stabilization": "recovery", "reintegration": "reintegration"}
    assert set(default.codebook.ids("phases")) == set(expected)
    for default_phase, phase in expected.items():
        assert form.codebook.normalize_phase(default_phase) == phase
    assert form.codebook.normalize_phase("Rescue") == "rescue"


def test_evidence_fields_have_their_own_names_and_the_usual_roles(form) -> None:
    by_source = {field.source: field.id for field in form.fields}
    assert by_source["evidence_basis"] == "study_design"
    assert by_source["evidence_category"] == "design_category"
    assert "evidence_basis" not in {field.id for field in form.fields}


# --- corpus ---------------------------------------------------------------------------------------


def test_the_manifest_loads_and_marks_every_document_an_unverified_surrogate() -> None:
    documents = load_manifest(CORPUS / "manifest.csv", CORPUS)
    assert sorted(d.doc_id for d in documents) == DOC_IDS
    with open(CORPUS / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(REPO_ROOT / "corpus" / "manifest.csv", encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle).fieldnames or []) == list(rows[0])
    for row in rows:
        assert (row["surrogate"], row["verified"]) == ("true", "false"), row["doc_id"]
        assert "NOT one of the review's 15 included documents" in row["notes"], row["doc_id"]
    assert Counter(Path(row["file"]).suffix for row in rows) == {".pdf": 2, ".html": 2, ".txt": 2}


def test_search_log_gives_what_the_abstract_reports() -> None:
    log = load_search_log(CORPUS / "search_log.yaml")
    identification = log["identification"]
    sources = identification["databases_and_registers"] + identification["other_methods"]
    assert [s["id"] for s in sources] == ["database", "resource_library", "internet"]
    assert all(s["identified"] is None and s.get("label") for s in sources)
    assert log["included"]["total"] == 15
    assert set(log["included"]["by_source"]) == {"database", "resource_library", "internet"}
    assert "2000" in log["date_limits"] and "2013" in log["date_limits"]
    with open(CORPUS / "manifest.csv", encoding="utf-8", newline="") as handle:
        strategies = {row["search_strategy"] for row in csv.DictReader(handle)}
    assert strategies <= {s["id"] for s in sources}


def test_config_points_at_the_second_review() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert config["corpus_dir"] == "corpus/muraya_fry_2015"
    assert config["form"] == "extraction_forms/muraya_fry_2015.yaml"
    assert config["results_dir"] not in ("results", "results/")
    for key in ("manifest", "search_log", "decisions_dir", "form"):
        assert (REPO_ROOT / config[key]).exists(), key
    assert (REPO_ROOT / config["decisions_dir"]).is_dir()


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_surrogate_says_it_is_a_surrogate_and_not_an_included_document(doc_id: str) -> None:
    source = load_surrogate(CORPUS / "surrogates" / f"{doc_id}.md")
    notice = source.blocks[0].text
    assert notice.startswith(NOTICE_PREFIX) and NOT_INCLUDED in notice and "fictional" in notice
    assert source.title == read_documents(CORPUS / "manifest.csv")[doc_id].expected_title
    words = sum(len(block.text.split()) for block in source.blocks)
    assert 300 <= words <= 700, f"{doc_id}: {words} words"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_the_rendered_document_shows_the_notice_before_the_body(rendered: Path, doc_id: str) -> None:
    path = rendered / f"{doc_id}.{read_documents(CORPUS / 'manifest.csv')[doc_id].extension}"
    text = re.sub(r"-\s+", "-", _visible_text(path)).lower()
    first_heading = next(
        b.text for b in load_surrogate(CORPUS / "surrogates" / f"{doc_id}.md").blocks if b.kind == "heading"
    ).lower()
    assert 0 <= text.find(NOTICE_PREFIX.lower()) < text.find(first_heading)
    assert "not one of the 15 documents" in text


def test_rendered_documents_equal_a_fresh_render(rendered: Path, tmp_path: Path) -> None:
    stale = stale_documents(CORPUS, rendered, tmp_path)
    assert stale == [], (
        "rerender and commit: python scripts/render_surrogates.py --corpus corpus/muraya_fry_2015 " + " ".join(stale)
    )
    assert sorted(p.stem for p in (CORPUS / "documents").iterdir()) == DOC_IDS


def test_the_surrogates_cite_one_another() -> None:
    resolver = CitationResolver(load_manifest(CORPUS / "manifest.csv", CORPUS))
    edges = set()
    for path in SOURCES:
        body = [b.text for b in load_surrogate(path).blocks if b.kind != "reference"]
        citations = [c for text in body for c in find_citations(text)]
        resolver.learn_acronyms(citations)
        edges |= {(path.stem, cited) for c in citations if (cited := resolver.resolve(c)) and cited != path.stem}
    assert len(edges) >= 8
    cited = {target for _, target in edges}
    assert {"khcr2006", "okafor_lind2008", "nccbp2009", "marsh2010", "tamarind2011"} <= cited


# --- the coder finds what the surrogates recommend -------------------------------------------------


@pytest.fixture(scope="module")
def coded() -> dict[str, list[dict]]:
    from reviewflow.coding.coder import code_ingested
    from reviewflow.coding.recommender import load_model
    from reviewflow.ingest.document import ingest_file
    from reviewflow.paths import DEFAULT_RECOMMENDATION_MODEL

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    model_path = config["coding"].get("recommendation_model", str(DEFAULT_RECOMMENDATION_MODEL))
    model = load_model(str(REPO_ROOT / model_path)) if model_path else None
    documents = read_documents(CORPUS / "manifest.csv")
    return {
        doc_id: code_ingested(ingest_file(CORPUS / documents[doc_id].file, doc_id=doc_id), FORM, model=model).rows
        for doc_id in DOC_IDS
    }


def _gold() -> list[dict[str, str]]:
    with open(CORPUS / "gold" / "recommendations.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_written_recommendation_is_found_with_its_codes_phase_and_polarity(coded) -> None:
    gold = _gold()
    assert len(gold) >= 60 and {row["doc_id"] for row in gold} == set(DOC_IDS)
    problems = []
    for row in gold:
        matches = [
            r for r in coded[row["doc_id"]] if re.sub(r"\s+", " ", r["sentence"]).startswith(row["sentence_start"])
        ]
        if len(matches) != 1:
            problems.append(f"{row['doc_id']}: {row['sentence_start']!r}: {len(matches)} segments")
            continue
        segment = matches[0]
        got = set(segment["service_areas"]) | set(segment["practices"])
        want, unwanted = set(filter(None, row["codes"].split(";"))), set(filter(None, row["not_codes"].split(";")))
        if not segment["is_recommendation"]:
            problems.append(f"{row['doc_id']}: {row['sentence_start']!r}: not found as a recommendation")
        if not want <= got or unwanted & got:
            problems.append(
                f"{row['doc_id']}: {row['sentence_start']!r}: codes {sorted(got)}, want {sorted(want)}"
                f"{' and not ' + str(sorted(unwanted)) if unwanted else ''}"
            )
        if row["phase"] and segment["phase"] != row["phase"]:
            problems.append(
                f"{row['doc_id']}: {row['sentence_start']!r}: phase {segment['phase']!r}, want {row['phase']!r}"
            )
        if row["polarity"] and segment["polarity"] != row["polarity"]:
            problems.append(f"{row['doc_id']}: {row['sentence_start']!r}: polarity {segment['polarity']!r}")
    assert problems == []


def test_recovery_gets_the_most_recommendations(coded) -> None:
    phases = Counter(r["phase"] for rows in coded.values() for r in rows if r["is_recommendation"] and r["phase"])
    assert set(phases) == {"rescue", "recovery", "reintegration"}
    assert phases.most_common(1)[0][0] == "recovery"

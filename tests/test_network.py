"""Citation network on a small synthetic corpus written in tmp_path."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from reviewflow.corpus.manifest import COLUMNS, write_rows
from reviewflow.fileio import write_csv, write_json
from reviewflow.form import Field
from reviewflow.network.graph import evidence_field_ids, run_network
from reviewflow.references.parsing import REFERENCE_COLUMNS

OUTPUTS = {
    "graphml": "citations.graphml",
    "gexf": "citations.gexf",
    "nodes": "nodes.csv",
    "edges": "edges.csv",
    "matched": "references_matched.csv",
    "summary": "summary.json",
    "png": "citations.png",
    "svg": "citations.svg",
    "html": "citations.html",
}

DOCUMENTS = [
    ("smith2001", "Smith, 2001", "Smith, A.", "2001", "", "Shelter for survivors of trafficking", "journal_article"),
    ("fcadv2005", "FCADV, 2005", "Florida Coalition Against Domestic Violence", "2005", "", "", "ngo_report"),
    (
        "jones2007a",
        "Jones & Lee, 2007a",
        "Jones, B.; Lee, C.",
        "2007",
        "a",
        "Case management in practice",
        "issue_brief",
    ),
    (
        "jones2007b",
        "Jones & Lee, 2007b",
        "Jones, B.; Lee, C.",
        "2007",
        "b",
        "Mental health after rescue",
        "issue_brief",
    ),
    (
        "review2009",
        "Brown et al., 2009",
        "Brown, D.; Green, E.",
        "2009",
        "",
        "A review of aftercare <script>alert(1)</script>",
        "government_report",
    ),
]

REFERENCES = {
    "review2009": [
        ("Smith", "2001", "", "Shelter for survivors of trafficking"),
        ("FCADV", "2005", "", "Guidelines for advocates"),
        ("Jones;Lee", "2007", "b", "Mental health after rescue"),
        ("Jones;Lee", "2007", "", "Case management in practice"),
        ("Unknown", "1999", "", "A book outside the corpus"),
        ("Brown;Green", "2009", "", "A review of aftercare"),  # itself: a self-citation, dropped from edges
    ],
    "jones2007b": [
        ("Smith", "2001", "", "Shelter for survivors of trafficking"),
        ("Nobody", "2003", "", "External report"),
    ],
    "smith2001": [],
}

CODING = [
    # doc_id, segment_id, cited_doc_ids, service_areas, practices, is_recommendation, decision
    ("review2009", "s1", "fcadv2005", "shelter_housing", "safety_confidentiality", "true", ""),
    ("review2009", "s2", "smith2001;fcadv2005", "shelter_housing;basic_necessities", "", "true", "accept"),
    ("review2009", "s3", "smith2001", "mental_health", "trauma_informed_care", "false", ""),
    ("review2009", "s4", "jones2007a", "legal_immigration", "", "true", "reject"),  # rejected: left out
    ("jones2007a", "s5", "smith2001", "", "case_management", "true", ""),  # in-text only
    ("jones2007a", "s6", "jones2007a", "", "case_management", "true", ""),  # self-citation
    ("smith2001", "s7", "", "shelter_housing", "", "true", ""),
]


def write_corpus(root: Path) -> dict:
    corpus = root / "corpus"
    (corpus / "documents").mkdir(parents=True)
    rows = []
    for doc_id, citation, authors, year, suffix, title, doc_type in DOCUMENTS:
        (corpus / "documents" / f"{doc_id}.txt").write_text("text", encoding="utf-8")
        rows.append(
            {
                **dict.fromkeys(COLUMNS, ""),
                "doc_id": doc_id,
                "citation": citation,
                "authors": authors,
                "year": year,
                "year_suffix": suffix,
                "title": title,
                "doc_type": doc_type,
                "search_strategy": "internet",
                "file": f"documents/{doc_id}.txt",
                "surrogate": "false",
                "verified": "false",
            }
        )
    write_rows(corpus / "manifest.csv", rows)
    reference_paths = []
    for doc_id, entries in REFERENCES.items():
        path = root / "references" / f"{doc_id}.csv"
        write_csv(
            path,
            [
                {
                    "position": i,
                    "raw": f"{a}. ({y}{s}). {t}.",
                    "authors": a,
                    "year": y,
                    "suffix": s,
                    "title": t,
                    "container": "",
                    "page": 9,
                }
                for i, (a, y, s, t) in enumerate(entries, 1)
            ],
            REFERENCE_COLUMNS,
        )
        reference_paths.append(path)
    coding = root / "coding.csv"
    write_csv(
        coding,
        [
            dict(
                zip(
                    (
                        "doc_id",
                        "segment_id",
                        "cited_doc_ids",
                        "service_areas",
                        "practices",
                        "is_recommendation",
                        "decision",
                    ),
                    row,
                )
            )
            for row in CODING
        ],
        ["doc_id", "segment_id", "cited_doc_ids", "service_areas", "practices", "is_recommendation", "decision"],
    )
    forms = []
    for doc_id, basis in (("review2009", "expert_opinion"), ("smith2001", "primary_data")):
        path = root / "forms" / f"{doc_id}.json"
        write_json(
            path,
            {
                "doc_id": doc_id,
                "form_id": "f",
                "form_version": "1",
                "fields": {"evidence_basis": {"value": basis, "mode": "auto", "status": "filled", "evidence": []}},
            },
        )
        forms.append(path)
    return {
        "manifest": corpus / "manifest.csv",
        "coding": coding,
        "references": reference_paths,
        "forms": forms,
        "corpus_dir": corpus,
    }


def run(root: Path, out: Path, inputs: dict | None = None):
    inputs = inputs or write_corpus(root)
    outputs = {key: out / name for key, name in OUTPUTS.items()}
    network = run_network(
        inputs["manifest"],
        inputs["coding"],
        inputs["references"],
        inputs["forms"],
        outputs,
        corpus_dir=inputs["corpus_dir"],
    )
    return network, outputs


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    network, outputs = run(root, root / "network")
    return network, outputs


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_edges_via_and_contexts(built):
    _, outputs = built
    edges = {(e["source"], e["target"]): e for e in read_csv(outputs["edges"])}
    assert set(edges) == {
        ("review2009", "smith2001"),
        ("review2009", "fcadv2005"),
        ("review2009", "jones2007a"),
        ("review2009", "jones2007b"),
        ("jones2007b", "smith2001"),
        ("jones2007a", "smith2001"),
    }
    assert edges["review2009", "smith2001"]["via"] == "both"
    assert edges["review2009", "smith2001"]["n_in_text"] == "2"
    assert (
        edges["review2009", "smith2001"]["contexts"]
        == "basic_necessities;mental_health;shelter_housing;trauma_informed_care"
    )
    assert edges["review2009", "fcadv2005"]["via"] == "both"
    assert edges["review2009", "fcadv2005"]["contexts"] == "basic_necessities;safety_confidentiality;shelter_housing"
    assert edges["review2009", "fcadv2005"]["n_recommendations"] == "2"
    # Cited only in a rejected segment: the reference list still links it, in-text does not.
    assert edges["review2009", "jones2007a"]["via"] == "reference_list"
    assert edges["review2009", "jones2007a"]["contexts"] == ""
    assert edges["jones2007a", "smith2001"]["via"] == "in_text"
    assert edges["jones2007b", "smith2001"]["via"] == "reference_list"
    # Which documents support shelter, by citing which:
    shelter = sorted(
        (e["source"], e["target"]) for e in edges.values() if "shelter_housing" in e["contexts"].split(";")
    )
    assert shelter == [("review2009", "fcadv2005"), ("review2009", "smith2001")]


def test_references_matched_keep_external_entries(built):
    _, outputs = built
    matched = read_csv(outputs["matched"])
    assert len(matched) == 8
    by_key = {(r["doc_id"], r["position"]): r for r in matched}
    assert by_key["review2009", "3"]["matched_doc_id"] == "jones2007b"  # 2007b kept apart from 2007a
    assert by_key["review2009", "4"]["matched_doc_id"] == "jones2007a"  # no suffix: the title decides
    assert by_key["review2009", "2"]["matched_doc_id"] == "fcadv2005"
    assert "manifest title empty" in by_key["review2009", "2"]["match_basis"]
    assert by_key["review2009", "5"]["matched_doc_id"] == "" and by_key["review2009", "5"]["score"] == ""
    assert by_key["review2009", "6"]["matched_doc_id"] == "review2009"  # matched, but no self-edge


def test_nodes_and_summary(built):
    _network, outputs = built
    nodes = {n["doc_id"]: n for n in read_csv(outputs["nodes"])}
    assert list(nodes) == sorted(nodes)
    assert nodes["smith2001"]["cited_by"] == "3" and nodes["smith2001"]["cites"] == "0"
    assert nodes["review2009"]["cites"] == "4" and nodes["review2009"]["cited_by"] == "0"
    assert nodes["review2009"]["references_total"] == "6"
    assert nodes["review2009"]["share_internal"] == "0.8333"  # 5 of 6 entries are corpus documents
    assert nodes["smith2001"]["references_total"] == "0" and nodes["smith2001"]["share_internal"] == ""
    assert nodes["review2009"]["evidence_basis"] == "expert_opinion"
    assert nodes["fcadv2005"]["evidence_basis"] == ""
    assert max(nodes.values(), key=lambda n: float(n["pagerank"]))["doc_id"] == "smith2001"
    assert all(len(n["pagerank"].split(".")[1]) == 6 for n in nodes.values())
    summary = json.loads(outputs["summary"].read_text(encoding="utf-8"))
    assert summary["documents"] == 5 and summary["edges"] == 6
    assert summary["edges_by_via"] == {"both": 2, "in_text": 1, "reference_list": 3}
    assert summary["density"] == round(6 / 20, 6)
    assert summary["weakly_connected_components"] == 1
    assert summary["references_total"] == 8 and summary["references_internal"] == 6
    assert summary["share_internal"] == round(6 / 8, 4)
    assert [m["doc_id"] for m in summary["most_cited"][:2]] == ["smith2001", "fcadv2005"]  # ties: by doc_id
    assert summary["most_cited"][0]["cited_by"] == 3


def test_graph_files_load_back(built):
    _, outputs = built
    graph = nx.read_graphml(outputs["graphml"])
    assert graph.is_directed() and graph.number_of_nodes() == 5 and graph.number_of_edges() == 6
    assert graph.edges["review2009", "smith2001"]["via"] == "both"
    assert graph.nodes["fcadv2005"]["citation"] == "FCADV, 2005"
    gexf = nx.read_gexf(outputs["gexf"])
    assert gexf.number_of_edges() == 6
    assert "lastmodifieddate" not in outputs["gexf"].read_text(encoding="utf-8")


def test_outputs_are_deterministic(tmp_path):
    inputs = write_corpus(tmp_path)
    _, first = run(tmp_path, tmp_path / "one", inputs)
    _, second = run(tmp_path, tmp_path / "two", inputs)
    for key in OUTPUTS:
        assert first[key].read_bytes() == second[key].read_bytes(), key


def test_figures_are_written(built):
    _, outputs = built
    assert outputs["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = outputs["svg"].read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Smith, 2001" in svg and "journal article" in svg  # labels and legend kept as text
    assert "<dc:date>" not in svg


def test_html_is_self_contained_and_escapes_titles(built):
    _, outputs = built
    page = outputs["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # ours, inline
    assert "src=" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert page.count('class="node"') == 5 and page.count('class="edge ') == 6
    assert 'data-source="review2009" data-target="smith2001"' in page


def test_bad_reference_file_is_reported_not_fatal(tmp_path):
    inputs = write_corpus(tmp_path)
    bad = tmp_path / "references" / "fcadv2005.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    _network, outputs = run(tmp_path, tmp_path / "out", {**inputs, "references": [*inputs["references"], bad]})
    summary = json.loads(outputs["summary"].read_text(encoding="utf-8"))
    assert any("fcadv2005.csv" in p and "missing column" in p for p in summary["problems"])
    assert summary["edges"] == 6


def test_reference_list_of_a_document_no_longer_in_the_manifest_is_left_out(tmp_path):
    inputs = write_corpus(tmp_path)
    stale = tmp_path / "references" / "gone2004.csv"
    write_csv(
        stale,
        [
            {
                "position": 1,
                "raw": "x",
                "authors": "Smith",
                "year": "2001",
                "suffix": "",
                "title": "Shelter for survivors of trafficking",
                "container": "",
                "page": 1,
            }
        ],
        REFERENCE_COLUMNS,
    )
    network, _outputs = run(tmp_path, tmp_path / "out", {**inputs, "references": [*inputs["references"], stale]})
    assert network.summary["references_total"] == 8 and network.summary["edges"] == 6
    assert any("gone2004" in p for p in network.summary["problems"])


# A second review's form names its evidence fields as it likes; their role (`source`) is what counts.
RENAMED_FIELDS = (
    Field(id="document_type", label="Document type", type="single_choice", mode="auto", source="manifest"),
    Field(
        id="design_category",
        label="Primary or secondary",
        type="single_choice",
        mode="auto",
        source="evidence_category",
    ),
    Field(id="study_design", label="Study design", type="multiple_choice", mode="auto", source="evidence_basis"),
    Field(id="quality_appraisal_notes", label="Quality notes", type="text", mode="manual"),
)


def test_evidence_field_ids_follow_the_roles_methods_first():
    assert evidence_field_ids(RENAMED_FIELDS) == ("study_design", "design_category")
    assert evidence_field_ids(RENAMED_FIELDS[:1]) == ()


def _rename_forms(inputs: dict, root: Path) -> dict:
    """The corpus's filled forms as the renamed form writes them (keyed by field id), plus a document
    whose form says only its category."""
    forms = []
    for path in inputs["forms"]:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["fields"] = {
            "study_design": data["fields"]["evidence_basis"],
            "design_category": {"value": None, "mode": "auto", "status": "empty", "evidence": []},
        }
        write_json(path, data)
        forms.append(path)
    only_category = root / "forms" / "jones2007a.json"
    write_json(
        only_category,
        {
            "doc_id": "jones2007a",
            "form_id": "f",
            "form_version": "1",
            "fields": {
                "study_design": {"value": [], "mode": "auto", "status": "empty", "evidence": []},
                "design_category": {"value": "secondary", "mode": "auto", "status": "filled", "evidence": []},
            },
        },
    )
    return {**inputs, "forms": [*forms, only_category]}


def test_renamed_evidence_fields_give_the_same_nodes(tmp_path):
    inputs = _rename_forms(write_corpus(tmp_path), tmp_path)
    outputs = {key: tmp_path / "out" / name for key, name in OUTPUTS.items() if key in ("nodes", "summary")}
    network = run_network(
        inputs["manifest"],
        inputs["coding"],
        inputs["references"],
        inputs["forms"],
        outputs,
        corpus_dir=inputs["corpus_dir"],
        evidence_fields=evidence_field_ids(RENAMED_FIELDS),
    )
    nodes = {n["doc_id"]: n for n in read_csv(outputs["nodes"])}
    assert nodes["review2009"]["evidence_basis"] == "expert_opinion"
    assert nodes["smith2001"]["evidence_basis"] == "primary_data"
    assert nodes["jones2007a"]["evidence_basis"] == "secondary"  # the category, when no method is named
    assert nodes["fcadv2005"]["evidence_basis"] == ""
    assert network.summary["problems"] == []
    # Read by the default id, the renamed forms give nothing: the defect this parameter fixes.
    default = run_network(
        inputs["manifest"], inputs["coding"], inputs["references"], inputs["forms"], {}, corpus_dir=inputs["corpus_dir"]
    )
    assert {n["doc_id"]: n["evidence_basis"] for n in default.nodes}["review2009"] == ""


def test_form_without_evidence_field_leaves_nodes_empty_with_a_note(tmp_path):
    inputs = write_corpus(tmp_path)
    network = run_network(
        inputs["manifest"],
        inputs["coding"],
        inputs["references"],
        inputs["forms"],
        {},
        corpus_dir=inputs["corpus_dir"],
        evidence_fields=(),
    )
    assert all(n["evidence_basis"] == "" for n in network.nodes)
    (problem,) = network.summary["problems"]
    assert "no field with source: evidence_basis or source: evidence_category" in problem and "Fix:" in problem

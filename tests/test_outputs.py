"""The registry of the synthesis outputs: one list of tables and figures, worded by the form."""

from __future__ import annotations

from pathlib import Path

from reviewflow.form import load_form
from reviewflow.paths import DEFAULT_FORM
from reviewflow.synthesis import figures, tables
from reviewflow.synthesis.outputs import report_figures, report_tables, synthesis_table_names
from synthesis_fixtures import MACY_STRINGS, write_corpus


def test_the_default_form_gives_the_report_today_s_titles_and_files():
    form = load_form(DEFAULT_FORM)
    assert report_tables(form) == {
        "Table 1 — Survivors' needs across the continuum of care": "tables/table1_needs.html",
        "Core service areas by phase": "tables/service_areas.html",
        "Service-delivery practices": "tables/practices.html",
        "Evidence basis": "tables/evidence_basis.html",
    }
    assert report_figures(form) == {
        "Documents recommending each service area, by phase": "figures/heatmap_areas_phases.svg",
        "Evidence gap map: documents (size) and share resting on primary data (colour)": "figures/evidence_gap_map.svg",
        "Citation network: included documents citing one another over time": "network/citations.svg",
    }


def test_another_review_s_report_lists_the_same_files_under_its_titles(tmp_path: Path):
    form = load_form(write_corpus(tmp_path, other_review=True)["form_path"])
    assert list(report_tables(form)) == [
        "Table 1 — Concerns by phase",
        "Services by phase",
        "Approaches to care",
        "Evidence basis",
    ]
    assert list(report_tables(form).values()) == list(report_tables(load_form(DEFAULT_FORM)).values())
    assert list(report_figures(form)) == [
        "Documents recommending services, by phase",
        "Where evidence is missing",
        "Citation network: included documents citing one another over time",
    ]
    assert not [s for s in MACY_STRINGS for title in [*report_tables(form), *report_figures(form)] if s in title]


def test_registry_paths_are_files_the_library_writes_relative_to_the_results_folder():
    form = load_form(DEFAULT_FORM)
    assert synthesis_table_names() == list(tables.TABLE_NAMES)
    for path in report_tables(form).values():
        folder, name = path.split("/")
        assert folder == "tables" and name in tables.output_files()
    synthesis_figures = [p for p in report_figures(form).values() if p.startswith("figures/")]
    assert [p.split("/")[1] for p in synthesis_figures] == [f for f in figures.output_files() if f.endswith(".svg")]
    assert all(
        not p.startswith(("/", "results")) for p in [*report_tables(form).values(), *report_figures(form).values()]
    )

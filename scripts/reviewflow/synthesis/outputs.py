"""The one registry of the synthesis outputs: every table and figure named once, with its files, its
default wording and where it appears (tables folder, history snapshots, report).

``tables`` builds and writes the tables from it, ``history`` snapshots and compares them, the report
rule lists them through ``report_tables`` / ``report_figures``, and ``form`` fills the default wording
of each from it. The default titles are templates over the form's plural names (``{Needs}`` is the
plural name of needs with a capital first letter), so a review that only renames its codes still
gets titles in its own words.

This module imports neither pandas nor the form at load time: history and the Snakefile read it,
and the builders import the rendering code only when a table is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from reviewflow.form import Form, Wording
    from reviewflow.synthesis.evidence import Synthesis
    from reviewflow.synthesis.tables import Wide

# (long frame, (wide display frame, its cells' links to their evidence), notes of this table only)
Built = tuple["pd.DataFrame", "Wide", tuple[str, ...]]


@dataclass(frozen=True)
class SynthesisTable:
    """One synthesis table."""

    name: str  # file stem under tables/, workbook sheet, key in history and in form.wording.tables
    default_title: str  # printed above the table (a template over the plural names)
    default_heading: str  # its short name: report heading and changes.md section (a template too)
    key: tuple[str, ...]  # the long table's columns that identify one cell (history compares them)
    snapshot_file: str  # its long CSV inside a history snapshot (names kept from older snapshots)
    builder: Callable[[Synthesis, Wording], Built]
    number: str = ""  # "Table 1": printed before the title
    in_report: bool = True

    @property
    def long_csv(self) -> str:
        """Its tidy long CSV in the tables folder."""
        return f"{self.name}_long.csv"

    @property
    def html(self) -> str:
        """Its HTML fragment, relative to the results folder."""
        return f"tables/{self.name}.html"


@dataclass(frozen=True)
class ReportFigure:
    """One figure the report shows."""

    name: str  # file stem; key in form.wording.figures when drawn by the synthesis
    path: str  # the SVG the report inlines, relative to the results folder
    default_title: str  # drawn on the figure (a template over the plural names)
    default_caption: str  # under it in the report (a template too)
    synthesis: bool = True  # drawn by reviewflow.synthesis.figures; False: another stage's, with fixed wording


# The builders import reviewflow.synthesis.tables on call: tables imports this registry.


def _needs(result: Synthesis, wording: Wording) -> Built:
    from reviewflow.synthesis.tables import needs_wide

    return result.needs, needs_wide(result.needs, wording), ()


def _service_areas(result: Synthesis, wording: Wording) -> Built:
    from reviewflow.synthesis.tables import code_phase_wide

    return result.service_areas, code_phase_wide(result.service_areas, wording.labels.service_area), ()


def _practices(result: Synthesis, wording: Wording) -> Built:
    from reviewflow.synthesis.tables import practices_wide

    return result.practices, practices_wide(result.practices, wording), ()


def _evidence(result: Synthesis, wording: Wording) -> Built:
    from reviewflow.synthesis.tables import evidence_note, evidence_wide

    return (
        result.evidence,
        evidence_wide(result.evidence, result.citations, wording),
        (evidence_note(wording, result.evidence_fields),),
    )


TABLE1 = "table1_needs"
SYNTHESIS_TABLES: tuple[SynthesisTable, ...] = (
    SynthesisTable(
        TABLE1,
        "{Needs} by phase, with the documents that recommend services for them",
        "{Needs} by phase",
        ("phase", "need", "role"),
        "table1_long.csv",
        _needs,
        number="Table 1",
    ),
    SynthesisTable(
        "service_areas",
        "{Service_areas} by phase: documents recommending them",
        "{Service_areas} by phase",
        ("code", "phase", "role"),
        "service_areas_long.csv",
        _service_areas,
    ),
    SynthesisTable(
        "practices",
        "{Practices}: documents recommending them",
        "{Practices}",
        ("code", "phase", "role"),
        "practices_long.csv",
        _practices,
    ),
    SynthesisTable(
        "evidence_basis",
        "Evidence basis: supporting documents resting on primary data",
        "Evidence basis",
        ("level", "id"),
        "evidence_basis_long.csv",
        _evidence,
    ),
)

HEATMAP = "heatmap_areas_phases"
GAP_MAP = "evidence_gap_map"
REPORT_FIGURES: tuple[ReportFigure, ...] = (
    ReportFigure(
        HEATMAP,
        f"figures/{HEATMAP}.svg",
        "Documents recommending {service_areas}, by phase",
        "Documents recommending {service_areas}, by phase",
    ),
    ReportFigure(
        GAP_MAP,
        f"figures/{GAP_MAP}.svg",
        "Evidence gap map: {service_areas} (top) and {practices} (bottom)",
        "Evidence gap map: documents (size) and share resting on primary data (colour)",
    ),
    ReportFigure(
        "citations",
        "network/citations.svg",
        "Citation network: included documents citing one another over time",
        "Citation network: included documents citing one another over time",
        synthesis=False,
    ),
)


def synthesis_table(name: str) -> SynthesisTable:
    for table in SYNTHESIS_TABLES:
        if table.name == name:
            return table
    raise KeyError(name)


def synthesis_table_names() -> list[str]:
    """The synthesis tables' names in output order (the synthesize rule declares their files)."""
    return [table.name for table in SYNTHESIS_TABLES]


def synthesis_figure_names() -> list[str]:
    """The figures the synthesis draws, in output order."""
    return [figure.name for figure in REPORT_FIGURES if figure.synthesis]


def fill(template: str, plural: Mapping[str, str]) -> str:
    """A default title: ``{needs}`` → the plural name of needs, ``{Needs}`` → the same, capitalized."""
    names = {**plural, **{key[:1].upper() + key[1:]: value[:1].upper() + value[1:] for key, value in plural.items()}}
    return template.format_map(names)


def table_heading(table: SynthesisTable, wording: Wording) -> str:
    """The table's heading in the report: its number, then its short name."""
    heading = wording.tables[table.name].heading
    return f"{table.number} — {heading}" if table.number else heading


def report_tables(form: Form) -> dict[str, str]:
    """Report heading → the table's HTML fragment, relative to the results folder, in report order."""
    return {table_heading(table, form.wording): table.html for table in SYNTHESIS_TABLES if table.in_report}


def report_figures(form: Form) -> dict[str, str]:
    """Report caption → the figure's SVG, relative to the results folder, in report order."""
    return {
        (form.wording.figures[figure.name].caption if figure.synthesis else figure.default_caption): figure.path
        for figure in REPORT_FIGURES
    }

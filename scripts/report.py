"""Snakemake entry point: the self-contained HTML report."""

from pathlib import Path

from reviewflow.fileio import atomic_write_text
from reviewflow.form import load_form
from reviewflow.report.html_report import ReportInputs, fill_caption, render
from reviewflow.report.provenance import collect

sm = snakemake
form = load_form(sm.input.form)
# The captions are templates: the review's own names, counts, phases and results folder go in.
captions = {
    Path(p).stem: fill_caption(Path(p).read_text(encoding="utf-8").strip(), form, str(p), sm.params.results_dir)
    for p in sm.input.captions
}
inputs = ReportInputs(
    manifest=Path(sm.input.manifest),
    form=Path(sm.input.form),
    ingest_report=Path(sm.input.ingest_report),
    tables={title: Path(path) for title, path in sm.params.tables.items()},
    evidence=Path(sm.input.evidence),
    figures={title: Path(path) for title, path in sm.params.figures.items()},
    prisma=Path(sm.input.prisma),
    network_html=Path(sm.input.network_html),
    network_summary=Path(sm.input.network_summary),
    agreement=Path(sm.input.agreement),
    conflicts=Path(sm.input.conflicts),
    decisions_report=Path(sm.input.decisions_report),
    changes=Path(sm.input.changes),
    decisions_dir=str(sm.config["decisions_dir"]),
    captions={"tables": captions.get("synthesis", ""), "network": captions.get("network", "")},
)
html = render(inputs, collect(dict(sm.params.config), sm.input.form, sm.params.workflow_dir), form.title)
atomic_write_text(sm.output[0], html)
with open(sm.log[0], "w", encoding="utf-8") as handle:
    print(f"report written: {Path(sm.output[0]).resolve()}", file=handle)

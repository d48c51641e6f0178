# One self-contained HTML report of the run (results/report.html). Every file it shows is a declared
# input, so the report is rebuilt whenever any of them changes.

REPORT_TABLES = {
    "Table 1 — Survivors' needs across the continuum of care": "results/tables/table1_needs.html",
    "Core service areas by phase": "results/tables/service_areas.html",
    "Service-delivery practices": "results/tables/practices.html",
    "Evidence basis": "results/tables/evidence_basis.html",
}
REPORT_FIGURES = {
    "Documents recommending each service area, by phase": "results/figures/heatmap_areas_phases.svg",
    "Evidence gap map: documents (size) and share resting on primary data (colour)": "results/figures/evidence_gap_map.svg",
    "Citation network: included documents citing one another over time": "results/network/citations.svg",
}


rule report:
    input:
        manifest=config["manifest"],
        form=config["form"],
        ingest_report="results/ingest_report.csv",
        tables=list(REPORT_TABLES.values()),
        figures=list(REPORT_FIGURES.values()),
        prisma="results/figures/prisma.png",
        network_html="results/network/citations.html",
        network_summary="results/network/summary.json",
        agreement="results/review/agreement.csv",
        conflicts="results/review/conflicts.csv",
        decisions_report="results/decisions_report.csv",
        changes="results/changes.json",
        captions=["workflow/report/synthesis.rst", "workflow/report/network.rst"],
        **recommendation_model_input(None),
    output:
        "results/report.html",
    params:
        tables=REPORT_TABLES,
        figures=REPORT_FIGURES,
        config=config,
        # the report renders changes.json with history's sections
        code=library_digest("report", "provenance", "history", "recommender"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        "logs/report.log",
    script:
        "../../scripts/report.py"

# One self-contained HTML report of the run (<results_dir>/report.html). Every file it shows is a declared
# input, so the report is rebuilt whenever any of them changes.

from reviewflow.synthesis.outputs import report_figures, report_tables

# Titles come from the form's wording (reviewflow.synthesis.outputs is the one list of tables and figures).
REPORT_TABLES = {title: results(path) for title, path in report_tables(FORM).items()}
REPORT_FIGURES = {title: results(path) for title, path in report_figures(FORM).items()}


rule report:
    input:
        manifest=config["manifest"],
        form=config["form"],
        ingest_report=results("ingest_report.csv"),
        tables=list(REPORT_TABLES.values()),
        # the quotes behind every table cell, which the tables' cells link to
        evidence=results("tables/evidence.html"),
        figures=list(REPORT_FIGURES.values()),
        prisma=results("figures/prisma.png"),
        network_html=results("network/citations.html"),
        network_summary=results("network/summary.json"),
        agreement=results("review/agreement.csv"),
        conflicts=results("review/conflicts.csv"),
        decisions_report=results("decisions_report.csv"),
        changes=results("changes.json"),
        captions=["scripts/reviewflow/data/report/synthesis.rst", "scripts/reviewflow/data/report/network.rst"],
        **recommendation_model_input(None),
    output:
        results("report.html"),
    params:
        tables=REPORT_TABLES,
        figures=REPORT_FIGURES,
        config=config,
        # the report renders changes.json with history's sections
        results_dir=lambda wildcards, output: str(Path(output[0]).parent),
        # the checkout whose commit the provenance names (not the working directory)
        workflow_dir=workflow.basedir,
        code=library_digest("report"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/report.log"),
    script:
        "../../scripts/report.py"

# Synthesis: Table 1 (needs across the continuum), core service areas, delivery practices and evidence
# basis as tables (CSV long + wide, Markdown, HTML, LaTeX, one XLSX workbook), the audit trail behind
# every cell (support.csv, and evidence.html: the quotes the report's cells link to), the documents left
# out, and two figures (heatmap, evidence gap map).

from reviewflow.synthesis.outputs import synthesis_table_names

SYNTHESIS_TABLES = synthesis_table_names()
SYNTHESIS_TABLE_FORMATS = [".csv", "_long.csv", ".md", ".html", ".tex"]


rule synthesize:
    input:
        coding=results("coding.csv"),
        ingest_report=results("ingest_report.csv"),
        forms=per_document(results("forms/{doc}.json")),
        # reviewers' manual field values: an inclusion field set to false takes a document out
        forms_table=results("forms.csv"),
        form=config["form"],
        manifest=config["manifest"],
    output:
        tables=expand(
            results("tables/{table}{fmt}"), table=SYNTHESIS_TABLES, fmt=SYNTHESIS_TABLE_FORMATS
        ),
        workbook=results("tables/synthesis.xlsx"),
        excluded=results("tables/excluded_documents.csv"),
        support=results("tables/support.csv"),
        evidence=results("tables/evidence.html"),
        heatmap=multiext(results("figures/heatmap_areas_phases"), ".png", ".svg"),
        gap_map=multiext(results("figures/evidence_gap_map"), ".png", ".svg"),
    params:
        include_mentions=config["synthesis"].get("include_mentions", False),
        code=library_digest("synthesize"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/synthesize.log"),
    script:
        "../../scripts/synthesize.py"

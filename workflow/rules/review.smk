# The human in the loop and the living review's memory:
# - combine: all coded documents in one table, in-text citations resolved, reviewer decisions applied;
# - agreement: automatic coding vs reviewers and reviewer vs reviewer (kappa), conflicts to resolve;
# - review_sheet: the workbook a reviewer fills (`snakemake results/review/review_sheet.xlsx`);
# - forms_table: every document's extraction form in one table, reviewers' manual field values applied;
# - history: a snapshot per changed run under results/history/ and what changed since the last one.
# Reviewer sheets in corpus/decisions/ are read, never written.
from reviewflow.synthesis.outputs import TABLE1, synthesis_table
from reviewflow.living.history import OTHER_TABLES as HISTORY_TABLES
from reviewflow.review.sheets import decision_files
from reviewflow.review.manual_fields import manual_field_files

DECISION_FILES = [str(path) for path in decision_files(config["decisions_dir"])]
# the "manual_fields" sheet of each workbook, and every <name>.manual_fields.csv (CSV reviewers)
MANUAL_FIELD_SOURCES = [str(path) for path in manual_field_files(config["decisions_dir"])]
# Rules whose outputs are made only when asked for (`snakemake results/review/review_sheet.xlsx`,
# `python -m reviewflow review export`); every other rule's outputs are targets of `rule all`.
ON_REQUEST_RULES = {"review_sheet"}


rule combine:
    input:
        coded=per_document(results("coded/{doc}.csv")),
        decisions=DECISION_FILES,
        manifest=config["manifest"],
        form=config["form"],
    output:
        coding=results("coding.csv"),
        report=results("decisions_report.csv"),
    params:
        # the list itself, so that removing a sheet reruns the step
        decisions=DECISION_FILES,
        code=library_digest("combine"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/combine.log"),
    script:
        "../../scripts/combine.py"


rule agreement:
    input:
        coded=per_document(results("coded/{doc}.csv")),
        decisions=DECISION_FILES,
        form=config["form"],
    output:
        agreement=results("review/agreement.csv"),
        conflicts=results("review/conflicts.csv"),
    params:
        decisions=DECISION_FILES,
        code=library_digest("agreement"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/agreement.log"),
    script:
        "../../scripts/agreement.py"


rule review_sheet:
    input:
        coded=per_document(results("coded/{doc}.csv")),
        forms=per_document(results("forms/{doc}.json")),
        form=config["form"],
    output:
        xlsx=results("review/review_sheet.xlsx"),
    params:
        citations={doc_id: document.citation for doc_id, document in DOCUMENTS.items()},
        # named in the sheet's instructions
        decisions_dir=config["decisions_dir"],
        results_dir=lambda wildcards, output: str(Path(output.xlsx).parents[1]),
        code=library_digest("review_sheet"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/review_sheet.log"),
    script:
        "../../scripts/review_sheet.py"


rule forms_table:
    input:
        forms=per_document(results("forms/{doc}.json")),
        manual=MANUAL_FIELD_SOURCES,
        form=config["form"],
    output:
        table=results("forms.csv"),
        conflicts=results("review/manual_field_conflicts.csv"),
        report=results("review/manual_fields_report.csv"),
    params:
        # the list itself, so that removing a sheet reruns the step
        manual=MANUAL_FIELD_SOURCES,
        code=library_digest("forms_table"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/forms_table.log"),
    script:
        "../../scripts/forms_table.py"


rule history:
    input:
        table1=results(f"tables/{synthesis_table(TABLE1).long_csv}"),
        **{table.name: results(f"tables/{table.long_csv}") for table in HISTORY_TABLES},
        edges=results("network/edges.csv"),
        form=config["form"],
        # the decisions applied, kept beside a snapshot to say which decision moved a cell
        decisions_report=results("decisions_report.csv"),
    output:
        # Only the report is declared: Snakemake deletes declared outputs before a job, and the
        # snapshots in results/history/ must survive every run (and --delete-all-output).
        md=results("changes.md"),
        json=results("changes.json"),
    params:
        documents=[[doc_id, DOCUMENTS[doc_id].citation] for doc_id in DOC_IDS],
        history_dir=results("history"),
        code=library_digest("history"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/history.log"),
    script:
        "../../scripts/history.py"

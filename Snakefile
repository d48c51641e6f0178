# reviewflow: the whole review as one workflow. Stages live in workflow/rules/, one file each;
# every rule calls one thin script in scripts/, which calls the library in scripts/reviewflow/.
from snakemake.utils import min_version

min_version("9.0")


# The default review. Another review is another config: `make run CONFIG=config/muraya_fry_2015.yaml`
# (or `snakemake --configfile X --replace-workflow-config`); its results_dir keeps its outputs apart.
configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/coding.smk"
include: "workflow/rules/references.smk"
include: "workflow/rules/synthesis.smk"
include: "workflow/rules/network.smk"
include: "workflow/rules/prisma.smk"
include: "workflow/rules/review.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        deliverables(),
    default_target: True


onsuccess:
    from reviewflow.report.summary import run_summary

    print(run_summary(RESULTS))


onerror:
    from reviewflow.report.summary import run_summary

    print(f"The run stopped with an error (see the messages above and {RESULTS}/logs/).")
    print(run_summary(RESULTS, failed_run=True, stale=unfinished_outputs()))

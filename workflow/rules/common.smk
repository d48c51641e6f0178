# Loaded first: validates the configuration, the extraction form, the manifest and the search log before any job
# starts (against the JSON Schemas in scripts/reviewflow/data/schemas/), so a bad row or field stops the run with every problem listed at once.
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.io import strip_wildcard_constraints
from snakemake.utils import validate

# The library is importable without installing it (e.g. on a cluster node sharing the repo), and the
# jobs import this checkout's library: Snakemake appends a script's folder to the end of sys.path, so an
# installed reviewflow (an editable install of another checkout) would otherwise shadow it.
_LIBRARY = str(Path(workflow.basedir) / "scripts")
sys.path.insert(0, _LIBRARY)
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [_LIBRARY, os.environ.get("PYTHONPATH", "")])))

from reviewflow.corpus.manifest import ManifestError, check_search_strategies, load_manifest  # noqa: E402
from reviewflow.form import FormError, load_form  # noqa: E402
from reviewflow.corpus.search_log import load_search_log  # noqa: E402

from reviewflow.paths import schema_path  # noqa: E402

# The schemas are the library's package data (one copy, which the CLI reads too).
validate(config, str(schema_path("config")))

from reviewflow.config import check_results_owner, claim_results_dir  # noqa: E402
from reviewflow.errors import ReviewflowError  # noqa: E402

# Every output, log and history snapshot of this review lives under its results_dir.
RESULTS = config["results_dir"].rstrip("/")


def results(path):
    """A path inside this review's results folder."""
    return f"{RESULTS}/{path}"


try:
    check_results_owner(RESULTS, config["manifest"])
except ReviewflowError as error:
    raise WorkflowError(f"{error} No job was started.")

try:
    DOCUMENTS = {d.doc_id: d for d in load_manifest(config["manifest"], config["corpus_dir"])}
except ManifestError as error:
    raise WorkflowError(
        f"The manifest has {len(error.problems)} problem(s); no job was started:\n{error}"
    )

# The search log is checked here too (schema and PRISMA arithmetic), so a contradicting count stops
# the run before any job rather than failing the prisma job after the others ran. A missing log is
# the prisma rule's missing input: a run of targets that do not need the diagram goes on without it.
_UNKNOWN_SOURCES = []
if Path(config["search_log"]).is_file():
    try:
        SEARCH_LOG = load_search_log(config["search_log"])
    except ReviewflowError as error:
        raise WorkflowError(f"The search log is invalid; no job was started:\n{error}")
    _UNKNOWN_SOURCES = check_search_strategies(
        DOCUMENTS.values(), SEARCH_LOG, manifest_path=config["manifest"], search_log_path=config["search_log"]
    )
if _UNKNOWN_SOURCES:
    raise WorkflowError(
        "The manifest names search sources that the search log does not define; no job was started:\n"
        + "\n".join(_UNKNOWN_SOURCES)
    )

try:
    FORM = load_form(config["form"])
except FormError as error:
    raise WorkflowError(f"The extraction form is invalid; no job was started:\n{error}")

DOC_IDS = sorted(DOCUMENTS)

_MODEL = config["coding"].get("recommendation_model", "")
if _MODEL and not Path(_MODEL).is_file():
    raise WorkflowError(
        f"coding.recommendation_model: {_MODEL}: file not found; no job was started. Fix: give the path of a "
        "model file (`make model` builds the shipped one, `python -m reviewflow review refit-model` a "
        "review's own), or set it to \"\" to let the rules alone decide."
    )
if _MODEL:
    from reviewflow.coding.recommender import load_model  # noqa: E402

    # A damaged model would fail every coding job alike: refuse it once, before any job starts.
    try:
        load_model(_MODEL)
    except ReviewflowError as error:
        raise WorkflowError(f"coding.recommendation_model: {error} No job was started.")

# Only a review that passed every check marks the results folder as its own.
claim_results_dir(RESULTS, config["manifest"])


wildcard_constraints:
    doc="[a-z][a-z0-9_]*",


def document_file(wildcards):
    return str(Path(config["corpus_dir"]) / DOCUMENTS[wildcards.doc].file)


def document_row(wildcards):
    """The manifest row of one document, passed as a param so only its own jobs rerun when it changes."""
    return dict(vars(DOCUMENTS[wildcards.doc]))


def recommendation_model_input(wildcards):
    """The scorer's model file as an input of coding (none when the rules decide alone)."""
    path = config["coding"].get("recommendation_model", "")
    return {"model": path} if path else {}


def per_document(pattern):
    return expand(pattern, doc=DOC_IDS)


def library_digest(stage):
    """Hash of the library modules a rule's script runs (reviewflow.stages.STAGE_MODULES, checked
    against the scripts' imports by tests/test_stages.py), passed as a param: editing a module reruns
    the rules that run it (and what follows), while editing another stage's code does not."""
    from reviewflow.stages import stage_digest

    return stage_digest(stage)


# Called by `rule all` and `onerror` in the Snakefile, once every rule file is included.
def deliverables():
    """Every output of every rule (per-document ones for every document), those run only on request
    (ON_REQUEST_RULES) aside. Snakemake reruns a job only for the outputs something asks of it, so a
    deleted table, figure or graph file that no later job reads came back only when `rule all` asks
    for it; asking for all of them, read from the rules themselves, keeps a new output from being
    forgotten here."""
    files = set()
    for step in workflow.rules:
        if step.name == "all" or step.name in ON_REQUEST_RULES:
            continue
        for path in step.output:
            pattern = strip_wildcard_constraints(path)  # the workflow's doc constraint is applied to outputs
            files.update(per_document(pattern) if "{doc}" in pattern else [pattern])
    return sorted(files)


def unfinished_outputs():
    """The outputs of the jobs this run had to run and did not finish (failed, or never started
    because an earlier one failed); None when Snakemake does not say (its DAG is not public API)."""
    try:
        return sorted({str(path) for job in workflow.dag.needrun_jobs() for path in job.output})
    except AttributeError:
        return None


def run_document_job(task, **arguments):
    """Run a per-document rule's job (reviewflow.jobpool): in Snakemake's own run on this machine, in a
    pool of worker processes that keep the library loaded between documents; in a job process on a
    cluster node, here."""
    from reviewflow.jobpool import run_job

    pooled = workflow.is_main_process and workflow.local_exec
    run_job(task, workers=workflow.cores if pooled else 0, **arguments)


def code_arguments(input, output, params, log):
    """The code job's arguments (reviewflow.coding.job.run) from the rule's files and params."""
    return dict(
        text=input.text,
        form_path=input.form,
        model_path=input.get("model", ""),
        document_row=dict(params.document_row),
        batch_size=int(params.batch_size),
        pipeline=params.spacy_pipeline or "",
        output_csv=output.csv,
        output_form=output.form,
        log=log[0],
    )


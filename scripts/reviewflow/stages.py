"""Which library modules each workflow rule runs, for its rerun digest.

Every rule that runs library code passes ``code=library_digest("<rule>")`` (workflow/rules/common.smk)
as a param: a hash of the modules listed here for it, so editing a module reruns exactly the rules
that can run it. The lists are the modules each rule's script imports (or, for the per-document rules,
their job module, e.g. ``ingest_job``, and what it imports), directly or through other modules,
including imports inside functions (a reader that `reviewflow.readers` imports only when it reads a
file still runs in the job). `tests/test_stages.py` computes that closure for every rule and fails
when a list here misses a module, or names one the rule never imports, so renaming or adding a module
cannot silently change what reruns.

Names are module paths inside the package (``cli.options`` would be ``reviewflow/cli/options.py``);
``__init__`` is the package's own ``__init__.py`` (its ``__version__`` goes into the report).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# Imported by nearly every script: file writing (which neutralizes spreadsheet formulas and names an
# unreadable file with its fix), errors and paths.
_CORE = ("__init__", "errors", "fileio", "paths", "safety")
# The format registry and its readers (imported lazily by `reviewflow.readers`).
_READERS = (
    "readers",
    "ingestion_html",
    "ingestion_normalize",
    "ingestion_pdf",
    "ingestion_sections",
    "ingestion_text",
    "ingestion_types",
)
# The manifest checks every document's extension against the reader registry.
_MANIFEST = ("manifest", *_READERS)
# A form's wording names the outputs, and reviewflow.outputs builds them with synthesis and tables.
_FORM = ("errors", "form", "outputs", "synthesis", "tables")
# Reviewer sheets: the decisions folder and the config that names it.
_REVIEW = ("config", "review")

STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "ingest": (*_CORE, *_READERS, "ingestion", "ingest_job"),
    "ingest_report": (*_CORE, *_READERS, "ingestion"),
    # "ingestion" in code, references and network: their modules' CLI handlers ingest a single file.
    "code": (
        *_CORE,
        "coded_table",
        *_MANIFEST,
        *_FORM,
        "citation_resolver",
        "citations",
        "coding",
        "coding_form",
        "coding_nlp",
        "embedding",
        "ingestion",
        "recommender",
        "code_job",
    ),
    "references": (*_CORE, *_MANIFEST, "errors", "ingestion", "references", "references_job"),
    "combine": (*_CORE, *_MANIFEST, *_FORM, *_REVIEW, "citation_resolver", "citations", "coded_table", "combine"),
    "agreement": (*_CORE, *_MANIFEST, *_FORM, *_REVIEW, "agreement"),
    "review_sheet": (*_CORE, *_MANIFEST, *_FORM, *_REVIEW),
    "forms_table": (*_CORE, *_MANIFEST, *_FORM, *_REVIEW, "extraction_table"),
    "history": (*_CORE, *_MANIFEST, *_FORM, "history"),
    "synthesize": (*_CORE, *_MANIFEST, *_FORM, "figures"),
    "network": (
        *_CORE,
        *_MANIFEST,
        *_FORM,
        "ingestion",
        "network",
        "network_figure",
        "network_html",
        "network_model",
        "references",
    ),
    "prisma": (*_CORE, *_MANIFEST, "errors", "prisma", "search_log"),
    "report": (*_CORE, *_MANIFEST, *_FORM, "embedding", "history", "provenance", "recommender", "report"),
}


def module_path(name: str, package_dir: Path = PACKAGE_DIR) -> Path:
    """The file of a module named as in STAGE_MODULES."""
    if name == "__init__":
        return package_dir / "__init__.py"
    path = package_dir.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def stage_modules(stage: str) -> tuple[str, ...]:
    """The modules of one stage, sorted, each once; a stage not in the map is refused."""
    try:
        return tuple(sorted(set(STAGE_MODULES[stage])))
    except KeyError:
        raise KeyError(
            f"library_digest({stage!r}): no such stage in reviewflow.stages.STAGE_MODULES "
            f"(known: {', '.join(STAGE_MODULES)}). Fix: add the rule's modules there."
        ) from None


def stage_digest(stage: str, package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the library files one stage runs (names and contents), 16 hex digits."""
    digest = hashlib.sha256()
    for name in stage_modules(stage):
        path = module_path(name, package_dir)
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

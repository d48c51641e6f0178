"""Which library modules each workflow rule runs, for its rerun digest.

Every rule that runs library code passes ``code=library_digest("<rule>")`` (workflow/rules/common.smk)
as a param: a hash of the modules listed here for it, so editing a module reruns exactly the rules
that can run it. The lists are the modules each rule's script imports (or, for the per-document rules,
their job module, e.g. ``ingest.job``, and what it imports), directly or through other modules,
including imports inside functions (a reader that `reviewflow.ingest.readers` imports only when it reads a
file still runs in the job). `tests/test_stages.py` computes that closure for every rule and fails
when a list here misses a module, or names one the rule never imports, so renaming or adding a module
cannot silently change what reruns.

Names are module paths inside the package (``ingest.pdf`` is ``reviewflow/ingest/pdf.py``);
``__init__`` is the package's own ``__init__.py`` (its ``__version__`` goes into the report).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# Imported by nearly every script: file writing (which neutralizes spreadsheet formulas and names an
# unreadable file with its fix), errors and paths.
_CORE = ("__init__", "errors", "fileio", "paths", "safety")
# The format registry and its readers (imported lazily by `reviewflow.ingest.readers`).
_READERS = (
    "ingest.readers",
    "ingest.html",
    "ingest.normalize",
    "ingest.pdf",
    "ingest.sections",
    "ingest.text",
    "ingest.blocks",
)
# The manifest checks every document's extension against the reader registry.
_MANIFEST = ("corpus.manifest", *_READERS)
# A form's wording names the outputs, and reviewflow.synthesis.outputs builds them with synthesis and tables
# (which link their cells to the evidence with synthesis.audit).
_FORM = ("errors", "form", "synthesis.outputs", "synthesis.evidence", "synthesis.tables", "synthesis.audit")
# Reviewer sheets: the decisions folder's sheets read back and several reviewers resolved.
_REVIEW = ("review.sheets", "review.decisions", "review.resolution")

STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "ingest": (*_CORE, *_READERS, "ingest.document", "ingest.job"),
    "ingest_report": (*_CORE, *_READERS, "ingest.document"),
    # "ingest.document" in network: reviewflow.references.matching's `references_file` (the
    # `references` command's) ingests a single file.
    "code": (
        *_CORE,
        "coding.coded_table",
        *_MANIFEST,
        *_FORM,
        "coding.citation_resolver",
        "coding.citations",
        "coding.coder",
        "coding.form_filling",
        "coding.nlp",
        "coding.embedding",
        "coding.recommender",
        "coding.job",
    ),
    "references": (*_CORE, "errors", "references.parsing", "references.job"),
    "combine": (
        *_CORE,
        *_MANIFEST,
        *_FORM,
        *_REVIEW,
        "coding.citation_resolver",
        "coding.citations",
        "coding.coded_table",
        "synthesis.combine",
    ),
    "agreement": (*_CORE, *_MANIFEST, *_FORM, *_REVIEW, "config", "review.agreement"),
    "review_sheet": (
        *_CORE,
        *_MANIFEST,
        *_FORM,
        *_REVIEW,
        "config",
        "review.selection",
        "review.manual_fields",
        "review.export",
    ),
    "forms_table": (*_CORE, *_MANIFEST, *_FORM, "review.sheets", "review.manual_fields", "synthesis.extraction_table"),
    "history": (*_CORE, *_MANIFEST, *_FORM, "living.history"),
    "synthesize": (*_CORE, *_MANIFEST, *_FORM, "synthesis.figures"),
    "network": (
        *_CORE,
        *_MANIFEST,
        *_FORM,
        "ingest.document",
        "network.graph",
        "network.figure",
        "network.html",
        "network.model",
        "references.matching",
        "references.parsing",
    ),
    "prisma": (*_CORE, *_MANIFEST, "errors", "living.prisma", "corpus.search_log"),
    "report": (
        *_CORE,
        *_MANIFEST,
        *_FORM,
        "coding.embedding",
        "living.history",
        "report.provenance",
        "coding.recommender",
        "report.html_report",
    ),
}


def module_path(name: str, package_dir: Path = PACKAGE_DIR) -> Path:
    """The file of a module named as in STAGE_MODULES."""
    if name == "__init__":
        return package_dir / "__init__.py"
    path = package_dir.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def stage_modules(stage: str) -> tuple[str, ...]:
    """The modules of one stage and the packages that hold them (importing ``ingest.pdf`` runs
    ``ingest/__init__.py`` too), sorted, each once; a stage not in the map is refused."""
    try:
        names = set(STAGE_MODULES[stage])
    except KeyError:
        raise KeyError(
            f"library_digest({stage!r}): no such stage in reviewflow.stages.STAGE_MODULES "
            f"(known: {', '.join(STAGE_MODULES)}). Fix: add the rule's modules there."
        ) from None
    packages = {name.rsplit(".", 1)[0] for name in names if "." in name}
    return tuple(sorted(names | packages))


def stage_digest(stage: str, package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the library files one stage runs (names and contents), 16 hex digits."""
    digest = hashlib.sha256()
    for name in stage_modules(stage):
        path = module_path(name, package_dir)
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

"""The ingest and ingest_report rules on a copy of the workflow with a tiny corpus of its own:
a bad document gives an error row in the report, and the run still succeeds."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

MANIFEST = """\
doc_id,citation,authors,year,year_suffix,title,container,doi,doc_type,search_strategy,file,surrogate,verified,notes
agency2008,"Agency, 2008",Agency,2008,,Services,,,government_report,internet,documents/agency2008.html,false,false,
broken2003,"Broken, 2003","Broken, B.",2003,,Broken,,,other,expert,documents/broken2003.pdf,false,false,
notes2009,"Notes, 2009","Notes, N.",2009,,Notes,,,other,expert,documents/notes2009.txt,false,false,
"""


def _workflow_copy(repo_root: Path, target: Path) -> Path:
    for name in ("Snakefile", "workflow", "config", "scripts", "extraction_forms"):
        source = repo_root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif source.exists():
            shutil.copy(source, target / name)
    # Stages still being written elsewhere: an empty rule file keeps the Snakefile's include working.
    for include in re.findall(r'include:\s*"([^"]+)"', (target / "Snakefile").read_text()):
        (target / include).parent.mkdir(parents=True, exist_ok=True)
        if not (target / include).exists():
            (target / include).write_text("# placeholder in the test copy\n")
    corpus = target / "tinycorpus"
    (corpus / "documents").mkdir(parents=True)
    (corpus / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (corpus / "documents" / "agency2008.html").write_text(
        "<html><body><nav>Menu</nav><h1>Aftercare</h1><p>Use qualified interpreters.</p></body></html>"
    )
    (corpus / "documents" / "broken2003.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (corpus / "documents" / "notes2009.txt").write_text("Notes\n\nProvide emergency shelter.\n", encoding="utf-8")
    return target


def test_ingest_rules_on_a_tiny_corpus(repo_root: Path, tmp_path: Path) -> None:
    workdir = _workflow_copy(repo_root, tmp_path)
    snakemake = Path(sys.executable).with_name("snakemake")
    result = subprocess.run(
        [
            str(snakemake),
            "--cores",
            "1",
            "results/ingest_report.csv",
            "--config",
            "manifest=tinycorpus/manifest.csv",
            "corpus_dir=tinycorpus",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(workdir / "results" / "ingest_report.csv", encoding="utf-8", newline="") as handle:
        rows = {row["doc_id"]: row for row in csv.DictReader(handle)}
    assert list(rows) == ["agency2008", "broken2003", "notes2009"]
    assert rows["agency2008"]["status"] == "ok" and rows["agency2008"]["format"] == "html"
    assert rows["agency2008"]["file"] == "documents/agency2008.html"
    assert rows["broken2003"]["status"] == "error"
    assert rows["broken2003"]["message"].startswith("documents/broken2003.pdf: the PDF is damaged")
    assert rows["notes2009"]["chars"] == str(len("Notes\n\nProvide emergency shelter."))
    record = json.loads((workdir / "results" / "text" / "agency2008.json").read_text(encoding="utf-8"))
    assert (
        record["text"] == "Aftercare\n\nUse qualified interpreters." and record["source"] == "documents/agency2008.html"
    )
    summary = (workdir / "results" / "logs" / "ingest" / "report.log").read_text(encoding="utf-8")
    assert "3 document(s): 2 ok, 0 warning(s), 1 error(s)" in summary
    assert "ERROR broken2003: documents/broken2003.pdf" in summary
    assert "ERROR broken2003" in result.stderr

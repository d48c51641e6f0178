from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewflow.prisma import draw_prisma, load_search_log
from reviewflow.provenance import collect
from reviewflow.report import ReportInputs, render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

NETWORK = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<svg id="network" width="200" height="100"><g class="node"><circle cx="50" cy="50" r="10"><title>Aron &amp; co</title></circle></g>
<g class="node"><circle cx="90" cy="50" r="10"></circle></g></svg>
<script>document.body.dataset.ready = "1";</script></body></html>"""


@pytest.fixture()
def inputs(tmp_path: Path, repo_root: Path) -> ReportInputs:
    results = tmp_path / "results"
    (results / "tables").mkdir(parents=True)
    (results / "figures").mkdir()
    (results / "network").mkdir()
    (results / "review").mkdir()
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "doc_id,citation,authors,year,title,container,doc_type,search_strategy,file,surrogate,verified,notes\n"
        'evil2009,"Evil, 2009",Evil,2009,<script>alert(1)</script> title,,ngo_report,internet,documents/e.pdf,false,false,\n'
        'aron2006,"Aron et al., 2006",Aron,2006,Services,,ngo_report,internet,documents/a.txt,true,true,\n',
        encoding="utf-8")
    (results / "tables" / "table1.html").write_text(
        '<table id="table1"><tr><th>Need</th></tr><tr><td>Emergency shelter (Aron et al., 2006)</td></tr></table>',
        encoding="utf-8")
    (results / "ingest_report.csv").write_text(
        "doc_id,file,format,status,n_pages,chars,pages_without_text,message\n"
        "aron2006,documents/a.txt,txt,ok,1,100,,\n"
        'evil2009,documents/e.pdf,pdf,error,0,0,,"documents/e.pdf: no text layer <b>run OCR</b>"\n',
        encoding="utf-8")
    draw_prisma(load_search_log(repo_root / "corpus" / "search_log.yaml"), 2,
                results / "figures" / "prisma.svg", results / "figures" / "prisma.png")
    (results / "network" / "citations.html").write_text(NETWORK, encoding="utf-8")
    (results / "network" / "summary.json").write_text('{"density": 0.5, "components": 1}', encoding="utf-8")
    (results / "review" / "agreement.csv").write_text("comparison,code,n,percent_agreement,kappa\n", encoding="utf-8")
    (results / "changes.md").write_text("# Changes\n\nfirst run: no previous snapshot\n", encoding="utf-8")
    return ReportInputs(
        manifest=manifest,
        form=repo_root / "corpus" / "search_log.yaml",  # any file: only hashed here
        ingest_report=results / "ingest_report.csv",
        tables={"Table 1": results / "tables" / "table1.html", "Practices": results / "tables" / "missing.html"},
        figures={"PRISMA": results / "figures" / "prisma.svg"},
        prisma=results / "figures" / "prisma.png",
        network_html=results / "network" / "citations.html",
        network_summary=results / "network" / "summary.json",
        agreement=results / "review" / "agreement.csv",
        changes=results / "changes.md",
    )


def _render(inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return render(inputs, collect({"corpus_dir": "corpus"}, inputs.form, repo_root), "Test review")


def test_report_is_self_contained_and_escaped(inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = _render(inputs, repo_root, monkeypatch)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;run OCR&lt;/b&gt;" in html  # document-derived message escaped
    assert '<table id="table1">' in html  # pipeline HTML fragment inlined
    assert "Practices: not produced in this run." in html
    assert "data:image/svg+xml;base64," in html and "data:image/png;base64," in html
    assert "No reviewer decisions yet" in html
    assert "2023-11-14 22:13 UTC" in html


def test_report_is_deterministic_with_fixed_date(inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _render(inputs, repo_root, monkeypatch) == _render(inputs, repo_root, monkeypatch)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_render(inputs, repo_root, monkeypatch), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'data-ready="1"' in dom  # the page's script ran to the end
    assert '<table id="table1">' in dom and 'id="provenance-table"' in dom
    assert 'id="network-frame"' in dom
    assert 'data-network-nodes="2"' in dom  # the network's SVG rendered inside the report
    assert "data-js-error=" not in dom


def test_captions_render_their_markup_and_escape_text() -> None:
    from reviewflow.report import caption_html

    html = str(caption_html("Tables (``results/tables/``) are **tidy**:\n\n- ``a``: first <b>\n  continued\n- second"))
    assert "<code>results/tables/</code>" in html and "<strong>tidy</strong>" in html
    assert "<li><code>a</code>: first &lt;b&gt; continued</li><li>second</li>" in html

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewflow.corpus.search_log import load_search_log
from reviewflow.fileio import csv_text, write_csv
from reviewflow.living.history import update_history
from reviewflow.living.prisma import draw_prisma
from reviewflow.report.html_report import ReportInputs, network_summary_rows, render
from reviewflow.report.provenance import collect
from reviewflow.review.agreement import AGREEMENT_COLUMNS, CONFLICT_COLUMNS
from reviewflow.review.sheets import REPORT_COLUMNS

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
        encoding="utf-8",
    )
    (results / "tables" / "table1.html").write_text(
        '<table id="table1"><tr><th>Need</th></tr><tr><td>Emergency shelter (Aron et al., 2006)</td></tr></table>',
        encoding="utf-8",
    )
    (results / "ingest_report.csv").write_text(
        "doc_id,file,format,status,n_pages,chars,pages_without_text,message\n"
        "aron2006,documents/a.txt,txt,ok,1,100,,\n"
        'evil2009,documents/e.pdf,pdf,error,0,0,,"documents/e.pdf: no text layer <b>run OCR</b>"\n',
        encoding="utf-8",
    )
    draw_prisma(
        load_search_log(repo_root / "corpus" / "search_log.yaml"),
        2,
        results / "figures" / "prisma.svg",
        results / "figures" / "prisma.png",
    )
    (results / "network" / "citations.html").write_text(NETWORK, encoding="utf-8")
    (results / "network" / "summary.json").write_text(
        '{"density": 0.5, "documents": 2, "edges_by_via": {"both": 1, "in_text": 2}, "isolated_documents": [],'
        ' "most_cited": [{"citation": "Aron et al., 2006", "cited_by": 1, "doc_id": "aron2006", "pagerank": "0.5"}],'
        ' "problems": ["1 reference <i>unmatched</i>"], "share_internal": 0.8462}',
        encoding="utf-8",
    )
    # the files as the pipeline writes them: agreement's own columns, history's own changes.json
    (results / "review" / "agreement.csv").write_text(csv_text([], AGREEMENT_COLUMNS), encoding="utf-8")
    write_csv(
        results / "decisions_report.csv",
        [
            {
                "source": "corpus/decisions/carl.csv",
                "status": "sheet_error",
                "message": "corpus/decisions/carl.csv: column 'decision' is missing <script>x()</script>",
            },
            {
                "source": "corpus/decisions/ana.csv",
                "row": 6,
                "reviewer": "ana",
                "segment_id": "0123456789abcdef",
                "decision": "accept",
                "status": "unmatched",
                "message": "segment 0123456789abcdef is not in the coded documents",
            },
            {
                "source": "corpus/decisions/ana.csv",
                "row": 2,
                "reviewer": "ana",
                "segment_id": "aaaa",
                "decision": "accept",
                "status": "applied",
                "message": "applied (decided by ana)",
            },
        ],
        REPORT_COLUMNS,
    )
    write_csv(
        results / "tables" / "t1_long.csv",
        [{"phase": "immediate", "need": "emergency_shelter", "role": "support", "doc_ids": "aron2006"}],
        ("phase", "need", "role", "doc_ids"),
    )
    write_csv(results / "network" / "edges.csv", [], ("source", "target", "via"))
    for _ in range(2):  # a first run, then a rerun that changes nothing
        update_history(
            table1=results / "tables" / "t1_long.csv",
            edges=results / "network" / "edges.csv",
            documents=[("aron2006", "Aron et al., 2006")],
            history_dir=results / "history",
            changes_md=results / "changes.md",
            changes_json=results / "changes.json",
        )
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
        decisions_report=results / "decisions_report.csv",
        changes=results / "changes.json",
    )


def _render(inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return render(inputs, collect({"corpus_dir": "corpus"}, inputs.form, repo_root), "Test review")


def test_report_is_self_contained_and_escaped(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = _render(inputs, repo_root, monkeypatch)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;run OCR&lt;/b&gt;" in html  # document-derived message escaped
    assert '<table id="table1">' in html  # pipeline HTML fragment inlined
    assert "Practices: not produced in this run." in html
    assert "data:image/svg+xml;base64," in html and "data:image/png;base64," in html
    assert "No reviewer decisions yet" in html
    assert "2023-11-14 22:13 UTC" in html


def test_network_summary_is_readable_text_and_tables(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = _render(inputs, repo_root, monkeypatch)
    summary = html[html.index('id="network-summary"') : html.index('id="network-frame"')]
    assert "{'" not in summary and "[]" not in summary  # no Python dict or list shown raw
    assert (
        "<th>Citation links by how they were found</th><td>reference list and in-text: 1; in-text only: 2</td>"
        in summary
    )
    assert "<th>document</th><th>doc_id</th><th>cited by</th><th>PageRank</th>" in summary
    assert "<td>Aron et al., 2006</td><td>aron2006</td><td>1</td><td>0.5</td>" in summary
    assert "<li>1 reference &lt;i&gt;unmatched&lt;/i&gt;</li>" in summary
    assert "<th>Documents without any link</th><td>none</td>" in summary and "84.6%" in summary
    # a key the report does not know yet is still shown, with a label made from its name
    (rows,) = [r for r in network_summary_rows({"new_measure": [1, 2]}) if r.title == "New measure"]
    assert rows.text == "1, 2"


def test_changes_are_html_and_say_when_nothing_changed(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = _render(inputs, repo_root, monkeypatch)
    changes = html[html.index('<section id="changes">') : html.index('<section id="provenance">')]
    assert "<strong>No change since the previous run.</strong>" in changes
    assert "<h3>Earlier: the latest change (snapshot <code>0001-" in changes
    assert "<h4>Documents</h4>" in changes and "<pre>" not in changes and "# Changes" not in changes


def test_decision_problems_are_shown_escaped(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = _render(inputs, repo_root, monkeypatch)
    problems = html[html.index('id="decision-problems"') :]
    problems = problems[: problems.index("</table>")]
    assert "applied 1, sheet_error 1, unmatched 1." in html
    assert "column &#x27;decision&#x27; is missing &lt;script&gt;x()&lt;/" in problems and "<script>x()" not in html
    assert "<td>unmatched</td>" in problems and "0123456789abcdef" in problems
    assert "applied (decided by ana)" not in problems  # only what needs acting on
    assert "corpus/<wbr>decisions/<wbr>carl.csv" in problems  # long paths may wrap


def test_conflicts_table_wraps_and_agreement_is_one_row_per_code(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = Path(inputs.agreement).parent
    write_csv(
        review / "agreement.csv",
        [
            {
                "rater_a": a,
                "rater_b": b,
                "code": code,
                "n_segments": 4,
                "n_agree": 3,
                "percent_agreement": "75.0",
                "kappa": kappa,
                "note": "",
            }
            for a, b in (("auto", "ana"), ("ana", "ben"))
            for code, kappa in (("is_recommendation", "0.500"), ("phase", ""))
        ],
        AGREEMENT_COLUMNS,
    )
    write_csv(
        review / "conflicts.csv",
        [
            {
                "segment_id": "s1",
                "doc_id": "aron2006",
                "sentence": "Programs should <b>x</b>.",
                "differs_in": "area:mental_health;is_recommendation",
                "status": "unresolved: decide it in corpus/decisions/adjudicated.xlsx",
            }
        ],
        CONFLICT_COLUMNS,
    )
    inputs.conflicts = review / "conflicts.csv"
    html = _render(inputs, repo_root, monkeypatch)
    assert '<table class="wrap" id="conflicts-table">' in html and "Programs should &lt;b&gt;x&lt;/b&gt;." in html
    assert "area:mental_<wbr>health;<wbr>is_<wbr>recommendation" in html
    table = html[html.index('id="agreement-table"') :]
    table = table[: table.index("</table>")]
    assert "<th>auto vs ana<br><small>4 segments</small></th><th>ana vs ben<br><small>4 segments</small></th>" in table
    assert "<tr><td>is_recommendation</td><td>75.0% · κ 0.500</td><td>75.0% · κ 0.500</td></tr>" in table
    assert "<tr><td>phase</td><td>75.0% · κ –</td><td>75.0% · κ –</td></tr>" in table


def test_conflicts_settled_by_adjudication_are_not_counted_as_to_resolve(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewflow.report.html_report import SETTLED as REPORT_SETTLED
    from reviewflow.review.agreement import SETTLED

    assert REPORT_SETTLED == SETTLED  # the report's copy of the status it splits on
    review = Path(inputs.agreement).parent
    settled = [
        {"segment_id": f"s{i}", "doc_id": "aron2006", "sentence": "Programs should x.", "status": f"{SETTLED} (reject)"}
        for i in range(3)
    ]
    write_csv(review / "conflicts.csv", settled, CONFLICT_COLUMNS)
    inputs.conflicts = review / "conflicts.csv"
    html = _render(inputs, repo_root, monkeypatch)
    assert "Conflicts to resolve" not in html and "adjudication settled every one" in html
    assert "<h3>Conflicts settled by adjudication (3)</h3>" in html and 'id="settled-conflicts-table"' in html
    open_one = {"segment_id": "s9", "doc_id": "aron2006", "sentence": "Open.", "status": "unresolved: decide it"}
    write_csv(review / "conflicts.csv", [*settled, open_one], CONFLICT_COLUMNS)
    html = _render(inputs, repo_root, monkeypatch)
    assert "<h3>Conflicts to resolve (1)</h3>" in html and "<h3>Conflicts settled by adjudication (3)</h3>" in html


def test_report_is_deterministic_with_fixed_date(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _render(inputs, repo_root, monkeypatch) == _render(inputs, repo_root, monkeypatch)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(
    inputs: ReportInputs, repo_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(_render(inputs, repo_root, monkeypatch), encoding="utf-8")
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=5000",
        "--window-size=1400,1000",
        "--dump-dom",
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'data-ready="1"' in dom  # the page's script ran to the end
    assert '<table id="table1">' in dom and 'id="provenance-table"' in dom
    assert 'id="network-frame"' in dom
    assert 'data-network-nodes="2"' in dom  # the network's SVG rendered inside the report
    assert "data-js-error=" not in dom
    assert "data-overflow-x=" not in dom  # nothing wider than the 1400 px window


def test_captions_render_their_markup_and_escape_text() -> None:
    from reviewflow.report.html_report import caption_html

    html = str(caption_html("Tables (``results/tables/``) are **tidy**:\n\n- ``a``: first <b>\n  continued\n- second"))
    assert "<code>results/tables/</code>" in html and "<strong>tidy</strong>" in html
    assert "<li><code>a</code>: first &lt;b&gt; continued</li><li>second</li>" in html


def test_the_synthesis_caption_is_filled_from_the_form(repo_root: Path, tmp_path: Path) -> None:
    from reviewflow.errors import ReviewflowError
    from reviewflow.form import load_form
    from reviewflow.paths import DEFAULT_FORM, REPORT_DIR
    from reviewflow.report.html_report import fill_caption
    from synthesis_fixtures import MACY_STRINGS, write_corpus

    template = (REPORT_DIR / "synthesis.rst").read_text(encoding="utf-8")
    assert "seven" not in template and "immediate" not in template  # no review's counts or phases in the template
    default = fill_caption(template, load_form(DEFAULT_FORM))
    assert "in each of the 3 phases (immediate, stabilization, reintegration)" in default
    assert "the 7 core service areas × phases" in default and "the 7 service-delivery practices" in default
    other = fill_caption(template, load_form(write_corpus(tmp_path, other_review=True)["form_path"]))
    assert "the concerns in each of the 3 stages (rescue, recovery, reintegration)" in other
    assert "the 5 services × stages" in other and "the 3 approaches" in other
    assert "$" not in other and not [s for s in MACY_STRINGS if s in other]
    network = (REPORT_DIR / "network.rst").read_text(encoding="utf-8")
    assert "the services and approaches of the sentences that cite" in fill_caption(
        network, load_form(write_corpus(tmp_path / "again", other_review=True)["form_path"])
    )
    with pytest.raises(ReviewflowError, match=r"caption: unknown or malformed placeholder .*Fix: use only"):
        fill_caption("the ${n_areas} areas", load_form(DEFAULT_FORM))


@pytest.mark.parametrize(
    "value, expected",
    [("1700000000", "2023-11-14 22:13 UTC"), ("", "UTC"), ("2023-11-14", "SOURCE_DATE_EPOCH='2023-11-14' ignored")],
)
def test_run_date_follows_source_date_epoch_and_survives_a_typo(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    from reviewflow.report.provenance import run_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert expected in run_date()

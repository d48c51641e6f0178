from __future__ import annotations

from pathlib import Path

import pytest

from reviewflow.cli import main
from reviewflow.corpus import citation_for, normalize_title
from reviewflow.manifest import load_manifest, read_rows, write_rows

BIB = r"""
@article{hodge,
  author = {Hodge, David R.},
  title = {Sexual Trafficking in the {United States}: A Domestic Problem with Transnational Dimensions},
  journal = {Social Work}, year = {2008}, doi = {10.1093/sw/53.2.143},
  file = {:docs/hodge.pdf:PDF}
}
@techreport{muraya,
  author = {Muraya, Dorothy N. and Fry, Deborah},
  title = {Aftercare services for child victims of sex trafficking},
  institution = {Trauma, Violence, \& Abuse}, year = {2016},
  file = {docs/muraya.txt}
}
@article{again,
  author = {Hodge, D. R.},
  title = {Sexual trafficking in the United States -- a domestic problem with transnational dimensions},
  journal = {Social Work}, year = {2008}
}
"""

RIS = """TY  - JOUR
AU  - Tzvetkova, Marina
TI  - NGO responses to trafficking in women
PY  - 2002
JO  - Gender & Development
DO  - https://doi.org/10.1080/13552070215895
ER  - 
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "corpus" / "documents").mkdir(parents=True)
    (tmp_path / "corpus" / "documents" / "aron2006.txt").write_text("Aron text", encoding="utf-8")
    write_rows(tmp_path / "corpus" / "manifest.csv", [dict(
        doc_id="aron2006", citation="Aron et al., 2006", authors="Aron, L. Y.; Zweig, J. M.; Newmark, L. C.",
        year="2006", year_suffix="", title="Comprehensive services for survivors of human trafficking",
        container="Urban Institute", doi="", doc_type="ngo_report", search_strategy="internet",
        file="documents/aron2006.txt", surrogate="false", verified="true", notes="")])
    docs = tmp_path / "import" / "docs"
    docs.mkdir(parents=True)
    (docs / "hodge.pdf").write_bytes(b"%PDF-1.4 stand-in bytes for a copied file")
    (docs / "muraya.txt").write_text("Muraya text", encoding="utf-8")
    (tmp_path / "import" / "refs.bib").write_text(BIB, encoding="utf-8")
    return tmp_path


def test_bibtex_import_adds_entries_and_refuses_duplicates(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    status = main(["corpus", "add", "--bib", str(corpus / "import" / "refs.bib"), "--manifest", str(manifest)])
    out = capsys.readouterr()
    assert status == 1  # one entry refused
    assert "duplicate of 'hodge2008' (same title and year)" in out.err
    documents = {d.doc_id: d for d in load_manifest(manifest)}
    assert set(documents) == {"aron2006", "hodge2008", "muraya2016"}
    assert documents["hodge2008"].citation == "Hodge, 2008"
    assert documents["hodge2008"].authors == "Hodge, D. R."
    assert documents["hodge2008"].doi == "10.1093/sw/53.2.143"
    assert documents["hodge2008"].doc_type == "journal_article"
    assert documents["muraya2016"].citation == "Muraya & Fry, 2016"
    assert documents["muraya2016"].container == "Trauma, Violence, & Abuse"
    assert (corpus / "corpus" / "documents" / "hodge2008.pdf").read_bytes().startswith(b"%PDF")
    assert documents["aron2006"].title == "Comprehensive services for survivors of human trafficking"


def test_ris_import_with_file_and_doi_duplicate(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    ris = corpus / "import" / "t.ris"
    ris.write_text(RIS, encoding="utf-8")
    doc = corpus / "import" / "docs" / "muraya.txt"
    assert main(["corpus", "add", "--ris", str(ris), "--file", str(doc), "--manifest", str(manifest),
                 "--search-strategy", "expert"]) == 0
    row = [r for r in read_rows(manifest) if r["doc_id"] == "tzvetkova2002"][0]
    assert row["doi"] == "10.1080/13552070215895" and row["search_strategy"] == "expert"
    assert row["file"] == "documents/tzvetkova2002.txt"
    # The same DOI again is refused and the manifest is unchanged.
    before = manifest.read_bytes()
    assert main(["corpus", "add", "--ris", str(ris), "--file", str(doc), "--manifest", str(manifest)]) == 1
    assert "same DOI" in capsys.readouterr().err
    assert manifest.read_bytes() == before


def test_entry_without_document_is_refused(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    ris = corpus / "import" / "t.ris"
    ris.write_text(RIS, encoding="utf-8")
    assert main(["corpus", "add", "--ris", str(ris), "--manifest", str(manifest)]) == 1
    assert "no document file" in capsys.readouterr().err
    assert [r["doc_id"] for r in read_rows(manifest)] == ["aron2006"]


def test_broken_bibtex_names_file_and_line(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = corpus / "import" / "bad.bib"
    bad.write_text("@article{x, title = {Unclosed, year = 2001}\n", encoding="utf-8")
    status = main(["corpus", "add", "--bib", str(bad), "--manifest", str(corpus / "corpus" / "manifest.csv")])
    assert status == 2
    assert "bad.bib" in capsys.readouterr().err


def test_citation_forms_and_title_normalization() -> None:
    assert citation_for(["Aron", "Zweig", "Newmark"], "2006") == "Aron et al., 2006"
    assert citation_for(["Clawson", "Dutch"], "2008", "a") == "Clawson & Dutch, 2008a"
    assert normalize_title("Sexual Trafficking -- in the {U.S.}!") == normalize_title("sexual trafficking in the u s")

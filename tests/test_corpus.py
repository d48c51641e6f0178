from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from bibtexparser import middlewares

from reviewflow.cli import main
from reviewflow.corpus import importing as corpus_module
from reviewflow.corpus.importing import citation_for, normalize_title
from reviewflow.corpus.manifest import load_manifest, read_rows, write_rows
from reviewflow.ingest import readers

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
"""  # noqa: W291 - RIS ends a record with "ER  - "


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "corpus" / "documents").mkdir(parents=True)
    (tmp_path / "corpus" / "documents" / "aron2006.txt").write_text("Aron text", encoding="utf-8")
    write_rows(
        tmp_path / "corpus" / "manifest.csv",
        [
            dict(
                doc_id="aron2006",
                citation="Aron et al., 2006",
                authors="Aron, L. Y.; Zweig, J. M.; Newmark, L. C.",
                year="2006",
                year_suffix="",
                title="Comprehensive services for survivors of human trafficking",
                container="Urban Institute",
                doi="",
                doc_type="ngo_report",
                search_strategy="internet",
                file="documents/aron2006.txt",
                surrogate="false",
                verified="true",
                notes="",
            )
        ],
    )
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
    # A techreport may be a government's or an NGO's: 'other', and the researcher is asked to choose.
    assert documents["muraya2016"].doc_type == "other"
    assert (
        "check: " in out.out
        and "doc_id 'muraya2016'" in out.out
        and "'techreport' is a report, which may be a government_report, ngo_report or issue_brief" in out.out
    )
    assert (corpus / "corpus" / "documents" / "hodge2008.pdf").read_bytes().startswith(b"%PDF")
    assert documents["aron2006"].title == "Comprehensive services for survivors of human trafficking"


def test_ris_import_with_file_and_doi_duplicate(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    ris = corpus / "import" / "t.ris"
    ris.write_text(RIS, encoding="utf-8")
    doc = corpus / "import" / "docs" / "muraya.txt"
    assert (
        main(
            [
                "corpus",
                "add",
                "--ris",
                str(ris),
                "--file",
                str(doc),
                "--manifest",
                str(manifest),
                "--search-strategy",
                "expert",
            ]
        )
        == 0
    )
    row = next(r for r in read_rows(manifest) if r["doc_id"] == "tzvetkova2002")
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


CORPORATE_BIB = r"""
@techreport{tip2008,
  author = {{U.S. Department of State}},
  title = {Trafficking in Persons Report},
  institution = {U.S. Department of State}, year = {2008},
  file = {docs/muraya.txt}
}
@report{who2009,
  author = {{World Health Organization} and M{\"u}ller, J{\"o}rg},
  title = {Caring for trafficked persons}, institution = {WHO}, year = {2009},
  file = {docs/hodge.pdf}
}
"""


def test_bibtex_corporate_authors_are_kept_whole(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    bib = corpus / "import" / "corporate.bib"
    bib.write_text(CORPORATE_BIB, encoding="utf-8")
    assert main(["corpus", "add", "--bib", str(bib), "--manifest", str(manifest)]) == 0
    out = capsys.readouterr().out
    documents = {d.doc_id: d for d in load_manifest(manifest)}
    state = documents["usdepartmentofstate2008"]
    assert state.citation == "U.S. Department of State, 2008"
    assert state.authors == "U.S. Department of State"
    who = documents["worldhealthorganization2009"]
    assert who.citation == "World Health Organization & Müller, 2009"
    assert who.authors == "World Health Organization; Müller, J."
    assert state.doc_type == who.doc_type == "other"
    assert "'techreport' is a report" in out and "'report' is a report" in out


def test_ris_corporate_author_and_name_suffix(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    ris = corpus / "import" / "corporate.ris"
    # RIS personal names are 'Last, First[, Suffix]'; a name without a comma is an organization.
    ris.write_text(
        "TY  - RPRT\nAU  - U.S. Department of State\nAU  - Smith, John, Jr.\n"
        "TI  - Trafficking in Persons Report\nPY  - 2010\nER  - \n",
        encoding="utf-8",
    )
    assert (
        main(
            [
                "corpus",
                "add",
                "--ris",
                str(ris),
                "--file",
                str(corpus / "import" / "docs" / "muraya.txt"),
                "--manifest",
                str(manifest),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    row = next(r for r in read_rows(manifest) if r["doc_id"] == "usdepartmentofstate2010")
    assert row["citation"] == "U.S. Department of State & Smith, 2010"
    assert row["authors"] == "U.S. Department of State; Smith, J."
    assert row["doc_type"] == "other" and "RIS type 'RPRT' is a report" in out


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "TY  - JOUR\nAU  - Tzvetkova, Marina\nTI  - NGO responses\nPY  - 2002\n",
            "the record starting at line 1 has no 'ER  - ' line before the end of the file",
        ),
        (
            "TY  - JOUR\nAU  - Tzvetkova, Marina\nTI  - NGO responses\nTY  - JOUR\nTI  - Other\nPY  - 2003\nER  - \n",
            "the record starting at line 1 has no 'ER  - ' line before the next record starts at line 4",
        ),
        (
            "TY  - JOUR\nAU  - Tzvetkova, Marina\nthis line is garbage\nTI  - NGO responses\nPY  - 2002\nER  - \n",
            "line 3 (record starting at line 1): 'this line is garbage' is not a RIS line",
        ),
        (
            "@article{x, title = {Not RIS}, year = 2001}\n",
            "this looks like a BibTeX export, not RIS; nothing was added",
        ),
        ("", "no RIS record (no line 'TY  - ...')"),
    ],
)
def test_malformed_ris_names_file_line_and_fix(
    corpus: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    before = manifest.read_bytes()
    ris = corpus / "import" / "broken.ris"
    ris.write_text(text, encoding="utf-8")
    status = main(
        [
            "corpus",
            "add",
            "--ris",
            str(ris),
            "--file",
            str(corpus / "import" / "docs" / "muraya.txt"),
            "--manifest",
            str(manifest),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert f"{ris}: {expected}" in err and "Fix:" in err and "no entries found" not in err
    assert manifest.read_bytes() == before


def test_add_refuses_to_rewrite_a_manifest_that_would_lose_cells(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").rstrip("\n") + ",unquoted, comma\n", encoding="utf-8")
    before = manifest.read_bytes()
    ris = corpus / "import" / "t.ris"
    ris.write_text(RIS, encoding="utf-8")
    assert (
        main(
            [
                "corpus",
                "add",
                "--ris",
                str(ris),
                "--file",
                str(corpus / "import" / "docs" / "muraya.txt"),
                "--manifest",
                str(manifest),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "nothing was added" in err and "row 2 (doc_id 'aron2006'): 2 cell(s) beyond the 14 columns" in err
    assert manifest.read_bytes() == before
    assert not (corpus / "corpus" / "documents" / "tzvetkova2002.txt").exists()


def test_capitalised_bibtex_field_names_import_like_lower_case_ones(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Web of Science exports write `Author = {...}`, `Title = {...}`.
    wos = BIB.replace("author =", "Author =").replace("title =", "Title =").replace("year =", "Year =")
    (corpus / "import" / "wos.bib").write_text(wos, encoding="utf-8")
    assert (
        main(
            [
                "corpus",
                "add",
                "--bib",
                str(corpus / "import" / "wos.bib"),
                "--manifest",
                str(corpus / "corpus" / "manifest.csv"),
            ]
        )
        == 1
    )  # 'again' is a duplicate
    rows = {row["doc_id"]: row for row in read_rows(corpus / "corpus" / "manifest.csv")}
    assert rows["hodge2008"]["authors"] == "Hodge, D. R." and rows["hodge2008"]["year"] == "2008"
    assert rows["muraya2016"]["citation"] == "Muraya & Fry, 2016"


@pytest.mark.parametrize("flag, name", [("--bib", "refs_cp1252.bib"), ("--ris", "refs_cp1252.ris")])
def test_a_non_utf8_export_is_refused_with_the_file_and_the_fix(
    corpus: Path, capsys: pytest.CaptureFixture[str], flag: str, name: str
) -> None:
    text = BIB.replace("Hodge, David R.", "Hodgé, Dàvid R.") if flag == "--bib" else RIS.replace("Marina", "Marína")
    (corpus / "import" / name).write_bytes(text.encode("cp1252"))
    manifest = corpus / "corpus" / "manifest.csv"
    before = manifest.read_bytes()
    assert main(["corpus", "add", flag, str(corpus / "import" / name), "--manifest", str(manifest)]) == 2
    message = capsys.readouterr().err
    assert name in message and "not UTF-8" in message and "line" in message and "Fix: save it as UTF-8" in message
    assert manifest.read_bytes() == before


def test_corpus_add_keeps_every_byte_the_researcher_wrote(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As a spreadsheet saves it: BOM, CRLF, every cell quoted, columns reordered, an extra column, spaces.
    manifest = corpus / "corpus" / "manifest.csv"
    header = [
        "citation",
        "doc_id",
        "authors",
        "year",
        "year_suffix",
        "title",
        "container",
        "doi",
        "doc_type",
        "search_strategy",
        "file",
        "surrogate",
        "verified",
        "notes",
        "screener",
    ]
    values = [
        "Aron et al., 2006",
        "aron2006",
        "Aron, L. Y.; Zweig, J. M.; Newmark, L. C.",
        "2006",
        "",
        "Comprehensive services for survivors of human trafficking",
        "Urban Institute",
        "",
        "ngo_report",
        "internet",
        "documents/aron2006.txt",
        "false",
        "true",
        "kept  as written ",
        "Ann",
    ]
    original = (
        "\ufeff" + ",".join(f'"{h}"' for h in header) + "\r\n" + ",".join(f'"{v}"' for v in values) + "\r\n"
    ).encode("utf-8")
    manifest.write_bytes(original)
    assert (
        main(
            [
                "corpus",
                "add",
                "--ris",
                str(_write_ris(corpus)),
                "--file",
                str(corpus / "import" / "docs" / "muraya.txt"),
                "--manifest",
                str(manifest),
            ]
        )
        == 0
    )
    data = manifest.read_bytes()
    assert data.startswith(original)  # not one byte of it changed
    added = data[len(original) :].decode("utf-8")
    assert added.endswith("\r\n") and added.count("\r\n") == 1
    row = dict(zip(header, next(csv.reader(io.StringIO(added)))))
    assert row["doc_id"] == "tzvetkova2002" and row["file"] == "documents/tzvetkova2002.txt" and row["screener"] == ""
    assert [d.doc_id for d in load_manifest(manifest)] == ["aron2006", "tzvetkova2002"]


def _write_ris(corpus: Path) -> Path:
    path = corpus / "import" / "one.ris"
    path.write_text(RIS, encoding="utf-8")
    return path


def test_a_document_no_reader_accepts_is_refused_with_the_accepted_extensions(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    ris = corpus / "import" / "t.ris"
    ris.write_text(RIS, encoding="utf-8")
    doc = corpus / "import" / "docs" / "tzvetkova.docx"
    doc.write_bytes(b"PK\x03\x04 stand-in")
    assert main(["corpus", "add", "--ris", str(ris), "--file", str(doc), "--manifest", str(manifest)]) == 1
    err = capsys.readouterr().err
    assert f"document {doc} has the extension '.docx', which no reader accepts" in err
    assert readers.extensions_text() in err and "not added" in err
    assert [r["doc_id"] for r in read_rows(manifest)] == ["aron2006"]
    # An extension the registry accepts beyond .pdf/.html/.txt is copied in with its own suffix.
    markdown = corpus / "import" / "docs" / "tzvetkova.md"
    markdown.write_text("# NGO responses\n\nText.\n", encoding="utf-8")
    assert main(["corpus", "add", "--ris", str(ris), "--file", str(markdown), "--manifest", str(manifest)]) == 0
    assert read_rows(manifest)[-1]["file"] == "documents/tzvetkova2002.md"


@pytest.mark.parametrize(
    "ris",
    [
        # a file link longer than the file system allows (OSError: File name too long escaped corpus add)
        "TY  - RPRT\nAU  - Smith, J.\nTI  - Long link\nPY  - 2001\nL1  - docs/" + "a" * 300 + ".txt\nER  - \n",
        # a first author so long that the doc_id made from it cannot name a file
        "TY  - RPRT\nAU  - " + "b" * 300 + ", J.\nTI  - Long name\nPY  - 2001\nL1  - docs/muraya.txt\nER  - \n",
    ],
)
def test_a_path_the_file_system_refuses_is_a_refused_entry(
    corpus: Path, ris: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = corpus / "import" / "long.ris"
    path.write_text(ris, encoding="utf-8")
    manifest = corpus / "corpus" / "manifest.csv"
    before = manifest.read_bytes()
    assert main(["corpus", "add", "--ris", str(path), "--manifest", str(manifest)]) == 1
    err = capsys.readouterr().err
    assert (
        "long.ris record 1: " in err and "Fix: " in err and ("not a usable path" in err or "file system refuses" in err)
    )
    assert manifest.read_bytes() == before


# ---- LaTeX decoding: only the fields an entry uses, only text with markup (issue 14) ----------
def _reference_latex(text: str) -> str:
    """bibtexparser's own decoder, as reviewflow used it on every field before."""
    return middlewares.LatexDecodingMiddleware()._transform_python_value_string(text)[0]


def test_text_without_latex_markup_is_what_the_decoder_would_return() -> None:
    # The fast path skips pylatexenc for text without markup; that is sound only if pylatexenc
    # returns such text unchanged. Random strings over an alphabet with the markup characters, rare.
    rng = random.Random(14)
    alphabet = list("aZ09 .,;:!?'\"()[]-_^#@/*+=<>|\n\t\r\xa0éß中😀") + list("\\{}%$~&`")
    weights = [30] * (len(alphabet) - 8) + [1] * 8
    checked = 0
    for _ in range(400):
        text = "".join(rng.choices(alphabet, weights, k=rng.randint(0, 40)))
        if not corpus_module._needs_latex(text):
            assert _reference_latex(text) == text, repr(text)
            checked += 1
    assert checked > 100  # the alphabet's markup is rare enough that most strings test the claim


@pytest.mark.parametrize(
    "text", [BIB, CORPORATE_BIB, BIB.replace("author =", "Author =").replace("title =", "Title =")]
)
def test_bibtex_fixtures_import_as_when_every_field_was_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    corpus_module._decode_latex.cache_clear()
    fast = corpus_module.parse_bibtex(path)
    monkeypatch.setattr(corpus_module, "_needs_latex", lambda text: True)  # pylatexenc for every value
    corpus_module._decode_latex.cache_clear()
    assert corpus_module.parse_bibtex(path) == fast
    corpus_module._decode_latex.cache_clear()


def _count_decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lengths of the strings handed to pylatexenc from now on."""
    sizes: list[int] = []
    decoder = corpus_module._LATEX._decoder
    original = decoder.latex_to_text

    def counting(text: str, **flags: object) -> str:
        sizes.append(len(text))
        return original(text, **flags)

    monkeypatch.setattr(decoder, "latex_to_text", counting)
    corpus_module._decode_latex.cache_clear()
    return sizes


def test_abstracts_of_a_200_kb_export_are_not_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    abstract = "Survivors need safe shelter -- 40\\% of {\\em them} say so. " * 30
    entries = [
        f'@article{{k{n}, author = {{M{{\\"u}}ller, J{{\\"o}}rg and Hodge, D.}}, title = {{Care -- {n}}}, '
        f"journal = {{Social Work}}, year = {{2008}}, abstract = {{{abstract}}}}}\n"
        for n in range(110)
    ]
    path = tmp_path / "export.bib"
    path.write_text("".join(entries), encoding="utf-8")
    assert path.stat().st_size > 200_000
    decoded = _count_decoded(monkeypatch)
    parsed = corpus_module.parse_bibtex(path)
    assert len(parsed) == 110 and parsed[5].title == "Care – 5" and parsed[5].authors == "Müller, J.; Hodge, D."
    # the titles (110 short strings) and two name parts, decoded once each: not the abstracts
    assert len(decoded) == 110 + 2 and sum(decoded) < 2_000


def test_an_overlong_field_with_markup_refuses_its_entry_only(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    big = "@article{big, author = {Smith, Ann}, year = {2001}, title = {" + "word {\\'e} -- " * 15_000 + "}}\n"
    bib = corpus / "import" / "refs.bib"
    bib.write_text(BIB + big, encoding="utf-8")
    decoded = _count_decoded(monkeypatch)
    manifest = corpus / "corpus" / "manifest.csv"
    assert main(["corpus", "add", "--bib", str(bib), "--manifest", str(manifest)]) == 1
    assert max(decoded) < 1_000  # the long title never reaches pylatexenc
    err = capsys.readouterr().err
    assert "refs.bib entry 'big': its title field is 210,000 characters long with LaTeX markup" in err
    assert "Fix: check the braces of that field" in err and "not added" in err
    assert {row["doc_id"] for row in read_rows(manifest)} == {"aron2006", "hodge2008", "muraya2016"}


def test_an_export_with_more_latex_to_decode_than_the_file_limit_is_refused_before_decoding(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every name and field was under the per-part limit, but pylatexenc's ~30,000 characters a second
    # made a few megabytes of accented names minutes of decoding: the file's total is bounded now.
    rng = random.Random(14)
    accents = ['{\\"u}', "{\\'e}", "\\c{c}", "{\\o}", "\\~{n}"]
    names = [
        f"M{rng.choice(accents)}ller{n}, J{rng.choice(accents)}rg and {{U.S. Office {n}}} and von Br{rng.choice(accents)}n, Ana"
        for n in range(30)
    ]
    bib = corpus / "import" / "many.bib"
    bib.write_text(
        "".join(
            f"@article{{k{n}, author = {{{name}}}, title = {{Care in the {{United States}} -- {n}}}, "
            f"journal = {{Social Work}}, year = {{2008}}, abstract = {{{{\\em not decoded}}}}, file = {{docs/a.txt}}}}\n"
            for n, name in enumerate(names * 2)  # each name twice: decoded once, counted once
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(corpus_module, "LATEX_FILE_LIMIT", 10**9)
    decoded = _count_decoded(monkeypatch)
    assert len(corpus_module.parse_bibtex(bib)) == 60
    workload = sum(decoded)
    assert workload > 2_000  # 60 titles and each distinct name part with markup

    monkeypatch.setattr(corpus_module, "LATEX_FILE_LIMIT", workload - 1)
    refused = _count_decoded(monkeypatch)
    manifest = corpus / "corpus" / "manifest.csv"
    before = manifest.read_bytes()
    assert main(["corpus", "add", "--bib", str(bib), "--manifest", str(manifest)]) != 0
    err = capsys.readouterr().err
    assert refused == []  # refused before a single text reached pylatexenc
    assert f"{bib}: {workload:,} characters of names, titles and other used fields with LaTeX markup" in err
    assert "(in 60 entries), over the" in err
    assert "nothing was added. Fix: export only the references that have document files, or split" in err
    assert manifest.read_bytes() == before

    monkeypatch.setattr(corpus_module, "LATEX_FILE_LIMIT", workload)  # the limit itself is allowed
    assert len(corpus_module.parse_bibtex(bib)) == 60


def test_a_field_pylatexenc_cannot_decode_refuses_its_entry_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "deep.bib"
    path.write_text(
        "@article{deep, author = {Hodge, D.}, year = {2001}, title = {" + "{" * 600 + "x" + "}" * 600 + "}}\n",
        encoding="utf-8",
    )
    (entry,) = corpus_module.parse_bibtex(path)
    assert entry.problem.startswith("the LaTeX of its title field could not be decoded (pylatexenc: maximum recursion")
    assert "Fix: correct that field's LaTeX" in entry.problem


@pytest.mark.parametrize(
    ("option", "name", "text", "hint"), [("--ris", "refs.bib", BIB, "--bib"), ("--bib", "refs.ris", RIS, "--ris")]
)
def test_an_export_given_with_the_other_formats_option_names_the_right_one(
    corpus: Path, capsys: pytest.CaptureFixture[str], option: str, name: str, text: str, hint: str
) -> None:
    manifest = corpus / "corpus" / "manifest.csv"
    before = manifest.read_bytes()
    export = corpus / "import" / name
    export.write_text(text, encoding="utf-8")
    status = main(["corpus", "add", option, str(export), "--manifest", str(manifest)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "outside a record" not in err  # one message, not one per line
    assert "this looks like a" in err and f"Fix: give it with {hint} {export}." in err
    assert manifest.read_bytes() == before

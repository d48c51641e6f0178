"""Reference lists: splitting, parsing, matching to the manifest, and the real PDFs in ../shared."""

from __future__ import annotations

import argparse
import csv

import pytest
from rapidfuzz import fuzz

from reviewflow.cli.references import cli_references
from reviewflow.corpus.manifest import COLUMNS, write_rows
from reviewflow.references.matching import (
    CORPORATE_THRESHOLD,
    MatchIndex,
    corporate_candidates,
    fold,
    fold_words,
    match_reference,
    match_rows,
)
from reviewflow.references.parsing import parse_entry, parse_names, parse_references


def doc_from_text(body: str, references: str) -> dict:
    """A record shaped like results/text/{doc}.json with a body and a references section."""
    heading = "References"
    text = body + "\n\n" + heading + "\n\n" + references
    ref_start = len(body) + 2
    return {
        "doc_id": "test",
        "text": text,
        "pages": [{"number": 1, "start": 0, "end": ref_start}, {"number": 2, "start": ref_start, "end": len(text)}],
        "sections": [
            {"name": "body", "start": 0, "end": ref_start},
            {"name": "references", "start": ref_start, "end": len(text)},
        ],
        "quality": {"status": "ok", "messages": []},
    }


def keys(references) -> list[tuple[str, str]]:
    return [(fold(r.authors[0]) if r.authors else "", r.year + r.suffix) for r in references]


# ----------------------------------------------------------------------------- splitting and parsing
APA_HANGING = """\
Aron, L. Y., Zweig, J. M., & Newmark, L. C. (2006). Comprehensive services for survivors of human
trafficking: Findings from clients in three communities. Washington, DC: Urban Institute.
Clawson, H. J., & Dutch, N. (2008a). Addressing the needs of victims of human trafficking: Challenges,
barriers, and promising practices. Washington, DC: U.S. Department of Health and Human Services.
Clawson, H. J., & Dutch, N. (2008b). Case management and the victim of human trafficking: A critical
service for client success. Washington, DC: U.S. Department of Health and Human Services.
Florida Coalition Against Domestic Violence. (2004). Florida responds to human trafficking.
Tallahassee, FL: Author.
International Organization for Migration. (n.d.). Caring for trafficked persons: Guidance for health
providers. Geneva: IOM.
Tzvetkova, M. (2002). NGO responses to trafficking in women. Gender & Development, 10(1), 60-68.
"""


def test_apa_hanging_entries_over_several_lines():
    refs = parse_references(doc_from_text("Body text (Aron et al., 2006).", APA_HANGING))
    assert keys(refs) == [
        ("aron", "2006"),
        ("clawson", "2008a"),
        ("clawson", "2008b"),
        ("floridacoalitionagainstdomesticviolence", "2004"),
        ("internationalorganizationformigration", "n.d."),
        ("tzvetkova", "2002"),
    ]
    aron = refs[0]
    assert aron.authors == ("Aron", "Zweig", "Newmark")
    assert aron.title.startswith("Comprehensive services for survivors of human trafficking")
    assert aron.container.startswith("Washington, DC")
    assert aron.page == 2 and aron.position == 1
    assert refs[3].corporate and refs[3].authors == ("Florida Coalition Against Domestic Violence",)
    assert refs[5].container.startswith("Gender & Development")


def test_one_entry_per_line_and_blank_lines_between():
    text = (
        "Hodge, D. R. (2008). Sexual trafficking in the United States. Social Work, 53(2), 143-152.\n\n"
        "Raymond, J. G., & Hughes, D. M. (2001). Sex trafficking of women in the United States. CATW.\n\n"
        "Van der Berg, A. (2010). A title. Journal, 1, 2-3.\n"
        "Zimmerman, C., Yun, K., Watts, C., \u2026 Regan, L. (2003). The health risks. London: LSHTM.\n"
    )
    refs = parse_references(doc_from_text("Body.", text))
    assert keys(refs) == [("hodge", "2008"), ("raymond", "2001"), ("vanderberg", "2010"), ("zimmerman", "2003")]
    assert refs[3].authors == ("Zimmerman", "Yun", "Watts", "Regan")


def test_entries_ending_with_a_doi_url():
    text = (
        "Hodge, D. R. (2008). Sexual trafficking in the United States: A domestic problem with transnational\n"
        "dimensions. Social Work, 53(2), 143-152. https://doi.org/10.1093/sw/53.2.143\n"
        "Macy, R. J., & Johns, N. (2011). Aftercare services for international sex trafficking survivors.\n"
        "Trauma, Violence, & Abuse, 12(2), 87-98. https://doi.org/10.1177/1524838010390709\n"
    )
    refs = parse_references(doc_from_text("Body.", text))
    assert keys(refs) == [("hodge", "2008"), ("macy", "2011")]
    assert refs[0].raw.endswith("https://doi.org/10.1093/sw/53.2.143")


def test_numbered_bracket_list_ignores_numbers_inside_entries():
    text = (
        "[1] Smith J, Jones K: A study of 2004 cases. J Trauma 2005, 12:1-9.\n"
        "[2] Brown A. Another study with\n"
        "12 patients. Lancet. 2003;361:1-5.\n"
        "[3] World Health Organization: Guidelines. Geneva: WHO; 2009.\n"
    )
    refs = parse_references(doc_from_text("Body [1-3].", text))
    assert keys(refs) == [("smith", "2005"), ("brown", "2003"), ("worldhealthorganization", "2009")]
    assert refs[0].title == "A study of 2004 cases"


def test_acl_style_names_first_and_year_after_names():
    text = (
        "Marco Baroni, Georgiana Dinu, and Germán\n"
        "Kruszewski. 2014. Don't count, predict! A\n"
        "systematic comparison. In Proceedings of ACL.\n"
        "C. D. Manning and H. Schütze. 1999. Foundations of\n"
        "Statistical Natural Language Processing.\n"
        "Tomas Mikolov, Kai Chen, Greg Corrado, and Jeffrey\n"
        "Dean. 2013a. Efficient estimation of word representations.\n"
    )
    refs = parse_references(doc_from_text("Body.", text))
    assert keys(refs) == [("baroni", "2014"), ("manning", "1999"), ("mikolov", "2013a")]
    assert refs[0].authors == ("Baroni", "Dinu", "Kruszewski")


def test_ieee_quoted_titles():
    text = (
        '[1] A. B. Smith and C. Jones, "Deep learning for things," in Proc. ACL, 2005, pp. 1-10.\n'
        "[2] D. Lee, \u201cA survey of stuff,\u201d IEEE Trans. Pattern Anal., vol. 12, no. 3, pp. 1-9, Mar. 2019.\n"
        "[3] E. Kim, \u201cThird,\u201d in Proc. X, 2001.\n"
    )
    refs = parse_references(doc_from_text("Body [1].", text))
    assert keys(refs) == [("smith", "2005"), ("lee", "2019"), ("kim", "2001")]
    assert [r.title for r in refs] == ["Deep learning for things", "A survey of stuff", "Third"]
    assert [r.container for r in refs] == ["Proc. ACL", "IEEE Trans. Pattern Anal", "Proc. X"]


def test_trailer_and_running_header_are_not_entries():
    text = (
        "1. Kudsk KA, Fabian TC: Silent deep vein thrombosis. Am J Surg 1989, 158:515-9.\n"
        "Page 10 of 11\n"
        "2. Geerts WH, Code KI: A prospective study. N Engl J Med 1994, 331:1601-6.\n"
        "3. O'Malley KF, Ross SE: Pulmonary embolism. J Trauma 1990, 30:748-50.\n"
        "Cite this article as: Someone et al.: A review. Journal 2010, 4:1.\n"
    )
    refs = parse_references(doc_from_text("Body.", text))
    assert keys(refs) == [("kudsk", "1989"), ("geerts", "1994"), ("omalley", "1990")]
    assert "Page 10" not in refs[0].raw and "Cite this" not in refs[2].raw


def test_html_paragraphs_are_entries_even_without_author():
    record = doc_from_text(
        "Body.",
        "Tzvetkova, M. (2002). NGO responses to trafficking in women. Gender & "
        "Development, 10(1), 60-68.\n\nVictims of Trafficking and Violence Protection Act of 2000, "
        "Pub. L. No. 106-386, 114 Stat. 1464 (2000).\n",
    )
    record["format"] = "html"
    refs = parse_references(record)
    assert keys(refs) == [("tzvetkova", "2002"), ("", "2000")]
    assert refs[1].title.startswith("Victims of Trafficking and Violence Protection Act")


def test_pdf_blocks_start_entries_only_after_a_sentence_end():
    text = (
        "Raymond, J. G., & Hughes, D. M. (2001). Sex trafficking of women in the United States: International\n\n"
        "and domestic trends. Coalition Against Trafficking in Women.\n\n"
        "Victims of Trafficking and Violence Protection Act of 2000, Pub. L. No. 106-386 (2000).\n\n"
        "Tzvetkova, M. (2002). NGO responses to trafficking in women. Gender & Development, 10(1), 60-68.\n\n"
        "In Proceedings of Nothing, a continuation block after a column break.\n"
    )
    record = doc_from_text("Body.", text)
    record["format"] = "pdf"
    refs = parse_references(record)
    assert keys(refs) == [("raymond", "2001"), ("", "2000"), ("tzvetkova", "2002")]
    assert refs[0].raw.endswith("Coalition Against Trafficking in Women.")
    assert refs[2].raw.endswith("after a column break.")


def test_no_references_section_gives_no_entries():
    record = doc_from_text("Body.", "")
    record["sections"] = [{"name": "body", "start": 0, "end": len(record["text"])}]
    assert parse_references(record) == []


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("Aron, L. Y., Zweig, J. M., & Newmark, L. C.", ("Aron", "Zweig", "Newmark")),
        ("D. Downey, O. Etzioni, and S. Soderland", ("Downey", "Etzioni", "Soderland")),
        ("Kudsk KA, Fabian TC, Meyer PR Jr", ("Kudsk", "Fabian", "Meyer")),
        ("Alexander Huth, Shinji Nishimoto, An Vu, and Jack Gallant", ("Huth", "Nishimoto", "Vu", "Gallant")),
        ("Ludwig van Beethoven and Ada Lovelace", ("van Beethoven", "Lovelace")),
        ("Ginzburg E, Cohn SM, Miami Deep Vein Thrombosis Study Group", ("Ginzburg", "Cohn", "Group")),
    ],
)
def test_parse_names(names, expected):
    assert parse_names(names)[0][: len(expected)] == expected


def test_parse_entry_corporate_acronym_and_vancouver_year():
    entry = parse_entry("IOM (2009). Caring for trafficked persons. Geneva: IOM.")
    assert entry.authors == ("IOM",) and entry.corporate and entry.year == "2009"
    entry = parse_entry("12. Weitz JI: Low-molecular-weight heparins. N Engl J Med 1997, 337:688-98.")
    assert (entry.authors, entry.year, entry.title, entry.container) == (
        ("Weitz",),
        "1997",
        "Low-molecular-weight heparins",
        "N Engl J Med",
    )


# ----------------------------------------------------------------------------- matching
MANIFEST = [
    {
        "doc_id": "aron2006",
        "citation": "Aron et al., 2006",
        "authors": "Aron, L. Y.; Zweig, J. M.; Newmark, L. C.",
        "year": "2006",
        "year_suffix": "",
        "title": "Comprehensive services for survivors of human trafficking: "
        "Findings from clients in three communities",
    },
    {
        "doc_id": "clawson_dutch2008a",
        "citation": "Clawson & Dutch, 2008a",
        "authors": "Clawson, H. J.; Dutch, N.",
        "year": "2008",
        "year_suffix": "a",
        "title": "Addressing the needs of victims of human trafficking: Challenges, barriers, and promising practices",
    },
    {
        "doc_id": "clawson_dutch2008b",
        "citation": "Clawson & Dutch, 2008b",
        "authors": "Clawson, H. J.; Dutch, N.",
        "year": "2008",
        "year_suffix": "b",
        "title": "Case management and the victim of human trafficking: A critical service for client success",
    },
    {
        "doc_id": "clawson2008",
        "citation": "Clawson et al., 2008",
        "authors": "Clawson, H. J.; Salomon, A.; Grace, L. G.",
        "year": "2008",
        "year_suffix": "",
        "title": "Treating the hidden wounds: Trauma treatment and mental health "
        "recovery for victims of human trafficking",
    },
    {
        "doc_id": "fcadv2004",
        "citation": "FCADV, 2004",
        "authors": "Florida Coalition Against Domestic Violence",
        "year": "2004",
        "year_suffix": "",
        "title": "",
    },
    {
        "doc_id": "tahr2008",
        "citation": "TAHR, 2008",
        "authors": "The Advocates for Human Rights",
        "year": "2008",
        "year_suffix": "",
        "title": "Sex trafficking needs assessment for the State of Minnesota",
    },
    {
        "doc_id": "ripple2007",
        "citation": "R.I.P.P.L.E., 2007",
        "authors": "R.I.P.P.L.E.",
        "year": "2007",
        "year_suffix": "",
        "title": "",
    },
    {
        "doc_id": "wcasa2007",
        "citation": "WCASA/WCADV, 2007",
        "authors": "Wisconsin Coalition Against Sexual Assault; Wisconsin Coalition Against Domestic Violence",
        "year": "2007",
        "year_suffix": "",
        "title": "",
    },
]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(MANIFEST)


@pytest.mark.parametrize(
    ("authors", "year", "suffix", "title", "expected", "basis"),
    [
        (
            ["Aron", "Zweig"],
            "2006",
            "",
            "Comprehensive services for survivors of human trafficking",
            "aron2006",
            "title",
        ),
        (
            ["Clawson", "Dutch"],
            "2008",
            "a",
            "Addressing the needs of victims of human trafficking",
            "clawson_dutch2008a",
            "title",
        ),
        (
            ["Clawson", "Dutch"],
            "2008",
            "b",
            "Case management and the victim of human trafficking",
            "clawson_dutch2008b",
            "title",
        ),
        # No suffix written: the title decides between 2008a, 2008b and Clawson et al. 2008.
        (
            ["Clawson", "Dutch"],
            "2008",
            "",
            "Case management and the victim of human trafficking",
            "clawson_dutch2008b",
            "title",
        ),
        (["Clawson", "Salomon", "Grace"], "2008", "", "Treating the hidden wounds", "clawson2008", "title"),
        # Corporate author written out, or as its acronym; the manifest title is empty.
        (
            ["Florida Coalition Against Domestic Violence"],
            "2004",
            "",
            "Florida responds",
            "fcadv2004",
            "manifest title empty",
        ),
        (["FCADV"], "2004", "", "", "fcadv2004", "author+year"),
        (
            ["Advocates for Human Rights"],
            "2008",
            "",
            "Sex trafficking needs assessment for the State of Minnesota",
            "tahr2008",
            "title",
        ),
        (["R.I.P.P.L.E."], "2007", "", "Anything", "ripple2007", "manifest title empty"),
        (
            list(
                parse_names(
                    "Wisconsin Coalition Against Sexual Assault & Wisconsin Coalition Against Domestic Violence"
                )[0]
            ),
            "2007",
            "",
            "",
            "wcasa2007",
            "manifest title empty",
        ),
        (["WCADV"], "2007", "", "", "wcasa2007", "author+year"),
    ],
)
def test_match_reference(index, authors, year, suffix, title, expected, basis):
    match = match_reference(authors, year, suffix, title, index)
    assert match is not None and match.doc_id == expected
    assert basis in match.basis
    assert 0 < match.score <= 100


@pytest.mark.parametrize(
    ("authors", "year", "suffix", "title"),
    [
        (["Aron"], "2007", "", "Comprehensive services for survivors"),  # wrong year
        (["Clawson", "Dutch"], "2008", "c", "Case management and the victim of human trafficking"),  # wrong suffix
        (["Clawson"], "2008", "", "A completely different report on labour migration"),  # same author-year, other work
        (["Smith", "Jones"], "2004", "", "Human trafficking"),  # not in the corpus
        ([], "2006", "", "Comprehensive services"),
    ],
)
def test_no_match_keeps_reference_external(index, authors, year, suffix, title):
    assert match_reference(authors, year, suffix, title, index) is None


def test_equally_fitting_documents_leave_the_entry_external(index):
    match = match_reference(["Clawson"], "2008", "", "", index)
    assert match is not None and match.doc_id == ""
    assert match.basis == "ambiguous: clawson2008, clawson_dutch2008a, clawson_dutch2008b fit equally"
    # A co-author tells them apart even without a title.
    assert match_reference(["Clawson", "Salomon"], "2008", "", "", index).doc_id == "clawson2008"
    rows = match_rows([{"authors": "Clawson", "year": "2008", "suffix": "", "title": ""}], index)
    assert rows[0]["matched_doc_id"] == "" and rows[0]["score"] == "" and rows[0]["match_basis"].startswith("ambiguous")


def test_author_year_only_scores_below_title_match(index):
    with_title = match_reference(
        ["Aron"], "2006", "", "Comprehensive services for survivors of human trafficking", index
    )
    fcadv = match_reference(["FCADV"], "2004", "", "", index)
    assert with_title.score > fcadv.score
    rows = match_rows(
        [
            {"authors": "Smith", "year": "2001", "suffix": "", "title": "x"},
            {"authors": "FCADV", "year": "2004", "suffix": "", "title": ""},
        ],
        index,
    )
    assert [r["matched_doc_id"] for r in rows] == ["", "fcadv2004"]
    assert rows[0]["score"] == "" and rows[1]["score"] == f"{fcadv.score:.1f}"


# Two organizations of one year that a citation label shortens alike ("Polaris, 2010").
POLARIS = [
    {
        "doc_id": "polaris_project2010",
        "citation": "Polaris, 2010",
        "authors": "Polaris Project",
        "year": "2010",
        "year_suffix": "",
        "title": "",
    },
    {
        "doc_id": "polaris_foundation2010",
        "citation": "Polaris, 2010",
        "authors": "Polaris Foundation",
        "year": "2010",
        "year_suffix": "",
        "title": "",
    },
]


def test_corporate_author_written_differently_goes_through_the_fuzzy_fallback():
    index = MatchIndex.build(MANIFEST + POLARIS)
    # The name followed by its acronym is no manifest key; the acronym among its words is.
    match = match_reference(
        ["The Advocates for Human Rights (TAHR)"], "2008", "", "Sex trafficking needs assessment for Minnesota", index
    )
    assert match is not None and match.doc_id == "tahr2008" and match.basis.startswith("corporate author~100")
    # Both organizations fit a "Polaris" name equally: the entry stays external, and says why.
    tie = match_reference(["Polaris Institute"], "2010", "", "", index)
    assert tie is not None and tie.doc_id == ""
    assert tie.basis == "ambiguous: polaris_foundation2010, polaris_project2010 fit equally"
    assert match_reference(["Project Polaris"], "2010", "", "", index).doc_id == "polaris_project2010"
    assert match_reference(["International Organization for Migration"], "2004", "", "", index) is None


@pytest.mark.parametrize(
    "name",
    [
        "The Advocates for Human Rights (TAHR)",
        "Advocates Human Rights The",
        "Rights for Human Advocates",
        "Wisconsin Coalition (WCASA)",
        "Coalition Wisconsin Against Assault Sexual",
        "Florida Coalition Against Domestic Violance",
        "Polaris Institute",
        "Project Polaris",
        "Polaris Projects",
        "Foundation Polaris",
        "RIPPLE Network",
        "R I P P L E",
        "International Organization for Migration",
        "",
        "The",
    ],
)
def test_corporate_blocking_finds_what_comparing_every_key_finds(name):
    index = MatchIndex.build(MANIFEST + POLARIS)
    for block in index.corporate_by_year.values():
        scanned = []
        for entry in block.entries:
            similarity = max(fuzz.token_set_ratio(fold_words(name), key) for key in entry.keys)
            if similarity >= CORPORATE_THRESHOLD:
                scanned.append((entry.doc_id, similarity))
        assert [(entry.doc_id, score) for entry, score in corporate_candidates(name, block)] == scanned


def test_cli_references_matches_a_text_document(tmp_path):
    document = tmp_path / "review.txt"
    document.write_text(
        "A review\n\nServices matter (Aron et al., 2006).\n\nReferences\n\n" + APA_HANGING, encoding="utf-8"
    )
    manifest = tmp_path / "manifest.csv"
    write_rows(
        manifest,
        [
            {
                **dict.fromkeys(COLUMNS, ""),
                **row,
                "doc_type": "ngo_report",
                "search_strategy": "internet",
                "file": f"documents/{row['doc_id']}.pdf",
                "surrogate": "false",
                "verified": "false",
            }
            for row in MANIFEST
        ],
    )
    out = tmp_path / "refs.csv"
    assert cli_references(argparse.Namespace(path=str(document), manifest=str(manifest), out=str(out))) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["matched_doc_id"] for r in rows] == [
        "aron2006",
        "clawson_dutch2008a",
        "clawson_dutch2008b",
        "fcadv2004",
        "",
        "",
    ]
    assert {"position", "raw", "authors", "year", "title", "matched_doc_id", "score"} <= set(rows[0])


# ----------------------------------------------------------------------------- real PDFs (../shared)
# Counted by eye from the PDFs' reference lists (pdfplumber text read column by column), first author
# and year as printed; corporate authors written out.
EXPECTED = {
    "acl2007-P07-1088.pdf": [
        ("Agichtein", "2005"),
        ("Agichtein", "2006"),
        ("Banko", "2007"),
        ("Downey", "2005"),
        ("Downey", "2007"),
        ("Etzioni", "2005"),
        ("Feldman", "2006"),
        ("Harris", "1985"),
        ("Manning", "1999"),
        ("Pasca", "2006"),
        ("Rabiner", "1989"),
        ("Ravichandran", "2005"),
        ("Richardson", "2006"),
        ("Riloff", "1999"),
        ("Robertson", "1992"),
    ],
    "acl2014-dinu-baroni-P14-1059.pdf": [
        ("Andoni", "2008"),
        ("Andreas", "2013"),
        ("Baroni", "2010"),
        ("Baroni", "2014"),
        ("Baroni", "2013"),
        ("Blacoe", "2012"),
        ("Bruni", "2012"),
        ("Dinu", "2013"),
        ("Erk", "2012"),
        ("Frome", "2013"),
        ("Guevara", "2010"),
        ("Haghighi", "2008"),
        ("Haxby", "2001"),
        ("Huth", "2012"),
        ("Kalchbrenner", "2013"),
        ("Kelly", "2012"),
        ("Klementiev", "2012"),
        ("Koehn", "2002"),
        ("Mikolov", "2013a"),
        ("Mikolov", "2013b"),
        ("Mitchell", "2008"),
        ("Mitchell", "2010"),
        ("Mitchell", "2008"),
        ("Murphy", "2012"),
        ("Rapp", "1999"),
        ("Socher", "2011"),
        ("Socher", "2013"),
        ("Socher", "2014"),
        ("Tiedemann", "2012"),
        ("Turney", "2010"),
        ("Turney", "2012"),
        ("Zanzotto", "2010"),
    ],
    "bmc2010-datta-dvt-systematic-review.pdf": [
        ("Kudsk", "1989"),
        ("Geerts", "1994"),
        ("Geerts", "2001"),
        ("Acosta", "1998"),
        ("O'Malley", "1990"),
        ("Rogers", "1993"),
        ("Meissner", "2003"),
        ("Rogers", "2002"),
        ("Velmahos", "2000"),
        ("Geerts", "1996"),
        ("Weitz", "1997"),
        ("Geerts", "2004"),
        ("Kurtoglu", "2004"),
        ("Norwood", "2002"),
        ("Cothren", "2007"),
        ("Muntz", "2004"),
        ("Green", "1990"),
        ("Spinal Cord Injury Thomboprophylaxis Investigators", "2003"),
        ("Ginzburg", "2003"),
        ("Knudson", "1996"),
        ("Lindhoff-Last", "2002"),
        ("Amiral", "1995"),
        ("Amiral", "1996"),
        ("Warkentin", "2003"),
        ("Bauer", "1997"),
        ("Lindhoff-Last", "2000"),
        ("Visentin", "1996"),
        ("Warkentin", "2000"),
        ("Warkentin", "1995"),
        ("Lubenow", "2007"),
        ("Haentjens", "1996"),
        ("Schwarcz", "2001"),
        ("Agu", "1999"),
        ("Morris", "2004"),
        ("Elliott", "1999"),
        ("Lachmann", "1992"),
        ("McGrory", "2000"),
        ("Pittman", "1989"),
        ("Cohen", "2001"),
        ("Verdolin", "2000"),
        ("Comerota", "1992"),
        ("Cornwell", "2002"),
        ("Haddad", "2001"),
        ("Carlin", "2002"),
        ("Khansarinia", "1995"),
        ("Langan", "1999"),
        ("Rodriguez", "1996"),
        ("Rogers", "1995"),
        ("Rogers", "1998"),
        ("Decousus", "1998"),
        ("Darcy", "1986"),
        ("Hoff", "2004"),
        ("Offner", "2003"),
        ("Allen", "2005"),
        ("Rosenthal", "2004"),
        ("Streiff", "2000"),
        ("Messmer", "1985"),
        ("Athanasoulis", "2000"),
        ("Greenfield", "2000"),
        ("Patton", "1996"),
        ("Poletti", "1998"),
        ("Starok", "1996"),
        ("Greenfield", "1990"),
        ("Feezor", "2002"),
        ("Putterman", "2005"),
        ("Goldman", "1994"),
        ("Miller", "1986"),
        ("Goldman", "1996"),
        ("Dabbagh", "1995"),
        ("Kinney", "2003"),
        ("Binkert", "2005"),
        ("Asch", "2002"),
        ("Bovyn", "1997"),
        ("Millward", "2000"),
        ("Millward", "1994"),
        ("Millward", "2001"),
        ("Neuerburg", "1997"),
        ("Wicky", "2003"),
        ("Kaufman", "2006"),
    ],
}


@pytest.fixture(scope="module")
def ingested(shared_pdfs) -> dict[str, dict]:
    from reviewflow.ingest.document import ingest_file

    return {name: ingest_file(path) for name, path in shared_pdfs.items() if name in EXPECTED}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_pdf_reference_lists(ingested, name):
    if name not in ingested:
        pytest.skip(f"{name} not in ../shared/pdfs")
    refs = parse_references(ingested[name])
    expected = [(fold(surname), year) for surname, year in EXPECTED[name]]
    assert len(refs) == len(expected)
    found = keys(refs)
    right = sum(1 for got, want in zip(found, expected) if got == want)
    assert right / len(expected) >= 0.95, [(g, w) for g, w in zip(found, expected) if g != w]
    assert all(r.title for r in refs), [r.raw for r in refs if not r.title]
    assert [r.position for r in refs] == list(range(1, len(refs) + 1))
    # Reference lists sit at the end of these papers: the last entry is on the last page.
    assert refs[-1].page == ingested[name]["pages"][-1]["number"]

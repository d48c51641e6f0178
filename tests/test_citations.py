"""In-text citations: finding them in sentences written in the field's style, resolving them to the
default corpus, and counting them in a real report excerpt (read from ../shared, never copied)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reviewflow.coding.citation_resolver import CitationResolver
from reviewflow.coding.citations import Citation, find_citations, normalize_name
from reviewflow.corpus.manifest import COLUMNS, Document, read_rows

REAL_TEXT = "texts/hhs-aspe-2009-promising-services-excerpt.txt"


def keys(text: str) -> list[str]:
    return [c.key for c in find_citations(text)]


def only(text: str) -> Citation:
    found = find_citations(text)
    assert len(found) == 1, found
    return found[0]


def doc(doc_id: str, citation: str, authors: str, year: str, suffix: str = "") -> Document:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        doc_id=doc_id,
        citation=citation,
        authors=authors,
        year=year,
        year_suffix=suffix,
        doc_type="other",
        search_strategy="internet",
        file=f"documents/{doc_id}.pdf",
    )
    return Document(**{**row, "surrogate": True, "verified": True})


@pytest.fixture(scope="module")
def default_corpus(repo_root: Path) -> list[Document]:
    # The manifest rows, not load_manifest: the documents themselves need not exist for resolution.
    rows = read_rows(repo_root / "corpus" / "manifest.csv")
    return [Document(**{**{c: r.get(c, "") for c in COLUMNS}, "surrogate": True, "verified": True}) for r in rows]


@pytest.fixture(scope="module")
def resolver(default_corpus: list[Document]) -> CitationResolver:
    return CitationResolver(default_corpus)


# ------------------------------------------------------------------------------------------ finding


def test_single_parenthetical_with_span_and_fields():
    text = "Survivors often lack identity papers (Tzvetkova, 2002)."
    c = only(text)
    assert (c.raw, c.authors, c.year, c.suffix, c.et_al, c.narrative) == (
        "Tzvetkova, 2002",
        ("Tzvetkova",),
        "2002",
        "",
        False,
        False,
    )
    assert text[c.start : c.end] == "Tzvetkova, 2002"


def test_et_al_and_its_damaged_variants():
    assert only("Care was fragmented (Clawson et al., 2009).").et_al
    assert only("Care was fragmented (Clawson et. al., 2009).").key == "clawson|2009"
    assert only("Care was fragmented (Clawson et al 2009).").et_al


def test_ampersand_and_and_give_the_same_authors():
    a = only("Shelters were scarce (Raymond & Hughes, 2001).")
    b = only("Shelters were scarce (Raymond and Hughes, 2001).")
    assert a.authors == b.authors == ("Raymond", "Hughes")


def test_apa_list_of_three_with_page_locator():
    c = only("Clients named housing first (Aron, Zweig, & Newmark, 2006, p. 4).")
    assert c.authors == ("Aron", "Zweig", "Newmark")
    assert c.raw == "Aron, Zweig, & Newmark, 2006"
    assert c.locator == "p. 4"


def test_corporate_author_with_bracketed_acronym_then_acronym_alone():
    text = (
        "Advocates coordinate responses (Florida Coalition Against Domestic Violence [FCADV], 2004). "
        "Shelters screen callers (FCADV, 2004)."
    )
    first, second = find_citations(text)
    assert first.authors == ("Florida Coalition Against Domestic Violence",)
    assert first.acronym == "FCADV"
    assert second.authors == ("FCADV",)


def test_corporate_author_with_on_in_its_name():
    # YAML 1.1 once read the connector word "on" of the parser's vocabulary as a boolean.
    text = (
        "Guardians are appointed early (Northbridge Council on Cross-Border Child Protection [NCCBP], 2009). "
        "The Office on Trafficking in Persons (2019) funds shelters."
    )
    first, second = find_citations(text)
    assert first.authors == ("Northbridge Council on Cross-Border Child Protection",)
    assert first.acronym == "NCCBP"
    assert second.authors[0].endswith("Office on Trafficking in Persons")


def test_two_years_of_the_same_authors_are_two_works():
    text = "Case managers carry the load (Clawson et al., 2009, 2008)."
    found = find_citations(text)
    assert [(c.year, c.et_al) for c in found] == [("2009", True), ("2008", True)]
    assert [c.raw for c in found] == ["Clawson et al., 2009", "Clawson et al., 2008"]
    assert all(text[c.start : c.end].startswith("Clawson") for c in found)


def test_year_suffixes_stay_apart_including_a_bare_letter():
    assert keys("(Clawson & Dutch, 2008a, 2008b)") == ["clawson|2008a", "clawson|2008b"]
    assert keys("(Clawson & Dutch, 2008a, b)") == ["clawson|2008a", "clawson|2008b"]


@pytest.mark.parametrize(
    "text, authors, et_al",
    [
        ("Clawson and colleagues (2009) reviewed the literature.", ("Clawson",), True),
        ("Raymond and Hughes (2001) interviewed women.", ("Raymond", "Hughes"), False),
        ("Clawson et al. (2009) found gaps.", ("Clawson",), True),
        ("According to Hodge (2008), the problem is domestic.", ("Hodge",), False),
        ("Hodge's (2008) analysis is brief.", ("Hodge",), False),
        (
            "Research by Elliott, Bjelajac, Fallot, Markoff, and Reed (2005) suggests it.",
            ("Elliott", "Bjelajac", "Fallot", "Markoff", "Reed"),
            False,
        ),
    ],
)
def test_narrative_citations(text, authors, et_al):
    c = only(text)
    assert c.narrative and c.authors == authors and c.et_al == et_al
    assert text[c.start : c.end] == c.raw


def test_narrative_inside_quotes():
    c = only("Advocates, in “Raymond and Hughes (2001)”, asked for shelter.")
    assert c.authors == ("Raymond", "Hughes") and c.raw == "Raymond and Hughes (2001)"


def test_narrative_corporate_author_trims_sentence_openers():
    c = only("According to the International Organization for Migration (2009), screening comes first.")
    assert c.authors == ("International Organization for Migration",) and c.narrative
    c = only("As stated in a report of the Massachusetts Department of Social Services (2006), peers help.")
    assert c.authors == ("Massachusetts Department of Social Services",)


def test_prefixes_inside_parentheses():
    found = find_citations("Peers help (e.g., Tzvetkova, 2002; see also Coonan, 2004; cf. Hodge, 2008).")
    assert [c.key for c in found] == ["tzvetkova|2002", "coonan|2004", "hodge|2008"]
    assert [c.raw for c in found] == ["Tzvetkova, 2002", "Coonan, 2004", "Hodge, 2008"]
    assert keys("(as cited in Clawson et al., 2009)") == ["clawson|2009"]
    assert keys("(Raymond, 2001, as cited in Clawson et al., 2009)") == ["raymond|2001", "clawson|2009"]


def test_harvard_style_without_comma_only_for_personal_names():
    assert keys("(Tzvetkova 2002; Raymond & Hughes 2001)") == ["tzvetkova|2002", "raymond|2001"]
    assert find_citations("Counts come from the census (Census 2000) and budgets (FY 2006).") == []


def test_narrative_with_several_years_and_locators():
    found = find_citations("Smith (2009, 2010) and Jones (2008a, b, p. 3) agree.")
    assert [c.key for c in found] == ["smith|2009", "smith|2010", "jones|2008a", "jones|2008b"]
    assert [c.raw for c in found[:2]] == ["Smith (2009)", "Smith (2010)"]
    assert all(c.narrative for c in found)


def test_in_press_and_no_date():
    assert [c.year for c in find_citations("(Armstrong, in press; Coonan, n.d.)")] == ["in press", "n.d."]
    assert [c.year_label for c in find_citations("(Smith, in press-a; Smith, in press-b)")] == [
        "in press-a",
        "in press-b",
    ]
    assert only("Caliber (n.d.) lists them.").year == "n.d."


def test_name_broken_by_a_line_end_hyphen():
    for text in ("Shelter rules matter (Spangen- berg, 2002).", "Shelter rules matter (Spangen-\nberg, 2002)."):
        c = only(text)
        assert c.authors == ("Spangenberg",)
        assert text[c.start : c.end].startswith("Spangen")
    assert only("(Smith-\nJones, 2004)").authors == ("Smith-Jones",)


def test_citation_list_broken_across_lines():
    text = "Trust takes time (Aron, Zweig,\n& Newmark, 2006; Clawson &\nDutch, 2008b; Tzvetkova,\n2002)."
    found = find_citations(text)
    assert [c.key for c in found] == ["aron|2006", "clawson|2008b", "tzvetkova|2002"]
    assert found[1].raw == "Clawson & Dutch, 2008b"
    assert text[found[1].start : found[1].end] == "Clawson &\nDutch, 2008b"


def test_personal_communications_are_flagged():
    found = find_citations(
        "Outreach must be discreet (A. Adams, personal communication, March 2006; "
        "Audrey M., personal communication, December 2006)."
    )
    assert [(c.authors, c.year, c.personal_communication) for c in found] == [
        (("Adams",), "2006", True),
        (("Audrey M.",), "2006", True),
    ]


def test_dotted_and_slashed_corporate_names():
    assert only("(R.I.P.P.L.E., 2007)").authors == ("R.I.P.P.L.E.",)
    assert only("(WCASA/WCADV, 2007)").authors == ("WCASA/WCADV",)


def test_yearless_parenthetical_name_at_clause_end():
    c = only("Advocates describe the same gaps (Caliber).")
    assert (c.authors, c.year) == (("Caliber",), "")


@pytest.mark.parametrize(
    "text",
    [
        "The survey ran in two waves (2008).",
        "The sample was large (N = 2006).",
        "Interpreters were used (p. 12).",
        "Guidelines were launched (June 2006).",
        "Guidelines were launched (June, 2006).",
        "Funding rose in the U.S. (2008).",
        "As Tzvetkova argues, shelters are scarce.",
        "The Standing Against Global Exploitation Project (SAGE) runs it.",
        "Teams meet weekly (SAFE).",
        "Services vary (e.g., food, clothing, and shelter).",
        "Fiscal data for the year (Table 2, 2008).",
        "Footnotes like this one.[5]",
        "The items are listed in Appendix B (2009).",
        "Enrollment grew in Phase II (2010).",
        "Schools must comply with Title IX (1972).",
        "Congress passed the Trafficking Victims Protection Act (2000).",
        "Reports came from an internet search (Google, Yahoo): mostly government reports.",
        "Partners signed cooperative agreements (MOUs), then met monthly.",
        "Other taggers (e.g., Snowball) work too.",
        "We plan to add document models (e.g., Latent Dirichlet Allocation).",
    ],
)
def test_false_positives_are_not_citations(text):
    assert find_citations(text) == []


def test_json_round_trip_and_contract_fields():
    c = only("(Florida Coalition Against Domestic Violence [FCADV], 2004, p. 14)")
    record = c.to_json()
    assert {"raw", "authors", "et_al", "year", "suffix", "narrative"} <= set(record)
    assert Citation.from_json(record) == c
    short = {k: record[k] for k in ("raw", "authors", "et_al", "year", "suffix", "narrative")}
    assert Citation.from_json(short).authors == c.authors


def test_normalize_name():
    assert normalize_name("R.I.P.P.L.E.") == "ripple"
    assert normalize_name("Mansson") == normalize_name("Månsson")
    assert normalize_name("The Advocates for Human Rights") == "advocates for human rights"


# ------------------------------------------------------------------------------------------ resolving


@pytest.mark.parametrize(
    "text, doc_id",
    [
        ("(Clawson et al., 2008)", "clawson2008"),
        ("(Clawson et al., 2009)", "clawson2009"),
        ("(Clawson & Dutch, 2008a)", "clawson_dutch2008a"),
        ("Clawson and Dutch (2008b)", "clawson_dutch2008b"),
        ("(Aron, Zweig, & Newmark, 2006, p. 4)", "aron2006"),
        ("(Aron et al., 2006)", "aron2006"),
        ("(Florida Coalition Against Domestic Violence, 2004)", "fcadv2004"),
        ("(FCADV, 2004)", "fcadv2004"),
        ("(International Organization for Migration, 2009)", "iom2009"),
        ("(IOM, 2009)", "iom2009"),
        ("(The Advocates for Human Rights, 2008)", "tahr2008"),
        ("(TAHR, 2008)", "tahr2008"),
        ("(UNHCR, 2008)", "unhcr2008"),
        ("(R.I.P.P.L.E., 2007)", "ripple2007"),
        ("(WCASA/WCADV, 2007)", "wcasa2007"),
        ("(Caliber Associates, 2007)", "caliber2007"),
        ("(Caliber, 2007)", "caliber2007"),
        ("(Tzvetkva, 2002)", "tzvetkova2002"),  # letter dropped
        ("(Tzevtkova, 2002)", "tzvetkova2002"),  # letters swapped
        ("(Spangenburg, 2002)", "spangenberg2002"),  # letter changed
        ("(Spangen-\nberg, 2002)", "spangenberg2002"),
        ("Caliber (n.d.) lists them.", "caliber2007"),
        ("Gaps remain (Caliber).", "caliber2007"),
        ("Raymond and Hughes's (2001) interviews", "raymond_hughes2001"),
    ],
)
def test_resolves_to_the_default_corpus(resolver, text, doc_id):
    assert resolver.resolve(only(text)) == doc_id


@pytest.mark.parametrize(
    "text, reason",
    [
        ("(Clawson & Dutch, 2008)", "no a/b suffix"),
        ("(Clawson, 2008)", "ambiguous"),
        ("(Hodge, 2008b)", "no corpus document with year 2008b"),
        ("(Tzvetkova, 2003)", "no corpus document"),
        ("(Smith, 2002)", "no corpus document"),
        ("(A. Adams, personal communication, March 2006)", "personal communication"),
        ("Clawson (in press) argues", "ambiguous"),
    ],
)
def test_unresolvable_citations_say_why(resolver, text, reason):
    doc_id, why = resolver.resolve_explain(only(text))
    assert doc_id is None and reason in why


def test_report_cited_by_its_publishing_organization(resolver):
    assert resolver.resolve(only("The study Spangenberg wrote for ECPAT-USA (2002) is short.")) == "spangenberg2002"
    assert resolver.resolve(only("(Urban Institute, 2006)")) == "aron2006"
    # A journal is not a publisher, and a publisher of several works that year is ambiguous.
    assert resolver.resolve(only("(Social Work, 2008)")) is None
    doc_id, why = resolver.resolve_explain(only("(U.S. Department of Health and Human Services, 2008)"))
    assert doc_id is None and "ambiguous" in why


def test_misspelling_is_only_matched_within_the_same_year(resolver):
    # One edit away from Tzvetkova, but no Tzvetkova document in 2008.
    assert resolver.resolve(only("(Tzvetkva, 2008)")) is None


def test_acronym_learned_from_brackets_in_the_text():
    corpus = [
        doc(
            "ncmec2002",
            "National Center for Missing and Exploited Children, 2002",
            "National Center for Missing and Exploited Children",
            "2002",
        ),
        doc("sage2003", "Standing Against Global Exploitation, 2003", "Standing Against Global Exploitation", "2003"),
    ]
    found = find_citations(
        "Outreach is slow (Standing Against Global Exploitation [SAGE Project], 2003). "
        "Trust matters (SAGE Project, 2003; NCMEC, 2002)."
    )
    resolver = CitationResolver(corpus)
    assert resolver.resolve_all(found) == ["sage2003", "sage2003", "ncmec2002"]


def test_resolution_is_deterministic_whatever_the_manifest_order(default_corpus):
    found = find_citations("(Clawson et al., 2008; Clawson & Dutch, 2008; Caliber, n.d.; FCADV, 2004)")
    forward = CitationResolver(default_corpus).resolve_all(found)
    backward = CitationResolver(list(reversed(default_corpus))).resolve_all(found)
    assert forward == backward == ["clawson2008", None, "caliber2007", "fcadv2004"]


# ------------------------------------------------------------------------------------------ real text

# Hand count of the author–date citations in the excerpt (read by a person, one key per cited work,
# "pc:" for personal communications). Numeric notes like "[5]" are not author–date citations.
REAL_TEXT_KEYS = Counter(
    {
        "caliber associates|2007": 6,
        "hotaling|2003": 4,
        "national center for missing and exploited children|2002": 4,
        "pc:hotaling|2006": 4,
        "elliott|2005": 3,
        "pc:adams|2006": 3,
        "rabinovitch|2003": 3,
        "carter|2003": 2,
        "harris|2001": 2,
        "macinness|1998": 2,
        "massachusetts department of social services|2006": 2,
        "pc:audrey m|2006": 2,
        "pc:everts|2006": 2,
        "pc:michelle s|2006": 2,
        "pc:seitz|2006": 2,
        "salvation army|2006": 2,
        "alternatives for girls|2006": 1,
        "bales|2004": 1,
        "braun|2003": 1,
        "carmen|1996": 1,
        "center for victims of torture|2006": 1,
        "children of the night|2006": 1,
        "clawson|2004": 1,
        "finkelstein|2004": 1,
        "florida coalition against domestic violence|2004": 1,
        "gatz|2007": 1,
        "girls educational mentoring services|2006": 1,
        "hedin|2003": 1,
        "hennessey|2004": 1,
        "hotaling|2000": 1,
        "national center for missing and exploited children|1999": 1,
        "nixon|2002": 1,
        "paul lisa program|2006": 1,
        "pc:briceno|2006": 1,
        "pc:lloyd|2007": 1,
        "rabinovitch|2004": 1,
        "raphael|2004": 1,
        "ryan|1997": 1,
        "teen prostitution prevention project|2006": 1,
        "us department of justice|2006": 1,
        "young womens empowerment project|": 1,
    }
)


def _real_keys(citations: list[Citation]) -> Counter:
    return Counter(("pc:" if c.personal_communication else "") + c.key for c in citations)


def test_real_text_citations_match_the_hand_count(shared_dir: Path):
    text = (shared_dir / REAL_TEXT).read_text(encoding="utf-8")
    found = find_citations(text)
    assert sum(REAL_TEXT_KEYS.values()) == 70
    got = _real_keys(found)
    true_positives = sum((got & REAL_TEXT_KEYS).values())
    precision = true_positives / max(1, sum(got.values()))
    recall = true_positives / sum(REAL_TEXT_KEYS.values())
    assert precision >= 0.95 and recall >= 0.9, (precision, recall, got - REAL_TEXT_KEYS, REAL_TEXT_KEYS - got)
    # Spans point at the citation in the original text.
    for c in found:
        assert text[c.start : c.end].split()[0].rstrip(",") in c.raw


def test_real_text_resolves_only_to_the_one_corpus_document_it_cites(shared_dir: Path, resolver):
    text = (shared_dir / REAL_TEXT).read_text(encoding="utf-8")
    found = find_citations(text)
    resolved = Counter(doc_id for doc_id in resolver.resolve_all(found) if doc_id)
    # Caliber Associates 2007 is the one corpus work this excerpt cites; FCADV is cited for 2004 too.
    assert resolved == Counter({"caliber2007": 6, "fcadv2004": 1})


# ------------------------------------------------------------------------------------------ default corpus

# Hand-checked: the corpus documents each surrogate source cites in its body, with how many times
# (read from corpus/surrogates/*.md; personal communications and works outside the corpus excluded).
SURROGATE_CITES = {
    "armstrong2008": {
        "armstrong2008": 1,
        "aron2006": 2,
        "caliber2007": 1,
        "coonan2004": 1,
        "fcadv2004": 1,
        "raymond_hughes2001": 1,
        "ripple2007": 1,
        "spangenberg2002": 1,
        "tzvetkova2002": 1,
        "wcasa2007": 2,
    },
    "aron2006": {
        "aron2006": 1,
        "coonan2004": 1,
        "fcadv2004": 2,
        "raymond_hughes2001": 1,
        "spangenberg2002": 1,
        "tzvetkova2002": 1,
    },
    "caliber2007": {"aron2006": 2, "caliber2007": 1, "coonan2004": 1, "fcadv2004": 1, "raymond_hughes2001": 1},
    "clawson_dutch2008a": {
        "aron2006": 1,
        "caliber2007": 1,
        "clawson_dutch2008a": 1,
        "coonan2004": 1,
        "raymond_hughes2001": 1,
        "spangenberg2002": 1,
    },
    "clawson_dutch2008b": {"aron2006": 1, "caliber2007": 2, "clawson_dutch2008a": 1, "clawson_dutch2008b": 1},
    "clawson2009": {
        "armstrong2008": 1,
        "aron2006": 2,
        "caliber2007": 2,
        "clawson2008": 2,
        "clawson2009": 1,
        "clawson_dutch2008a": 1,
        "clawson_dutch2008b": 1,
        "coonan2004": 1,
        "fcadv2004": 2,
        "hodge2008": 1,
        "raymond_hughes2001": 1,
        "ripple2007": 1,
        "spangenberg2002": 1,
        "tahr2008": 1,
        "tzvetkova2002": 1,
        "unhcr2008": 1,
        "wcasa2007": 1,
    },
    "clawson2008": {"aron2006": 1, "caliber2007": 1, "clawson2008": 1},
    "coonan2004": {"coonan2004": 1, "raymond_hughes2001": 1, "spangenberg2002": 1, "tzvetkova2002": 1},
    "fcadv2004": {"fcadv2004": 1, "raymond_hughes2001": 1, "spangenberg2002": 1, "tzvetkova2002": 1},
    "hodge2008": {
        "aron2006": 3,
        "caliber2007": 3,
        "coonan2004": 1,
        "fcadv2004": 2,
        "hodge2008": 1,
        "raymond_hughes2001": 1,
        "tzvetkova2002": 1,
    },
    "iom2009": {
        "clawson2008": 2,
        "clawson_dutch2008a": 1,
        "clawson_dutch2008b": 1,
        "hodge2008": 1,
        "tzvetkova2002": 1,
        "unhcr2008": 2,
    },
    "raymond_hughes2001": {"raymond_hughes2001": 1},
    "ripple2007": {"aron2006": 2, "coonan2004": 1, "fcadv2004": 2},
    "spangenberg2002": {"raymond_hughes2001": 1, "spangenberg2002": 1},
    "tahr2008": {
        "aron2006": 1,
        "caliber2007": 1,
        "coonan2004": 1,
        "raymond_hughes2001": 1,
        "ripple2007": 1,
        "spangenberg2002": 1,
        "wcasa2007": 2,
    },
    "tzvetkova2002": {"raymond_hughes2001": 1},
    "unhcr2008": {"aron2006": 1, "caliber2007": 2, "raymond_hughes2001": 1, "tzvetkova2002": 1},
    "vssls2010": {
        "armstrong2008": 1,
        "clawson2008": 1,
        "clawson2009": 2,
        "clawson_dutch2008b": 1,
        "hodge2008": 1,
        "iom2009": 2,
        "tahr2008": 2,
    },
    "wcasa2007": {"aron2006": 1, "coonan2004": 1, "raymond_hughes2001": 1, "spangenberg2002": 1},
}


def test_default_corpus_surrogates_resolve_with_high_precision_and_recall(repo_root: Path, resolver):
    expected: Counter = Counter()
    got: Counter = Counter()
    for citing, cited in SURROGATE_CITES.items():
        source = repo_root / "corpus" / "surrogates" / f"{citing}.md"
        if not source.is_file():
            pytest.skip(f"{source} not written yet")
        body = source.read_text(encoding="utf-8").split("\n## References")[0]
        expected.update({(citing, doc_id): n for doc_id, n in cited.items()})
        got.update((citing, doc_id) for doc_id in resolver.resolve_all(find_citations(body)) if doc_id)
    correct = sum((got & expected).values())
    precision = correct / max(1, sum(got.values()))
    recall = correct / sum(expected.values())
    assert precision >= 0.95 and recall >= 0.9, (precision, recall, got - expected, expected - got)

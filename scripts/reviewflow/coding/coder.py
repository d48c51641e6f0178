"""Coding: every body segment of an ingested document → recommendation?, polarity, codes, phase, citations.

Input is the ingested JSON (docs/data-contracts.md, `results/text/{doc}.json`); output rows follow the
`results/coded/{doc}.csv` contract and ``fill_form`` turns them into `results/forms/{doc}.json`.
All vocabulary lives in the form's codebook; this module holds only the decision rules:

* headings and list items are segments of their own; paragraphs are split into sentences;
* the rules call a segment an ``explicit`` recommendation when a deontic cue fires, when it sits under
  a recommendation heading, when it is a list item introduced by a recommending lead-in ("Providers
  should:"), or when review language ("X is emphasized") states a coded practice; a
  ``described_practice`` when it describes what a program does for survivors, in any document;
  otherwise ``none`` (``rule_decision``);
* with a learned scorer (``reviewflow.coding.recommender``; it reads the segment's words and meaning,
  not the rules' cues), the scorer decides where it is sure and the rules where it is not
  (``model_decision``); every segment gets its confidence;
* codes come from the segment's own matches (outside citations and names of organisations), or from
  its heading when it is a recommendation with none of its own;
* the phase comes from a phase cue (the segment's, else its heading's), else from the needs' defaults.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewflow.coding.citations import Citation, citation_vocabulary, find_citations
from reviewflow.coding.coded_table import CODED_COLUMNS
from reviewflow.coding.embedding import embed
from reviewflow.coding.nlp import CodebookMatcher, Hit, resources, token_texts, token_words
from reviewflow.coding.recommender import RecommendationModel, hashed, word_features
from reviewflow.fileio import write_csv
from reviewflow.form import Form

COLUMNS: tuple[str, ...] = CODED_COLUMNS
# "acronym" lets the resolver learn "(Florida Coalition ... [FCADV], 2004)" and resolve a later "(FCADV, 2004)".
CITATION_KEYS: tuple[str, ...] = ("raw", "authors", "et_al", "year", "suffix", "narrative", "acronym")
DEFAULT_BATCH_SIZE = 256
_LEAD_IN_END = re.compile(r"[:\u2013\u2014-]\s*$")
_WHITESPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------------------- segment ids
def segment_id(doc_id: str, text: str, occurrence: int = 1) -> str:
    """First 16 hex of sha1(doc_id + "\\x1f" + whitespace-normalized lower-cased text).

    A text repeated in one document (a heading printed twice) gets ``"\\x1f" + n`` appended for its
    n-th occurrence (n ≥ 2), so ids stay unique and the first occurrence keeps the contract's id.
    """
    key = doc_id + "\x1f" + _WHITESPACE.sub(" ", text).strip().lower()
    if occurrence > 1:
        key += f"\x1f{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------- data holders
@dataclass
class Heading:
    level: int
    text: str
    hits: list[Hit]
    is_title: bool
    words: tuple[str, ...] = ()


@dataclass
class Segment:
    kind: str
    start: int  # character offsets in the ingested text
    end: int
    text: str
    page: int
    section: str
    hits: list[Hit]
    headings: list[Heading]
    lead_in: str = ""  # for a list item: "recommending" or "plain" lead-in ("...:" before the list), or ""
    citations: list[Citation] = field(default_factory=list)
    words: tuple[str, ...] = ()  # lower-cased lemmas, for the learned scorer


def _codebook_order(form: Form) -> dict[str, int]:
    order: dict[str, int] = {}
    for kind in ("phases", "service_areas", "practices", "needs"):
        for index, entry in enumerate(form.codebook[kind]):
            order[entry["id"]] = index
    return order


def _page_of(pages: Sequence[Mapping[str, Any]], starts: Sequence[int], offset: int) -> int:
    """Page number holding ``offset`` (pages in order; ``starts`` their start offsets)."""
    if not pages:
        return 0
    return int(pages[max(bisect.bisect_right(starts, offset) - 1, 0)]["number"])


def _section_of(sections: Sequence[Mapping[str, Any]], offset: int) -> str:
    if not sections:  # a record without sections is all body
        return "body"
    for section in sections:
        if section["start"] <= offset < section["end"]:
            return str(section["name"])
    return ""


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --------------------------------------------------------------------------------------- segmentation
def segment_document(
    ingested: Mapping[str, Any], form: Form, nlp: Any, matcher: CodebookMatcher, batch_size: int = DEFAULT_BATCH_SIZE
) -> list[Segment]:
    """Segments of every block outside the references, with their matches and heading context.

    Front-matter segments are returned too (the title names the document's method and kind) but
    carry ``section == "front_matter"``; only body segments become rows.
    """
    text: str = ingested.get("text") or ""
    blocks = [b for b in ingested.get("blocks") or [] if b["end"] > b["start"]]
    sections = ingested.get("sections") or []
    pages = ingested.get("pages") or []
    page_starts = [page["start"] for page in pages]
    # A notice (venue or copyright small print) can stand between a lead-in and its list when a page
    # breaks there; it is neither content nor context, so it is not read at all.
    wanted = [
        piece
        for b in blocks
        if _section_of(sections, b["start"]) != "references" and b["kind"] != "notice"
        for piece in _pieces(text, b)
    ]
    docs = nlp.pipe((text[b["start"] : b["end"]] for b in wanted), batch_size=batch_size)
    segments: list[Segment] = []
    stack: list[Heading] = []
    seen_heading = False
    previous_block: tuple[str, str] | None = None  # (kind, lead-in its list items get)
    name_acronyms: set[str] = set()  # acronyms the document defined for a name so far ("... Enforcement (SAFE)")
    for block, doc in zip(wanted, docs, strict=True):
        first_segment = len(segments)
        block_text = text[block["start"] : block["end"]]  # doc.text, without a Token object per token
        citations = find_citations(block_text)
        hits = _outside_citations(doc, matcher.hits(doc), citations)
        tokens, lemmas = token_texts(doc), token_words(doc)
        section = _section_of(sections, block["start"])
        names = _proper_name_runs(tokens)
        name_acronyms |= _defined_acronyms(tokens, names)
        hits = (
            _keep_governing(tokens, hits, 0)
            if block["kind"] == "heading"
            else _outside_proper_names(tokens, hits, names, name_acronyms)
        )
        view = _BlockView(
            text, block["start"], tokens, lemmas, hits, [h.start for h in hits], section, pages, page_starts
        )
        if block["kind"] == "heading":
            level = int(block.get("level") or 1)
            while stack and stack[-1].level >= level:
                stack.pop()
            heading_text = _WHITESPACE.sub(" ", block_text).strip()
            words = _words(lemmas)
            # The document's title names the document, not a part of it: it never makes the whole
            # text a "recommendations" section (the promising-practice-document cue reads it instead).
            heading = Heading(level, heading_text, hits, is_title=not seen_heading and section != "body", words=words)
            seen_heading = True
            start, end = _strip_span(text, block["start"], block["end"])
            segments.append(
                Segment(
                    "heading",
                    start,
                    end,
                    text[start:end],
                    _page_of(pages, page_starts, start),
                    section,
                    hits,
                    list(stack),
                    words=words,
                )
            )
            stack.append(heading)
            previous_block = ("heading", "")
            _attach_citations(segments[first_segment:], block["start"], citations)
            continue
        sentences = list(doc.sents)
        if block["kind"] == "list_item":
            lead_in = previous_block[1] if previous_block is not None else ""
            # An item that runs on into sentences of its own ("Difficulty identifying victims. The hidden
            # nature of the crime ...") is the item, then those sentences: each is decided and coded alone.
            segments.append(view.segment("list_item", sentences[0] if len(sentences) > 1 else doc[:], stack, lead_in))
            segments += [
                seg for seg in (view.segment("sentence", sent, stack) for sent in sentences[1:]) if seg.end > seg.start
            ]
            # A run of list items keeps the lead-in of the first one.
            previous_block = ("list_item", lead_in)
            _attach_citations(segments[first_segment:], block["start"], citations)
            continue
        last_lead_in = ""
        for index, sent in enumerate(sentences):
            segment = view.segment("sentence", sent, stack)
            if segment.end <= segment.start:
                continue
            segments.append(segment)
            if index == len(sentences) - 1 and _LEAD_IN_END.search(sent.text):
                recommends = any(h.group == "cue" and h.code in _RECOMMENDING_CUES for h in segment.hits)
                last_lead_in = "recommending" if recommends else "plain"
        previous_block = ("paragraph", last_lead_in)
        _attach_citations(segments[first_segment:], block["start"], citations)
    return segments


@dataclass(frozen=True)
class _BlockView:
    """One block as segment_document reads it: its text's offset, tokens and hits (sorted by start)."""

    text: str
    offset: int  # the block's start in the document's text
    tokens: list[str]
    lemmas: list[str | None]  # token_words: None for whitespace
    hits: list[Hit]
    hit_starts: list[int]
    section: str
    pages: Sequence[Mapping[str, Any]]
    page_starts: list[int]

    def segment(self, kind: str, span: Any, stack: Sequence[Heading], lead_in: str = "") -> Segment:
        """The segment of one sentence (or list item) of the block, with the hits that govern it."""
        start, end = _strip_span(self.text, self.offset + span.start_char, self.offset + span.end_char)
        own = _keep_governing(self.tokens, _hits_between(self.hits, self.hit_starts, span.start, span.end), span.start)
        return Segment(
            kind,
            start,
            end,
            self.text[start:end],
            _page_of(self.pages, self.page_starts, start),
            self.section,
            own,
            list(stack),
            lead_in=lead_in,
            words=_words(self.lemmas[span.start : span.end]),
        )


MAX_BLOCK_CHARS = 100_000
_PIECE_BREAK = re.compile(r"[.!?][\"')\]\u201d\u2019]*\s+")


def _pieces(text: str, block: Mapping[str, Any], limit: int = MAX_BLOCK_CHARS) -> list[Mapping[str, Any]]:
    """A block, or for a very long one consecutive paragraphs of at most ``limit`` characters cut after
    a sentence's end (or, with none in reach, at whitespace or at the limit).

    spaCy refuses a text over its ``max_length`` (1,000,000 characters), and nobody writes a paragraph
    that long: it is a PDF or HTML page whose structure was lost. Cut up, it is coded like any other
    text instead of taking the whole run down.
    """
    start, end = block["start"], block["end"]
    if end - start <= limit:
        return [block]
    pieces: list[Mapping[str, Any]] = []
    while end - start > limit:
        window = text[start : start + limit]
        breaks = [m.end() for m in _PIECE_BREAK.finditer(window)]
        cut = breaks[-1] if breaks else (window.rfind(" ") + 1 or limit)
        pieces.append(
            {
                **block,
                "kind": "paragraph" if block["kind"] == "heading" else block["kind"],
                "start": start,
                "end": start + cut,
            }
        )
        start += cut
    pieces.append({**block, "start": start, "end": end})
    return pieces


def _words(lemmas: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(lemma for lemma in lemmas if lemma is not None)


_NAME_CONNECTORS = frozenset({"and", "of", "for", "the", "on", "to", "&", "in", "against", "-"})
_TOPIC_GROUPS = frozenset({"area", "practice", "need", "phase"})
_MIN_NAME_WORDS = 3


def _proper_name_runs(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Token spans of multi-word names: runs of at least three capitalized words, which may be joined
    by connectors ("Substance Abuse and Mental Health Services Administration")."""
    runs: list[tuple[int, int]] = []
    start, capitalized, last = -1, 0, -1
    for index, token in enumerate([*tokens, ""]):
        if (token[:1].isupper() and any(ch.islower() for ch in token[1:])) or (token.isupper() and len(token) > 1):
            if start < 0:
                start, capitalized = index, 0
            capitalized += 1
            last = index
        elif start >= 0 and token.lower() in _NAME_CONNECTORS:
            continue
        else:
            if start >= 0 and capitalized >= _MIN_NAME_WORDS:
                runs.append((start, last + 1))
            start = -1
    return runs


def _defined_acronyms(tokens: Sequence[str], names: Sequence[tuple[int, int]]) -> set[str]:
    """Acronyms a block defines for an organisation's name: "... Felony Enforcement (SAFE) team" -> SAFE.

    Only a name with an organisation word in it or right after the acronym (team, program, services,
    coalition: the citation vocabulary's corporate words) counts: "Post-Traumatic Stress Disorder
    (PTSD)" defines a topic's acronym, and PTSD stays mental health.
    """
    organisation = citation_vocabulary().corporate_words

    def names_an_organisation(start: int, end: int) -> bool:
        around = [*tokens[start:end], tokens[end + 3] if end + 3 < len(tokens) else ""]
        return any(token.lower() in organisation for token in around)

    return {
        tokens[end + 1]
        for start, end in names
        if end + 2 < len(tokens)
        and tokens[end] == "("
        and tokens[end + 2] == ")"
        and tokens[end + 1].isupper()
        and tokens[end + 1].isalpha()
        and len(tokens[end + 1]) > 1
        and names_an_organisation(start, end)
    }


def _outside_proper_names(
    tokens: Sequence[str], hits: list[Hit], runs: Sequence[tuple[int, int]], acronyms: Set[str] = frozenset()
) -> list[Hit]:
    """Topic hits that are not words of an organisation's or a law's name, nor its acronym.

    "the Substance Abuse and Mental Health Services Administration establishes ..." is about neither
    substance abuse nor mental health; "Girls Educational and Mentoring Services" is not education;
    once a document has defined "(SAFE)" as a team's name, "the SAFE team" is not about safety.
    A segment that is capitalized throughout (a title-case list item) keeps its hits.
    """
    words = sum(1 for token in tokens if any(ch.isalpha() for ch in token))
    if runs and sum(end - start for start, end in runs) >= 0.8 * max(words, 1):
        return hits

    def in_name(hit: Hit) -> bool:
        return any(start <= hit.start and hit.end <= end for start, end in runs) or all(
            tokens[i] in acronyms for i in range(hit.start, hit.end)
        )

    return [h for h in hits if h.group not in _TOPIC_GROUPS or not in_name(h)]


def _hits_between(hits: Sequence[Hit], starts: Sequence[int], first: int, end: int) -> list[Hit]:
    """The hits starting in tokens [first, end), found by bisection so that a long block stays linear."""
    return list(hits[bisect.bisect_left(starts, first) : bisect.bisect_left(starts, end)])


def _outside_citations(doc: Any, hits: list[Hit], citations: Sequence[Citation]) -> list[Hit]:
    """Hits that do not lie inside an in-text citation.

    A cited author names a source, not the sentence's subject: a sentence citing "(Center for Housing
    Education, 2006)" is about neither housing nor education.
    """
    if not citations:
        return hits
    spans = sorted((c.start, c.end) for c in citations)
    span_starts = [start for start, _ in spans]
    # The furthest end of the citations opening at or before each one: a hit lies inside some
    # citation exactly when the furthest end among those opening at or before it reaches its end.
    furthest = list(itertools.accumulate((end for _, end in spans), max))

    def inside(hit: Hit) -> bool:
        start = doc[hit.start].idx
        end = doc[hit.end - 1].idx + len(doc[hit.end - 1].text)
        index = bisect.bisect_right(span_starts, start) - 1
        return index >= 0 and end <= furthest[index]

    return [h for h in hits if not inside(h)]


_CLAUSE_MARKER = "clause_"
_OPENING_CLAUSE, _AFTER_OPENING_CLAUSE = "opening_clause", "after_opening_clause"
_ACTOR_ACTS = "actor_acts"  # an actor and any verb: practice only in a main clause
_RECOMMENDING_CUES = frozenset({"deontic", "deontic_predicate", "recommendation_headings"})
_CLAUSE_BREAKS = frozenset({",", ";", ":", "(", ")", "\u2013", "\u2014"})


def _in_subordinate_clause(tokens: Sequence[str], hit: Hit, openers: Sequence[Hit], first: int) -> bool:
    """A clause opener lies between ``hit`` and the previous clause break (or the segment's start)."""
    boundary = first
    for index in range(hit.start - 1, first - 1, -1):
        if tokens[index] in _CLAUSE_BREAKS:
            boundary = index + 1
            break
    return any(boundary <= o.start and o.end <= hit.start for o in openers)


def _keep_governing(tokens: Sequence[str], hits: list[Hit], first: int) -> list[Hit]:
    """The hits of one segment (tokens from ``first``) without the cues of subordinate clauses.

    No parser is available, so a token window stands in for the clause: a cue is in a subordinate
    clause when a clause opener (a ``clause_*`` pattern of the do_not cue) lies between it and the
    previous comma or the segment's start. There a bare negation describes ("survivors who do not
    speak English") and a predicate cue reports ("task forces that require collaboration", "research
    has shown that relationships are a key factor"); neither recommends. A negation holding a
    deontic modal ("should not") governs the main clause wherever it stands. The openers themselves
    are markers and are dropped too.
    """
    openers = [h for h in hits if h.group == "cue" and h.code == "do_not" and h.name.startswith(_CLAUSE_MARKER)]
    deontic = [h for h in hits if h.group == "cue" and h.code == "deontic"]
    opens_with_clause = any(h.name == _OPENING_CLAUSE and h.start == first for h in deontic)

    def dropped(hit: Hit) -> bool:
        if hit.group != "cue":
            return False
        if hit.name == _OPENING_CLAUSE:
            return True  # a marker: "If ...", "During ..." opens the segment
        if hit.name == _AFTER_OPENING_CLAUSE:
            # ", ask ..." is an imperative only after an opening clause ("If she agrees, ask ...");
            # elsewhere the comma joins a list ("to identify, provide and refer").
            return not opens_with_clause
        if hit.code == "do_not" and hit.name.startswith(_CLAUSE_MARKER):
            return True  # a marker, never a prohibition itself
        if hit.code == "do_not":
            holds_modal = any(d.start < hit.end and hit.start < d.end for d in deontic)
            return not holds_modal and _in_subordinate_clause(tokens, hit, openers, first)
        if hit.code == "deontic_predicate" or hit.name == _ACTOR_ACTS:
            return _in_subordinate_clause(tokens, hit, openers, first)
        return False

    return [h for h in hits if not dropped(h)]


# --------------------------------------------------------------------------------------- decisions
def _codes(hits: Iterable[Hit], group: str) -> list[str]:
    return sorted({h.code for h in hits if h.group == group})


def _cue(hits: Iterable[Hit], cue: str) -> list[Hit]:
    return [h for h in hits if h.group == "cue" and h.code == cue]


def _recommendation_heading(headings: Sequence[Heading]) -> Heading | None:
    for heading in reversed(headings):
        if not heading.is_title and _cue(heading.hits, "recommendation_headings"):
            return heading
    return None


def is_promising_document(form: Form, matcher: CodebookMatcher, nlp: Any, titles: Sequence[str]) -> bool:
    """A promising-practice document: its manifest title or its own title says so."""
    return any(title and _cue(matcher.hits(nlp(title)), "promising_practice_document") for title in titles)


def rule_decision(segment: Segment) -> tuple[str, list[str]]:
    """The rules' answer to "is this segment a recommendation?": its kind and the cues that decided."""
    hits = segment.hits
    excluded = _cue(hits, "non_recommendation")
    if excluded:
        return "none", [h.evidence for h in excluded]
    deontic = _cue(hits, "deontic") + _cue(hits, "deontic_predicate")
    # A heading like "Recommendations" announces recommendations; it is not one itself.
    if deontic and not (segment.kind == "heading" and _cue(hits, "recommendation_headings")):
        return "explicit", [h.evidence for h in deontic]
    if segment.kind == "heading":
        return "none", []
    rec_heading = _recommendation_heading(segment.headings)
    if rec_heading is not None:
        return "explicit", ["cue:under_recommendation_heading:" + _WHITESPACE.sub("_", rec_heading.text.lower())[:60]]
    if segment.kind == "list_item" and segment.lead_in == "recommending":
        return "explicit", ["cue:recommending_lead_in:list"]
    if _cue(hits, "review_language") and any(h.group in ("area", "practice") for h in hits):
        return "explicit", [h.evidence for h in _cue(hits, "review_language")]
    if _cue(hits, "described_practice"):
        # What a program does for survivors is practice in any document, not only in one that calls
        # itself promising: the decision is the sentence's.
        return "described_practice", [h.evidence for h in _cue(hits, "described_practice")]
    return "none", []


def _with_lead_ins_of_recommended_lists(
    body: Sequence[Segment], decisions: Sequence[tuple[str, list[str]]]
) -> list[tuple[str, list[str]]]:
    """A plain lead-in ("These are largely applicable to ...:") whose list items are mostly
    recommendations introduces recommendations and is one itself; one whose items are findings
    ("Providers reported that victims present with:") stays none."""
    decided = list(decisions)
    for index, segment in enumerate(body):
        if segment.kind != "sentence" or decided[index][0] != "none" or not _LEAD_IN_END.search(segment.text):
            continue
        following = itertools.islice(body, index + 1, None)  # no copy of the rest per lead-in
        items = list(itertools.takewhile(lambda s: s.kind == "list_item" and s.lead_in == "plain", following))
        recommended = sum(kind != "none" for kind, _ in decided[index + 1 : index + 1 + len(items)])
        if items and 2 * recommended > len(items):
            decided[index] = ("explicit", [f"cue:lead_in_of_recommendations:{recommended}/{len(items)}"])
    return decided


def code_segment(
    segment: Segment, order: Mapping[str, int], form: Form, kind: str, decision_evidence: Sequence[str]
) -> dict[str, Any]:
    """The coded row of one segment (without doc_id, segment_id and citations), whose recommendation
    decision is ``kind`` (``rule_decision``'s, or ``model_decision``'s), with the evidence that decided.

    A segment without codes of its own takes its heading's codes only when it is a recommendation:
    under "Safe housing", "Offer a private room" is about housing, but a case narrative or a
    cross-reference there is not.
    """
    hits = segment.hits
    evidence: list[str] = []
    nearest = segment.headings[-1] if segment.headings else None
    is_recommendation = kind != "none"

    areas, practices = _codes(hits, "area"), _codes(hits, "practice")
    evidence += [h.evidence for h in hits if h.group in ("area", "practice")]
    if not areas and not practices and nearest is not None and segment.kind != "heading" and is_recommendation:
        areas, practices = _codes(nearest.hits, "area"), _codes(nearest.hits, "practice")
        evidence += [f"heading:{code}" for code in areas + practices]
    evidence += list(decision_evidence)
    polarity = ""
    if is_recommendation:
        polarity, polarity_evidence = _polarity(hits)
        evidence += polarity_evidence
    needs, phase, phase_source, phase_evidence = _needs_and_phase(segment, set(areas) | set(practices), order, form)
    evidence += phase_evidence
    return {
        "page": segment.page,
        "char_start": segment.start,
        "char_end": segment.end,
        "segment_kind": segment.kind,
        "heading": nearest.text if nearest else "",
        "sentence": segment.text,
        "is_recommendation": is_recommendation,
        "recommendation_kind": kind,
        "polarity": polarity,
        "service_areas": sorted(areas, key=order.__getitem__),
        "practices": sorted(practices, key=order.__getitem__),
        "needs": sorted(needs, key=order.__getitem__),
        "phase": phase,
        "phase_source": phase_source,
        "evidence": list(dict.fromkeys(evidence)),
    }


def _needs_and_phase(
    segment: Segment, coded: set[str], order: Mapping[str, int], form: Form
) -> tuple[list[str], str, str, list[str]]:
    """Needs, phase, phase source and their evidence for a segment coded with ``coded``."""
    hits = segment.hits
    nearest = segment.headings[-1] if segment.headings else None
    evidence: list[str] = []
    # Phase: the segment's own cue, else its heading's cue.
    phase_hits = [h for h in hits if h.group == "phase"]
    if not phase_hits and nearest is not None and segment.kind != "heading":
        phase_hits = [h for h in nearest.hits if h.group == "phase"]
    cued = sorted({h.code for h in phase_hits}, key=order.__getitem__)
    cued_phase = cued[0] if len(cued) == 1 else ""

    # Needs: the need's code must be coded, and its own pattern must match or the cued phase must be
    # its default phase with no other need of the same code in that phase (see the codebook comment).
    own_needs = {h.code for h in hits if h.group == "need"}
    needs: list[str] = []
    for need in form.codebook.needs:
        if need["code"] not in coded:
            continue
        if need["id"] in own_needs:
            needs.append(need["id"])
            evidence += sorted({h.evidence for h in hits if h.group == "need" and h.code == need["id"]})
        elif (
            cued_phase
            and need["phase"] == cued_phase
            and not (own_needs & {n["id"] for n in form.codebook.needs if n["code"] == need["code"]})
        ):
            siblings = [n for n in form.codebook.needs if n["code"] == need["code"] and n["phase"] == cued_phase]
            if len(siblings) == 1:
                needs.append(need["id"])
                evidence.append(f"need:{need['id']}:phase_cue")

    if cued_phase:
        # Two needs of one code, one of them in the cued phase: that one is meant. "Legal advocacy to
        # obtain a T-visa during stabilization" is the stabilization immigration need, not also the
        # crisis legal advocacy need moved into stabilization.
        phase_of = {n["id"]: (n["phase"], n["code"]) for n in form.codebook.needs}
        placed = {phase_of[n][1] for n in needs if phase_of[n][0] == cued_phase}
        needs = [n for n in needs if phase_of[n][0] == cued_phase or phase_of[n][1] not in placed]

    phase, phase_source = "", ""
    if cued_phase:
        phase, phase_source = cued_phase, "cue"
        evidence += sorted({h.evidence for h in phase_hits})
    elif needs:
        defaults = {n["phase"] for n in form.codebook.needs if n["id"] in needs}
        if len(defaults) == 1:
            phase, phase_source = defaults.pop(), "need_default"
    elif len(cued) > 1:
        evidence += sorted({h.evidence for h in phase_hits})
    return needs, phase, phase_source, evidence


def _polarity(hits: Sequence[Hit]) -> tuple[str, list[str]]:
    do_not = _cue(hits, "do_not")
    return ("do_not" if do_not else "do"), [h.evidence for h in do_not]


# --------------------------------------------------------------------------------------- learned scorer
def segment_features(segment: Segment) -> list[str]:
    """What the learned scorer sees of a segment: its words and its heading's words, never the rules'
    cues (``reviewflow.coding.recommender`` says why)."""
    features = word_features(segment.words)
    nearest = segment.headings[-1] if segment.headings else None
    if nearest is not None:
        features += [f"h:{word}" for word in nearest.words if word.isalpha()]
    return features


def model_decision(
    segment: Segment,
    rule_kind: str,
    rule_evidence: Sequence[str],
    probability: float,
    threshold: float,
    add_margin: float,
    veto_margin: float,
) -> tuple[str, list[str], str]:
    """Kind, evidence and ``decided_by`` once the scorer's probability is known.

    The scorer reads the text, not the rules' cues, so the two are independent opinions; where the
    scorer is sure it decides: it adds a recommendation the rules missed at ``threshold + add_margin``
    or above, and vetoes one of theirs at ``threshold - veto_margin`` or below; elsewhere the rules'
    decision stands. A segment the codebook's ``non_recommendation`` cues exclude stays ``none``.
    ``decided_by`` says whether both called the segment a recommendation, or only the rules or only
    the model did. A segment only the model calls a recommendation is ``described_practice`` when a
    described-practice cue fired, else ``explicit``.
    """
    by_rules, by_model = rule_kind != "none", probability >= threshold
    evidence = [*rule_evidence, f"model:{probability:.2f}"]
    if _cue(segment.hits, "non_recommendation"):
        # The codebook says what is never a recommendation (calls for research, pointers to more
        # information, a document about itself); a reviewer's codebook outranks the scorer.
        return "none", evidence, ""
    unsure = probability < threshold + add_margin if by_model else probability > threshold - veto_margin
    if by_rules != by_model and unsure:
        return rule_kind, [*evidence, "model_unsure"], "rules" if by_rules else ""
    if by_rules and by_model:
        return rule_kind, evidence, "both"
    if by_rules:
        return "none", [*evidence, f"rules_overruled:{rule_kind}"], "rules"
    if by_model:
        kind = "described_practice" if _cue(segment.hits, "described_practice") else "explicit"
        return kind, evidence, "model"
    return "none", evidence, ""


# --------------------------------------------------------------------------------------- citations
def _attach_citations(segments: Sequence[Segment], block_start: int, citations: Sequence[Citation]) -> None:
    """Each in-text citation of a block goes to the block's segment whose span holds its start."""
    if not segments:
        return
    starts = [s.start for s in segments]
    for citation in citations:
        if citation.personal_communication:
            continue
        # A citation between two sentences (after the full stop) belongs to the one before.
        index = max(bisect.bisect_right(starts, block_start + citation.start) - 1, 0)
        segments[index].citations.append(citation)


def citation_json(citation: Any) -> dict[str, Any]:
    data = citation.to_json()
    return {key: (list(data[key]) if key == "authors" else data[key]) for key in CITATION_KEYS if key in data}


# --------------------------------------------------------------------------------------- documents
@dataclass
class CodedDocument:
    doc_id: str
    rows: list[dict[str, Any]]
    segments: list[Segment]  # every non-reference segment, front matter included (for the form)
    status: str
    messages: list[str]
    promising: bool
    features: list[list[str]] = field(default_factory=list)  # the scorer's features, one list per row
    vectors: Any = None  # the rows' sentence embeddings (numpy array), when computed


def code_ingested(
    ingested: Mapping[str, Any],
    form_path: str | Path,
    document_row: Mapping[str, Any] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    pipeline: str = "",
    model: RecommendationModel | None = None,
    with_vectors: bool = False,
) -> CodedDocument:
    """Code one ingested document. A document whose ingestion failed gives no rows and status error.

    With a ``model``, the learned scorer decides recommendation? for every segment but headings where
    it is sure (``model_decision``); without one, the rules decide. ``features`` holds each row's scorer features
    either way, and ``vectors`` their sentence embeddings when a model is given or ``with_vectors``
    (the training script labels them with gold).
    """
    form, nlp, matcher = resources(form_path, pipeline)
    doc_id = str(ingested.get("doc_id") or (document_row or {}).get("doc_id") or "")
    quality = ingested.get("quality") or {}
    if quality.get("status") == "error" or not ingested.get("text"):
        messages = list(quality.get("messages") or []) or [f"{doc_id}: no text to code"]
        return CodedDocument(doc_id, [], [], "error", messages, False)
    segments = segment_document(ingested, form, nlp, matcher, batch_size)
    titles = [str((document_row or {}).get("title") or "")]
    titles += [s.text for s in segments if s.kind == "heading" and s.section != "body"][:1]
    promising = is_promising_document(form, matcher, nlp, titles)
    order = _codebook_order(form)
    body = [segment for segment in segments if segment.section == "body"]
    vectors = embed([segment.text for segment in body]) if model is not None or with_vectors else None
    rows: list[dict[str, Any]] = []
    features: list[list[str]] = []
    occurrences: dict[str, int] = {}
    decisions = _with_lead_ins_of_recommended_lists(body, [rule_decision(segment) for segment in body])
    for index, segment in enumerate(body):
        kind, evidence = decisions[index]
        features.append(segment_features(segment))
        confidence, decided_by = "", "rules" if kind != "none" else ""
        if model is not None and vectors is not None and segment.kind != "heading":
            probability = model.probability(hashed(features[-1]), vectors[index])
            kind, evidence, decided_by = model_decision(
                segment, kind, evidence, probability, model.threshold, model.add_margin, model.veto_margin
            )
            confidence = f"{probability:.3f}"
        row = code_segment(segment, order, form, kind, evidence)
        row.update({"confidence": confidence, "decided_by": decided_by})
        normalized = _WHITESPACE.sub(" ", segment.text).strip().lower()
        occurrences[normalized] = occurrences.get(normalized, 0) + 1
        cites = [citation_json(c) for c in segment.citations]
        row.update(
            {
                "doc_id": doc_id,
                "segment_id": segment_id(doc_id, segment.text, occurrences[normalized]),
                "citations_raw": [c["raw"] for c in cites],
                "citations_json": json.dumps(cites, ensure_ascii=False, sort_keys=True) if cites else "",
            }
        )
        rows.append(row)
    return CodedDocument(
        doc_id,
        rows,
        segments,
        quality.get("status", "ok"),
        list(quality.get("messages") or []),
        promising,
        features,
        vectors,
    )


def write_coded_csv(path: str | Path, rows: Sequence[Mapping[str, Any]], extra_columns: Sequence[str] = ()) -> None:
    write_csv(path, rows, [*COLUMNS, *extra_columns])


# --------------------------------------------------------------------------------------- citations resolved
def code_with_citations(
    ingested: Mapping[str, Any], form: str | Path, model: RecommendationModel | None, manifest: str | None
) -> CodedDocument:
    """``code_ingested`` with each row's ``cited_doc_ids``: its in-text citations resolved against
    ``manifest`` (none without one), as the `code` command writes them."""
    coded = code_ingested(ingested, form, model=model)
    resolve = _resolver(manifest, coded.rows)
    for row in coded.rows:
        row["cited_doc_ids"] = _resolve_row(row, resolve)
    return coded


def _resolver(manifest: str | None, rows: Sequence[Mapping[str, Any]]) -> Any:
    if not manifest or not Path(manifest).is_file():
        return None
    from reviewflow.coding.citation_resolver import CitationResolver
    from reviewflow.coding.citations import Citation
    from reviewflow.corpus.manifest import load_manifest

    resolver = CitationResolver(load_manifest(manifest))
    resolver.learn_acronyms(
        [Citation.from_json(c) for row in rows for c in json.loads(row.get("citations_json") or "[]")]
    )
    return resolver


def _resolve_row(row: Mapping[str, Any], resolver: Any) -> list[str]:
    if resolver is None or not row.get("citations_json"):
        return []
    from reviewflow.coding.citations import Citation

    return sorted(
        {doc_id for data in json.loads(row["citations_json"]) if (doc_id := resolver.resolve(Citation.from_json(data)))}
    )

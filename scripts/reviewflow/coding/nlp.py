"""The spaCy side of coding: one pipeline and one set of matchers per process, built from the form.

Every pattern comes from the form's codebook (YAML). A match is reported as a ``Hit`` whose ``group``
says what kind of code it is (``area``, ``practice``, ``need``, ``phase``, ``cue``, ``basis``,
``population``), ``code`` which one, and ``name`` which pattern fired (for the evidence column).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy
import spacy
from spacy.attrs import IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from thinc.types import Ints2d

from reviewflow.errors import ReviewflowError
from reviewflow.form import Form, expand_lexicons, load_form

KEY_SEPARATOR = "\x1f"
EXCLUDE_PREFIX = "exclude_"  # group of a code's exclusion patterns (other word senses)
_FOOTNOTE_END = re.compile(r"[.!?]\[\d+\]$")
_FOOTNOTE_OPEN = re.compile(r"[.!?]\[\d+$")


@dataclass(frozen=True)
class Hit:
    group: str
    code: str
    name: str
    start: int  # token index in the block Doc
    end: int

    @property
    def evidence(self) -> str:
        return f"{self.group}:{self.code}:{self.name}"


@Language.factory("reviewflow_lower_lemma")
def _make_lower_lemma(nlp: Language, name: str) -> Any:
    """Lower-case lemmas, looking capitalized words up again in lower case.

    The lookup table is keyed by the word as written, so "Shelters" at the start of a sentence or in a
    title-case heading would keep its surface form; LEMMA patterns are written in lower case.
    """
    lookup_table = None
    if "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_lookup"):
            lookup_table = lookups.get_table("lemma_lookup")

    def lookup(word: str) -> str:
        return lookup_table.get(word, word) if lookup_table is not None else word

    def lowered(text: str, lower: str, lemma: str) -> str:
        if not lemma or (lemma == text and text != lower):
            lemma = lookup(lower)
        return lemma.lower()

    # (word, lemma) -> the lower-case lemma, as hashes: a word is looked up once per process (the
    # table grows with the vocabulary, as spaCy's own does), and a Doc is read and written as arrays
    # (a Token object per token cost more than the lookup)
    done: dict[tuple[int, int], int] = {}

    def lower_lemma(doc: Doc) -> Doc:
        strings = doc.vocab.strings
        lemmas = []
        for text, lower, lemma in doc.to_array([ORTH, LOWER, LEMMA]).tolist():
            new = done.get((text, lemma))
            if new is None:
                new = done[(text, lemma)] = strings.add(lowered(strings[text], strings[lower], strings[lemma]))
            lemmas.append(new)
        if lemmas:
            doc.from_array([LEMMA], cast(Ints2d, numpy.array(lemmas, dtype="uint64").reshape(-1, 1)))
        return doc

    return lower_lemma


@Language.component("reviewflow_sentence_repair")
def _sentence_repair(doc: Doc) -> Doc:
    """Fix the rule-based sentencizer where citations and footnotes fool it.

    It would start sentences inside "(Smith et al., 2003)" or at a lower-case word after "e.g.", and
    miss the boundary in "staff.[5] As a measure". A sentence may start only outside brackets, at a
    token that does not begin in lower case, and a footnote marker after a full stop ends a sentence.
    """
    strings = doc.vocab.strings
    words = doc.to_array(ORTH).tolist()
    # All boundaries are read and written as one array: setting Token.is_sent_start one token at a
    # time makes spaCy re-check the whole Doc each time, which is quadratic in the block's length.
    starts = doc.to_array(SENT_START).astype("int64").tolist()  # 1 start, -1 not a start, 0 unset
    depth = 0
    for index, word in enumerate(words):
        facts = _WORD_FACTS.get(word)
        if facts is None:
            facts = _WORD_FACTS[word] = _word_facts(strings[word])
        can_start, brackets = facts
        if index > 0:
            if depth > 0 or not can_start:
                starts[index] = -1
            elif _after_footnote(strings, words, index):
                starts[index] = 1
        if brackets:
            depth = max(depth + brackets, 0)
    if words:
        starts[0] = 1
        doc.from_array([SENT_START], cast(Ints2d, numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1)))
    return doc


# a word's hash -> _word_facts(word): each word's text is read once per process, not once a token
_WORD_FACTS: dict[int, tuple[bool, int]] = {}


def _word_facts(text: str) -> tuple[bool, int]:
    """Whether a sentence may start at a token with this text (it does not begin in lower case), and
    by how many brackets it deepens (negative: closes) the nesting."""
    first = text[:1]
    deepens = text.count("(") + text.count("[") - text.count(")") - text.count("]")
    return first.isupper() or first in "\"'\u201c\u2018", deepens


def _after_footnote(strings: Any, words: Sequence[int], index: int) -> bool:
    """A footnote marker after a full stop ("staff.[5]", "staff.[5 ]") ends the tokens before ``index``."""
    before = strings[words[index - 1]]
    return bool(_FOOTNOTE_END.search(before)) or (
        before == "]" and index > 1 and bool(_FOOTNOTE_OPEN.search(strings[words[index - 2]]))
    )


def token_texts(doc: Doc) -> list[str]:
    """The text of each token, read from one array: no Token object per token."""
    strings = doc.vocab.strings
    return [strings[word] for word in doc.to_array(ORTH).tolist()]


def token_words(doc: Doc) -> list[str | None]:
    """Each token's lemma (its lower-case form if it has none), None for whitespace; from one array."""
    strings = doc.vocab.strings
    return [
        None if space else strings[lemma or lower]
        for lemma, lower, space in doc.to_array([LEMMA, LOWER, IS_SPACE]).tolist()
    ]


@lru_cache(maxsize=4)
def build_nlp(pipeline: str = "") -> Language:
    """``spacy.blank("en")`` + sentencizer + lookup lemmatizer, or an installed trained pipeline."""
    if pipeline:
        try:
            nlp = spacy.load(pipeline, exclude=["ner"])
        except OSError:
            raise ReviewflowError(
                f"spaCy pipeline '{pipeline}' (config coding.spacy_pipeline) is not installed. "
                'Fix: install it, or set coding.spacy_pipeline to "" for the built-in blank English '
                "pipeline."
            ) from None
        if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        nlp.add_pipe("reviewflow_lower_lemma")
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("reviewflow_sentence_repair")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.add_pipe("reviewflow_lower_lemma")
    return nlp


class Need(NamedTuple):
    """A word a match of a token pattern needs near its anchor: the token ``nearest`` to ``farthest``
    tokens after the anchor word (before it when negative) has one of ``words`` in column ``column``
    of ``NEED_ATTR_IDS``."""

    column: int
    words: frozenset[int]
    nearest: int
    farthest: int


@dataclass(eq=False)  # a group is itself (hashable by identity), whatever patterns it holds
class AnchoredGroup:
    """Token patterns that share their anchor words at the same position (``offset``, in tokens from the
    pattern's first token), the longest one's length in tokens, and the words each pattern needs
    around its anchor (``Need``)."""

    matcher: Matcher
    offset: int = 0
    length: int = 0
    needs: list[tuple[Need, ...]] = field(default_factory=list)

    def may_match(self, columns: Sequence[Sequence[int]], anchor: int) -> bool:
        """False when no pattern of the group can match around the anchor word at token ``anchor``:
        a word one of them needs is missing from where it would have to stand. Only words are read, so
        this is a necessary condition, and spaCy's Matcher still decides."""
        length = len(columns[0])
        for needs in self.needs:
            for column, words, nearest, farthest in needs:
                values = columns[column]
                if nearest == farthest:
                    at = anchor + nearest
                    if 0 <= at < length and values[at] in words:
                        continue
                    break
                for at in range(max(anchor + nearest, 0), min(anchor + farthest + 1, length)):
                    if values[at] in words:
                        break
                else:
                    break
            else:
                return True
        return False


class CodebookMatcher:
    """All patterns of a form's codebook, compiled once for one spaCy pipeline."""

    def __init__(self, form: Form, nlp: Language):
        self.nlp = nlp
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.tokens = Matcher(nlp.vocab)  # token patterns that can start at any token
        # Token patterns one of whose required tokens must have one of a few words (ANCHOR_ATTRS) and
        # whose length is bounded: each group of patterns that share those words (at the same place)
        # runs only on windows around them. spaCy's Matcher tries every pattern at every token, so on
        # text where the words are rare (a run-on line, most of any text) this is the difference
        # between ~190 microseconds a token and a few; one group per anchor set keeps patterns that
        # start with common words ("is", "the") from widening the windows of those that start with
        # rare ones ("refer").
        self.anchored: dict[tuple[str, frozenset[str], int], AnchoredGroup] = {}
        self.anchors: dict[str, set[str]] = {attr: set() for attr in ANCHOR_ATTRS}
        # per attribute (ANCHOR_ATTRS), the groups a word (its hash) anchors
        self._groups_of: list[dict[int, list[AnchoredGroup]]] = [{} for _ in ANCHOR_ATTRS]
        self._names: dict[int, tuple[str, str, str]] = {}  # match id -> (group, code, pattern name)
        book = form.codebook
        groups: list[tuple[str, list[dict[str, Any]]]] = [
            ("phase", list(book.phases)),
            ("area", list(book.service_areas)),
            ("practice", list(book.practices)),
            ("need", list(book.needs)),
            ("basis", list(book.evidence_basis)),
            ("population", list(book.population)),
        ]
        lemma_phrases: list[tuple[str, str]] = []
        for group, entries in groups:
            for entry in entries:
                for pattern in entry.get("patterns") or []:
                    self._add(group, entry["id"], pattern, lemma_phrases)
                for pattern in entry.get("exclude") or []:
                    self._add(EXCLUDE_PREFIX + group, entry["id"], pattern, lemma_phrases)
        for cue, patterns in book.cues.items():
            for pattern in patterns or []:
                self._add("cue", cue, pattern, lemma_phrases)
        # LEMMA phrases need lemmas, so they go through the pipeline (once, batched).
        texts = [phrase for _, phrase in lemma_phrases]
        for (key, _), doc in zip(lemma_phrases, nlp.pipe(texts), strict=True):
            self.lemma.add(key, [doc])

    def _add(self, group: str, code: str, pattern: Any, lemma_phrases: list[tuple[str, str]]) -> None:
        if isinstance(pattern, str):
            pattern = {"phrase": pattern}
        if "pattern" in pattern:
            key = KEY_SEPARATOR.join((group, code, pattern["id"]))
            phrases = _as_phrases(pattern["pattern"])
            if phrases is not None:
                self.lower.add(key, [Doc(self.nlp.vocab, words=list(words)) for words in phrases])
            else:
                self._add_token_pattern(key, expand_lexicons(pattern["pattern"]))
            return
        phrase = pattern["phrase"]
        key = KEY_SEPARATOR.join((group, code, pattern.get("id") or phrase.lower()))
        if pattern.get("attr", "LOWER") == "LEMMA":
            lemma_phrases.append((key, phrase))
        else:
            self.lower.add(key, [self.nlp.make_doc(phrase)])

    def _add_token_pattern(self, key: str, pattern: list[dict[str, Any]]) -> None:
        anchor = _anchor(pattern)
        if anchor is None:
            self.tokens.add(key, [pattern])
            return
        attr, values, offset = anchor
        self.anchors[attr] |= values
        anchored_by = (attr, frozenset(values), offset)
        group = self.anchored.get(anchored_by)
        if group is None:
            group = self.anchored[anchored_by] = AnchoredGroup(Matcher(self.nlp.vocab), offset)
            for value in values:
                word = self.nlp.vocab.strings.add(value)
                self._groups_of[ANCHOR_ATTRS.index(attr)].setdefault(word, []).append(group)
        group.length = max(group.length, len(pattern))
        group.needs.append(_needs(pattern, offset, ANCHOR_ATTRS.index(attr), self.nlp.vocab.strings))
        group.matcher.add(key, [pattern])

    def anchored_windows(self, doc: Doc) -> list[tuple[AnchoredGroup, int, int]]:
        """(group, first, last): disjoint token ranges of ``doc`` per group of anchored patterns, holding
        every match of the group's patterns: around each of its anchor words that has the other words
        one of those patterns needs about it (``AnchoredGroup.may_match``), from where a match holding
        it can start (``offset`` tokens before) for as long as the group's longest pattern (overlapping
        ranges merged)."""
        starts: dict[AnchoredGroup, list[int]] = {}
        # the words' hashes from one array: no Token object per token
        columns = doc.to_array(NEED_ATTR_IDS).T.tolist()
        for attr, groups_of in enumerate(self._groups_of):
            for index, word in enumerate(columns[attr]):
                # Most anchor words stand where none of their group's patterns can match (~96% in
                # the default corpus): a Matcher call costs ~10 microseconds however short its
                # window, a look at the few words a pattern needs a fraction of one.
                for group in groups_of.get(word, ()):
                    if group.may_match(columns, index):
                        starts.setdefault(group, []).append(index)
        windows: list[tuple[AnchoredGroup, int, int]] = []
        # A group anchors on one attribute, so its starts arrive once each, in increasing order.
        for group, indices in starts.items():
            merged: list[tuple[int, int]] = []
            for index in indices:
                first, end = max(index - group.offset, 0), min(index - group.offset + group.length, len(doc))
                if merged and first <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                else:
                    merged.append((first, end))
            windows += [(group, first, last) for first, last in merged]
        return windows

    def anchored_matches(self, doc: Doc) -> set[tuple[int, int, int]]:
        """(match_id, start, end) of every anchored pattern in ``doc``."""
        found = set()
        for group, first, last in self.anchored_windows(doc):
            # a Span's matches are numbered from its first token
            found |= {(key, first + start, first + end) for key, start, end in group.matcher(doc[first:last])}
        return found

    def hits(self, doc: Doc) -> list[Hit]:
        found = self.anchored_matches(doc)
        for matcher in (self.lower, self.lemma, self.tokens):
            if len(matcher):  # spaCy's Matcher refuses to run without patterns
                found.update(matcher(doc))
        # A match id stands for one (group, code, name): matches are told apart and sorted as plain
        # tuples, and a Hit is made once per match.
        names = self._names
        ordered = sorted((start, end, *(names.get(key) or self._name(key))) for key, start, end in found)
        hits = [Hit(group, code, name, start, end) for start, end, group, code, name in ordered]
        return _drop_contained(_drop_excluded(hits))

    def _name(self, key: int) -> tuple[str, str, str]:
        group, code, name = self.nlp.vocab.strings[key].split(KEY_SEPARATOR)
        self._names[key] = (group, code, name)
        return group, code, name


# The attributes (the order anchors are looked up in) a token pattern's anchor token can anchor it by.
ANCHOR_ATTRS = ("LOWER", "LEMMA", "ORTH")
# ... and those a pattern's needs are read from: the same, and whether a token starts a sentence
NEED_ATTR_IDS = [LOWER, LEMMA, ORTH, SENT_START]
_SENT_START_COLUMN = 3


def _needs(pattern: Sequence[dict[str, Any]], offset: int, anchor_column: int, strings: Any) -> tuple[Need, ...]:
    """The words a match of a bounded ``pattern`` anchored at token ``offset`` (by its word in
    ``anchor_column``) needs besides that word, and where: each required token's
    ``LOWER``/``LEMMA``/``ORTH`` word or ``IN`` list, and its ``IS_SENT_START: true`` (spaCy's Matcher
    reads that as the token's SENT_START being 1). Optional tokens between it and the anchor may be
    absent, so its distance from the anchor is a range. Those at one place, then those of few words,
    come first: they rule a window out soonest."""
    needs: list[Need] = []
    for index, token in enumerate(pattern):
        if "OP" in token:
            continue
        between = range(min(index, offset) + 1, max(index, offset))
        required_between = sum(1 for i in between if "OP" not in pattern[i])
        if index >= offset:
            nearest, farthest = (0, 0) if index == offset else (required_between + 1, index - offset)
        else:
            nearest, farthest = index - offset, -(required_between + 1)
        for column, attr in enumerate(ANCHOR_ATTRS):
            words = _words_of(token.get(attr))
            if words is not None and (index, column) != (offset, anchor_column):
                needs.append(Need(column, frozenset(strings.add(word) for word in words), nearest, farthest))
        if token.get("IS_SENT_START") is True:
            needs.append(Need(_SENT_START_COLUMN, frozenset({1}), nearest, farthest))
    return tuple(sorted(needs, key=lambda need: (need.farthest - need.nearest, len(need.words))))


def _words_of(value: Any) -> set[str] | None:
    """The words a token pattern's attribute value allows: a word, or an ``IN`` list of words."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return set(value["IN"])
    return None


def _anchor(pattern: Sequence[dict[str, Any]]) -> tuple[str, set[str], int] | None:
    """(attribute, values, offset) such that every match of ``pattern`` holds a token with one of the
    values of that attribute, at most ``offset`` tokens after the match's start, when the pattern's
    length is bounded (no operator but '?'); None otherwise. The anchor is the first required token that
    says ``LOWER``/``LEMMA``/``ORTH`` is a word or ``IN`` a list of words: a pattern that opens on a
    common word's negation (``NOT_IN``, "any word but not") still runs only near its rarer words.
    """
    if not pattern or any(token.get("OP", "?") != "?" for token in pattern):
        return None
    for offset, token in enumerate(pattern):
        if "OP" in token:
            continue
        for attr in ANCHOR_ATTRS:
            words = _words_of(token.get(attr))
            if words is not None:
                return attr, words, offset
    return None


MAX_PHRASES_PER_PATTERN = 256


def _as_phrases(pattern: Sequence[dict[str, Any]]) -> list[tuple[str, ...]] | None:
    """The fixed word sequences a token pattern of plain lower-case words stands for, or None.

    ``[{LOWER: {IN: [is, are]}}, {LOWER: key}]`` matches exactly "is key" and "are key": as phrases
    they are found by hash lookup, while spaCy's Matcher tries every token pattern at every token, so
    moving them keeps coding fast as the codebook grows. Patterns with operators, other attributes or
    too many combinations stay token patterns.
    """
    choices: list[list[str]] = []
    for token in pattern:
        if set(token) != {"LOWER"}:
            return None
        value = token["LOWER"]
        if isinstance(value, str):
            choices.append([value])
        elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
            choices.append(list(dict.fromkeys(value["IN"])))
        else:
            return None
    if math.prod(len(c) for c in choices) > MAX_PHRASES_PER_PATTERN:
        return None
    return list(itertools.product(*choices))


def _near(hits: Sequence[Hit], starts: Sequence[int], longest: int, hit: Hit) -> Sequence[Hit]:
    """The hits (sorted by start) that can overlap ``hit``: they start less than ``longest`` tokens
    before its end. A bounded window keeps a long block linear, not quadratic, in its hits."""
    return hits[bisect.bisect_left(starts, hit.start - longest + 1) : bisect.bisect_left(starts, hit.end)]


def _drop_excluded(hits: list[Hit]) -> list[Hit]:
    """Drop a code's hits that overlap one of that code's exclusions (another word sense); the
    exclusions themselves are markers and are dropped too."""
    exclusions = [h for h in hits if h.group.startswith(EXCLUDE_PREFIX)]
    if not exclusions:
        return hits
    starts = [e.start for e in exclusions]
    longest = max(e.end - e.start for e in exclusions)

    def excluded(hit: Hit) -> bool:
        return any(
            e.group == EXCLUDE_PREFIX + hit.group and e.code == hit.code and e.start < hit.end and hit.start < e.end
            for e in _near(exclusions, starts, longest, hit)
        )

    return [h for h in hits if not h.group.startswith(EXCLUDE_PREFIX) and not excluded(h)]


# Groups whose codes compete for the same words: areas with practices, phases with phases.
_COMPETING = {"area": "codes", "practice": "codes", "phase": "phases"}


def _drop_contained(hits: list[Hit]) -> list[Hit]:
    """Drop a hit lying inside a longer hit of another code it competes with.

    "mental health care" is mental health, not also physical "health care"; "once the crisis has
    passed" is after the crisis, not in it. The longest phrase written in the codebook decides, as in
    spaCy's filter_spans.
    """
    competing = [h for h in hits if h.group in _COMPETING]
    if not competing:
        return hits
    starts = [h.start for h in competing]
    longest = max(h.end - h.start for h in competing)

    def inside_longer(hit: Hit) -> bool:
        return any(
            _COMPETING[other.group] == _COMPETING[hit.group]
            and other.code != hit.code
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            for other in _near(competing, starts, longest, hit)
        )

    return [h for h in hits if h.group not in _COMPETING or not inside_longer(h)]


_CACHE: dict[tuple[str, str, str], tuple[Form, Language, CodebookMatcher]] = {}


def resources(form_path: str | Path, pipeline: str = "") -> tuple[Form, Language, CodebookMatcher]:
    """Form, pipeline and matchers for this process, rebuilt only when the form file changes."""
    path = Path(form_path)
    digest = hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else ""
    key = (str(path.resolve()), digest, pipeline)
    if key not in _CACHE:
        form = load_form(path)
        nlp = build_nlp(pipeline)
        _CACHE[key] = (form, nlp, CodebookMatcher(form, nlp))
    return _CACHE[key]

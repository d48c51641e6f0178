"""Text clean-up shared by the PDF, HTML and text readers: safe Unicode normalization, rejoining words
hyphenated across a line break, and the vocabulary that decides which hyphens are real.

Why a vocabulary: `compre-|hensive` must become `comprehensive` while `trauma-|informed` must stay
`trauma-informed`. Neither spelling nor position tells them apart; knowing which words exist does. We
use the English word lists of spacy-lookups-data (installed with the stack) plus every word
and hyphenated compound the document itself uses on one line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# NFKC on a whole text also rewrites superscripts (footnote markers would glue to words: `care²` →
# `care2`), fractions and the like, so only the characters whose compatibility form is plainly the
# same text are normalized: Latin ligatures, exotic spaces and full-width ASCII.
_LIGATURES = {chr(c) for c in range(0xFB00, 0xFB07)}
_SPACES = {
    "\u00a0",
    "\u2000",
    "\u2001",
    "\u2002",
    "\u2003",
    "\u2004",
    "\u2005",
    "\u2006",
    "\u2007",
    "\u2008",
    "\u2009",
    "\u200a",
    "\u202f",
    "\u205f",
    "\u3000",
}
_FULLWIDTH = {chr(c) for c in range(0xFF01, 0xFF5F)}
_NFKC_SAFE = _LIGATURES | _SPACES | _FULLWIDTH
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}  # soft hyphen, zero-width characters
_SAFE_RE = re.compile("[" + "".join(sorted(_NFKC_SAFE | _DROP)) + "]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACE_RUN_RE = re.compile(r"[ \t\r\f\v]+")


def normalize_chars(text: str) -> str:
    """Ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ) and exotic spaces to plain text; control characters dropped."""

    def replace(match: re.Match[str]) -> str:
        char = match.group(0)
        return "" if char in _DROP else unicodedata.normalize("NFKC", char)

    return _CONTROL_RE.sub("", _SAFE_RE.sub(replace, text))


# TeX-made PDFs often draw an accent as a separate spacing character after its letter (`Schu¨tze`,
# `Pas¸ca`): put it back on the letter.
_SPACING_ACCENTS = {
    "\u00a8": "\u0308",
    "\u00b4": "\u0301",
    "\u02c6": "\u0302",
    "\u02dc": "\u0303",
    "\u00b8": "\u0327",
    "\u02c7": "\u030c",
    "\u02d8": "\u0306",
    "\u02da": "\u030a",
}
_SPACING_ACCENT_RE = re.compile("([A-Za-z])([" + "".join(_SPACING_ACCENTS) + "])")


def attach_accents(text: str) -> str:
    if not _SPACING_ACCENT_RE.search(text):
        return text
    return unicodedata.normalize(
        "NFC", _SPACING_ACCENT_RE.sub(lambda m: m.group(1) + _SPACING_ACCENTS[m.group(2)], text)
    )


def squeeze_spaces(text: str) -> str:
    return _SPACE_RUN_RE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """English words from spacy-lookups-data: every form in spaCy's lemma lookup table, its lemmas,
    and the WordNet lemma index (nouns, verbs, adjectives, adverbs).

    The package's JSON files are read directly: `spacy.lookups.load_lookups` would import spaCy
    (about 1.5 s), which an ingest job does not otherwise need.
    """
    import gzip
    import importlib.resources
    import json

    try:
        data = importlib.resources.files("spacy_lookups_data") / "data"
        lookup = json.loads(gzip.decompress((data / "en_lemma_lookup.json.gz").read_bytes()))
        index = json.loads(gzip.decompress((data / "en_lemma_index.json.gz").read_bytes()))
    except (ModuleNotFoundError, FileNotFoundError, ValueError):  # pragma: no cover - package missing
        return frozenset()
    words = set(lookup) | set(lookup.values())
    for pos in ("noun", "verb", "adj", "adv"):
        words.update(word for word in index.get(pos, ()) if "_" not in word)
    return frozenset(word.lower() for word in words)


def is_lexicon_word(word: str) -> bool:
    word = word.lower()
    lexicon = _lexicon()
    if word in lexicon:
        return True
    # The table lists inflected forms it maps to a different lemma; regular ones may be absent.
    for suffix in ("s", "es", "ed", "d", "ing", "ly", "er", "est"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and word[: -len(suffix)] in lexicon:
            return True
    return False


_WORD_RE = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)*")


@dataclass
class Vocabulary:
    """Words the document uses whole on one line, and the hyphenated compounds it writes."""

    words: set[str] = field(default_factory=set)
    compounds: set[str] = field(default_factory=set)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Vocabulary:
        vocab = cls()
        for line in lines:
            tokens = _WORD_RE.findall(line)
            # A token that ends the line with a hyphen is a fragment, not a word of the document.
            if tokens and line.rstrip().endswith(("-", "\u2010", "\u2011")):
                tokens = tokens[:-1]
            for token in tokens:
                lower = token.lower()
                if "-" in lower or "\u2010" in lower or "\u2011" in lower:
                    lower = lower.replace("\u2010", "-").replace("\u2011", "-")
                    vocab.compounds.add(lower)
                    vocab.words.update(lower.split("-"))
                else:
                    vocab.words.add(lower)
        return vocab

    def knows(self, word: str) -> bool:
        return word.lower() in self.words or is_lexicon_word(word)


_TRAILING_FRAGMENT_RE = re.compile(r"([^\W\d_]+)[-\u2010\u2011]$")
_LEADING_FRAGMENT_RE = re.compile(r"^([^\W\d_]+)")


def keeps_hyphen(left: str, right: str, vocab: Vocabulary) -> bool:
    """Whether `left-` at a line end followed by `right` is a real hyphen (True) or a line-break one."""
    if right[:1].isupper() or left.isupper():
        return True  # non-|English, COVID-|19-style names and acronyms keep their hyphen
    compound = f"{left}-{right}".lower()
    joined = f"{left}{right}".lower()
    if compound in vocab.compounds:
        return True
    if joined in vocab.words:
        return False
    if is_lexicon_word(joined):
        return False
    # Two words that exist on their own (trauma + informed) make a compound; otherwise the pieces are
    # syllables of one word the lexicon does not know (a technical term): join them.
    return vocab.knows(left) and vocab.knows(right)


def join_pair(left: str, right: str, vocab: Vocabulary) -> str:
    """`left` and `right` (both already clean) joined as consecutive lines: a space, or nothing where
    a word hyphenated at the line break is rejoined. Looks only at the end of `left`, so joining onto
    a long paragraph costs the same as onto a short one."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith(("-", "\u2010", "\u2011")) and not left.endswith(("--", " -")):
        fragment = _TRAILING_FRAGMENT_RE.search(left[-80:])
        following = _LEADING_FRAGMENT_RE.match(right)
        if fragment and following:
            if keeps_hyphen(fragment.group(1), following.group(1), vocab):
                return left[:-1] + "-" + right
            return left[:-1] + right
        # `1990-` + `1995`, `pre-` + `(and post-)`: a hyphen after a non-letter is always real.
        return left + right
    return left + " " + right


def join_lines(lines: list[str], vocab: Vocabulary) -> str:
    """Join the lines of one block with spaces, rejoining words hyphenated at a line break."""
    parts: list[str] = []  # joined once at the end: appending to one long string would be quadratic
    for raw in lines:
        line = squeeze_spaces(raw)
        if not line:
            continue
        if parts:
            joined = join_pair(parts[-1], line, vocab)
            parts[-1] = joined[: len(joined) - len(line)]  # the previous line with its boundary fixed
        parts.append(line)
    return "".join(parts)

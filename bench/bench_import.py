"""BibTeX import speed: characters per second of `corpus.parse_bibtex`, against decoding every field.

    .venv/bin/python bench/bench_import.py [--entries 100,400,1600] [--before-entries 100,400]
                                           [--field-kb 20,80] [--repeat 3]

Input: a generated export like a database's, each entry with authors (some with accents in LaTeX),
a title (some with '--' or braces), a journal, a year, a DOI, a file and a ~1 KB abstract (the bulk
of a real export; some abstracts with '%' or LaTeX). "before" parses the same text as reviewflow did
before it decoded only the fields it uses: bibtexparser's LatexDecodingMiddleware over every field
(pylatexenc reads one character at a time). "after" is `parse_bibtex` now. Then one entry whose
abstract is one long field with LaTeX markup in it (the shape of the 560 KB field of issue 14), and a
title that long, which is refused by its length rather than decoded.
Figures: best of --repeat, seconds and characters per second; per-size rates that stay flat mean
linear time.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import bibtexparser  # noqa: E402
from bibtexparser import middlewares  # noqa: E402

from reviewflow.corpus.importing import parse_bibtex  # noqa: E402

WORDS = [
    "survivors",
    "need",
    "safe",
    "shelter",
    "qualified",
    "interpreters",
    "case",
    "managers",
    "coordinate",
    "legal",
    "advocacy",
    "care",
]
NAMES = ["Hodge, David R.", 'M{\\"u}ller, J{\\"o}rg', "Tzvetkova, Marina", "Aron, Laudan Y.", "Sp{\\'e}cial, Ana"]


def export(entries: int, seed: int = 14) -> str:
    rng = random.Random(seed)
    out = []
    for number in range(entries):
        words = " ".join(rng.choice(WORDS) for _ in range(150))
        abstract = words if number % 3 else words.replace("care", "care -- 40\\% of {\\em them}")
        title = " ".join(rng.choice(WORDS) for _ in range(10))
        out.append(
            f"@article{{key{number},\n  author = {{{' and '.join(rng.sample(NAMES, 3))}}},\n"
            f"  title = {{{title if number % 2 else title + ' -- the {U.S.} case'}}},\n"
            f"  journal = {{Social Work}}, year = {{{2000 + number % 20}}}, doi = {{10.1000/{number}}},\n"
            f"  abstract = {{{abstract}}},\n  file = {{:docs/{number}.pdf:PDF}}\n}}\n"
        )
    return "".join(out)


def one_long_field(kb: int, field: str) -> str:
    unit = "word {\\'e} -- "
    return (
        f"@article{{big, author = {{Smith, Ann}}, year = {{2001}}, {field} = {{{unit * (kb * 1024 // len(unit))}}}}}\n"
    )


def before(path: Path) -> int:
    """The old pipeline: the same middlewares plus bibtexparser's LaTeX decoding of every field."""
    library = bibtexparser.parse_string(
        path.read_text(encoding="utf-8"),
        append_middleware=[
            middlewares.NormalizeFieldKeys(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )
    return len(library.entries)


def after(path: Path) -> int:
    return len(parse_bibtex(path))


def best(function, path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - start)
    return min(times)


def row(label: str, function, text: str, repeat: int, folder: Path) -> None:
    path = folder / "export.bib"
    path.write_text(text, encoding="utf-8")
    seconds = best(function, path, repeat)
    print(f"{label:<44} {len(text):>10,} {seconds:>9.3f} {len(text) / seconds:>14,.0f}", flush=True)


def sizes(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="100,400,1600", help="export sizes (entries) for 'after'")
    parser.add_argument("--before-entries", default="100,400", help="export sizes for 'before' (slow)")
    parser.add_argument("--field-kb", default="20,80", help="sizes (KB) of the one long field")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    print(f"{'input':<44} {'chars':>10} {'seconds':>9} {'chars/s':>14}")
    with tempfile.TemporaryDirectory(prefix="rf-bench-import-") as tmp:
        folder = Path(tmp)
        for entries in sizes(args.before_entries):
            row(f"before: export of {entries} entries", before, export(entries), 1, folder)
        for entries in sizes(args.entries):
            row(f"after:  export of {entries} entries", after, export(entries), args.repeat, folder)
        for kb in sizes(args.field_kb):
            row(f"before: one {kb} KB abstract with markup", before, one_long_field(kb, "abstract"), 1, folder)
            row(f"after:  one {kb} KB abstract with markup", after, one_long_field(kb, "abstract"), args.repeat, folder)
            row(f"after:  one {kb} KB title (refused)", after, one_long_field(kb, "title"), args.repeat, folder)


if __name__ == "__main__":
    main()

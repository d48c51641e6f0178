"""A bounded, seeded fuzz harness for reviewflow's input readers.

    python bench/fuzz.py [--kinds pdf,text,html,bibtex,ris,manifest,decisions] [--cases N] [--seed S]
                         [--timeout T] [--jobs 2]

Each case is one mutated input built from the project's own files (corpus/, tests/fixtures/) by a
seeded mutator (``random.Random(f"{seed}:{kind}:{index}")``, so a case is the same for the same seed
and index whatever else runs), fed to the public entry point of its kind in a worker process:

- pdf, text, html: ``ingestion.ingest_file`` then ``coding.code_ingested`` with the default form;
- bibtex, ris: ``corpus.parse_bibtex`` / ``parse_ris`` then ``add_entries`` into a temporary manifest;
- manifest: ``manifest.load_manifest``;
- decisions: ``review.load_decision_sheet`` (CSV and XLSX), as combine reads them.

A *crash* is an exception other than the library's clear-error types (ReviewflowError and subclasses,
ManifestError, FormError) escaping the entry point, or an ingested record without a status in
ok/warning/error or (warning/error) without a message. A *hang* is a case over ``--timeout`` seconds:
its worker is killed and replaced. ``peak MB`` is the largest peak resident memory (VmHWM) of a worker
process over the kind's cases, the loaded coding resources included. Every crashing or hanging input is saved under
bench/out/fuzz/<kind>/ with a .txt beside it (traceback, how to replay it). ``caught`` counts
ingestion cases where the reader's catch-all turned an unexpected exception into an error record
(not a crash by the definition above, but worth reading): up to 3 inputs per exception type are saved
as ``<case>-caught.<ext>``, the catch-all's message in their .txt.

``python bench/fuzz.py --replay bench/out/fuzz/html/00042-crash.html --kinds html`` runs one saved input
in this process and prints its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import multiprocessing as mp
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

KINDS = ("pdf", "text", "html", "bibtex", "ris", "manifest", "decisions")
INGESTED = ("pdf", "text", "html")  # ingested, then coded
# Default cases per kind: about 4 minutes in total on 2 cores (measured with 1 job: ris ~130 cases/s,
# manifest ~18, decisions ~9, pdf ~3, text ~1.5, html ~1; coding dominates the documents. bibtex was
# ~1.6 while every field went through pylatexenc, ~14 on a loaded machine since only used fields with
# markup do). At 10,000 cases a kind (seed 14, 2 jobs at nice 19 on 2 shared cores, load ~6): ris 130
# cases/s, bibtex 82, manifest 26, decisions 19, pdf 12, text 12, html 11; no crash or hang in any.
DEFAULT_CASES = {"pdf": 150, "text": 150, "html": 120, "bibtex": 1000, "ris": 2000, "manifest": 1000, "decisions": 600}
FORM = ROOT / "extraction_forms" / "macy_johns_2011.yaml"
OUT = ROOT / "bench" / "out" / "fuzz"
EXTENSIONS = {"pdf": ".pdf", "text": ".txt", "html": ".html", "bibtex": ".bib", "ris": ".ris", "manifest": ".csv"}


# ================================================================================== seeds
def _files(*patterns: str) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        found += sorted(ROOT.glob(pattern))
    return found


def load_seeds() -> dict[str, list[bytes]]:
    """The project's own files, by kind (read once, in the parent)."""
    read = lambda paths: [p.read_bytes() for p in paths]  # noqa: E731
    seeds = {
        "pdf": read(_files("corpus/documents/*.pdf", "corpus/*/documents/*.pdf")),
        "text": read(_files("corpus/documents/*.txt", "corpus/*/documents/*.txt", "corpus/surrogates/*.md")),
        "html": read(_files("corpus/documents/*.html", "corpus/*/documents/*.html")),
        "manifest": read(_files("corpus/manifest.csv", "corpus/*/manifest.csv")),
        "bibtex": [s.encode() for s in BIB_SEEDS],
        "ris": [s.encode() for s in RIS_SEEDS],
    }
    seeds["decisions"] = [decisions_seed_csv(seeds["manifest"][0])]
    return seeds


BIB_SEEDS = [
    r"""@article{hodge,
  author = {Hodge, David R.},
  title = {Sexual Trafficking in the {United States}: A Domestic Problem with Transnational Dimensions},
  journal = {Social Work}, year = {2008}, doi = {10.1093/sw/53.2.143},
  file = {:docs/a.pdf:PDF}
}
@techreport{muraya,
  author = {Muraya, Dorothy N. and Fry, Deborah},
  title = {Aftercare services for child victims of sex trafficking},
  institution = {Trauma, Violence, \& Abuse}, year = {2016},
  file = {docs/a.txt}
}
""",
    r"""@misc{unhcr,
  Author = {{U.S. Department of State} and M{\"u}ller, J{\"o}rg and von Neumann, John and Smith, Jr., Ann},
  Title = {Trafficking in persons report -- {\'E}dition sp{\'e}ciale},
  Organization = {UNHCR}, Year = 2008, DOI = {https://doi.org/10.1000/XYZ},
  File = {docs/a.html}
}
@string{sw = "Social Work"}
@inproceedings{ripple, author = "Ripple, K.", title = "Aftercare", booktitle = sw, year = "2007", file = "docs/a.txt"}
@comment{ignored}
@phdthesis{tz, author = {Tzvetkova, Marina}, title = {NGO responses}, school = {LSE}, year = {2002}, file = {docs/b.txt}}
""",
]

RIS_SEEDS = [
    """TY  - JOUR
AU  - Tzvetkova, Marina
TI  - NGO responses to trafficking in women
PY  - 2002
JO  - Gender & Development
DO  - https://doi.org/10.1080/13552070215895
L1  - docs/a.pdf
ER  - 
""",
    """TY  - RPRT
AU  - U.S. Department of State
AU  - Smith, John, Jr.
A1  - Doe, J.
TI  - Trafficking in persons report
T2  - Washington
PB  - Government Printing Office
DA  - 2008/06/01
N1  - A note that goes on
  and continues on the next line
L1  - docs/a.txt
ER  - 

TY  - GEN
TI  - A grey-literature page
PY  - 2007///
UR  - http://example.org/x
L2  - docs/a.html
ER  - 
""",
]


def decisions_seed_csv(manifest: bytes) -> bytes:
    """A plausible reviewer sheet: the export's columns, a few decisions per manifest document."""
    from reviewflow.review.sheets import SEGMENT_SHEET_COLUMNS

    doc_ids = [row["doc_id"] for row in csv.DictReader(io.StringIO(manifest.decode("utf-8-sig")))][:6]
    values = [
        ("accept", "", ""),
        ("reject", "", ""),
        ("edit", "shelter_housing; transitional_housing", "recovery"),
        ("Edit", "", "stabilization"),
        ("", "", ""),
        ("accept", "", ""),
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, SEGMENT_SHEET_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for number, doc_id in enumerate(doc_ids):
        decision, codes, phase = values[number % len(values)]
        writer.writerow(
            dict.fromkeys(SEGMENT_SHEET_COLUMNS, "")
            | {
                "segment_id": f"{number:016x}",
                "doc_id": doc_id,
                "citation": doc_id,
                "page": str(number + 1),
                "quote": "Programs should provide safe housing.",
                "decision": decision,
                "codes_override": codes,
                "phase_override": phase,
                "reviewer": "ana" if number % 2 else "",
                "note": "'=kept",
            }
        )
    return out.getvalue().encode("utf-8")


# ================================================================================== mutators
NASTY = [
    "\x00",
    "\ufeff",
    "\u202e",
    "\u00e9",
    "e\u0301",
    "\ud7ff",
    "\U0001f600",
    "\r",
    "\r\n",
    "\x0c",
    "\x1b[31m",
    "\u2028",
    "\t",
    "\\",
    "'",
    '"',
    "=cmd|' /C calc'!A0",
    "../../",
    "%s%n",
    "{",
    "}",
    "<",
    ">",
    "&amp;",
    "\u200b",
]


def byte_mutate(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """Generic byte-level mutations: flips, deletions, insertions, duplication, truncation."""
    buf = bytearray(data)
    for _ in range(rounds or rng.randint(1, 8)):
        if not buf:
            buf += rng.randbytes(rng.randint(1, 64))
        op = rng.randrange(8)
        pos = rng.randrange(len(buf))
        if op == 0:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos] = rng.randrange(256)
        elif op == 2:
            del buf[pos : pos + rng.randint(1, 256)]
        elif op == 3:
            buf[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif op == 4:
            size = rng.randint(1, 512)
            buf[pos:pos] = buf[pos : pos + size] * rng.randint(2, 20)
        elif op == 5:
            del buf[rng.randint(0, len(buf)) :]
        elif op == 6:
            buf[pos:pos] = rng.choice(NASTY).encode("utf-8", "surrogatepass")
        else:
            other = rng.randrange(len(buf))
            size = rng.randint(1, 256)
            buf[pos : pos + size] = buf[other : other + size]
    return bytes(buf)


def _window(rng: random.Random, text: str, lo: int = 500, hi: int = 6000) -> str:
    """A random slice of a seed (coding cost grows with length): whole lines where possible."""
    if len(text) <= hi or rng.random() < 0.1:
        return text
    size = rng.randint(lo, hi)
    start = rng.randrange(len(text) - size)
    start = text.find("\n", start) + 1 or start
    return text[start : start + size]


def _encode(rng: random.Random, text: str) -> bytes:
    choice = rng.random()
    if choice < 0.7:
        return text.encode("utf-8", "surrogatepass")
    if choice < 0.8:
        return text.encode("cp1252", "replace")
    if choice < 0.87:
        return text.encode("utf-16", "surrogatepass")
    if choice < 0.92:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "replace")
    if choice < 0.96:
        return text.encode("latin-1", "replace")
    # mixed: halves in different encodings
    half = len(text) // 2
    return text[:half].encode("utf-8", "replace") + text[half:].encode("cp1252", "replace")


def mutate_text(rng: random.Random, seeds: list[bytes]) -> bytes:
    text = _window(rng, rng.choice(seeds).decode("utf-8"))
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(9)
        index = rng.randrange(len(lines)) if lines else 0
        if op == 0:  # control characters and NULs sprinkled in
            line = lines[index] if lines else ""
            for _ in range(rng.randint(1, 20)):
                pos = rng.randint(0, len(line))
                line = line[:pos] + chr(rng.choice([0, 1, 7, 8, 11, 12, 27, 127, 0x85, 0xA0])) + line[pos:]
            lines[index : index + 1] = [line]
        elif op == 1:  # one huge line
            lines.insert(
                index, rng.choice(["word ", "x", "Recommendation: ", "References "]) * rng.randint(1000, 60000)
            )
        elif op == 2:  # many short lines / blank lines
            lines[index:index] = [
                rng.choice(["", " ", "-", "1.", "REFERENCES", "Abstract"]) for _ in range(rng.randint(10, 3000))
            ]
        elif op == 3:
            lines.insert(index, rng.choice(NASTY) * rng.randint(1, 200))
        elif op == 4:  # headings soup
            lines.insert(
                index,
                rng.choice(["# ", "## ", "1.2.3 ", "IV. ", "A) "])
                + rng.choice(["References", "Appendix A", "Acknowledgements", "Abstract", "Keywords", "Bibliography"]),
            )
        elif op == 5:
            del lines[index : index + rng.randint(1, 50)]
        elif op == 6:  # random unicode
            lines.insert(index, "".join(chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 300))))
        elif op == 7:  # CR-only / CRLF endings
            return _encode(rng, rng.choice(["\r", "\r\n", "\n\r"]).join(lines))
        else:
            lines = [line[::-1] if rng.random() < 0.3 else line for line in lines]
    data = _encode(rng, "\n".join(lines))
    return byte_mutate(rng, data, rng.randint(1, 4)) if rng.random() < 0.3 else data


HTML_TAGS = [
    "div",
    "p",
    "font",
    "span",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "h1",
    "h2",
    "h3",
    "b",
    "a",
    "section",
    "nav",
    "pre",
    "blockquote",
    "article",
    "header",
    "footer",
    "aside",
    "br",
    "hr",
    "img",
    "form",
    "select",
    "svg",
]


def mutate_html(rng: random.Random, seeds: list[bytes]) -> bytes:
    html = rng.choice(seeds).decode("utf-8")
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(10)
        pos = rng.randint(0, len(html))
        if op == 0:  # deep nesting, closed or not
            tag = rng.choice(HTML_TAGS)
            depth = rng.randint(50, 8000)
            inner = rng.choice(["text", "<p>para</p>", "", "<h2>References</h2>"])
            close = f"</{tag}>" * depth if rng.random() < 0.5 else ""
            html = html[:pos] + f"<{tag}>" * depth + inner + close + html[pos:]
        elif op == 1:  # unclosed tags
            html = (
                html[:pos]
                + "".join(f"<{rng.choice(HTML_TAGS)} class='x" for _ in range(rng.randint(1, 300)))
                + html[pos:]
            )
        elif op == 2:  # huge paragraph
            html = html[:pos] + "<p>" + ("lorem ipsum " * rng.randint(1000, 50000)) + html[pos:]
        elif op == 3:  # scripts, styles, comments, CDATA
            html = (
                html[:pos]
                + rng.choice(
                    [
                        "<script>var x = '</p><p>';</script>",
                        "<style>p{}</style>",
                        "<!-- <p>",
                        "<![CDATA[ x ]]>",
                        "<script>",
                        "<noscript><p>no</p></noscript>",
                        "<template><p>t</p></template>",
                        "<iframe src=x>",
                    ]
                )
                + html[pos:]
            )
        elif op == 4:  # entities, valid and not
            html = (
                html[:pos]
                + "".join(
                    rng.choice(
                        [
                            "&amp;",
                            "&#0;",
                            "&#x110000;",
                            "&#xD800;",
                            "&nbsp;",
                            "&bogus;",
                            "&",
                            "&#99999999999;",
                            "&lt;p&gt;",
                            "&#x1F600;",
                        ]
                    )
                    for _ in range(rng.randint(1, 200))
                )
                + html[pos:]
            )
        elif op == 5:  # delete a chunk (break tags)
            del_end = pos + rng.randint(1, 2000)
            html = html[:pos] + html[del_end:]
        elif op == 6:  # attributes soup / huge attribute
            html = (
                html[:pos] + f"<div {'a=' * rng.randint(1, 2000)} title='{'x' * rng.randint(1, 100000)}'>" + html[pos:]
            )
        elif op == 7:  # stray closing tags
            html = html[:pos] + "".join(f"</{rng.choice(HTML_TAGS)}>" for _ in range(rng.randint(1, 500))) + html[pos:]
        elif op == 8:  # meta charset lies
            html = (
                rng.choice(
                    [
                        '<meta charset="utf-16">',
                        '<meta charset="bogus">',
                        '<?xml version="1.0" encoding="latin-1"?>',
                        '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
                    ]
                )
                + html
            )
        else:
            html = html[:pos] + rng.choice(NASTY) * rng.randint(1, 100) + html[pos:]
    data = _encode(rng, html)
    return byte_mutate(rng, data, rng.randint(1, 4)) if rng.random() < 0.3 else data


def mutate_pdf(rng: random.Random, seeds: list[bytes]) -> bytes:
    data = bytearray(rng.choice(seeds))
    op = rng.random()
    if op < 0.45:
        return byte_mutate(rng, bytes(data), rng.randint(1, 30))
    if op < 0.55:  # truncation
        return bytes(data[: rng.randint(0, len(data))])
    if op < 0.65:  # damage the xref / trailer
        tail = data.rfind(b"startxref")
        if tail > 0:
            data[tail:] = rng.choice(
                [
                    b"startxref\n999999999\n%%EOF",
                    b"startxref\n-1\n%%EOF",
                    b"",
                    b"startxref\n0\n",
                    b"trailer\n<< /Root 999 0 R >>\n%%EOF",
                ]
            )
        return bytes(data)
    if op < 0.75:  # structural breaks in objects
        for _ in range(rng.randint(1, 5)):
            token = rng.choice(
                [
                    b"/Length ",
                    b"/Kids",
                    b"/Count ",
                    b"/Type /Page",
                    b"/Font",
                    b"/Contents",
                    b"stream",
                    b"/MediaBox",
                    b"/Filter",
                    b"/Parent",
                    b"/Resources",
                    b"obj",
                ]
            )
            positions = [m.start() for m in re.finditer(re.escape(token), data)]
            if not positions:
                continue
            pos = rng.choice(positions) + len(token)
            data[pos:pos] = rng.choice(
                [
                    b" 0",
                    b"99999999",
                    b" -5 ",
                    b"[",
                    b"<<",
                    b" null ",
                    b" 1 0 R ",
                    b"(",
                    b" /Page ",
                    b"[0 0 0 0]",
                    b" /FlateDecode ",
                    b" 1e308 ",
                    b" [-1e99 0 nan 1] ",
                ]
            )
        return bytes(data)
    if op < 0.85:  # a stream body garbled (content operators)
        starts = [m.end() for m in re.finditer(rb"stream\r?\n", data)]
        if starts:
            pos = rng.choice(starts)
            junk = rng.choice(
                [
                    b"BT /F1 1e9 Tf 0 0 Td (x) Tj ET ",
                    b"q " * 5000,
                    b"Q " * 5000,
                    b"BT " * 2000,
                    b"1 0 0 1 nan nan cm ",
                    b"(unclosed",
                    b"[(a) -99999 (b)] TJ ",
                    rng.randbytes(200),
                ]
            )
            data[pos:pos] = junk
        return bytes(data)
    if op < 0.92:  # insertions: another PDF's bytes, junk before the header
        other = rng.choice(seeds)
        pos = rng.randrange(len(data))
        data[pos:pos] = other[: rng.randint(1, len(other))]
        return bytes(data)
    return bytes(
        rng.choice([b"%PDF-1.4\n", b"\x00" * 10 + b"%PDF-1.7\n", b"%PDF-"]) + rng.randbytes(rng.randint(0, 4000))
    )


def _fields_case(rng: random.Random, text: str) -> str:
    return re.sub(
        r"(?m)^(\s*|[,{]\s*)([A-Za-z]+)(\s*=)",
        lambda m: m.group(1) + (m.group(2).upper() if rng.random() < 0.3 else m.group(2)) + m.group(3),
        text,
    )


def mutate_bibtex(rng: random.Random, seeds: list[bytes]) -> bytes:
    text = rng.choice(seeds).decode("utf-8")
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(12)
        pos = rng.randint(0, len(text))
        if op == 0:
            text = _fields_case(rng, text)
        elif op == 1:  # a missing brace, quote or comma
            candidates = [m.start() for m in re.finditer(r'[{}",=]', text)]
            if candidates:
                at = rng.choice(candidates)
                text = text[:at] + text[at + 1 :]
        elif op == 2:  # huge field
            field = rng.choice(["title", "author", "note", "abstract", "year", "file"])
            value = rng.choice(["x", "{", "Smith, J. and ", "\\'e", "word "]) * rng.randint(1000, 100000)
            text = text[:pos] + f"\n@article{{big, {field} = {{{value}}}, year = {{2001}}}}\n" + text[pos:]
        elif op == 3:  # duplicate keys / entries
            text = text + "\n" + text
        elif op == 4:  # duplicate fields
            text = re.sub(
                r"year\s*=\s*\{?(\d+)\}?", lambda m: f"year = {{{m.group(1)}}}, year = {{19{rng.randint(0, 99)}}}", text
            )
        elif op == 5:  # odd years
            text = re.sub(
                r"\d{4}",
                lambda m: rng.choice(
                    ["", "20O8", "n.d.", "2008a", "99999", "{2008}", "\uff12\uff10\uff10\uff18", m.group(0)]
                ),
                text,
            )
        elif op == 6:  # latex oddities
            text = (
                text[:pos]
                + rng.choice(
                    [
                        "{\\",
                        "\\\\",
                        "$x^{2}$",
                        "\\c{c}",
                        '{\\"{\\i}}',
                        "\\verb|x|",
                        "%",
                        "@",
                        "#",
                        "\\u{00e9}",
                        "{{{{{{",
                        "}}}}",
                    ]
                )
                + text[pos:]
            )
        elif op == 7:  # odd names
            text = re.sub(
                r"author\s*=\s*\{",
                lambda m: (
                    m.group(0)
                    + rng.choice(["and ", " and and ", ",", "{", "von ", "Jr., ", "others and ", "{}", ", , ,"])
                ),
                text,
                count=1,
            )
        elif op == 8:  # file field path tricks
            text = re.sub(
                r"file\s*=\s*\{[^}]*\}",
                lambda m: (
                    "file = {"
                    + rng.choice(
                        [
                            "../docs/a.txt",
                            "docs/../../x.txt",
                            ":docs/a.pdf:PDF;:docs/b.txt:TXT",
                            "/nonexistent/a.pdf",
                            "docs/a.TXT",
                            "docs/" + "a" * 300 + ".txt",
                            "docs",
                            "",
                            "C:\\\\docs\\\\a.pdf",
                            "docs/a.txt\x00.pdf",
                            "docs/a.exe",
                            "file://docs/a.txt",
                            ":docs\\:a.pdf:PDF",
                            "docs/ a.txt",
                        ]
                    )
                    + "}"
                ),
                text,
            )
        elif op == 9:  # DOI oddities
            text = re.sub(
                r"doi\s*=\s*\{[^}]*\}",
                lambda m: (
                    "doi = {"
                    + rng.choice(["", "doi:", "https://doi.org/", "10.", "10.1/" + "x" * 5000, " 10.1093/SW/53.2.143 "])
                    + "}"
                ),
                text,
                flags=re.I,
            )
        elif op == 10:
            text = text[:pos] + rng.choice(NASTY) * rng.randint(1, 50) + text[pos:]
        else:
            text = (
                text[:pos]
                + rng.choice(
                    [
                        "@",
                        "@article",
                        "@article{",
                        "@string{x = ",
                        "@preamble{",
                        "@comment{",
                        "@{,}",
                        "@article{,}",
                        "@book{k, title=}",
                        "@misc{k}",
                    ]
                )
                + text[pos:]
            )
    data = _encode(rng, text)
    return byte_mutate(rng, data, rng.randint(1, 4)) if rng.random() < 0.25 else data


RIS_TAGS = [
    "TY",
    "AU",
    "A1",
    "A2",
    "TI",
    "T1",
    "T2",
    "PY",
    "Y1",
    "DA",
    "JO",
    "JF",
    "DO",
    "L1",
    "L2",
    "UR",
    "N1",
    "AB",
    "KW",
    "ER",
    "ID",
    "SP",
    "EP",
    "PB",
    "M3",
    "XX",
    "Z9",
    "1A",
    "ty",
    "T",
    "TY ",
    "TYP",
]


def mutate_ris(rng: random.Random, seeds: list[bytes]) -> bytes:
    lines = rng.choice(seeds).decode("utf-8").split("\n")
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(11)
        index = rng.randrange(len(lines) + 1)
        if op == 0:  # a missing ER
            ers = [i for i, line in enumerate(lines) if line.startswith("ER")]
            if ers:
                del lines[rng.choice(ers)]
        elif op == 1:  # stray line
            lines.insert(
                index, rng.choice(["garbage", "  continued", "-", "TY", "ER", "ER  -", "AU  -", "  - x", "\t"])
            )
        elif op == 2:  # a random tag line
            lines.insert(
                index,
                f"{rng.choice(RIS_TAGS)}{rng.choice(['  - ', ' - ', '  -', '- ', '  - '])}"
                f"{rng.choice(['', 'x', 'Smith, J.', '2008', 'JOUR', 'docs/a.txt', 'https://doi.org/10.1/x', ',,,'])}",
            )
        elif op == 3:  # a duplicated record
            lines += lines
        elif op == 4:  # huge value
            lines.insert(
                index,
                rng.choice(["TI  - ", "AU  - ", "N1  - ", "PY  - "])
                + rng.choice(["x", "a, ", "2"]) * rng.randint(1000, 100000),
            )
        elif op == 5:  # odd years / types
            lines = [
                re.sub(
                    r"^(PY|DA|Y1)  - .*",
                    lambda m: m.group(1) + "  - " + rng.choice(["", "n.d.", "////", "0000", "20081", "२००८"]),
                    line,
                )
                if rng.random() < 0.5
                else re.sub(r"^TY  - .*", "TY  - " + rng.choice(["", "XXXX", "jour", "ELEC", "  "]), line)
                for line in lines
            ]
        elif op == 6:  # path tricks in file links
            lines.insert(
                index,
                rng.choice(["L1  - ", "L2  - "])
                + rng.choice(
                    [
                        "../docs/a.txt",
                        "docs/../../a.pdf",
                        "",
                        "/x/y.pdf",
                        "docs/" + "b" * 300 + ".txt",
                        "docs/a.txt; docs/b.txt",
                        "internal-pdf://a.pdf",
                        "docs/a.zip",
                    ]
                ),
            )
        elif op == 7:
            del lines[index : index + rng.randint(1, 5)]
        elif op == 8:
            lines.insert(index, rng.choice(NASTY) * rng.randint(1, 50))
        elif op == 9:  # odd authors
            lines.insert(
                index, "AU  - " + rng.choice(["", ",", ", ,", "Smith,", ",John", "a" * 1000, "O'Brien, Jr., Sean, III"])
            )
        else:
            return _encode(rng, rng.choice(["\r\n", "\r", "\n"]).join(lines))
    data = _encode(rng, "\n".join(lines))
    return byte_mutate(rng, data, rng.randint(1, 4)) if rng.random() < 0.25 else data


def _rows_mutate(rng: random.Random, rows: list[list[str]], long_names: bool = True) -> list[list[str]]:
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(11)
        r = rng.randrange(len(rows)) if rows else 0
        c = rng.randrange(len(rows[r])) if rows and rows[r] else 0
        if not rows:
            rows = [["x"]]
            continue
        if op == 0:  # wrong / renamed / missing / extra columns
            header = rows[0]
            action = rng.randrange(5)
            if action == 0 and header:
                del header[rng.randrange(len(header))]
            elif action == 1 and header:
                i = rng.randrange(len(header))
                header[i] = rng.choice(
                    [header[i].upper(), header[i] + " ", header[i].replace("_", "-"), "", "extra", header[0]]
                )
            elif action == 2:
                header.append(rng.choice(["extra", "", "doc_id", "notes"]))
            elif action == 3:
                rng.shuffle(header)
            else:
                rows[0] = []
        elif op == 1:  # huge cell
            if rows[r]:
                rows[r][c] = rng.choice(["x", "a; ", "\n", '"', "é"]) * rng.randint(1000, 200000)
        elif op == 2:  # path tricks
            if rows[r]:
                rows[r][c] = rng.choice(
                    [
                        "../manifest.csv",
                        "../../etc/passwd",
                        "/etc/passwd",
                        "documents/../../x.pdf",
                        "documents/" + "n" * (300 if long_names else 20) + ".pdf",
                        "documents/",
                        "documents\\a.pdf",
                        "documents/a.txt\x00",
                        "~/a.pdf",
                        "documents/./a.txt",
                        "documents//a.txt",
                        "C:/a.pdf",
                        ".",
                        "",
                        " documents/a.txt ",
                    ]
                )
        elif op == 3:  # ragged rows
            if rng.random() < 0.5:
                rows[r] = rows[r][: rng.randint(0, len(rows[r]))]
            else:
                rows[r] = rows[r] + [rng.choice(["x", "", "true"]) for _ in range(rng.randint(1, 10))]
        elif op == 4:  # duplicated rows
            rows.insert(r, list(rows[r]))
        elif op == 5:  # odd values
            if rows[r]:
                rows[r][c] = rng.choice(
                    [
                        "true",
                        "TRUE",
                        "yes",
                        "",
                        " ",
                        "0",
                        "-1",
                        "1e9",
                        "NaN",
                        "2008.0",
                        "=1+1",
                        "@SUM(A1)",
                        "+1",
                        "-2",
                        "\t",
                        "None",
                        "null",
                        "a;b;c",
                        ";",
                        "accept",
                        "EDIT",
                        "recovery",
                        "0" * 16,
                        "f" * 17,
                        "ZZZZ",
                        "\u00e9",
                        "\x00",
                        "\r",
                        "\ufeff",
                    ]
                )
        elif op == 6:
            del rows[r]
        elif op == 7:  # many rows
            rows += [list(rows[-1]) for _ in range(rng.randint(10, 500))]
        elif op == 8:
            if rows[r]:
                rows[r][c] = rows[r][c] + rng.choice(NASTY) * rng.randint(1, 20)
        elif op == 9:  # swap two cells
            if len(rows[r]) > 1:
                i, j = rng.randrange(len(rows[r])), rng.randrange(len(rows[r]))
                rows[r][i], rows[r][j] = rows[r][j], rows[r][i]
        else:  # blank lines
            rows.insert(r, [])
    return rows


def _write_rows(rng: random.Random, rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    delimiter = rng.choice([",", ",", ",", ",", ";", "\t", "|"])
    terminator = rng.choice(["\n", "\r\n", "\r\n", "\r"])
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])
    csv.writer(out, delimiter=delimiter, lineterminator=terminator, quoting=quoting).writerows(rows)
    text = out.getvalue()
    choice = rng.random()
    if choice < 0.08:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if choice < 0.13:
        return text.encode("utf-16", "surrogatepass")
    if choice < 0.2:
        return text.encode("cp1252", "replace")
    return text.encode("utf-8", "surrogatepass")


def mutate_manifest(rng: random.Random, seeds: list[bytes]) -> bytes:
    rows = list(csv.reader(io.StringIO(rng.choice(seeds).decode("utf-8-sig"))))
    rows = _rows_mutate(rng, rows)
    data = _write_rows(rng, rows)
    return byte_mutate(rng, data, rng.randint(1, 4)) if rng.random() < 0.2 else data


def mutate_decisions(rng: random.Random, seeds: list[bytes]) -> tuple[str, bytes]:
    """A mutated reviewer sheet: (extension, bytes), CSV or XLSX."""
    rows = list(csv.reader(io.StringIO(rng.choice(seeds).decode("utf-8"))))
    rows = _rows_mutate(rng, rows)
    if rng.random() < 0.6:
        data = _write_rows(rng, rows)
        return ".csv", byte_mutate(rng, data, rng.randint(1, 4)) if rng.random() < 0.2 else data
    return ".xlsx", _xlsx(rng, rows)


def _xlsx(rng: random.Random, rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = rng.choice(["segments", "segments", "Sheet1", "Segments", "segments "])
    if rng.random() < 0.2:
        other = book.create_sheet(rng.choice(["instructions", "manual_fields", "segments"]), index=0)
        other.append(["x"])
    for row in rows[:3000]:
        values: list[object] = []
        for value in row:
            value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)[:32000]  # what openpyxl can store
            roll = rng.random()
            if roll < 0.03:
                values.append(rng.choice([1, 2.5, 3.0, -0.0, float("inf"), True, None, 10**20]))
            elif roll < 0.05:
                values.append("=" + rng.choice(["1+1", "SUM(A1:A3)", "A1", "{1,2}", "'x'", ""]))
            else:
                values.append(value)
        try:
            sheet.append(values)
        except Exception:
            sheet.append([str(v) for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    roll = rng.random()
    if roll < 0.15:  # damaged zip bytes
        return byte_mutate(rng, data, rng.randint(1, 10))
    if roll < 0.3:  # a structurally odd workbook: a member dropped or garbled
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        names = source.namelist()
        victim = rng.choice(names)
        with zipfile.ZipFile(out, "w") as target:
            for name in names:
                content = source.read(name)
                if name == victim:
                    if rng.random() < 0.5:
                        continue
                    content = byte_mutate(rng, content, rng.randint(1, 6))
                target.writestr(name, content)
        return out.getvalue()
    return data


def make_case(kind: str, seed: int, index: int, seeds: dict[str, list[bytes]]) -> tuple[str, bytes, dict]:
    """(file name, bytes, options) of case `index`: the same for the same seed, kind and index."""
    rng = random.Random(f"{seed}:{kind}:{index}")
    options: dict = {}
    if kind == "decisions":
        extension, data = mutate_decisions(rng, seeds[kind])
        stem = rng.choice(["ana", "adjudicated", "ben", "x" * 200, "rev.2", "ADJUDICATED"])
        return stem + extension, data, options
    mutator = {
        "pdf": mutate_pdf,
        "text": mutate_text,
        "html": mutate_html,
        "bibtex": mutate_bibtex,
        "ris": mutate_ris,
        "manifest": mutate_manifest,
    }[kind]
    data = mutator(rng, seeds[kind])
    extension = EXTENSIONS[kind]
    if kind in ("pdf", "text", "html"):
        options["max_pages"] = rng.choice([1, 2, 3]) if kind == "pdf" else 400
        if rng.random() < 0.05:  # a misnamed file
            extension = rng.choice([".pdf", ".txt", ".html", ".htm", ".md", ".doc", ""])
    return f"case{extension}", data, options


# ================================================================================== entry points
CLEAR_ERRORS: tuple[type[BaseException], ...] = ()
_FORM_CODEBOOK = None


def _init_worker() -> None:
    global CLEAR_ERRORS, _FORM_CODEBOOK
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    from reviewflow.corpus.manifest import ManifestError
    from reviewflow.errors import ReviewflowError
    from reviewflow.form import FormError, load_form

    CLEAR_ERRORS = (ReviewflowError, ManifestError, FormError)
    _FORM_CODEBOOK = load_form(FORM).codebook


_RESOURCES_LOADED = False


def _coding_resources() -> None:
    """The form, pipeline and matcher of coding: loaded once per worker, by its first ingestion case."""
    global _RESOURCES_LOADED
    if not _RESOURCES_LOADED:
        from reviewflow.coding.nlp import resources

        resources(FORM, "")
        _RESOURCES_LOADED = True


class BadRecord(Exception):
    """An ingested record without a proper status or message (a crash by the harness's definition)."""


def _check_record(record: dict) -> str | None:
    quality = record.get("quality") if isinstance(record, dict) else None
    if not isinstance(quality, dict):
        return "record without quality"
    status, messages = quality.get("status"), quality.get("messages")
    if status not in ("ok", "warning", "error"):
        return f"status {status!r}"
    if not isinstance(messages, list) or not all(isinstance(m, str) and m for m in messages):
        return f"messages {messages!r:.80}"
    if status != "ok" and not messages:
        return f"status {status} without a message"
    if status == "error" and record.get("text"):
        return "status error with text"
    return None


# The exception type in the messages of ingestion's catch-alls (the whole reader, one PDF page, the
# PDF's page list); a page pdfplumber could not make is described instead and not counted.
CATCH_ALL_RE = re.compile(
    r"could not be read as [A-Z]+ \((\w+)[:)]|page \d+ could not be read \((?:its content[^:]*: )?(\w+)[:)]|"
    r"list of pages is damaged (?:after page \d+ )?\((?:[^;)]*; )?(\w+)[:)]"
)


def run_entry(kind: str, workdir: Path, name: str, data: bytes, options: dict) -> str:
    """Feed one input to its entry point; return a short outcome (raises on a crash)."""
    if kind in ("pdf", "text", "html"):
        from reviewflow.coding.coder import code_ingested
        from reviewflow.ingest.document import ingest_file

        _coding_resources()  # a no-op: the worker loaded them before it said it was ready
        path = workdir / name
        path.write_bytes(data)
        record = ingest_file(path, doc_id="fuzzcase", max_pages=options.get("max_pages", 400), source=name)
        problem = _check_record(record)
        if problem:
            raise BadRecord(problem)
        coded = code_ingested(record, FORM, document_row={"doc_id": "fuzzcase", "title": ""})
        caught = [
            next(g for g in m.groups() if g)
            for msg in record["quality"]["messages"]
            for m in [CATCH_ALL_RE.search(msg)]
            if m
        ]
        outcome = record["quality"]["status"]
        if not caught:
            return f"{outcome} rows:{min(len(coded.rows), 1)}"
        # the catch-all's messages after the first line: saved beside the input (run_cases)
        return f"{outcome} caught:{caught[0]}\n" + "\n".join(
            msg for msg in record["quality"]["messages"] if CATCH_ALL_RE.search(msg)
        )
    if kind in ("bibtex", "ris"):
        from reviewflow.corpus.importing import add_entries, parse_bibtex, parse_ris

        corpus = workdir / "corpus"
        (corpus / "documents").mkdir(parents=True)
        shutil.copyfile(ROOT / "corpus" / "manifest.csv", corpus / "manifest.csv")
        docs = workdir / "import" / "docs"
        docs.mkdir(parents=True)
        for doc in ("a.pdf", "a.txt", "a.html", "b.txt", "a.TXT"):
            (docs / doc).write_bytes(b"%PDF-1.4 stand-in" if doc.endswith("pdf") else b"stand-in text")
        path = workdir / "import" / name
        path.write_bytes(data)
        entries = parse_bibtex(path) if kind == "bibtex" else parse_ris(path)
        result = add_entries(entries, corpus / "manifest.csv", base_dir=path.parent)
        return f"added:{min(len(result.added), 1)}"
    if kind == "manifest":
        from reviewflow.corpus.manifest import load_manifest

        corpus = workdir / "corpus"
        (corpus / "documents").mkdir(parents=True)
        for doc in sorted((ROOT / "corpus" / "documents").iterdir()):
            (corpus / "documents" / doc.name).write_bytes(b"x")
        path = corpus / "manifest.csv"
        path.write_bytes(data)
        load_manifest(path, corpus)
        return "loaded"
    if kind == "decisions":
        from reviewflow.review.decisions import load_decision_sheet

        folder = workdir / "decisions"
        folder.mkdir()
        path = folder / name
        path.write_bytes(data)
        _, report = load_decision_sheet(path, _FORM_CODEBOOK)
        return "sheet_error" if any(r["status"] == "sheet_error" for r in report) else "read"
    raise ValueError(kind)


def signature(error: BaseException) -> tuple[str, str]:
    """(exception type, innermost reviewflow frame or else innermost frame) of a crash."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/reviewflow/" in f.filename and "bench/fuzz.py" not in f.filename]
    frame = (ours or frames or [None])[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}:{frame.name}" if frame else "?"
    deepest = frames[-1] if frames else None
    if deepest is not None and deepest is not frame:
        where += f" -> {Path(deepest.filename).name}:{deepest.lineno}"
    return type(error).__name__, where


def _worker(conn, coding: bool) -> None:
    _init_worker()
    if coding:
        _coding_resources()
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        kind, name, data, options = job
        with tempfile.TemporaryDirectory(prefix="rf-fuzz-") as tmp:
            try:
                outcome = run_entry(kind, Path(tmp), name, data, options)
                conn.send(("ok", outcome, None, None))
            except CLEAR_ERRORS as error:
                conn.send(("ok", f"clear:{type(error).__name__}", None, None))
            except Exception as error:
                conn.send(("crash", None, signature(error), traceback.format_exc()[-6000:]))


# ================================================================================== runner
def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM) in MB, 0.0 where /proc does not say (not Linux, gone).

    Read by the parent after each case and before a worker is killed, so a case that balloons and then
    hangs or dies still counts towards its kind's peak.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def reset_peak_rss(pid: int) -> None:
    """Start a kept worker's peak memory afresh (Linux: writing 5 to clear_refs resets VmHWM), so a kind's
    peak is not an earlier kind's on the same worker."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


class Worker:
    def __init__(self, context, coding: bool = True) -> None:
        self.coding = coding
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, coding), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple | None = None
        self.created = time.monotonic()
        self.started = 0.0
        self.ready = False
        self.peak_mb = 0.0  # its peak memory when killed (kill reads it; the process is gone after)

    def kill(self) -> None:
        self.peak_mb = max(self.peak_mb, peak_rss_mb(self.process.pid or 0))
        self.process.kill()
        self.process.join(5)
        self.conn.close()


def _context():
    return mp.get_context("fork" if sys.platform != "win32" else "spawn")


def start_pool(jobs: int, coding: bool = True) -> list[Worker]:
    """`jobs` workers; with `coding`, each loads the coding resources (seconds) before it takes a case."""
    return [Worker(_context(), coding) for _ in range(max(1, jobs))]


def stop_pool(workers: list[Worker]) -> None:
    for worker in workers:
        with contextlib.suppress(OSError, BrokenPipeError):
            worker.conn.send(None)
        worker.process.join(2)
        if worker.process.is_alive():
            worker.kill()


def run_cases(
    kind: str,
    cases: int,
    seed: int,
    timeout: float,
    jobs: int,
    seeds: dict[str, list[bytes]],
    out_dir: Path | None = OUT,
    pool: list[Worker] | None = None,
    start_timeout: float = 300.0,
    budget: float | None = None,
    progress: float | None = None,
) -> dict:
    """Run `cases` cases of one kind on `jobs` workers; the figures and the first crash signatures.

    `pool` (from `start_pool`) keeps the workers for the next kind; without it they are stopped at the end.
    With a `budget` (seconds), no new case starts after it: `cases` says how many ran. With `progress`
    (seconds), a line of figures goes to stderr that often.
    """
    context = _context()
    own = pool is None
    workers = start_pool(jobs, coding=kind in INGESTED) if pool is None else pool
    for worker in workers:
        reset_peak_rss(worker.process.pid or 0)
    pending = list(range(cases))[::-1]
    stats = {
        "kind": kind,
        "cases": 0,
        "crashes": 0,
        "hangs": 0,
        "outcomes": Counter(),
        "signatures": {},
        "hang_cases": [],
        "caught_cases": {},  # exception type -> up to 3 saved inputs the reader's catch-all turned into a message
        "wall": 0.0,
        "peak_mb": 0.0,  # the largest peak resident memory of a worker on this kind's cases
    }
    began = time.monotonic()
    last_progress = began
    dispatched: float | None = None  # when the first case went out: the budget counts from there

    def save(index: int, what: str, name: str, data: bytes, detail: str) -> str:
        if out_dir is None:
            return ""
        folder = out_dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        suffix = Path(name).suffix or ".bin"
        path = folder / f"{index:06d}-{what}{suffix}"
        path.write_bytes(data)
        path.with_suffix(path.suffix + ".txt").write_text(
            f"kind {kind}, seed {seed}, case {index}, file name {name!r}\n"
            f"replay: python bench/fuzz.py --kinds {kind} --replay {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
            f" --replay-name {name}\n\n{detail}\n",
            encoding="utf-8",
        )
        return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    try:
        while pending or any(w.job for w in workers):
            for worker in workers:
                if not worker.ready:
                    if worker.conn.poll(0):
                        worker.conn.recv()
                        worker.ready = True
                    elif time.monotonic() - worker.created > start_timeout:
                        raise RuntimeError("a fuzz worker did not start")
                if worker.ready and worker.job is None and pending:
                    index = pending.pop()
                    name, data, options = make_case(kind, seed, index, seeds)
                    worker.job = (index, name, data)
                    worker.started = time.monotonic()
                    dispatched = dispatched or worker.started
                    worker.conn.send((kind, name, data, options))
            progressed = False
            for number, worker in enumerate(workers):
                if worker.job is None:
                    continue
                index, name, data = worker.job
                if worker.conn.poll(0):
                    stats["peak_mb"] = max(stats["peak_mb"], peak_rss_mb(worker.process.pid or 0))
                    try:
                        status, outcome, sig, detail = worker.conn.recv()
                    except EOFError:  # the worker died (segfault, out of memory): a crash
                        status, outcome, sig, detail = (
                            "crash",
                            None,
                            ("WorkerDied", f"exit {worker.process.exitcode}"),
                            "",
                        )
                        worker.kill()
                        stats["peak_mb"] = max(stats["peak_mb"], worker.peak_mb)
                        workers[number] = Worker(context, worker.coding)
                    progressed = True
                    stats["cases"] += 1
                    worker.job = None
                    if status == "ok":
                        summary, _, caught_detail = outcome.partition("\n")
                        stats["outcomes"][summary.split(" rows:")[0]] += 1
                        if "caught:" in summary:  # saved too: the catch-all's message is generic
                            saved = stats["caught_cases"].setdefault(summary.split("caught:")[1], [])
                            if len(saved) < 3:
                                saved.append(save(index, "caught", name, data, caught_detail))
                    else:
                        stats["crashes"] += 1
                        entry = stats["signatures"].setdefault(sig, {"count": 0, "reproducers": []})
                        entry["count"] += 1
                        if len(entry["reproducers"]) < 3:
                            entry["reproducers"].append(save(index, "crash", name, data, detail))
                elif not worker.process.is_alive() or time.monotonic() - worker.started > timeout:
                    alive = worker.process.is_alive()
                    worker.kill()
                    stats["peak_mb"] = max(stats["peak_mb"], worker.peak_mb)
                    workers[number] = Worker(context, worker.coding)
                    progressed = True
                    stats["cases"] += 1
                    if alive:
                        stats["hangs"] += 1
                        path = save(index, "hang", name, data, f"over the {timeout} s limit")
                        if len(stats["hang_cases"]) < 5:
                            stats["hang_cases"].append(path)
                    else:
                        stats["crashes"] += 1
                        sig = ("WorkerDied", f"exit {worker.process.exitcode}")
                        entry = stats["signatures"].setdefault(sig, {"count": 0, "reproducers": []})
                        entry["count"] += 1
                        if len(entry["reproducers"]) < 3:
                            entry["reproducers"].append(save(index, "crash", name, data, "the worker process died"))
                    worker.job = None
            now = time.monotonic()
            if budget is not None and pending and dispatched is not None and now - dispatched > budget:
                pending.clear()
            if progress is not None and now - last_progress > progress:
                last_progress = now
                print(
                    f"  {kind}: {stats['cases']} case(s), {stats['crashes']} crash(es), {stats['hangs']} hang(s), "
                    f"{now - began:.0f} s, peak {stats['peak_mb']:.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
            if not progressed:
                time.sleep(0.002)
    finally:
        if own:
            stop_pool(workers)
        else:  # a kept worker still busy (the run stopped early) would answer the next kind's first case
            for number, worker in enumerate(workers):
                if worker.job is not None:
                    worker.kill()
                    workers[number] = Worker(context, worker.coding)
    stats["wall"] = time.monotonic() - began
    return stats


def format_stats(stats: dict) -> str:
    caught = sum(n for outcome, n in stats["outcomes"].items() if "caught:" in outcome)
    lines = [
        f"{stats['kind']:<10} {stats['cases']:>7} {stats['crashes']:>8} {stats['hangs']:>6} {caught:>7} "
        f"{stats['wall']:>9.1f}s {stats['peak_mb']:>7.0f}"
    ]
    for (etype, where), entry in list(stats["signatures"].items())[:5]:
        lines.append(f"    crash x{entry['count']}: {etype} at {where}")
        for path in entry["reproducers"]:
            lines.append(f"        {path}")
    for path in stats["hang_cases"]:
        lines.append(f"    hang: {path}")
    caught_types = Counter()
    for outcome, n in stats["outcomes"].items():
        if "caught:" in outcome:
            caught_types[outcome.split("caught:")[1]] += n
    if caught_types:
        lines.append(
            "    caught by the reader's catch-all (error record, not a crash): "
            + ", ".join(f"{name} x{n}" for name, n in caught_types.most_common())
        )
        for name, paths in stats.get("caught_cases", {}).items():
            lines.extend(f"        {name}: {path}" for path in paths)
    return "\n".join(lines)


HEADER = f"{'kind':<10} {'cases':>7} {'crashes':>8} {'hangs':>6} {'caught':>7} {'wall':>10} {'peak MB':>7}"


def replay(kind: str, path: Path, name: str | None) -> int:
    _init_worker()
    with tempfile.TemporaryDirectory(prefix="rf-fuzz-") as tmp:
        options = {"max_pages": 3} if kind == "pdf" else {}
        try:
            print(run_entry(kind, Path(tmp), name or ("case" + path.suffix), path.read_bytes(), options))
        except CLEAR_ERRORS as error:
            print(f"clear error ({type(error).__name__}): {error}"[:2000])
        except Exception:
            traceback.print_exc()
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--cases", type=int, default=None, help="cases per kind (default: a per-kind budget)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case before it counts as a hang")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--budget", type=float, help="seconds per kind: no new case starts after that")
    parser.add_argument("--progress", type=float, help="print running figures to stderr every this many seconds")
    parser.add_argument(
        "--replay", type=Path, help="run one saved input of --kinds (one kind) here and show its traceback"
    )
    parser.add_argument("--replay-name", help="the file name the case had (its extension matters)")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; use {', '.join(KINDS)}")
    if args.replay:
        return replay(kinds[0], args.replay, args.replay_name)
    seeds = load_seeds()
    print(
        f"fuzz: seed {args.seed}, timeout {args.timeout} s, {args.jobs} job(s); inputs that crash or hang go to {args.out}/<kind>/"
    )
    print(HEADER, flush=True)
    failed = False
    pool = start_pool(args.jobs, coding=any(kind in INGESTED for kind in kinds))
    try:
        for kind in kinds:
            stats = run_cases(
                kind,
                args.cases if args.cases is not None else DEFAULT_CASES[kind],
                args.seed,
                args.timeout,
                args.jobs,
                seeds,
                args.out,
                pool=pool,
                budget=args.budget,
                progress=args.progress,
            )
            print(format_stats(stats), flush=True)
            failed = failed or bool(stats["crashes"] or stats["hangs"])
    finally:
        stop_pool(pool)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

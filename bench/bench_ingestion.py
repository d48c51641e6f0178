"""Ingestion speed against bare pdfplumber, on the same PDFs in one run.

    .venv/bin/python bench/bench_ingestion.py [--repeat 3] [--synthetic-pages 200] [PDF ...]

Default inputs: ../shared/pdfs/*.pdf and corpus/documents/*.pdf, plus (with --synthetic-pages N) an
N-page two-column PDF drawn with reportlab in a temporary folder, to see speed and memory on a long
document. For each file it prints the pages,
the best-of-N seconds of `page.extract_text()` over all pages (bare pdfplumber) and of
`reviewflow.ingest.document.ingest_file`, pages per second of each and their ratio (ingestion time /
bare time; the aim is at most 1.5). The spaCy lexicon is loaded once before timing, as a long-running
process would; its one-off load time is printed separately. Peak resident memory is printed at the end.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import pdfplumber  # noqa: E402

from reviewflow.ingest.document import ingest_file  # noqa: E402
from reviewflow.ingest.normalize import _lexicon  # noqa: E402


def bare_pdfplumber(path: Path) -> int:
    pages = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
            pages += 1
    return pages


def synthetic_pdf(path: Path, n_pages: int) -> Path:
    """Two columns of 10 pt text with a running head and page numbers on every page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    words = [
        "survivors",
        "need",
        "safe",
        "shelter",
        "and",
        "qualified",
        "interpreters.",
        "Case",
        "managers",
        "coordinate",
        "legal",
        "advocacy,",
        "mental",
        "health",
        "care",
        "and",
        "job",
        "training",
        "across",
        "every",
        "phase",
        "of",
        "recovery.",
    ]
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    width, height = letter
    for number in range(1, n_pages + 1):
        pdf.setFont("Times-Roman", 8)
        pdf.drawString(72, height - 40, "Synthetic benchmark document - running head")
        pdf.drawCentredString(width / 2, 36, str(number))
        pdf.setFont("Times-Roman", 10)
        for column, x in enumerate((72, 72 + 234 + 18)):
            for row in range(56):
                start = (number * 7 + column * 3 + row * 5) % len(words)
                line = " ".join((words * 3)[start : start + 7])
                pdf.drawString(x, height - 80 - row * 11.5, line)
        pdf.showPage()
    pdf.save()
    return path


def best_of(repeat: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic-pages", type=int, default=0, help="add a synthetic PDF of this many pages")
    args = parser.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pdfs = args.pdfs or sorted((REPO.parent / "shared" / "pdfs").glob("*.pdf")) + sorted(
        (REPO / "corpus" / "documents").glob("*.pdf")
    )
    if args.synthetic_pages:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="bench_ingestion_"))
        pdfs.append(synthetic_pdf(folder / f"synthetic_{args.synthetic_pages}p.pdf", args.synthetic_pages))
    if not pdfs:
        print("no PDFs found: pass some on the command line")
        return 1
    start = time.perf_counter()
    _lexicon()
    print(f"lexicon load (once per process): {time.perf_counter() - start:.2f} s")
    print(
        f"{'file':48} {'pages':>5} {'bare s':>8} {'ingest s':>8} {'bare p/s':>9} {'ingest p/s':>10} {'ratio':>6}  status"
    )
    total_pages = total_bare = total_ingest = 0.0
    for path in pdfs:
        pages = bare_pdfplumber(path)  # warm the OS cache
        # The lambdas run inside this iteration (best_of calls them at once), so late binding is moot.
        bare = best_of(args.repeat, lambda: bare_pdfplumber(path))  # noqa: B023
        record: dict = {}
        ingest = best_of(args.repeat, lambda: record.update(ingest_file(path)))  # noqa: B023
        total_pages += pages
        total_bare += bare
        total_ingest += ingest
        print(
            f"{path.name[:48]:48} {pages:5d} {bare:8.2f} {ingest:8.2f} {pages / bare:9.1f} {pages / ingest:10.1f} "
            f"{ingest / bare:6.2f}  {record['quality']['status']}"
        )
    print(
        f"{'all':48} {int(total_pages):5d} {total_bare:8.2f} {total_ingest:8.2f} {total_pages / total_bare:9.1f} "
        f"{total_pages / total_ingest:10.1f} {total_ingest / total_bare:6.2f}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Snakemake entry point: PRISMA 2020 flow diagram from the search log."""

import sys

from reviewflow.corpus.manifest import check_search_strategies, read_rows
from reviewflow.corpus.search_log import added_after_search, load_search_log
from reviewflow.living.prisma import corpus_note, draw_prisma

log = load_search_log(snakemake.input.search_log)
rows = read_rows(snakemake.input.manifest)
n_corpus = len(rows)
added = [row.get("citation") or row["doc_id"] for row in added_after_search(log, rows)]
draw_prisma(log, n_corpus, snakemake.output.svg, snakemake.output.png, added)
# Documents whose search_strategy names no source of the log (checked before any job too, where wired).
problems = check_search_strategies(
    rows,
    log,
    manifest_path=snakemake.input.manifest,
    search_log_path=snakemake.input.search_log,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    print(f"PRISMA diagram drawn; {corpus_note(log, n_corpus, added)}", file=handle)
    for problem in problems:
        print(f"problem: {problem}", file=handle)
sys.exit(0)

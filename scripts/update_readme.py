"""Rewrite the README's generated blocks (Table 1, citation network) from results/ (`make readme`).

Usage: python scripts/update_readme.py [--results results] [--check]
With --check nothing is written; the exit status is 1 when the README differs from the results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from reviewflow.errors import ReviewflowError  # noqa: E402
from reviewflow.report.readme import update_readme, updated_readme  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=str(REPO_ROOT / "results"), help="the default corpus's results/")
    parser.add_argument("--check", action="store_true", help="only report whether the README is current")
    args = parser.parse_args(argv)
    readme = REPO_ROOT / "README.md"
    try:
        if args.check:
            current = readme.read_text(encoding="utf-8") == updated_readme(
                readme.read_text(encoding="utf-8"), args.results
            )
            print("README.md is current" if current else "README.md differs from the results: run `make readme`")
            return 0 if current else 1
        changed = update_readme(readme, args.results)
    except ReviewflowError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("README.md updated" if changed else "README.md was already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())

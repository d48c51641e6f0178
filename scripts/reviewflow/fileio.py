"""Small, deterministic file writers used by every stage.

Every output is written to a temporary file beside its target and renamed into place, so a crash
never leaves a half-written file, and every writer fixes ordering and formatting so the same inputs
give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.safety import neutralize_formula, restore_formula_text


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, then rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates owner-only files; results are ordinary shared files.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: str | Path, obj: Any) -> None:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def csv_error_message(path: str | Path, what: str, line: int, error: Exception) -> str:
    """The message for a CSV file the csv module refuses (``what``: "manifest", "decisions sheet")."""
    return (
        f"{path}: the {what} cannot be read as CSV at line {line} ({error}). Fix: check the double quotes "
        "on that line and the lines before it (one that is never closed makes a single cell of the rest of the "
        "file), or save the file again from the spreadsheet program as 'CSV UTF-8'."
    )


def read_utf8_text(path: str | Path, what: str) -> str:
    """A researcher's text file (``what``: "manifest", "BibTeX file", ...) as UTF-8, BOM dropped.

    Files that are not UTF-8 (e.g. a Windows-1252 export) are refused with one message naming the
    file, the first bad byte and the fix, rather than guessed: a wrong guess would turn every accented
    author name into other letters without a word.
    """
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReviewflowError(
            f"{path}: the {what} is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}). Fix: save it "
            "as UTF-8 (in a spreadsheet or text editor: Save As, encoding UTF-8; reference managers have a "
            "UTF-8 export option)."
        ) from None


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_yaml(path: str | Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def lower_words(data: Mapping[str, Any], key: str, path: str | Path) -> frozenset[str]:
    """The lower-cased words of a YAML word list, refusing anything that YAML did not read as text.

    YAML 1.1 reads a bare ``on``, ``off``, ``yes`` or ``no`` as a boolean, so ``[of, on, in]`` silently
    loses "on" ("Council on Foreign Relations" was no longer an author)."""
    values = data.get(key) or []
    odd = [repr(v) for v in values if not isinstance(v, str)]
    if odd:
        raise ReviewflowError(
            f"{path}: `{key}` holds {', '.join(odd)}, not words (YAML reads a bare on/off/yes/no as true/false). "
            "Fix: quote those words, e.g. 'on'."
        )
    return frozenset(v.lower() for v in values)


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], neutralize: bool = True) -> str:
    """Render rows as CSV with a fixed column order and ``\\n`` line endings.

    Results are opened in spreadsheets and their text comes from documents and reviewers, so a cell a
    spreadsheet would run as a formula gets an apostrophe (``neutralize``). Files a researcher owns
    (the manifest) are written back as they are, with ``neutralize=False``.
    """
    cell = (lambda value: neutralize_formula(_cell(value))) if neutralize else _cell
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: cell(row.get(key, "")) for key in columns})
    return buffer.getvalue()


def write_csv(path: str | Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    atomic_write_text(path, csv_text(rows, columns))


def read_csv_table(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV result, cells as strings (a missing cell is ""), with neutralized
    formulas undone, so a stage reads back exactly the text the previous stage computed."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [
            {key: restore_formula_text(value or "") for key, value in row.items() if key is not None} for row in reader
        ]
        return list(reader.fieldnames or []), rows


def read_csv_rows(path: str | Path) -> list[dict[str, str]]:
    """The rows of ``read_csv_table``."""
    return read_csv_table(path)[1]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)

"""What each reader (PDF, HTML, text) hands to the assembler in `reviewflow.ingest.document`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawBlock:
    kind: str  # heading | paragraph | list_item | notice (PDF venue/copyright small print)
    text: str
    level: int | None = None  # headings only, 1 = top
    # A paragraph continued across a page break: (page number, offset in `text` where that page starts).
    breaks: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class RawPage:
    blocks: list[RawBlock] = field(default_factory=list)
    has_text_layer: bool = True

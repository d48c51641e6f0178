"""Interactive, self-contained view of the citation network: one HTML file with an inline SVG and a
small inline script (no CDN, no network). Hovering a document shows it; clicking highlights what it
cites and what cites it. Every piece of document text is escaped with `reviewflow.safety.escape_html`,
and the script reads it only through `textContent`/`dataset`, never as HTML."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from reviewflow.network.figure import doc_type_colours
from reviewflow.safety import escape_html

if TYPE_CHECKING:
    from reviewflow.network.model import Network

X_STEP, Y_STEP, MARGIN = 110.0, 64.0, 70.0

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.2rem;color:#222}
h1{font-size:1.3rem;margin:0 0 .3rem}
#info{min-height:3.2em;padding:.4rem .6rem;background:#f4f4f4;border-left:4px solid #888;margin:.6rem 0;white-space:pre-line}
svg{border:1px solid #ddd;background:#fff;max-width:100%;height:auto}
.edge{fill:none;stroke:#777;stroke-width:1.2;opacity:.55}
.edge.via-reference_list{stroke-dasharray:6 3}.edge.via-in_text{stroke-dasharray:2 3}
.node circle{stroke:#222;stroke-width:.8;cursor:pointer}
.node text{font-size:10px;text-anchor:middle;pointer-events:none}
.dim{opacity:.12}
.edge.out{stroke:#c0392b;opacity:1;stroke-width:2}.edge.in{stroke:#2471a3;opacity:1;stroke-width:2}
.node.selected circle{stroke:#000;stroke-width:3}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.3rem;vertical-align:middle;border:1px solid #222}
"""

_SCRIPT = """
(function(){
  var svg=document.getElementById('network'), info=document.getElementById('info');
  var nodes=svg.querySelectorAll('.node'), edges=svg.querySelectorAll('.edge'), selected=null;
  var idle=info.textContent;
  function describe(n){return n.dataset.info;}
  function reset(){selected=null;
    nodes.forEach(function(n){n.classList.remove('dim','selected');});
    edges.forEach(function(e){e.classList.remove('dim','in','out');});
    info.textContent=idle;}
  function select(n){
    if(selected===n){reset();return;}
    reset(); selected=n; var id=n.dataset.id, near={}; near[id]=true; var cites=0, citedBy=0;
    edges.forEach(function(e){
      if(e.dataset.source===id){e.classList.add('out');near[e.dataset.target]=true;cites++;}
      else if(e.dataset.target===id){e.classList.add('in');near[e.dataset.source]=true;citedBy++;}
      else{e.classList.add('dim');}});
    nodes.forEach(function(m){if(!near[m.dataset.id]){m.classList.add('dim');}});
    n.classList.add('selected');
    info.textContent=describe(n)+'\\nCites '+cites+' (red), cited by '+citedBy+' (blue) in the corpus. Click again to clear.';}
  nodes.forEach(function(n){
    n.addEventListener('mouseenter',function(){if(!selected){info.textContent=describe(n);}});
    n.addEventListener('mouseleave',function(){if(!selected){info.textContent=idle;}});
    n.addEventListener('click',function(ev){ev.stopPropagation();select(n);});});
  svg.addEventListener('click',reset);
})();
"""


def _radius(cited_by: int) -> float:
    return 6.0 + 3.5 * math.sqrt(cited_by)


def render_html(network: Network, title: str = "Citation network") -> str:
    from reviewflow.network.model import layout, summary_line

    positions = layout(network)
    colours = doc_type_colours([r["doc_type"] for r in network.nodes])
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    x0, y_top = min(xs), max(ys)

    def px(doc_id: str) -> tuple[float, float]:
        x, y = positions[doc_id]
        return MARGIN + (x - x0) * X_STEP, MARGIN + (y_top - y) * Y_STEP

    width = MARGIN * 2 + (max(xs) - x0) * X_STEP + 40
    height = MARGIN * 2 + (y_top - min(ys)) * Y_STEP + 20
    radius = {r["doc_id"]: _radius(int(r["cited_by"])) for r in network.nodes}
    parts: list[str] = [
        f'<svg id="network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape_html(title)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
        '<g class="years">',
    ]
    for year in sorted({p[0] for p in positions.values()}):
        x = MARGIN + (year - x0) * X_STEP
        dated = any(str(r["year"]).isdigit() and float(r["year"]) == year for r in network.nodes)
        label = str(int(year)) if dated else "n.d."
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8:.1f}" font-size="11" text-anchor="middle" fill="#666">'
            f"{escape_html(label)}</text>"
        )
    parts.append('</g><g class="edges">')
    for edge in network.edges:
        (x1, y1), (x2, y2) = px(edge["source"]), px(edge["target"])
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        # Stop at the target's rim so the arrowhead stays visible; bend so A→B and B→A do not overlap.
        r2 = radius[edge["target"]] + 2
        ex, ey = x2 - dx / length * r2, y2 - dy / length * r2
        cx, cy = (x1 + ex) / 2 - dy * 0.15, (y1 + ey) / 2 + dx * 0.15
        tooltip = (
            f"{edge['source']} cites {edge['target']} (via {edge['via'].replace('_', ' ')}; "
            f"{edge['n_in_text']} in-text; contexts: {edge['contexts'] or 'none'})"
        )
        parts.append(
            f'<path class="edge via-{escape_html(edge["via"])}" data-source="{escape_html(edge["source"])}" '
            f'data-target="{escape_html(edge["target"])}" d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}" '
            f'marker-end="url(#arrow)"><title>{escape_html(tooltip)}</title></path>'
        )
    parts.append('</g><g class="nodes">')
    for row in network.nodes:
        x, y = px(row["doc_id"])
        label = row["citation"] or row["doc_id"]
        info = (
            f"{label} — {row.get('title') or 'title not recovered'}\n"
            f"{row['doc_type'].replace('_', ' ')}; evidence basis: {row['evidence_basis'] or 'not coded'}; "
            f"cited by {row['cited_by']}, cites {row['cites']}; reference list: {row['references_total']} entries, "
            f"{row['references_matched']} in the corpus"
        )
        parts.append(
            f'<g class="node" data-id="{escape_html(row["doc_id"])}" data-info="{escape_html(info)}" '
            f'transform="translate({x:.1f},{y:.1f})"><title>{escape_html(info)}</title>'
            f'<circle r="{radius[row["doc_id"]]:.1f}" fill="{colours[row["doc_type"]]}"/>'
            f'<text y="{radius[row["doc_id"]] + 12:.1f}">{escape_html(label)}</text></g>'
        )
    parts.append("</g></svg>")
    legend = "".join(
        f'<span><i style="background:{c}"></i>{escape_html(t.replace("_", " "))}</span>' for t, c in colours.items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape_html(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape_html(title)}</h1>\n<p>{escape_html(summary_line(network))}.</p>\n"
        f'<p class="legend">{legend}<span>solid: reference list and in-text; dashed: reference list only; '
        "dotted: in-text only</span></p>\n"
        '<div id="info">Hover a document to see it; click it to highlight what it cites (red) and what cites '
        "it (blue).</div>\n" + "\n".join(parts) + f"\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )

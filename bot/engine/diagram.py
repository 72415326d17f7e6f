"""Draw a flow as an SVG diagram, from the loaded flow itself, so the picture cannot drift from the YAML.

A plain layered layout in pure Python (no Graphviz): each node sits one row below the first node
that leads to it, rows are ordered by their parents' places, and arrows carry the answer that takes
them. Steps in other flows and the end of the conversation are drawn as rounded ends.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from bot.engine.flow import END, Flow, split_target

BOX_WIDTH, BOX_HEIGHT = 190, 46
GAP_X, GAP_Y = 28, 64
MARGIN = 24
NAME_CHARS = 26  # a longer node name is shortened in its box (the whole name is in its tooltip)
# Presentation attributes, not CSS: the dashboard's Content-Security-Policy refuses inline styles.
LOOK = {
    "box": 'fill="#fff" stroke="#333" stroke-width="1.2"',
    "start": 'fill="#e6f0ff" stroke="#1d4ed8" stroke-width="2"',
    "outside": 'fill="#f3f3f3" stroke="#888" stroke-dasharray="4 3"',
    "name": 'font-family="sans-serif" font-size="13" font-weight="600" fill="#111"',
    "detail": 'font-family="sans-serif" font-size="11" fill="#555"',
    "edge": 'fill="none" stroke="#666" stroke-width="1.1"',
    "waits": 'fill="none" stroke="#666" stroke-width="1.1" stroke-dasharray="5 4"',
    "edit": 'fill="none" stroke="#bbb" stroke-width="0.8"',
    "label": 'font-family="sans-serif" font-size="10" fill="#7a2e00"',
}


@dataclass(frozen=True)
class Box:
    """One box of the diagram: a node of the flow, or where the flow leads outside it."""

    id: str
    label: str
    detail: str  # what the node does: the parser it asks with, the event it sends
    kind: str  # "node", "start", "outside" (another flow, or the end)
    tooltip: str


@dataclass(frozen=True)
class Edge:
    """An arrow from one box to another, with the answer that takes it (if any)."""

    source: str
    target: str
    label: str
    waits: bool = False  # `wait:`: goes to a question without asking it again
    edit: bool = False  # a summary line's way back to the question that changes it (drawn faint, unlabelled)


def graph(flow: Flow) -> tuple[list[Box], list[Edge]]:
    """Return the boxes and arrows of a flow: every node, and every place its nodes lead to."""
    boxes: dict[str, Box] = {}
    edges: list[Edge] = []
    for node in flow.nodes.values():
        detail = f"ask: {node.ask.parser}" if node.ask else (f"event: {node.event}" if node.event else "")
        if node.review:
            detail += f" · {len(node.review)} lines to check"
        kind = "start" if node.name == flow.start else "node"
        boxes[node.name] = Box(node.name, node.name, detail, kind, (node.say or "").strip())
    for node in flow.nodes.values():
        labelled = [(target, value, False) for value, target in node.cases.items()]
        edits = dict.fromkeys(target for item in node.review for target in item.edit)
        labelled += [(target, "", True) for target in edits]
        if node.next:
            labelled.append((node.next, "", False))
        for target, label, edit in labelled:
            box = _box_for(flow, target, boxes)
            edges.append(Edge(node.name, box, label, target.startswith("wait:"), edit))
    return list(boxes.values()), edges


def _box_for(flow: Flow, target: str, boxes: dict[str, Box]) -> str:
    """The box a target names, adding a box for another flow's step or the end when it is new."""
    if target == END:
        boxes.setdefault("@end", Box("@end", "end", "", "outside", "The conversation ends."))
        return "@end"
    other, node = split_target(target, flow.name)
    if other == flow.name and node in flow.nodes:
        return node
    name = f"{other}.{node}" if node else other
    boxes.setdefault("@" + name, Box("@" + name, f"→ {name}", "another flow", "outside", f"Goes to {name}."))
    return "@" + name


def layers(flow: Flow, boxes: list[Box], edges: list[Edge]) -> list[list[str]]:
    """Rows of box ids: each box one row below the first box that reaches it from the start."""
    children: dict[str, list[str]] = {box.id: [] for box in boxes}
    for edge in edges:
        if edge.target not in children[edge.source]:
            children[edge.source].append(edge.target)
    depth: dict[str, int] = {}
    roots = [flow.start, *(name for name in flow.entry_nodes() if name in children)]
    roots += [box.id for box in boxes if box.kind != "outside"]  # nodes nothing leads to still get a row
    for root in roots:
        if root in depth:
            continue
        depth[root] = 0 if root == flow.start else max(depth.values(), default=-1) + 1
        queue = deque([root])
        while queue:
            current = queue.popleft()
            for child in children[current]:
                if child not in depth:
                    depth[child] = depth[current] + 1
                    queue.append(child)
    for box in boxes:
        depth.setdefault(box.id, max(depth.values(), default=-1) + 1)
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for box in boxes:
        rows[depth[box.id]].append(box.id)
    parents: dict[str, list[str]] = {}
    for edge in edges:
        parents.setdefault(edge.target, []).append(edge.source)
    place: dict[str, float] = {}
    for row in rows:  # order each row by where its parents sit (one sweep keeps crossings down)
        row.sort(key=lambda box_id: _mean([place[p] for p in parents.get(box_id, []) if p in place], len(place)))
        for index, box_id in enumerate(row):
            place[box_id] = index - len(row) / 2
    return [row for row in rows if row]


def _mean(values: list[float], fallback: float) -> float:
    return sum(values) / len(values) if values else fallback


def render_svg(flow: Flow) -> str:
    """Return the flow as a standalone SVG document."""
    boxes, edges = graph(flow)
    rows = layers(flow, boxes, edges)
    by_id = {box.id: box for box in boxes}
    widest = max(len(row) for row in rows)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X
    height = 2 * MARGIN + len(rows) * BOX_HEIGHT + (len(rows) - 1) * GAP_Y + 20
    where: dict[str, tuple[float, float]] = {}
    for number, row in enumerate(rows):
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        left = (width - row_width) / 2
        for index, box_id in enumerate(row):
            where[box_id] = (left + index * (BOX_WIDTH + GAP_X), MARGIN + 20 + number * (BOX_HEIGHT + GAP_Y))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" class="flow-diagram" '
        f"data-flow={quoteattr(flow.name)} aria-label={quoteattr(f'Flow {flow.name}: {flow.title}')}>",
        f"<title>{escape(flow.title)}</title>",
        f'<defs><marker id="arrow-{escape(flow.name)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
        f'<text x="{MARGIN}" y="{MARGIN + 4}" {LOOK["name"]}>{escape(flow.name)} · {escape(flow.title)}</text>',
    ]
    out += [_edge(edge, where, flow.name) for edge in edges]
    out += [_box(by_id[box_id], *where[box_id]) for row in rows for box_id in row]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge(edge: Edge, where: dict[str, tuple[float, float]], flow_name: str) -> str:
    """One arrow: down to a lower row as a curve, back up (a loop) around the boxes' right side."""
    (sx, sy), (tx, ty) = where[edge.source], where[edge.target]
    if ty > sy:
        x1, y1, x2, y2 = sx + BOX_WIDTH / 2, sy + BOX_HEIGHT, tx + BOX_WIDTH / 2, ty
        bend = (y2 - y1) / 2
        path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + bend:.0f} {x2:.0f},{y2 - bend:.0f} {x2:.0f},{y2:.0f}"
        lx, ly = (x1 + x2) / 2, (y1 + y2) / 2
    else:
        x1, y1, x2, y2 = sx + BOX_WIDTH, sy + BOX_HEIGHT / 2, tx + BOX_WIDTH, ty + BOX_HEIGHT / 2
        out_x = max(x1, x2) + GAP_X * 0.8
        path = f"M{x1:.0f},{y1:.0f} C{out_x:.0f},{y1:.0f} {out_x:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        lx, ly = out_x - 4, (y1 + y2) / 2
    kind = "edit" if edge.edit else ("waits" if edge.waits else "edge")
    parts = [
        f'<g class="arrow" data-from={quoteattr(edge.source)} data-to={quoteattr(edge.target)}>',
        f'<path class="{kind}" d="{path}" {LOOK[kind]} marker-end="url(#arrow-{escape(flow_name)})"/>',
    ]
    if edge.label:
        parts.append(
            f'<text {LOOK["label"]} x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle">{escape(edge.label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _box(box: Box, x: float, y: float) -> str:
    """One box, with the node's name, what it does, and its English text as a tooltip."""
    label = box.label if len(box.label) <= NAME_CHARS else box.label[: NAME_CHARS - 1] + "…"
    kind = box.kind if box.kind in ("start", "outside") else "box"
    radius = 18 if box.kind == "outside" else 6
    cx = x + BOX_WIDTH / 2
    parts = [
        f'<g class="node" data-node={quoteattr(box.id)}><title>{escape(box.label)}'
        f"{(chr(10) + escape(box.tooltip)) if box.tooltip else ''}</title>",
        f'<rect {LOOK[kind]} x="{x:.0f}" y="{y:.0f}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="{radius}"/>',
        f'<text {LOOK["name"]} x="{cx:.0f}" y="{y + 19:.0f}" text-anchor="middle">{escape(label)}</text>',
    ]
    if box.detail:
        parts.append(
            f'<text {LOOK["detail"]} x="{cx:.0f}" y="{y + 36:.0f}" text-anchor="middle">{escape(box.detail)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)

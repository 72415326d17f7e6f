"""Flow diagrams: drawn from the loaded flows, every node and every way between them in the picture."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask import Flask

from bot.config import PROJECT_ROOT
from bot.engine.diagram import graph, render_svg
from bot.engine.flow import END, split_target
from bot.engine.loader import load_flows

FLOWS = load_flows(PROJECT_ROOT / "flows")
SVG = "{http://www.w3.org/2000/svg}"


def _drawn(svg: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The node ids and (from, to) arrows in an SVG document, read back as XML."""
    root = ElementTree.fromstring(svg)
    nodes = {g.get("data-node") for g in root.iter(SVG + "g") if g.get("class") == "node"}
    arrows = {(g.get("data-from"), g.get("data-to")) for g in root.iter(SVG + "g") if g.get("class") == "arrow"}
    return nodes, arrows  # type: ignore[return-value]


@pytest.mark.parametrize("name", sorted(FLOWS.flows))
def test_a_diagram_has_every_node_and_every_target_of_its_flow(name: str) -> None:
    flow = FLOWS.flows[name]
    nodes, arrows = _drawn(render_svg(flow))
    assert set(flow.nodes) <= nodes
    for node in flow.nodes.values():
        for target in node.targets():
            other, step = split_target(target, flow.name)
            if target == END:
                expected = "@end"
            elif other == flow.name:
                expected = step
            else:
                expected = f"@{other}.{step}" if step else f"@{other}"
            assert (node.name, expected) in arrows, (node.name, target)


def test_a_changed_flow_draws_differently() -> None:
    """The picture follows the YAML: a node dropped from the flow is gone from its diagram."""
    flow = FLOWS.flows["street"]
    boxes, _ = graph(flow)
    last = next(box.id for box in boxes if box.kind != "outside" and box.id != flow.start)
    from dataclasses import replace

    fewer = replace(flow, nodes={k: v for k, v in flow.nodes.items() if k != last})
    fewer = replace(fewer, nodes={k: replace(v, next=None) if v.next == last else v for k, v in fewer.nodes.items()})
    assert last in _drawn(render_svg(flow))[0] and last not in _drawn(render_svg(fewer))[0]


def test_node_texts_are_escaped() -> None:
    flow = FLOWS.flows["menu"]
    from dataclasses import replace

    node = replace(flow.nodes[flow.start], say="<script>alert(1)</script> & more")
    svg = render_svg(replace(flow, nodes={**flow.nodes, flow.start: node}))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ElementTree.fromstring(svg)  # still well-formed


def test_the_diagram_command_writes_the_flow_as_svg(sqlite_app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "report.svg"
    result = sqlite_app.test_cli_runner().invoke(args=["flows", "diagram", "report", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _drawn(out.read_text(encoding="utf-8"))[0] >= set(FLOWS.flows["report"].nodes)
    missing = sqlite_app.test_cli_runner().invoke(args=["flows", "diagram", "nope"])
    assert missing.exit_code != 0 and "no flow named 'nope'" in missing.output

"""`flows check`: broken flows are caught before a texter meets them."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.engine.checks import check_flows
from bot.engine.loader import FlowError, load_flows
from bot.engine.texts import iter_texts
from bot.hotline import Hotline
from tests.engine.conftest import INFO, MENU, REPO_FLOWS, SURVEY, write_flows

# The test survey ends with an event of its own, which the tests of the engine look for.
RULES = replace(Hotline.flow_rules(), events=Hotline.flow_rules().events | {"survey_done"})


def problems_with(tmp_path: Path, **flows: str) -> list[str]:
    return check_flows(load_flows(write_flows(tmp_path / "f", **flows)), RULES)


def test_the_repository_flows_have_no_problems() -> None:
    assert check_flows(load_flows(REPO_FLOWS), Hotline.flow_rules()) == []


def test_the_test_flows_have_no_problems(tmp_path: Path) -> None:
    assert problems_with(tmp_path, menu=MENU, survey=SURVEY, info=INFO) == []


def test_unknown_target(tmp_path: Path) -> None:
    broken = INFO.replace("next: two", "next: three")
    found = problems_with(tmp_path, menu=MENU, survey=SURVEY, info=broken)
    assert "info.one: target 'three': no node 'three' in flow 'info'" in found


def test_unknown_flow_target(tmp_path: Path) -> None:
    broken = MENU.replace('info: "flow:info"', 'info: "flow:nowhere"')
    found = problems_with(tmp_path, menu=broken, survey=SURVEY, info=INFO)
    assert "menu.main: target 'flow:nowhere': no flow 'nowhere'" in found


def test_unreachable_node(tmp_path: Path) -> None:
    extra = INFO + "  orphan:\n    key: orphan\n    say: Nobody gets here.\n"
    found = problems_with(tmp_path, menu=MENU, survey=SURVEY, info=extra)
    assert any(p.startswith("info.orphan: unreachable") for p in found)


def test_unknown_parser(tmp_path: Path) -> None:
    broken = SURVEY.replace("parser: yes_no", "parser: crystal_ball")
    found = problems_with(tmp_path, menu=MENU, survey=broken, info=INFO)
    assert "survey.held: unknown parser 'crystal_ball'" in found


def test_unknown_placeholder(tmp_path: Path) -> None:
    broken = INFO.replace("{legal_help_phone}", "{lawyer_phone}")
    found = problems_with(tmp_path, menu=MENU, survey=SURVEY, info=broken)
    assert "info.two.say: unknown placeholder {lawyer_phone}" in found


def test_a_question_without_a_hint(tmp_path: Path) -> None:
    broken = SURVEY.replace(", hint: Please type a name.", "")
    found = problems_with(tmp_path, menu=MENU, survey=broken, info=INFO)
    assert "survey.name: a question needs a hint for answers that do not parse" in found


def test_a_case_that_is_not_a_choice(tmp_path: Path) -> None:
    broken = MENU.replace('cases: {survey: "flow:survey"', 'cases: {surve: "flow:survey"')
    found = problems_with(tmp_path, menu=broken, survey=SURVEY, info=INFO)
    assert "menu.main: case 'surve' is not one of its choices" in found


def test_missing_keyword(tmp_path: Path) -> None:
    directory = write_flows(tmp_path / "f", menu=MENU, survey=SURVEY, info=INFO)
    keywords = directory / "keywords.yaml"
    keywords.write_text(keywords.read_text().replace("  help:\n", "  helpme:\n"))
    found = check_flows(load_flows(directory), RULES)
    assert "keywords.yaml: keyword 'help' is missing" in found


def test_flow_name_must_match_its_file(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="must be the file's name"):
        load_flows(write_flows(tmp_path / "f", menu=MENU, survey=SURVEY, info=INFO.replace("flow: info", "flow: inf")))


def test_unknown_node_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="unknown keys"):
        load_flows(write_flows(tmp_path / "f", menu=MENU, survey=SURVEY, info=INFO.replace("next: two", "nxt: two")))


def test_every_text_has_a_translation_context() -> None:
    contexts = [context for context, _, _ in iter_texts(load_flows(REPO_FLOWS))]
    assert len(contexts) == len(set(contexts))
    assert "system.help" in contexts and "menu.main.say" in contexts and "keyword.stop" in contexts


def test_flows_check_command_passes_on_the_repository(sqlite_app) -> None:
    result = sqlite_app.test_cli_runner().invoke(args=["flows", "check"])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


LEGAL = """
format: 1
flow: info
title: Info
legal: true
start: one
nodes:
  one:
    key: one
    say: Info one.
    sources: [8 CFR 287.7]
    reviewed: 2026-11-27
    next: two
  two:
    key: two
    say: Info two. Call {legal_help_phone}.
    sources: [Illinois TRUST Act, 5 ILCS 805/15(a)]
    reviewed: 2026-11-27
"""


def test_legal_texts_with_sources_and_dates_pass(tmp_path: Path) -> None:
    assert problems_with(tmp_path, menu=MENU, survey=SURVEY, info=LEGAL) == []


def test_a_legal_text_without_a_source_fails(tmp_path: Path) -> None:
    broken = LEGAL.replace("    sources: [8 CFR 287.7]\n", "")
    assert "info.one: legal information needs `sources` and a `reviewed` date" in problems_with(
        tmp_path, menu=MENU, survey=SURVEY, info=broken
    )


def test_a_legal_text_without_a_review_date_fails(tmp_path: Path) -> None:
    broken = LEGAL.replace("    reviewed: 2026-11-27\n    next: two", "    next: two")
    assert "info.one: legal information needs `sources` and a `reviewed` date" in problems_with(
        tmp_path, menu=MENU, survey=SURVEY, info=broken
    )


def test_a_review_date_must_be_a_date(tmp_path: Path) -> None:
    broken = LEGAL.replace("    reviewed: 2026-11-27\n    next: two", "    reviewed: last week\n    next: two")
    assert "info.one: reviewed must have a date like {by: Jane Doe, on: 2026-11-27}" in problems_with(
        tmp_path, menu=MENU, survey=SURVEY, info=broken
    )


def test_every_rights_text_in_the_repository_has_sources_and_a_date() -> None:
    flows = load_flows(REPO_FLOWS)
    legal = [f for f in flows.flows.values() if f.legal]
    assert {f.name for f in legal} >= {"rights", "street"}
    checked = 0
    for flow in legal:
        for node in flow.nodes.values():
            if node.say and node.facts:
                assert node.sources and node.reviewed, f"{flow.name}.{node.name}"
                checked += 1
    assert checked >= 15


def test_flows_sources_lists_every_text_with_its_sources(sqlite_app) -> None:
    result = sqlite_app.test_cli_runner().invoke(args=["flows", "sources"])
    assert result.exit_code == 0, result.output
    placeholder = "PLACEHOLDER (the attorney's name or bar number) (NOT A NAMED REVIEWER)"
    assert f"rights.hold_2_il (last reviewed 2026-12-02 by {placeholder})" in result.output
    assert "  - Illinois TRUST Act, 5 ILCS 805/15(a)" in result.output
    assert "NO SOURCE" not in result.output and "NEVER" not in result.output
    assert "== No named reviewer: 31 text(s) (production refuses them)" in result.output


def test_flows_sources_lists_reviews_older_than_the_setting(tmp_path: Path, sqlite_url: str) -> None:
    from tests.conftest import make_app

    flows = Path(shutil.copytree(REPO_FLOWS, tmp_path / "flows"))
    path = flows / "rights.yaml"
    old = "    reviewed: {by: Jane Roe (ARDC 6300000), on: 2001-01-01}\n"
    path.write_text(path.read_text(encoding="utf-8").replace("    reviewed: *reviewed_2026_11_27\n", old, 1))
    app = make_app(sqlite_url, FLOWS_DIR=str(flows), CONTENT_REVIEW_MAX_DAYS=365)
    output = app.test_cli_runner().invoke(args=["flows", "sources"]).output
    stale = output.split("== Stale: ")[1].split("== No named reviewer")[0]
    assert stale.startswith("1 text(s) last reviewed over 365 days ago")
    assert "rights.hold_2 (last reviewed 2001-01-01 by Jane Roe (ARDC 6300000))" in stale
    assert "rights.hold_2_il" not in stale

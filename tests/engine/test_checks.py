"""`flask flows check` on a copy of the real flows/: each edit that once broke the bot is now refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import Result
from flask import Flask

from bot.engine.checks import REQUIRED_MESSAGES
from bot.engine.loader import FlowError, load_flows
from bot.engine.texts import iter_texts
from bot.i18n.translate import check_catalogs, rename_contexts, write_pot
from tests.engine.conftest import REPO_FLOWS

ROOT = REPO_FLOWS.parent
ENGINE = ROOT / "bot" / "engine"


@pytest.fixture
def flows_copy(tmp_path: Path) -> Path:
    """A copy of the repository's flows/ to break."""
    return Path(shutil.copytree(REPO_FLOWS, tmp_path / "flows"))


@pytest.fixture
def checking_app(flows_copy: Path, sqlite_url: str) -> Flask:
    """An app built on the intact copy; its `flows check` then reads the copy as edited by the test."""
    from tests.conftest import make_app

    return make_app(sqlite_url, FLOWS_DIR=str(flows_copy))


def edit(directory: Path, file: str, old: str, new: str) -> None:
    """Make one edit in a flow file, failing if the text to change is not there (the test would prove nothing)."""
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def flows_check(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["flows", "check"])


BROKEN_EDITS = {
    # YAML reads an unquoted yes as True: street arrests would never reach the report.
    "unquoted yes case": (
        "street.yaml",
        '{"yes": "flow:report.street_intro"}',
        '{yes: "flow:report.street_intro"}',
        'the key True is not text; put it in quotes, e.g. "yes":',
    ),
    "unquoted yes value": (
        "report.yaml",
        'ice_took_custody: "yes"}',
        "ice_took_custody: yes}",
        'report.street_intro.set.ice_took_custody: expected text, got True; put it in quotes, e.g. "yes"',
    ),
    # A misspelt event stores no report and texts the family a literal {ref}.
    "misspelt event": (
        "report.yaml",
        "event: submit_report",
        "event: submit_reprot",
        "report.fast_sent: unknown event 'submit_reprot' (the hotline handles: submit_report)",
    ),
    "misspelt node key": ("report.yaml", "    next: ask_dob\n", "    nxet: ask_dob\n", "unknown keys ['nxet']"),
    "misspelt ask key": (
        "report.yaml",
        "      save: detained_name",
        "      saev: detained_name",
        "unknown keys ['saev']",
    ),
    "misspelt parser option": (
        "report.yaml",
        "options: {max_length: 200, name: true}",
        "options: {max_lenght: 200, name: true}",
        "report.ask_name: the text parser has no option 'max_lenght' (it has: dont_know, max_length, name, repeat,"
        " story)",
    ),
    "photo hint removed": (
        "system.yaml",
        "  photo_hint:\n",
        "  photo_hint_old:\n",
        "system.yaml: message 'photo_hint' is missing (the media parser sends it)",
    ),
    "language confirmation removed": (
        "system.yaml",
        "  language_set:\n",
        "  language_chosen:\n",
        "system.yaml: message 'language_set' is missing",
    ),
    "no format": ("menu.yaml", "format: 1\n", "", "menu.yaml: `format: 1` is required"),
    "a future format": ("menu.yaml", "format: 1\n", "format: 2\n", "menu.yaml: `format: 1` is required"),
    "a node without a key": ("report.yaml", "    key: ask_dob\n", "", "report.ask_dob: `key:` is required"),
    "two nodes with one key": (
        "report.yaml",
        "    key: ask_dob\n",
        "    key: ask_name\n",
        "report: more than one node has the key 'ask_name'",
    ),
    "a flag that is not a flag": (
        "report.yaml",
        "resumable: true",
        "resumable: sometimes",
        "report.yaml: resumable: expected true or false",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_EDITS), ids=list(BROKEN_EDITS))
def test_flows_check_refuses_an_edit_that_breaks_the_bot(case: str, flows_copy: Path, checking_app: Flask) -> None:
    assert flows_check(checking_app).exit_code == 0
    file, old, new, problem = BROKEN_EDITS[case]
    edit(flows_copy, file, old, new)
    result = flows_check(checking_app)
    assert result.exit_code == 1, result.output
    assert problem in result.output
    assert "Traceback" not in result.output


def test_a_misspelt_target_is_reported_with_what_it_cuts_off(flows_copy: Path, checking_app: Flask) -> None:
    edit(flows_copy, "report.yaml", "next: submitted_help", "next: submitted_hlep")
    result = flows_check(checking_app)
    assert result.exit_code == 1
    assert "report.submitted: target 'submitted_hlep': no node 'submitted_hlep' in flow 'report'" in result.output
    assert "report.submitted_help: unreachable" in result.output


def test_flows_check_runs_from_the_shell_on_flows_the_app_cannot_start_with(flows_copy: Path, tmp_path: Path) -> None:
    """The real command line: the app must start far enough to say what is wrong, not print a traceback."""
    edit(flows_copy, "report.yaml", "event: submit_report", "event: submit_reprot")
    env = {
        **os.environ,
        "FLASK_DEBUG": "1",
        "FLOWS_DIR": str(flows_copy),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "flows", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "problem: report.fast_sent: unknown event 'submit_reprot'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_web_app_refuses_to_start_on_broken_flows(flows_copy: Path, sqlite_url: str) -> None:
    from tests.conftest import make_app

    edit(flows_copy, "street.yaml", '{"yes": "flow:report.street_intro"}', '{yes: "flow:report.street_intro"}')
    with pytest.raises(RuntimeError, match="put it in quotes"):
        make_app(sqlite_url, FLOWS_DIR=str(flows_copy))


def test_every_system_message_the_engine_sends_is_required() -> None:
    """A message the engine sends by name cannot be removed from system.yaml without `flows check` failing."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in ENGINE.glob("*.py"))
    sent = set(re.findall(r"""(?:say_system|system|system_count)\(\s*["']([a-z_]+)["']""", source))
    assert {"language_set", "welcome", "erased"} <= sent  # the pattern finds what it looks for
    assert sent <= set(REQUIRED_MESSAGES), sorted(sent - set(REQUIRED_MESSAGES))


def contexts(flows_dir: Path) -> dict[str, object]:
    return {context: text for context, text, _ in iter_texts(load_flows(flows_dir))}


def test_renaming_a_node_keeps_its_translations(flows_copy: Path) -> None:
    """Translation keys are declared, so a node renamed (and every route to it) keeps every catalog entry."""
    before = contexts(flows_copy)
    report = flows_copy / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert text.count("ask_name") >= 3
    report.write_text(text.replace("  ask_name:\n", "  full_name:\n").replace("next: ask_name", "next: full_name")
                      .replace("[ask_name,", "[full_name,"), encoding="utf-8")  # fmt: skip
    flows = load_flows(flows_copy)
    assert "full_name" in flows.flows["report"].nodes and "ask_name" not in flows.flows["report"].nodes
    assert contexts(flows_copy) == before
    assert check_catalogs(ROOT / "locales", flows_copy, root=ROOT) == []


def test_reordering_summary_lines_keeps_their_translations(flows_copy: Path) -> None:
    before = contexts(flows_copy)
    flows = load_flows(flows_copy)
    review = flows.flows["report"].nodes["review"].review
    report = flows_copy / "report.yaml"
    text = report.read_text(encoding="utf-8")
    first = "      - key: person\n"
    start = text.index(first)
    end = text.index("      - key: jail\n")
    moved = text[start:end]
    text = text[:start] + text[end:]
    text = text.replace("    ask:\n      parser: review\n", moved + "    ask:\n      parser: review\n", 1)
    report.write_text(text, encoding="utf-8")
    reordered = load_flows(flows_copy).flows["report"].nodes["review"].review
    assert [item.key for item in reordered] == [item.key for item in review[1:]] + ["person"]
    assert contexts(flows_copy) == before


def spanish(locales: Path) -> dict[str | None, object]:
    with (locales / "es" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return {m.context: m.string for m in read_po(file) if m.id}


def test_renaming_a_key_moves_every_translation(tmp_path: Path, flows_copy: Path) -> None:
    """`flask translate rename` is how a key is changed on purpose: no catalog entry turns fuzzy or is lost."""
    locales = Path(shutil.copytree(ROOT / "locales", tmp_path / "locales"))
    edit(flows_copy, "report.yaml", "    key: ask_name\n", "    key: detained_name\n")
    assert check_catalogs(locales, flows_copy, root=ROOT) != []  # without the move, the catalogs are stale
    counts = rename_contexts(locales, "report.ask_name", "report.detained_name")
    assert len(counts) == 7 and set(counts.values()) == {3}, counts  # its say, hint and heard_confirm, everywhere
    write_pot(locales, ROOT, flows_copy)
    assert check_catalogs(locales, flows_copy, root=ROOT) == []
    assert spanish(locales)["report.detained_name.say"] == spanish(ROOT / "locales")["report.ask_name.say"] != ""


def test_renaming_onto_a_key_in_use_is_refused(tmp_path: Path) -> None:
    locales = Path(shutil.copytree(ROOT / "locales", tmp_path / "locales"))
    with pytest.raises(ValueError, match="already exists"):
        rename_contexts(locales, "report.ask_name.say", "report.ask_dob.say")


def test_every_parser_has_its_rules() -> None:
    """`flows check` knows each parser's options exactly when the engine can run it."""
    from bot.answers import PARSERS, RULES

    assert set(RULES) == set(PARSERS)


def test_a_declared_budget_must_be_a_number(flows_copy: Path, checking_app: Flask) -> None:
    citizens = "    segments: 5\n    sources:\n      - Galarza v. Szalczyk (a U.S. citizen"
    edit(flows_copy, "rights.yaml", citizens, citizens.replace("segments: 5", "segments: five"))
    result = flows_check(checking_app)
    assert result.exit_code == 1
    assert "rights.citizens.segments: expected a whole number of SMS segments, like 5" in result.output


def test_a_declared_budget_is_checked_against_its_limits(flows_copy: Path, checking_app: Flask) -> None:
    edit(flows_copy, "report.yaml", "    key: intro\n", "    key: intro\n    segments: 5\n")
    act = "    segments: 5\n    sources:\n      - Contact numbers come from configuration"
    edit(flows_copy, "rights.yaml", act, act.replace("segments: 5", "segments: 6"))
    edit(flows_copy, "rights.yaml", "    key: topics\n", "    key: topics\n    segments: 4\n")
    result = flows_check(checking_app)
    assert result.exit_code == 1
    assert "report.intro: only legal information texts may declare `segments` (others keep 3)" in result.output
    assert "rights.topics: only legal information texts may declare `segments` (others keep 3)" in result.output
    assert "rights.act: segments must be from 3 to 5, not 6" in result.output


def checked(flows_dir: Path, *, production: bool = False) -> list[str]:
    """The problems `flows check` finds in a flows directory, as production or a local run sees them."""
    from bot.engine.checks import check_flows
    from bot.hotline import Hotline

    return check_flows(load_flows(flows_dir), Hotline.flow_rules(production=production))


def production_problems(flows_dir: Path) -> list[str]:
    return checked(flows_dir, production=True)


def test_production_refuses_legal_texts_without_a_named_reviewer(flows_copy: Path) -> None:
    problems = production_problems(flows_copy)
    assert len(problems) == 31 and all("is a placeholder; in production a lawyer's name" in p for p in problems)
    for name in ("rights.yaml", "street.yaml"):
        path = flows_copy / name
        path.write_text(
            path.read_text(encoding="utf-8").replace("PLACEHOLDER (the attorney's name or bar number)", "ARDC 6300000")
        )
    assert production_problems(flows_copy) == []
    edit(flows_copy, "street.yaml", "    reviewed: *reviewed_2026_12_02\n", "    reviewed: 2026-12-02\n")
    assert production_problems(flows_copy) == [
        "street.info_2: no reviewer is named; in production a lawyer's name or bar number must be in "
        "`reviewed: {by: ...}`"
    ]
    assert checked(flows_copy) == []  # the old plain-date form still reads


def test_flows_check_production_flag_checks_reviewers_locally(checking_app: Flask) -> None:
    assert flows_check(checking_app).exit_code == 0
    result = checking_app.test_cli_runner().invoke(args=["flows", "check", "--production"])
    assert result.exit_code == 1 and 'rights.hold_1: "PLACEHOLDER' in result.output


def test_a_reviewer_must_be_text_and_a_review_needs_a_date(flows_copy: Path) -> None:
    edit(flows_copy, "street.yaml", "    reviewed: *reviewed_2026_12_02\n", "    reviewed: {by: Jane Roe}\n")
    assert "street.info_2: reviewed must have a date like {by: Jane Doe, on: 2026-11-27}" in checked(flows_copy)
    edit(flows_copy, "street.yaml", "    reviewed: {by: Jane Roe}\n", "    reviewed: {by: 6300000, on: 2026-12-02}\n")
    with pytest.raises(FlowError, match="street.info_2.reviewed.by: expected a name or bar number"):
        load_flows(flows_copy)

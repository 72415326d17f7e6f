"""A small flow set for engine tests: the real system messages and keywords, and a test survey."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.flow import FlowSet
from bot.engine.loader import load_flows

REPO_FLOWS = Path(__file__).resolve().parents[2] / "flows"

MENU = """
format: 1
flow: menu
title: Main menu
start: main
nodes:
  main:
    key: main
    say: "Reply 1 for the survey, 2 for info."
    ask:
      parser: choice
      choices: {survey: "1, survey", info: "2, info"}
      hint: Please reply 1 or 2.
    cases: {survey: "flow:survey", info: "flow:info"}
"""

SURVEY = """
format: 1
flow: survey
title: Test survey
resumable: true
start: name
nodes:
  name:
    key: name
    say: What is their name?
    ask: {parser: text, save: name, hint: Please type a name.}
    next: nickname
  nickname:
    key: nickname
    say: A nickname? (SKIP is fine)
    ask: {parser: text, save: nickname, hint: Type a nickname or SKIP., optional: true}
    next: held
  held:
    key: held
    say: Is {name} still held? Reply YES or NO.
    ask: {parser: yes_no, save: held, hint: Please reply YES or NO., options: {dont_know: true}}
    cases: {"yes": urgent}
    next: done
  urgent:
    key: urgent
    say: That is urgent.
    next: done
  done:
    key: done
    say: Thanks, {name}.
    event: survey_done
"""

INFO = """
format: 1
flow: info
title: Info
start: one
nodes:
  one:
    key: one
    say: Info one.
    next: two
  two:
    key: two
    say: Info two. Call {legal_help_phone}.
"""


REPORT = """
format: 1
flow: report
title: Report
start: only
nodes:
  only:
    key: only
    say: The report flow (opened by the REPORT keyword).
"""


def write_flows(directory: Path, **flows: str) -> Path:
    """Write a flows directory with the repo's system.yaml and keywords.yaml plus the given flows.

    A one-node `report` flow is added unless given, since the REPORT keyword opens it.
    """
    flows.setdefault("report", REPORT)
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("system.yaml", "keywords.yaml"):
        shutil.copy(REPO_FLOWS / name, directory / name)
    for name, text in flows.items():
        (directory / f"{name}.yaml").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def flows(tmp_path: Path) -> FlowSet:
    return load_flows(write_flows(tmp_path / "flows", menu=MENU, survey=SURVEY, info=INFO))

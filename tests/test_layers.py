"""The package floors: the engine and the shared core load without the web or the database."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import bot.core
import bot.engine

ROOT = Path(__file__).resolve().parent.parent
WEB_AND_DATABASE = ("flask", "werkzeug", "sqlalchemy", "sqlmodel", "twilio", "psycopg", "psycopg2")


def _modules(package: object) -> list[str]:
    """Every module of `package`, by dotted name."""
    return [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]  # type: ignore[attr-defined]


def _loaded_after_import(modules: list[str]) -> list[str]:
    """The names in sys.modules after a fresh interpreter imports `modules` and nothing else."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("package", [bot.engine, bot.core], ids=["engine", "core"])
def test_a_pure_package_loads_neither_the_web_nor_the_database(package: object) -> None:
    """Importing every module of the package pulls in no web framework, ORM or Twilio client."""
    modules = _modules(package)
    assert len(modules) >= 5, modules
    loaded = _loaded_after_import(modules)
    assert all(name in loaded for name in modules)
    leaked = sorted(name for name in loaded if name.split(".")[0] in WEB_AND_DATABASE)
    assert not leaked, f"{package.__name__} pulls in {leaked[:10]}"  # type: ignore[attr-defined]


def test_the_engine_needs_no_other_bot_package() -> None:
    """The engine stands on bot.core alone: no answers, languages, storage or app is loaded with it."""
    loaded = _loaded_after_import(_modules(bot.engine))
    others = sorted(
        name for name in loaded if name.startswith("bot.") and not name.startswith(("bot.engine", "bot.core"))
    )
    assert not others, others


def test_the_probe_sees_a_web_import() -> None:
    """The check itself works: importing the app does load Flask."""
    assert "flask" in _loaded_after_import(["bot.app"])

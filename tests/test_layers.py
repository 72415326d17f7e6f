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


# The floors of bot/, lowest first: a part may import only from floors below its own.
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"core", "config"}),  # shared by every layer
    frozenset({"engine", "reports", "twilio", "sms"}),  # pure conversation engine, report rules, Twilio edges
    frozenset({"answers", "i18n", "storage"}),  # parsers, languages and catalogs, the database
    frozenset({"hotline", "outbox", "export"}),  # one text end to end, texts out, exports
    frozenset({"alerts", "recovery", "staff"}),  # on-call alerts, replaying what an outage left, the dashboard
    frozenset({"cli"}),
    frozenset({"app"}),
)
BOT = ROOT / "bot"


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _imports() -> dict[str, set[str]]:
    """Every bot module and the bot modules it imports, at the top or inside a function."""
    import ast

    graph: dict[str, set[str]] = {}
    known = {_module_name(path) for path in BOT.rglob("*.py")}
    for path in BOT.rglob("*.py"):
        targets = graph.setdefault(_module_name(path), set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "bot":
                names = [f"{node.module}.{alias.name}" for alias in node.names]
                targets.update(name if name in known else node.module for name in names)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name.split(".")[0] == "bot")
    return graph


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else "bot"


def test_every_part_of_bot_stands_on_a_floor() -> None:
    parts = {_part(module) for module in _imports()} - {"bot"}
    placed = frozenset().union(*FLOORS)
    assert parts == placed, f"not placed: {sorted(parts - placed)}; gone: {sorted(placed - parts)}"


def test_no_part_imports_a_part_on_its_own_floor_or_above() -> None:
    floor = {part: number for number, parts in enumerate(FLOORS) for part in parts}
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _imports().items()
        for target in targets
        if _part(module) != _part(target) and _part(target) != "bot" and floor[_part(target)] >= floor[_part(module)]
    )
    assert not upward, upward


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = _imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            raise AssertionError("import circle: " + " -> ".join((*path[path.index(module) :], module)))
        if module in done:
            return
        for target in graph.get(module, ()):
            visit(target, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_the_import_reader_sees_real_imports() -> None:
    """The import reader finds what it must: the engine's real imports of the shared core."""
    assert "bot.core.text" in _imports()["bot.engine.keywords"]

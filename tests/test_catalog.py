"""Translation tooling: a deterministic messages.pot, and a check that catches broken catalogs."""

from __future__ import annotations

import os
import shutil
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask

from bot.app import create_app
from bot.config import PROJECT_ROOT
from bot.engine.loader import load_flows
from bot.i18n.catalogs import Catalogs
from bot.i18n.translate import (
    DASHBOARD_DOMAIN,
    POT_NAME,
    catalog_bytes,
    check_catalogs,
    compile_catalogs,
    extract_catalog,
    init_catalog,
    render_pot,
    sent_as_sms,
    update_catalogs,
    write_pot,
)

LOCALES = PROJECT_ROOT / "locales"
FLOWS = PROJECT_ROOT / "flows"
LONG_SPANISH = "Información sobre la detención. " * 8  # á/ó make it UCS-2: 67 characters a segment


def _copy_flows(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FLOWS, tmp_path / "flows"))


def _set_system_text(flows_dir: Path, key: str, text: str) -> None:
    """Change (or add) a system message in a copy of flows/system.yaml."""
    path = flows_dir / "system.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = data["messages"].get(key)
    if isinstance(entry, dict):
        entry["text"] = text
    else:
        data["messages"][key] = {"text": text}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _template() -> Catalog:
    """Return the template for the current flows (tests other than the staleness one must not need extract)."""
    return read_po(BytesIO(render_pot()))


def _spanish(**changes: Any) -> Catalog:
    """Return a complete Spanish catalog ("ES " + English); changes map a context to its text, "FUZZY" or None."""
    template = _template()
    catalog = Catalog(locale="es", fuzzy=False)
    for message in template:
        if not message.id or message.context in changes and changes[message.context] is None:
            continue
        if message.pluralizable:  # one form for "one", the plural for each other form Spanish has
            spanish = ("ES " + message.id[0],) + ("ES " + message.id[1],) * (catalog.num_plurals - 1)
        else:
            spanish = "ES " + message.id
        text = changes.get(message.context, spanish)
        flags = {"fuzzy"} if text == "FUZZY" else set()
        catalog.add(message.id, spanish if flags else text, context=message.context, flags=flags)
    return catalog


def _locales(tmp_path: Path, catalog: Catalog | None = None) -> Path:
    """Return a locales/ dir holding an up-to-date pot and, optionally, a Spanish catalog."""
    locales = tmp_path / "locales"
    locales.mkdir()
    write_pot(locales)
    if catalog is not None:
        po = locales / "es" / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_bytes(catalog_bytes(catalog))
    return locales


@pytest.fixture
def cli_app(tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite:///" + str(tmp_path / "t.db")})


# (a) the committed template is up to date, and goes stale when a flow text changes


def test_committed_pot_is_up_to_date() -> None:
    assert (LOCALES / POT_NAME).read_bytes() == render_pot(), "run: flask --app wsgi translate extract"


def test_editing_a_flow_text_makes_the_committed_pot_stale(tmp_path: Path) -> None:
    locales = _locales(tmp_path)  # holds the pot extracted from today's flows/
    flows = _copy_flows(tmp_path)
    assert check_catalogs(locales, flows) == []  # an unchanged copy is not stale

    _set_system_text(flows, "help", "Holdline: free help. Call {legal_help_phone}. Reply STOP to end texts.")
    _set_system_text(flows, "brand_new", "A brand new message.")

    assert render_pot(flows_dir=flows) != (locales / POT_NAME).read_bytes()
    problems = check_catalogs(locales, flows)
    assert len(problems) == 1
    assert "messages.pot is stale" in problems[0]
    assert "new: system.brand_new" in problems[0]
    assert "changed: system.help" in problems[0]


# (b) extraction is deterministic


def test_extraction_is_deterministic_and_independent_of_the_checkout_path(tmp_path: Path) -> None:
    first, second = render_pot(), render_pot()
    assert first == second
    copy = tmp_path / "elsewhere"
    shutil.copytree(PROJECT_ROOT / "bot", copy / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FLOWS, copy / "flows")
    shutil.copy(PROJECT_ROOT / "babel.cfg", copy / "babel.cfg")
    assert render_pot(copy) == first
    assert b"POT-Creation-Date: 1970-01-01 00:00+0000" in first
    assert b".yaml:" not in first  # no line numbers: editing one text does not move the others


def test_flow_texts_carry_context_notes_and_file() -> None:
    catalog, flows = extract_catalog(), load_flows(FLOWS)
    welcome = catalog.get(flows.messages["welcome"], "system.welcome")
    assert welcome is not None
    assert welcome.auto_comments == ["Translators: " + " ".join(flows.message_notes["welcome"].split())]
    assert [name for name, _ in welcome.locations] == ["flows/system.yaml"]
    words = catalog.get(flows.keywords["stop"].words, "keyword.stop")
    assert words is not None and words.locations[0][0] == "flows/keywords.yaml"


def test_python_and_template_strings_are_extracted(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FLOWS, root / "flows")
    shutil.copy(PROJECT_ROOT / "babel.cfg", root / "babel.cfg")
    (root / "bot" / "staff" / "templates").mkdir(parents=True)
    (root / "bot" / "staff" / "views.py").write_text(
        "# Translators: The page title of the report list.\n"
        "TITLE = lazy_gettext('Reports')\n"
        "def show(n):\n"
        "    return pgettext('staff.status', 'Open'), ngettext('{n} report', '{n} reports', n)\n",
        encoding="utf-8",
    )
    (root / "bot" / "staff" / "templates" / "list.html").write_text(
        "<h1>{{ _('Urgent') }}</h1>{% trans %}Nothing to review{% endtrans %}", encoding="utf-8"
    )
    catalog = extract_catalog(root, domain=DASHBOARD_DOMAIN)  # strings without a context: the dashboard's
    reports = catalog.get("Reports")
    assert reports is not None and reports.auto_comments == ["Translators: The page title of the report list."]
    assert extract_catalog(root).get("Open", "staff.status") is not None  # with a context: texters'
    assert catalog.get(("{n} report", "{n} reports")) is not None
    assert catalog.get("Urgent") is not None and catalog.get("Nothing to review") is not None
    assert catalog.get("Reports").locations == [("bot/staff/views.py", 2)]  # type: ignore[union-attr]


# (c) a broken catalog: every problem is reported


def test_check_reports_each_problem_in_a_broken_catalog(tmp_path: Path) -> None:
    catalog = _spanish(
        **{
            "system.started": None,  # missing
            "system.stopped": "",  # empty
            "system.help": "{org_name}: ayuda gratis. Llame al {telefono}. Responda MENU o STOP.",
            "system.no_back": "Es la primera pregunta. Responda MENU para salir {",
            "system.welcome": "FUZZY",
            "system.apology": "Llame al {legal_help_phone}. " + LONG_SPANISH,
            "keyword.stop": LONG_SPANISH,  # word lists are typed, not sent: no segment budget
            "menu.title": LONG_SPANISH,  # nor are flow titles on their own
        }
    )
    catalog.add("Old text", "Texto viejo", context="system.gone")
    locales = _locales(tmp_path, catalog)

    problems = check_catalogs(locales, FLOWS)

    assert sorted(problems) == sorted(
        [
            "es: system.started: missing (run `flask translate update`)",
            "es: system.stopped: not translated",
            "es: system.help: placeholders differ from the English "
            "(missing: {legal_help_phone}; not in the English: {telefono})",
            "es: system.no_back: broken placeholder braces (write {name} exactly as in the English, {{ for a brace)",
            "es: system.welcome: fuzzy (check the translation against the English, then remove the flag)",
            "es: system.apology: 5 SMS segments, over the budget of 3 (285 characters; "
            "ó are not GSM-7, so a segment holds 67 characters, not 153)",
            "es: system.gone: not in messages.pot (run `flask translate update`)",
        ]
    )


def test_check_reports_optional_parts_a_translation_moved_or_broke(tmp_path: Path) -> None:
    """A summary line's [parts] are left out when skipped: a translation must bracket the same answers."""
    catalog = _spanish(
        **{
            # the booking number moved out of its brackets: "Registro: -" would come back for every skip
            "report.review.review.dates": "[Arrestado {arrested_on}. ]Registro: {booking_number}. "
            "[Debía salir {release_due_at}, {release_reason}]",
            "report.review.review.papers": "[A-number: {a_number}. Papeles: {papers_received}[. Fotos: {media}]]",
            "report.review.review.person": "{detained_name} (también: {other_names}), nacido {detained_dob}, "
            "{birth_country}, {citizenship}",  # no brackets at all: nothing would ever be left out
        }
    )
    problems = [p for p in check_catalogs(_locales(tmp_path, catalog), FLOWS) if "optional" in p]
    assert sorted(problems) == [
        "es: report.review.review.dates: optional [parts] differ from the English (each [ ] must hold the same "
        "answers)",
        "es: report.review.review.papers: optional parts need one [ and one ] each, not nested",
        "es: report.review.review.person: optional [parts] differ from the English (each [ ] must hold the same "
        "answers)",
    ]


def test_english_source_over_budget_is_reported(tmp_path: Path) -> None:
    flows = _copy_flows(tmp_path)
    _set_system_text(flows, "help", "x" * 470)
    problems = check_catalogs(LOCALES, flows)
    assert "en: system.help: 4 SMS segments, over the budget of 3 (470 characters)" in problems


def test_placeholder_values_count_towards_the_budget(tmp_path: Path) -> None:
    flows = _copy_flows(tmp_path)
    _set_system_text(flows, "help", "x" * 440 + " {org_name}")  # the copy's pot is stale: ignore that

    def budget(values: dict[str, str]) -> list[str]:
        return [p for p in check_catalogs(LOCALES, flows, values=values) if "segments" in p]

    assert budget({"org_name": "Holdline"}) == []
    assert budget({"org_name": "A Very Long Organisation Name For Immigrant Families"}) == [
        "en: system.help: 4 SMS segments, over the budget of 3 (493 characters)"
    ]


def test_word_lists_and_titles_are_not_sent_as_sms() -> None:
    assert not sent_as_sms("keyword.stop")
    assert not sent_as_sms("answer.yes")
    assert not sent_as_sms("menu.main.choice.report")
    assert not sent_as_sms("report.title")
    assert sent_as_sms("system.title")
    assert sent_as_sms("report.call_now.say")
    assert sent_as_sms("menu.main.hint")
    assert sent_as_sms(None)


# (d) a good catalog passes, compiles, and is what texters get


def test_good_catalog_passes_compiles_and_translates(tmp_path: Path) -> None:
    locales = _locales(tmp_path, _spanish())
    assert check_catalogs(locales, FLOWS) == []

    written = compile_catalogs(locales)
    assert written == {"es": locales / "es" / "LC_MESSAGES" / "messages.mo"}
    english = load_flows(FLOWS).messages["help"]
    assert Catalogs(locales).available() == ["en", "es"]
    assert Catalogs(locales).translator("es")("system.help", english) == "ES " + english
    assert Catalogs(locales).translator("en")("system.help", english) == english
    assert Catalogs(locales).translator("fr")("system.help", english) == english


def test_a_po_without_an_up_to_date_mo_is_compiled_in_memory(tmp_path: Path) -> None:
    locales = _locales(tmp_path, _spanish())
    english = load_flows(FLOWS).messages["help"]
    assert Catalogs(locales).translator("es")("system.help", english) == "ES " + english  # no .mo at all

    compile_catalogs(locales)
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    po.write_bytes(catalog_bytes(_spanish(**{"system.help": "Nuevo: " + english, "system.welcome": "FUZZY"})))
    mo_time = (locales / "es" / "LC_MESSAGES" / "messages.mo").stat().st_mtime
    os.utime(po, (mo_time + 10, mo_time + 10))  # the .po was edited after the last compile

    translate = Catalogs(locales).translator("es")
    assert translate("system.help", english) == "Nuevo: " + english
    welcome = load_flows(FLOWS).messages["welcome"]
    assert translate("system.welcome", welcome) == welcome  # fuzzy entries are never sent


# update and init


def test_init_and_update_mark_new_and_changed_texts(tmp_path: Path) -> None:
    locales = _locales(tmp_path)
    po = init_catalog(locales, "es")
    assert po == locales / "es" / "LC_MESSAGES" / "messages.po"
    with pytest.raises(FileExistsError):
        init_catalog(locales, "es")
    with pytest.raises(ValueError):
        init_catalog(locales, "en")
    with pytest.raises(ValueError):
        init_catalog(locales, "not-a-locale")

    po.write_bytes(catalog_bytes(_spanish()))  # a translator fills everything in
    assert check_catalogs(locales, FLOWS) == []

    flows = _copy_flows(tmp_path)
    english = load_flows(FLOWS).messages["help"]
    _set_system_text(flows, "help", english.replace("free help", "free, private help"))
    _set_system_text(flows, "brand_new", "A brand new message.")
    (locales / POT_NAME).write_bytes(render_pot(flows_dir=flows))
    update_catalogs(locales)
    once = po.read_bytes()
    update_catalogs(locales)
    assert po.read_bytes() == once  # updating twice changes nothing

    with po.open("rb") as fp:
        merged = read_po(fp)
    changed = merged.get(english.replace("free help", "free, private help"), "system.help")
    assert changed is not None and changed.fuzzy and changed.string == "ES " + english
    problems = check_catalogs(locales, flows)
    assert "es: system.help: fuzzy (check the translation against the English, then remove the flag)" in problems
    assert "es: system.brand_new: not translated" in problems


# (e) the command line


def test_flask_translate_check_passes_on_the_repo(cli_app: Flask) -> None:
    result = cli_app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_flask_translate_commands_end_to_end(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    app = create_app(
        {"TESTING": True, "DATABASE_URL": "sqlite:///" + str(tmp_path / "t.db"), "LOCALES_DIR": str(locales)}
    )
    runner = app.test_cli_runner()

    assert runner.invoke(args=["translate", "extract"]).exit_code == 0
    assert (locales / POT_NAME).read_bytes() == render_pot()
    assert "Unchanged" in runner.invoke(args=["translate", "extract"]).output

    result = runner.invoke(args=["translate", "update", "--init", "es"])
    assert result.exit_code == 0, result.output
    assert (locales / "es" / "LC_MESSAGES" / "messages.po").is_file()

    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 1
    assert "problem: es: system.help: not translated" in result.output

    assert runner.invoke(args=["translate", "compile"]).exit_code == 0
    assert (locales / "es" / "LC_MESSAGES" / "messages.mo").is_file()


def test_dashboard_texts_go_to_their_own_template(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FLOWS, root / "flows")
    shutil.copy(Path(__file__).resolve().parent.parent / "babel.cfg", root / "babel.cfg")
    (root / "bot").mkdir()
    (root / "bot" / "views.py").write_text(
        "from flask_babel import gettext, pgettext\n"
        'LABEL = gettext("Assign to me")\n'
        'TEXT = pgettext("staff_template.hello", "Hello from our staff.")\n'
    )
    texter = read_po(BytesIO(render_pot(root)))
    dashboard = read_po(BytesIO(render_pot(root, domain=DASHBOARD_DOMAIN)))
    assert texter.get("Hello from our staff.", "staff_template.hello") is not None
    assert texter.get("Assign to me") is None
    assert dashboard.get("Assign to me") is not None
    assert dashboard.get("Hello from our staff.", "staff_template.hello") is None


def _set_node(flows_dir: Path, flow: str, node: str, **values: Any) -> None:
    """Change keys of one node in a copy of flows/<flow>.yaml (None removes a key)."""
    path = flows_dir / f"{flow}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in values.items():
        if value is None:
            data["nodes"][node].pop(key, None)
        else:
            data["nodes"][node][key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_legal_text_may_use_the_segments_its_node_declares(tmp_path: Path) -> None:
    """A 4-segment Spanish legal text passes at its declared 5 and fails once the declaration is gone."""
    flows = _copy_flows(tmp_path)
    text = "Ayuda {legal_help_phone}, {family_support_phone}. " + "Información para la familia. " * 7
    locales = _locales(tmp_path, _spanish(**{"rights.act.say": text}))
    assert not [p for p in check_catalogs(locales, flows) if "rights.act.say" in p]
    _set_node(flows, "rights", "act", segments=None)
    assert [p for p in check_catalogs(locales, flows) if "rights.act.say" in p] == [
        "es: rights.act.say: 4 SMS segments, over the budget of 3 (253 characters; ó are not GSM-7, so a segment "
        "holds 67 characters, not 153)"
    ]


def test_declared_budgets_still_have_a_ceiling(tmp_path: Path) -> None:
    flows = _copy_flows(tmp_path)
    text = "Ayuda {legal_help_phone}, {family_support_phone}. " + "Información para la familia. " * 13
    found = [p for p in check_catalogs(_locales(tmp_path, _spanish(**{"rights.act.say": text})), flows)]
    assert [p for p in found if "rights.act.say" in p] == [
        "es: rights.act.say: 7 SMS segments, over the budget of 5 (427 characters; ó are not GSM-7, so a segment "
        "holds 67 characters, not 153)"
    ]

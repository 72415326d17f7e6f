"""Translation tooling: extract flows/ and bot/ into messages.pot, merge, compile and check catalogs.

`flask translate extract|update|compile|check` wraps the plain functions here, so tests call them
without Flask. Babel reads babel.cfg; the flows extractor below turns `iter_texts` into entries
with a context per text (`report.call_now.say`) and each `note:` as a `#. Translators:` comment.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import click
import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import PoFileError, read_po, write_po
from flask import current_app
from flask.cli import AppGroup

from bot.config import PROJECT_ROOT, settings_of
from bot.core.segments import budget_for, count_segments, folded_if_cheaper, is_gsm7
from bot.engine import optional
from bot.engine.loader import KEYWORDS_FILE, SYSTEM_FILE, load_flows
from bot.engine.texts import budgets, iter_texts
from bot.i18n.catalogs import DOMAIN, SOURCE_LOCALE, compile_catalog

BABEL_CFG = "babel.cfg"
FLOWS = "flows"
POT_NAME = f"{DOMAIN}.pot"
# Texts texters read or type carry a msgctxt (flows, `pgettext` in bot/) and go to messages.pot, which
# every locale must translate completely. Staff dashboard texts (`gettext`/`lazy_gettext`, no context)
# go to dashboard.pot: the dashboard is English-only for now, so no locale has to translate them yet.
DASHBOARD_DOMAIN = "dashboard"
DASHBOARD_POT = f"{DASHBOARD_DOMAIN}.pot"
TRANSLATORS = "Translators:"
# The pot's dates carry no information (git has the history) and would change every run.
FIXED_DATE = datetime(1970, 1, 1, tzinfo=UTC)
# Babel replaces PROJECT, VERSION, YEAR and ORGANIZATION in headers, so the text avoids those words.
HEADER = """\
# {what} of Holdline's texts, from flows/*.yaml and bot/.
# Made by `flask translate extract` (messages.pot) and
# `flask translate update` (messages.po): change English in flows/ only.
# msgctxt says where a text is used:
#   system.<name>: sent outside any flow;
#   <flow>.<key>.say, .hint, .confirm: sent during a conversation (<key>
#   is the node's `key:` in flows/);
#   <flow>.<key>.review.<key>, .label.<value>: lines and answers of a
#   summary that is sent;
#   <flow>.title: a flow's name, shown inside other texts;
#   keyword.<name>, answer.<name>, <flow>.<key>.choice.<value>: words
#   texters type, comma-separated (list what people really type; the
#   English words always work too).
# Keep every {{placeholder}} as written. A text that is sent must fit in 3
# SMS segments: 459 characters, or 201 when it has any character outside
# the GSM-7 alphabet (such as á, í, ó, ú or a curly apostrophe). Legal
# texts whose node declares `segments: 5` may use 5: 765, or 335.
#"""


# --- Extraction ------------------------------------------------------------------------------


def extract_flows(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield Babel extraction results (as pgettext calls) for the texts one flows/*.yaml file holds."""
    path = Path(getattr(fileobj, "name", ""))
    if not path.name:
        raise ValueError("the flows extractor reads a whole flows/ directory, so it needs a file on disk")
    flows = load_flows(path.parent)  # one file alone is not a flow set: titles and words come from siblings
    lines = _key_lines(fileobj.read())
    names = {
        node.key: node.name for flow in flows.flows.values() if flow.name == path.stem for node in flow.nodes.values()
    }
    for context, text, note in iter_texts(flows):
        if _source_file(context) != path.name:
            continue
        comments = [f"{TRANSLATORS} {' '.join(note.split())}"] if note else []
        if isinstance(text, tuple):
            yield _line_of(context, lines, names), "npgettext", (context, *text), comments
        else:
            yield _line_of(context, lines, names), "pgettext", (context, text), comments


def _source_file(context: str) -> str:
    """Return the flows/ file name a context's text is written in."""
    kind = context.split(".", 1)[0]
    if kind == "system":
        return SYSTEM_FILE
    if kind in ("keyword", "answer"):
        return KEYWORDS_FILE
    return f"{kind}.yaml"


def _key_lines(source: bytes) -> dict[tuple[str, ...], int]:
    """Map every key path of a YAML document to the line it starts on."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node | None, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = (*prefix, str(key.value))
                lines[path] = key.start_mark.line + 1
                walk(value, path)

    walk(yaml.compose(source), ())
    return lines


def _line_of(context: str, lines: dict[tuple[str, ...], int], names: Mapping[str, str]) -> int:
    """Return the line a context's text is on (the nearest enclosing key when YAML spells it differently).

    `names` maps the flow's node keys to node names, since a node's key need not be its name.
    """
    head, *tail = context.split(".")
    sections = {"system": "messages", "keyword": "keywords", "answer": "answers"}
    if head in sections:
        path: tuple[str, ...] = (sections[head], ".".join(tail))
    elif len(tail) < 2:
        path = tuple(tail)  # <flow>.title
    else:
        node, kind, rest = names.get(tail[0], tail[0]), tail[1], ".".join(tail[2:])
        path = {
            "say": ("nodes", node, "say"),
            "hint": ("nodes", node, "ask", "hint"),
            "confirm": ("nodes", node, "ask", "confirm"),
            "heard_confirm": ("nodes", node, "ask", "heard_confirm"),
            "choice": ("nodes", node, "ask", "choices", rest),
            "label": ("nodes", node, "ask", "choices", rest, "label"),
        }.get(kind, ("nodes", node, kind))
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def extract_catalog(
    root: str | Path = PROJECT_ROOT, flows_dir: str | Path | None = None, domain: str = DOMAIN
) -> Catalog:
    """Collect the translatable texts of one domain under root, as babel.cfg maps them, into a template."""
    root = Path(root)
    with (root / BABEL_CFG).open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(root / BABEL_CFG))
    runs = [(root, method_map, options_map, "")]
    if flows_dir is not None and Path(flows_dir).resolve() != (root / FLOWS).resolve():
        # Content kept outside the checkout (FLOWS_DIR) is still named flows/<file> in the template.
        prefix = FLOWS + "/"
        runs = [
            (root, [(p, m) for p, m in method_map if not p.startswith(prefix)], options_map, ""),
            (
                Path(flows_dir),
                [(p.removeprefix(prefix), m) for p, m in method_map if p.startswith(prefix)],
                {p.removeprefix(prefix): o for p, o in options_map.items() if p.startswith(prefix)},
                prefix,
            ),
        ]
    catalog = _new_catalog(locale=None)
    for directory, methods, options, location_prefix in runs:
        for filename, lineno, message, comments, context in extract_from_dir(
            directory, methods, options, keywords=DEFAULT_KEYWORDS, comment_tags=()
        ):
            if (context is not None) == (domain == DOMAIN):
                catalog.add(
                    message, None, [(location_prefix + filename, lineno)], auto_comments=comments, context=context
                )
    return catalog


def _new_catalog(locale: str | None) -> Catalog:
    """Return an empty catalog with Holdline's fixed header."""
    what = "English source" if locale is None else f"{_english_name(locale)} translation"
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        header_comment=HEADER.format(what=what),
        project="Holdline",
        version="1",  # not the app's version: a release would otherwise change every catalog
        creation_date=FIXED_DATE,
        fuzzy=locale is None,
    )


def _english_name(locale: str) -> str:
    """Return a locale's English name ("Spanish"), or the identifier Babel does not know."""
    try:
        return Locale.parse(locale).english_name or locale
    except (ValueError, UnknownLocaleError):
        return locale


def catalog_bytes(catalog: Catalog) -> bytes:
    """Write a catalog as .po/.pot bytes: in file order, without line numbers."""
    # Line numbers would change the pot (and every .po on update) whenever a line is added above a
    # text; sorting by file then line keeps the conversation order translators read in. No `#|`
    # previous msgids: Babel 2.19 wraps long ones into lines it cannot read back.
    buffer = BytesIO()
    write_po(buffer, catalog, width=76, sort_by_file=True, include_lineno=False)
    return buffer.getvalue()


def render_pot(root: str | Path = PROJECT_ROOT, flows_dir: str | Path | None = None, domain: str = DOMAIN) -> bytes:
    """Return the bytes messages.pot (or dashboard.pot) must hold for the current source."""
    return catalog_bytes(extract_catalog(root, flows_dir, domain))


def write_pot(locales_dir: str | Path, root: str | Path = PROJECT_ROOT, flows_dir: str | Path | None = None) -> bool:
    """Write locales/messages.pot and locales/dashboard.pot; return whether either changed."""
    changed = [
        _write_if_changed(Path(locales_dir) / f"{domain}.pot", render_pot(root, flows_dir, domain))
        for domain in (DOMAIN, DASHBOARD_DOMAIN)
    ]
    return any(changed)


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=locale, abort_invalid=True)


def po_files(locales_dir: str | Path) -> list[Path]:
    """Return every locales/<locale>/LC_MESSAGES/messages.po, sorted by locale."""
    return sorted(Path(locales_dir).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _locale_of(po: Path) -> str:
    return po.parent.parent.name


# --- Update, init, compile -------------------------------------------------------------------


def init_catalog(locales_dir: str | Path, locale: str) -> Path:
    """Create locales/<locale>/LC_MESSAGES/messages.po from messages.pot, every entry untranslated."""
    try:
        identifier = str(Locale.parse(locale.replace("-", "_")))
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"{locale!r} is not a locale Babel knows (try es, ht, pt_BR…)") from exc
    if identifier == SOURCE_LOCALE:
        raise ValueError("English is the source language: it lives in flows/, not in a catalog")
    po = Path(locales_dir) / identifier / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise FileExistsError(f"{po} already exists; run `flask translate update` to merge new texts into it")
    template = _read_catalog(Path(locales_dir) / POT_NAME)
    catalog = _new_catalog(identifier)
    catalog.revision_date = datetime.now(UTC)
    for message in template:
        if message.id:
            catalog[message.id] = message.clone()
    _write_if_changed(po, catalog_bytes(catalog))
    return po


def update_catalogs(locales_dir: str | Path) -> dict[str, Catalog]:
    """Merge messages.pot into every messages.po: new texts empty, changed ones fuzzy, gone ones obsolete."""
    template = _read_catalog(Path(locales_dir) / POT_NAME)
    updated = {}
    for po in po_files(locales_dir):
        catalog = _read_catalog(po, _locale_of(po))
        catalog.update(template, update_header_comment=False, keep_user_comments=True)
        _write_if_changed(po, catalog_bytes(catalog))
        updated[_locale_of(po)] = catalog
    return updated


def rename_contexts(locales_dir: str | Path, old: str, new: str) -> dict[str, int]:
    """Move translations from one key to another in every messages.po; return how many moved per locale.

    `old` is a whole context (`report.review.review.person`) or a prefix of contexts (`report.review`,
    a node's key). Run it with the flow edit that renames a key, then extract the template again, so no
    translation turns fuzzy or is lost.
    """
    counts = {}
    for path in po_files(locales_dir):
        locale = _locale_of(path)
        catalog = _read_catalog(path, locale)
        messages = [m for m in catalog if m.id]
        renamed = {
            m.context: new + m.context[len(old) :]
            for m in messages
            if m.context and (m.context == old or m.context.startswith(old + "."))
        }
        taken = {m.context for m in messages} & set(renamed.values())
        if taken:
            raise ValueError(f"{path.name}: {sorted(taken)[0]!r} already exists; rename to an unused key")
        if renamed:
            for message in messages:  # removed and put back in order, so the file keeps the flows' order
                catalog.delete(message.id, context=message.context)
                message.context = renamed.get(message.context, message.context)
                catalog[message.id] = message
            _write_if_changed(path, catalog_bytes(catalog))
        counts[locale] = len(renamed)
    return counts


def compile_catalogs(locales_dir: str | Path) -> dict[str, Path]:
    """Write messages.mo next to every messages.po (fuzzy and empty entries left out)."""
    written = {}
    for po in po_files(locales_dir):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_catalog(_read_catalog(po, _locale_of(po))))
        written[_locale_of(po)] = mo
    return written


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


# --- Check -------------------------------------------------------------------------------------


def sent_as_sms(context: str | None) -> bool:
    """Return whether a text is sent to texters (word lists and flow titles are not, on their own)."""
    if context is None or context.startswith("system."):
        return True
    if context.startswith(("keyword.", "answer.")) or ".choice." in context:
        return False
    return context.partition(".")[2] != "title"


def check_catalogs(
    locales_dir: str | Path,
    flows_dir: str | Path,
    *,
    root: str | Path = PROJECT_ROOT,
    values: Mapping[str, str] | None = None,
    folds: Mapping[str, Callable[[str], str]] | None = None,
) -> list[str]:
    """Return every problem with messages.pot and each locale's messages.po, one line each.

    `values` fill placeholders before segments are counted (placeholders without one count as written);
    `folds` (SMS_GSM7_LOCALES, bot.i18n.gsm7) fold a locale's texts into GSM-7 as they are sent.
    """
    locales_dir = Path(locales_dir)
    template = extract_catalog(root, flows_dir)
    declared = budgets(load_flows(flows_dir))
    problems = _check_pot(locales_dir / POT_NAME, template)
    problems += _check_pot(locales_dir / DASHBOARD_POT, extract_catalog(root, flows_dir, DASHBOARD_DOMAIN))
    for message in template:
        if message.id:
            for text in _strings(message.id):
                problems.extend(_check_budget(f"en: {_label(message)}", message.context, text, values, declared))
    for po in po_files(locales_dir):
        problems.extend(_check_locale(po, template, values, declared, (folds or {}).get(_locale_of(po))))
    return problems


def _check_pot(pot: Path, template: Catalog) -> list[str]:
    """Compare the committed pot with a fresh extraction, naming the texts that differ."""
    fix = "run `flask translate extract`"
    if not pot.is_file():
        return [f"{pot.name} is missing: {fix}"]
    if pot.read_bytes() == catalog_bytes(template):
        return []
    try:
        committed = _read_catalog(pot)
    except (PoFileError, ValueError) as exc:
        return [f"{pot.name} cannot be read ({exc}): {fix}"]
    old = {(m.context, _msgid(m)) for m in committed if m.id}
    new = {(m.context, _msgid(m)) for m in template if m.id}
    changed = ({ctx for ctx, _ in new - old} & {ctx for ctx, _ in old - new}) - {None}
    groups = (
        ("new", [_short(ctx, msgid) for ctx, msgid in new - old if ctx not in changed]),
        ("changed", [str(ctx) for ctx in changed]),
        ("gone", [_short(ctx, msgid) for ctx, msgid in old - new if ctx not in changed]),
    )
    found = "; ".join(f"{name}: {_some(items)}" for name, items in groups if items)
    return [f"{pot.name} is stale ({found or 'notes, places or header differ'}): {fix}"]


def _check_locale(
    po: Path,
    template: Catalog,
    values: Mapping[str, str] | None,
    declared: Mapping[str, int],
    fold: Callable[[str], str] | None = None,
) -> list[str]:
    """Check one messages.po against the template: coverage, fuzziness, placeholders, length."""
    locale = _locale_of(po)
    try:
        catalog = _read_catalog(po, locale)
    except (PoFileError, ValueError) as exc:
        return [f"{locale}: {po.name} cannot be read: {exc}"]
    problems = []
    for source in template:
        if not source.id:
            continue
        where = f"{locale}: {_label(source)}"
        message = catalog.get(source.id, source.context)
        if message is None:
            problems.append(f"{where}: missing (run `flask translate update`)")
            continue
        translations = _strings(message.string)
        if not all(t.strip() for t in translations):
            problems.append(f"{where}: not translated")
            continue
        if message.fuzzy:
            problems.append(f"{where}: fuzzy (check the translation against the English, then remove the flag)")
        for text in translations:
            problems.extend(_check_placeholders(where, _strings(source.id), text))
            problems.extend(_check_optional_parts(where, _msgid(source), text))
            problems.extend(_check_budget(where, source.context, text, values, declared, fold))
    for message in catalog:
        if message.id and template.get(message.id, message.context) is None:
            problems.append(f"{locale}: {_label(message)}: not in {POT_NAME} (run `flask translate update`)")
    return problems


def _fields(text: str) -> set[str] | None:
    """Return the {placeholder} names in a text, or None when its braces do not parse."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return None


def _check_placeholders(where: str, sources: list[str], text: str) -> list[str]:
    """Report a translation whose {placeholders} are not the English ones (format_map would fail or drop them)."""
    expected: set[str] = set().union(*(_fields(s) or set() for s in sources))
    found = _fields(text)
    if found is None:
        return [f"{where}: broken placeholder braces (write {{name}} exactly as in the English, {{{{ for a brace)"]
    if found == expected:
        return []
    parts = []
    for label, names in (("missing", expected - found), ("not in the English", found - expected)):
        if names:
            parts.append(f"{label}: " + " ".join("{" + name + "}" for name in sorted(names)))
    return [f"{where}: placeholders differ from the English ({'; '.join(parts)})"]


def _check_optional_parts(where: str, source: str, text: str) -> list[str]:
    """Report a translation whose optional [parts] do not hold the same answers as the English ones."""
    if optional.OPEN not in source and optional.OPEN not in text:
        return []
    broken = optional.problem(text)
    if broken:
        return [f"{where}: {broken}"]
    expected = [optional.fields(part) for part in optional.optional_parts(source)]
    found = [optional.fields(part) for part in optional.optional_parts(text)]
    if sorted(map(sorted, expected)) == sorted(map(sorted, found)):
        return []
    return [f"{where}: optional [parts] differ from the English (each [ ] must hold the same answers)"]


class _KeepMissing(dict[str, str]):
    """Placeholder values that leave unknown {names} as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def filled_for_sms(context: str | None, text: str, values: Mapping[str, str] | None) -> str | None:
    """Return a text as sent once its placeholders are filled, or None for texts never sent on their own."""
    if not sent_as_sms(context):
        return None
    try:
        return text.format_map(_KeepMissing(values or {}))
    except (ValueError, KeyError, IndexError, AttributeError):
        return text  # broken braces are reported by the placeholder check


def _check_budget(
    where: str,
    context: str | None,
    text: str,
    values: Mapping[str, str] | None,
    declared: Mapping[str, int],
    fold: Callable[[str], str] | None = None,
) -> list[str]:
    """Report a sent text over its SMS segment budget (declared by its node, else the default) once filled.

    The text is counted as it is sent: folded into GSM-7 when its locale's fold (SMS_GSM7_LOCALES) makes it so.
    """
    filled = filled_for_sms(context, text, values)
    if filled is None:
        return []
    filled = folded_if_cheaper(filled, fold)
    segments = count_segments(filled)
    budget = budget_for(declared.get(context or ""))
    if segments <= budget:
        return []
    odd = sorted({ch for ch in filled if not is_gsm7(ch)})
    why = f"; {' '.join(odd)} are not GSM-7, so a segment holds 67 characters, not 153" if odd else ""
    return [f"{where}: {segments} SMS segments, over the budget of {budget} ({len(filled)} characters{why})"]


def _label(message: Message) -> str:
    return _short(message.context, _msgid(message))


def _short(context: str | None, msgid: str) -> str:
    if context:
        return context
    return repr(msgid if len(msgid) <= 40 else msgid[:37] + "...")


def _some(items: Collection[str], limit: int = 5) -> str:
    shown = sorted(items)[:limit]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(shown) + more


# --- flask translate ---------------------------------------------------------------------------

translate_cli = AppGroup("translate", help="Extract, merge, compile and check the translations in locales/.")


def _locales_dir() -> Path:
    return settings_of(current_app).locales_dir


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@translate_cli.command("extract")
def extract_command() -> None:
    """Write locales/messages.pot from flows/ and bot/ (the same source always gives the same bytes)."""
    pot = _locales_dir() / POT_NAME
    changed = write_pot(_locales_dir(), PROJECT_ROOT, settings_of(current_app).flows_dir)
    count = sum(1 for m in _read_catalog(pot) if m.id)
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {_show(pot)} ({count} messages).")


@translate_cli.command("update")
@click.option("--init", "init_locale", metavar="LOCALE", help="Start a catalog for a new language (es, ht, pt_BR…).")
def update_command(init_locale: str | None) -> None:
    """Merge messages.pot into every locale's messages.po (or create one with --init)."""
    locales_dir = _locales_dir()
    if not (locales_dir / POT_NAME).is_file():
        raise click.ClickException(f"{_show(locales_dir / POT_NAME)} is missing: run `flask translate extract`.")
    if init_locale:
        try:
            po = init_catalog(locales_dir, init_locale)
        except (ValueError, FileExistsError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Created {_show(po)}.")
    updated = update_catalogs(locales_dir)
    if not updated:
        click.echo("No catalogs yet: start one with `flask translate update --init es`.")
    for locale, catalog in updated.items():
        messages = [m for m in catalog if m.id]
        empty = sum(1 for m in messages if not all(_strings(m.string)))
        fuzzy = sum(1 for m in messages if m.fuzzy and all(_strings(m.string)))
        click.echo(f"{locale}: {len(messages)} messages, {empty} to translate, {fuzzy} fuzzy to review.")


@translate_cli.command("rename")
@click.argument("old")
@click.argument("new")
def rename_command(old: str, new: str) -> None:
    """Move the translations of key OLD (a text's context or a node's key) to NEW, after editing the flow."""
    try:
        counts = rename_contexts(_locales_dir(), old, new)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for locale, count in counts.items():
        click.echo(f"{locale}: {count} text(s) moved from {old} to {new}.")
    write_pot(_locales_dir(), PROJECT_ROOT, settings_of(current_app).flows_dir)
    click.echo(f"Extracted {_show(_locales_dir() / POT_NAME)} again; run `flask translate check`.")


@translate_cli.command("compile")
def compile_command() -> None:
    """Write messages.mo next to every messages.po (build output, not committed)."""
    written = compile_catalogs(_locales_dir())
    if not written:
        click.echo("No catalogs to compile.")
    for locale, mo in written.items():
        click.echo(f"{locale}: wrote {_show(mo)}")


@translate_cli.command("check")
def check_command() -> None:
    """Fail on a stale messages.pot, missing, empty or fuzzy translations, broken placeholders, long texts."""
    hotline = current_app.extensions["holdline.hotline"]
    problems = check_catalogs(
        _locales_dir(),
        settings_of(current_app).flows_dir,
        root=PROJECT_ROOT,
        values=hotline.context(),
        folds=hotline.speech.folds,
    )
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    locales = [_locale_of(po) for po in po_files(_locales_dir())]
    click.echo(f"{POT_NAME} is up to date; locales: {', '.join(locales) or 'none yet'}; no problems.")

"""Read flows/ YAML into a FlowSet, refusing anything that is not the documented format (flows/SCHEMA.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.engine.flow import Ask, Choice, FastLane, Flow, FlowSet, Node, Review, ReviewItem, Wordlist

FORMAT = 1  # the flow format this code reads; flows/SCHEMA.md documents it
SYSTEM_FILE = "system.yaml"
KEYWORDS_FILE = "keywords.yaml"
FLOW_KEYS = {"format", "flow", "title", "start", "resumable", "legal", "nodes", "fast_lane", "correct_at"}
FAST_LANE_KEYS = {"intro", "questions", "send"}
NODE_KEYS = {
    "key",
    "say",
    "ask",
    "next",
    "cases",
    "event",
    "note",
    "review",
    "sources",
    "reviewed",
    "set",
    "facts",
    "segments",
}
ASK_KEYS = {
    "parser", "save", "hint", "choices", "optional", "options", "prefill", "confirm", "known", "remember", "infer_from",
    "heard", "heard_confirm",
}  # fmt: skip
CHOICE_KEYS = {"words", "label"}
REVIEW_KEYS = {"key", "show", "edit"}
SYSTEM_KEYS = {"format", "messages"}
MESSAGE_KEYS = {"text", "note", "plural"}
WORDS_FILE_KEYS = {"format", "keywords", "answers"}
WORDLIST_KEYS = {"words", "note", "flow"}
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


class FlowError(ValueError):
    """Raised when flow files cannot be read into flows at all."""


def _read_yaml(path: Path, allowed: set[str]) -> dict[str, Any]:
    """Read one file of the flow format: a mapping with known keys and the right `format:`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FlowError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise FlowError(f"{path.name}: expected a mapping at the top level")
    data = _mapping(data, path.name, allowed)
    if data.get("format") != FORMAT:
        raise FlowError(f"{path.name}: `format: {FORMAT}` is required (this Holdline reads flow format {FORMAT})")
    return data


def _mapping(raw: Any, where: str, allowed: set[str] | None = None) -> dict[str, Any]:
    """Return raw as a mapping with text keys (only the allowed ones), or say precisely what is wrong."""
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: expected a mapping")
    for key in raw:
        if not isinstance(key, str):
            # YAML reads unquoted yes/no/on/off as booleans and 1 as a number.
            raise FlowError(f'{where}: the key {key!r} is not text; put it in quotes, e.g. "{_yaml_spelling(key)}":')
    if allowed is not None and set(raw) - allowed:
        raise FlowError(f"{where}: unknown keys {sorted(set(raw) - allowed)}")
    return raw


def _yaml_spelling(key: object) -> str:
    """How a non-text key was probably typed: True was `yes`, False was `no`."""
    return {True: "yes", False: "no"}.get(key, str(key)) if isinstance(key, bool) else str(key)


def _text(value: Any, where: str) -> str | None:
    """Text, stripped, or None when absent; anything else is refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FlowError(f"{where}: expected text, got {type(value).__name__}")
    return value.strip()


def _name(value: Any, where: str) -> str | None:
    """A node, flow, field or event name: text without spaces, or absent."""
    text = _text(value, where)
    if text is not None and (not text or any(c.isspace() for c in text)):
        raise FlowError(f"{where}: expected a name without spaces, got {text!r}")
    return text


def _name_list(value: Any, where: str) -> tuple[str, ...]:
    """A list of names (earlier answers), or none."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FlowError(f"{where}: expected a list of names, like [facility, city_or_county]")
    return tuple(_name(item, where) or "" for item in value)


def _key(value: Any, where: str) -> str:
    """A stable translation key: lower-case letters, digits and underscores."""
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        raise FlowError(f"{where}: `key:` is required, a name like ask_name (lower case, digits, _)")
    return value


def _flag(value: Any, where: str, default: bool) -> bool:
    """true or false (the default when absent); anything else is refused."""
    if value is None:
        return default
    if not isinstance(value, bool):
        raise FlowError(f"{where}: expected true or false, got {value!r}")
    return value


def _names(raw: Any, where: str) -> dict[str, str]:
    """A mapping of names to names (cases, set): both sides text."""
    raw = _mapping(raw or {}, where)
    result = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            raise FlowError(
                f'{where}.{key}: expected text, got {value!r}; put it in quotes, e.g. "{_yaml_spelling(value)}"'
            )
        result[key] = value
    return result


def _ask(raw: Any, where: str) -> Ask:
    """Read a node's question."""
    where = f"{where}.ask"
    raw = _mapping(raw, where, ASK_KEYS)
    choices_raw = _mapping(raw.get("choices") or {}, f"{where}.choices")
    return Ask(
        parser=_name(raw.get("parser"), f"{where}.parser") or "",
        save=_name(raw.get("save"), f"{where}.save"),
        hint=_text(raw.get("hint"), f"{where}.hint"),
        choices=tuple(_choice(value, words, f"{where}.choices.{value}") for value, words in choices_raw.items()),
        optional=_flag(raw.get("optional"), f"{where}.optional", False),
        options=dict(_mapping(raw.get("options") or {}, f"{where}.options")),
        prefill=_name(raw.get("prefill"), f"{where}.prefill"),
        confirm=_text(raw.get("confirm"), f"{where}.confirm"),
        known=_name(raw.get("known"), f"{where}.known"),
        remember=_flag(raw.get("remember"), f"{where}.remember", False),
        infer_from=_name_list(raw.get("infer_from"), f"{where}.infer_from"),
        heard=_name(raw.get("heard"), f"{where}.heard"),
        heard_confirm=_text(raw.get("heard_confirm"), f"{where}.heard_confirm"),
    )


def _choice(value: str, raw: Any, where: str) -> Choice:
    """Read one option of a choice question: words, or words and a summary label."""
    if isinstance(raw, dict):
        raw = _mapping(raw, where, CHOICE_KEYS)
        return Choice(
            value=value,
            words=_text(raw.get("words"), f"{where}.words") or "",
            label=_text(raw.get("label"), f"{where}.label"),
        )
    return Choice(value=value, words=_text(raw, where) or "")


def _review(raw: Any, where: str) -> tuple[ReviewItem, ...]:
    """Read a summary's numbered lines, each with its own stable key."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FlowError(f"{where}.review: expected a list of items with key, show and edit")
    items = []
    for number, item in enumerate(raw, start=1):
        at = f"{where}.review[{number}]"
        item = _mapping(item, at, REVIEW_KEYS)
        if "show" not in item or "edit" not in item:
            raise FlowError(f"{at}: each item needs key, show and edit")
        edit = item["edit"] if isinstance(item["edit"], list) else [item["edit"]]
        items.append(
            ReviewItem(
                key=_key(item.get("key"), at),
                show=_text(item["show"], f"{at}.show") or "",
                edit=tuple(_name(e, f"{at}.edit") or "" for e in edit),
            )
        )
    keys = [item.key for item in items]
    if len(keys) != len(set(keys)):
        raise FlowError(f"{where}.review: each item needs its own key")
    return tuple(items)


def _node(name: str, raw: Any, where: str) -> Node:
    """Read one node."""
    raw = _mapping(raw, where, NODE_KEYS)
    sources = raw.get("sources") or ()
    if not isinstance(sources, list | tuple) or not all(isinstance(source, str) for source in sources):
        raise FlowError(f"{where}.sources: expected a list of texts (quote a source that has a colon in it)")
    return Node(
        name=name,
        key=_key(raw.get("key"), where),
        say=_text(raw.get("say"), f"{where}.say"),
        ask=_ask(raw["ask"], where) if "ask" in raw else None,
        next=_name(raw.get("next"), f"{where}.next"),
        cases=_names(raw.get("cases"), f"{where}.cases"),
        event=_name(raw.get("event"), f"{where}.event"),
        note=_text(raw.get("note"), f"{where}.note"),
        review=_review(raw.get("review"), where),
        sources=tuple(str(source) for source in sources),
        reviewed=_reviewed(raw.get("reviewed"), f"{where}.reviewed"),
        set=_names(raw.get("set"), f"{where}.set"),
        facts=_flag(raw.get("facts"), f"{where}.facts", True),
        segments=_segments(raw.get("segments"), f"{where}.segments"),
    )


def _reviewed(value: Any, where: str) -> Review | None:
    """Read `reviewed`: {by: name or bar number, on: date}, or the older plain date (which names no one)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        # YAML 1.1 reads an unquoted `on` key as true; here it can only mean the review's date.
        raw = _mapping({("on" if key is True else key): item for key, item in value.items()}, where, {"by", "on"})
        by = raw.get("by")
        if by is not None and not isinstance(by, str):
            raise FlowError(f"{where}.by: expected a name or bar number")
        return Review(on=str(raw.get("on") or ""), by=by.strip() if by else None)
    return Review(on=str(value))


def _segments(value: Any, where: str) -> int | None:
    """Read a declared segment budget: a whole number (checked against the limits by `flows check`)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FlowError(f"{where}: expected a whole number of SMS segments, like 5")
    return value


def _flow(path: Path, data: dict[str, Any]) -> Flow:
    """Read one flow file into a Flow whose nodes each have their own key."""
    name = data.get("flow")
    if not isinstance(name, str) or name != path.stem:
        raise FlowError(f"{path.name}: `flow:` must be the file's name ({path.stem!r})")
    nodes_raw = _mapping(data.get("nodes"), f"{path.name}: `nodes:`")
    if not nodes_raw:
        raise FlowError(f"{path.name}: `nodes:` must map node names to nodes")
    nodes = {key: _node(key, value, f"{name}.{key}") for key, value in nodes_raw.items()}
    keys = [node.key for node in nodes.values()]
    shared = sorted({key for key in keys if keys.count(key) > 1})
    if shared:
        raise FlowError(f"{name}: more than one node has the key {shared[0]!r}; each node needs its own")
    return Flow(
        name=name,
        title=_text(data.get("title"), f"{path.name}: title") or name,
        start=_name(data.get("start"), f"{path.name}: start") or next(iter(nodes)),
        nodes=nodes,
        resumable=_flag(data.get("resumable"), f"{path.name}: resumable", False),
        legal=_flag(data.get("legal"), f"{path.name}: legal", False),
        fast_lane=_fast_lane(data.get("fast_lane"), f"{path.name}: fast_lane"),
        correct_at=_name(data.get("correct_at"), f"{path.name}: correct_at"),
    )


def _fast_lane(raw: Any, where: str) -> FastLane | None:
    """Read a flow's fast lane: {intro: node, questions: [nodes], send: node}, or none."""
    if raw is None:
        return None
    raw = _mapping(raw, where, FAST_LANE_KEYS)
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        raise FlowError(f"{where}.questions: expected a list of question nodes")
    intro, send = _name(raw.get("intro"), f"{where}.intro"), _name(raw.get("send"), f"{where}.send")
    if not intro or not send:
        raise FlowError(f"{where}: `intro:` and `send:` nodes are required")
    names = tuple(_name(q, f"{where}.questions") or "" for q in questions)
    return FastLane(intro=intro, questions=names, send=send)


def _wordlists(raw: Any, where: str) -> dict[str, Wordlist]:
    """Read keywords or answer words: name -> words, or name -> {words, note, flow}."""
    lists = {}
    for name, value in _mapping(raw or {}, where).items():
        if isinstance(value, dict):
            value = _mapping(value, f"{where}.{name}", WORDLIST_KEYS)
            lists[name] = Wordlist(
                name=name,
                words=_text(value.get("words"), f"{where}.{name}.words") or "",
                note=_text(value.get("note"), f"{where}.{name}.note"),
                flow=_name(value.get("flow"), f"{where}.{name}.flow"),
            )
        else:
            lists[name] = Wordlist(name=name, words=_text(value, f"{where}.{name}") or "")
    return lists


def load_flows(directory: str | Path) -> FlowSet:
    """Read every flow file, system messages and word lists from a flows/ directory."""
    root = Path(directory)
    if not root.is_dir():
        raise FlowError(f"flows directory {root} does not exist")
    flows: dict[str, Flow] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in (SYSTEM_FILE, KEYWORDS_FILE):
            continue
        flow = _flow(path, _read_yaml(path, FLOW_KEYS))
        flows[flow.name] = flow
    system = _read_yaml(root / SYSTEM_FILE, SYSTEM_KEYS)
    messages, notes, plurals = {}, {}, {}
    for key, value in _mapping(system.get("messages") or {}, "system.yaml: messages").items():
        where = f"system.{key}"
        if isinstance(value, dict):
            value = _mapping(value, where, MESSAGE_KEYS)
            messages[key] = _text(value.get("text"), f"{where}.text") or ""
            if value.get("note"):
                notes[key] = _text(value["note"], f"{where}.note") or ""
            if value.get("plural"):
                plurals[key] = _text(value["plural"], f"{where}.plural") or ""
        else:
            messages[key] = _text(value, where) or ""
    words = _read_yaml(root / KEYWORDS_FILE, WORDS_FILE_KEYS)
    return FlowSet(
        flows=flows,
        messages=messages,
        message_notes=notes,
        message_plurals=plurals,
        keywords=_wordlists(words.get("keywords"), "keywords"),
        answer_words=_wordlists(words.get("answers"), "answers"),
    )

"""WhatsApp's buttons and lists for a reply's choices: Content API shapes, and the variables that fill them.

A Content template is made once per shape (`flask --app wsgi whatsapp buttons`): two or three
quick-reply buttons, or a list of 2 to 10 items, every text a variable. A reply with choices is
then sent as the shape's Content SID with the question and the choices' titles and ids as
ContentVariables, in the family's language. These shapes go only inside the 24-hour window
(WhatsApp takes buttons and lists without approval there); the question's text still lists
the choices, so a typed number or word is read as before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.choices import Choices, read_choice_id

MAX_BODY = 1024  # characters in the text above buttons or a list
MAX_BUTTONS = 3  # quick-reply buttons WhatsApp takes in a session message without approval
MAX_BUTTON_TITLE = 20
MAX_ITEMS = 10
MAX_ITEM_TITLE = 24
MAX_ITEM_DESCRIPTION = 72
MAX_LIST_BUTTON = 20
SHAPES = tuple([f"buttons_{n}" for n in range(2, MAX_BUTTONS + 1)] + [f"list_{n}" for n in range(2, MAX_ITEMS + 1)])
ELLIPSIS = "…"


@dataclass(frozen=True)
class Interactive:
    """A reply drawn as buttons or a list: the shape, and the ContentVariables that fill it."""

    shape: str
    variables: dict[str, str]

    def content_variables(self) -> str:
        return json.dumps(self.variables, ensure_ascii=False)


def shorten(text: str, limit: int) -> str:
    """Cut a title at a word within `limit` characters, marked with an ellipsis; a short one stays whole."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + ELLIPSIS


# Where each text goes among a shape's variables: the body is {{1}}, a list's button {{2}}.
BODY, LIST_BUTTON = "1", "2"


def button_keys(n: int) -> tuple[str, str]:
    """The variables of button `n` (from 0): its title and its id."""
    return str(2 + 2 * n), str(3 + 2 * n)


def item_keys(n: int) -> tuple[str, str, str]:
    """The variables of list item `n` (from 0): its title, its id and its description."""
    return str(3 + 3 * n), str(4 + 3 * n), str(5 + 3 * n)


def draw(choices: Choices, body: str) -> Interactive | None:
    """Buttons for two or three short choices, else a list of up to ten; None when WhatsApp cannot show them."""
    items = choices.items
    if len(body) > MAX_BODY or not 2 <= len(items) <= MAX_ITEMS:
        return None
    variables = {BODY: body}
    if len(items) <= MAX_BUTTONS and all(len(item.title) <= MAX_BUTTON_TITLE for item in items):
        for n, item in enumerate(items):
            title, ident = button_keys(n)
            variables[title], variables[ident] = item.title, item.id
        return Interactive(f"buttons_{len(items)}", variables)
    variables[LIST_BUTTON] = shorten(choices.button, MAX_LIST_BUTTON)
    for n, item in enumerate(items):
        title, ident, about = item_keys(n)
        variables[title], variables[ident] = shorten(item.title, MAX_ITEM_TITLE), item.id
        token = (read_choice_id(item.id) or ("", ""))[1]
        # under a cut title, the whole of it; under a whole one, the number that can be typed instead
        whole = variables[title] == item.title and token.isdigit()
        variables[about] = token if whole else shorten(item.title, MAX_ITEM_DESCRIPTION)
    return Interactive(f"list_{len(items)}", variables)


def drawn_choices(variables: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """The (id, title, in a list) of each choice a drawn text shows, read back from its ContentVariables."""
    in_list = read_choice_id(variables.get(button_keys(0)[1], "")) is None  # buttons have an id where lists do not
    found, n = [], 0
    while True:
        title, ident = item_keys(n)[:2] if in_list else button_keys(n)
        if title not in variables or ident not in variables:
            return found
        found.append((variables[ident], variables[title], in_list))
        n += 1


def content_for(choices: Choices | None, body: str, sids: Mapping[str, str]) -> tuple[str, str] | None:
    """The (Content SID, ContentVariables) to send a reply with its choices, when that shape was made."""
    drawn = draw(choices, body) if choices is not None else None
    if drawn is None or drawn.shape not in sids:
        return None
    return sids[drawn.shape], drawn.content_variables()


def shape_request(shape: str) -> dict[str, Any]:
    """The Content API payload that makes one shape: every text a variable, a plain-text fallback."""
    kind, _sep, count = shape.partition("_")
    samples = {BODY: "Are they still in that jail now? Reply YES, NO or IDK."}
    if kind == "buttons":
        actions = []
        for n in range(int(count)):
            title, ident = button_keys(n)
            actions.append({"type": "QUICK_REPLY", "title": _slot(title), "id": _slot(ident)})
            samples[title], samples[ident] = f"Choice {n + 1}", f"choice|{n + 1}"
        types: dict[str, Any] = {"twilio/quick-reply": {"body": _slot(BODY), "actions": actions}}
    else:
        items = []
        samples[LIST_BUTTON] = "Choose"
        for n in range(int(count)):
            title, ident, about = item_keys(n)
            items.append({"item": _slot(title), "id": _slot(ident), "description": _slot(about)})
            samples[title], samples[ident], samples[about] = f"Choice {n + 1}", f"choice|{n + 1}", f"Choice {n + 1}"
        types = {"twilio/list-picker": {"body": _slot(BODY), "button": _slot(LIST_BUTTON), "items": items}}
    types["twilio/text"] = {"body": _slot(BODY)}
    return {"friendly_name": f"holdline_{shape}", "language": "en", "variables": samples, "types": types}


def _slot(key: str) -> str:
    """A Content template's placeholder for variable `key`: {{1}}."""
    return "{{" + key + "}}"

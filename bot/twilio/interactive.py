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

from bot.core.choices import Choices

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


def draw(choices: Choices, body: str) -> Interactive | None:
    """Buttons for two or three short choices, else a list of up to ten; None when WhatsApp cannot show them."""
    items = choices.items
    if len(body) > MAX_BODY or not 2 <= len(items) <= MAX_ITEMS:
        return None
    if len(items) <= MAX_BUTTONS and all(len(item.title) <= MAX_BUTTON_TITLE for item in items):
        variables = {"1": body}
        for n, item in enumerate(items):
            variables[str(2 + 2 * n)], variables[str(3 + 2 * n)] = item.title, item.id
        return Interactive(f"buttons_{len(items)}", variables)
    variables = {"1": body, "2": shorten(choices.button, MAX_LIST_BUTTON)}
    for n, item in enumerate(items):
        title = shorten(item.title, MAX_ITEM_TITLE)
        token = item.id.rpartition("|")[2]
        # under a cut title, the whole of it; under a whole one, the number that can be typed instead
        about = item.title if title != item.title or not token.isdigit() else token
        variables[str(3 + 3 * n)], variables[str(4 + 3 * n)] = title, item.id
        variables[str(5 + 3 * n)] = shorten(about, MAX_ITEM_DESCRIPTION)
    return Interactive(f"list_{len(items)}", variables)


def drawn_choices(variables: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """The (id, title, in a list) of each choice a drawn text shows, read back from its ContentVariables."""
    if "|" in variables.get("3", ""):  # buttons: title {{2}}, id {{3}}, title {{4}}, id {{5}}…
        n, step, in_list = 2, 2, False
    else:  # a list: item {{3}}, id {{4}}, description {{5}}, item {{6}}…
        n, step, in_list = 3, 3, True
    found = []
    while str(n) in variables and str(n + 1) in variables:
        found.append((variables[str(n + 1)], variables[str(n)], in_list))
        n += step
    return found


def content_for(choices: Choices | None, body: str, sids: Mapping[str, str]) -> tuple[str, str] | None:
    """The (Content SID, ContentVariables) to send a reply with its choices, when that shape was made."""
    drawn = draw(choices, body) if choices is not None else None
    if drawn is None or drawn.shape not in sids:
        return None
    return sids[drawn.shape], drawn.content_variables()


def shape_request(shape: str) -> dict[str, Any]:
    """The Content API payload that makes one shape: every text a variable, a plain-text fallback."""
    kind, _sep, count = shape.partition("_")
    n = int(count)
    samples = {"1": "Are they still in that jail now? Reply YES, NO or IDK."}
    if kind == "buttons":
        actions = []
        for i in range(n):
            title, ident = str(2 + 2 * i), str(3 + 2 * i)
            actions.append({"type": "QUICK_REPLY", "title": "{{" + title + "}}", "id": "{{" + ident + "}}"})
            samples[title], samples[ident] = f"Choice {i + 1}", f"choice|{i + 1}"
        types: dict[str, Any] = {"twilio/quick-reply": {"body": "{{1}}", "actions": actions}}
    else:
        items = []
        samples["2"] = "Choose"
        for i in range(n):
            title, ident, about = str(3 + 3 * i), str(4 + 3 * i), str(5 + 3 * i)
            items.append({"item": "{{" + title + "}}", "id": "{{" + ident + "}}", "description": "{{" + about + "}}"})
            samples[title], samples[ident], samples[about] = f"Choice {i + 1}", f"choice|{i + 1}", f"Choice {i + 1}"
        types = {"twilio/list-picker": {"body": "{{1}}", "button": "{{2}}", "items": items}}
    types["twilio/text"] = {"body": "{{1}}"}
    return {"friendly_name": f"holdline_{shape}", "language": "en", "variables": samples, "types": types}

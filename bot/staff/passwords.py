"""Which passwords staff may choose: long enough, and not guessable (zxcvbn, with the account's own words)."""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from bot.staff.i18n import _

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (about 10^8 guesses) even offline with argon2id
CONTEXT_WORDS = ("holdline", "staff", "dashboard", "hotline", "ice", "detainer")


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Say what is wrong with a new password (in the dashboard's words), or None when it may be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password must have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    words = [email, email.split("@")[0], name, *name.split(), *re.split(r"[^\w]+", email)]
    own_words = [word for word in words + ["".join(re.split(r"[^\w]+", word)) for word in words] if word]
    if zxcvbn(password[:100], user_inputs=[*own_words, *CONTEXT_WORDS])["score"] < MIN_SCORE:
        return _(
            "That password is too easy to guess (a common password, a pattern or your own name). "
            "Try a few unrelated words."
        )
    return None

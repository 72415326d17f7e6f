"""Read a US state or territory ('il', 'Illinois', 'ilinois', 'Nueva York', 'D.C.') as its USPS code."""

from __future__ import annotations

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.fuzzy import closest
from bot.core.text import normalize

# USPS code -> names and common ways of writing them, normalised (lower case, no accents or dots).
STATES: dict[str, tuple[str, ...]] = {
    "AL": ("alabama", "ala"),
    "AK": ("alaska",),
    "AZ": ("arizona", "ariz"),
    "AR": ("arkansas", "ark"),
    "CA": ("california", "calif", "cali", "california state"),
    "CO": ("colorado", "colo"),
    "CT": ("connecticut", "conn"),
    "DE": ("delaware", "del"),
    "DC": ("district of columbia", "washington dc", "washington d c", "dc", "distrito de columbia"),
    "FL": ("florida", "fla"),
    "GA": ("georgia",),
    "HI": ("hawaii", "hawai"),
    "ID": ("idaho",),
    "IL": ("illinois", "ill"),
    "IN": ("indiana", "ind"),
    "IA": ("iowa",),
    "KS": ("kansas", "kan"),
    "KY": ("kentucky",),
    "LA": ("louisiana", "luisiana"),
    "ME": ("maine",),
    "MD": ("maryland",),
    "MA": ("massachusetts", "mass", "massachussets"),
    "MI": ("michigan", "mich", "michigan state"),
    "MN": ("minnesota", "minn"),
    "MS": ("mississippi", "misisipi", "miss"),
    "MO": ("missouri", "misuri"),
    "MT": ("montana",),
    "NE": ("nebraska", "neb"),
    "NV": ("nevada", "nev"),
    "NH": ("new hampshire", "nuevo hampshire"),
    "NJ": ("new jersey", "nueva jersey", "jersey"),
    "NM": ("new mexico", "nuevo mexico"),
    "NY": ("new york", "nueva york", "new york state", "nyc", "new york city"),
    "NC": ("north carolina", "carolina del norte", "n carolina"),
    "ND": ("north dakota", "dakota del norte", "n dakota"),
    "OH": ("ohio",),
    "OK": ("oklahoma", "okla"),
    "OR": ("oregon", "ore"),
    "PA": ("pennsylvania", "penn", "pensilvania", "pa"),
    "RI": ("rhode island",),
    "SC": ("south carolina", "carolina del sur", "s carolina"),
    "SD": ("south dakota", "dakota del sur", "s dakota"),
    "TN": ("tennessee", "tenn", "tenesi"),
    "TX": ("texas", "tex", "tejas"),
    "UT": ("utah",),
    "VT": ("vermont",),
    "VA": ("virginia",),
    "WA": ("washington", "wash", "washington state"),
    "WV": ("west virginia", "w virginia", "virginia occidental"),
    "WI": ("wisconsin", "wis", "wisc"),
    "WY": ("wyoming",),
    "PR": ("puerto rico",),
    "GU": ("guam",),
    "VI": ("virgin islands", "us virgin islands", "islas virgenes"),
    "AS": ("american samoa", "samoa americana"),
    "MP": ("northern mariana islands", "northern marianas", "mariana islands", "marianas"),
}
_CANDIDATES = {code: [code.lower(), *names] for code, names in STATES.items()}
_EXACT = {word: code for code, words in _CANDIDATES.items() for word in words}
_EXACT_FOLDED = {word.replace(" ", ""): code for word, code in _EXACT.items()}


_PREFIXES = (
    "in the state of ", "the state of ", "state of ", "in ", "estado de ", "en el estado de ", "en ", "no estado de ",
    "em ", "no ", "stan ", "w stanie ", "w ", "dans l etat de ", "dans l ", "dans le ", "dans ", "nan eta ", "nan ",
)  # fmt: skip


def parse_us_state(text: str, ctx: ParseContext) -> Parsed:
    """Read a state by code or name, forgiving one or two slips in a name, as a two-letter USPS code."""
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    said = normalize(text)
    for prefix in _PREFIXES:  # 'in Illinois', 'en Illinois', 'stan Illinois', 'estado de Illinois'
        said = said.removeprefix(prefix)
    code = _EXACT.get(said) or _EXACT_FOLDED.get(said.replace(" ", ""))  # 'd c', 'newyork'
    if code is None:
        code = closest(said, _CANDIDATES)
    return Parsed(ok=True, value=code) if code else fail()

"""Guessing a new texter's language from a first text, and changing language mid-conversation.

The table holds first texts as people really send them: greetings, one word, "my brother is in jail",
questions, no accents, lower case, typos, text-speak, a word of English. A detection of None ("not
sure": the bot shows the language menu) is not wrong, but not right either; a wrong language is worse,
since the texter then reads a language they may not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from flask import Flask

from bot.config import PROJECT_ROOT
from bot.core.segments import folded_if_cheaper, pack_cheaper
from bot.hotline import Hotline
from bot.i18n.languages import Detector, load_languages
from bot.sms.simulator import Simulator
from tests.conftest import Clock
from tests.helpers import contact

LOCALES = PROJECT_ROOT / "locales"
MAX_WRONG_PER_LANGUAGE = 1
MIN_RIGHT_OVERALL = 0.80

FIRST_TEXTS: dict[str, list[str]] = {
    "en": [
        "hi",
        "hello",
        "help",
        "hey",
        "my brother is in jail",
        "hi my son is in jail and they wont let him out",
        "my husband got picked up by ice what do i do",
        "how do i find someone in ice custody",
        "Good morning, I need information about my father",
        "they said he had an ice hold",
        "can someone help me please",
        "where is my brother being held",
        "my wife was arrested yesterday",
        "is this the hotline for families",
        "we paid his bond but the jail still has him",
        "plz help my dad is locked up",
        "who is this",
        "need a lawyer asap",
        "what are my rights",
        "thanks",
        "my cousin got detained at work",
        "hello? anybody there",
        "yo whats up",
        "ice has my uncle",
        "Hi, I was told to text this number",
        "my mom got arrested this morning",
        "is anyone there",
        "i need help finding my brother",
        "sorry to bother you",
        "urgent",
        "jail wont release my son",
        "can you help",
        "ok",
        "my girlfriend is in cook county jail",
    ],
    "es": [
        "hola",
        "ayuda",
        "buenas tardes",
        "buenos dias",
        "Hola necesito ayuda",
        "mi hermano esta en la carcel",
        "mi esposo lo agarro la migra q hago",
        "hola buenas noches mi hijo esta detenido",
        "como encuentro a mi papa",
        "ayudenme por favor",
        "la migra se llevo a mi esposo",
        "necesito informacion",
        "gracias",
        "donde esta mi hijo",
        "ya pagamos la fianza y no lo sueltan",
        "tengo una pregunta",
        "mi esposa esta presa en cook county",
        "quiero saber de mi hermano",
        "hablan español?",
        "ola ocupo ayuda",
        "que puedo hacer? detuvieron a mi hermana",
        "k onda necesito ayuda",
        "buenas",
        "oiga necesito ayuda urgente",
        "mi novio esta en la carcel",
        "a mi tio se lo llevo inmigracion",
        "alguien me puede ayudar",
        "hola soy la esposa de un detenido",
        "no se que hacer",
        "mi hijo lleva 3 dias encerrado",
        "quisiera hablar con un abogado",
        "disculpe la molestia",
        "ayuda porfa",
        "mi mama esta detenida",
    ],
    "pl": [
        "dzien dobry",
        "czesc",
        "witam",
        "pomocy",
        "mój brat jest w więzieniu",
        "potrzebuje pomocy",
        "prosze o pomoc",
        "syn jest w areszcie",
        "maz zatrzymany przez ICE",
        "co mam robic",
        "gdzie jest moj maz",
        "dzien dobry, mam pytanie",
        "czy mowicie po polsku",
        "moja corka jest w wiezieniu",
        "nie wiem co robic",
        "zabrali mi męża wczoraj",
        "hej potrzebuje pomocy",
        "dziekuje",
        "siostra jest w areszcie",
        "jak znalezc brata",
        "ICE zabrało mojego ojca",
        "dobry wieczor, szukam informacji",
        "halo",
        "prosze pomoc",
        "mój syn siedzi w areszcie",
        "co teraz",
        "potrzebuje adwokata",
        "dzień dobry, szukam brata",
        "zatrzymali mojego męża",
        "czy ktoś mi pomoże",
        "nie mowie po angielsku",
        "moj ojciec jest w wiezieniu",
        "dobrze",
        "przepraszam",
    ],
    "zh_Hans": [
        "你好",
        "您好",
        "你好，我哥哥被关在监狱里",
        "帮帮我",
        "请问我老公被移民局抓了怎么办",
        "我儿子在监狱",
        "谢谢",
        "有人吗",
        "我弟弟被ICE抓走了",
        "怎么找被关的人",
        "保释金已经交了还不放人",
        "中文",
        "請幫我",
        "我妈妈被抓了",
        "你好 我需要帮助",
        "hi 你好",
        "我想咨询一下",
        "他们说有ICE hold",
        "我爸爸昨天被抓",
        "能说中文吗",
        "救命",
    ],
    "ar": [
        "مرحبا",
        "السلام عليكم",
        "اخي في السجن",
        "ساعدوني",
        "من فضلك ساعدني",
        "زوجي اعتقلته الهجرة",
        "ابني محتجز في السجن",
        "شكرا",
        "ماذا افعل",
        "كيف اجد اخي",
        "هل تتكلمون العربية",
        "مساء الخير",
        "صباح الخير احتاج مساعدة",
        "ابي في السجن منذ يومين",
        "اريد محامي",
        "عربي",
        "hi مرحبا",
        "زوجتي في السجن",
        "اين ابني",
        "احتاج مساعدة",
        "السلام عليكم اختي محتجزة",
    ],
    "fr": [
        "bonjour",
        "bonsoir",
        "salut",
        "aidez moi svp",
        "mon frere est en prison",
        "mon mari a été arrêté par ICE",
        "bonjour j'ai besoin d'aide",
        "merci",
        "comment retrouver mon fils",
        "ma soeur est detenue",
        "qu'est-ce que je dois faire",
        "vous parlez francais?",
        "mon fils est en prison depuis hier",
        "ou est mon pere",
        "ils ne veulent pas le liberer",
        "bonjour, mon cousin a ete arrete",
        "j'ai une question",
        "besoin d'aide urgent",
        "svp aidez nous",
        "ma femme est en detention",
        "allo, quelqu'un peut m'aider?",
        "coucou",
        "bonjour madame",
        "mon fils a été arrêté",
        "je ne sais pas quoi faire",
        "aidez-moi s'il vous plaît",
        "mon mari est en prison depuis lundi",
        "on a payé la caution",
        "c'est urgent",
        "je cherche mon frère",
        "est-ce que vous parlez français",
        "merci beaucoup",
        "ma mère est détenue par ICE",
    ],
    "ht": [
        "bonjou",
        "bonswa",
        "bonjou mwen bezwen ed",
        "frè m nan prizon",
        "sak pase",
        "mwen pa konnen kisa pou m fè",
        "yo arete mari m",
        "eske nou pale kreyol",
        "mesi",
        "m bezwen yon avoka",
        "pitit mwen nan prizon",
        "tanpri ede m",
        "kijan pou m jwenn frè m",
        "yo kenbe pitit gason m nan jail la",
        "li fini tan li men yo pa lage l",
        "ki kote yo mennen l",
        "madanm mwen nan lajol",
        "m pa konprann angle",
        "koman ou ye",
        "sè m nan prizon ICE",
        "bonjou, m gen yon kesyon",
        "alo",
        "bonjou tout moun",
        "m ap chache frè m",
        "yo pran papa m",
        "mwen bezwen èd souple",
        "kote pou m ale",
        "manman m nan prizon",
        "m pa pale angle",
        "pitit fi m arete",
        "nou peye kosyon an",
        "mèsi anpil",
        "kisa pou m fè kounye a",
    ],
    "pt_BR": [
        "oi",
        "ola",
        "bom dia",
        "oi preciso de ajuda",
        "meu irmao esta preso",
        "meu marido foi preso pela imigração",
        "boa tarde, vcs falam portugues?",
        "o que eu faço",
        "minha filha ta na cadeia",
        "socorro",
        "obrigada",
        "preciso de ajuda por favor",
        "como faço pra achar meu filho",
        "o ICE levou meu pai",
        "ele ja pagou a fiança e nao soltaram",
        "boa noite",
        "onde esta meu esposo",
        "alguem pode me ajudar",
        "vcs ajudam de graça?",
        "meu filho foi detido ontem",
        "minha esposa foi pega pela imigracao",
        "ola bom dia",
        "meu tio foi preso",
        "alguém aí?",
        "to desesperada",
        "preciso de um advogado",
        "minha mae esta na cadeia",
        "vcs podem me ajudar",
        "o que faço agora",
        "meu filho ta preso faz 2 dias",
        "obg",
        "me ajuda por favor",
        "o ICE pegou meu marido",
    ],
}


@dataclass
class Score:
    """How one language's first texts were detected."""

    right: int = 0
    unsure: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (text, detected code)

    @property
    def total(self) -> int:
        return self.right + len(self.unsure) + len(self.wrong)

    def line(self, code: str) -> str:
        wrong = ", ".join(f"{text!r} -> {got}" for text, got in self.wrong)
        return (
            f"{code:8} {self.right}/{self.total} right ({self.right / self.total:.0%}), "
            f"{len(self.unsure)} not sure ({len(self.unsure) / self.total:.0%}), "
            f"{len(self.wrong)} wrong ({len(self.wrong) / self.total:.0%}){': ' + wrong if wrong else ''}"
        )


@pytest.fixture(scope="module")
def detector() -> Detector:
    """The detector for every language of the registry (the app offers those with a catalog)."""
    return Detector(load_languages(LOCALES))


def score(detector: Detector) -> dict[str, Score]:
    scores = {code: Score() for code in FIRST_TEXTS}
    for code, texts in FIRST_TEXTS.items():
        for text in texts:
            got = detector.detect(text)
            if got == code:
                scores[code].right += 1
            elif got is None:
                scores[code].unsure.append(text)
            else:
                scores[code].wrong.append((text, got))
    return scores


def test_the_table_covers_every_language_with_twenty_first_texts() -> None:
    assert set(FIRST_TEXTS) == set(load_languages(LOCALES).codes)
    for code, texts in FIRST_TEXTS.items():
        assert len(set(texts)) == len(texts) >= 20, code


def test_first_texts_are_detected_right_or_not_at_all(detector: Detector) -> None:
    scores = score(detector)
    right = sum(s.right for s in scores.values())
    total = sum(s.total for s in scores.values())
    wrong = sum(len(s.wrong) for s in scores.values())
    report = "\n".join(
        [
            *(s.line(code) for code, s in scores.items()),
            f"overall: {right}/{total} right ({right / total:.0%}), {wrong} wrong ({wrong / total:.1%})",
        ]
    )
    print("\n" + report)  # pytest -s shows the rates
    for code, s in scores.items():
        assert len(s.wrong) <= MAX_WRONG_PER_LANGUAGE, f"{code} is detected wrongly too often:\n{report}"
    assert right / total >= MIN_RIGHT_OVERALL, f"too few first texts are detected:\n{report}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi 你好", "zh_Hans"),  # Chinese characters settle it, whatever else the text holds
        ("hi مرحبا", "ar"),
        ("aidez-moi s'il vous plaît", "fr"),  # apostrophes and hyphens are folded as in the word lists
        ("frè m nan prizon", "ht"),  # Haitian Creole is found by its words alone (lingua lacks it)
        ("ok", None),  # too short to tell: the language menu
        ("?", None),
        ("3125550100", None),
    ],
)
def test_clear_cases(detector: Detector, text: str, expected: str | None) -> None:
    assert detector.detect(text) == expected


# --- Through the webhook ---------------------------------------------------------------------------


def hotline_of(app: Flask) -> Hotline:
    return app.extensions["holdline.hotline"]


def said(app: Flask, locale: str, context: str, source: str) -> str:
    """What the bot sends for a text in a locale (from the catalog, so a reworded translation still passes).

    Folded into GSM-7 as it is sent (SMS_GSM7_LOCALES) where that costs fewer segments.
    """
    hotline = hotline_of(app)
    text = hotline.catalogs.translator(locale)(context, source).format_map(hotline.context())
    return folded_if_cheaper(text, hotline.speech.folds.get(locale))


def system(app: Flask, locale: str, key: str) -> str:
    return said(app, locale, f"system.{key}", hotline_of(app).flows.messages[key])


def node_say(app: Flask, locale: str, flow: str, node: str) -> str:
    source = hotline_of(app).flows.flows[flow].nodes[node].say or ""
    return said(app, locale, f"{flow}.{node}.say", source)


def menu_number(app: Flask, locale: str) -> str:
    languages = hotline_of(app).speech.languages
    assert languages is not None, "the app offers one language only"
    return str(languages.codes.index(locale) + 1)


def language_menu(app: Flask) -> str:
    languages = hotline_of(app).speech.languages
    assert languages is not None
    return languages.menu()


def translated(app: Flask, locale: str) -> bool:
    """Whether a locale's catalog translates system.language_set (other catalogs may be in progress)."""
    return system(app, locale, "language_set") != system(app, "en", "language_set")


def needs_catalog(app: Flask, locale: str) -> None:
    if not translated(app, locale):
        pytest.skip(f"locales/{locale} has no translation of system.language_set yet")


def other_language(app: Flask) -> str:
    """Spanish, or Chinese while the Spanish catalog is not there yet."""
    locale = "es" if translated(app, "es") else "zh_Hans"
    needs_catalog(app, locale)
    return locale


@pytest.mark.parametrize(
    ("first_text", "locale"),
    [("hola necesito ayuda", "es"), ("你好，我哥哥被关在监狱里", "zh_Hans"), ("my brother is in jail", "en")],
)
def test_a_clear_first_text_is_answered_in_its_language(
    app: Flask, texter: Simulator, clock: Clock, first_text: str, locale: str
) -> None:
    reply = texter.send(first_text)
    assert reply.texts == [system(app, locale, "welcome"), node_say(app, locale, "menu", "main")]
    found = contact(hotline_of(app).db, texter.sender)
    assert (found.locale, found.locale_source) == (locale, "detected")


def test_an_unclear_first_text_gets_the_language_menu(app: Flask, texter: Simulator, clock: Clock) -> None:
    assert texter.send("ok").texts == [language_menu(app)]
    reply = texter.send(menu_number(app, "zh_Hans"))
    assert reply.texts == [
        system(app, "zh_Hans", "language_set"),
        system(app, "zh_Hans", "welcome"),
        node_say(app, "zh_Hans", "menu", "main"),
    ]
    assert contact(hotline_of(app).db, texter.sender).locale_source == "chosen"


@pytest.mark.parametrize("keyword", ["LANGUAGE", "idioma", "换语言"])  # "换语言" comes from the zh_Hans catalog
def test_the_language_keyword_switches_language_mid_conversation(
    app: Flask, texter: Simulator, clock: Clock, keyword: str
) -> None:
    locale = other_language(app)
    texter.send("my brother is in jail")
    assert texter.send("1").texts == [node_say(app, "en", "rights", "topics")]

    assert texter.send(keyword).texts == [language_menu(app)]
    reply = texter.send(menu_number(app, locale))

    # The question we were waiting on is asked again, in the new language, and the flow goes on in it.
    assert reply.texts == pack_cheaper([system(app, locale, "language_set"), node_say(app, locale, "rights", "topics")])
    assert texter.send("1").texts == [node_say(app, locale, "rights", "hold_where")]
    found = contact(hotline_of(app).db, texter.sender)
    assert (found.locale, found.locale_source) == (locale, "chosen")


@pytest.mark.parametrize(("name", "locale"), [("Español", "es"), ("espanol", "es"), ("中文", "zh_Hans")])
def test_a_language_name_switches_language_mid_question(
    app: Flask, texter: Simulator, clock: Clock, name: str, locale: str
) -> None:
    needs_catalog(app, locale)
    texter.send("hi")
    assert texter.send("2").texts[-1].endswith(node_say(app, "en", "report", "ask_name"))

    reply = texter.send(name)  # not taken as the person's name

    assert reply.texts == pack_cheaper(
        [system(app, locale, "language_set"), node_say(app, locale, "report", "ask_name")]
    )
    assert contact(hotline_of(app).db, texter.sender).locale == locale


def test_the_chosen_language_survives_the_conversation_expiring(app: Flask, texter: Simulator, clock: Clock) -> None:
    locale = other_language(app)
    texter.send("hi")
    texter.send("LANGUAGE")
    reply = texter.send(menu_number(app, locale))
    assert reply.texts == pack_cheaper([system(app, locale, "language_set"), node_say(app, locale, "menu", "main")])

    clock.advance(days=8)  # past CONVERSATION_IDLE_DAYS: the conversation starts fresh
    reply = texter.send("hi")  # an English word, but the choice stands: no detection now

    assert reply.texts == [system(app, locale, "welcome"), node_say(app, locale, "menu", "main")]
    found = contact(hotline_of(app).db, texter.sender)
    assert (found.locale, found.locale_source) == (locale, "chosen")

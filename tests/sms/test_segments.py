"""SMS segment counting: GSM-7 160/153, UCS-2 70/67, extension characters count double."""

from __future__ import annotations

import pytest

from bot.core.segments import count_segments, is_gsm7, pack_cheaper, split_to_budget


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("{" * 80, 1),  # 160 septets
        ("{" * 81, 2),
        ("a" * 159 + "€", 2),  # 161 septets
        ("a" * 152 + "€" + "a" * 152, 3),  # 306 septets, but the escape pair never straddles two parts
        ("é" * 160, 1),  # é is in the GSM-7 basic set
        ("ñ" * 69 + "ó", 1),  # ó is not GSM-7: the whole text goes UCS-2
        ("ó" * 71, 2),
        ("ó" * 134, 2),
        ("ó" * 135, 3),
        ("你" * 70, 1),
        ("😀" * 35, 1),  # each emoji is two UTF-16 units
        ("😀" * 36, 2),
    ],
)
def test_segments(text: str, segments: int) -> None:
    assert count_segments(text) == segments


def test_curly_quotes_force_ucs2() -> None:
    assert is_gsm7('straight "quotes"')
    assert not is_gsm7("curly \u201cquotes\u201d")


def test_a_text_within_budget_is_not_split() -> None:
    assert split_to_budget("a\nb") == ["a\nb"]


def test_an_over_budget_summary_is_split_at_line_breaks() -> None:
    lines = [f"{n} Núñez Hernández Rodríguez de la Cruz, Cárcel del Condado" for n in range(1, 8)]
    text = "\n".join(lines)
    assert count_segments(text) > 3
    parts = split_to_budget(text)
    assert len(parts) == 3  # three 58-character lines fit in 201 UCS-2 characters
    assert all(count_segments(part) <= 3 for part in parts)
    assert "\n".join(parts) == text  # nothing lost, nothing added


def test_one_huge_line_is_cut_between_words() -> None:
    text = " ".join(["palabra"] * 200)
    parts = split_to_budget(text)
    assert all(count_segments(part) <= 3 for part in parts)
    assert " ".join(parts) == text


def test_short_texts_of_one_turn_are_joined_only_where_that_costs_less() -> None:
    intro, question = "About 24 short questions. BACK: go back.", "What is the full legal name of the person held?"
    assert pack_cheaper([intro, question]) == [f"{intro}\n{question}"]  # 1 segment instead of 2
    long = "x" * 150
    assert pack_cheaper([long, question]) == [long, question]  # 2 segments either way: each stays its own
    assert pack_cheaper([question]) == [question]
    three = [question, "y" * 150, question]  # 1 + 1 + 1 apart, 2 joined (246 characters)
    assert pack_cheaper(three) == ["\n".join(three)]
    ucs2 = "¿Cuál es el nombre legal completo de la persona detenida?"  # á: joined, the whole text turns UCS-2
    assert pack_cheaper([intro, ucs2]) == [intro, ucs2]
    assert sum(count_segments(t) for t in pack_cheaper([intro, question, "OK.", long])) == 2  # 4 apart

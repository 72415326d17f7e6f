"""SMS segment counting: GSM-7 160/153, UCS-2 70/67, extension characters count double."""

from __future__ import annotations

import pytest

from bot.sms.segments import count_segments, is_gsm7


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

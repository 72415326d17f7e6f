"""The test numbers the phone preview texts from: a fictional range no real phone has.

+1 555 555 0100 to +1 555 555 0199: area code 555 is not in service in the North American plan, and
555-0100 to 555-0199 is the range set aside for fiction. A contact at one of these numbers is test
data: hidden from the queue, stats and export unless staff ask to see test data.
"""

from __future__ import annotations

import re

TEST_PREFIX = "+155555501"  # followed by two digits
FIRST_TEST_NUMBER = TEST_PREFIX + "00"
_TEST_NUMBER = re.compile(r"^\+155555501\d\d$")


def is_test_number(address: str) -> bool:
    """Whether an address (`+1555…` or `whatsapp:+1555…`) is one of the fictional test numbers."""
    return bool(_TEST_NUMBER.match(address.removeprefix("whatsapp:")))


def fictional_number(line: int) -> str:
    """The test number ending in `line` (0-99)."""
    if not 0 <= line <= 99:
        raise ValueError("test numbers end in 00 to 99")
    return f"{TEST_PREFIX}{line:02d}"

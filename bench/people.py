"""Made-up detained people for the benchmarks: common Latin American first names and surnames, so that a
name search meets names that share words, as real ones do (each word in several percent of reports)."""

from __future__ import annotations

FIRST = "Juan Maria Jose Ana Luis Rosa Carlos Elena Pedro Sofia Miguel Lucia Jorge Carmen Diego Marta".split()
LAST = "Garcia Lopez Martinez Hernandez Gonzalez Rodriguez Ramirez Flores Torres Rivera Cruz Morales Ortiz".split()
MONTHS = "january february march april may june july august september october november december".split()


def person(number: int) -> tuple[str, str]:
    """Person `number`'s name (first name and two surnames) and birth date as typed; 2,704 names, then again."""
    first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST)) % len(LAST)]
    second = LAST[(number // (len(FIRST) * len(LAST))) % len(LAST)]
    month, day, year = MONTHS[number % 12], 1 + (number // 12) % 28, 1950 + (number // 336) % 55
    return f"{first} {last} {second}", f"{month} {day} {year}"

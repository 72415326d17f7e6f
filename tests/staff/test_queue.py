"""The queue: most urgent then oldest first, filters, search, pages, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from bot.staff import actions, views
from bot.storage import casework
from bot.storage.casework import report_by_ref
from bot.storage.database import get_db
from tests.staff.helpers import NOW, file_report

CRITICAL = {"citizenship": "us_citizen", "ice_took_custody": "yes"}  # 40 + 10 + 15
HIGH = {"citizenship": "permanent_resident"}  # 30 + 10
REF = re.compile(r'class="ref" href="/staff/reports/(R-[0-9A-Z]+)"')


def refs(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get("/staff/" + query)
    assert response.status_code == 200
    return REF.findall(response.get_data(as_text=True))


def test_most_urgent_first_then_oldest(staff_app: Flask, worker: FlaskClient) -> None:
    normal_old = file_report(staff_app, when=NOW - timedelta(days=3))
    high = file_report(staff_app, when=NOW - timedelta(days=1), **HIGH)
    critical_new = file_report(staff_app, when=NOW, **CRITICAL)
    critical_old = file_report(staff_app, when=NOW - timedelta(hours=5), **CRITICAL)
    normal_new = file_report(staff_app, when=NOW - timedelta(hours=1))
    assert refs(worker) == [critical_old, critical_new, high, normal_old, normal_new]


def test_filters(staff_app: Flask, worker: FlaskClient, worker_id: int) -> None:
    cook = file_report(staff_app, when=NOW - timedelta(days=10), **CRITICAL)
    kane = file_report(staff_app, facility="Kane County Jail", state="IL", when=NOW - timedelta(days=2))
    texas = file_report(
        staff_app,
        address="+12145550100",
        facility="Dallas County Jail",
        state="TX",
        locale="es",
        detained_name="Ana Ruiz",
    )
    closed = file_report(staff_app, address="+12145550101", when=NOW - timedelta(days=1))
    with get_db(staff_app).transaction() as session:
        actions.change_status(session, report_by_ref(session, closed), worker_id, "closed", "released", NOW)
        actions.assign(session, report_by_ref(session, kane), worker_id, worker_id, NOW)

    assert set(refs(worker)) == {cook, kane, texas}  # open reports by default
    assert refs(worker, "?status=closed") == [closed]
    assert set(refs(worker, "?status=all")) == {cook, kane, texas, closed}
    assert refs(worker, "?status=in_review") == [kane]
    assert refs(worker, "?urgency=critical") == [cook]
    assert refs(worker, "?facility=kane+county") == [kane]
    assert set(refs(worker, "?state=il")) == {cook, kane}
    assert refs(worker, "?locale=es") == [texas]
    assert refs(worker, "?mine=1") == [kane]
    assert refs(
        worker, f"?date_from={(NOW - timedelta(days=3)).date()}&date_to={(NOW - timedelta(days=2)).date()}"
    ) == [kane]
    assert refs(worker, "?q=ruiz") == [texas]
    assert refs(worker, "?q=ANA+RUIZ") == [texas]
    assert refs(worker, "?q=" + cook.lower()) == [cook]
    assert refs(worker, "?q=" + cook.removeprefix("R-")) == [cook]
    assert refs(worker, "?q=nobody+called+this") == []
    ramon = file_report(staff_app, address="+12145550109", detained_name="Ramon Diaz")
    assert refs(worker, "?q=RAMON") == [ramon]  # a name that could pass for a code is still a name
    assert refs(worker, "?status=bogus&urgency=<b>&state=XYZ&page=-1") == refs(worker)  # bad values are ignored


def test_pages(staff_app: Flask, worker: FlaskClient) -> None:
    made = [file_report(staff_app, address=f"+1312555{i:04d}", when=NOW - timedelta(minutes=i)) for i in range(55)]
    first, second = refs(worker), refs(worker, "?page=2")
    assert len(first) == 50 and len(second) == 5
    assert first + second == list(reversed(made))  # oldest first
    page = worker.get("/staff/?page=2&state=IL").get_data(as_text=True)
    assert "Page 2 of 2" in page and 'href="/staff/?state=IL"' in page  # links keep the filters


def test_a_queue_page_takes_the_same_few_queries_however_many_rows(
    staff_app: Flask, worker: FlaskClient, worker_id: int
) -> None:
    engine = get_db(staff_app).engine
    for i in range(60):
        ref = file_report(staff_app, address=f"+1312556{i:04d}")
        if i % 2:
            with get_db(staff_app).transaction() as session:
                actions.assign(session, report_by_ref(session, ref), worker_id, worker_id, NOW)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = worker.get("/staff/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.count("Wes Worker") >= 25  # assignees come with the page's one query
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects  # the account, the count, the page


def test_past_the_counted_limit_the_queue_says_more_than_and_pages_on_while_pages_are_full(
    staff_app: Flask, worker: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting 100,000 open reports costs more than the page: the count stops at COUNTED_AT_MOST."""
    made = [file_report(staff_app, address=f"+1312557{i:04d}", when=NOW - timedelta(minutes=i)) for i in range(5)]
    monkeypatch.setattr(casework, "COUNTED_AT_MOST", 3)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = worker.get("/staff/").get_data(as_text=True)
    assert "(more than 3)" in first and "Page 1</span>" in first and 'rel="next"' in first
    assert "Page 1 of" not in first
    last = worker.get("/staff/?page=3").get_data(as_text=True)
    assert 'rel="next"' not in last and made[0] in last  # the oldest is on the last, short page
    monkeypatch.setattr(casework, "COUNTED_AT_MOST", 1000)
    assert "(5)" in worker.get("/staff/").get_data(as_text=True)  # under the limit: the exact count

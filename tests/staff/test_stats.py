"""The stats page: reports per status and per facility per week, as SVG charts and a table."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

from flask import Flask
from flask.testing import FlaskClient

from bot.staff.stats import counts_by_status, weekly_by_facility
from bot.storage.database import get_db
from bot.storage.models import utcnow
from tests.staff.helpers import file_report


def test_weekly_counts_by_facility_group_names_any_case(staff_app: Flask) -> None:
    now = utcnow()
    file_report(staff_app, when=now, facility="Cook County Jail")
    file_report(staff_app, address="+13125550001", when=now, facility="cook county jail ")
    file_report(staff_app, address="+13125550002", when=now - timedelta(weeks=1), facility="Kane County Jail")
    file_report(staff_app, address="+13125550003", when=now - timedelta(weeks=30), facility="Old Jail")
    with get_db(staff_app).transaction() as session:
        weekly = weekly_by_facility(session, now)
        statuses = counts_by_status(session)
    this_week = weekly.weeks[-1]
    assert this_week == now.date() - timedelta(days=now.weekday())
    assert weekly.facilities[0] == "Cook County Jail" and weekly.total("Cook County Jail") == 2
    assert weekly.counts[("Kane County Jail", weekly.weeks[-2])] == 1
    assert "Old Jail" not in weekly.facilities
    assert statuses == {"new": 4, "in_review": 0, "lawyer_contacted": 0, "escalated": 0, "closed": 0}


def test_stats_page_draws_escaped_svg_charts(staff_app: Flask, worker: FlaskClient) -> None:
    file_report(staff_app, when=utcnow(), facility="<script>alert(1)</script>")
    page = worker.get("/staff/stats").get_data(as_text=True)
    assert "<script>" not in page
    charts = page.split("<svg")[1:]
    assert len(charts) == 2
    for chart in charts:
        ElementTree.fromstring("<svg" + chart.split("</svg>")[0] + "</svg>")  # well-formed
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (1)" in page

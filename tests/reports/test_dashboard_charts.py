"""The dashboard's charts carry a text alternative and load only the small ECharts build, late."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.urls import reverse

from .dashboard_data import known_year, media_in_tmp

__all__ = ["known_year", "media_in_tmp"]

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")


def parse(response):
    return lxml.html.fromstring(response.content.decode())


def by_id(page, id_):
    found = page.xpath(f'//*[@id="{id_}"]')
    return found[0] if found else None


def text(node) -> str:
    return " ".join(node.text_content().split())


def card_table(page, title_id):
    return by_id(page, title_id).xpath('ancestor::div[contains(@class, "card")][1]//table')[0]


def test_every_chart_is_an_image_with_a_name_and_a_description_that_exist(
    client_for, county_officer, known_year
):
    page = parse(client_for(county_officer).get(URL))
    charts = page.xpath('//*[contains(@class, "dashboard-chart")]')
    assert {c.get("data-chart") for c in charts} == {"trend", "categories", "care_kinds", "children"}
    for chart in charts:
        assert chart.get("role") == "img"
        name = by_id(page, chart.get("aria-labelledby"))
        description = by_id(page, chart.get("aria-describedby"))
        assert name is not None and text(name), chart.get("data-chart")
        assert description is not None and text(description), chart.get("data-chart")


def test_the_trend_table_holds_every_month_and_the_numbers_the_chart_draws(
    client_for, county_officer, known_year
):
    response = client_for(county_officer).get(URL)
    charts = response.context["charts"]
    table = card_table(parse(response), "trend-title")
    rows = table.xpath("./tbody/tr")
    assert [text(r.xpath("./th")[0]) for r in rows] == charts["months"]
    proposals = [float(text(r.xpath("./td")[0])) for r in rows]
    assert proposals == [float(v) for v in charts["trend"][0]["data"]]
    assert sum(proposals) == 3
    headers = [text(th) for th in table.xpath("./thead//th")][1:]
    assert headers == [str(s["name"]) for s in charts["trend"]]


def test_the_child_unit_table_names_each_unit_with_its_values(client_for, county_officer, known_year):
    response = client_for(county_officer).get(URL)
    children = response.context["charts"]["children"]
    table = card_table(parse(response), "children-title")
    rows = [[text(cell) for cell in r.xpath("./th|./td")] for r in table.xpath("./tbody/tr")]
    assert [r[0] for r in rows] == children["names"]
    assert [[float(v) for v in r[1:]] for r in rows] == [
        [s["data"][i] for s in children["series"]] for i in range(len(children["names"]))
    ]


def test_the_breakdown_lists_state_each_category(client_for, county_officer, known_year):
    response = client_for(county_officer).get(URL)
    charts = response.context["charts"]
    listed = text(by_id(parse(response), "categories-list"))
    assert charts["proposal_categories"]
    for part in charts["proposal_categories"]:
        assert f"{part['name']}：{part['value']}" in listed


def test_only_the_small_echarts_build_is_named_and_no_script_blocks_the_page(
    client_for, county_officer, known_year
):
    body = client_for(county_officer).get(URL).content.decode()
    assert "echarts.simple.min.js" in body
    assert "echarts.min.js" not in body
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", body):
        assert " defer" in tag, tag

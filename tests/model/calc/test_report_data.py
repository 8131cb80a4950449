"""The report data a PDF carries: the exchange contract the district imports."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from model.calc.progress import unit_progress
from model.calc.report import encode_report_data, parse_report_data, report_from_store
from model.common.errors import UserError
from model.common.periods import parse_period
from tests.model.report_fixtures import INJECTION, PERIOD, REASON, TOWN, fill

CONTRACT_KEYS = {
    "format",
    "format_version",
    "plan_id",
    "plan_year",
    "unit_id",
    "unit_name",
    "unit_full_name",
    "period",
    "version",
    "created_at",
    "created_by",
    "coefficient_version",
    "electricity_basis",
    "figures",
    "progress",
    "problems",
    "complete",
}


@pytest.fixture
def filled(store):
    fill(store)
    return store


def test_data_has_exactly_the_contract_keys_and_the_year_to_date(filled):
    at = datetime(2024, 8, 10, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    data = report_from_store(
        filled, TOWN, parse_period(PERIOD), version=3, created_by="张三", created_at=at
    ).data
    assert set(data) == CONTRACT_KEYS
    assert (data["format"], data["format_version"], data["version"]) == ("tanbao-report", 2, 3)
    assert data["created_at"] == "2024-08-10T09:30:00+08:00" and data["created_by"] == "张三"
    assert data["unit_full_name"] == filled.plans.get().unit(TOWN).full_name
    stored = [f for f in filled.figures.read("jinshan-2024", TOWN) if f.period <= PERIOD]
    assert len(data["figures"]) == len(stored) and all(f["period"] <= PERIOD for f in data["figures"])
    assert {"period", "field", "value", "text", "note"} == set(data["figures"][0])
    plan = filled.plans.get()
    expected = unit_progress(
        plan, filled.plans.coefficients(plan.coefficients), stored, TOWN, parse_period(PERIOD)
    ).to_dict()
    assert data["progress"] == expected
    swing = [p for p in data["problems"] if p["severity"] == "warning"]
    assert swing and swing[0]["reason"] == REASON and swing[0]["period"] == "2024-05"


def test_round_trip_through_bytes(filled):
    data = report_from_store(filled, TOWN, parse_period(PERIOD), created_by="t").data
    raw = encode_report_data(data)
    assert parse_report_data(raw) == json.loads(raw)
    assert data["version"] is None
    assert INJECTION in [f["text"] for f in json.loads(raw)["figures"]]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="other"), "不是 TanBao 报表数据"),
        (lambda d: d.update(format_version=9), "第 9 版"),
        (lambda d: d.pop("unit_id"), "unit_id"),
        (lambda d: d.update(period="2024-13"), "报告期"),
        (lambda d: d.update(version=0), "版本号"),
        (lambda d: d["figures"][0].update(value="12"), "value"),
        (lambda d: d["figures"][0].update(period="2024-12"), "不在本报表范围内"),
        (lambda d: d["problems"].append({"severity": "fatal"}), "severity"),
        (lambda d: d["progress"].update(unit_id="zhujing"), "不一致"),
    ],
)
def test_parse_refuses_what_is_not_report_data(filled, mutate, message):
    data = json.loads(
        encode_report_data(report_from_store(filled, TOWN, parse_period(PERIOD), created_by="t").data)
    )
    mutate(data)
    with pytest.raises(UserError, match=message) as caught:
        parse_report_data(json.dumps(data).encode())
    assert "重新导出" in caught.value.message or "升级" in caught.value.message


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"{not json", b"[1, 2]"])
def test_parse_refuses_bytes_that_are_not_json_objects(raw):
    with pytest.raises(UserError, match="报表数据无法识别"):
        parse_report_data(raw)


def test_a_period_outside_the_plan_year_is_refused(filled):
    with pytest.raises(UserError, match="不在本计划年度"):
        report_from_store(filled, TOWN, parse_period("2023-07"), created_by="t")

"""A plan file mangled in any way is either still a plan or refused with a `PlanError` naming the file.

Random mutations of the shipped plan: values swapped for other types (or for other values found in
the plan), keys deleted, rows deleted or duplicated, non-finite numbers. Never another exception, and a
plan that loads can be used.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.common.errors import PlanError
from model.plan.spec import Plan, parse_plan, shipped_plan_text

SOURCE = "hostile-plan.json"
SHIPPED = json.loads(shipped_plan_text())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [x for v in node.values() for x in _leaves(v)]
    if isinstance(node, list):
        return [x for v in node for x in _leaves(v)]
    return [node]


PLAN_VALUES = sorted({json.dumps(v, ensure_ascii=False) for v in _leaves(SHIPPED)})

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", " ", "@towns", "@nowhere", "fengjing", "%", "rate", "_last_year", "x_last_year"]),
    st.sampled_from(PLAN_VALUES).map(json.loads),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


def _shape(path: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("[]" if isinstance(step, int) else step for step in path)


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    paths = _paths(data)
    # Every kind of place equally likely ("year" as often as one of fifty-five task texts), then one of them.
    by_shape: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for p in paths:
        by_shape.setdefault(_shape(p), []).append(p)
    path = draw(st.sampled_from(by_shape[draw(st.sampled_from(sorted(by_shape, key=repr)))]))
    if not path:  # the whole file
        return draw(json_values)
    parent, key = _parent(data, path), path[-1]
    action = draw(st.sampled_from(["replace", "delete", "duplicate", "swap"]))
    if action == "replace":
        parent[key] = draw(json_values)
    elif action == "delete":
        del parent[key]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    else:  # a value from elsewhere in the plan: same shape, wrong place
        other = draw(st.sampled_from(paths))
        parent[key] = copy.deepcopy(_parent(data, other)[other[-1]]) if other else {}
    return data


@st.composite
def mangled_plans(draw: st.DrawFn) -> str:
    data: Any = copy.deepcopy(SHIPPED)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        data = _mutate(data, draw)
    return json.dumps(data, ensure_ascii=False)


def _use(plan: Plan) -> None:
    """What the program does with a plan right after loading it."""
    for unit in plan.units:
        plan.fields_for(unit.id)
        for row in plan.annex4_rows_for(unit.id):
            plan.expand(row.responsible)
    for row in plan.annex1:
        [plan.ref_label(r) for r in row.responsible]
    plan.reporting_units()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_plans())
def test_a_mangled_plan_loads_or_is_refused_naming_the_file(text):
    try:
        plan = parse_plan(text, SOURCE)
    except PlanError as exc:
        assert SOURCE in exc.message and "\n" not in exc.message
    else:
        _use(plan)


# Every kind of place in the file, each given every wrong kind of value (or deleted).
HOSTILE = [
    None,
    True,
    -1,
    float("inf"),
    float("nan"),
    10**400,
    "",
    "@nowhere",
    "x_last_year",
    [],
    ["@towns"],
    [1],
    {},
]
DELETE = object()


def _one_place_per_shape() -> list[tuple[Any, ...]]:
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for p in _paths(SHIPPED):
        if p:
            seen.setdefault(_shape(p), p)
    return list(seen.values())


@pytest.mark.parametrize("value", [*HOSTILE, DELETE], ids=[repr(v) for v in HOSTILE] + ["delete"])
def test_every_place_in_the_file_given_a_wrong_value_is_refused_or_harmless(value):
    failures = []
    for path in _one_place_per_shape():
        data = copy.deepcopy(SHIPPED)
        parent = _parent(data, path)
        if value is DELETE:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(value)
        try:
            _use(parse_plan(json.dumps(data, ensure_ascii=False), SOURCE))
        except PlanError as exc:
            if SOURCE not in exc.message:
                failures.append(f"{path}: {exc.message}")
        except Exception as exc:
            failures.append(f"{path}: {type(exc).__name__}: {exc}")
    assert failures == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_a_file_that_is_not_a_plan_at_all_is_refused_naming_the_file(text):
    try:
        parse_plan(text, SOURCE)
    except PlanError as exc:
        assert SOURCE in exc.message

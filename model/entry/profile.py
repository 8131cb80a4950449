"""Who this copy reports for: the unit and the names printed in the report footer (`main.py profile`,
the window's 我是谁 dialog). Stored in the database, so every export prints the same footer."""

from __future__ import annotations

from model.common.errors import UserError
from model.common.i18n import translate
from model.plan.spec import Plan
from model.store.database import Store
from model.store.profile import PROFILE_KEYS, Profile


def profile_labels() -> dict[str, str]:
    return {
        "unit": translate("profile", "填报单位"),
        "unit_head": translate("profile", "单位负责人"),
        "stats_head": translate("profile", "统计负责人"),
        "preparer": translate("profile", "填表人"),
        "phone": translate("profile", "联系电话"),
    }


def parse_profile_assignments(assignments: list[str]) -> dict[str, str]:
    """KEY=VALUE arguments of `main.py profile --set`; an empty VALUE clears the entry."""
    changes: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in PROFILE_KEYS:
            raise UserError(
                translate("profile", "“{item}”看不懂：请写成 名称=内容，名称可以是 {keys}。").format(
                    item=item, keys="、".join(f"{k}（{v}）" for k, v in profile_labels().items())
                )
            )
        changes[key] = value.strip()
    return changes


def reporting_unit(plan: Plan, text: str) -> str:
    """The id of a unit that reports figures under the plan, from what a person typed."""
    unit = plan.find_unit(text)
    if not plan.fields_for(unit.id):
        raise UserError(
            translate("profile", "{unit} 在本计划中没有要填报的内容，不能作为填报单位。").format(
                unit=unit.name
            )
        )
    return unit.id


def set_profile(store: Store, plan: Plan, changes: dict[str, str], *, who: str) -> Profile:
    """Store profile entries (a unit given by name or id is stored by id); the others stay as they are."""
    if changes.get("unit"):
        changes = {**changes, "unit": reporting_unit(plan, changes["unit"])}
    return store.profile.set(changes, who=who)


def reports_under(plan: Plan, unit_id: str) -> bool:
    return unit_id in {u.id for u in plan.units} and bool(plan.fields_for(unit_id))


def profile_unit(store: Store, plan: Plan) -> str | None:
    """The profile's unit when it reports under the plan; None when nobody has said (or the plan changed)."""
    unit = store.profile.get().unit
    return unit if reports_under(plan, unit) else None

"""Plans (units, fields, targets as the plan's JSON) and coefficient tables, parsed once per store."""

from __future__ import annotations

from model.common.errors import UserError
from model.common.i18n import translate
from model.plan.coefficients import CoefficientSet, parse_coefficients
from model.plan.emission import EmissionFactor, EmissionFactorSet, load_shipped_emission_factors
from model.plan.spec import Plan, parse_plan
from model.store.audit import COEFFICIENTS_LOAD, EMISSION_FACTORS_LOAD, PLAN_LOAD, AuditRepository
from model.store.connection import Database, now_iso


class PlansRepository:
    def __init__(self, db: Database, audit: AuditRepository) -> None:
        self.db, self.audit = db, audit
        self._plans: dict[str, Plan] = {}
        self._coefficients: dict[str, CoefficientSet] = {}
        self._factors: dict[str, EmissionFactorSet] = {}

    def share_parsed(self, other: PlansRepository) -> None:
        """Start from what another store of the same file has parsed (plans are not changed in place)."""
        self._plans.update(other._plans)
        self._coefficients.update(other._coefficients)
        self._factors.update(other._factors)

    def load(self, plan: Plan, *, who: str, activate: bool = True) -> None:
        """Store a plan (replacing a stored plan of the same id) and make it the active one."""
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO plans (id, year, title, source, loaded_at, active) VALUES (?,?,?,?,?,0) "
                "ON CONFLICT (id) DO UPDATE SET year=excluded.year, title=excluded.title, "
                "source=excluded.source, loaded_at=excluded.loaded_at",
                (plan.id, plan.year, plan.title, plan.source, now_iso()),
            )
            self.db.executemany(
                "INSERT INTO units (plan_id, id, name, kind) VALUES (?,?,?,?) "
                "ON CONFLICT (plan_id, id) DO UPDATE SET name=excluded.name, kind=excluded.kind",
                [(plan.id, u.id, u.name, u.kind) for u in plan.units],
            )
            self.db.executemany(
                "INSERT INTO fields (plan_id, key, annex, label, unit, kind) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (plan_id, key) DO UPDATE SET annex=excluded.annex, label=excluded.label, "
                "unit=excluded.unit, kind=excluded.kind",
                [(plan.id, f.key, f.annex, f.label, f.unit, f.kind) for f in plan.fields],
            )
            if activate:
                self.db.execute("UPDATE plans SET active = (id = ?)", (plan.id,))
            self.audit.record(who, PLAN_LOAD, plan_id=plan.id, new={"title": plan.title})
        self._plans.pop(plan.id, None)

    def active_id(self) -> str | None:
        value = self.db.scalar("SELECT id FROM plans WHERE active = 1")
        return None if value is None else str(value)

    def get(self, plan_id: str | None = None) -> Plan:
        """A stored plan, parsed (once); the active one when no id is given."""
        plan_id = plan_id or self.active_id()
        if plan_id is None:
            raise UserError(translate("store", "数据库中还没有计划，请先运行 main.py init。"))
        if plan_id not in self._plans:
            source = self.db.scalar("SELECT source FROM plans WHERE id = ?", (plan_id,))
            if source is None:
                raise UserError(translate("store", "数据库中没有计划“{id}”。").format(id=plan_id))
            self._plans[plan_id] = parse_plan(source, f"{self.db.path}#{plan_id}")
        return self._plans[plan_id]

    def load_coefficients(self, coefficients: CoefficientSet, *, who: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO coefficient_sets (version, source, loaded_at) VALUES (?,?,?) "
                "ON CONFLICT (version) DO UPDATE SET source=excluded.source, loaded_at=excluded.loaded_at",
                (coefficients.version, coefficients.source, now_iso()),
            )
            self.audit.record(who, COEFFICIENTS_LOAD, new={"version": coefficients.version})
        self._coefficients.pop(coefficients.version, None)

    def coefficients(self, version: str) -> CoefficientSet:
        if version not in self._coefficients:
            source = self.db.scalar("SELECT source FROM coefficient_sets WHERE version = ?", (version,))
            if source is None:
                raise UserError(
                    translate("store", "数据库中没有系数表“{version}”，请用 main.py init 重新载入。").format(
                        version=version
                    )
                )
            self._coefficients[version] = parse_coefficients(source, f"{self.db.path}#{version}")
        return self._coefficients[version]

    # ---- emission factors ------------------------------------------------------------------------
    def load_emission_factors(self, factors: EmissionFactorSet, *, who: str) -> None:
        """Store an emission-factor table (replacing a stored table of the same version)."""
        with self.db.transaction():
            self.db.execute("DELETE FROM emission_factors WHERE version = ?", (factors.version,))
            self.db.execute(
                "INSERT INTO emission_factor_sets (version, year, title, loaded_at) VALUES (?,?,?,?) "
                "ON CONFLICT (version) DO UPDATE SET year=excluded.year, title=excluded.title, "
                "loaded_at=excluded.loaded_at",
                (factors.version, factors.year, factors.title, now_iso()),
            )
            self.db.executemany(
                "INSERT INTO emission_factors (version, carrier, unit, t_co2_per_unit, status, source, "
                "ncv_gj_per_unit, carbon_tc_per_tj, oxidation) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (factors.version, f.carrier, f.unit, f.t_co2_per_unit, f.status, f.source, *params)
                    for f in factors.factors.values()
                    for params in [(f.ncv_gj_per_unit, f.carbon_tc_per_tj, f.oxidation)]
                ],
            )
            self.audit.record(who, EMISSION_FACTORS_LOAD, new={"version": factors.version})
        self._factors.pop(factors.version, None)

    def ensure_shipped_emission_factors(self, *, who: str) -> None:
        """The shipped table, stored once (a new file, or one upgraded from before tables were stored)."""
        shipped = load_shipped_emission_factors()
        if self.db.scalar("SELECT 1 FROM emission_factor_sets WHERE version = ?", (shipped.version,)) is None:
            self.load_emission_factors(shipped, who=who)

    def emission_factors(self, version: str = "") -> EmissionFactorSet:
        """A stored emission-factor table; "" (a plan that names none) is the shipped table's version."""
        version = version or load_shipped_emission_factors().version
        if version not in self._factors:
            head = self.db.execute(
                "SELECT year, title FROM emission_factor_sets WHERE version = ?", (version,)
            ).fetchone()
            if head is None:
                raise UserError(
                    translate(
                        "store", "数据库中没有排放因子表“{version}”，请用 main.py init 重新载入。"
                    ).format(version=version)
                )
            rows = self.db.execute(
                "SELECT carrier, unit, t_co2_per_unit, status, source, ncv_gj_per_unit, carbon_tc_per_tj, "
                "oxidation FROM emission_factors WHERE version = ? ORDER BY carrier",
                (version,),
            ).fetchall()
            factors = {
                r[0]: EmissionFactor(r[0], r[1], r[2], r[3], r[4], r[5] is not None, r[5], r[6], r[7])
                for r in rows
            }
            self._factors[version] = EmissionFactorSet(version, int(head[0]), factors, str(head[1]))
        return self._factors[version]

"""The large data set of the benchmarks: a district with 300 reporting units and ten years of history.

The plan's units are data, so the district is made by copying the shipped plan (every annex row kept)
and adding generated towns, parks and key energy users with their annex-2 and annex-3 rows; one plan a
year (2015–2024), each with its own id and year, loaded with `Store.load_plan` like any district's plan.

Figures: every field each unit reports, every month, with last year's figures (the same generator one
year earlier, so "same period last year" is what was entered a year before) and notes on about one in
five. They are written straight into the store's tables with what `Store.write_figures` would write
(a figure row and an audit row each), because a million audited single writes take minutes and are
not what is being measured.

The district's database holds every month of 2015–2023 and January–June 2024; its own office's July
figures too. July's figures of the other 300 units come as signed packages (2024-07_<unit>_v1.pdf), made
by the units' side: a database of 2024 with months 1–7, one ECDSA key per unit (trusted by the district
in its database), and `submission.submit`, exactly as a clerk submits.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from model.plan.coefficients import load_shipped_coefficients
from model.plan.spec import LAST_YEAR, NUMBER, STATUS, Plan, parse_plan, shipped_plan_text
from model.store.database import Store, open_database
from model.store.figures import Figure

GENERATOR_VERSION = 1  # bump when the data set changes shape: a kept set of another version is rebuilt
PASSPHRASE = "benchmark-pass"
WHO = "bench"
# The footer names of every clerk in the benchmarks (the database's profile, with the unit added).
PEOPLE = {"preparer": "王芳", "phone": "57920000", "stats_head": "李强", "unit_head": "张伟"}
PERIOD = "2024-07"  # the month the packages are for
PLAN_YEAR = 2024
SHIPPED_SENDERS = 32  # reporting units of the shipped plan other than the district's own office


@dataclass(frozen=True)
class Scale:
    senders: int = 300  # units that send a package (all reporting units but the district's office)
    years: int = 10

    @property
    def generated(self) -> int:
        return max(0, self.senders - SHIPPED_SENDERS)

    @property
    def towns(self) -> int:
        return round(self.generated * 60 / 268)

    @property
    def parks(self) -> int:
        return round(self.generated * 24 / 268)

    @property
    def key_users(self) -> int:
        return self.generated - self.towns - self.parks

    @property
    def first_year(self) -> int:
        return PLAN_YEAR - self.years + 1


LARGE = Scale()
QUICK = Scale(senders=60, years=2)


# ---- the plan ----------------------------------------------------------------------------------


def _noise(*parts: object) -> float:
    """A stable number in [0, 1) for these parts (the same on every run and machine)."""
    return zlib.crc32("|".join(map(str, parts)).encode()) / 2**32


def plan_dict(year: int, scale: Scale) -> dict[str, Any]:
    """The shipped plan with the year changed and the generated units added."""
    data = json.loads(shipped_plan_text().replace("2024", str(year)))
    data["id"] = f"bench-{year}"
    data["year"] = year
    data["issued_on"] = f"{year}-06-26"
    data["report_form"]["valid_until"] = f"{year + 1}-03-31"
    targets = (-1.0, -1.5, -2.0, -5.0)
    for n in range(1, scale.towns + 1):
        uid = f"town{n:03d}"
        data["units"].append(
            {"id": uid, "name": f"试验{n:03d}镇", "full_name": f"金山区试验{n:03d}镇人民政府", "kind": "town"}
        )
        data["annex2"]["rows"].append({"unit": uid, "target_pct": targets[n % 4]})
    for n in range(1, scale.parks + 1):
        uid = f"park{n:03d}"
        data["units"].append(
            {
                "id": uid,
                "name": f"试验{n:03d}园区",
                "full_name": f"金山区试验{n:03d}工业园区管委会",
                "kind": "park",
            }
        )
        data["annex2"]["rows"].append({"unit": uid, "target_pct": targets[(n + 1) % 4]})
    for n in range(1, scale.key_users + 1):
        uid = f"user{n:03d}"
        data["units"].append(
            {
                "id": uid,
                "name": f"试验{n:03d}号用能单位",
                "full_name": f"上海试验{n:03d}能源有限公司",
                "kind": "key_user",
            }
        )
        flow = n % 4 == 0  # every fourth treats water (intensity per m³), the rest by floor area
        data["annex3"]["rows"].append(
            {
                "unit": uid,
                "total_cap_wan_tce": round(0.2 + 1.8 * _noise("cap", uid), 4),
                "intensity_target": 0.0001697 if flow else 0.08,
                "intensity_unit": "吨标煤/立方米" if flow else "吨标煤/平方米",
                "denominator_field": "treated_volume_m3" if flow else "floor_area_m2",
                "denominator_kind": "flow" if flow else "stock",
                "intensity_yoy_change_pct": -1.0,
            }
        )
    return data


def plan_text(year: int, scale: Scale) -> str:
    return json.dumps(plan_dict(year, scale), ensure_ascii=False, indent=1)


def plans(scale: Scale) -> list[Plan]:
    return [
        parse_plan(plan_text(year, scale), f"bench-{year}.json")
        for year in range(scale.first_year, PLAN_YEAR + 1)
    ]


# ---- figures ------------------------------------------------------------------------------------

_SEASON = (1.05, 0.82, 0.98, 0.97, 1.0, 1.06, 1.12, 1.13, 1.01, 0.97, 0.95, 1.04)
_KGCE = {
    "electricity": 0.1229,
    "natural_gas": 1.2143,
    "diesel": 1.4571,
    "gasoline": 1.4714,
    "lpg": 1.7143,
    "heat": 0.03412,
}
_CARRIER_SHARE = {
    "electricity": 0.70,
    "natural_gas": 0.18,
    "diesel": 0.04,
    "gasoline": 0.03,
    "lpg": 0.01,
    "heat": 0.04,
}
_NOTES = (
    "按统计局能源快报口径填报。",
    "含当月新投产企业，已与统计部门核对。",
    "检修停产半月，产量相应下降。",
    "数据经单位负责人审核。",
    "上年同期数已按同口径调整。",
)
_NARRATIVE = (
    "已制定年度工作方案并分解到责任科室，按月调度推进，{m}月完成阶段性任务。",
    "会同相关部门开展现场检查{n}次，督促企业落实整改，整改完成率{p}%。",
    "组织企业参加培训{n}场，完成项目申报和材料审核，进度符合序时要求。",
    "已完成{n}个项目的前期调研，正在推进立项和资金落实，预计下季度开工。",
)


class _Generator:
    """Figures of one plan's units; lookups that the plan does by scanning are done once here."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.fields = {f.key: f for f in plan.fields}
        self.annex3 = {r.unit: r for r in plan.annex3}
        self.annex1 = {r.id: r for r in plan.annex1}
        self.annex4 = {r.id: r for r in plan.annex4}
        self._fields_for: dict[str, list[Any]] = {}

    def fields_for(self, unit_id: str) -> list[Any]:
        if unit_id not in self._fields_for:
            self._fields_for[unit_id] = self.plan.fields_for(unit_id)
        return self._fields_for[unit_id]

    def monthly_tce(self, unit_id: str) -> float:
        """The unit's typical monthly energy use (tce) in 2024."""
        row3 = self.annex3.get(unit_id)
        if row3 is not None:
            return row3.total_cap_wan_tce * 10000 / 12 * (0.88 + 0.14 * _noise("use", unit_id))
        return 400 + 7600 * _noise("size", unit_id)

    def amount(self, unit_id: str, key: str, year: int, month: int) -> float:
        """A monthly amount of an annex-2 or annex-3 field (its this-year meaning) for any year."""
        f = self.fields[key]
        base = self.monthly_tce(unit_id)
        years = year - PLAN_YEAR
        wiggle = 1 + 0.08 * (_noise(unit_id, key, year, month) - 0.5)
        if f.annex == 2:
            if f.role == "output":
                value = base * (8 + 20 * _noise("output", unit_id)) * 1.05**years
            elif f.role == "gross_energy":
                value = base * 1.12 * 1.02**years
            else:
                value = base * 1.02**years
            return round(value * _SEASON[month - 1] * wiggle, 2)
        if f.carrier:
            tce = base * _CARRIER_SHARE[f.carrier] * 1.015**years * _SEASON[month - 1] * wiggle
            return round(tce * 1000 / _KGCE[f.carrier], 1)
        row3 = self.annex3[unit_id]
        if key == "floor_area_m2":  # a stock: the same all year
            return round(base * 12 / row3.intensity_target * 0.98 * 1.01**years, 0)
        return round(base * _SEASON[month - 1] * wiggle / row3.intensity_target * 0.98, 0)

    def task_value(self, key: str, year: int, month: int, unit_id: str) -> float:
        row_id, suffix = key.rsplit(".", 1)
        share = month / 12 * (0.85 + 0.3 * _noise(unit_id, key, year))
        if suffix == "progress_pct":
            return round(min(100.0, share * 100), 1)
        row1 = self.annex1.get(row_id)
        if row1 is not None:
            if suffix == "value":
                if row1.measure == "rate":
                    return round(
                        (row1.target_value or -1.0) * (0.7 + 0.5 * _noise(unit_id, key, year, month)), 2
                    )
                return round((row1.target_value or 1.0) * share, 2)
            cond = row1.conditions[int(suffix.removeprefix("condition")) - 1]
            return round(cond.value * (0.95 + 0.1 * _noise(unit_id, key, year, month)), 3)
        task = self.annex4[row_id]
        q = task.quantity if suffix == "value" else task.second_quantity
        assert q is not None
        if q.level:
            return round(q.value * (0.95 + 0.1 * _noise(unit_id, key, year, month)), 3)
        return round(q.value * share, 3)

    def figures(self, unit_id: str, month: int) -> Iterator[tuple[str, float | None, str | None, str]]:
        """(field, value, text, note) of every field the unit reports for a month of the plan's year."""
        year = self.plan.year
        for f in self.fields_for(unit_id):
            note = ""
            if f.kind == STATUS:
                yield f.key, None, _status(unit_id, f.key, year, month), ""
                continue
            if f.kind != NUMBER:  # a task's narrative
                template = _NARRATIVE[int(_noise(unit_id, f.key, year) * len(_NARRATIVE))]
                n = 1 + int(9 * _noise(unit_id, f.key, year, month))
                yield f.key, None, template.format(m=month, n=n, p=min(100, 60 + 4 * month)), ""
                continue
            if f.annex in (2, 3):
                base = f.key.removesuffix(LAST_YEAR)
                value = self.amount(unit_id, base, year - 1 if f.is_last_year else year, month)
                if _noise("note", unit_id, f.key, year, month) < 0.2:
                    note = _NOTES[int(_noise("which", unit_id, f.key, year, month) * len(_NOTES))]
            else:
                value = self.task_value(f.key, year, month, unit_id)
            yield f.key, value, None, note


def _status(unit_id: str, key: str, year: int, month: int) -> str:
    x = _noise(unit_id, key, year, month)
    if month >= 10 and x < 0.5:
        return "已完成"
    if x < 0.06:
        return "滞后"
    if month <= 2 and x < 0.3:
        return "未开始"
    return "推进中"


def write_figures_fast(store: Store, plan: Plan, units: list[str], months: range) -> int:
    """Every field of these units for these months, stored and audited as a clerk's entries, in one go."""
    figures = []
    gen = _Generator(plan)
    for unit_id in units:
        for month in months:
            period = f"{plan.year}-{month:02d}"
            at = f"{plan.year + (month == 12)}-{month % 12 + 1:02d}-{5 + month % 9:02d}T09:30:00+08:00"
            figures += [
                Figure(
                    unit_id,
                    period,
                    key,
                    value,
                    text,
                    note,
                    at,
                    WHO,
                    plan.coefficients,
                    plan.electricity_basis,
                )
                for key, value, text, note in gen.figures(unit_id, month)
            ]
    return store.figures.insert_new(plan.id, figures)


def senders(plan: Plan) -> list[str]:
    return [u.id for u in plan.reporting_units() if u.id != plan.district_unit]


def new_store(path: Path) -> Store:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_database(path, write=True, create=True, seed=False)
    store.plans.load_coefficients(load_shipped_coefficients(), who=WHO)
    return store


def checkpoint(store: Store) -> None:
    store.db.checkpoint()


# ---- the district's database -------------------------------------------------------------------


def build_district(path: Path, scale: Scale) -> dict[str, Any]:
    """Ten years of plans and figures; 2024 up to June (the district's office: up to July)."""
    started = time.perf_counter()
    store = new_store(path)
    count = 0
    with store:
        for plan in plans(scale):
            store.plans.load(plan, who=WHO, activate=plan.year == PLAN_YEAR)
            units = [u.id for u in plan.reporting_units()]
            if plan.year < PLAN_YEAR:
                count += write_figures_fast(store, plan, units, range(1, 13))
            else:
                others = [u for u in units if u != plan.district_unit]
                count += write_figures_fast(store, plan, others, range(1, 7))
                count += write_figures_fast(store, plan, [plan.district_unit], range(1, 8))
        checkpoint(store)
    return {"figures": count, "seconds": time.perf_counter() - started}


# ---- the units' side: keys and signed packages ---------------------------------------------------


KEYS_CACHE = Path(__file__).resolve().parent / "work" / "keys-cache"


def unit_key(unit_id: str, full_name: str, district: str, keys_dir: Path) -> Any:
    """The unit's key as a clerk makes it (`new_key`: ECDSA P-256, PKCS#12 with the program's KDF rounds),
    opened; its key file and certificate (PEM) are written into `keys_dir`.

    Made once and kept in benchmarks/work/keys-cache (git-ignored), since the key file's 600,000 KDF
    rounds make a key cost ~0.5 s: a set made again reuses it (the same key, a real one) as long as the
    certificate has over a year to run. The packages signed with it are exactly as before.
    """
    from cryptography.hazmat.primitives import serialization

    from model.reports.signing import load_key, new_key

    digest = hashlib.sha256(f"{unit_id}|{full_name}|{district}".encode()).hexdigest()[:16]
    cached = KEYS_CACHE / f"{unit_id}-{digest}.p12"
    key = None
    if cached.exists():
        p12 = cached.read_bytes()
        key = load_key(p12, PASSPHRASE)
        if key.certificate.not_valid_after_utc < datetime.now().astimezone() + timedelta(days=365):
            key = None
    if key is None:
        p12 = new_key(unit_id, full_name, PASSPHRASE, district=district)
        key = load_key(p12, PASSPHRASE)
        KEYS_CACHE.mkdir(parents=True, exist_ok=True)
        temp = cached.with_name(f".{cached.name}.{os.getpid()}")
        temp.write_bytes(p12)
        temp.replace(cached)
    pem = key.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    (keys_dir / f"{unit_id}.p12").write_bytes(p12)
    (keys_dir / f"{unit_id}.pem").write_text(pem, encoding="ascii")
    return key


def _unit_side(args: tuple[int, list[str], str, str, str, dict[str, int]]) -> dict[str, Any]:
    """One worker: a units' database of 2024 (months 1–7), a key per unit, and each unit's submission."""
    index, units, db, keys_dir, out_dir, scale_args = args
    from model.common.periods import parse_period
    from model.exchange.submission import submit
    from model.reports.fonts import font_subset
    from model.reports.tables import ReportPeople

    scale = Scale(**scale_args)
    started = time.perf_counter()
    plan = parse_plan(plan_text(PLAN_YEAR, scale), f"bench-{PLAN_YEAR}.json")
    store = new_store(Path(db))
    with store:
        store.plans.load(plan, who=WHO)
        write_figures_fast(store, plan, units, range(1, 8))
        period = parse_period(PERIOD)
        when = datetime(2024, 8, 9, 10, 30).astimezone()
        # one stamp-font subset for all of this worker's units (each unit's own copy makes one on its first export)
        font_subset(also="王芳" + "".join(plan.unit(u).name + plan.unit(u).full_name for u in units))
        for unit_id in units:
            unit = plan.unit(unit_id)
            key = unit_key(unit_id, unit.full_name, plan.district, Path(keys_dir))
            people = ReportPeople(unit_head="张伟", stats_head="李强", preparer="王芳", phone="57920000")
            submit(
                store,
                plan,
                unit_id,
                period,
                key,
                out_dir,
                who="王芳",
                people=people,
                now=when,
            )
    Path(db).unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {"worker": index, "units": len(units), "seconds": time.perf_counter() - started}


def build_packages(work: Path, scale: Scale, workers: int) -> dict[str, Any]:
    plan = parse_plan(plan_text(PLAN_YEAR, scale), f"bench-{PLAN_YEAR}.json")
    units = senders(plan)
    keys, packages = work / "keys", work / "packages"
    for folder in (keys, packages):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    chunks = [units[i::workers] for i in range(workers)]
    jobs = [
        (i, chunk, str(work / f"units-{i}.sqlite"), str(keys), str(packages), asdict(scale))
        for i, chunk in enumerate(chunks)
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(_unit_side, jobs))
    return {"packages": len(units), "seconds": time.perf_counter() - started, "workers": done}


def trust_all(db: Path, work: Path) -> float:
    """The district trusts every unit's certificate (bound to its unit)."""
    from model.exchange.district import trust_add

    started = time.perf_counter()
    with open_database(db, write=True, create=True) as store:
        plan = store.plans.get()
        for pem in sorted((work / "keys").glob("*.pem")):
            trust_add(store, plan, pem.read_bytes(), who=WHO)
        checkpoint(store)
    return time.perf_counter() - started


def fingerprint(scale: Scale) -> str:
    """What the kept set depends on: the generator, the scale, the shipped plan and the code that makes the
    plans, figures and packages (not how keys are cached or the set is reused: a set made by another
    worktree's copy of this file is reused as long as these are the same)."""
    import inspect

    h = hashlib.sha256(f"{GENERATOR_VERSION}|{scale}|{PERIOD}|{PASSPHRASE}".encode())
    for part in (plan_dict, _Generator, _status, write_figures_fast, build_district, _SEASON, _NOTES):
        h.update((part if isinstance(part, tuple) else inspect.getsource(part)).__repr__().encode())
    h.update(shipped_plan_text().encode())
    return h.hexdigest()[:16]


def generate(work: Path, scale: Scale, *, keep: bool, log: Any = print) -> dict[str, Any]:
    """Make the set in `work` (or reuse it with `keep` when it was made by this generator at this scale)."""
    work.mkdir(parents=True, exist_ok=True)
    manifest = work / "manifest.json"
    wanted = fingerprint(scale)
    if keep and manifest.exists():
        info = json.loads(manifest.read_text())
        if info.get("fingerprint") == wanted and (work / "district.sqlite").exists():
            log(f"reusing the data set in {work} (made {info['made_at']})")
            info["reused"] = True
            return info
        log("the kept data set was made differently: making it again")
    manifest.unlink(missing_ok=True)
    workers = max(1, os.cpu_count() or 1)
    log(
        f"making the data set: {scale.senders} units sending packages, {scale.years} years, {workers} workers …"
    )
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1) as pool:  # the district's database meanwhile, in its own process
        district = pool.submit(build_district, work / "district.sqlite", scale)
        packages = build_packages(work, scale, workers)
        district_info = district.result()
    trust_seconds = trust_all(work / "district.sqlite", work)
    info = {
        "fingerprint": wanted,
        "made_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "scale": asdict(scale),
        "district": district_info,
        "packages": packages,
        "trust_seconds": trust_seconds,
        "seconds": time.perf_counter() - started,
        "reused": False,
    }
    manifest.write_text(json.dumps(info, indent=1))
    log(f"data set made in {info['seconds']:.0f} s")
    return info

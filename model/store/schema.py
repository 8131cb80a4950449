"""The schema as numbered migrations; `PRAGMA user_version` says how many a file has had.

Each migration runs in its own transaction. Old database files in tests/fixtures prove that they upgrade.
"""

from __future__ import annotations

import json
import math
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from model.store.connection import Database, now_iso

_V1 = """
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE units (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (plan_id, id)
);
CREATE TABLE fields (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    annex INTEGER NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (plan_id, key)
);
CREATE TABLE figures (
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    field TEXT NOT NULL,
    value REAL,
    text TEXT,
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, unit_id, period, field),
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id),
    FOREIGN KEY (plan_id, field) REFERENCES fields(plan_id, key)
);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    UNIQUE (plan_id, unit_id, period, version),
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id)
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    plan_id TEXT,
    unit_id TEXT,
    period TEXT,
    field TEXT,
    old TEXT,
    new TEXT
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
"""

# v2: coefficient tables as versioned data, and every figure records the table version and the
# electricity basis it was entered under (totals differ by more than 2× between bases).
_V2 = """
CREATE TABLE coefficient_sets (
    version TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
ALTER TABLE figures ADD COLUMN coef_version TEXT;
ALTER TABLE figures ADD COLUMN electricity_basis TEXT;
UPDATE figures SET
    coef_version = (SELECT json_extract(p.source, '$.coefficients') FROM plans p WHERE p.id = figures.plan_id),
    electricity_basis = (SELECT json_extract(p.source, '$.electricity_basis') FROM plans p WHERE p.id = figures.plan_id);
CREATE INDEX figures_by_unit_period ON figures (plan_id, unit_id, period);
"""

# v3: submissions that go upward. The unit side keeps every version of a period (the v1 table, now with
# the signed package's bytes); the district side keeps every package it accepted (`received`) and the unit
# certificates it trusts. Packages live inside the database, not beside it: one file to back up and move,
# written in the same transaction as the version row, so a version never points at a missing file.
_V3 = """
ALTER TABLE submissions ADD COLUMN submitted_at TEXT;
ALTER TABLE submissions ADD COLUMN submitted_by TEXT;
ALTER TABLE submissions ADD COLUMN package_name TEXT;
ALTER TABLE submissions ADD COLUMN pdf BLOB;
ALTER TABLE submissions ADD COLUMN pdf_sha256 TEXT;
ALTER TABLE submissions ADD COLUMN xlsx BLOB;
CREATE INDEX submissions_by_period ON submissions (plan_id, unit_id, period, version);
CREATE TRIGGER submissions_frozen BEFORE UPDATE OF plan_id, unit_id, period, version, data, pdf, xlsx, submitted_at
ON submissions WHEN OLD.status IN ('submitted', 'superseded')
BEGIN SELECT RAISE(ABORT, 'a submitted version is frozen'); END;
CREATE TRIGGER submissions_kept BEFORE DELETE ON submissions WHEN OLD.status IN ('submitted', 'superseded')
BEGIN SELECT RAISE(ABORT, 'a submitted version is kept'); END;
CREATE TRIGGER figures_locked_insert BEFORE INSERT ON figures
WHEN (SELECT status FROM submissions s WHERE s.plan_id = NEW.plan_id AND s.unit_id = NEW.unit_id
      AND s.period = NEW.period ORDER BY s.version DESC LIMIT 1) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'period locked by a submitted version'); END;
CREATE TRIGGER figures_locked_update BEFORE UPDATE ON figures
WHEN (SELECT status FROM submissions s WHERE s.plan_id = OLD.plan_id AND s.unit_id = OLD.unit_id
      AND s.period = OLD.period ORDER BY s.version DESC LIMIT 1) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'period locked by a submitted version'); END;
CREATE TRIGGER figures_locked_delete BEFORE DELETE ON figures
WHEN (SELECT status FROM submissions s WHERE s.plan_id = OLD.plan_id AND s.unit_id = OLD.unit_id
      AND s.period = OLD.period ORDER BY s.version DESC LIMIT 1) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'period locked by a submitted version'); END;
CREATE TABLE received (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    outcome TEXT NOT NULL,
    in_use INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    signed_at TEXT,
    signer TEXT NOT NULL DEFAULT '',
    signer_fingerprint TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    data TEXT NOT NULL,
    pdf BLOB NOT NULL,
    UNIQUE (plan_id, unit_id, period, version),
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id)
);
CREATE UNIQUE INDEX received_in_use ON received (plan_id, unit_id, period) WHERE in_use = 1;
CREATE INDEX received_by_period ON received (plan_id, period);
CREATE TRIGGER received_kept BEFORE DELETE ON received
BEGIN SELECT RAISE(ABORT, 'a received package is kept'); END;
CREATE TABLE trusted_certs (
    fingerprint TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    unit_id TEXT,
    pem TEXT NOT NULL,
    not_after TEXT,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
"""

# v4: evidence files a unit attaches to an annex-4 task (or annex-1 row), kept inside the database so they
# are backed up, moved and restored with the figures they support.
_V4 = """
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    row_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id)
);
CREATE INDEX evidence_by_row ON evidence (plan_id, unit_id, row_id);
"""


# v6: audit rows keep values and codes (JSON in old/new, rendered into words when shown); rows written
# before keep their text and say so (`encoding`). The profile: the unit this copy reports for and the
# names printed in the report footer, shared by the window and the command line.
_V6_STORE = """
ALTER TABLE audit ADD COLUMN encoding TEXT NOT NULL DEFAULT 'text';
CREATE TABLE profile (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
"""

# v5: a submitted report is year to date, so submitting period P locks every month 1..P, not month P
# alone. `locked_through` holds, per unit and year, the latest period submitted while its newest version
# is submitted (a correction being made reopens all its months). The triggers and the store's own
# refusal read the same view.
_V5_LOCKS = """
CREATE VIEW locked_through AS
SELECT s.plan_id, s.unit_id, substr(s.period, 1, 4) AS year, s.period, s.version
FROM submissions s
WHERE s.status = 'submitted' AND NOT EXISTS (
    SELECT 1 FROM submissions t WHERE t.plan_id = s.plan_id AND t.unit_id = s.unit_id
    AND substr(t.period, 1, 4) = substr(s.period, 1, 4)
    AND (t.period > s.period OR (t.period = s.period AND t.version > s.version)));
DROP TRIGGER figures_locked_insert;
DROP TRIGGER figures_locked_update;
DROP TRIGGER figures_locked_delete;
CREATE TRIGGER figures_locked_insert BEFORE INSERT ON figures
WHEN EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = NEW.plan_id AND l.unit_id = NEW.unit_id
             AND l.year = substr(NEW.period, 1, 4) AND NEW.period <= l.period)
BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;
CREATE TRIGGER figures_locked_update BEFORE UPDATE ON figures
WHEN EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = OLD.plan_id AND l.unit_id = OLD.unit_id
             AND l.year = substr(OLD.period, 1, 4) AND OLD.period <= l.period)
  OR EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = NEW.plan_id AND l.unit_id = NEW.unit_id
             AND l.year = substr(NEW.period, 1, 4) AND NEW.period <= l.period)
BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;
CREATE TRIGGER figures_locked_delete BEFORE DELETE ON figures
WHEN EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = OLD.plan_id AND l.unit_id = OLD.unit_id
             AND l.year = substr(OLD.period, 1, 4) AND OLD.period <= l.period)
BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;
"""

# v7 (district): what the district received stays in the received tables, apart from figures typed here.
# Per package, the year-to-date key sums of annex 2 (NULL where the package has none), so the district
# view is a few set-based queries; existing packages are filled in from the progress each one carries.
# A figure of a unit and month that a received package covers cannot be typed over at the district.
_V7_DISTRICT = """
CREATE TABLE received_sums (
    received_id INTEGER PRIMARY KEY REFERENCES received(id),
    energy_tce REAL,
    energy_tce_last_year REAL,
    output_wan_yuan REAL,
    output_wan_yuan_last_year REAL
);
INSERT INTO received_sums (received_id, energy_tce, energy_tce_last_year, output_wan_yuan,
    output_wan_yuan_last_year)
SELECT id, json_extract(data, '$.progress.annex2.ytd_energy_tce'),
    json_extract(data, '$.progress.annex2.ytd_energy_tce_last_year'),
    json_extract(data, '$.progress.annex2.ytd_output_wan_yuan'),
    json_extract(data, '$.progress.annex2.ytd_output_wan_yuan_last_year')
FROM received;
CREATE INDEX received_by_unit ON received (plan_id, unit_id, period);
CREATE TRIGGER figures_received_insert BEFORE INSERT ON figures
WHEN EXISTS (SELECT 1 FROM received r WHERE r.plan_id = NEW.plan_id AND r.unit_id = NEW.unit_id
             AND r.period >= NEW.period AND substr(r.period, 1, 4) = substr(NEW.period, 1, 4))
BEGIN SELECT RAISE(ABORT, 'figure received in a package'); END;
CREATE TRIGGER figures_received_update BEFORE UPDATE ON figures
WHEN EXISTS (SELECT 1 FROM received r WHERE r.plan_id = OLD.plan_id AND r.unit_id = OLD.unit_id
             AND r.period >= OLD.period AND substr(r.period, 1, 4) = substr(OLD.period, 1, 4))
BEGIN SELECT RAISE(ABORT, 'figure received in a package'); END;
"""

# v8 (door): the day the district received a package (the import's day, or an earlier one the officer
# set for the batch), which decides 按时/迟报; packages imported before keep their import day.
_V8_RECEIPT = """
ALTER TABLE received ADD COLUMN received_on TEXT;
UPDATE received SET received_on = substr(imported_at, 1, 10);
"""

# v9 (carbon): emission factors as versioned data beside the coefficient tables, one row per factor so each
# keeps its table's version and year, its source and its status (confirmed / weak / assumed). The factor
# of a fossil fuel is stored with the guideline's parameters it was derived from. Self-contained: it only
# adds two tables (the shipped table is stored when the file is next opened for writing).
_V9_EMISSION = """
CREATE TABLE emission_factor_sets (
    version TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    loaded_at TEXT NOT NULL
);
CREATE TABLE emission_factors (
    version TEXT NOT NULL REFERENCES emission_factor_sets(version) ON DELETE CASCADE,
    carrier TEXT NOT NULL,
    unit TEXT NOT NULL,
    t_co2_per_unit REAL NOT NULL CHECK (t_co2_per_unit > 0),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'weak', 'assumed')),
    source TEXT NOT NULL CHECK (source <> ''),
    ncv_gj_per_unit REAL,
    carbon_tc_per_tj REAL,
    oxidation REAL,
    PRIMARY KEY (version, carrier)
);
"""

# v10 (district view): per received package, what the district view reads and the package row keeps
# out of quick reach (inside its JSON data, or behind its PDF): the day received, the correction's reason
# and the few parts of its progress the view renders (keys below; a key the view starts to read needs a
# migration that fills this table again). Filled from the packages already held; the store adds a row
# for each package it keeps (`model.store.received.add_received_view`). `->` keeps each number's text
# as written, so a filled row holds exactly what the import would have written.
VIEW_KEYS = (
    "annex2",
    "annex3",
    "annex1",
    "annex4",
    "remaining_allowance_tce",
    "remaining_allowance_per_month_tce",
    "ytd_co2_t",
    "ytd_co2_t_last_year",
    "co2_change_pct",
    "co2_complete",
)
VIEW_PARTS = {
    "annex2": (
        "ytd_intensity_tce_per_wan_yuan",
        "ytd_change_rate_pct",
        "completion_rate_pct",
        "colour",
        "colour_label",
    ),
    "annex3": (
        "ytd_tce",
        "cap_used_pct",
        "projected_tce",
        "intensity",
        "intensity_yoy_change_pct",
        "colour",
        "colour_label",
    ),
}
VIEW_ROWS = ("annex1", "annex4")
VIEW_ROW_KEYS = ("id", "target", "value", "status", "share_of_target_pct", "colour")


def _json_object(source: str, keys: tuple[str, ...]) -> str:
    return "json_object(" + ", ".join(f"'{k}', {source} -> '$.{k}'" for k in keys) + ")"


def _view_value(key: str) -> str:
    if key in VIEW_PARTS:
        part = _json_object(f"(p -> '$.{key}')", VIEW_PARTS[key])
        return f"CASE WHEN json_type(p, '$.{key}') = 'object' THEN {part} ELSE p -> '$.{key}' END"
    if key in VIEW_ROWS:
        row = _json_object("e.value", VIEW_ROW_KEYS)
        return f"(SELECT json(json_group_array({row})) FROM json_each(p, '$.{key}') e)"
    return f"p -> '$.{key}'"


VIEW_FILL = f"""
INSERT INTO received_view (received_id, received_on, correction_reason, replaces_version, progress)
SELECT id, received_on, reason, replaces, json_object({", ".join(f"'{k}', {_view_value(k)}" for k in VIEW_KEYS)})
FROM (SELECT id, coalesce(received_on, substr(imported_at, 1, 10)) AS received_on,
    coalesce(json_extract(data, '$.correction_reason'), '') AS reason,
    json_extract(data, '$.replaces_version') AS replaces,
    coalesce(json_extract(data, '$.progress'), '{{}}') AS p
    FROM received);
"""
_V10_DISTRICT_VIEW = (
    """
CREATE TABLE received_view (
    received_id INTEGER PRIMARY KEY REFERENCES received(id),
    received_on TEXT,
    correction_reason TEXT NOT NULL DEFAULT '',
    replaces_version INTEGER,
    progress TEXT NOT NULL
);
"""
    + VIEW_FILL
)

# v11 (compact): a figure was ~400 bytes (four text keys in the row and twice more in two indexes, the
# provenance repeated in every row, an audit row of ~170 bytes). Names (plan, unit, period, field, action)
# are stored once in `names` and referred to by number; who/when/coefficient table/electricity basis once
# per write in `stamps`; figures in a table ordered by their key (no second index); an audit row of a
# figure keeps its old and new value, text and note in columns, not as JSON. `figures` and `audit` stay as
# views with the columns they had, so reading (and the triggers' refusals) work as before; names and
# stamps are append-only like the audit they are part of.
_V11_TABLES = """
CREATE TABLE names (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE stamps (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    coef_version TEXT,
    electricity_basis TEXT
);
CREATE UNIQUE INDEX stamps_by_value ON stamps (at, who, coef_version, electricity_basis);
CREATE TABLE figure_rows (
    plan INTEGER NOT NULL,
    unit INTEGER NOT NULL,
    period INTEGER NOT NULL,
    field INTEGER NOT NULL,
    value REAL,
    text TEXT,
    note TEXT NOT NULL DEFAULT '',
    stamp INTEGER NOT NULL REFERENCES stamps(id),
    PRIMARY KEY (plan, unit, period, field)
) WITHOUT ROWID;
CREATE TABLE audit_rows (
    id INTEGER PRIMARY KEY,
    stamp INTEGER NOT NULL REFERENCES stamps(id),
    action INTEGER NOT NULL,
    plan INTEGER,
    unit INTEGER,
    period INTEGER,
    field INTEGER,
    encoding INTEGER NOT NULL,
    old_value REAL,
    old_text TEXT,
    old_note TEXT,
    new_value REAL,
    new_text TEXT,
    new_note TEXT
);
INSERT INTO names (name)
SELECT plan_id FROM figures UNION SELECT unit_id FROM figures UNION SELECT period FROM figures
UNION SELECT field FROM figures;
INSERT INTO stamps (at, who, coef_version, electricity_basis)
SELECT DISTINCT updated_at, updated_by, coef_version, electricity_basis FROM figures ORDER BY 1, 2, 3, 4;
INSERT INTO figure_rows (plan, unit, period, field, value, text, note, stamp)
SELECT p.id, u.id, t.id, f.id, r.value, r.text, r.note, s.id
FROM figures r JOIN names p ON p.name = r.plan_id JOIN names u ON u.name = r.unit_id
JOIN names t ON t.name = r.period JOIN names f ON f.name = r.field
JOIN stamps s ON s.at = r.updated_at AND s.who = r.updated_by AND s.coef_version IS r.coef_version
    AND s.electricity_basis IS r.electricity_basis
ORDER BY 1, 2, 3, 4;
DROP TABLE figures;
"""

# audit_rows.encoding: rows written before v6 hold text, later ones JSON; a figure's change has its values
# in the columns (FIGURE_VALUES). The view gives them back as the JSON they were written as.
TEXT_ROW, JSON_ROW, FIGURE_VALUES = 0, 1, 2
_FIGURE_KEYS = {"note", "text", "value"}


def figure_values(value: Any) -> tuple[float | None, str | None, str | None] | None:
    """A figure's (value, text, note) as audit_rows keeps them; None when `value` (decoded JSON) is not
    one exactly representable there (then the row keeps its JSON). No figure: (None, None, None)."""
    if value is None:
        return None, None, None
    if not isinstance(value, dict) or set(value) != _FIGURE_KEYS:
        return None
    number, text, note = value["value"], value["text"], value["note"]
    if not isinstance(note, str) or not (text is None or isinstance(text, str)):
        return None
    if number is not None:
        if isinstance(number, bool) or not isinstance(number, int | float):
            return None
        if not math.isfinite(number) or float(number) != number:  # NaN, infinity, an int beyond 2**53
            return None
        number = float(number)
    return number, text, note


class _Interned:
    """Ids of names and stamps while converting, made as they are first met."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.names: dict[str, int] = dict(conn.execute("SELECT name, id FROM names"))
        self.stamps: dict[tuple[str, str], int] = {}
        for stamp_id, at, who in conn.execute("SELECT id, at, who FROM stamps ORDER BY id DESC"):
            self.stamps[(at, who)] = stamp_id  # the lowest id of an (at, who), as the view's insert takes

    def name(self, text: str | None) -> int | None:
        if text is None:
            return None
        found = self.names.get(text)
        if found is None:
            found = int(self.conn.execute("INSERT INTO names (name) VALUES (?)", (text,)).lastrowid or 0)
            self.names[text] = found
        return found

    def stamp(self, at: str, who: str) -> int:
        found = self.stamps.get((at, who))
        if found is None:
            found = int(
                self.conn.execute("INSERT INTO stamps (at, who) VALUES (?, ?)", (at, who)).lastrowid or 0
            )
            self.stamps[(at, who)] = found
        return found


_NO_FIGURE = (None, None, None)
_decode = json.JSONDecoder().decode


def _compact_row(ids: _Interned, row: tuple[Any, ...]) -> tuple[Any, ...]:
    row_id, at, who, action, plan_id, unit_id, period, field, old, new, encoding = row
    name = ids.name
    head = (row_id, ids.stamp(at, who), name(action), name(plan_id), name(unit_id), name(period), name(field))
    if encoding == "json" and action == "figure.set":
        before = _NO_FIGURE if old is None else figure_values(_decode(old))
        after = _NO_FIGURE if new is None else figure_values(_decode(new))
        if before is not None and after is not None:
            return (*head, FIGURE_VALUES, *before, *after)
    return (*head, JSON_ROW if encoding == "json" else TEXT_ROW, None, old, None, None, new, None)


def _compact_audit(conn: sqlite3.Connection) -> None:
    """The compact migration: every audit row into audit_rows, ids and order kept."""
    ids = _Interned(conn)
    rows = conn.execute(
        "SELECT id, at, who, action, plan_id, unit_id, period, field, old, new, encoding FROM audit ORDER BY id"
    )
    while chunk := rows.fetchmany(20000):
        conn.executemany(
            "INSERT INTO audit_rows (id, stamp, action, plan, unit, period, field, encoding, old_value, "
            "old_text, old_note, new_value, new_text, new_note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_compact_row(ids, row) for row in chunk],
        )


def _name_of(column: str) -> str:
    return f"(SELECT name FROM names WHERE id = {column})"


def _id_of(column: str) -> str:
    return f"(SELECT id FROM names WHERE name = {column})"


def _number_json(column: str) -> str:
    """A REAL as JSON text that reads back as the same number (the shortest of 15, 16, 17 digits)."""
    shortest = " ".join(
        f"WHEN CAST(printf('%!.{n}g', {column}) AS REAL) = {column} THEN printf('%!.{n}g', {column})"
        for n in (15, 16)
    )
    return f"json(CASE WHEN {column} IS NULL THEN NULL {shortest} ELSE printf('%!.17g', {column}) END)"


def _figure_json(side: str) -> str:
    return (
        f"CASE WHEN a.{side}_note IS NULL THEN NULL ELSE json_object('note', a.{side}_note, "
        f"'text', a.{side}_text, 'value', {_number_json(f'a.{side}_value')}) END"
    )


def _new_names(*columns: str) -> str:
    each = " UNION ".join(f"SELECT {c} AS name" for c in columns)  # UNION: each name once
    return (
        f"INSERT INTO names (name) SELECT name FROM ({each}) "
        "WHERE name IS NOT NULL AND name NOT IN (SELECT name FROM names);"
    )


def _stamp_of(row: str) -> str:
    return (
        f"(SELECT id FROM stamps WHERE at = {row}.updated_at AND who = {row}.updated_by "
        f"AND coef_version IS {row}.coef_version AND electricity_basis IS {row}.electricity_basis)"
    )


def _new_names_and_stamp() -> str:
    return f"""
    {_new_names("NEW.plan_id", "NEW.unit_id", "NEW.period", "NEW.field")}
    INSERT INTO stamps (at, who, coef_version, electricity_basis)
    SELECT NEW.updated_at, NEW.updated_by, NEW.coef_version, NEW.electricity_basis
    WHERE {_stamp_of("NEW")} IS NULL;"""


def _key_is(row: str) -> str:
    return " AND ".join(
        f"{column} = {_id_of(f'{row}.{name}')}"
        for column, name in (
            ("plan", "plan_id"),
            ("unit", "unit_id"),
            ("period", "period"),
            ("field", "field"),
        )
    )


def _locked(row: str) -> str:
    period = _name_of(f"{row}.period")
    return (
        f"EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = {_name_of(f'{row}.plan')} "
        f"AND l.unit_id = {_name_of(f'{row}.unit')} AND l.year = substr({period}, 1, 4) AND {period} <= l.period)"
    )


def _received(row: str) -> str:
    period = _name_of(f"{row}.period")
    return (
        f"EXISTS (SELECT 1 FROM received r WHERE r.plan_id = {_name_of(f'{row}.plan')} "
        f"AND r.unit_id = {_name_of(f'{row}.unit')} AND r.period >= {period} "
        f"AND substr(r.period, 1, 4) = substr({period}, 1, 4))"
    )


_LOCKED = "BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;"
_RECEIVED = "BEGIN SELECT RAISE(ABORT, 'figure received in a package'); END;"
_APPEND_ONLY = "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"

_V11_VIEWS = f"""
DROP TABLE audit;
CREATE VIEW figures AS
SELECT p.name AS plan_id, u.name AS unit_id, t.name AS period, f.name AS field, r.value, r.text, r.note,
    s.at AS updated_at, s.who AS updated_by, s.coef_version, s.electricity_basis
FROM figure_rows r JOIN names p ON p.id = r.plan JOIN names u ON u.id = r.unit JOIN names t ON t.id = r.period
JOIN names f ON f.id = r.field JOIN stamps s ON s.id = r.stamp;
CREATE TRIGGER figures_insert INSTEAD OF INSERT ON figures
BEGIN{_new_names_and_stamp()}
    INSERT INTO figure_rows (plan, unit, period, field, value, text, note, stamp) VALUES (
        {_id_of("NEW.plan_id")}, {_id_of("NEW.unit_id")}, {_id_of("NEW.period")}, {_id_of("NEW.field")},
        NEW.value, NEW.text, coalesce(NEW.note, ''), {_stamp_of("NEW")});
END;
CREATE TRIGGER figures_update INSTEAD OF UPDATE ON figures
BEGIN{_new_names_and_stamp()}
    UPDATE figure_rows SET plan = {_id_of("NEW.plan_id")}, unit = {_id_of("NEW.unit_id")},
        period = {_id_of("NEW.period")}, field = {_id_of("NEW.field")}, value = NEW.value, text = NEW.text,
        note = NEW.note, stamp = {_stamp_of("NEW")}
    WHERE {_key_is("OLD")};
END;
CREATE TRIGGER figures_delete INSTEAD OF DELETE ON figures
BEGIN DELETE FROM figure_rows WHERE {_key_is("OLD")}; END;
CREATE TRIGGER figures_known BEFORE INSERT ON figure_rows
WHEN NOT EXISTS (SELECT 1 FROM units WHERE plan_id = {_name_of("NEW.plan")} AND id = {_name_of("NEW.unit")})
  OR NOT EXISTS (SELECT 1 FROM fields WHERE plan_id = {_name_of("NEW.plan")} AND key = {_name_of("NEW.field")})
BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;
CREATE TRIGGER figures_locked_insert BEFORE INSERT ON figure_rows WHEN {_locked("NEW")}
{_LOCKED}
CREATE TRIGGER figures_locked_update BEFORE UPDATE ON figure_rows WHEN {_locked("OLD")} OR {_locked("NEW")}
{_LOCKED}
CREATE TRIGGER figures_locked_delete BEFORE DELETE ON figure_rows WHEN {_locked("OLD")}
{_LOCKED}
CREATE TRIGGER figures_received_insert BEFORE INSERT ON figure_rows WHEN {_received("NEW")}
{_RECEIVED}
CREATE TRIGGER figures_received_update BEFORE UPDATE ON figure_rows WHEN {_received("OLD")}
{_RECEIVED}
CREATE VIEW audit AS
SELECT a.id, s.at, s.who, n.name AS action, p.name AS plan_id, u.name AS unit_id, t.name AS period,
    f.name AS field,
    CASE a.encoding WHEN {FIGURE_VALUES} THEN {_figure_json("old")} ELSE a.old_text END AS old,
    CASE a.encoding WHEN {FIGURE_VALUES} THEN {_figure_json("new")} ELSE a.new_text END AS new,
    CASE a.encoding WHEN {TEXT_ROW} THEN 'text' ELSE 'json' END AS encoding
FROM audit_rows a JOIN stamps s ON s.id = a.stamp JOIN names n ON n.id = a.action
LEFT JOIN names p ON p.id = a.plan LEFT JOIN names u ON u.id = a.unit LEFT JOIN names t ON t.id = a.period
LEFT JOIN names f ON f.id = a.field;
CREATE TRIGGER audit_insert INSTEAD OF INSERT ON audit
BEGIN
    {_new_names("NEW.action", "NEW.plan_id", "NEW.unit_id", "NEW.period", "NEW.field")}
    INSERT INTO stamps (at, who) SELECT NEW.at, NEW.who
    WHERE NOT EXISTS (SELECT 1 FROM stamps WHERE at = NEW.at AND who = NEW.who);
    INSERT INTO audit_rows (id, stamp, action, plan, unit, period, field, encoding, old_text, new_text) VALUES (
        NEW.id, (SELECT min(id) FROM stamps WHERE at = NEW.at AND who = NEW.who), {_id_of("NEW.action")},
        {_id_of("NEW.plan_id")}, {_id_of("NEW.unit_id")}, {_id_of("NEW.period")}, {_id_of("NEW.field")},
        CASE coalesce(NEW.encoding, 'text') WHEN 'text' THEN {TEXT_ROW} ELSE {JSON_ROW} END, NEW.old, NEW.new);
END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_rows {_APPEND_ONLY}
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_rows {_APPEND_ONLY}
CREATE TRIGGER audit_view_no_update INSTEAD OF UPDATE ON audit {_APPEND_ONLY}
CREATE TRIGGER audit_view_no_delete INSTEAD OF DELETE ON audit {_APPEND_ONLY}
CREATE TRIGGER names_no_update BEFORE UPDATE ON names {_APPEND_ONLY}
CREATE TRIGGER names_no_delete BEFORE DELETE ON names {_APPEND_ONLY}
CREATE TRIGGER stamps_no_update BEFORE UPDATE ON stamps {_APPEND_ONLY}
CREATE TRIGGER stamps_no_delete BEFORE DELETE ON stamps {_APPEND_ONLY}
"""

Migration = str | tuple[str | Callable[[sqlite3.Connection], None], ...]
_V11_COMPACT: Migration = (_V11_TABLES, _compact_audit, _V11_VIEWS)

MIGRATIONS: list[Migration] = [
    _V1,
    _V2,
    _V3,
    _V4,
    _V5_LOCKS,
    _V6_STORE,
    _V7_DISTRICT,
    _V8_RECEIPT,
    _V9_EMISSION,
    _V10_DISTRICT_VIEW,
    _V11_COMPACT,
]
SCHEMA_VERSION = len(MIGRATIONS)
AUDIT_VALUES_SINCE = MIGRATIONS.index(_V6_STORE) + 1  # audit rows hold JSON values from this version on
COMPACT_SINCE = MIGRATIONS.index(_V11_COMPACT) + 1  # figures and audit rows in figure_rows, audit_rows


def steps(migration: Migration) -> Iterator[str | Callable[[sqlite3.Connection], None]]:
    """The statements of a migration, and its conversions written in Python, in order."""
    for part in (migration,) if isinstance(migration, str) else migration:
        if isinstance(part, str):
            yield from split_sql(part)
        else:
            yield part


def run_migration(conn: sqlite3.Connection, migration: Migration) -> None:
    """One migration on a connection (inside the caller's transaction)."""
    for step in steps(migration):
        if isinstance(step, str):
            conn.execute(step)
        else:
            step(conn)


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN … END)."""
    statements, buffer = [], ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def upgrade(db: Database, upto: int, migrations: list[Migration] = MIGRATIONS) -> None:
    """The migrations from the file's version up to `upto`, one transaction each (the caller keeps a
    backup of an existing file first, unless it is itself a copy)."""
    current = db.user_version
    for version in range(current + 1, upto + 1):
        with db.transaction():
            if db.user_version >= version:  # another copy of the program upgraded it meanwhile
                continue
            run_migration(db.conn, migrations[version - 1])
            db.execute(f"PRAGMA user_version = {version}")
            if version == 1:  # a new file: its first audit row names this installation for good
                db.execute(
                    "INSERT INTO audit (at, who, action, new) VALUES (?, 'system', 'store.create', ?)",
                    (now_iso(), uuid.uuid4().hex),
                )
    if 0 < current < COMPACT_SINCE <= upto:  # the old rows' pages are free now: give them back to the disk
        db.execute("VACUUM")

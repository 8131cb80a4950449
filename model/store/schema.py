"""The schema as numbered migrations; `PRAGMA user_version` says how many a file has had.

Each migration runs in its own transaction. Old database files in tests/fixtures prove that they upgrade.
"""

from __future__ import annotations

import sqlite3

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

MIGRATIONS: list[str] = [
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
]
SCHEMA_VERSION = len(MIGRATIONS)
AUDIT_VALUES_SINCE = MIGRATIONS.index(_V6_STORE) + 1  # audit rows hold JSON values from this version on


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

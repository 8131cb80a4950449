import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from model.plan.spec import Plan, load_shipped_plan
from model.store.database import open_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_shipped_plan()


@pytest.fixture
def store(tmp_path):
    s = open_database(tmp_path / "tanbao.sqlite", write=True, create=True)
    yield s
    s.close()

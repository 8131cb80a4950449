"""Fixtures of the exchange tests: a district database and a unit ready to submit February."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from model.store.database import Store, open_database
from tests.unit_world import UnitDb, february_unit


@pytest.fixture
def district(tmp_path: Path) -> Iterator[Store]:
    """A district's database (the shipped plan), empty of packages."""
    store = open_database(tmp_path / "district.sqlite", write=True, create=True)
    yield store
    store.close()


@pytest.fixture
def fengjing(tmp_path: Path) -> Iterator[UnitDb]:
    unit = february_unit(tmp_path)
    yield unit
    unit.store.close()

import pytest

from model.store.database import open_database


@pytest.fixture
def district(tmp_path):
    """A district's database (the shipped plan), empty of packages."""
    store = open_database(tmp_path / "district.sqlite", write=True, create=True)
    yield store
    store.close()

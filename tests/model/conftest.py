import pytest

from model.store.database import Store


@pytest.fixture
def district(tmp_path):
    """A district's database (the shipped plan), empty of packages."""
    store = Store(tmp_path / "district.sqlite")
    yield store
    store.close()

"""Where the database lives: --db, TANBAO_DB, a `data` folder beside the standalone program, the user's folder."""

import sys

import pytest

from model.common.paths import DB_NAME, default_db_path, user_data_dir


@pytest.fixture
def standalone(monkeypatch, tmp_path):
    """Pretend to be the built program at tmp/TanBao/TanBao, with the per-user folder in tmp/home."""
    program = tmp_path / "TanBao"
    program.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program / "TanBao"))
    monkeypatch.delenv("TANBAO_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "home"))
    return program


def test_a_data_folder_beside_the_program_holds_the_database(standalone):
    (standalone / "data").mkdir()
    assert default_db_path() == (standalone / "data" / DB_NAME).resolve()


def test_without_a_data_folder_the_per_user_folder_is_used(standalone):
    assert default_db_path() == user_data_dir() / DB_NAME


def test_db_option_and_tanbao_db_still_come_first(standalone, monkeypatch, tmp_path):
    (standalone / "data").mkdir()
    assert default_db_path(str(tmp_path / "given.sqlite")) == tmp_path / "given.sqlite"
    monkeypatch.setenv("TANBAO_DB", str(tmp_path / "env.sqlite"))
    assert default_db_path() == tmp_path / "env.sqlite"


def test_from_source_a_data_folder_is_not_portable_mode(monkeypatch, tmp_path):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / "data").mkdir()
    monkeypatch.delenv("TANBAO_DB", raising=False)
    assert default_db_path() == user_data_dir() / DB_NAME

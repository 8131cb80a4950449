import pytest

import main


@pytest.fixture
def db(tmp_path, capsys):
    """An initialised database (only `init` and the window create one)."""
    path = str(tmp_path / "cli.sqlite")
    assert main.main(["--db", path, "init"]) == 0
    capsys.readouterr()
    return path


def run(capsys, db, *args):
    """`main.py --db DB ARGS…`: (exit code, stdout, stderr)."""
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err

"""The window opens on the default database with the shipped plan."""

from gui import app


def test_window_opens_on_a_new_database(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(app.QApplication, "exec", lambda self: shown.append(self.activeWindow()) or 0)
    assert app.run(str(tmp_path / "w.sqlite")) == 0
    assert (tmp_path / "w.sqlite").exists()

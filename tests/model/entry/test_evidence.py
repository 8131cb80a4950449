"""Evidence files travel with the database and are audited."""

import pytest

from model.common.errors import UserError
from model.entry.evidence import MAX_BYTES, attach, save_copy


def test_attach_list_save_and_remove(store, tmp_path):
    scan = tmp_path / "验收单.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    evidence_id = attach(store, "jinshan-2024", "fengjing", "2024-06", "A4-18", scan, who="王芳")
    (item,) = store.evidence.list("jinshan-2024", "fengjing", "A4-18")
    assert (item.file_name, item.size, item.added_by) == ("验收单.pdf", len(b"%PDF-1.4 scan"), "王芳")
    scan.unlink()  # the stored copy does not depend on the original
    out = save_copy(store, evidence_id, tmp_path / "copy.pdf")
    assert out.read_bytes() == b"%PDF-1.4 scan"
    store.evidence.remove(evidence_id, who="王芳")
    assert store.evidence.list("jinshan-2024", "fengjing") == []
    actions = [a.action for a in store.audit.entries(unit_id="fengjing")]
    assert actions == ["evidence.add", "evidence.remove"]


def test_refuses_missing_empty_and_huge_files(store, tmp_path):
    with pytest.raises(UserError, match="无法读取"):
        attach(store, "jinshan-2024", "fengjing", "2024-06", "A4-18", tmp_path / "nope.jpg", who="x")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="是空的"):
        attach(store, "jinshan-2024", "fengjing", "2024-06", "A4-18", empty, who="x")
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(UserError, match="超过"):
        attach(store, "jinshan-2024", "fengjing", "2024-06", "A4-18", huge, who="x")
    assert store.evidence.list("jinshan-2024", "fengjing") == []

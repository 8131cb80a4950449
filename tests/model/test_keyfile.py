"""Signing keys (issue 13, items 12 and 16): a key file cannot keep the program busy, new keys are made
with modern parameters and kept private, old keys still open."""

from __future__ import annotations

import os
import stat
import sys

import pytest
from asn1crypto import pkcs12

from model.common.errors import UserError
from model.reports import keyfile, signing
from model.store.backup import MANUAL, backup_now
from model.store.database import open_database
from tests import crafted
from tests.unit_world import PASSPHRASE

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture(scope="module")
def old_style_p12() -> bytes:
    """A key as this program made them before (cryptography's defaults: 20,000 rounds, MAC 2,048)."""
    return crafted.p12(*crafted.certificate())


@pytest.mark.parametrize("where", ["mac", "encrypted", "key"])
def test_a_key_file_asking_for_2_31_minus_1_rounds_is_refused_before_any_derivation(
    old_style_p12, tmp_path, where
):
    path = tmp_path / "slow.p12"
    path.write_bytes(crafted.with_iterations(old_style_p12, where, 2**31 - 1))
    with pytest.raises(UserError, match="2,147,483,647 次口令运算"):
        signing.load_key(path, PASSPHRASE)


def test_a_key_made_before_still_opens_and_signs(old_style_p12):
    key = signing.load_key(old_style_p12, PASSPHRASE)
    assert key.info.unit_id == "fengjing" and key.signer.signing_cert is not None


def test_a_new_key_uses_pbes2_aes256_a_sha256_mac_and_600000_rounds():
    raw = signing.new_key("fengjing", "枫泾镇人民政府", PASSPHRASE)
    pfx = pkcs12.Pfx.load(raw)
    assert pfx["mac_data"]["mac"]["digest_algorithm"]["algorithm"].native == "sha256"
    assert pfx["mac_data"]["iterations"].native >= 600_000
    shrouded = []
    for part in pfx.authenticated_safe:
        assert part["content_type"].native == "data"  # the certificate is public: no second derivation
        for bag in pkcs12.SafeContents.load(part["content"].native):
            if bag["bag_id"].native == "pkcs8_shrouded_key_bag":
                shrouded.append(bag["bag_value"]["encryption_algorithm"])
    [algorithm] = shrouded
    assert algorithm["algorithm"].native == "pbes2" and algorithm.kdf == "pbkdf2"
    assert algorithm.kdf_hmac == "sha256" and algorithm.kdf_iterations >= 600_000
    assert algorithm.encryption_cipher == "aes" and algorithm.key_length == 32
    key = signing.load_key(raw, PASSPHRASE)
    assert key.info.unit_id == "fengjing"
    with pytest.raises(UserError, match="口令不对"):
        signing.load_key(raw, PASSPHRASE + "x")


def test_the_mac_is_checked_by_openssl_too(tmp_path):
    """The MAC key derivation (RFC 7292 B.2) is ours: a wrong one would make every new key unreadable
    elsewhere. cryptography (OpenSSL) refuses a file whose MAC does not match."""
    raw = bytearray(signing.new_key("fengjing", "枫泾镇人民政府", PASSPHRASE))
    pfx = pkcs12.Pfx.load(bytes(raw))
    digest = pfx["mac_data"]["mac"]["digest"].native
    at = bytes(raw).index(digest)
    raw[at] ^= 1
    with pytest.raises(UserError):
        signing.load_key(bytes(raw), PASSPHRASE)


@pytest.mark.parametrize("passphrase", ["", "short", "123456789"])
def test_a_passphrase_under_10_characters_is_refused(passphrase):
    with pytest.raises(UserError, match="至少用 10 个字符"):
        signing.new_key("fengjing", "枫泾镇人民政府", passphrase)


def test_the_bound_leaves_room_for_keys_made_here():
    assert keyfile.KDF_ROUNDS * 10 <= keyfile.MAX_ITERATIONS < 2**31


@posix_only
def test_databases_and_backups_are_the_users_alone(tmp_path):
    with open_database(tmp_path / "new.sqlite", write=True, create=True) as store:
        made = backup_now(store, MANUAL)
        for path in (tmp_path / "new.sqlite", made.path):
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


@posix_only
def test_an_existing_database_is_made_private_when_opened(tmp_path):
    path = tmp_path / "old.sqlite"
    open_database(path, write=True, create=True).close()
    os.chmod(path, 0o644)
    open_database(path, write=True).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

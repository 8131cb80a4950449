"""The PKCS#12 key file: written with modern parameters, and read only after its work is bounded.

Written: the private key in a PKCS#8 shrouded bag (PBES2: PBKDF2-HMAC-SHA256 with `KDF_ROUNDS` rounds,
AES-256-CBC), the certificate beside it in the clear (it is public, and encrypting it would cost a second
derivation at every opening), and a SHA-256 MAC whose key is derived with as many rounds — a MAC left at
OpenSSL's 2,048 rounds would let a stolen file's passphrase be guessed 300 times faster through the MAC.
`cryptography` cannot set the MAC's rounds, so the file is assembled here with asn1crypto.

Read: every iteration count a file asks for (its MAC, each encrypted part, each shrouded key, also those
inside an encrypted part) is checked against `MAX_ITERATIONS` before anything is derived from the
passphrase: a file asking for 2³¹ rounds would keep the program busy for tens of minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate

# Measured on the development machine (2 cores, shared): opening a key made with 600,000 rounds takes
# 0.15–0.3 s, 0.8 s at worst under load (one PBKDF2 for the key, one PKCS#12 derivation for the MAC);
# making one 1–1.5 s (the MAC's derivation runs in Python). OWASP 2023: ≥ 600,000 for SHA-256.
KDF_ROUNDS = 600_000
# Keys made here, by OpenSSL (2,048) and by Windows (2,000) stay well below; 2³¹ is refused at once.
MAX_ITERATIONS = 10_000_000


def _refuse_work(count: int) -> UserError:
    return UserError(
        translate(
            "keyfile",
            "密钥文件要求 {n} 次口令运算（正常不超过 {max} 次），打开它会让程序长时间无响应，可能是恶意构造的文件，已拒绝。请使用本单位或区里发放的密钥文件。",
        ).format(n=f"{count:,}", max=f"{MAX_ITERATIONS:,}")
    )


def _bounded(algorithm: Any) -> None:
    """The iteration count of a PBES1/PKCS#12-PBE/PBES2 algorithm identifier, refused beyond the bound."""
    try:
        count = int(algorithm.kdf_iterations)
    except Exception:  # scrypt or an algorithm asn1crypto does not know: cryptography refuses it too
        return
    if count > MAX_ITERATIONS:
        raise _refuse_work(count)


def _check_bags(contents: Any) -> None:
    for bag in contents:
        kind = bag["bag_id"].native
        if kind == "pkcs8_shrouded_key_bag":
            _bounded(bag["bag_value"]["encryption_algorithm"])
        elif kind == "safe_contents":
            _check_bags(bag["bag_value"])


def _decrypt_pbes2(algorithm: Any, data: bytes, passphrase: bytes) -> bytes | None:
    """The plaintext of PBES2 with PBKDF2 and AES (what keys made here and by OpenSSL 3 use), else None."""
    from cryptography.hazmat.primitives import hashes, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    if algorithm["algorithm"].native != "pbes2" or algorithm.kdf != "pbkdf2":
        return None
    if algorithm.encryption_cipher != "aes":
        return None
    prf = {"sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha512": hashes.SHA512()}.get(
        algorithm.kdf_hmac
    )
    if prf is None:
        return None
    key = PBKDF2HMAC(prf, algorithm.key_length, algorithm.kdf_salt, algorithm.kdf_iterations).derive(
        passphrase
    )
    decryptor = Cipher(algorithms.AES(key), modes.CBC(algorithm.encryption_iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:  # a wrong passphrase: cryptography says so
        return None


def check_work(raw: bytes, passphrase: str) -> None:
    """Refuse (UserError) a PKCS#12 asking for more than MAX_ITERATIONS anywhere, before the expensive
    derivations. A file that does not parse is left to cryptography, which says what is wrong with it.
    An encrypted part is opened here only once its own count passed (PBES2/AES: the others are legacy
    formats whose inner counts cannot be read without their ciphers)."""
    from asn1crypto import pkcs12

    try:
        pfx = pkcs12.Pfx.load(raw)
        mac = pfx["mac_data"]
        if mac.native is not None and int(mac["iterations"].native) > MAX_ITERATIONS:
            raise _refuse_work(int(mac["iterations"].native))
        parts = list(pfx.authenticated_safe)
    except UserError:
        raise
    except Exception:
        return
    for part in parts:
        try:
            kind = part["content_type"].native
            if kind == "data":
                _check_bags(pkcs12.SafeContents.load(part["content"].native))
            elif kind == "encrypted_data":
                info = part["content"]["encrypted_content_info"]
                _bounded(info["content_encryption_algorithm"])
                plain = _decrypt_pbes2(
                    info["content_encryption_algorithm"],
                    info["encrypted_content"].native,
                    passphrase.encode("utf-8"),
                )
                if plain is not None:
                    _check_bags(pkcs12.SafeContents.load(plain))
        except UserError:
            raise
        except Exception:  # a damaged part: cryptography refuses the file with its own reason
            continue


# ---- writing ------------------------------------------------------------------------------------


def _pkcs12_kdf_sha256(password: bytes, salt: bytes, iterations: int, purpose: int = 3) -> bytes:
    """RFC 7292 appendix B.2 with SHA-256, one 32-byte output block (the MAC key: purpose 3)."""
    v = 64

    def stretch(data: bytes) -> bytes:  # copies of `data` filling whole 64-byte blocks
        if not data:
            return b""
        size = v * ((len(data) + v - 1) // v)
        return (data * (size // len(data) + 1))[:size]

    bmp = password.decode("utf-8").encode("utf-16-be") + b"\x00\x00"
    block = hashlib.sha256(bytes([purpose]) * v + stretch(salt) + stretch(bmp)).digest()
    for _ in range(iterations - 1):
        block = hashlib.sha256(block).digest()
    return block


def write_pkcs12(private_key: Any, certificate: Any, passphrase: str, friendly_name: str) -> bytes:
    """A PKCS#12 with the parameters in the module docstring (readable by OpenSSL 1.1+ and Windows 10+)."""
    from asn1crypto import algos, cms, core, keys, pkcs12
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import hashes, padding, serialization
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    secret = passphrase.encode("utf-8")
    salt, iv = os.urandom(16), os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, KDF_ROUNDS).derive(secret)
    pkcs8 = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padder.update(pkcs8) + padder.finalize()) + encryptor.finalize()
    pbes2 = algos.EncryptionAlgorithm(
        {
            "algorithm": "pbes2",
            "parameters": {
                "key_derivation_func": {
                    "algorithm": "pbkdf2",
                    "parameters": {
                        "salt": core.OctetString(salt),
                        "iteration_count": KDF_ROUNDS,
                        "prf": {"algorithm": "sha256"},
                    },
                },
                "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
            },
        }
    )
    key_id = hashlib.sha1(
        certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).digest()
    attributes = [
        {"type": "local_key_id", "values": [key_id]},
        {"type": "friendly_name", "values": [friendly_name]},
    ]
    cert_der = certificate.public_bytes(serialization.Encoding.DER)
    bags = pkcs12.SafeContents(
        [
            {
                "bag_id": "pkcs8_shrouded_key_bag",
                "bag_value": keys.EncryptedPrivateKeyInfo(
                    {"encryption_algorithm": pbes2, "encrypted_data": sealed}
                ),
                "bag_attributes": attributes,
            },
            {
                "bag_id": "cert_bag",
                "bag_value": pkcs12.CertBag(
                    {"cert_id": "x509", "cert_value": asn1_x509.Certificate.load(cert_der)}
                ),
                "bag_attributes": attributes,
            },
        ]
    )
    safe = pkcs12.AuthenticatedSafe([{"content_type": "data", "content": core.OctetString(bags.dump())}])
    content = safe.dump()
    mac_salt = os.urandom(16)
    mac_key = _pkcs12_kdf_sha256(secret, mac_salt, KDF_ROUNDS)
    pfx = pkcs12.Pfx(
        {
            "version": "v3",
            "auth_safe": cms.ContentInfo({"content_type": "data", "content": core.OctetString(content)}),
            "mac_data": {
                "mac": {
                    "digest_algorithm": {"algorithm": "sha256"},
                    "digest": hmac.new(mac_key, content, hashlib.sha256).digest(),
                },
                "mac_salt": mac_salt,
                "iterations": KDF_ROUNDS,
            },
        }
    )
    return bytes(pfx.dump())

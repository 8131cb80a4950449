"""Crafted certificates, keys and packages for the district's door (issue 13); not a test module.

Everything here is made in the test, as a dishonest unit or a careless one would make it: certificates
out of their validity dates, with weak keys or hashes, naming one unit and claiming another, and PDFs
whose attached data is hostile.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from model.calc.report import ATTACHMENT_NAME
from model.reports import signing
from tests.unit_world import PASSPHRASE


def certificate(
    *,
    unit_id: str | None = "fengjing",
    name: str = "枫泾镇人民政府",
    organization: str | None = None,
    valid_from: timedelta = timedelta(days=-1),
    valid_for: timedelta = timedelta(days=365),
    rsa_bits: int | None = None,
    sha1: bool = False,
    ca: bool = False,
) -> tuple[Any, Any]:
    """(private key, certificate), self-signed, valid from now + `valid_from` for `valid_for`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key: Any = (
        rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
        if rsa_bits
        else ec.generate_private_key(ec.SECP256R1())
    )
    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization if organization is not None else name),
    ]
    if unit_id:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, unit_id))
    subject = x509.Name(attrs)
    start = datetime.now(UTC) + valid_from
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + valid_for)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, _claim_sha1(cert) if sha1 else cert


def _claim_sha1(cert: Any) -> Any:
    """The certificate re-labelled as signed with SHA-1 (this OpenSSL no longer signs with it; what the
    district must refuse is the label, whatever the bytes)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509

    parsed = asn1_x509.Certificate.load(cert.public_bytes(_der()))
    parsed["tbs_certificate"]["signature"] = {"algorithm": "sha1_ecdsa"}
    parsed["signature_algorithm"] = {"algorithm": "sha1_ecdsa"}
    return x509.load_der_x509_certificate(parsed.dump(force=True))


def _der() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.DER


def pem(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(cert.public_bytes(serialization.Encoding.PEM))


def p12(key: Any, cert: Any, passphrase: str = PASSPHRASE) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    return pkcs12.serialize_key_and_certificates(
        b"k", key, cert, None, serialization.BestAvailableEncryption(passphrase.encode())
    )


def blank_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "TanBao")
    page.save()
    return out.getvalue()


def signed_with(key: signing.SigningKey | None, data: bytes, pdf: bytes | None = None) -> bytes:
    """A PDF (`pdf`, else a blank page) carrying `data` as the report attachment, signed by `key` over the
    whole file (no checks of the key's dates: a dishonest unit does not run ours), or unsigned when `key`
    is None. A package the district is to accept must print its report: pass the rendered form as `pdf`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if key is None:
        return signing.attach_data(pdf or blank_pdf(), data, ATTACHMENT_NAME)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf or blank_pdf()))
    signing._embed(writer, data, ATTACHMENT_NAME, "")
    meta = signers.PdfSignatureMetadata(
        field_name=signing.SIGNATURE_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=key.signer).sign_pdf(writer, output=out)
    return out.getvalue()


def deep_json(levels: int = 200_000) -> bytes:
    return b'{"format": "tanbao-report", "x": ' + b"[" * levels + b"]" * levels + b"}"


def long_number_json(digits: int = 5_000) -> bytes:
    return b'{"format": "tanbao-report", "format_version": ' + b"7" * digits + b"}"


def with_iterations(raw: bytes, where: str, count: int) -> bytes:
    """A PKCS#12 asking for `count` rounds at `where`: "mac", "encrypted" (the encrypted part holding the
    certificate) or "key" (the shrouded key bag). Nothing else changes, so the file still parses."""
    from asn1crypto import core, pkcs12

    pfx = pkcs12.Pfx.load(raw)
    if where == "mac":
        pfx["mac_data"]["iterations"] = count
        return bytes(pfx.dump(force=True))
    safe = pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
    for part in safe:
        kind = part["content_type"].native
        if where == "encrypted" and kind == "encrypted_data":
            algorithm = part["content"]["encrypted_content_info"]["content_encryption_algorithm"]
            algorithm["parameters"]["key_derivation_func"]["parameters"]["iteration_count"] = count
        elif where == "key" and kind == "data":
            bags = pkcs12.SafeContents.load(part["content"].native)
            for bag in bags:
                if bag["bag_id"].native == "pkcs8_shrouded_key_bag":
                    algorithm = bag["bag_value"]["encryption_algorithm"]
                    algorithm["parameters"]["key_derivation_func"]["parameters"]["iteration_count"] = count
            part["content"] = core.OctetString(bags.dump(force=True))
    pfx["auth_safe"]["content"] = core.OctetString(safe.dump(force=True))
    return bytes(pfx.dump(force=True))

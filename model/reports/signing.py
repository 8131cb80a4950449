"""Signing keys, PAdES signatures with the report data inside, and verification — all offline (pyHanko).

A unit's key is a PKCS#12 file protected by a passphrase: made here (ECDSA P-256 by default, or RSA-2048)
with a self-signed certificate whose subject names the unit, or issued by the district. The district
trusts the certificates it was handed (PEM, identified by their SHA-256 fingerprint).

A signed report is the PDF with the report data attached as an embedded file, then signed (PAdES B-B) in
one incremental update, so the signature covers the data. `verify_pdf` accepts a file only when the
signature is intact, covers the entire file, the certificate is trusted and the data parses.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.common.errors import UserError
from model.common.i18n import translate

if TYPE_CHECKING:
    from cryptography import x509

ECDSA, RSA = "ecdsa", "rsa"
ALGORITHMS = (ECDSA, RSA)
SIGNATURE_FIELD = "TanBaoSignature"
# A received PDF's streams (a report is some hundreds of kilobytes): beyond these it is a stream bomb.
MAX_PDF_STREAM_BYTES = 32 * 2**20
MAX_PDF_DECODED_BYTES = 128 * 2**20
KEY_VALID_DAYS = 5 * 365 + 1
# The unit's id travels in the certificate subject as the LDAP userId attribute (0.9.2342.19200300.100.1.1).


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    common_name: str
    organization: str
    unit_id: str | None
    fingerprint_sha256: str
    not_before: str
    not_after: str
    algorithm: str


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: a 0-based page index and a rectangle in PDF points."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class SigningKey:
    """A loaded PKCS#12: pyHanko's signer and what the certificate says."""

    signer: Any
    certificate: Any  # cryptography x509.Certificate
    info: CertificateInfo


# ---- keys and certificates ----------------------------------------------------------------------


def _fingerprint(cert: x509.Certificate) -> str:
    from cryptography.hazmat.primitives import hashes

    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _attr(cert: x509.Certificate, oid: Any) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def certificate_info(cert: x509.Certificate) -> CertificateInfo:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key = cert.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        algorithm = f"ECDSA {key.curve.name}"
    elif isinstance(key, rsa.RSAPublicKey):
        algorithm = f"RSA-{key.key_size}"
    else:
        algorithm = type(key).__name__
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        common_name=_attr(cert, NameOID.COMMON_NAME),
        organization=_attr(cert, NameOID.ORGANIZATION_NAME),
        unit_id=_attr(cert, NameOID.USER_ID) or None,
        fingerprint_sha256=_fingerprint(cert),
        not_before=cert.not_valid_before_utc.astimezone().isoformat(timespec="seconds"),
        not_after=cert.not_valid_after_utc.astimezone().isoformat(timespec="seconds"),
        algorithm=algorithm,
    )


def new_key(
    unit_id: str,
    unit_full_name: str,
    passphrase: str,
    *,
    algorithm: str = ECDSA,
    district: str = "",
    valid_days: int = KEY_VALID_DAYS,
) -> bytes:
    """A new key pair and self-signed certificate naming the unit, as PKCS#12 bytes under `passphrase`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    if algorithm not in ALGORITHMS:
        raise UserError(
            translate("signing", "不支持的密钥算法“{a}”：请选 ecdsa（默认）或 rsa。").format(a=algorithm)
        )
    _check_new_passphrase(passphrase)
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    if algorithm == ECDSA:
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, unit_full_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, unit_full_name),
        x509.NameAttribute(NameOID.USER_ID, unit_id),
    ]
    if district:
        attrs.insert(2, x509.NameAttribute(NameOID.LOCALITY_NAME, district))
    name = x509.Name(attrs)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        unit_id.encode("utf-8"),
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def _check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < 6:
        raise UserError(translate("signing", "口令太短：请至少用 6 个字符，并妥善保管，丢失后无法找回。"))


def check_new_passphrase(passphrase: str) -> None:
    """The rules a new key's passphrase must meet (a UserError saying which), checked before anything
    is written so that the window can say it in the passphrase dialog."""
    _check_new_passphrase(passphrase)


def _read(source: bytes | str | Path, what: str) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise UserError(
            translate("signing", "无法读取{what} {path}：{err}。请检查路径。").format(
                what=what, path=source, err=exc.strerror or exc
            )
        ) from None


def load_key(source: bytes | str | Path, passphrase: str) -> SigningKey:
    """Open a PKCS#12 (made here or issued by the district). A wrong passphrase is a UserError."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    raw = _read(source, translate("signing", "密钥文件"))
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(raw, passphrase.encode("utf-8"))
    except ValueError:
        if not _looks_like_pkcs12(raw):
            raise UserError(
                translate(
                    "signing",
                    "{src} 不是 PKCS#12 密钥文件（.p12/.pfx），或已损坏、不完整。请选择本单位的密钥文件。",
                ).format(src=_name(source))
            ) from None
        raise UserError(
            translate(
                "signing", "密钥口令不对，无法打开 {src}。请重新输入口令（注意大小写和输入法）。"
            ).format(src=_name(source))
        ) from None
    if key is None or cert is None:
        raise UserError(
            translate("signing", "{src} 中没有私钥或证书，不能用来签名。请选择本单位的密钥文件。").format(
                src=_name(source)
            )
        )
    signer = signers.SimpleSigner.load_pkcs12_data(raw, other_certs=[], passphrase=passphrase.encode("utf-8"))
    return SigningKey(signer=signer, certificate=cert, info=certificate_info(cert))


def _looks_like_pkcs12(raw: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        asn1_pkcs12.Pfx.load(raw).native  # noqa: B018  (parses the whole structure)
    except Exception:
        return False
    return True


def _name(source: bytes | str | Path) -> str:
    return translate("signing", "该文件") if isinstance(source, bytes) else str(source)


def key_certificate(source: bytes | str | Path, passphrase: str) -> tuple[str, CertificateInfo]:
    """The key's certificate as PEM (for the district) and what it says."""
    from cryptography.hazmat.primitives import serialization

    key = load_key(source, passphrase)
    pem = key.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return pem, key.info


def load_certificates(pems: Iterable[str | bytes]) -> list[x509.Certificate]:
    """PEM (one or more per item) or DER certificates; a UserError names what could not be read."""
    from cryptography import x509

    certs: list[x509.Certificate] = []
    for item in pems:
        raw = item.encode("ascii", "replace") if isinstance(item, str) else item
        try:
            if b"-----BEGIN CERTIFICATE-----" in raw:
                certs.extend(x509.load_pem_x509_certificates(raw))
            else:
                certs.append(x509.load_der_x509_certificate(raw))
        except ValueError:
            raise UserError(
                translate(
                    "signing",
                    "无法读取受信任证书：内容不是 PEM 或 DER 格式的 X.509 证书。请让填报单位重新导出证书。",
                )
            ) from None
    return certs


# ---- signing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachedFile:
    """A file carried inside the PDF besides the report data (an evidence file)."""

    name: str
    data: bytes
    description: str = ""


def attach_data(
    pdf: bytes, data: bytes, name: str, description: str = "", files: Sequence[AttachedFile] = ()
) -> bytes:
    """The PDF with `data` (and `files`) as embedded files (an incremental update; for unsigned exports)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _embed(writer, data, name, description)
    for f in files:
        _embed(writer, f.data, f.name, f.description)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _embed(writer: Any, data: bytes, name: str, description: str) -> None:
    import mimetypes

    from pyhanko.pdf_utils import embed

    mime = "application/json" if name.endswith(".json") else mimetypes.guess_type(name)[0]
    ef = embed.EmbeddedFileObject.from_file_data(
        writer,
        data=data,
        mime_type=mime or "application/octet-stream",
        params=embed.EmbeddedFileParams(creation_date=datetime.now().astimezone()),
    )
    embed.embed_file(
        writer,
        embed.FileSpec(file_spec_string=name, file_name=name, embedded_data=ef, description=description),
    )


class _SubsetFontFactory:
    """pyHanko font factory over an in-memory pre-subset font (see model.reports.fonts.font_subset)."""

    def __init__(self, font: bytes, size: int) -> None:
        self.font = font
        self.size = size

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer, font_handle=io.BytesIO(self.font), font_size=self.size, obj_stream=obj_stream
        )


def _stamp_time(when: datetime) -> str:
    offset = when.strftime("%z")  # +0800
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{when:%Y-%m-%d %H:%M:%S} {zone}".strip()


def stamp_lines(signer_name: str, unit_name: str, when: datetime, fingerprint: str) -> list[str]:
    return [
        translate("signing", "数字签名"),
        translate("signing", "签名人：{name}").format(name=signer_name),
        translate("signing", "单位：{unit}").format(unit=unit_name),
        translate("signing", "时间：{t}").format(t=_stamp_time(when)),
        translate("signing", "证书指纹：{fp}").format(fp=fingerprint.replace(":", "")[:16] + "…"),
    ]


def sign_pdf(
    pdf: bytes,
    key: SigningKey,
    *,
    data: bytes,
    data_name: str,
    box: SignatureBox,
    signer_name: str,
    unit_name: str,
    unit_id: str | None = None,
    reason: str = "",
    when: datetime | None = None,
    files: Sequence[AttachedFile] = (),
) -> bytes:
    """Attach `data` (and `files`) and sign the whole PDF (PAdES B-B) with a visible stamp in `box`:
    the signature covers the attachments too."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    from model.reports.fonts import font_subset

    info = key.info
    if unit_id and info.unit_id and info.unit_id != unit_id:
        raise UserError(
            translate(
                "signing", "这把密钥属于“{owner}”，不能为“{unit}”签名。请选择本单位的密钥文件。"
            ).format(owner=info.organization or info.common_name, unit=unit_name)
        )
    now = datetime.now(UTC)
    cert = key.certificate
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise UserError(
            translate(
                "signing",
                "密钥证书已过期或尚未生效（有效期 {a} 至 {b}）。请新建密钥，或向发放证书的单位申请新的证书。",
            ).format(a=info.not_before[:10], b=info.not_after[:10])
        )
    when = (when or datetime.now()).astimezone()
    lines = stamp_lines(signer_name, unit_name, when, info.fingerprint_sha256)
    text = "\n".join(lines)
    height = box.y2 - box.y1
    font_size = max(5, min(9, int(height / (len(lines) * 1.45 + 0.5))))
    style = TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(font=_SubsetFontFactory(font_subset(text), font_size)),  # type: ignore[arg-type]
        border_width=1,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason or None,
        location=unit_name,
    )
    spec = fields.SigFieldSpec(
        SIGNATURE_FIELD, on_page=box.page, box=(int(box.x1), int(box.y1), int(box.x2), int(box.y2))
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _embed(writer, data, data_name, translate("signing", "报表数据（签名覆盖）"))
    for f in files:
        _embed(writer, f.data, f.name, f.description)
    pdf_signer = signers.PdfSigner(meta, signer=key.signer, stamp_style=style, new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params={"text": text})
    return out.getvalue()


# ---- verifying -------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    path: str
    signed: bool = False
    signer: str = ""
    signer_unit: str = ""
    signer_unit_id: str | None = None
    fingerprint_sha256: str = ""
    signing_time: str | None = None
    intact: bool = False
    valid: bool = False
    covers_entire_file: bool = False
    trusted: bool = False
    data: dict[str, Any] | None = None
    data_summary: dict[str, Any] | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.signed
            and self.intact
            and self.valid
            and self.covers_entire_file
            and self.trusted
            and self.data is not None
            and not self.reasons
        )

    def to_dict(self, with_data: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not with_data:
            out.pop("data")
        out["ok"] = self.ok
        return out


def read_attachment(reader: Any, name: str) -> bytes | None:
    """The embedded file `name` of the PDF read by `reader` (a pyHanko PdfFileReader), or None."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == name:
            spec = names[i + 1].get_object()
            return bytes(spec["/EF"]["/F"].get_object().data)
    return None


def attached_files(pdf: bytes) -> list[AttachedFile]:
    """Every embedded file of a PDF (the report data and the evidence), in the order written; a file
    that cannot be read has none."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        out = []
        for i in range(0, len(names) - 1, 2):
            spec = names[i + 1].get_object()
            description = str(spec.get("/Desc", ""))
            out.append(AttachedFile(str(names[i]), bytes(spec["/EF"]["/F"].get_object().data), description))
        return out
    except (KeyError, TypeError, ValueError, PdfError):
        return []


def signature_name(pdf: bytes) -> str:
    """The name the (last) signature of a PDF gives for its signer; empty when there is none."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        return str(signatures[-1].sig_object.get("/Name", "")) if signatures else ""
    except (KeyError, TypeError, ValueError, PdfError):
        return ""


def verify_pdf(
    source: bytes | str | Path,
    trusted_cert_pems: Iterable[str | bytes] = (),
    *,
    data_name: str | None = None,
) -> VerifyResult:
    """Check a signed report: signature intact, covering the entire file, trusted signer, data readable.

    Never raises for a bad file: every failure is a reason (in Chinese) in the result. pyHanko bounds how
    much a stream may decompress to (a stream bomb fails instead of filling memory).
    """
    from model.calc.report import ATTACHMENT_NAME, parse_report_data, summarize_report_data

    path = "" if isinstance(source, bytes) else str(source)
    result = VerifyResult(path=path)
    raw = _read(source, translate("signing", "文件"))
    trusted = load_certificates(trusted_cert_pems)
    several = False
    try:
        status, several, reader = _validate(raw, trusted)
    except _NoSignature:
        result.reasons.append(
            translate(
                "signing", "文件没有数字签名：只有经过签名的报表才能被接收。请让填报单位签名后重新报送。"
            )
        )
        status, reader = None, _try_reader(raw)
    except Exception:
        result.reasons.append(
            translate("signing", "文件已损坏或不是 PDF，无法检查签名。请让填报单位重新发送原文件。")
        )
        return result
    if status is not None:
        _fill_status(result, status, several, trusted)
    if reader is not None and (status is None or result.intact):
        try:
            attachment = read_attachment(reader, data_name or ATTACHMENT_NAME)
        except Exception:  # a damaged or crafted attachment: pyHanko bounds what it decompresses
            result.reasons.append(
                translate(
                    "signing",
                    "文件中附带的报表数据已损坏或大得异常（可能是恶意构造的文件），无法读取。请让填报单位重新发送原文件。",
                )
            )
            return result
        if attachment is None:
            result.reasons.append(
                translate("signing", "文件中没有附带报表数据，无法导入。请用 TanBao 重新导出报表。")
            )
        else:
            try:
                result.data = parse_report_data(attachment)
                result.data_summary = summarize_report_data(result.data)
            except UserError as exc:
                result.reasons.append(exc.message)
    return result


class _NoSignature(Exception):
    pass


def _pdf_reader(raw: bytes) -> Any:
    """pyHanko's reader for a file someone handed us: no stream may decompress to more than
    `MAX_PDF_STREAM_BYTES`, nor all of them together to more than `MAX_PDF_DECODED_BYTES` (or 100 times
    the file's size, when that is more)."""
    from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
    from pyhanko.pdf_utils.reader import PdfFileReader

    limits = DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=MAX_PDF_STREAM_BYTES),
        document_budget=DocumentDecodeBudget(base_allowance=MAX_PDF_DECODED_BYTES),
    )
    return PdfFileReader(io.BytesIO(raw), strict=False, decode_limits=limits)


def _try_reader(raw: bytes) -> Any:
    try:
        return _pdf_reader(raw)
    except Exception:
        return None


def _validate(raw: bytes, trusted: list[x509.Certificate]) -> tuple[Any, bool, Any]:
    import logging

    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = _pdf_reader(raw)
    signatures = reader.embedded_signatures
    if not signatures:
        raise _NoSignature
    roots = _anchors([c.public_bytes(serialization.Encoding.DER) for c in trusted], signatures[-1])
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    # pyHanko logs every untrusted or tampered signature as an error with a traceback; the result says it.
    quiet = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in quiet]
    for lg in quiet:
        lg.setLevel(logging.CRITICAL)
    try:
        status = validate_pdf_signature(signatures[-1], context)
    finally:
        for lg, level in zip(quiet, levels, strict=True):
            lg.setLevel(level)
    return status, len(signatures) > 1, reader  # a TanBao report carries exactly one signature


def _anchors(trusted_der: list[bytes], signature: Any) -> list[Any]:
    """The trusted certificates a path from this signature can end at: those whose subject is the subject
    or issuer of a certificate the signature carries (pyHanko compares names the same way). pyHanko indexes
    every root it is given for each signature, about 1 ms each: a district trusting 300 units spent 0.34 s
    a package on it."""
    from asn1crypto import x509 as asn1_x509

    try:
        carried = [signature.signer_cert, *signature.other_embedded_certs]
        names = {name.hashable for cert in carried for name in (cert.subject, cert.issuer)}
    except Exception:  # no readable certificate: pyHanko says why with every root given
        return [asn1_x509.Certificate.load(der) for der in trusted_der]
    return [asn1_x509.Certificate.load(der) for der in trusted_der if _subject_key(der) in names]


@lru_cache(maxsize=4096)
def _subject_key(der: bytes) -> str:
    from asn1crypto import x509 as asn1_x509

    return str(asn1_x509.Certificate.load(der).subject.hashable)


def _fill_status(result: VerifyResult, status: Any, several: bool, trusted: list[x509.Certificate]) -> None:
    from cryptography import x509 as pyca_x509
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    result.signed = True
    cert = pyca_x509.load_der_x509_certificate(status.signing_cert.dump())
    info = certificate_info(cert)
    result.signer = info.common_name
    result.signer_unit = info.organization
    result.signer_unit_id = info.unit_id
    result.fingerprint_sha256 = info.fingerprint_sha256
    if status.signer_reported_dt is not None:
        result.signing_time = status.signer_reported_dt.astimezone().isoformat(timespec="seconds")
    result.intact = bool(status.intact)
    result.valid = bool(status.intact and status.valid)
    result.covers_entire_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and not several
    # The path ends at one of the given certificates: the unit's own (self-signed) or the district's CA.
    result.trusted = bool(status.trusted)
    if several:
        result.reasons.append(translate("signing", "文件中有多个签名，不是 TanBao 生成的报表。"))
    if not result.intact:
        result.reasons.append(
            translate("signing", "签名后文件内容被改动过（签名不完整）。请让填报单位重新发送原文件。")
        )
    elif not result.valid:
        result.reasons.append(translate("signing", "签名无效：签名值与证书不符。请让填报单位重新签名。"))
    if result.intact and not result.covers_entire_file:
        result.reasons.append(
            translate(
                "signing", "签名没有覆盖整个文件：签名之后又被追加或修改了内容。请让填报单位重新发送原文件。"
            )
        )
    if not result.trusted:
        if not trusted:
            result.reasons.append(
                translate(
                    "signing",
                    "没有提供受信任的证书，无法确认签名人（证书指纹 {fp}）。请用 --trust 指定该单位的证书。",
                ).format(fp=info.fingerprint_sha256)
            )
        else:
            result.reasons.append(
                translate(
                    "signing", "签名证书不受信任（证书指纹 {fp}）。请核实后再把该单位的证书加入受信任列表。"
                ).format(fp=info.fingerprint_sha256)
            )

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import fingerprint_groups, shown
from model.reports.keyfile import check_work, write_pkcs12

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
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    if algorithm not in ALGORITHMS:
        raise UserError(
            translate("signing", "不支持的密钥算法“{a}”：请选 ecdsa（默认）或 rsa。").format(a=algorithm)
        )
    check_new_passphrase(passphrase)
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
    return write_pkcs12(key, cert, passphrase, unit_id)


MIN_PASSPHRASE = 10


def check_new_passphrase(passphrase: str) -> None:
    """A new key's passphrase: at least MIN_PASSPHRASE characters (checked before anything is written)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(
            translate(
                "signing", "口令太短：请至少用 {n} 个字符（可以是一句好记的话），并妥善保管，丢失后无法找回。"
            ).format(n=MIN_PASSPHRASE)
        )


MAX_KEY_BYTES = 1 * 2**20  # a PKCS#12 is a few KB
MAX_PACKAGE_BYTES = 64 * 2**20  # a signed report with its fonts is well under 1 MB


def _read(source: bytes | str | Path, what: str, limit: int) -> bytes:
    from model.safety.files import read_bounded

    if isinstance(source, bytes):
        if len(source) > limit:
            raise UserError(
                translate("signing", "{what}超过 {mb} MB 的上限，没有读取。").format(
                    what=what, mb=limit // 2**20
                )
            )
        return source
    try:
        return read_bounded(source, limit, what)
    except OSError as exc:
        raise UserError(
            translate("signing", "无法读取{what} {path}：{err}。请检查路径。").format(
                what=what, path=shown(source), err=exc.strerror or exc
            )
        ) from None


def load_key(source: bytes | str | Path, passphrase: str) -> SigningKey:
    """Open a PKCS#12 (made here or issued by the district). A wrong passphrase is a UserError."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    raw = _read(source, translate("signing", "密钥文件"), MAX_KEY_BYTES)
    check_work(raw, passphrase)  # before any derivation: a file may ask for 2³¹ rounds
    try:
        key, cert, others = pkcs12.load_key_and_certificates(raw, passphrase.encode("utf-8"))
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
    return SigningKey(signer=_signer(key, cert, others), certificate=cert, info=certificate_info(cert))


def _signer(key: Any, cert: x509.Certificate, others: list[x509.Certificate]) -> Any:
    """pyHanko's signer over the key already opened (its load_pkcs12_data would derive everything again)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = serialization.Encoding.DER
    private = key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return signers.SimpleSigner(
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in others]
        ),
    )


def _looks_like_pkcs12(raw: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        asn1_pkcs12.Pfx.load(raw).native  # noqa: B018  (parses the whole structure)
    except Exception:
        return False
    return True


def _name(source: bytes | str | Path) -> str:
    return translate("signing", "该文件") if isinstance(source, bytes) else shown(source)


def key_certificate(source: bytes | str | Path, passphrase: str) -> tuple[str, CertificateInfo]:
    """The key's certificate as PEM (for the district) and what it says."""
    from cryptography.hazmat.primitives import serialization

    key = load_key(source, passphrase)
    pem = key.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return pem, key.info


def load_certificates(pems: Iterable[str | bytes]) -> list[x509.Certificate]:
    """PEM (one or more per item) or DER certificates; a UserError names what could not be read."""
    certs: list[x509.Certificate] = []
    for item in pems:
        certs.extend(_certificates(item.encode("ascii", "replace") if isinstance(item, str) else item))
    return certs


@lru_cache(maxsize=4096)
def _certificates(raw: bytes) -> tuple[x509.Certificate, ...]:
    """One item's certificates, read once per process: an import checks every package against the same
    trusted certificates (a district trusting 300 units read them all again for each package)."""
    from cryptography import x509

    try:
        if b"-----BEGIN CERTIFICATE-----" in raw:
            return tuple(x509.load_pem_x509_certificates(raw))
        return (x509.load_der_x509_certificate(raw),)
    except ValueError:
        raise UserError(
            translate(
                "signing",
                "无法读取受信任证书：内容不是 PEM 或 DER 格式的 X.509 证书。请让填报单位重新导出证书。",
            )
        ) from None


@lru_cache(maxsize=4096)
def _der(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.DER)


MIN_RSA_BITS = 2048


def refuse_weak_or_invalid(cert: x509.Certificate, *, now: datetime | None = None) -> None:
    """A certificate the district may trust: a unit's own (not a CA), valid today, with a key and a hash
    that are not broken. Each refusal says which and what to do (UserError)."""
    from cryptography import x509 as pyca_x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, rsa

    info = certificate_info(cert)
    now = now or datetime.now(UTC)
    dates = translate("signing", "有效期 {a} 至 {b}").format(a=info.not_before[:10], b=info.not_after[:10])
    if now < cert.not_valid_before_utc:
        raise UserError(
            translate(
                "signing",
                "证书尚未生效（{dates}），未加入受信任列表。请生效后再加入，或让该单位核对电脑时间后重新生成。",
            ).format(dates=dates)
        )
    if now > cert.not_valid_after_utc:
        raise UserError(
            translate(
                "signing", "证书已过期（{dates}），未加入受信任列表。请让该单位新建密钥并重新导出证书。"
            ).format(dates=dates)
        )
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise UserError(
            translate(
                "signing",
                "证书的密钥太短（{alg}，至少应为 {n} 位），容易被伪造，未加入受信任列表。请让该单位新建密钥。",
            ).format(alg=info.algorithm, n=MIN_RSA_BITS)
        )
    try:
        digest = cert.signature_hash_algorithm
    except Exception:  # an algorithm cryptography does not know
        digest = None
    if isinstance(digest, hashes.SHA1 | hashes.MD5):
        raise UserError(
            translate(
                "signing",
                "证书使用已被攻破的 {hash} 摘要算法签发，未加入受信任列表。请让该单位新建密钥（SHA-256）。",
            ).format(hash=digest.name.upper())
        )
    try:
        is_ca = cert.extensions.get_extension_for_class(pyca_x509.BasicConstraints).value.ca
    except pyca_x509.ExtensionNotFound:
        is_ca = False
    if is_ca:
        raise UserError(
            translate(
                "signing",
                "这是发证机构（CA）的证书，不是某个单位的签名证书：信任它等于信任它签发的所有证书，未加入受信任列表。请加入单位自己的证书。",
            )
        )


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
            ).format(owner=shown(info.organization or info.common_name), unit=unit_name)
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
    certificate_valid_at_signing: bool = False
    certificate_not_before: str = ""
    certificate_not_after: str = ""
    data: dict[str, Any] | None = None
    data_summary: dict[str, Any] | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def signature_sound(self) -> bool:
        """Signed once over the whole file, intact, by a trusted certificate valid when it signed."""
        return (
            self.signed
            and self.intact
            and self.valid
            and self.covers_entire_file
            and self.trusted
            and self.certificate_valid_at_signing
            and not self.reasons
        )

    @property
    def ok(self) -> bool:
        return self.signature_sound and self.data is not None and not self.reasons

    def to_dict(self, with_data: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not with_data:
            out.pop("data")
        out["ok"] = self.ok
        return out


def verification_lines(result: VerifyResult) -> list[str]:
    """What `verify` and 文件 → 验证报表… show, line by line (outside text escaped)."""

    def yes_no(value: bool) -> str:
        return translate("signing", "是") if value else translate("signing", "否")

    lines = [translate("signing", "文件：{path}").format(path=shown(result.path or "—"))]
    if result.signed:
        lines += [
            translate("signing", "签名人：{signer}（{unit}）").format(
                signer=shown(result.signer), unit=shown(result.signer_unit or "—")
            ),
            translate("signing", "证书 SHA-256 指纹：{fp}").format(
                fp=fingerprint_groups(result.fingerprint_sha256)
            ),
            translate("signing", "签名时间：{t}").format(t=result.signing_time or "—"),
            translate("signing", "签名完整：{v}").format(v=yes_no(result.intact and result.valid)),
            translate("signing", "覆盖整个文件：{v}").format(v=yes_no(result.covers_entire_file)),
            translate("signing", "签名时证书在有效期内：{v}（有效期 {a} 至 {b}）").format(
                v=yes_no(result.certificate_valid_at_signing),
                a=result.certificate_not_before[:10],
                b=result.certificate_not_after[:10],
            ),
            translate("signing", "证书受信任：{v}").format(v=yes_no(result.trusted)),
        ]
    s = result.data_summary
    if s:
        version = (
            translate("signing", "第 {v} 版").format(v=s["version"])
            if s["version"]
            else translate("signing", "未提交的导出件")
        )
        lines.append(
            translate(
                "signing", "报表数据：{unit}（{uid}）{period}，{version}，{n} 项数据，{p} 条检查提示"
            ).format(
                unit=shown(s["unit_name"]),
                uid=shown(s["unit_id"]),
                period=s["period"],
                version=version,
                n=s["figures"],
                p=s["problems"],
            )
        )
    lines.append(
        translate("signing", "结论：通过。") if result.ok else translate("signing", "结论：未通过。")
    )
    lines += [f"  - {reason}" for reason in result.reasons]
    return lines


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
    revoked: Mapping[str, str] | None = None,
) -> VerifyResult:
    """Check a signed report: signature intact, covering the entire file, trusted signer, data readable.

    Never raises for a bad file: every failure is a reason (in Chinese) in the result. pyHanko bounds how
    much a stream may decompress to (a stream bomb fails instead of filling memory). The attached data is
    read only once the signature is sound. `revoked` maps the fingerprints of certificates no longer
    trusted to when that was decided (a package signed with one is refused as such).
    """
    from model.calc.report import ATTACHMENT_NAME, parse_report_data, summarize_report_data

    path = "" if isinstance(source, bytes) else str(source)
    result = VerifyResult(path=shown(path))
    raw = _read(source, translate("signing", "文件"), MAX_PACKAGE_BYTES)
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
    if status is None:
        return result
    _fill_status(result, status, several, trusted, revoked or {})
    if not result.signature_sound:  # nothing inside a file is read before its signature is judged
        return result
    if reader is not None:
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
    """The file carries no signature field to validate."""


def _pdf_reader(raw: bytes) -> Any:
    """pyHanko's reader for a file someone handed us: no stream may decompress to more than
    `MAX_PDF_STREAM_BYTES`, nor all of them together to more than `MAX_PDF_DECODED_BYTES` (or 100 times
    the file's size, when that is more)."""
    from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
    from pyhanko.pdf_utils.reader import PdfFileReader

    from model.reports import hexstrings

    hexstrings.install()
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

    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = _pdf_reader(raw)
    signatures = reader.embedded_signatures
    if not signatures:
        raise _NoSignature
    roots = _anchors([_der(c) for c in trusted], signatures[-1])
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


def _fill_status(
    result: VerifyResult,
    status: Any,
    several: bool,
    trusted: list[x509.Certificate],
    revoked: Mapping[str, str],
) -> None:
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
    _judge_validity(result, cert, info, status.signer_reported_dt)
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
        fp = fingerprint_groups(info.fingerprint_sha256)
        if info.fingerprint_sha256 in revoked:
            result.reasons.append(
                translate(
                    "signing",
                    "签名证书已于 {at} 被撤销信任（证书指纹 {fp}），用它签名的文件一律拒收。请让该单位换用新密钥重新签名报送。",
                ).format(at=revoked[info.fingerprint_sha256][:10], fp=fp)
            )
        elif not trusted:
            result.reasons.append(
                translate(
                    "signing",
                    "没有受信任的证书，无法确认签名人（证书指纹 {fp}）。请先核实并把该单位的证书加入受信任列表。",
                ).format(fp=fp)
            )
        else:
            result.reasons.append(
                translate(
                    "signing",
                    "签名证书不受信任（{signer}，证书指纹 {fp}）。请与该单位电话核对指纹，确认后再把它的证书加入受信任列表。",
                ).format(signer=shown(info.organization or info.common_name or "—"), fp=fp)
            )


# A unit's clock may be a little off; a signing time further ahead than this is not believed.
CLOCK_SKEW = timedelta(hours=24)


def _judge_validity(
    result: VerifyResult, cert: x509.Certificate, info: CertificateInfo, signed_at: datetime | None
) -> None:
    """The certificate must have been valid when the package was signed (the time the signature states:
    a B-B signature has no timestamp; a time in the future is not believed)."""
    result.certificate_not_before, result.certificate_not_after = info.not_before, info.not_after
    now = datetime.now(UTC)
    when = signed_at or now
    if when > now + CLOCK_SKEW:
        result.reasons.append(
            translate(
                "signing", "签名时间 {t} 晚于今天，不可信。请让填报单位核对电脑时间后重新签名报送。"
            ).format(t=when.astimezone().isoformat(timespec="minutes"))
        )
        return
    if cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        result.certificate_valid_at_signing = True
        return
    state = (
        translate("signing", "尚未生效")
        if when < cert.not_valid_before_utc
        else translate("signing", "已过期")
    )
    result.reasons.append(
        translate(
            "signing",
            "签名时证书{state}（签名时间 {t}，证书有效期 {a} 至 {b}）。请让填报单位换用有效的证书重新签名报送。",
        ).format(
            state=state,
            t=when.astimezone().isoformat(timespec="minutes"),
            a=info.not_before[:10],
            b=info.not_after[:10],
        )
    )


class _NoNetwork:
    """Stands in for pyHanko's network clients in a process that only validates offline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("network access is not available in a package-checking process")


_NETWORK_MODULES = {
    "pyhanko.sign.timestamps.aiohttp_client": "HTTPTimeStamper",
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers": "AIOHttpFetcherBackend",
}


def load_offline_validation() -> None:
    """Import pyHanko's validation for a process that only checks packages (an import's worker). pyHanko
    imports its network clients, and aiohttp with them (about 0.1–0.4 s of each worker's start), although
    validation here never fetches (`allow_fetching=False`): in such a process they are stand-ins that refuse
    to be used. When pyHanko is already imported, or its modules name other clients, it is imported as is."""
    import sys
    import types

    if "pyhanko.sign" in sys.modules or any(name in sys.modules for name in _NETWORK_MODULES):
        return
    for name, client in _NETWORK_MODULES.items():
        stand_in = types.ModuleType(name)
        setattr(stand_in, client, _NoNetwork)
        sys.modules[name] = stand_in
    try:
        import pyhanko.sign.validation
    except ImportError:  # another pyHanko version: its own modules
        for name in [*_NETWORK_MODULES, *(n for n in sys.modules if n.startswith("pyhanko.sign"))]:
            sys.modules.pop(name, None)
        import pyhanko.sign.validation  # noqa: F401

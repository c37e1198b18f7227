"""From a mail's attachments to TextUnits: each one's type by name and magic bytes, then its text.

Executables, legacy Office files, unknown binary types and whatever a parser
fails on are refused here and text is decoded here; PDF and ZIP containers go to
documents.py. What cannot be read becomes a finding instead of a unit.
"""

from __future__ import annotations

from email.message import Message

from mailgate.mail.charsets import decode_text
from mailgate.policy.extract.documents import from_pdf, from_zip
from mailgate.policy.extract.located_text import Extracted, csv_marks, text_marks
from mailgate.policy.extract.unscannable import (
    ExtractLimits,
    Unscannable,
    executable,
    too_large,
    unscannable_finding,
)
from mailgate.policy.findings import Finding
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail
from mailgate.policy.units import TextUnit

EXECUTABLE_EXTENSIONS = (
    ".exe", ".bat", ".cmd", ".com", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".scr",
    ".msi", ".msp", ".ps1", ".psm1", ".jar", ".hta", ".cpl", ".dll", ".lnk", ".sh", ".app",
    ".apk", ".reg", ".pif",
)  # fmt: skip
EXECUTABLE_MAGIC = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!",
)  # fmt: skip
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_EXTENSIONS = (".txt", ".csv", ".tsv", ".text", ".log", ".md", ".json", ".xml", ".html", ".htm")


def _is_csv(attachment: OutgoingAttachment) -> str | None:
    name, ctype = attachment.filename.lower(), attachment.content_type.lower()
    if name.endswith(".tsv") or "tab-separated" in ctype:
        return "\t"
    if name.endswith(".csv") or ctype.startswith(("text/csv", "application/csv")):
        return ","
    return None


def _from_text(
    text: str, attachment: OutgoingAttachment, limits: ExtractLimits
) -> Extracted | Unscannable:
    if len(text) > limits.max_chars:
        return too_large(f"{limits.max_chars:,} characters")
    delimiter = _is_csv(attachment)
    return csv_marks(text, delimiter) if delimiter else text_marks(text)


def extract(
    attachment: OutgoingAttachment, limits: ExtractLimits | None = None
) -> Extracted | Unscannable:
    """The attachment's text with locations, or why it cannot be scanned."""
    limits = limits or ExtractLimits()
    name = attachment.filename.lower().strip().rstrip(".")
    if name.endswith(EXECUTABLE_EXTENSIONS):
        return executable()
    if attachment.text is not None:  # already extracted (the corpus gives text)
        return _from_text(attachment.text, attachment, limits)
    data = attachment.data
    if len(data) > limits.max_bytes:
        return too_large(f"{limits.max_bytes // (1024 * 1024)} MiB")
    try:
        return _by_content(data, attachment, limits)
    except Exception:  # untrusted input: any parser failure means "unreadable", never "clean"
        return Unscannable(
            "corrupt",
            "添付ファイルが壊れているか形式が正しくないため、内容を確認できません。保存し直して添付してください。",
            "The attachment is damaged or not in the format its name says, so it cannot be scanned. Save it again and re-attach it.",
        )


def _by_content(
    data: bytes, attachment: OutgoingAttachment, limits: ExtractLimits
) -> Extracted | Unscannable:
    if data.startswith(EXECUTABLE_MAGIC):
        return executable()
    if b"%PDF-" in data[:1024]:
        return from_pdf(data, limits)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return from_zip(data, limits)
    if data.startswith(OLE_MAGIC):
        return Unscannable(
            "legacy_office",
            "旧形式（.doc/.xls）またはパスワード付きの Office ファイルは内容を確認できません。パスワードを外し、.docx/.xlsx 形式で保存し直してください。",
            "Legacy (.doc/.xls) or password-protected Office files cannot be scanned. Remove the password and save as .docx/.xlsx.",
        )
    text = _as_text(data, attachment)
    if text is None:
        return Unscannable(
            "unknown_type",
            "この形式の添付ファイル（画像・圧縮ファイル等）は内容を確認できません。テキスト、CSV、PDF、Word（.docx）、Excel（.xlsx）で添付してください。",
            "Attachments of this type (images, archives, other binary files) cannot be scanned. Attach text, CSV, PDF, Word (.docx) or Excel (.xlsx) files.",
        )
    return _from_text(text, attachment, limits)


def _as_text(data: bytes, attachment: OutgoingAttachment) -> str | None:
    """Decoded text if the bytes are text; None for binary."""
    header = Message()
    header["Content-Type"] = attachment.content_type or "application/octet-stream"
    declared = header.get_content_charset()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    looks_textual = header.get_content_maintype() == "text" or attachment.filename.lower().endswith(
        TEXT_EXTENSIONS
    )
    if b"\x00" in data[:8192]:
        return None
    text, warning = decode_text(data, declared)
    if warning and warning.startswith("charset-replaced") and not looks_textual:
        return None  # undecodable bytes with no claim to be text: binary
    return text


def attachment_units(
    mail: OutgoingMail, limits: ExtractLimits | None = None
) -> tuple[list[TextUnit], list[Finding]]:
    """A TextUnit per readable attachment (for every rule), and a finding per unreadable one."""
    units, findings = [], []
    for attachment in mail.attachments:
        result = extract(attachment, limits)
        location = f"attachment:{attachment.filename}"
        if isinstance(result, Unscannable):
            findings.append(unscannable_finding(attachment, result))
        else:
            detail = {"filename": attachment.filename, "content_type": attachment.content_type}
            units.append(TextUnit(location, result.text, locate=result.locate, detail=detail))
    return units, findings

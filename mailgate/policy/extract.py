"""Attachment text for the policy: plain text, CSV, PDF, DOCX and XLSX, with locations.

Every rule scans attachments like the body, so each attachment becomes a
TextUnit whose `locate(offset)` names where a finding is ("row 3, column B",
"page 2", "Sheet1!B3"). What cannot be read in full is Unscannable and blocks:
encrypted PDF or ZIP, any other ZIP archive (nested archives cannot be checked
safely in depth), executables (by magic bytes or extension), legacy or
password-protected Office files, images and unknown binary types, corrupt files
and anything over the size, page or cell limits. An attachment is never let
through unread.
"""

from __future__ import annotations

import bisect
import io
import zipfile
from dataclasses import dataclass, field
from email.message import Message

from mailgate.mail.charsets import decode_text
from mailgate.policy.findings import Finding, Reason
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


@dataclass(frozen=True)
class ExtractLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 200
    max_cells: int = 200_000
    max_chars: int = 2_000_000
    # DOCX/XLSX are ZIP containers: refuse a "zip bomb" before inflating it.
    max_uncompressed_bytes: int = 64 * 1024 * 1024


@dataclass
class Extracted:
    text: str
    marks: list[tuple[int, str]] = field(default_factory=list)  # (offset, label), ascending

    def locate(self, offset: int) -> str:
        index = bisect.bisect_right([m[0] for m in self.marks], offset) - 1
        return self.marks[index][1] if index >= 0 else ""


@dataclass
class Unscannable:
    kind: str  # executable | archive | encrypted | legacy_office | unknown_type | corrupt | too_large | no_text
    reason_ja: str
    reason_en: str


def _unscannable(kind: str, ja: str, en: str) -> Unscannable:
    return Unscannable(kind, ja, en)


class _Builder:
    """Appends pieces of text and remembers where each labelled piece starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.marks: list[tuple[int, str]] = []
        self.size = 0

    def add(self, text: str, label: str, end: str = "\n") -> None:
        self.marks.append((self.size, label))
        self.parts.append(text + end)
        self.size += len(text) + len(end)

    def done(self) -> Extracted:
        return Extracted("".join(self.parts), self.marks)


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column names, as staff know them)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def text_marks(text: str) -> Extracted:
    marks, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        marks.append((offset, f"line {number}"))
        offset += len(line) + 1
    return Extracted(text, marks)


def csv_marks(text: str, delimiter: str = ",") -> Extracted:
    """Row/column of every cell, found by walking the text (csv.reader gives no offsets)."""
    marks: list[tuple[int, str]] = []
    row, col, quoted, cell_start = 1, 0, False, True
    for offset, char in enumerate(text):
        if cell_start:
            marks.append((offset, f"row {row}, column {_column(col)}"))
            cell_start = False
        if char == '"':
            quoted = not quoted
        elif not quoted and char == delimiter:
            col, cell_start = col + 1, True
        elif not quoted and char == "\n":
            row, col, cell_start = row + 1, 0, True
    return Extracted(text, marks)


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
        return _too_large(f"{limits.max_chars:,} characters")
    delimiter = _is_csv(attachment)
    return csv_marks(text, delimiter) if delimiter else text_marks(text)


def _too_large(what: str) -> Unscannable:
    return _unscannable(
        "too_large",
        f"添付ファイルが大きすぎるため（上限 {what}）内容を確認できません。分割するか、必要な部分だけを添付してください。",
        f"The attachment is too large to scan (limit {what}). Split it or attach only the part needed.",
    )


def extract(
    attachment: OutgoingAttachment, limits: ExtractLimits | None = None
) -> Extracted | Unscannable:
    """The attachment's text with locations, or why it cannot be scanned."""
    limits = limits or ExtractLimits()
    name = attachment.filename.lower().strip().rstrip(".")
    if name.endswith(EXECUTABLE_EXTENSIONS):
        return _executable()
    if attachment.text is not None:  # already extracted (the corpus gives text)
        return _from_text(attachment.text, attachment, limits)
    data = attachment.data
    if len(data) > limits.max_bytes:
        return _too_large(f"{limits.max_bytes // (1024 * 1024)} MiB")
    try:
        return _by_content(data, attachment, limits)
    except Exception:  # untrusted input: any parser failure means "unreadable", never "clean"
        return _unscannable(
            "corrupt",
            "添付ファイルが壊れているか形式が正しくないため、内容を確認できません。保存し直して添付してください。",
            "The attachment is damaged or not in the format its name says, so it cannot be scanned. Save it again and re-attach it.",
        )


def _by_content(
    data: bytes, attachment: OutgoingAttachment, limits: ExtractLimits
) -> Extracted | Unscannable:
    if data.startswith(EXECUTABLE_MAGIC):
        return _executable()
    if b"%PDF-" in data[:1024]:
        return _pdf(data, limits)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_container(data, limits)
    if data.startswith(OLE_MAGIC):
        return _unscannable(
            "legacy_office",
            "旧形式（.doc/.xls）またはパスワード付きの Office ファイルは内容を確認できません。パスワードを外し、.docx/.xlsx 形式で保存し直してください。",
            "Legacy (.doc/.xls) or password-protected Office files cannot be scanned. Remove the password and save as .docx/.xlsx.",
        )
    text = _as_text(data, attachment)
    if text is None:
        return _unscannable(
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


def _pdf(data: bytes, limits: ExtractLimits) -> Extracted | Unscannable:
    from pypdf import PdfReader  # imported here: only mail with a PDF pays for it

    reader = PdfReader(io.BytesIO(data))
    # An owner-password-only PDF opens with the empty user password and is readable.
    if reader.is_encrypted and not reader.decrypt(""):
        return _encrypted("PDF")
    if len(reader.pages) > limits.max_pages:
        return _too_large(f"{limits.max_pages} pages")
    builder = _Builder()
    for number, page in enumerate(reader.pages, start=1):
        builder.add(page.extract_text() or "", f"page {number}")
        if builder.size > limits.max_chars:
            return _too_large(f"{limits.max_chars:,} characters")
    return _require_text(builder.done())


def _zip_container(data: bytes, limits: ExtractLimits) -> Extracted | Unscannable:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        office = "word/document.xml" in names or "xl/workbook.xml" in names
        if any(member.flag_bits & 0x1 for member in members):
            return _encrypted("ZIP")
        if not office:
            return _unscannable(
                "archive",
                "ZIP などの圧縮ファイルは中身を安全に確認できないため添付できません。ファイルを圧縮せずに直接添付してください。",
                "ZIP archives cannot be scanned safely in depth. Attach the files themselves, uncompressed.",
            )
        if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
            return _too_large(f"{limits.max_uncompressed_bytes // (1024 * 1024)} MiB uncompressed")
    if "word/document.xml" in names:
        return _require_text(_docx(data, limits))
    return _xlsx(data, limits)


def _docx(data: bytes, limits: ExtractLimits) -> Extracted:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    builder, paragraph, table_number = _Builder(), 0, 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            table_number += 1
            for r, row in enumerate(block.rows, start=1):
                seen: set[int] = set()
                for c, cell in enumerate(row.cells):
                    if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                        continue
                    seen.add(id(cell._tc))
                    builder.add(cell.text, f"table {table_number}, row {r}, column {_column(c)}")
        else:
            paragraph += 1
            builder.add(block.text, f"paragraph {paragraph}")
    for number, section in enumerate(document.sections, start=1):
        for part, label in ((section.header, "header"), (section.footer, "footer")):
            for block in part.paragraphs:
                builder.add(block.text, f"{label} (section {number})")
    return builder.done()


def _xlsx(data: bytes, limits: ExtractLimits) -> Extracted | Unscannable:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    builder, cells = _Builder(), 0
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or str(value).strip() == "":
                        continue
                    cells += 1
                    if cells > limits.max_cells:
                        return _too_large(f"{limits.max_cells:,} cells")
                    builder.add(str(value), f"{sheet.title}!{cell.coordinate}", end="\t")
                builder.parts.append("\n")
                builder.size += 1
    finally:
        workbook.close()
    return builder.done()


def _require_text(extracted: Extracted) -> Extracted | Unscannable:
    """A document without any text layer (a scan, a picture) hides its content from us."""
    if extracted.text.strip():
        return extracted
    return _unscannable(
        "no_text",
        "文字情報を含まない（画像として保存された）文書のため、内容を確認できません。文字を含む形式で保存し直してください。",
        "The document has no text layer (it is an image or a scan), so it cannot be scanned. Save it with its text.",
    )


def _encrypted(kind: str) -> Unscannable:
    return _unscannable(
        "encrypted",
        f"パスワード付き（暗号化された）{kind} は内容を確認できないため添付できません。パスワードを外して添付してください。",
        f"Password-protected (encrypted) {kind} files cannot be scanned. Remove the password and attach the file again.",
    )


def _executable() -> Unscannable:
    return _unscannable(
        "executable",
        "実行ファイル・スクリプトは添付できません。",
        "Executable files and scripts may not be attached.",
    )


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


def unscannable_finding(attachment: OutgoingAttachment, result: Unscannable) -> Finding:
    return Finding(
        rule="attachments",
        reason=Reason.UNSCANNABLE_ATTACHMENT,
        entity_type="ATTACHMENT",
        location=f"attachment:{attachment.filename}",
        explanation_ja=f"添付ファイル「{attachment.filename}」：{result.reason_ja}",
        explanation_en=f"Attachment '{attachment.filename}': {result.reason_en}",
        detail={"kind": result.kind, "filename": attachment.filename},
    )

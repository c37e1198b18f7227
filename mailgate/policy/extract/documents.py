"""Text of PDF, DOCX and XLSX attachments, or why not: encrypted, oversized, an archive, no text."""

from __future__ import annotations

import io
import zipfile

from mailgate.policy.extract.located_text import Extracted, TextBuilder, column_name
from mailgate.policy.extract.unscannable import ExtractLimits, Unscannable, encrypted, too_large


def from_pdf(data: bytes, limits: ExtractLimits) -> Extracted | Unscannable:
    """Each page's text layer, labelled "page N"."""
    from pypdf import PdfReader  # imported here: only mail with a PDF pays for it

    reader = PdfReader(io.BytesIO(data))
    # An owner-password-only PDF opens with the empty user password and is readable.
    if reader.is_encrypted and not reader.decrypt(""):
        return encrypted("PDF")
    if len(reader.pages) > limits.max_pages:
        return too_large(f"{limits.max_pages} pages")
    builder = TextBuilder()
    for number, page in enumerate(reader.pages, start=1):
        builder.add(page.extract_text() or "", f"page {number}")
        if builder.size > limits.max_chars:
            return too_large(f"{limits.max_chars:,} characters")
    return _require_text(builder.done())


def from_zip(data: bytes, limits: ExtractLimits) -> Extracted | Unscannable:
    """A DOCX or XLSX (both ZIP containers); any other ZIP is an archive and refused."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        office = "word/document.xml" in names or "xl/workbook.xml" in names
        if any(member.flag_bits & 0x1 for member in members):
            return encrypted("ZIP")
        if not office:
            return Unscannable(
                "archive",
                "ZIP などの圧縮ファイルは中身を安全に確認できないため添付できません。ファイルを圧縮せずに直接添付してください。",
                "ZIP archives cannot be scanned safely in depth. Attach the files themselves, uncompressed.",
            )
        if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
            return too_large(f"{limits.max_uncompressed_bytes // (1024 * 1024)} MiB uncompressed")
    if "word/document.xml" in names:
        return _require_text(_docx(data, limits))
    return _xlsx(data, limits)


def _docx(data: bytes, limits: ExtractLimits) -> Extracted:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    builder, paragraph, table_number = TextBuilder(), 0, 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            table_number += 1
            for r, row in enumerate(block.rows, start=1):
                seen: set[int] = set()
                for c, cell in enumerate(row.cells):
                    if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                        continue
                    seen.add(id(cell._tc))
                    builder.add(
                        cell.text, f"table {table_number}, row {r}, column {column_name(c)}"
                    )
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
    builder, cells = TextBuilder(), 0
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or str(value).strip() == "":
                        continue
                    cells += 1
                    if cells > limits.max_cells:
                        return too_large(f"{limits.max_cells:,} cells")
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
    return Unscannable(
        "no_text",
        "文字情報を含まない（画像として保存された）文書のため、内容を確認できません。文字を含む形式で保存し直してください。",
        "The document has no text layer (it is an image or a scan), so it cannot be scanned. Save it with its text.",
    )

"""Attachment text extraction: every format with locations, and every reason to refuse."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from mailgate.policy.extract.attachments import attachment_units, extract
from mailgate.policy.extract.located_text import Extracted, csv_marks
from mailgate.policy.extract.unscannable import ExtractLimits, Unscannable
from mailgate.policy.findings import Reason
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Secret page"]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_zip(files: dict[str, str], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    data = bytearray(buffer.getvalue())
    if encrypted:
        # The stdlib cannot write encrypted ZIPs; set the "encrypted" flag bit in the
        # local headers (offset 6) and the central directory (offset 8), as a ZipCrypto
        # or AES archive carries it.
        for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = data.find(signature)
            while start != -1:
                data[start + flag_offset] |= 0x01
                start = data.find(signature, start + 4)
    return bytes(data)


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("班長会のご案内")
    document.add_paragraph("連絡先は担当までお問い合わせください。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "氏名"
    table.cell(0, 1).text = "電話"
    table.cell(1, 0).text = "松井"
    table.cell(1, 1).text = "080-2222-3333"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名簿"
    sheet["A1"] = "氏名"
    sheet["B3"] = "070-4444-5555"
    second = workbook.create_sheet("集計")
    second["C2"] = 42
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def extracted(attachment: OutgoingAttachment, limits: ExtractLimits | None = None) -> Extracted:
    result = extract(attachment, limits)
    assert isinstance(result, Extracted), result
    return result


def where(result: Extracted, needle: str) -> str:
    return result.locate(result.text.index(needle))


def test_plain_text_in_shift_jis() -> None:
    data = "お知らせ\n連絡先：090-1111-2222\n".encode("cp932")
    result = extracted(OutgoingAttachment("memo.txt", "text/plain; charset=Shift_JIS", data))
    assert "090-1111-2222" in result.text
    assert where(result, "090") == "line 2"


def test_undeclared_euc_jp_text_is_guessed() -> None:
    data = "区民センターの利用について\n".encode("euc_jp")
    result = extracted(OutgoingAttachment("memo.txt", "text/plain", data))
    assert "区民センター" in result.text


def test_csv_bytes_and_given_text_have_cell_locations() -> None:
    text = '氏名,電話,備考\n今井,090-3333-4444,"班長, 会計"\n'
    from_bytes = extracted(OutgoingAttachment("list.csv", "text/csv", text.encode("utf-8")))
    from_text = extracted(OutgoingAttachment("list.csv", "text/csv", text=text))
    for result in (from_bytes, from_text):
        assert where(result, "090") == "row 2, column B"
        assert where(result, "会計") == "row 2, column C"  # the comma inside quotes is no separator
    assert from_text.text == text  # given text is used as is


def test_csv_columns_past_z() -> None:
    row = ",".join(str(i) for i in range(28))
    assert csv_marks(row).locate(len(row) - 2) == "row 1, column AB"


def test_pdf_pages() -> None:
    result = extracted(
        OutgoingAttachment("a.pdf", "application/pdf", make_pdf(["Hello", "Tel 090-5555-6666"]))
    )
    assert where(result, "Hello") == "page 1"
    assert where(result, "090-5555-6666") == "page 2"


def test_docx_paragraphs_and_tables() -> None:
    result = extracted(OutgoingAttachment("a.docx", "application/octet-stream", make_docx()))
    assert where(result, "班長会") == "paragraph 1"
    assert where(result, "080-2222-3333") == "table 1, row 2, column B"


def test_xlsx_sheet_and_cell() -> None:
    result = extracted(OutgoingAttachment("a.xlsx", "application/vnd.ms-excel", make_xlsx()))
    assert where(result, "070-4444-5555") == "名簿!B3"
    assert where(result, "42") == "集計!C2"


@pytest.mark.parametrize(
    ("attachment", "kind"),
    [
        (OutgoingAttachment("a.pdf", "application/pdf", encrypted_pdf()), "encrypted"),
        (OutgoingAttachment("a.zip", "application/zip", make_zip({"a.txt": "x"}, encrypted=True)), "encrypted"),
        (OutgoingAttachment("a.zip", "application/zip", make_zip({"a.txt": "x"})), "archive"),
        (OutgoingAttachment("setup.pdf", "application/pdf", b"MZ\x90\x00" + b"\x00" * 60), "executable"),
        (OutgoingAttachment("tool", "application/octet-stream", b"\x7fELF\x02\x01\x01" + b"\x00" * 9), "executable"),
        (OutgoingAttachment("run.BAT", "text/plain", b"echo hello"), "executable"),
        (OutgoingAttachment("macro.js", "text/plain", text="alert(1)"), "executable"),
        (OutgoingAttachment("photo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), "unknown_type"),
        (OutgoingAttachment("old.doc", "application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64), "legacy_office"),
        (OutgoingAttachment("broken.pdf", "application/pdf", b"%PDF-1.4\n garbage \x00\x01"), "corrupt"),
        (OutgoingAttachment("broken.docx", "application/octet-stream", make_zip({"word/document.xml": "<not xml"})), "corrupt"),
        (OutgoingAttachment("scan.pdf", "application/pdf", make_pdf([""])), "no_text"),
    ],
)  # fmt: skip
def test_unscannable(attachment: OutgoingAttachment, kind: str) -> None:
    result = extract(attachment)
    assert isinstance(result, Unscannable)
    assert result.kind == kind
    assert result.reason_ja and result.reason_en


def test_limits() -> None:
    pdf = OutgoingAttachment("a.pdf", "application/pdf", make_pdf(["one", "two", "three"]))
    assert isinstance(extract(pdf, ExtractLimits(max_pages=2)), Unscannable)
    assert isinstance(extract(pdf, ExtractLimits(max_pages=3)), Extracted)
    big = OutgoingAttachment("a.txt", "text/plain", b"x" * 2048)
    result = extract(big, ExtractLimits(max_bytes=1024))
    assert isinstance(result, Unscannable) and result.kind == "too_large"
    xlsx = OutgoingAttachment("a.xlsx", "", make_xlsx())
    assert isinstance(extract(xlsx, ExtractLimits(max_cells=2)), Unscannable)
    zipped = OutgoingAttachment("a.docx", "", make_docx())
    assert isinstance(extract(zipped, ExtractLimits(max_uncompressed_bytes=100)), Unscannable)


def test_attachment_units_for_every_rule() -> None:
    mail = OutgoingMail(
        subject="",
        body="",
        attachments=[
            OutgoingAttachment("名簿.csv", "text/csv", text="氏名,電話\n中野,090-7777-8888\n"),
            OutgoingAttachment("a.zip", "application/zip", make_zip({"a.txt": "x"})),
        ],
    )
    units, findings = attachment_units(mail)
    [unit] = units
    assert unit.location == "attachment:名簿.csv"
    assert unit.locate is not None and unit.locate(unit.text.index("090")) == "row 2, column B"
    [finding] = findings
    assert finding.reason is Reason.UNSCANNABLE_ATTACHMENT
    assert finding.location == "attachment:a.zip"
    assert "a.zip" in finding.explanation_ja and "ZIP" in finding.explanation_en

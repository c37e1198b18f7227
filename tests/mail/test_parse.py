"""parse_message on a corpus of real-world shaped messages, each with its expected stored result."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mailgate.mail import parse as parse_module
from mailgate.mail.headers import decode_header_value
from mailgate.mail.parse import ParsedMessage, html_to_text, parse_message

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
JST_10AM = datetime(2025, 2, 3, 1, 0, tzinfo=UTC)  # "Mon, 3 Feb 2025 10:00:00 +0900"
ATTACHED = "添付をご確認ください。"

# file name -> expected fields. "text" is exact; "contains" lists fragments of the text;
# "attachments" lists (filename, content_type); "warnings" is the exact list.
EXPECTED: dict[str, dict[str, Any]] = {
    "jis_body_subject.eml": {
        "subject": "住民票の写しについて",
        "from": ("山田 太郎", "taro.yamada@example.jp"),
        "to": ["juminka@city.example.lg.jp"],
        "text": "住民票の写しを1通請求したいのですが、\n手続きを教えてください。",
        "message_id": "<20250203100000.1234@example.jp>",
        "date": JST_10AM,
    },
    "sjis_cp932_body.eml": {
        "subject": "見積書の件",
        "from": ("鈴木 一郎", "ichiro@example.co.jp"),
        "text": "①見積書を送付します。㈱サンプル商事～一覧表～髙橋",
    },
    "eucjp_body.eml": {"subject": "ごみの収集日", "text": "ごみの収集日について教えてください。"},
    "utf8_8bit.eml": {
        "subject": "市役所へのご意見",
        "from": ("佐藤", "sato@example.jp"),
        "text": "こんにちは、市役所です。\n絵文字も届きます😀",
    },
    "utf8_base64.eml": {
        "subject": "年金の手続き",
        "text": "基礎年金番号の変更について\n窓口は2階です。",
    },
    "utf8_qp.eml": {"subject": "転入届", "text": "転入届の提出期限は引っ越しから14日以内です。"},
    "subject_split_words.eml": {"subject": "保育園の入園申込みに関するお問い合わせ"},
    "subject_jis_split.eml": {"subject": "介護保険料の納付方法"},
    "subject_mixed_charsets.eml": {"subject": "申請受付 No.12 （確認）café"},
    "raw_utf8_header.eml": {
        "subject": "騒音についての相談",
        "from": ("高橋 花子", "hanako@example.jp"),
        "text": "夜間の工事の音がうるさいです。",
        "warnings": ["raw-8bit-header", "charset-fallback: none -> utf-8"],
    },
    "raw_sjis_header.eml": {
        "subject": "申請書の様式について（一覧表）",
        "from": ("表 ソラ", "sora@example.jp"),
        "text": "一覧表を添付します。",
        "warnings": ["raw-8bit-header", "charset-fallback: none -> cp932"],
    },
    "raw_jis_subject.eml": {
        "subject": "道路の補修のお願い",
        "from": ("伊藤", "ito@example.jp"),
        "text": "穴が開いています。",
        "warnings": ["charset-fallback: none -> iso2022_jp"],
    },
    "jis_windows_ext.eml": {"subject": "①㈱株式会社", "text": "①㈱株式会社"},
    "filename_2231_utf8.eml": {
        "text": ATTACHED,
        "attachments": [("申請書.pdf", "application/pdf")],
    },
    "filename_2231_continuation.eml": {
        "attachments": [
            ("令和7年度_補助金申請書.xlsx", "application/vnd.ms-excel"),
            ("一覧表.txt", "application/octet-stream"),
            ("議事録.doc", "application/msword"),
        ],
    },
    "filename_2047_name.eml": {
        "attachments": [("住民票.pdf", "application/pdf"), ("地図.png", "image/png")],
    },
    "filename_path_traversal.eml": {
        "text": ATTACHED,
        "attachments": [
            ("passwd", "text/plain"),
            ("y.txt", "application/octet-stream"),
            ("evilname.exe", "application/octet-stream"),
            ("", "application/octet-stream"),
        ],
    },
    "alternative_text_html.eml": {
        "subject": "広報誌の送付",
        "text": "広報誌3月号を送付します。",
        "html": "<html><body><p>広報誌<b>3月号</b>を送付します。</p></body></html>",
        "date": datetime(2025, 2, 4, 0, 30, tzinfo=UTC),
    },
    "html_only.eml": {
        "text": "お知らせ\n\n税務課からの お知らせです。\n\n期限: 3月15日 & 4月1日\n以上",
        "html_contains": ["<script>alert('x')</script>", "&amp;"],
    },
    "mixed_pdf_attachment.eml": {
        "subject": "申請書の送付",
        "text": "申請書を添付します。",
        "attachments": [("form.pdf", "application/pdf")],
    },
    "rfc822_attachment.eml": {
        "subject": "転送します",
        "from": ("", "sender@example.jp"),
        "text": ATTACHED,
        "attachments": [("転送元のメール.eml", "message/rfc822")],
    },
    "broken_close_boundary.eml": {
        "text": ATTACHED,
        "attachments": [("data.bin", "application/octet-stream")],
        "warnings": ["close-boundary-not-found"],
    },
    "missing_boundary_param.eml": {
        "contains": ["boundary-less body text"],
        "warnings": ["missing-boundary", "multipart-invariant-violation"],
    },
    "bad_base64.eml": {
        "text": "戸籍謄本の請求方法を教えてください。",
        "attachments": [("junk.bin", "application/octet-stream")],
        "warnings": ["bad-base64: part 2", "bad-base64: part 3"],
    },
    "unknown_charset_sjis.eml": {
        "subject": "児童手当",
        "text": "児童手当の申請について①",
        "warnings": ["charset-fallback: x-unknown-jp -> cp932"],
    },
    "wrong_charset.eml": {
        "text": "ラベルと違う文字コード",
        "warnings": ["date-missing", "charset-fallback: iso-2022-jp -> cp932"],
    },
    "undeclared_eucjp.eml": {
        "text": "あいうえお、かきくけこ。市民課",
        "warnings": ["date-missing", "charset-fallback: none -> euc_jp"],
    },
    "nul_bytes.eml": {
        "subject": "nul here",
        "text": "beforeafter",
        "warnings": ["nul-bytes-removed"],
    },
    "multiple_text_parts.eml": {
        "text": "一つ目\n\n二つ目",
        "attachments": [("memo.txt", "text/plain"), ("", "text/csv")],
    },
    "empty.eml": {
        "subject": "",
        "from": ("", ""),
        "text": "",
        "warnings": ["empty-input", "date-missing"],
    },
    "headers_only.eml": {
        "subject": "headers only",
        "from": ("", "h@example.jp"),
        "text": "",
        "date": datetime(2025, 2, 3, 10, 0, tzinfo=UTC),
    },
    "no_headers.eml": {
        "subject": "",
        "text": "これはヘッダーのないメールです。\n二行目",
        "warnings": [
            "date-missing",
            "missing-header-body-separator",
            "charset-fallback: none -> utf-8",
        ],
    },
    "reply_references.eml": {
        "subject": "Re: 転送: 住民票",
        "from": ("Reply", "reply@example.jp"),
        "message_id": "<reply-3@example.jp>",
        "in_reply_to": "<second@city.example.lg.jp>",
        "references": ["<first@example.jp>", "<second@city.example.lg.jp>", "<Second@Example.JP>"],
    },
    "date_missing.eml": {"date": None, "warnings": ["date-missing"]},
    "date_bogus.eml": {"date": None, "warnings": ["date-unparseable"]},
    "date_no_zone.eml": {"date": datetime(2025, 3, 1, 23, 59, 59, tzinfo=UTC)},
    "nested_60.eml": {
        "subject": "nested",
        "text": "",
        "warnings": ["date-missing", "nesting-too-deep"],
    },
    "garbage.eml": {
        "subject": "",
        "warnings": [
            "date-missing",
            "missing-header-body-separator",
            "charset-fallback: none -> latin-1",
            "nul-bytes-removed",
        ],
    },
}


def _check(parsed: ParsedMessage, expected: dict[str, Any]) -> None:
    simple = ("subject", "text", "html", "message_id", "in_reply_to", "references", "to")
    for key in simple:
        if key in expected:
            assert getattr(parsed, key) == expected[key], key
    if "from" in expected:
        assert (parsed.from_name, parsed.from_address) == expected["from"]
    for fragment in expected.get("contains", []):
        assert fragment in parsed.text
    for fragment in expected.get("html_contains", []):
        assert fragment in parsed.html
    names = [(a.filename, a.content_type) for a in parsed.attachments]
    assert names == expected.get("attachments", [])
    assert parsed.warnings == expected.get("warnings", [])
    if "date" in expected:
        assert parsed.date == expected["date"]
    elif "date-missing" not in parsed.warnings:
        assert parsed.date == JST_10AM


def test_every_corpus_file_has_an_expectation() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus(name: str) -> None:
    _check(parse_message((CORPUS / name).read_bytes()), EXPECTED[name])


def _corpus(name: str) -> ParsedMessage:
    return parse_message((CORPUS / name).read_bytes())


def test_binary_attachment_bytes_are_exact() -> None:
    assert _corpus("mixed_pdf_attachment.eml").attachments[0].data == PDF


def test_attachment_payloads_are_decoded() -> None:
    parsed = _corpus("filename_2047_name.eml")
    assert [a.data for a in parsed.attachments] == [b"%PDF", b"\x89PNG"]
    # Undecodable base64 keeps the raw payload (with a warning) rather than losing it.
    assert _corpus("bad_base64.eml").attachments[0].data == b"!!!!"


def test_embedded_message_is_kept_whole_and_not_read_as_ours() -> None:
    parsed = _corpus("rfc822_attachment.eml")
    data = parsed.attachments[0].data
    assert data.startswith(b"From: original@example.jp\r\n")
    assert "元の本文です。".encode("iso2022_jp") in data
    assert parsed.from_address == "sender@example.jp"
    assert "元の本文" not in parsed.text


def test_headers_keep_names_as_written_with_decoded_values() -> None:
    parsed = _corpus("jis_body_subject.eml")
    assert ("Subject", "住民票の写しについて") in parsed.headers
    assert ("Message-ID", "<20250203100000.1234@example.jp>") in parsed.headers
    assert [name for name, _ in parsed.headers][:3] == ["From", "To", "Subject"]


def test_html_only_mail_derives_text_and_keeps_html_unsanitised() -> None:
    parsed = _corpus("html_only.eml")
    assert "alert" not in parsed.text and "color:red" not in parsed.text
    assert parsed.html.startswith("<html><head><title>件名</title>")


# --- robustness: nothing raises, as much as possible is kept ---------------------------------


def _nested(depth: int) -> bytes:
    parts = [b"From: n@example.jp\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"]
    for i in range(depth):
        parts.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    parts.append(b"Content-Type: text/plain\r\n\r\ndeep text\r\n")
    parts.extend(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    return b"".join(parts)


def test_5000_level_nesting_keeps_headers_without_recursion_error() -> None:
    parsed = parse_message(_nested(5000))
    assert parsed.subject == "nested"
    assert parsed.from_address == "n@example.jp"
    assert parsed.text == ""
    assert "nesting-too-deep" in parsed.warnings
    assert "body-not-parsed" in parsed.warnings


def test_nesting_within_the_limit_is_read() -> None:
    parsed = parse_message(_nested(parse_module.MAX_DEPTH - 1))
    assert parsed.text == "deep text"
    assert "nesting-too-deep" not in parsed.warnings


def test_one_megabyte_single_line_body() -> None:
    line = "あ".encode() * 350_000
    raw = b"From: a@example.jp\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + line + b"\r\n"
    parsed = parse_message(raw)
    assert parsed.text == "あ" * 350_000
    assert parsed.warnings == ["date-missing"]


def test_random_binary_never_raises() -> None:
    rng = random.Random(7)
    for _ in range(200):
        parsed = parse_message(rng.randbytes(rng.randint(0, 3000)))
        assert not any(w.startswith("unparseable") for w in parsed.warnings)
    assert "\x00" not in _corpus("garbage.eml").text


def test_mutated_corpus_never_raises() -> None:
    # Byte flips, deletions and hostile insertions into every corpus file.
    rng = random.Random(11)
    files = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml")) if p.stat().st_size]
    inserts = [b"=?", b"?=", b"\x1b$B", b"\r\n ", b";", b'"', b"*0*=", b"\x00", b"=?utf-8?b?", b"%"]
    for _ in range(1500):
        raw = bytearray(rng.choice(files))
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(raw) or 1)
            choice = rng.random()
            if choice < 0.4 and raw:
                raw[pos] = rng.randrange(256)
            elif choice < 0.7:
                del raw[pos : pos + rng.randint(1, 20)]
            else:
                raw[pos:pos] = rng.choice(inserts)
        parsed = parse_message(bytes(raw))
        assert not any(w.startswith("unparseable") for w in parsed.warnings), parsed.warnings


def test_last_resort_keeps_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_module, "_read_body", explode)
    parsed = parse_message((CORPUS / "jis_body_subject.eml").read_bytes())
    assert parsed.subject == "住民票の写しについて"
    assert parsed.text == ""
    assert parsed.warnings == ["unparseable: RuntimeError"]


def test_non_bytes_input_does_not_raise() -> None:
    parsed = parse_message("not bytes")  # type: ignore[arg-type]
    assert parsed.warnings[0] == "unparseable: TypeError"


# --- headers and addresses ------------------------------------------------------------------


def _jis_word(text: str) -> str:
    return f"=?ISO-2022-JP?B?{base64.b64encode(text.encode('iso2022_jp')).decode()}?="


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?UTF-8?B?44GC?= =?UTF-8?B?44GE?=", "あい"),
        ("a =?UTF-8?Q?=E3=81=82?= b", "a あ b"),
        ("=?utf-8*ja?B?44GC?=", "あ"),
        ("=?UTF-8?B?44GC44GE", "=?UTF-8?B?44GC44GE"),
        ("folded\r\n line", "folded line"),
        ("=?utf-8?q?x=0D=0ABcc:_evil@example.com?=", "x Bcc: evil@example.com"),
        (_jis_word("このメール"), "このメール"),
    ],
)
def test_decode_header_value(raw: str, expected: str) -> None:
    assert decode_header_value(raw, []) == expected


def test_decode_header_value_warns_on_damaged_word() -> None:
    warnings: list[str] = []
    assert decode_header_value("=?UTF-8?B?44GC!44GE?=", warnings) == "あい"
    assert warnings == ["bad-encoded-word"]


def test_addresses_are_split_before_names_are_decoded() -> None:
    raw = (
        b'From: "=?UTF-8?B?55Sw5LitLCDlpKrpg44=?=" <Taro@Example.JP>\r\n'
        b"To: a@example.jp, =?UTF-8?B?6Iqx5a2Q?= <HANAKO@example.jp>, undisclosed-recipients:;\r\n"
        b"Cc: c1@example.jp\r\nCc: Someone <c2@example.jp>, no-at-sign\r\n\r\nbody"
    )
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.from_address) == ("田中, 太郎", "taro@example.jp")
    assert parsed.to == ["a@example.jp", "hanako@example.jp"]
    assert parsed.cc == ["c1@example.jp", "c2@example.jp"]


def test_date_is_converted_to_utc() -> None:
    parsed = parse_message(b"Date: Tue, 1 Apr 2025 08:15:00 +0900\r\n\r\nx")
    assert parsed.date == datetime(2025, 3, 31, 23, 15, tzinfo=UTC)
    assert parsed.date is not None and parsed.date.utcoffset() is not None


# --- html_to_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>一行目</p><p>二行目</p>", "一行目\n\n二行目"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<style>p{}</style><script>x()</script>本文", "本文"),
        ("&lt;tag&gt; &amp; &#x3042;&nbsp;x", "<tag> & あ x"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("<pre>  keep\n  indent</pre>", "keep\nindent"),
        ("<p unclosed <<<>", ""),
        ("", ""),
    ],
)
def test_html_to_text(html: str, expected: str) -> None:
    assert html_to_text(html) == expected

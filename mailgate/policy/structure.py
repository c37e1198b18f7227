"""Where the parts of a Japanese (or English) administrative mail are: salutation, quotes, signature.

Roles depend on position: a name in the salutation is the recipient's, names
and numbers in the signature block are the department's, and quoted lines
(">") are the resident's own words, not ours.

The salutation is the addressee line at the top ("山田 太郎 様", "Dear Ms
Clark,"), together with an organisation line just above it ("有限会社経堂屋").
The signature starts at the last rule line ("-----", "＝＝＝", "--") in the
lower part of the mail. Without a rule line it is the short contact block after
a closing line ("Best regards,", 「以上」, 「よろしくお願いいたします。」), or a
final block that reads like a department's contact block (課, 局, 教育委員会,
担当, TEL, 〒 …), from its office-name line on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUOTE = re.compile(r"^[ \t\u3000]*[>＞|｜]", re.MULTILINE)
# A line made of repeated rule characters opens the signature block.
# (MULTILINE: matched on one line, or searched for in a whole body.)
SEPARATOR = re.compile(r"^[ \t\u3000]*([-－―─━＝=_＿~～*＊・.。]{2,}|--)\s*$", re.MULTILINE)
# The honorific may be followed by the addressee's role in parentheses ("久米 亜紀 様（PTA副会長）").
HONORIFIC_END = re.compile(
    r"(様|さま|さん|殿|御中|各位|先生)[ \t\u3000]*"
    r"(?:[（(][^（）()\n]{1,20}[）)])?[、,:：]?[ \t\u3000]*$"
)
# A name with a title instead of an honorific, alone on a line ("中野渡会長"): the addressee, when
# no line of the greeting has an honorific.
ADDRESSEE_TITLES = r"(?:会長|副会長|委員長|理事長|代表|社長|校長|園長|院長|議長|班長|組長)"
TITLE_SALUTATION = re.compile(
    rf"^[ \t\u3000]*(?P<name>[\u4e00-\u9fff々ヶノ]{{2,5}})[ \t\u3000]?{ADDRESSEE_TITLES}"
    r"[ \t\u3000]*[、,]?[ \t\u3000]*$"
)
# A line naming who else receives the mail, under the salutation: "（cc：湯ノ瀬小学校 校長 … 様）".
COPY_LINE = re.compile(
    r"^[ \t\u3000]*[（(]?[ \t\u3000]*(?:cc|ｃｃ|写し|同報)[ \t\u3000]*[:：]", re.I
)
# Another addressee alone on the next line: a short name and an honorific, no sentence, maybe
# in brackets ("（会長　石田 正明 様）" under "…自治会　役員の皆様"), or several of them
# ("（戸田様、吉永様、堀様）" under "私道共有者の皆様").
_JOINT_NAME = r"[^\s。、．！？!?（(,，・][^。、．！？!?\n,，・（()]{0,18}?"
_JOINT_HONORIFIC = r"[ \t\u3000]?(?:様|さま|さん|殿)"
JOINT_ADDRESSEE = re.compile(
    rf"^[ \t\u3000]*[（(]?{_JOINT_NAME}(?:(?:{_JOINT_HONORIFIC})?[、,，・][ \t\u3000]*{_JOINT_NAME})*"
    rf"{_JOINT_HONORIFIC}[ \t\u3000]*[）)]?[ \t\u3000]*$"
)
ENGLISH_SALUTATION = re.compile(r"^\s*(Dear|Hello|Hi|To)\b[^\n]*$", re.IGNORECASE)
# The addressee's name: what precedes the honorific, or follows "Dear (Mr./Ms.)".
SALUTATION_NAME = re.compile(
    r"^[ \t\u3000]*(?:(?:Dear|Hello|Hi|To)[ \t]+(?:(?:Mr|Ms|Mrs|Miss|Mx|Dr)\.?/?)*[ \t]*)?"
    r"(?P<name>.+?)[ \t\u3000]*(?:様|さま|さん|殿|御中|各位|先生|,|:|$)",
    re.IGNORECASE,
)
# A department's contact block (used when there is no rule line) names the unit and a way to
# reach it, in short lines, and addresses no one.
SIGNATURE_UNIT = re.compile(
    r"(課|係|部|室|局|委員会|役場|役所|区役所|市役所|支所|出張所|センター|グループ|担当|館|"
    r"Division|Section|Office|Bureau|Department|Desk|City of|City Hall|Association|Board|"
    r"保健師|看護師|栄養士|主事|主査|係長|課長)"
)
SIGNATURE_CONTACT = re.compile(
    r"(TEL|Tel|FAX|Fax|Phone|電話|☎|〒|E-?mail|メール|内線|https?://|@[\w.-]+\.(?:jp|com|org|net)\b"
    # a landline written bare after the office and name: "税務課 今村\n0952-55-4203"
    r"|(?<![\d-])0[1-9]\d{0,3}-\d{1,4}-\d{3,4}(?![\d-]))"
)
# An office word ending a token: "障がい福祉課", "第三小学校", "業務係", "Public Health Center".
OFFICE_WORD = re.compile(
    r"(?:課|係|室|局|所|校|園|館|センター|委員会|役場|事務所|本部|グループ|組合)(?=[ \t\u3000（(、,]|$)"
    r"|\b(?:Section|Division|Office|Bureau|Department|Unit|Center|Centre|Hall|School|Library|Museum|Gallery|Hospital|Clinic|Board of Education)\b",
    re.MULTILINE,
)
# A person's name ending a line (after the office or a title), or a romanised name opening one.
_NAME_END = (
    # (surnames may hold ヶ, ノ or ツ: 三ツ木, 一ノ瀬)
    r"(?<![\u3400-\u9fff々])[\u3400-\u9fff々ヶケノツッ]{1,4}[ \u3000][\u3400-\u9fff々ぁ-ゖ]{1,4}[ \t\u3000]*$"
)
NAME_IN_LINE = re.compile(
    rf"(?:^|[ \t\u3000]){_NAME_END}|^[ \t\u3000]*[\u3400-\u9fff々]{{2,5}}[ \t\u3000]*$"
    r"|^[ \t]*[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}[ \t]*(?:\(|,|$)",
    re.MULTILINE,
)
# What a name never ends in: an office or a place ("東山市 環境部", "教育委員会").
NOT_A_NAME_END = re.compile(
    r"(課|係|部|室|局|所|校|園|館|会|市|町|村|区|県|都|府|組合|本部|支所)[ \t\u3000]*$"
)
# A block that addresses someone or asks the reader something is not the sender's block.
ASKS_OR_ADDRESSES = re.compile(r"(様|さま|さん|殿|ください|下さい|でしょうか|[？?]|お願い)")
SENTENCE_END = re.compile(r"[。．！!][ \t\u3000]*$")
NOT_SIGNATURE = re.compile(r"(様|さん|です|ます|。)")
# Closing lines after which only the sender's block follows.
CLOSING = re.compile(
    r"^[ \t\u3000]*(?:(?:(?:With )?(?:Best|Kind|Warm|Warmest)(?: regards| wishes)|Regards|Sincerely"
    r"(?: yours)?|Yours (?:sincerely|faithfully|truly)|Respectfully(?: yours)?)[ \t]*[,.!]?"
    r"|以上|(?:何卒|引き続き|今後とも)?(?:どうぞ)?よろしくお願い(?:いた|致)?(?:します|申し上げます)"
    r"[。．.]?)[ \t\u3000]*$",
    re.IGNORECASE,
)
# In a block after a closing line: a person addressed, or more than one sentence, is not ours.
ADDRESSED = re.compile(r"(様|さま|さん|殿)")
SENTENCE = re.compile(r"(です|ます|。)")
# A signature's first line names the office: "浜松市教育委員会 中央図書館 管理グループ".
OFFICE_LINE = re.compile(
    r"(課|係|局|室|委員会|役場|役所|支所|出張所|センター|グループ|館|Division|Section|Office|"
    r"Bureau|Department|Desk)[ \t\u3000]*$|^[^\n]*(課|局|委員会|役場|役所|Division|Section|Office)"
    r"[ \t\u3000]"
)
# A captioned contact line: "Address: …", "Tel: …", "住所：…", "〒…".
CONTACT_CAPTION = re.compile(
    r"^[ \t\u3000]*(?:〒|(?:Address|Tel|Phone|Fax|E-?mail|Web|URL|住所|所在地|電話|TEL|FAX|ファクス|"
    r"メール|E-mail)[ \t\u3000]*[:：]?)"
    # a caption, not a sentence that starts with the word (「メールにご記載の…口座」)
    r"(?![にでをはがのもへと])",
    re.IGNORECASE,
)
# Text that introduces someone's details above a contact block: then the block is theirs.
INTRODUCES_DETAILS = re.compile(
    r"(\byour\b|\bhis\b|\bher\b|\bfollowing\b|ご登録|ご住所|ご連絡先|お届け|記載|以下|下記|次の|"
    r"様|さん|[:：][ \t\u3000]*$)",
    re.IGNORECASE,
)
# The header of a forwarded mail inside ours: "----- 転送メッセージ -----", "---------- Forwarded
# message ---------", "-----Original Message-----".
FORWARD_MARK = re.compile(
    r"^[ \t\u3000]*[-―─=＝]*[ \t\u3000]*(?:転送メッセージ|転送メール|元のメッセージ|"
    r"Forwarded message|Original Message)[ \t\u3000]*[-―─=＝]*[ \t\u3000]*$",
    re.IGNORECASE | re.MULTILINE,
)
MAX_SALUTATION_LINES = 2
MAX_JOINT_ADDRESSEES = 4
MAX_NAME_AND_UNIT_LINES = 2  # lines under the name in a sign-off above the rule
MAX_SIGNATURE_LINES = 10
MAX_CONTACT_ONLY_LINES = 1
MAILBOX = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Structure:
    salutation: tuple[int, int] | None = None  # offsets of the salutation line(s)
    signature: tuple[int, int] | None = None  # from the separator to the end
    quoted: list[tuple[int, int]] = field(default_factory=list)  # quoted lines
    salutation_name: str = ""  # the addressee's name as written, without the honorific

    def in_salutation(self, start: int, end: int) -> bool:
        return (
            self.salutation is not None
            and self.salutation[0] <= start
            and end <= self.salutation[1]
        )

    def in_signature(self, start: int, end: int) -> bool:
        return (
            self.signature is not None and self.signature[0] <= start and end <= self.signature[1]
        )

    def in_quote(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quoted)


def _lines(text: str) -> list[tuple[int, int, str]]:
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, offset + len(line), line))
        offset += len(line) + 1
    return lines


def _salutation(lines: list[tuple[int, int, str]]) -> tuple[tuple[int, int], str] | None:
    # The salutation opens one of the first three lines; joint addressees may follow it on up
    # to MAX_JOINT_ADDRESSEES more ("請求人" / "市川 昌平 様" / "柘植 ゆかり 様" / "近藤 武 様").
    content = [line for line in lines[: 6 + MAX_JOINT_ADDRESSEES] if line[2].strip()][
        : 3 + MAX_JOINT_ADDRESSEES
    ]
    for index, (a, b, line) in enumerate(content[:3]):
        if HONORIFIC_END.search(line) or ENGLISH_SALUTATION.match(line):
            # An organisation or committee line directly above belongs to the address.
            first = content[max(0, index - MAX_SALUTATION_LINES + 1)][0] if index else a
            match = SALUTATION_NAME.match(line)
            name = match.group("name").strip(" \t\u3000") if match else ""
            # The copied addressees listed under it are addressed too ("（cc：…校長 竹中 恭子 様）"),
            # and so are joint addressees on the lines right below ("西村 孝 様" / "西村 千里 様").
            for cc_start, cc_end, cc_line in content[index + 1 :]:
                copied = COPY_LINE.match(cc_line) and ADDRESSED.search(cc_line)
                joint = cc_start == b + 1 and JOINT_ADDRESSEE.match(cc_line)
                if not (copied or joint):
                    break
                b = cc_end
            return (first, b), name
    for a, b, line in content[:1]:
        titled = TITLE_SALUTATION.match(line)
        if titled:
            return (a, b), titled.group("name")
    return None


def _signature(body: str, lines: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    first_content = next((a for a, _b, line in lines if line.strip()), 0)
    for index in range(len(lines) - 1, -1, -1):
        a, b, line = lines[index]
        after = body[b:].strip()
        # A closing rule line (the block is framed: ＝＝＝ … ＝＝＝) has nothing after it; a
        # rule line at the top of a long text (a newsletter's title frame) opens no signature.
        short = after.count("\n") < MAX_SIGNATURE_LINES or a > len(body) // 3
        if SEPARATOR.match(line) and a > first_content and after and short:
            framed = _framed_before_quote(body, lines, a, b)
            if framed:
                return framed
            # The sender's name and unit under a closing, above the framed office block
            # ("Sincerely,\nMisaki Kobayashi\nChild-rearing Support Division" then ━━━).
            closed = _after_closing(body, lines)
            start = _name_above(lines, index)
            return (min(start, closed[0]) if closed else start), len(body)
    after_closing = _after_closing(body, lines)
    if after_closing is not None:
        return after_closing
    # No rule line: a last paragraph of contact lines.
    paragraph: list[tuple[int, int, str]] = []
    for entry in reversed(lines):
        if not entry[2].strip():
            if paragraph:
                break
            continue
        paragraph.insert(0, entry)
    block = "\n".join(line for _a, _b, line in paragraph)
    if (
        paragraph
        and len(paragraph) <= MAX_SIGNATURE_LINES
        and _lower_part(body, lines, paragraph[0][0])
        and all(len(line.strip()) <= 60 for _a, _b, line in paragraph)
        and (SIGNATURE_UNIT.search(block) or OFFICE_WORD.search(block))
        and SIGNATURE_CONTACT.search(block)
        and not NOT_SIGNATURE.search(block)
    ):
        return paragraph[0][0], len(body)
    # A last paragraph whose closing lines are an office's block: "保健福祉課 健康係\n山田 花子\nTEL …".
    for index, (a, _b, line) in enumerate(paragraph):
        rest = paragraph[index:]
        block = "\n".join(entry[2] for entry in rest)
        if (
            index
            and _lower_part(body, lines, a)
            and len(rest) <= MAX_SIGNATURE_LINES
            and len(line.strip()) <= 40
            and OFFICE_LINE.search(line.strip())
            and SIGNATURE_CONTACT.search(block)
            and not NOT_SIGNATURE.search(block)
        ):
            return a, len(body)
    return _office_and_name_block(body, lines, paragraph)


def _name_above(lines: list[tuple[int, int, str]], index: int) -> int:
    """The sender's name alone on the line above the rule at `index` ("三ツ木 遼子\n--\n…課"),
    or as a paragraph of its own a blank line above it, opens the signature; otherwise the rule
    does."""
    rule_start = lines[index][0]
    if (
        index >= 3
        and not lines[index - 1][2].strip()
        and not lines[index - 3][2].strip()
        and _short_name(lines[index - 2][2])
    ):
        # the name as a paragraph of its own, a blank line above the rule ("Ryo Igarashi\n\n－－")
        return lines[index - 2][0]
    if index < 2 or lines[index - 2][2].strip():
        return _name_and_unit_above(lines, index) or rule_start
    a, _b, line = lines[index - 1]
    return a if _short_name(line) else rule_start


def _short_name(line: str) -> bool:
    return len(line.strip()) <= 20 and _names_someone(line) and not NOT_SIGNATURE.search(line)


def _name_and_unit_above(lines: list[tuple[int, int, str]], index: int) -> int | None:
    """A sign-off paragraph of the sender's name and unit just above the rule (blank line
    between allowed): "Makoto Karasawa\nAgricultural Promotion Unit, Takamine Town\n\n――"."""
    end = index - 1
    if end >= 0 and not lines[end][2].strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1][2].strip() and end - start < MAX_NAME_AND_UNIT_LINES:
        start -= 1
    if start <= 0 or lines[start - 1][2].strip() or start == end:
        return None  # not a paragraph of its own, or a name with no unit under it
    first, *units = (line.strip() for _a, _b, line in lines[start : end + 1])
    if (
        len(first) <= 30
        and _names_someone(first)
        and not NOT_SIGNATURE.search(first)
        and all(
            len(unit) <= 60 and OFFICE_WORD.search(unit) and not NOT_SIGNATURE.search(unit)
            for unit in units
        )
    ):
        return lines[start][0]
    return None


def _office_and_name_block(
    body: str, lines: list[tuple[int, int, str]], paragraph: list[tuple[int, int, str]]
) -> tuple[int, int] | None:
    """The closing short lines of the last paragraph when they name an office and a person.

    Lines up to the last one ending a sentence ("お楽しみください。") are text; the rest must be
    short, hold at most one polite sentence (a FAX note), name an office and end a line with a
    name, and neither address anyone nor ask the reader anything.
    """
    tail = paragraph
    for index, (_a, _b, line) in enumerate(paragraph):
        if SENTENCE_END.search(line):
            tail = paragraph[index + 1 :]
    if not tail or len(tail) > MAX_SIGNATURE_LINES or not _lower_part(body, lines, tail[0][0]):
        return None
    texts = [line.strip(" \t\u3000") for _a, _b, line in tail]
    block = "\n".join(texts)
    if (
        all(len(text) <= 80 for text in texts)
        and sum(1 for text in texts if SENTENCE.search(text)) <= 1
        and OFFICE_WORD.search(block)
        and any(_names_someone(text) for text in texts)
        and not ASKS_OR_ADDRESSES.search(block)
    ):
        return tail[0][0], len(body)
    return None


def _names_someone(line: str) -> bool:
    match = NAME_IN_LINE.search(line)
    return match is not None and not NOT_A_NAME_END.search(match.group())


def _framed_before_quote(
    body: str, lines: list[tuple[int, int, str]], a: int, b: int
) -> tuple[int, int] | None:
    """A framed block (―――\n課\n名前 TEL …\n―――) followed by the quoted original: the
    signature is the frame only, so the resident's quoted lines below stay theirs."""
    after = [line for _a, _b, line in lines if _a > b and line.strip()]
    unquoted = [line for line in after if not QUOTE.match(line)]
    if not after or len(unquoted) > 2 or len(unquoted) == len(after):
        return None
    inside: list[str] = []
    for start, _end, line in reversed([entry for entry in lines if entry[1] < a]):
        if SEPARATOR.match(line):
            block = "\n".join(inside)
            if (
                inside
                and (SIGNATURE_UNIT.search(block) or OFFICE_WORD.search(block))
                and not ASKS_OR_ADDRESSES.search(block)
                and sum(1 for text in inside if SENTENCE.search(text)) <= 1
            ):
                return start, b
            return None
        if not line.strip() or len(inside) >= MAX_SIGNATURE_LINES:
            return None
        inside.insert(0, line)
    return None


def _lower_part(body: str, lines: list[tuple[int, int, str]], start: int) -> bool:
    """Below the first third of the mail, or (in a short mail) after two lines of text."""
    return (
        start > len(body) // 3 or sum(1 for a, _b, line in lines if a < start and line.strip()) >= 3
    )


def _after_closing(body: str, lines: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The block after the last closing line, when it is short and reads like a sender's block."""
    first_content = next((a for a, _b, line in lines if line.strip()), 0)
    for index in range(len(lines) - 1, -1, -1):
        a, _b, line = lines[index]
        if not CLOSING.match(line):
            continue
        rest = [entry for entry in lines[index + 1 :] if entry[2].strip()]
        if not rest or a <= first_content or len(rest) > MAX_SIGNATURE_LINES:
            return None
        block = "\n".join(entry[2] for entry in rest)
        if (
            # an office's block, not a resident's contact; or one line of the sender's name
            # with their mailbox ("有村 綾 ＜…@….lg.jp＞")
            (
                SIGNATURE_UNIT.search(block)
                or OFFICE_WORD.search(block)
                or (len(rest) <= MAX_CONTACT_ONLY_LINES and MAILBOX.search(block))
            )
            and not ADDRESSED.search(block)
            and sum(1 for entry in rest if SENTENCE.search(entry[2])) <= 1
            and all(len(entry[2].strip()) <= 80 for entry in rest)
        ):
            above = _contact_block_above(lines, index)
            return (above if above is not None else rest[0][0]), len(body)
        return None
    return None


def _contact_block_above(lines: list[tuple[int, int, str]], closing: int) -> int | None:
    """Start of a paragraph of captioned contact lines just above the closing line
    ("Address: 1-8-2 Shiroyama …\nTel: +81 …\n\nKind regards,"): the sender's own, unless
    the text before it introduces someone's details ("ご登録内容は以下のとおりです", "your …:")."""
    index = closing - 1
    while index >= 0 and not lines[index][2].strip():
        index -= 1
    block: list[tuple[int, int, str]] = []
    while index >= 0 and lines[index][2].strip():
        block.insert(0, lines[index])
        index -= 1
    if not block or len(block) > MAX_SIGNATURE_LINES:
        return None
    if not all(CONTACT_CAPTION.match(line) for _a, _b, line in block):
        return None
    context = "\n".join(line for _a, _b, line in lines[max(0, index - 2) : index + 1])
    if INTRODUCES_DETAILS.search(context) or ADDRESSED.search("\n".join(e[2] for e in block)):
        return None
    return block[0][0]


def analyse(body: str) -> Structure:
    lines = _lines(body)
    structure = Structure(quoted=[(a, b) for a, b, line in lines if QUOTE.match(line)])
    salutation = _salutation(lines)
    if salutation:
        structure.salutation, structure.salutation_name = salutation
    structure.signature = _signature(body, lines)
    return structure


def forwarded_parts(body: str) -> list[tuple[int, int]]:
    """(start, end) of each mail forwarded inside this one: from a forward header to the next
    rule line ("-----") or the end."""
    parts = []
    for mark in FORWARD_MARK.finditer(body):
        rule = SEPARATOR.search(body, mark.end())
        parts.append((mark.start(), rule.start() if rule else len(body)))
    return parts

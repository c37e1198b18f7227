"""A learned reading of sensitive disclosures: the sentences the phrase lists miss.

The sensitive_data rule blocks a category term (認知症, 人工透析, 生活保護 …) when a
disclosure cue from its dictionaries ties it to someone. Staff keep finding new ways to
say it (「糖尿病予備群に該当されました」「週3回の人工透析で通っておられる件」「夫からの暴力に
ついて続けてご相談いただいている件」), and those were most of the sensitive data missed on
new mail. This model reads the whole sentence instead: a logistic regression over its
character n-grams, trained on the labelled SENSITIVE spans of our corpora
(`mailgate policy train`). A body sentence that holds a category term, that the rules did
not already flag, that is not quoted from the resident (`>`) and does not read as a
general statement or a condition ("…の方は", "世帯が", "一般的な", "…の場合", "2級以上"), blocks when the model gives it at least
`flag_at`. The model itself is a SentenceModel (sentence_model.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mailgate.policy import sentence_model
from mailgate.policy.sentence_model import (
    SentenceModel,
    SentenceModelError,
    grams,
    open_sentences,
    quoted,
    sentences,
)

__all__ = [
    "GENERAL",
    "DisclosureModel",
    "grams",
    "labelled_sentences",
    "quoted",
    "read_sentences",
    "sentences",
]

# About a group, a condition, a service or in general, not about someone: "お持ちの方などが
# 対象", "お持ちの保護者様は", "受給している世帯は", "2級以上で、所得の要件を満たす場合",
# "…に関するご相談は…で承ります", "鈴木さんは生活保護の担当で", "手帳をお持ちのお子様は",
# "A holder of … can receive", a list item ending in its group ("・…療育手帳をお持ちの方")
# (but "相手方が", "ご主人が", "配偶者が" name someone).
GENERAL = re.compile(
    r"(?:(?<!相手)(?<![先双両片地一夕仕味])方|世帯|(?<![本主友知恋夫])人|(?<!配偶)(?<!加害)(?<!同居)者)"
    r"(?:様|さま)?[ \u3000]*(?:は|が|など|を|へ|も)"
    r"|(?<!相手)(?<![先双両片地一夕仕味])方(?=[ \u3000]*(?:\n|$))|一般的|対象(?:です|となります)|場合|以上|以下|未満|要件|条件"
    r"|に関する|承ります|担当(?:で|です|と|を|し|の(?:者|職員))"
    # clergy named in their role (「キリスト教会の牧師さんで、講演を…」), not a believer's creed
    r"|牧師|神父|司祭|住職|僧侶|宮司|神主"
    r"|(?:お持ち|のある|がある)の?(?:お子(?:様|さま|さん)|児童|生徒|保護者|ご家族)(?:は|が|など|も|を|へ)"
    # English eligibility: "A holder of … can receive medical care", "Anyone with … may apply"
    r"|\b(?:can|may) (?:receive|apply|get|use|join)\b|\b(?:is|are) eligible\b|\b[Aa]nyone\b"
)


DisclosureModelError = SentenceModelError


class DisclosureModel(SentenceModel):
    FORMAT = "mailgate-disclosure-model/1"
    WHAT = "disclosure model"
    POSITIVE = "disclosing"


def load_model(path: str | Path) -> DisclosureModel:
    return DisclosureModel.load(path)


def read_sentences(path: str | Path) -> list[tuple[str, bool]]:
    """The disclosure phrasebook: one {"text": "...", "discloses": true|false} a line."""
    return sentence_model.read_sentences(path, "discloses", "disclosure sentence")


def labelled_sentences(record: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """Training examples from one labelled mail: each unquoted body sentence, and whether a
    SENSITIVE span touches it."""
    body = record.get("body", "")
    spans = [s for s in record.get("spans", []) if s["type"] == "SENSITIVE"]
    for start, end in open_sentences(body):
        yield body[start:end], any(s["start"] < end and start < s["end"] for s in spans)

"""Contact data that is a public facility's or the office's own by the words around it.

A phone number or address belongs to a facility named just before it ("宮坂区民センター
（03-…）", "【会場】…\n〒…"), and a landline is the office's when the mail offers it as the way
to reach a service ("ご予約は、お電話（0979-…）で承ります", "（…）までお電話ください") — unless
a person (様, さん, 自宅, 携帯, a name) stands on those lines. The words are the policy's
dictionaries facility_words.txt and office_contact_cues.txt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mailgate.policy import role_cues as cues
from mailgate.policy.findings import Role


def _literal_words(words: Iterable[str] | None) -> re.Pattern[str] | None:
    ordered = sorted({w for w in (words or []) if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


class FacilityContact:
    def __init__(
        self, facility_words: Iterable[str] | None, office_contact_cues: Iterable[str] | None
    ) -> None:
        self.facility = _literal_words(facility_words)
        self.office_cues = _literal_words(office_contact_cues)

    def facility_before(self, text: str, start: int, persons: list[tuple[int, int, Role]]) -> bool:
        """A public facility named on this line before `start`, or up to three lines above
        with only contact lines (〒, address, phone) in between and no person named."""
        if self.facility is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        segments = [(line_start, start)]
        while len(segments) <= cues.FACILITY_LOOKBACK_LINES and segments[-1][0] > 0:
            end = segments[-1][0] - 1
            previous = text.rfind("\n", 0, end) + 1
            if not text[previous:end].strip():
                break  # a blank line ends the block
            segments.append((previous, end))
        for index, (a, b) in enumerate(segments):
            segment = text[a:b]
            facility = max(
                (
                    m.end()
                    for m in self.facility.finditer(segment)
                    if not (
                        m.group() == "場所" and cues.WORK_SITE_BEFORE.search(segment, 0, m.start())
                    )
                ),
                default=-1,
            )
            person = max(
                [m.end() for m in cues.PERSON_MARKER.finditer(segment)]
                + [m.end() for m in cues.RECIPIENT_CUE.finditer(segment)]
                + [
                    p_end - a
                    for p_start, p_end, role in persons
                    if a <= p_start and p_end <= b and role in (Role.THIRD_PARTY, Role.RECIPIENT)
                ],
                default=-1,
            )
            if person > facility:
                return False  # "山本 誠様\n〒…": the person's, not the facility's
            if facility >= 0:
                # A note in parentheses ("（無料法律相談・毎週水曜日）") describes the facility;
                # it does not make the facility a topic.
                rest = cues.PARENTHESISED.sub("", segment[facility:])
                if cues.TABLE_ROW.search(segment):
                    # A table row ("…児童相談所,18歳未満の子どもに関する相談,…"): the facility's
                    # own cell decides; the next cell describes what it does.
                    rest = cues.CELL_END.split(rest, 1)[0]
                return not cues.FACILITY_TOPIC.search(rest) or bool(
                    cues.FACILITY_SERVICE.match(rest)
                )
            if index and not (
                cues.CONTACT_LINE.search(segment) or cues.INDENTED_LINE.match(segment)
            ):
                # Contact lines, or indented lines describing the item under its heading
                # ("2　NPO法人すまいサポート\n　物件探しへの同行…\n　電話 03-…"), may lie between.
                return False
        return False

    def offered(
        self, text: str, start: int, end: int, persons: list[tuple[int, int, Role]]
    ) -> bool:
        """A landline the mail offers as the way to reach the office: introduced as a phone,
        on a line (or under a caption) with wording that offers a service or asks the reader
        to call, and with no person (様, さん, 自宅, 携帯, a name) on those lines."""
        if self.office_cues is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        before = text[line_start:start]
        called_in_parentheses = before.endswith(("（", "(")) and bool(
            cues.PHONE_CALL_AFTER.match(text, end)
        )
        if not (
            cues.PHONE_INTRO.search(before)
            or cues.PHONE_CUE_PAREN.search(before)
            or called_in_parentheses
        ):
            return False

        def private(a: int, b: int) -> bool:
            segment = text[a:b]
            return bool(
                cues.PERSON_MARKER.search(segment)
                or cues.PRIVATE_PHONE.search(segment)
                or cues.RECIPIENT_CUE.search(segment)
                or any(
                    a <= p_start and p_end <= b and role in (Role.THIRD_PARTY, Role.RECIPIENT)
                    for p_start, p_end, role in persons
                )
            )

        if called_in_parentheses:
            # Only the clause that names the service counts: "…見かけたときは、…または区の
            # 高齢者夜間相談（046-…、24時間）へご連絡ください".
            clause = max(text.rfind(mark, line_start, start) for mark in "。、")
            line_start = max(line_start, clause + 1)
        if private(line_start, line_end):
            return False
        if self.office_cues.search(text, line_start, line_end):
            return True
        if not cues.PHONE_CAPTION_LINE.match(before):
            return False
        # "電話：…" under a caption line of the same block ("受付時間：…", "【相談窓口】").
        a = line_start
        for _ in range(cues.OFFICE_CUE_LOOKBACK_LINES):
            if a == 0:
                return False
            b = a - 1
            a = text.rfind("\n", 0, b) + 1
            if not text[a:b].strip() or private(a, b):
                return False
            if self.office_cues.search(text, a, b):
                return True
        return False

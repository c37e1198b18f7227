"""Whose data a found item is: the recipient's, a third party's, or the ward's own.

Position decides first (salutation -> recipient, signature block -> the
department), then equality with what the department publishes (its configured
signature and the policy allowlist), then the words around the item: the
sender introducing themselves (街づくり課の鈴木です), an official named with
their duty title (区長の…, 担当：…), a historical person (…を祀る), a facility
named just before a phone number or address (会場, 区民センター), or the
recipient's own data (ご住所, your address). Everything else is a third party's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mailgate.policy import role_cues as cues
from mailgate.policy.allowlist import Allowlist, compact_text, digits_only
from mailgate.policy.facility_contact import FacilityContact
from mailgate.policy.findings import Role
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.place_names import (
    cut_from_place,
    district_names,
    municipalities,
    place_before_a_name,
)
from mailgate.policy.text import normalise
from mailgate.policy.units import TextUnit


@dataclass
class MailFacts:
    """What the roles of one mail depend on, gathered once per mail."""

    department: Allowlist
    recipient_names: list[str]
    # The mail comes from a hospital or clinic (its signature says so): its doctors are staff.
    clinical: bool = False
    # Names of municipalities the mail mentions (雲雀野 of 雲雀野市), for NER spans cut from them.
    places: tuple[str, ...] = ()
    # Districts it names as places (笹生 of 笹生1190番地, 奥杣地区).
    districts: frozenset[str] = frozenset()
    # Titles the addressee bears in the salutation (会長).
    addressee_titles: frozenset[str] = frozenset()
    # The addressees' surnames as written apart from the given name ("原" of "原 美優"),
    # which may be a single character.
    recipient_surnames: frozenset[str] = frozenset()


class RoleResolver:
    def __init__(
        self,
        allowlist: dict[str, Iterable[str]] | Callable[[str], dict[str, list[str]]] | None = None,
        *,
        facility_words: Iterable[str] | None = None,
        historical_persons: Iterable[str] | None = None,
        office_contact_cues: Iterable[str] | None = None,
    ) -> None:
        # A fixed allowlist, or a function giving the one for a department slug.
        self.allowlist = allowlist or {}
        self.contact = FacilityContact(facility_words, office_contact_cues)
        # Literal names from the policy's dictionary (historical_persons.txt).
        self.historical = {_name_key(n) for n in historical_persons or [] if n.strip()}
        # Romanised two-word names are written in either order ("Utagawa Hiroshige",
        # "Hiroshige Utagawa").
        self.historical |= {
            _name_key(" ".join(reversed(n.split())))
            for n in historical_persons or []
            if re.fullmatch(r"[A-Za-z'-]+ [A-Za-z'-]+", n.strip())
        }

    def facts(self, mail: OutgoingMail, body: TextUnit | None) -> MailFacts:
        lists = self.allowlist(mail.department) if callable(self.allowlist) else self.allowlist
        department = Allowlist.from_config(lists)
        department.add_signature(mail.department_signature)
        written = [n for n in mail.recipient_names if n.strip()]
        signatures = [mail.department_signature or ""]
        titles: frozenset[str] = frozenset()
        if body is not None and body.structure is not None:
            if body.structure.signature:
                a, b = body.structure.signature
                department.add_signature(body.text[a:b])
                signatures.append(body.text[a:b])
            if body.structure.salutation_name:
                written.append(body.structure.salutation_name)
            if body.structure.salutation:
                a, b = body.structure.salutation
                titles = frozenset(cues.ADDRESSEE_TITLE.findall(body.text[a:b]))
        names = [compact_text(n) for n in written]
        clinical = any(cues.CLINICAL_SIGNATURE.search(text) for text in signatures)
        text = "\n".join([*signatures, body.normalised if body else ""])
        districts = district_names(text)
        return MailFacts(
            department,
            [n for n in names if n],
            clinical,
            municipalities(text),
            districts,
            titles,
            frozenset(filter(None, map(_surname, written))),
        )

    def role(
        self,
        unit: TextUnit,
        entity_type: str,
        start: int,
        end: int,
        facts: MailFacts,
        persons: list[tuple[int, int, Role]] | None = None,
    ) -> Role:
        """The role of unit.text[start:end]; `persons` are the unit's names with their roles."""
        structure = unit.structure
        value = unit.text[start:end]
        if structure is not None and structure.in_signature(start, end):
            return Role.STAFF if entity_type == "PERSON" else Role.ORGANIZATION
        if structure is not None and structure.in_salutation(start, end):
            return Role.RECIPIENT
        text = unit.normalised
        before, previous = _line_before(text, start), _previous_line(text, start)
        if entity_type == "PERSON":
            if cues.PLACE_GLUED_AFTER.match(text[end : end + 12]) or (
                value[-1:] in "ヶケ" and cues.KANJI.match(text[end : end + 1])
            ):
                # "若松北九州市", "霞ヶ|原の街道": no name ends in ヶ; place names do.
                return Role.ORGANIZATION
            if cut_from_place(text, start, end, facts.places):
                return Role.ORGANIZATION  # "雲|雀野東|線", "雲雀野市国民健康保険"
            if cues.AZA_BEFORE.search(text, max(0, start - 3), start):
                return Role.ORGANIZATION  # "字下川原・字大沢": districts of the town
            if cues.WORK_TITLE_AFTER.match(text, end) and _inside_quotes(text, start):
                return Role.ORGANIZATION  # 「松林猿猴図」 屏風: a work's title
            if cues.PRODUCT_BEFORE.search(text, max(0, start - 6), start):
                return Role.ORGANIZATION  # 新米「島ひかり」: a brand of rice
            compact = compact_text(value)
            if not cues.HONORIFIC_AFTER.match(text, end) and (
                compact in facts.districts
                or compact in facts.places
                or compact[-1:] in cues.QUARTERS
                and compact[:-1] in facts.places  # "汐見北" in a mail about 汐見区
                or place_before_a_name(text, end, persons or [])
            ):
                # "笹生" with "笹生1190番地" in the mail; "笹生の「油屋」", "笹生の瓜生 スミさん"
                return Role.ORGANIZATION
            if _example(text, start, end):
                return Role.ORGANIZATION  # a form's sample name, a made-up family
            if (
                cues.MEMBERS_LINE_BEFORE.match(before)
                and not cues.HONORIFIC_AFTER.match(text, end)
                and cues.CHAIR_LINE.search(_lines_above(text, start, cues.CHAIR_REACH_LINES))
            ):
                return Role.STAFF  # "委員長 杉山 弘道\n委員 浅野 健太郎、小島 誠": one roster
            if cues.ENGLISH_DUTY_AFTER.match(text, end, end + cues.ENGLISH_DUTY_REACH):
                return Role.STAFF  # "Mr. Hiroshi Uchida, Director of the Sports Promotion Division"
            role = self._person_role(value, before, text[end : end + 30], facts)
            if role == Role.THIRD_PARTY and self._historical(text, start, end):
                return Role.ORGANIZATION
            return role
        if self._published(entity_type, value, facts.department) or entity_type == "EMAIL_ADDRESS":
            # E-mail addresses never block; only published data is the organisation's.
            return Role.ORGANIZATION if entity_type != "EMAIL_ADDRESS" else Role.THIRD_PARTY
        if entity_type in ("POSTAL_ADDRESS", "JP_POSTAL_CODE"):
            home = cues.HOME_AFTER.match(text, end)
            if home:
                # "（ご自宅）" is the reader's home; "（実家）", "様方" someone's.
                return Role.RECIPIENT if "ご" in home.group() else Role.THIRD_PARTY
            after_owner = _person_after_no(text, end, persons or [])
            if after_owner is not None:
                return after_owner  # "…4丁目2番6号の楠元 蒼くん"
            if entity_type == "POSTAL_ADDRESS" and cues.ROAD_POSITION_AFTER.match(text, end):
                return Role.ORGANIZATION  # "…14番地先の市道": a place on the road
        if entity_type == "BANK_ACCOUNT" and _held_by_organisation(text, start, end):
            return Role.ORGANIZATION  # "普通預金 0382715 / 口座名義：…市病院事業管理者"
        mobile = entity_type == "PHONE_NUMBER" and cues.MOBILE.match(digits_only(value))
        if mobile and cues.DUTY_PHONE.search(before) and not cues.HONORIFIC_AFTER.search(before):
            return Role.ORGANIZATION  # "防災当直の携帯 080-…": the office's shared phone
        if (
            entity_type == "PHONE_NUMBER"
            and not mobile
            and (
                cues.OFFICE_HOURS_AFTER.match(text, end) or cues.OFFICE_NAMED_AFTER.match(text, end)
            )
            and not cues.PERSON_MARKER.search(before)
        ):
            # "電話 0749-…（平日8:30～17:15）": business hours; "0566-… (City Hall main number)"
            return Role.ORGANIZATION
        house_front = entity_type == "POSTAL_ADDRESS" and cues.HOUSE_FRONT_AFTER.match(text, end)
        if (
            entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE")
            and not mobile
            and not house_front
            and self.contact.facility_before(text, start, persons or [])
        ):
            # "可美公民館 〒432-… 浜松市…番地 電話 053-…", "会場：…\n〒…\n電話 …".
            return Role.ORGANIZATION
        if (
            entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE")
            and not mobile
            and not house_front
            and _office_hours_block(text, start, end)
        ):
            return Role.ORGANIZATION  # "・住所：…合同庁舎2階\n・電話：…\n・受付時間：…"
        if (
            entity_type == "PHONE_NUMBER"
            and not mobile
            and self.contact.offered(text, start, end, persons or [])
        ):
            # "ご予約は、お電話（0979-…）で承ります", "相談窓口\n受付時間：…\n電話：0979-…".
            return Role.ORGANIZATION
        if entity_type == "PHONE_NUMBER" and _addressee_by_title(before, facts.addressee_titles):
            return Role.RECIPIENT  # "会長 中野渡 浩 様" … "会長の携帯（090-…）"
        own_phone = cues.RECIPIENT_PHONE.search(before) if entity_type == "PHONE_NUMBER" else None
        if own_phone:
            # "ご指定いただいたお電話番号（080-…）" is their own number; "山口さんのご登録の
            # 電話番号" someone else's. "ご連絡先は、…伺った" names no one else.
            if _someone_else(before[: own_phone.start()]):
                return Role.THIRD_PARTY
            return Role.RECIPIENT
        if (
            entity_type == "PHONE_NUMBER"
            and cues.RECIPIENT_PHONE_AFTER.match(text, end)
            and not _someone_else(before)  # "携帯電話（090-…）にお電話してよい" is the reader's
            and not (persons and _owner(text, start, persons) == Role.THIRD_PARTY)
        ):
            return Role.RECIPIENT  # "本日お電話（090-…）をおかけしましたが"
        if cues.THAT_PERSON.search(before):
            return Role.THIRD_PARTY  # "…薬局の方にも…、その方の携帯電話（080-…）"
        owner = _owner(text, start, persons or [])
        if owner in (Role.THIRD_PARTY, Role.RECIPIENT):
            return owner  # "山本誠様のご住所は…", a row of a member list
        if (
            entity_type == "PHONE_NUMBER"
            and structure is not None
            and structure.in_quote(start, end)
            and not cues.OTHER_PERSON.search(_line_at(text, start))
        ):
            return Role.RECIPIENT  # the resident's own words: "> 連絡は携帯 080-… までお願いします"
        if entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE"):
            if cues.QUOTED_NAME_BEFORE.search(before):
                return Role.ORGANIZATION  # "隣の「鷺乃湯」（0896-…）"
            # A facility named just before: "宮坂区民センター（03-…）", "【会場】…\n〒…".
            mobile = entity_type == "PHONE_NUMBER" and cues.MOBILE.match(digits_only(value))
            office_after = entity_type != "PHONE_NUMBER" and cues.OFFICE_AFTER.match(text, end)
            if not mobile and (
                cues.FACILITY_SAME_LINE.search(before)
                or cues.FACILITY_HEADING.search(previous)
                or office_after
            ):
                return Role.ORGANIZATION
        if cues.THIRD_PARTY_CUE.search(before) or cues.OTHERS_HOME.search(before):
            return Role.THIRD_PARTY  # "会長のご自宅（0959-…）": the chair's home, not the reader's
        if cues.RECIPIENT_CUE.search(before) or cues.RECIPIENT_CUE.search(previous):
            return Role.RECIPIENT
        if entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE"):
            return Role.THIRD_PARTY
        # Identifiers and birth dates quoted back to a resident are, unless someone else is
        # named with them, the resident's own.
        return Role.RECIPIENT

    def _person_role(self, value: str, before: str, after: str, facts: MailFacts) -> Role:
        compact = compact_text(value)
        before = cues.READING.sub("", before)
        folded = _folded(compact)
        if any(
            folded == _folded(n) or _part_of_name(folded, _folded(n)) for n in facts.recipient_names
        ):
            return Role.RECIPIENT
        if compact in facts.recipient_surnames and cues.HONORIFIC_AFTER.match(after):
            return Role.RECIPIENT  # "原様のご都合に合わせて" for "原 美優 様"
        if facts.department.has_name(value):
            return Role.STAFF
        if cues.THANKED_AFTER.match(after):
            return Role.RECIPIENT
        if cues.STAFF_LIST_BEFORE.search(before) or cues.ENGLISH_DUTY_BEFORE.search(before):
            return Role.STAFF
        if (
            cues.UNIT_BEFORE.search(before) and cues.SELF_AFTER.match(after)
        ) or cues.SELF_ENGLISH.search(before):
            return Role.STAFF
        titled = cues.SURNAME_GAP_BEFORE.sub("", before)
        duty = cues.DUTY_BEFORE.search(before) or cues.DUTY_BEFORE.search(titled)
        if (
            duty
            and any(word in duty.group() for word in ("担当", "相談員", "支援員", "指導員"))
            and cues.HONORIFIC_AFTER.match(after)
        ):
            # "会計担当の宮本様", "デイサービスの生活相談員 浜口 恵さん": someone else's duty;
            # our staff take no 様 or さん
            duty = None
        if (duty or cues.DUTY_AFTER.match(after)) and cues.OTHER_WORKPLACE_BEFORE.search(before):
            return Role.THIRD_PARTY  # "職場の上司である井上 誠課長": the reader's workplace
        if duty or cues.DUTY_AFTER.match(after):
            return Role.STAFF
        if cues.OWN_INSTITUTION_BEFORE.search(before) and cues.OWN_TITLE_AFTER.match(after):
            return Role.STAFF  # "当院の桐生 孝 院長", "本校の山田 花子 先生"
        if facts.clinical and cues.DOCTOR_BEFORE.search(before):
            return Role.STAFF  # a hospital's mail: "As discussed with Dr. Sugimoto", "担当医の杉本"
        phone = cues.PHONE_AFTER_NAME.match(after)
        if phone and facts.department.has_phone(phone.group("phone")):
            return Role.STAFF  # "contact Mayumi Abe at 0237-42-1114": reached at the office
        if (
            cues.PUBLIC_LECTURER_BEFORE.search(before) or cues.PUBLIC_BODY_BEFORE.search(before)
        ) and not cues.ADDRESSEE_HONORIFIC.match(after):
            return Role.STAFF  # "講師：埼玉県動物指導センター 獣医師 加賀谷 聡 氏"
        if cues.OFFICE_PAREN_AFTER.match(after) or cues.OFFICIAL_PROFESSION_AFTER.match(after):
            return Role.STAFF  # "宮下（産業振興課）0265-…", "鰐淵 美和（鷭沢区 理学療法士）"
        if not cues.HONORIFIC_AFTER.match(after) and (
            cues.TITLE_BEFORE.search(before)
            or cues.TITLE_BEFORE.search(titled)
            or cues.CHAIR_OF_OURS_BEFORE.search(before)
            or (cues.UNIT_SPACE_BEFORE.search(before) and cues.STAFF_NAME_AFTER.match(after))
        ):
            return Role.STAFF
        if cues.SENSEI_AFTER.match(after) and cues.SCHOOL_POST_BEFORE.search(titled):
            return Role.STAFF  # "養護教諭の田村 由紀先生"
        if cues.HISTORICAL_AFTER.match(after) or cues.WORK_AUTHOR_AFTER.match(after):
            return Role.ORGANIZATION
        return Role.THIRD_PARTY

    def historical_part(self, value: str) -> tuple[int, int] | None:
        """Offsets of a well-known historical name that opens or closes `value` when the rest is
        another word glued to it ("伊能忠敬ゆかり", "伊能忠敬 測量"), else None."""
        if _name_key(value) in self.historical:
            return None
        for cut in range(len(value) - 1, 0, -1):
            head, tail = value[:cut], value[cut:]
            if len(_name_key(head)) >= 3 and _name_key(head) in self.historical:
                return 0, len(head.rstrip(" \u3000"))
            if len(_name_key(tail)) >= 3 and _name_key(tail) in self.historical:
                return len(value) - len(tail.lstrip(" \u3000")), len(value)
        return None

    def _historical(self, text: str, start: int, end: int) -> bool:
        """A historical person: a well-known name, or two history words around a bare name."""
        if cues.titled(text, start, end):
            return False
        if _name_key(text[start:end]) in self.historical:
            return True
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if cues.CONTACT_IN_LINE.search(line):
            return False
        # A blank line ends the window: the next paragraph is about something else.
        head = text[max(0, start - cues.HISTORICAL_WINDOW) : start].rsplit("\n\n", 1)[-1]
        tail = text[end : end + cues.HISTORICAL_WINDOW].split("\n\n", 1)[0]
        words = {m.group().lower() for m in cues.HISTORICAL_CONTEXT.finditer(head + "\n" + tail)}
        return len(words) >= 2

    @staticmethod
    def _published(entity_type: str, value: str, department: Allowlist) -> bool:
        if entity_type == "PHONE_NUMBER":
            return department.has_phone(value)
        if entity_type == "JP_POSTAL_CODE":
            return digits_only(value) in department.postal_codes
        if entity_type == "POSTAL_ADDRESS":
            return department.has_address(value)
        return False


def same_person_roles(
    text: str, persons: list[tuple[int, int, Role]]
) -> list[tuple[int, int, Role]]:
    """A name repeated in one mail keeps the role it has where it is explained.

    "保健福祉課の村上です" makes 村上 staff, and so is the bare "村上" closing the mail; the
    given name of a historical person named in full ("貝原益軒" … "益軒先生") is theirs too.
    """
    staff = {compact_text(text[a:b]) for a, b, role in persons if role == Role.STAFF}
    # The sender's surname from their self-introduction ("中央児童相談所の有村です"), even
    # where the recogniser did not take the lone surname for a name.
    introduced = {compact_text(m.group("name")) for m in cues.SELF_INTRODUCTION.finditer(text)}
    # A historical person's full name, for the given name alone elsewhere ("貝原益軒" … "益軒").
    historical = {compact_text(text[a:b]) for a, b, role in persons if role == Role.ORGANIZATION}
    settled: list[tuple[int, int, Role]] = []
    for a, b, role in persons:
        name = compact_text(text[a:b])
        if role == Role.THIRD_PARTY and any(
            name != h and _part_of_name(name, h) for h in historical
        ):
            role = Role.ORGANIZATION
        if role == Role.THIRD_PARTY and (
            any(name == s or _part_of_name(name, s) for s in staff)
            or (_signature_line(text, a, b) and any(name.startswith(s) for s in staff | introduced))
        ):
            role = Role.STAFF
        # A reading in parentheses right after a name is that name ("李 美玲（リ・メイリン）").
        if (
            settled
            and text[a - 1 : a] in "（("
            and settled[-1][1] == a - 1
            and text[b : b + 1] in "）)"
        ):
            role = settled[-1][2]
        settled.append((a, b, role))
    return settled


def _signature_line(text: str, start: int, end: int) -> bool:
    """A name alone on its line (or after 担当：), as in a closing block: "内山 葵"."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    return bool(cues.SIGNATURE_NAME_LINE.match(text[line_start:start])) and (
        not rest.strip() or bool(cues.SIGNATURE_CONTACT_REST.match(rest))
    )


def _name_key(value: str) -> str:
    # "ウィリアム・S・クラーク", "ウィリアム S クラーク" and "徳川 家康" compare without separators.
    return re.sub(r"[\s・･=＝.]", "", normalise(value)).lower()


def _someone_else(before: str) -> bool:
    """Whether a person other than the reader is named before a number on its line; the words
    for a contact detail (携帯, ご連絡先) name no one."""
    return any(
        not cues.THIRD_PARTY_CUE.fullmatch(marker.group())
        for marker in cues.PERSON_MARKER.finditer(before)
    )


def _surname(written: str) -> str:
    """The surname of a Japanese name written with a space ("原 美優" -> "原"), else ""."""
    words = written.split()
    if len(words) == 2 and all(cues.KANJI.match(word) for word in words):
        return words[0]
    return ""


# Old and new forms of the kanji that names are written in (濱崎 / 浜崎, 髙橋 / 高橋): a name
# written in either form, as in a correction of the reader's own name, is the same name.
_KANJI_FORMS = str.maketrans(
    "濱濵髙﨑邊邉齋齊澤櫻廣國嶋槇德惠曻", "浜浜高崎辺辺斎斉沢桜広国島槙徳恵昇"
)


def _folded(name: str) -> str:
    return name.translate(_KANJI_FORMS)


def _part_of_name(part: str, name: str) -> bool:
    # "清水" in the body for the addressee "清水 幸子"; "Nguyen" for "Van An Nguyen".
    return len(part) >= 2 and (name.startswith(part) or name.endswith(part))


def _owner(text: str, start: int, persons: list[tuple[int, int, Role]]) -> Role | None:
    """The role of the last name before `start` on its line, else on the line before."""
    line_start = text.rfind("\n", 0, start) + 1
    previous_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1 if line_start else line_start
    for window_start in (line_start, previous_start):
        before = [p for p in persons if window_start <= p[0] and p[1] <= start]
        if before:
            return max(before)[2]
    return None


def _addressee_by_title(before: str, titles: frozenset[str]) -> bool:
    """The phone introduced by the addressee's title ("会長の携帯（"), not another's
    ("副会長の山田様の携帯": the title must stand right before の携帯, no 様 after it)."""
    if not titles:
        return False
    pattern = "|".join(map(re.escape, sorted(titles)))
    return (
        re.search(
            rf"(?<![\u4e00-\u9fff])(?:{pattern})の(?:携帯|お?電話|ご自宅)[^\n。様さん]{{0,8}}$",
            before,
        )
        is not None
    )


def _person_after_no(text: str, end: int, persons: list[tuple[int, int, Role]]) -> Role | None:
    """The role of a person named right after "の" ("…2番6号の楠元 蒼くん"), else None."""
    if text[end : end + 1] != "の":
        return None
    return next((role for p_start, _, role in persons if p_start == end + 1), None)


def _example(text: str, start: int, end: int) -> bool:
    """The name's line or a heading above it in the same block marks it a sample
    (SAMPLE_CUE), or its paragraph says its people are made up (FICTIONAL_CUE)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if cues.SAMPLE_CUE.search(text, line_start, len(text) if line_end < 0 else line_end):
        return True
    block_start = line_start
    for _ in range(cues.SAMPLE_LOOKBACK_LINES):
        if block_start == 0:
            break
        previous = text.rfind("\n", 0, block_start - 1) + 1
        line = text[previous : block_start - 1]
        if not line.strip():
            break  # a blank line ends the block
        if cues.SAMPLE_CUE.search(line) or cues.FICTIONAL_CUE.search(line):
            return True
        block_start = previous
    return cues.FICTIONAL_CUE.search(text, line_start, start) is not None


def _held_by_organisation(text: str, start: int, end: int) -> bool:
    """A public body named as the account's holder on its line or the two lines around it."""
    lines_start, lines_end = start, end
    for _ in range(cues.HOLDER_REACH_LINES):
        lines_start = text.rfind("\n", 0, max(0, lines_start - 1)) + 1
        following = text.find("\n", lines_end + 1)
        lines_end = len(text) if following < 0 else following
    return cues.ORGANISATION_HOLDER.search(text, lines_start, lines_end) is not None


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[text.rfind("\n", 0, start) + 1 : len(text) if end < 0 else end]


def _line_before(text: str, start: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : start]


def _office_hours_block(text: str, start: int, end: int) -> bool:
    """Office hours on a line of the block around the value, and no person named in it."""
    block_start = text.rfind("\n", 0, start) + 1
    for _ in range(cues.OFFICE_BLOCK_LINES):
        above = text.rfind("\n", 0, max(0, block_start - 1)) + 1
        if block_start == 0 or not text[above : block_start - 1].strip():
            break
        block_start = above
    block_end = text.find("\n", end)
    block_end = len(text) if block_end < 0 else block_end
    for _ in range(cues.OFFICE_BLOCK_LINES):
        following = text.find("\n", block_end + 1)
        following = len(text) if following < 0 else following
        if block_end >= len(text) or not text[block_end + 1 : following].strip():
            break
        block_end = following
    block = text[block_start:block_end]
    return bool(cues.OFFICE_HOURS_LINE.search(block)) and not cues.PERSON_MARKER.search(block)


def _lines_above(text: str, start: int, count: int) -> str:
    """The `count` whole lines above the line of `start`."""
    line_start = text.rfind("\n", 0, start) + 1
    above = line_start - 1
    for _ in range(count):
        if above <= 0:
            break
        above = text.rfind("\n", 0, above)
    return text[max(0, above + 1) : max(0, line_start - 1)]


def _previous_line(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start)
    if line_start <= 0:
        return ""
    return text[text.rfind("\n", 0, line_start) + 1 : line_start]


def _inside_quotes(text: str, start: int) -> bool:
    """Whether an unclosed 「 or 『 opens before `start` on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    opened = max(text.rfind("「", line_start, start), text.rfind("『", line_start, start))
    closed = max(text.rfind("」", line_start, start), text.rfind("』", line_start, start))
    return opened > closed

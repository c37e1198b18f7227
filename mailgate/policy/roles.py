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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from mailgate.policy.findings import Role
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.text import normalise
from mailgate.policy.units import TextUnit

PHONE_IN_TEXT = re.compile(r"\+?\d[\d\-() ]{8,}\d")
POSTAL_IN_TEXT = re.compile(r"\d{3}-\d{4}")
NAME_IN_TEXT = re.compile(
    r"[\u3400-\u9fff々ァ-ヴー]{2,}(?:[ \u3000][\u3400-\u9fff々ァ-ヴー]+)?|[A-Z][a-z]+(?: [A-Z][a-z]+)+"
)

# The sender or a colleague in their duties: "…課の鈴木です", "担当：鈴木", "区長の小林恵子から".
UNIT_BEFORE = re.compile(
    r"(課|係|部|室|所|局|館|班|センター|グループ|担当|区役所|役場|委員会|事務局|Division|Section|Office)"
    r"の?[ \u3000]*$"
)
SELF_AFTER = re.compile(r"^[ \u3000]*(です|でございます|と申します|が担当|から|より|まで|が承り)")
SELF_ENGLISH = re.compile(r"(?:\bThis is|\bMy name is|\bI am|\bI'm)[ ]*$")
DUTY_BEFORE = re.compile(
    r"(区長|副区長|市長|副市長|町長|村長|知事|教育長|議長|所長|館長|センター長|部長|課長|係長|主査|主任|"
    r"担当者?|窓口担当|保健師|相談員|支援員|指導員)(?:の|は|：|:|、|[ \u3000])*$"
)
# More duty titles (school, fire, health, committee staff). A title followed by the name with
# only a space, の or は ("選挙管理委員長 鶴田 正義", "5年2組担任の中島です") names an official
# in their duties, unless an honorific follows the name (then it is someone addressed).
TITLE_BEFORE = re.compile(
    r"(委員長|副委員長|院長|副院長|校長|副校長|教頭|主幹教諭|教諭|養護教諭|担任|副担任|学年主任|園長|副園長|"
    r"主事|主任|主査|主幹|参事|次長|係長|課長補佐|課長代理|室長|局長|署長|所長|館長|センター長|"
    r"事務局長|保健師|管理栄養士|栄養士|指導主事|社会教育主事|司書|学芸員|技師|消防司令長?|"
    r"消防司令補|消防士長|消防副士長|消防士|救急隊長|隊長|分団長|相談員|支援員|指導員|調査員|"
    r"専門員|ケースワーカー|担当者?)(?:の|は|：|:|、|[ \u3000])+$"
)
# An office unit directly before the name, separated by a space: "業務係　小野寺 勉".
UNIT_SPACE_BEFORE = re.compile(
    r"(課|係|室|グループ|担当|センター|校|園|館|所|局|事務局|委員会|Section|Division|Office)"
    r"[ \u3000]+$"
)
# What may follow such a name: the end of the line, a particle of the sender's duty, a bracket.
STAFF_NAME_AFTER = re.compile(
    r"^[ \u3000]*(?:$|\n|より|から|が|です|でございます|と申します|[（(、,])"
)
# An official with the title after the name: "中西 健太郎市長", "石橋副市長", "山口校長".
DUTY_AFTER = re.compile(
    r"^[ \u3000]*(副?(?:区長|市長|町長|村長|知事|議長)|教育長|教育委員長|館長|校長|副校長|教頭|"
    r"院長|副院長|園長|所長|署長|局長|部長|課長|係長|室長|センター長|支所長|事務局長)"
)
# The speaker's own institution before the name ("当院の桐生 孝 院長", "本校の山田 花子 先生"):
# with a title or 先生 after the name, one of its officials in their duties.
OWN_INSTITUTION_BEFORE = re.compile(
    r"(当院|当課|当係|当室|本課|本校|当校|当館|当園|当所|当署|当センター|当事務局)の[ \u3000]*$"
)
OWN_TITLE_AFTER = re.compile(
    r"^[ \u3000]?(先生|医師|院長|副院長|看護師|保健師|管理栄養士|栄養士|教諭|校長|副校長|教頭|"
    r"館長|園長|所長|署長|課長|係長|室長|主任|主査|センター長|学芸員|司書|指導員|相談員)"
)
# A name followed by its office in parentheses: "宮下（産業振興課）0265-…", "宮下（産業振興課・内線215）".
OFFICE_PAREN_AFTER = re.compile(
    r"^[ \u3000]?[（(][^（()）\n]{0,20}(課|係|室|班|担当|センター|事務局|支所|出張所|局|部|館|所)"
    r"(?:[・、 \u3000][^（()）\n]{0,12})?[）)]"
)
HISTORICAL_AFTER = re.compile(
    r"^.{0,3}(を祀|の墓|墓所|ゆかり|生誕|没後|の旧居|の旧宅|の銅像|像|公園|記念館|が眠る)"
)
# Words around a historical person (a lecture, an exhibition, a local history): two different
# ones near a name without an honorific and without contact data make it history, not a person.
HISTORICAL_CONTEXT = re.compile(
    r"(時代|ゆかり|没後|生誕|の墓|墓所|招いた|招かれ|開拓使|幕府|幕末|維新|藩|城|明治|大正|江戸|戦国|"
    r"鎌倉|室町|平安|奈良時代|安土|桃山|武将|大名|将軍|天皇|藩主|城主|古文書|史跡|史料|歴史|偉人|"
    r"先人|功績|生涯|銅像|記念館|博物館|資料館|学芸員|大河ドラマ|テーマ|講座|合戦|戦い|"
    r"博物学者|学者|研究した|研究で知られ|文豪|俳人|歌人|詩人|作家|画家|思想家|発明家|探検家|"
    r"植物学|民俗学|功労者|業績|代表作|絵師|浮世絵|肉筆|版画|錦絵|"
    r"\bcentury\b|\bhistor|\bmuseum\b|\bcurator\b|\bcollection\b|\bexhibition\b|\bprints?\b|"
    r"\bworks\b|\bpainter\b|\bpoet\b|\bnovelist\b|\bartist\b|\bukiyo-e\b|\bEdo\b|\bMeiji\b|"
    r"\bshogun\b|\bsamurai\b|\bwarlord\b|\blecture\b)",
    re.IGNORECASE,
)
# An English title before a name ("Ms. Sato", "Dr. Mori"): a living person addressed or named.
ENGLISH_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ \u3000]*$")
# A hospital's or clinic's signature, and a doctor's title before a name.
CLINICAL_SIGNATURE = re.compile(
    r"(病院|診療所|クリニック|医療センター|\bHospital\b|\bClinic\b|\bMedical Center\b)",
    re.IGNORECASE,
)
DOCTOR_BEFORE = re.compile(
    r"(\b(?:Dr|Doctor)\.?[ \u3000]*|(?:医師|担当医|主治医)(?:の|は|：|:|[ \u3000])*)$"
)
# A family name that NER left out of the span, between a title and the given name
# ("教育長 三国 久美子": the span is 久美子).
SURNAME_GAP_BEFORE = re.compile(r"[\u4e00-\u9fff々]{2,3}[ \u3000]+$")
KANJI = re.compile(r"[\u4e00-\u9fff々]")
# A "name" glued to a municipality's name ("若松北九州市"): part of a place name, not a person.
PLACE_GLUED_AFTER = re.compile(r"^[\u4e00-\u9fff々ヶ]{0,5}?(?:市|区|町|村|郡|県)(?![長内場議会])")
HISTORICAL_WINDOW = 40
HONORIFIC_AFTER = re.compile(r"[ \u3000]?(様|さま|さん|氏|殿|くん|君|ちゃん|先生)")
CONTACT_IN_LINE = re.compile(r"(\d{2,4}-\d{2,4}-\d{3,4}|〒|\d{3}-\d{4}|電話|TEL|Tel|携帯|住所)")
_FACILITY = (
    r"(会場|センター|会館|区役所|役所|庁舎|支所|出張所|施設|ホール|図書館|集会所|体育館|公園|病院|"
    r"博物館|美術館|資料館|Museum|Gallery|"
    r"事務所|窓口|課|係|代表|FAX|ファクス|ファックス|Office|Center|Hall|Library|Venue)"
)
# "宮坂区民センター（03-…）", "FAX：…" on the same line, or a heading line "【会場】宮坂区民センター".
FACILITY_SAME_LINE = re.compile(_FACILITY + r"[^\n様氏。]{0,20}$")
FACILITY_HEADING = re.compile(_FACILITY + r"[ \u3000）)】」]*$")
# "〒154-8504 世田谷区世田谷4-21-27 世田谷区役所 保健福祉課 宛": an office's address named after it.
OFFICE_AFTER = re.compile(
    r"[^\n。]{0,45}?(区役所|市役所|役場|庁舎|支所|出張所|センター|会館|課|係)"
)
RECIPIENT_CUE = re.compile(
    r"(ご住所|お住まい|ご登録の|ご自宅|お客様の|あなたの|\byour\b[^\n]{0,25}$)", re.IGNORECASE
)
THIRD_PARTY_CUE = re.compile(r"(ご連絡先|連絡先は|携帯)")
# What makes a line a person's rather than a facility's: an honorific or a title of address.
PERSON_MARKER = re.compile(
    r"(様|さま|さん|氏|殿|\b(?:Mr|Ms|Mrs|Miss|Mx|Dr)\b\.?)|"
    r"((?:った|いる|した|の)方(?:の|は|が|に|へ|から))|"
    r"(申込者|申請者|届出人|世帯主|転居先|転入先|転出先|新住所|旧住所|新しいご?住所|実家|自宅|現住所)|"
    + THIRD_PARTY_CUE.pattern
)
# Lines between a facility's name and its number: a postal code, an address, a phone or FAX.
CONTACT_LINE = re.compile(
    r"(〒|\d|電話|TEL|Tel|FAX|Fax|ファクス|住所|所在地|Phone|Address|丁目|番地|[A-Z][a-z]+-(?:ku|shi|cho))"
)
FACILITY_LOOKBACK_LINES = 3
# A facility that is only the topic of a sentence ("児童館の件は045-…へ") does not own the number.
FACILITY_TOPIC = re.compile(r"(件|について|に関し|問い?合わ?せ|連絡|相談|申し?込|ください|。)")
MOBILE = re.compile(r"^(?:0|81)[789]0")
# A number introduced as a phone: "お電話（0979-…）", "（電話 0979-…）", "電話：0979-…".
PHONE_INTRO = re.compile(
    r"(電話|TEL|Tel|☎)(?:番号)?[ \u3000]*[（(：:]?[ \u3000]*$"
    # "…の問い合わせ先は0264-…です", "お問合せ先：…"; "call us at +81 …"
    r"|(?:問い?合わ?せ|問合せ)先?(?:は|：|:)[ \u3000]*$|\b(?:call|phone|reach) us (?:at|on)[ ]*$",
    re.IGNORECASE,
)
# A phone offered earlier in the line with the number in parentheses at its end:
# "お電話でご予約ください（03-…）", "お電話でお問い合わせください（…）".
PHONE_CUE_PAREN = re.compile(r"(お?電話|TEL|Tel|☎)[^\n（()）]{0,25}[（(][ \u3000]*$")
# The recipient's own phone referred to as theirs: "ご指定いただいたお電話番号（…）",
# "ご登録の電話番号", "あなたの携帯電話".
RECIPIENT_PHONE = re.compile(
    r"(ご指定(?:いただいた|いただきました|の|された)?|ご登録(?:いただいた|いただいている|の|された)?|"
    r"お届け(?:いただいた|の)|ご申告(?:いただいた|の)?|あなたの|あなた様の|お客様の)"
    r"[ \u3000]*(?:ご自宅の|ご連絡先の)?(?:お?電話|携帯|連絡先|TEL|Tel)[^\n。様さん氏]{0,8}$"
    # "いただいたメールに記載のあった 080-…": the number the resident wrote in their mail.
    r"|(?:いただいた|頂いた)(?:メール|お便り|ご連絡)に(?:記載|記入)の(?:あった)?[ \u3000]*$"
)
PHONE_CAPTION_LINE = re.compile(
    r"^[ \u3000・]*(?:お?電話|TEL|Tel|☎)(?:番号)?[ \u3000]*[：:]?[ \u3000]*$"
)
# Words that make a number someone's rather than the office's, on top of PERSON_MARKER.
PRIVATE_PHONE = re.compile(r"(自宅|携帯|個人|ご家族|ご本人|連絡先は|の方)")
OFFICE_CUE_LOOKBACK_LINES = 3


@dataclass
class Allowlist:
    """The organisation's own public data, from the policy (and the department's signature)."""

    phones: set[str] = field(default_factory=set)  # digits only; "0354321*" is a prefix
    addresses: set[str] = field(default_factory=set)  # whitespace removed
    postal_codes: set[str] = field(default_factory=set)  # digits only
    names: set[str] = field(default_factory=set)  # whitespace removed

    @classmethod
    def from_config(cls, config: Mapping[str, Iterable[str]] | None) -> Allowlist:
        config = config or {}
        return cls(
            phones={
                _digits(p) + ("*" if p.endswith("*") else "") for p in config.get("phones", [])
            },
            addresses={_compact(a) for a in config.get("addresses", [])},
            postal_codes={_digits(p) for p in config.get("postal_codes", [])},
            names={_compact(n) for n in config.get("names", [])},
        )

    def add_signature(self, signature: str) -> None:
        text = normalise(signature)
        self.phones |= {_digits(m.group()) for m in PHONE_IN_TEXT.finditer(text)}
        self.postal_codes |= {_digits(m.group()) for m in POSTAL_IN_TEXT.finditer(text)}
        self.addresses.add(_compact(text))  # an address matches when it occurs in the signature
        self.names |= {_compact(m.group()) for m in NAME_IN_TEXT.finditer(text)}

    def has_phone(self, value: str) -> bool:
        digits = _digits(value)
        return any(
            digits.startswith(p[:-1]) if p.endswith("*") else digits == p for p in self.phones if p
        )

    def has_address(self, value: str) -> bool:
        compact = _compact(value)
        return bool(compact) and any(
            compact == a or (len(compact) >= 6 and compact in a) for a in self.addresses
        )

    def has_name(self, value: str) -> bool:
        compact = _compact(value)
        return any(
            compact == n or (len(compact) >= 2 and n.startswith(compact)) for n in self.names
        )


def _digits(value: str) -> str:
    return re.sub(r"\D", "", normalise(value))


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", normalise(value)).lower()


@dataclass
class MailFacts:
    """What the roles of one mail depend on, gathered once per mail."""

    department: Allowlist
    recipient_names: list[str]
    # The mail comes from a hospital or clinic (its signature says so): its doctors are staff.
    clinical: bool = False


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
        # Literal words from the policy's dictionaries (facility_words.txt, historical_persons.txt).
        words = sorted({w for w in (facility_words or []) if w}, key=len, reverse=True)
        self.facility = re.compile("|".join(map(re.escape, words))) if words else None
        self.historical = {_name_key(n) for n in historical_persons or [] if n.strip()}
        # Romanised two-word names are written in either order ("Utagawa Hiroshige",
        # "Hiroshige Utagawa").
        self.historical |= {
            _name_key(" ".join(reversed(n.split())))
            for n in historical_persons or []
            if re.fullmatch(r"[A-Za-z'-]+ [A-Za-z'-]+", n.strip())
        }
        # Wording that offers the office's own service by phone (office_contact_cues.txt).
        cues = sorted({w for w in (office_contact_cues or []) if w}, key=len, reverse=True)
        self.office_cues = re.compile("|".join(map(re.escape, cues))) if cues else None

    def facts(self, mail: OutgoingMail, body: TextUnit | None) -> MailFacts:
        lists = self.allowlist(mail.department) if callable(self.allowlist) else self.allowlist
        department = Allowlist.from_config(lists)
        department.add_signature(mail.department_signature)
        names = [_compact(n) for n in mail.recipient_names if n.strip()]
        signatures = [mail.department_signature or ""]
        if body is not None and body.structure is not None:
            if body.structure.signature:
                a, b = body.structure.signature
                department.add_signature(body.text[a:b])
                signatures.append(body.text[a:b])
            if body.structure.salutation_name:
                names.append(_compact(body.structure.salutation_name))
        clinical = any(CLINICAL_SIGNATURE.search(text) for text in signatures)
        return MailFacts(department, [n for n in names if n], clinical)

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
            if PLACE_GLUED_AFTER.match(text[end : end + 12]) or (
                value[-1:] in "ヶケ" and KANJI.match(text[end : end + 1])
            ):
                # "若松北九州市", "霞ヶ|原の街道": no name ends in ヶ; place names do.
                return Role.ORGANIZATION
            role = self._person_role(value, before, text[end : end + 30], facts)
            if role == Role.THIRD_PARTY and self._historical(text, start, end):
                return Role.ORGANIZATION
            return role
        if self._published(entity_type, value, facts.department) or entity_type == "EMAIL_ADDRESS":
            # E-mail addresses never block; only published data is the organisation's.
            return Role.ORGANIZATION if entity_type != "EMAIL_ADDRESS" else Role.THIRD_PARTY
        mobile = entity_type == "PHONE_NUMBER" and MOBILE.match(_digits(value))
        if (
            entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE")
            and not mobile
            and self._facility_before(text, start, persons or [])
        ):
            # "可美公民館 〒432-… 浜松市…番地 電話 053-…", "会場：…\n〒…\n電話 …".
            return Role.ORGANIZATION
        if (
            entity_type == "PHONE_NUMBER"
            and not mobile
            and self._office_contact(text, start, end, persons or [])
        ):
            # "ご予約は、お電話（0979-…）で承ります", "相談窓口\n受付時間：…\n電話：0979-…".
            return Role.ORGANIZATION
        own_phone = RECIPIENT_PHONE.search(before) if entity_type == "PHONE_NUMBER" else None
        if own_phone:
            # "ご指定いただいたお電話番号（080-…）" is their own number; "山口さんのご登録の
            # 電話番号" someone else's.
            if PERSON_MARKER.search(before[: own_phone.start()]):
                return Role.THIRD_PARTY
            return Role.RECIPIENT
        owner = _owner(text, start, persons or [])
        if owner in (Role.THIRD_PARTY, Role.RECIPIENT):
            return owner  # "山本誠様のご住所は…", a row of a member list
        if entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE"):
            # A facility named just before: "宮坂区民センター（03-…）", "【会場】…\n〒…".
            mobile = entity_type == "PHONE_NUMBER" and MOBILE.match(_digits(value))
            office_after = entity_type != "PHONE_NUMBER" and OFFICE_AFTER.match(text, end)
            if not mobile and (
                FACILITY_SAME_LINE.search(before)
                or FACILITY_HEADING.search(previous)
                or office_after
            ):
                return Role.ORGANIZATION
        if THIRD_PARTY_CUE.search(before):
            return Role.THIRD_PARTY
        if RECIPIENT_CUE.search(before) or RECIPIENT_CUE.search(previous):
            return Role.RECIPIENT
        if entity_type in ("PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE"):
            return Role.THIRD_PARTY
        # Identifiers and birth dates quoted back to a resident are, unless someone else is
        # named with them, the resident's own.
        return Role.RECIPIENT

    def _person_role(self, value: str, before: str, after: str, facts: MailFacts) -> Role:
        compact = _compact(value)
        if any(compact == n or _part_of_name(compact, n) for n in facts.recipient_names):
            return Role.RECIPIENT
        if facts.department.has_name(value):
            return Role.STAFF
        if (UNIT_BEFORE.search(before) and SELF_AFTER.match(after)) or SELF_ENGLISH.search(before):
            return Role.STAFF
        titled = SURNAME_GAP_BEFORE.sub("", before)
        if DUTY_BEFORE.search(before) or DUTY_BEFORE.search(titled) or DUTY_AFTER.match(after):
            return Role.STAFF
        if OWN_INSTITUTION_BEFORE.search(before) and OWN_TITLE_AFTER.match(after):
            return Role.STAFF  # "当院の桐生 孝 院長", "本校の山田 花子 先生"
        if facts.clinical and DOCTOR_BEFORE.search(before):
            return Role.STAFF  # a hospital's mail: "As discussed with Dr. Sugimoto", "担当医の杉本"
        if OFFICE_PAREN_AFTER.match(after):
            return Role.STAFF  # "宮下（産業振興課）0265-…"
        if not HONORIFIC_AFTER.match(after) and (
            TITLE_BEFORE.search(before)
            or TITLE_BEFORE.search(titled)
            or (UNIT_SPACE_BEFORE.search(before) and STAFF_NAME_AFTER.match(after))
        ):
            return Role.STAFF
        if HISTORICAL_AFTER.match(after):
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
        if HONORIFIC_AFTER.match(text, end) or ENGLISH_TITLE_BEFORE.search(text, 0, start):
            return False
        if _name_key(text[start:end]) in self.historical:
            return True
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if CONTACT_IN_LINE.search(line):
            return False
        # A blank line ends the window: the next paragraph is about something else.
        head = text[max(0, start - HISTORICAL_WINDOW) : start].rsplit("\n\n", 1)[-1]
        tail = text[end : end + HISTORICAL_WINDOW].split("\n\n", 1)[0]
        cues = {m.group().lower() for m in HISTORICAL_CONTEXT.finditer(head + "\n" + tail)}
        return len(cues) >= 2

    def _facility_before(self, text: str, start: int, persons: list[tuple[int, int, Role]]) -> bool:
        """A public facility named on this line before `start`, or up to three lines above
        with only contact lines (〒, address, phone) in between and no person named."""
        if self.facility is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        segments = [(line_start, start)]
        while len(segments) <= FACILITY_LOOKBACK_LINES and segments[-1][0] > 0:
            end = segments[-1][0] - 1
            previous = text.rfind("\n", 0, end) + 1
            if not text[previous:end].strip():
                break  # a blank line ends the block
            segments.append((previous, end))
        for index, (a, b) in enumerate(segments):
            segment = text[a:b]
            facility = max((m.end() for m in self.facility.finditer(segment)), default=-1)
            person = max(
                [m.end() for m in PERSON_MARKER.finditer(segment)]
                + [m.end() for m in RECIPIENT_CUE.finditer(segment)]
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
                return not FACILITY_TOPIC.search(segment[facility:])
            if index and not CONTACT_LINE.search(segment):
                return False
        return False

    def _office_contact(
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
        if not PHONE_INTRO.search(before) and not PHONE_CUE_PAREN.search(before):
            return False

        def private(a: int, b: int) -> bool:
            segment = text[a:b]
            return bool(
                PERSON_MARKER.search(segment)
                or PRIVATE_PHONE.search(segment)
                or RECIPIENT_CUE.search(segment)
                or any(
                    a <= p_start and p_end <= b and role in (Role.THIRD_PARTY, Role.RECIPIENT)
                    for p_start, p_end, role in persons
                )
            )

        if private(line_start, line_end):
            return False
        if self.office_cues.search(text, line_start, line_end):
            return True
        if not PHONE_CAPTION_LINE.match(before):
            return False
        # "電話：…" under a caption line of the same block ("受付時間：…", "【相談窓口】").
        a = line_start
        for _ in range(OFFICE_CUE_LOOKBACK_LINES):
            if a == 0:
                return False
            b = a - 1
            a = text.rfind("\n", 0, b) + 1
            if not text[a:b].strip() or private(a, b):
                return False
            if self.office_cues.search(text, a, b):
                return True
        return False

    @staticmethod
    def _published(entity_type: str, value: str, department: Allowlist) -> bool:
        if entity_type == "PHONE_NUMBER":
            return department.has_phone(value)
        if entity_type == "JP_POSTAL_CODE":
            return _digits(value) in department.postal_codes
        if entity_type == "POSTAL_ADDRESS":
            return department.has_address(value)
        return False


def same_person_roles(
    text: str, persons: list[tuple[int, int, Role]]
) -> list[tuple[int, int, Role]]:
    """A name repeated in one mail keeps the role it has where it is explained.

    "保健福祉課の村上です" makes 村上 staff, and so is the bare "村上" closing the mail.
    """
    staff = {_compact(text[a:b]) for a, b, role in persons if role == Role.STAFF}
    # The sender's surname from their self-introduction ("中央児童相談所の有村です"), even
    # where the recogniser did not take the lone surname for a name.
    introduced = {_compact(m.group("name")) for m in SELF_INTRODUCTION.finditer(text)}
    settled = []
    for a, b, role in persons:
        name = _compact(text[a:b])
        if role == Role.THIRD_PARTY and (
            any(name == s or _part_of_name(name, s) for s in staff)
            or (_signature_line(text, a, b) and any(name.startswith(s) for s in staff | introduced))
        ):
            role = Role.STAFF
        settled.append((a, b, role))
    return settled


SELF_INTRODUCTION = re.compile(
    r"(?:課|係|室|所|局|館|班|センター|グループ|委員会|事務局|役場|役所)の"
    r"(?P<name>[\u3400-\u9fff々]{1,4})(?:です|でございます|と申します)"
)
SIGNATURE_NAME_LINE = re.compile(r"^[ \u3000]*(?:担当(?:者)?[：: \u3000]*)?$")
# What may follow such a name on its line: its mailbox or phone ("有村 綾 ＜…@…＞", "TEL …").
SIGNATURE_CONTACT_REST = re.compile(
    r"^[ \u3000]*(?:[<＜(（]?[\w.+-]+@[\w.-]+[>＞)）]?|(?:TEL|Tel|電話)?[：: \u3000]*"
    r"0[1-9][\d-]{8,12})[ \u3000]*$"
)


def _signature_line(text: str, start: int, end: int) -> bool:
    """A name alone on its line (or after 担当：), as in a closing block: "内山 葵"."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    return bool(SIGNATURE_NAME_LINE.match(text[line_start:start])) and (
        not rest.strip() or bool(SIGNATURE_CONTACT_REST.match(rest))
    )


def _name_key(value: str) -> str:
    # "ウィリアム・S・クラーク", "ウィリアム S クラーク" and "徳川 家康" compare without separators.
    return re.sub(r"[\s・･=＝.]", "", normalise(value)).lower()


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


def _line_before(text: str, start: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : start]


def _previous_line(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start)
    if line_start <= 0:
        return ""
    return text[text.rfind("\n", 0, line_start) + 1 : line_start]

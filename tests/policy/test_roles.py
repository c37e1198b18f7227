"""Roles: position, the department's published data, and the words around what was found."""

from __future__ import annotations

import pytest

from mailgate.policy.findings import Role
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.roles import Allowlist, RoleResolver
from mailgate.policy.structure import analyse
from mailgate.policy.units import TextUnit

SIGNATURE = "\n\n-----\n地域振興課　振興係　佐藤 明\nTEL 03-1234-5678\n"


def role_of(
    body: str,
    value: str,
    entity_type: str,
    *,
    occurrence: int = 0,
    persons: list[tuple[str, Role]] = (),  # type: ignore[assignment]
    allowlist: dict | None = None,
    mail: OutgoingMail | None = None,
) -> Role:
    unit = TextUnit("body", body, structure=analyse(body))
    resolver = RoleResolver(allowlist)
    facts = resolver.facts(mail or OutgoingMail(subject="", body=body), unit)
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(value, start + 1)
    spans = [(body.index(name), body.index(name) + len(name), role) for name, role in persons]
    return resolver.role(unit, entity_type, start, start + len(value), facts, spans)


BODY = "田中 花子 様\n\n地域振興課の佐藤です。\n{}" + SIGNATURE


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        ("山下一郎様からご連絡がありました。", "山下一郎", Role.THIRD_PARTY),
        ("田中様のご意見を伺いました。", "田中", Role.RECIPIENT),  # the salutation's surname
        ("区長の保坂一郎よりご挨拶申し上げます。", "保坂一郎", Role.STAFF),
        ("担当：木村", "木村", Role.STAFF),
        ("吉田松陰を祀る神社を巡ります。", "吉田松陰", Role.ORGANIZATION),
        ("担当の佐藤 明が伺います。", "佐藤 明", Role.STAFF),  # named in the signature
    ],
)
def test_person_roles(sentence: str, value: str, expected: Role) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == expected


def test_salutation_name_is_recipient() -> None:
    assert role_of(BODY.format("本文です。"), "田中 花子", "PERSON") == Role.RECIPIENT


def test_self_introduction_is_staff() -> None:
    body = "田中 花子 様\n\nお世話になっております。国際課の伊藤と申します。\n本文です。\n"
    assert role_of(body, "伊藤", "PERSON") == Role.STAFF
    english = "Dear Ms. Clark,\n\nThis is Kenji Ito from the International Division.\n"
    assert role_of(english, "Kenji Ito", "PERSON") == Role.STAFF


def test_known_recipient_display_name() -> None:
    body = "各位\n\n鈴木 一郎さんからのご質問にお答えします。\n"
    mail = OutgoingMail(subject="", body=body, recipient_names=["鈴木一郎"])
    assert role_of(body, "鈴木 一郎", "PERSON", mail=mail) == Role.RECIPIENT


def test_signature_phone_is_organisation_and_matches_in_body() -> None:
    body = BODY.format("お電話は03(1234)5678までお願いします。")
    assert role_of(body, "03(1234)5678", "PHONE_NUMBER") == Role.ORGANIZATION
    assert role_of(body, "03-1234-5678", "PHONE_NUMBER") == Role.ORGANIZATION


def test_department_signature_from_the_mail() -> None:
    body = "田中様\n\nご不明な点は０３－９８７６－５４３２までお問い合わせください。\n"
    mail = OutgoingMail(subject="", body=body, department_signature="福祉課\n電話 03-9876-5432")
    assert role_of(body, "０３－９８７６－５４３２", "PHONE_NUMBER", mail=mail) == Role.ORGANIZATION


def test_allowlist_phone_prefix_address_and_name() -> None:
    body = "田中様\n\n代表 045-111-2222、本庁舎 神奈川県横浜市中区本町1-1 の山川が対応します。\n"
    allowlist = {
        "phones": ["045-111-*"],
        "addresses": ["神奈川県横浜市中区本町1-1"],
        "names": ["山川"],
    }
    assert role_of(body, "045-111-2222", "PHONE_NUMBER", allowlist=allowlist) == Role.ORGANIZATION
    assert (
        role_of(body, "神奈川県横浜市中区本町1-1", "POSTAL_ADDRESS", allowlist=allowlist)
        == Role.ORGANIZATION
    )
    assert role_of(body, "山川", "PERSON", allowlist=allowlist) == Role.STAFF


def test_facility_phone_and_address_are_organisation() -> None:
    body = BODY.format(
        "【会場】北沢区民センター\n〒155-0031 世田谷区北沢2-8-18\n当日は北沢区民センター（03-3468-0000）へ。"
    )
    assert role_of(body, "155-0031", "JP_POSTAL_CODE") == Role.ORGANIZATION
    assert role_of(body, "世田谷区北沢2-8-18", "POSTAL_ADDRESS") == Role.ORGANIZATION
    assert role_of(body, "03-3468-0000", "PHONE_NUMBER") == Role.ORGANIZATION


def test_mobile_after_facility_word_is_not_organisation() -> None:
    body = BODY.format("センターの班長さんの携帯は090-1111-2222です。")
    assert role_of(body, "090-1111-2222", "PHONE_NUMBER") == Role.THIRD_PARTY


def test_data_follows_the_person_it_is_about() -> None:
    body = BODY.format(
        "新しい班長の山本誠様のご住所は世田谷区松原3-18-13です。\nご連絡先は03-3322-1111です。"
    )
    persons = [("山本誠", Role.THIRD_PARTY)]
    assert (
        role_of(body, "世田谷区松原3-18-13", "POSTAL_ADDRESS", persons=persons) == Role.THIRD_PARTY
    )
    assert role_of(body, "03-3322-1111", "PHONE_NUMBER", persons=persons) == Role.THIRD_PARTY


def test_recipients_own_address_and_identifier() -> None:
    body = BODY.format("ご住所：世田谷区太子堂5-5-7\n個人番号 1234 5678 9012 を確認しました。")
    assert role_of(body, "世田谷区太子堂5-5-7", "POSTAL_ADDRESS") == Role.RECIPIENT
    assert role_of(body, "1234 5678 9012", "JP_MY_NUMBER") == Role.RECIPIENT


def test_allowlist_normalisation() -> None:
    allowlist = Allowlist.from_config(
        {"phones": ["０３（１２３４）５６７８"], "names": ["佐藤　明"]}
    )
    assert allowlist.has_phone("03-1234-5678")
    assert allowlist.has_name("佐藤 明") and allowlist.has_name("佐藤")
    assert not allowlist.has_phone("03-1234-5679")

"""Roles: position, the department's published data, and the words around what was found."""

from __future__ import annotations

import pytest

from mailgate.policy.dictionaries import default_phrases
from mailgate.policy.findings import Role
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.roles import Allowlist, RoleResolver, same_person_roles
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
    resolver = RoleResolver(
        allowlist,
        facility_words=default_phrases("facility_words.txt"),
        historical_persons=default_phrases("historical_persons.txt"),
        office_contact_cues=default_phrases("office_contact_cues.txt"),
    )
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


@pytest.mark.parametrize(
    ("written", "office"),
    [
        ("1-1-1 Chuo, Nanamori-shi, Miyagi 981-3791", True),
        ("1-1-1 Chuo, Nanamori-shi, Miyagi 981-3791, Japan", True),
        ("〒981-3791 宮城県七森市中央一丁目1番1号", True),
        ("1-1-1 Chuo, Nanamori-shi, Miyagi 981-3799", False),  # another postal code
        ("2-1-1 Chuo, Nanamori-shi, Miyagi 981-3791", False),  # another street number
    ],
)
def test_a_listed_address_written_with_its_postal_code(written: str, office: bool) -> None:
    allowlist = Allowlist.from_config(
        {
            "addresses": ["1-1-1 Chuo, Nanamori-shi, Miyagi", "宮城県七森市中央一丁目1番1号"],
            "postal_codes": ["981-3791"],
        }
    )
    assert allowlist.has_address(written) is office


def test_an_office_later_in_the_sentence_does_not_own_the_address() -> None:
    body = (
        "石原 様\n\n手帳をお持ちとのことですので、新しいご住所（緑川区旭町三丁目4番11号 旭ハイツ102）"
        "への記載の変更は、東庁舎2階の障害者福祉課の窓口でお手続きください。\n"
    )
    assert (
        role_of(body, "緑川区旭町三丁目4番11号 旭ハイツ102", "POSTAL_ADDRESS") != Role.ORGANIZATION
    )


def test_an_address_for_a_public_school_is_the_schools() -> None:
    body = (
        "白石 様\n\nポスターを学校あてに発送しました。\n\n"
        "　お届け先：隼浦市桜ケ丘二丁目8番1号 隼浦市立桜ケ丘小学校\n"
        "送迎はご自宅（隼浦市桜ケ丘二丁目9番3号）から隼浦市立病院までです。\n"
    )
    assert role_of(body, "隼浦市桜ケ丘二丁目8番1号", "POSTAL_ADDRESS") == Role.ORGANIZATION
    # a trip from a home to a public hospital: the home stays a home
    assert role_of(body, "隼浦市桜ケ丘二丁目9番3号", "POSTAL_ADDRESS") != Role.ORGANIZATION


def test_a_quarter_of_a_place_the_mail_names_is_no_name() -> None:
    body = "内田 様\n\n「区長と語ろう in 汐見北」は、汐見区内にお住まいの方が参加できます。\n"
    assert role_of(body, "汐見北", "PERSON") == Role.ORGANIZATION


@pytest.mark.parametrize(
    ("body", "value", "kind"),
    [
        (
            "代表者 様\n\n南部グラウンド（赤城野市下原町558-3）は水はけが悪いです。\n",
            "赤城野市下原町558-3",
            "POSTAL_ADDRESS",
        ),
        (
            "樋口 様\n\n新潟県 越南地域振興局 健康福祉部 福祉課（〒959-1318 新潟県越川市旭町四丁目2番7号、"
            "電話 0256-33-4106）でもご案内しています。\n",
            "0256-33-4106",
            "PHONE_NUMBER",
        ),
        (
            "Dear Ms. Schmidt,\n\nThe headquarters can be reached at 0279-24-3300 (Athletic Park office).\n",
            "0279-24-3300",
            "PHONE_NUMBER",
        ),
    ],
)
def test_grounds_bureaus_and_named_offices_are_facilities(body: str, value: str, kind: str) -> None:
    assert role_of(body, value, kind) == Role.ORGANIZATION


@pytest.mark.parametrize(
    ("body", "value", "kind", "expected"),
    [
        # what the town owns; a position on a road by the lot before it (地先)
        (
            "工藤 様\n\n隊員住宅は町有の旧教員住宅で、所在地は北嶺町大字中野602番地3です。\n",
            "北嶺町大字中野602番地3",
            "POSTAL_ADDRESS",
            Role.ORGANIZATION,
        ),
        (
            "野村 様\n\n若松東二丁目14番地先の市道に倒れていた木を撤去しました。\n",
            "若松東二丁目14番地",
            "POSTAL_ADDRESS",
            Role.ORGANIZATION,
        ),
        # a staff name with a rare kanji form (﨑); the reader's name in an old form (濱/浜)
        (
            "工藤 様\n\n> 竹﨑さん\n> 説明会はありますか。\n\n＝＝＝＝＝\n移住定住推進室\n竹﨑　颯太\n＝＝＝＝＝\n",
            "竹﨑",
            "PERSON",
            Role.STAFF,
        ),
        (
            "濱崎 英子 様\n\nお名前を誤って掲載いたしました。\n　誤）浜崎 英子さん\n　正）濱崎 英子さん\n",
            "浜崎 英子",
            "PERSON",
            Role.RECIPIENT,
        ),
    ],
)
def test_public_places_and_name_forms(body: str, value: str, kind: str, expected: Role) -> None:
    assert role_of(body, value, kind) == expected


def test_a_house_number_under_a_place_caption_stays_a_home() -> None:
    body = "松本 様\n\n> 場所は旭が丘3丁目8-21の前です。\n"
    assert role_of(body, "旭が丘3丁目8-21", "POSTAL_ADDRESS") != Role.ORGANIZATION


def test_a_prefectural_review_board_contact_is_the_boards() -> None:
    body = (
        "玉井 様\n\n審査請求は、次の審査会へお出しください。\n"
        "　愛媛県介護保険審査会（県庁 長寿介護課内）\n"
        "　〒790-8570 愛媛県松山市一番町四丁目4番地2\n"
        "　電話 089-912-2400\n"
    )
    assert role_of(body, "愛媛県松山市一番町四丁目4番地2", "POSTAL_ADDRESS") == Role.ORGANIZATION
    assert role_of(body, "089-912-2400", "PHONE_NUMBER") == Role.ORGANIZATION


@pytest.mark.parametrize(
    ("sentence", "venue"),
    [
        ("設置場所（朝霧市若葉台3丁目7番地12）へ伺います。", False),
        ("調査場所：朝霧市若葉台3丁目7番地12", False),
        ("開催場所：朝霧市若葉台3丁目7番地12（若葉台公民館）", True),
        # where the reader will use the water: their home (2026-11-28 round)
        ("　使用場所：朝霧市若葉台3丁目7番地12", False),
    ],
)
def test_a_work_site_is_not_a_venue(sentence: str, venue: bool) -> None:
    # Someone's premises block (whose they are, the reader's or another's, the text rarely says).
    body = f"橋本 達也 様\n\n環境政策課の高木です。\n{sentence}\n"
    role = role_of(body, "朝霧市若葉台3丁目7番地12", "POSTAL_ADDRESS")
    assert (role == Role.ORGANIZATION) is venue


# Category: a public facility's contact data in the body (the line naming it, then up to three
# contact lines) is the facility's; a person's line before the data makes it that person's.
@pytest.mark.parametrize(
    ("block", "values"),
    [
        (
            "会場：北浜地区センター 3階 多目的室\n　〒060-0001 札幌市北区北浜3条2丁目4番5号\n　電話 011-222-3333",
            [
                ("060-0001", "JP_POSTAL_CODE"),
                ("札幌市北区北浜3条2丁目4番5号", "POSTAL_ADDRESS"),
                ("011-222-3333", "PHONE_NUMBER"),
            ],
        ),
        (
            "みなと図書館　〒231-0001 横浜市中区みなと町4-5-6　TEL 045-111-2222",
            [("横浜市中区みなと町4-5-6", "POSTAL_ADDRESS"), ("045-111-2222", "PHONE_NUMBER")],
        ),
        (
            "東山中学校\n〒460-0001 名古屋市中区東山1丁目2番3号\nFAX 052-111-2222",
            [("460-0001", "JP_POSTAL_CODE"), ("052-111-2222", "PHONE_NUMBER")],
        ),
        (
            "場所：西部清掃工場（〒532-0001 大阪市淀川区西中島9-8-7）",
            [("大阪市淀川区西中島9-8-7", "POSTAL_ADDRESS")],
        ),
        (
            "Minami Ward Office, Residents Section\n3-2-1 Minami, Minami-ku, Kyoto 601-8511",
            [("3-2-1 Minami, Minami-ku, Kyoto 601-8511", "POSTAL_ADDRESS")],
        ),
    ],
)
def test_facility_contact_block_is_organisation(block: str, values: list[tuple[str, str]]) -> None:
    body = (
        "田中 花子 様\n\n地域振興課の佐藤です。\n下記のとおりです。\n\n" + block + "\n" + SIGNATURE
    )
    for value, entity_type in values:
        assert role_of(body, value, entity_type) == Role.ORGANIZATION, value


@pytest.mark.parametrize(
    ("block", "value", "persons"),
    [
        ("新しい班長\n山川 光子様\n〒060-0001 札幌市北区北浜3条2丁目4番5号", "060-0001", []),
        ("会場：北浜公民館\n講師：山川 光子\n電話 011-222-3333", "011-222-3333", ["山川 光子"]),
        ("北浜公民館で会った方の電話 011-222-3333", "011-222-3333", []),
        ("児童館の件は011-222-3333へお電話ください。", "011-222-3333", []),
        ("区民センターで受け付けた転居先\n〒060-0001 札幌市北区北浜3条2丁目4番5号", "060-0001", []),
        ("北浜公民館\n\n〒060-0001 札幌市北区北浜3条2丁目4番5号", "060-0001", []),  # other block
    ],
)
def test_person_or_topic_before_the_data_is_not_a_facility(
    block: str, value: str, persons: list[str]
) -> None:
    body = "田中 花子 様\n\n地域振興課の佐藤です。\n" + block + "\n" + SIGNATURE
    entity_type = "PHONE_NUMBER" if value.startswith("011") else "JP_POSTAL_CODE"
    named = [(name, Role.THIRD_PARTY) for name in persons]
    assert role_of(body, value, entity_type, persons=named) != Role.ORGANIZATION


# Category: officials with their title after the name.
@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("式辞は大森 一平市長が述べます。", "大森 一平"),
        ("来賓紹介は小島 和子副市長が行います。", "小島 和子"),
        ("西田誠教育長が出席します。", "西田誠"),
        ("山口 理恵校長からご説明します。", "山口 理恵"),
        ("図書館の村井 正館長が案内します。", "村井 正"),
        ("岡本町長のあいさつがあります。", "岡本"),
    ],
)
def test_title_after_the_name_is_staff(sentence: str, value: str) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == Role.STAFF


# Category: historical persons, by dictionary or by the history words around them.
@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("今年の講座は「徳川家康と駿府城」です。", "徳川家康"),
        ("伊能忠敬が歩いた道をたどります。", "伊能忠敬"),
        ("ウィリアム・S・クラークの言葉を紹介します。", "ウィリアム・S・クラーク"),
        ("藩主を務めた村田清右衛門の時代の古文書を展示します。", "村田清右衛門"),
        (
            "明治の開拓使に招かれた技師ヘンリー・ロビンソンの功績をたどります。",
            "ヘンリー・ロビンソン",
        ),
    ],
)
def test_historical_person_is_organisation(sentence: str, value: str) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == Role.ORGANIZATION


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("歴史講座の講師は村田 清右衛門さんです。", "村田 清右衛門"),  # honorific: a living person
        ("江戸時代の古文書に詳しい村田 清右衛門（090-1111-2222）に伺います。", "村田 清右衛門"),
        ("学生時代の友人の村田 清右衛門から連絡がありました。", "村田 清右衛門"),  # one cue only
    ],
)
def test_living_person_in_a_history_context_stays_third_party(sentence: str, value: str) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == Role.THIRD_PARTY


# Category: a staff name repeated in the self-introduction and in the closing block.
@pytest.mark.parametrize(
    "body",
    [
        "野中 様\n\n山辺市教育委員会の石井です。\n本文です。\n\n山辺市教育委員会 中央公民館\n石井 亮\nTEL 0120-00-1111\n",
        "野中 様\n\n山辺市 生活環境局の石井です。\n本文です。\n山辺市 生活環境局\n石井 亮\nTEL 0120-00-1111\n",
        "Dear Ms. Varga,\n\nThis is Ryo Ishii.\nThe form is online.\n\nBest regards,\n\nRyo Ishii\n"
        "Residents Division\nPhone: 0120-00-1111\n",
    ],
)
def test_staff_name_repeated_in_intro_and_signature(body: str) -> None:
    names = ["石井", "石井 亮"] if "石井" in body else ["Ryo Ishii"]
    for name in names:
        last = body.count(name) - 1
        assert role_of(body, name, "PERSON", occurrence=0) == Role.STAFF
        assert role_of(body, name, "PERSON", occurrence=last) == Role.STAFF


def test_name_alone_on_a_line_takes_the_role_of_the_staff_surname() -> None:
    text = "国際課の石井です。\n本文です。\n石井 亮\n山本 誠様にもお伝えください。\n"
    spans = [
        (text.index(name), text.index(name) + len(name)) for name in ("石井", "石井 亮", "山本 誠")
    ]
    roles = [Role.STAFF, Role.THIRD_PARTY, Role.THIRD_PARTY]
    settled = same_person_roles(text, [(a, b, r) for (a, b), r in zip(spans, roles, strict=True)])
    assert [role for _a, _b, role in settled] == [Role.STAFF, Role.STAFF, Role.THIRD_PARTY]


def test_a_historical_persons_given_name_alone_is_theirs() -> None:
    # 「益軒先生」 before or after 「貝原益軒」: the same historical person, not a resident.
    text = "> 益軒先生の話を入れてほしい。\n貝原益軒が歩いたとされる道。\n益軒の妻、東軒。\n益田様にも。\n"
    spans = [(0, 0), (0, 0), (0, 0), (0, 0)]
    spans[0] = (text.index("益軒"), text.index("益軒") + 2)
    spans[1] = (text.index("貝原益軒"), text.index("貝原益軒") + 4)
    spans[2] = (text.index("益軒の"), text.index("益軒の") + 2)
    spans[3] = (text.index("益田"), text.index("益田") + 2)
    roles = [Role.THIRD_PARTY, Role.ORGANIZATION, Role.THIRD_PARTY, Role.THIRD_PARTY]
    settled = same_person_roles(text, [(a, b, r) for (a, b), r in zip(spans, roles, strict=True)])
    assert [role for _a, _b, role in settled] == [
        Role.ORGANIZATION,
        Role.ORGANIZATION,
        Role.ORGANIZATION,
        Role.THIRD_PARTY,
    ]


# A title or an office unit before the name, separated only by spaces or の: an official.
@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        ("冒頭で、選挙管理委員長 寺岡 正道からご挨拶します。", "寺岡 正道", Role.STAFF),
        ("校長 三雲 由紀子より方針をご説明します。", "三雲 由紀子", Role.STAFF),
        ("3年1組担任の井筒です。", "井筒", Role.STAFF),
        ("保健師の椎名です。", "椎名", Role.STAFF),
        ("指導主事　宇野 健から連絡します。", "宇野 健", Role.STAFF),
        ("西浜市 商工観光課　河野 美月", "河野 美月", Role.STAFF),
        ("当日は、防災監 七尾 義則も同席します。", "七尾 義則", Role.STAFF),
        ("上下水道事業管理者 倉本 誠の名前で文書を配ります。", "倉本 誠", Role.STAFF),
        # A work's title in quotes is no one ("松林猿猴" before 図」), a name beside it is.
        ("長谷川等伯筆と伝わる「松林猿猴図」屏風を指定します。", "松林猿猴", Role.ORGANIZATION),
        ("「松林図」は松林 健さんが寄贈しました。", "松林 健", Role.THIRD_PARTY),
        # An honorific after the name: someone addressed, not the sender.
        ("PTA委員長 寺岡 正道様にもお伝えください。", "寺岡 正道", Role.THIRD_PARTY),
        ("北中学校 井筒 拓海さんが表彰されました。", "井筒 拓海", Role.THIRD_PARTY),
        # A chair with の: our own committee's without an honorific, a residents' body's with one.
        ("会長の宮坂 昭夫も、現地確認に同行する予定です。", "宮坂 昭夫", Role.STAFF),
        ("会長の宮坂 昭夫様にもお伝えください。", "宮坂 昭夫", Role.THIRD_PARTY),
        ("自治会の会長は宮坂 昭夫さんです。", "宮坂 昭夫", Role.THIRD_PARTY),
        # A lecturer from a public body, with its unit and profession: an official, even with 氏;
        # a lecturer with no public body stays a third party.
        ("講師：埼玉県動物指導センター 獣医師 加賀谷 聡 氏", "加賀谷 聡", Role.STAFF),
        ("講師：関 正樹 氏（NPO法人ひだまり 代表）", "関 正樹", Role.THIRD_PARTY),
        # the municipality's audit commissioners
        ("監査委員は、代表監査委員 杉山 道夫の1名です。", "杉山 道夫", Role.STAFF),
        # a guidance centre's statutory officers
        ("担当児童福祉司の日高が確認のうえ、ご連絡します。", "日高", Role.STAFF),
        ("児童心理司 黒木 彩が面接を担当します。", "黒木 彩", Role.STAFF),
        ("児童福祉司の日高様にもお伝えください。", "日高", Role.THIRD_PARTY),
        # an official named by a public body, with 氏; someone addressed, and a public school's
        # pupil, stay third parties
        (
            "先方の窓口は、コウハイ・スプリングス町役場のアロハ・ンガタ氏（国際交流担当）です。",
            "アロハ・ンガタ",
            Role.STAFF,
        ),
        (
            "記念講演は、鳥取県立図書館 司書の浜口 理恵氏にお話しいただきます。",
            "浜口 理恵",
            Role.STAFF,
        ),
        (
            "出席：村（北村）、長野県 北信地域振興局の鳥獣対策専門員 佐藤 博之 氏",
            "佐藤 博之",
            Role.STAFF,
        ),
        ("市役所の吉岡様にもお伝えください。", "吉岡", Role.THIRD_PARTY),
        # a school's staff by post and 先生; a family doctor is no school official; a
        # community cooperator of the town
        ("東小学校での窓口は、養護教諭の田村 由紀先生です。", "田村 由紀", Role.STAFF),
        ("かかりつけ医の田中 誠先生にもご相談ください。", "田中 誠", Role.THIRD_PARTY),
        ("現在活動している隊員の上田 蓮が、説明会で活動を紹介します。", "上田 蓮", Role.STAFF),
        # a colleague after the unit and its room in brackets
        ("所得の証明書は、市民税課（本庁舎2階）の山口が担当しております。", "山口", Role.STAFF),
        # the school nurse, in English
        (
            "At the school, the school nurse, Ms. Yuki Tamura, is your contact.",
            "Yuki Tamura",
            Role.STAFF,
        ),
        ("県立北高等学校 生徒の田中 健が参加します。", "田中 健", Role.THIRD_PARTY),
        # a committee's members listed under its chair; 委員 alone heads no roster
        ("参加者\n　委員長　杉山 弘道\n　委員　浅野 健太郎、小島 誠", "小島 誠", Role.STAFF),
        ("参加者\n　委員　浅野 健太郎、小島 誠", "小島 誠", Role.THIRD_PARTY),
    ],
)
def test_title_or_unit_before_a_name(sentence: str, value: str, expected: Role) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == expected


# The office's own landline offered as the way to book or ask; a person's number stays theirs.
@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        (
            "ご予約の変更は、お電話（0120-00-5520）でお願いします。",
            "0120-00-5520",
            Role.ORGANIZATION,
        ),
        ("事前相談は、お電話（0120-00-6330）で承ります。", "0120-00-6330", Role.ORGANIZATION),
        (
            "予約の受付時間：平日 8:30～17:15（電話 0120-00-6312）",
            "0120-00-6312",
            Role.ORGANIZATION,
        ),
        ("受付時間：平日9時～17時\n電話：0120-00-1288", "0120-00-1288", Role.ORGANIZATION),
        (
            "ご相談は山口さん（0120-00-7777）にお電話でお願いします。",
            "0120-00-7777",
            Role.THIRD_PARTY,
        ),
        ("ご予約は、お電話（090-0000-8888）でお願いします。", "090-0000-8888", Role.THIRD_PARTY),
        ("ご自宅の電話（0120-00-9999）にご連絡をお願いします。", "0120-00-9999", Role.RECIPIENT),
        ("受付時間：平日9時～17時（北川様）\n電話：0120-00-1289", "0120-00-1289", Role.THIRD_PARTY),
    ],
)
def test_office_phone_offered_in_the_body(sentence: str, value: str, expected: Role) -> None:
    body = "田中 花子 様\n\n地域振興課の佐藤です。\n\n" + sentence + "\n" + SIGNATURE
    assert role_of(body, value, "PHONE_NUMBER") == expected


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("講座では、博物学者 南方熊楠が研究した粘菌を紹介します。", "南方熊楠"),
        ("郷土の文豪 島崎藤村の作品を読みます。", "島崎藤村"),
        ("俳人 葛城 仙翁の句碑は、生誕の地に建っています。", "葛城 仙翁"),  # two history words
        ("企画展では、郷土の農業指導者 石川理紀之助の書簡を展示します。", "石川理紀之助"),
        # a romanised name with an explorer's title and the decade he travelled in
        (
            "the 19th century. The explorer Matsuura Takeshiro, who travelled across Hokkaido\n"
            "in the 1850s, is the subject of a small exhibition.",
            "Matsuura Takeshiro",
        ),
    ],
)
def test_historical_person_cues(sentence: str, value: str) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == Role.ORGANIZATION


@pytest.mark.parametrize("value", ["下川原", "大沢"])
def test_a_name_after_aza_is_a_district(value: str) -> None:
    body = BODY.format("収集車が回る地区は、字下川原・字大沢・字館ノ下です。")
    assert role_of(body, value, "PERSON") == Role.ORGANIZATION


def test_a_name_after_another_kanji_and_aza_stays_a_person() -> None:
    body = BODY.format("数字山口さんの件です。")  # 数字 is no 字 prefix
    assert role_of(body, "山口", "PERSON") == Role.THIRD_PARTY


def _resolver() -> RoleResolver:
    return RoleResolver(
        facility_words=default_phrases("facility_words.txt"),
        historical_persons=default_phrases("historical_persons.txt"),
        office_contact_cues=default_phrases("office_contact_cues.txt"),
    )


@pytest.mark.parametrize(
    ("sentence", "value", "persons", "expected"),
    [
        # The office's landline offered with the cue before the number in parentheses.
        (
            "窓口は混み合います。お電話でご予約ください（045-332-7781）。",
            "045-332-7781",
            [],
            Role.ORGANIZATION,
        ),
        (
            "詳しくはお電話でお問い合わせください（0553-41-2290）。",
            "0553-41-2290",
            [],
            Role.ORGANIZATION,
        ),
        # A third party's landline on a line with さん still blocks.
        (
            "佐野さんにお電話でご相談ください（045-332-7781）。",
            "045-332-7781",
            [],
            Role.THIRD_PARTY,
        ),
        (
            "田中さん（自治会）の電話番号 03-4412-9087 をお伝えします。",
            "03-4412-9087",
            [("田中", Role.THIRD_PARTY)],
            Role.THIRD_PARTY,
        ),
        # The recipient's own phone referred to as theirs.
        (
            "ご指定いただいたお電話番号（090-2231-4476）へ折り返します。",
            "090-2231-4476",
            [],
            Role.RECIPIENT,
        ),
        ("ご登録の電話番号 03-5512-0098 にご連絡します。", "03-5512-0098", [], Role.RECIPIENT),
        (
            "ご記載の携帯電話（090-4127-3385）に一度お電話しましたが、つながりませんでした。",
            "090-4127-3385",
            [],
            Role.RECIPIENT,
        ),
        (
            "あなたの携帯電話（080-7712-3345）に通知が届きます。",
            "080-7712-3345",
            [],
            Role.RECIPIENT,
        ),
        # Someone else's registered phone is still a third party's.
        ("山口さんのご登録の電話番号 090-2231-4476 です。", "090-2231-4476", [], Role.THIRD_PARTY),
        # What the reader gave us as their contact (仕様 names no one: its 様 is no honorific)
        (
            "仕様の確認は、ご連絡先として伺っている携帯電話（090-6218-4475）にお電話いたします。",
            "090-6218-4475",
            [],
            Role.RECIPIENT,
        ),
        (
            "ご依頼の際にいただいた連絡先（携帯電話 080-6624-3187）へお電話しました。",
            "080-6624-3187",
            [],
            Role.RECIPIENT,
        ),
        (
            "鈴木様のご連絡先として伺っている携帯電話（090-6218-4475）です。",
            "090-6218-4475",
            [],
            Role.THIRD_PARTY,
        ),
        # an office named above a blank line, its contact block giving office hours
        (
            "汐浜出張所で手続きをしてください。\n\n・住所：汐浜市港町1-9-3 2階\n・電話：0537-32-9901\n"
            "・受付時間：月曜日～金曜日 午前9時～正午",
            "0537-32-9901",
            [],
            Role.ORGANIZATION,
        ),
        (
            "ご友人の連絡先です。\n\n・住所：汐浜市港町1-9-3\n・電話：0537-32-9901（山本様）\n"
            "・受付時間：月曜日～金曜日 午前9時～正午",
            "0537-32-9901",
            [],
            Role.THIRD_PARTY,
        ),
        # the company named before, by 同社; a registered stonemason's shop
        (
            "ご連絡は、自治会から同社（電話 0548-23-4471）へしていただけると伺っております。",
            "0548-23-4471",
            [],
            Role.ORGANIZATION,
        ),
        (
            "たとえば、霊園に近い丸山石材店（電話 0548-25-3314）などがございます。",
            "0548-25-3314",
            [],
            Role.ORGANIZATION,
        ),
        # a care home listed as a welfare shelter, with its number in brackets
        (
            "1. 特別養護老人ホーム 松本苑（潮見野市北潮見3020番地、0537-24-2200）",
            "0537-24-2200",
            [],
            Role.ORGANIZATION,
        ),
        (
            "設置業者から、ご連絡先として伺っている 0537-24-8861 へ、お電話を差し上げます。",
            "0537-24-8861",
            [],
            Role.RECIPIENT,
        ),
        (
            "設置業者から、鈴木様のご連絡先として伺っている 0537-24-8861 へお電話します。",
            "0537-24-8861",
            [],
            Role.THIRD_PARTY,
        ),
        # An office's hours after a comma inside the brackets, in English
        (
            "You can register with the Social Welfare Council (0237-43-2940, weekdays 8:30-17:15).",
            "0237-43-2940",
            [],
            Role.ORGANIZATION,
        ),
        # A staff name with its office in parentheses, then the office's phone.
        (
            "ご不明な点は\n松永（都市計画課）0287-33-1120\nまで。",
            "0287-33-1120",
            [("松永", Role.STAFF)],
            Role.ORGANIZATION,
        ),
    ],
)
def test_phone_roles_by_wording(
    sentence: str, value: str, persons: list[tuple[str, Role]], expected: Role
) -> None:
    assert role_of(BODY.format(sentence), value, "PHONE_NUMBER", persons=persons) == expected


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        ("松永（都市計画課）0287-33-1120", "松永", Role.STAFF),
        ("松永（都市計画課・内線2214）0287-33-1120", "松永", Role.STAFF),
        ("松永さん（自治会）0287-33-1120", "松永", Role.THIRD_PARTY),
        ("講師は当院の朝比奈 誠 院長です。", "朝比奈 誠", Role.STAFF),
        ("本校の岸本 由香 先生がご案内します。", "岸本 由香", Role.STAFF),
        ("当センターの野々村 聡 所長がご挨拶します。", "野々村 聡", Role.STAFF),
        ("岸本 由香 先生にご相談ください。", "岸本 由香", Role.THIRD_PARTY),  # no own institution
        ("朝比奈 誠 課長がご説明します。", "朝比奈 誠", Role.STAFF),  # title after one space
    ],
)
def test_staff_named_with_office_or_title_after(sentence: str, value: str, expected: Role) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("伊能忠敬ゆかり", "伊能忠敬"),
        ("伊能忠敬 測量", "伊能忠敬"),
        ("幕末の勝海舟", "勝海舟"),
        ("伊能忠敬", None),  # the whole candidate: handled by the role
        ("山田太郎", None),
    ],
)
def test_historical_name_glued_to_a_word(value: str, expected: str | None) -> None:
    part = _resolver().historical_part(value)
    assert (value[part[0] : part[1]] if part else None) == expected


@pytest.mark.parametrize(
    ("sentence", "value", "entity_type", "expected"),
    [
        # a facility's inquiry line and an office offering a call before a visit
        (
            "資料館の問い合わせ先は0123-45-1111です。",
            "0123-45-1111",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        (
            "ご来庁前にお電話（0123-45-2222）でご確認ください。",
            "0123-45-2222",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        (
            "If you prefer, call us at +81 12-345-6789.",
            "+81 12-345-6789",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        # a hospital director named in their duty
        ("講師は院長の森 健一が務めます。", "森 健一", "PERSON", Role.STAFF),
        # must still be someone else's
        (
            "山本様の問い合わせ先は0123-45-3333です。",
            "0123-45-3333",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        (
            "ご来庁前に山本さんの携帯（090-1111-3333）へご連絡ください。",
            "090-1111-3333",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        ("講師は院長の森 健一様にお願いしました。", "森 健一", "PERSON", Role.THIRD_PARTY),
    ],
)
def test_office_contact_and_duty_categories(
    sentence: str, value: str, entity_type: str, expected: Role
) -> None:
    assert role_of(BODY.format(sentence), value, entity_type) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("相談所の水野です。\n\n水野 綾 ＜soudan@mail.example-city.lg.jp＞", Role.STAFF),
        ("相談所の水野です。\n\n水野 綾\u3000TEL 0123-45-6789", Role.STAFF),
        # a different surname, or the name inside a sentence, stays a third party's
        ("相談所の水野です。\n\n川上 綾 ＜kawakami@example.jp＞", Role.THIRD_PARTY),
        ("相談所の水野です。\n水野 綾さんのお母様からご連絡がありました。", Role.THIRD_PARTY),
    ],
)
def test_closing_name_of_the_self_introduced_sender(body: str, expected: Role) -> None:
    name = "川上 綾" if "川上" in body else "水野 綾"
    start = body.index(name)
    assert same_person_roles(body, [(start, start + len(name), Role.THIRD_PARTY)]) == [
        (start, start + len(name), expected)
    ]


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        # A title, then a family name that NER left out of the span, then the given name.
        ("当日は教育長 三国 久美子が挨拶を行います。", "久美子", Role.STAFF),
        ("校長　大河内 まゆみより説明します。", "まゆみ", Role.STAFF),
        # With an honorific the person is addressed or named, not an official on duty.
        ("PTA委員長 寺岡 正道様にもお伝えください。", "正道", Role.THIRD_PARTY),
        # A one-character word before the name is not taken for a family name.
        ("担当者の方 山田 奈緒さんに伺います。", "奈緒", Role.THIRD_PARTY),
        # A "name" glued to a municipality's name is part of a place name.
        ("若松北九州市 生活支援課です。", "若松", Role.ORGANIZATION),
        ("森川町役場の窓口へお越しください。", "森川", Role.ORGANIZATION),
        # A title after the name, not a municipality.
        ("松岡町長が出席します。", "松岡", Role.STAFF),
        ("鈴木町内会長からご連絡がありました。", "鈴木", Role.THIRD_PARTY),
        # Historical persons named in English.
        (
            "The curator will introduce prints by Utagawa Hiroshige from the museum collection.",
            "Utagawa Hiroshige",
            Role.ORGANIZATION,
        ),
        (
            "The exhibition shows works by Hokusai Katsushika.",
            "Hokusai Katsushika",
            Role.ORGANIZATION,
        ),
        (
            "14:00 Visit to the Castle ruins, where the warlord Saito Dosan is said to have stayed",
            "Saito Dosan",
            Role.ORGANIZATION,
        ),
        # A title before a name in an English history context: a living person.
        (
            "The curator Ms. Naomi Hart will introduce the museum collection of prints.",
            "Naomi Hart",
            Role.THIRD_PARTY,
        ),
    ],
)
def test_names_split_glued_or_romanised(sentence: str, value: str, expected: Role) -> None:
    assert role_of(BODY.format(sentence), value, "PERSON") == expected


HOSPITAL = (
    "Dear Ms. Kowalski,\n\n{}\n\nSincerely,\nMedical Affairs Office\n"
    "Asagiri Municipal General Hospital\nTel. +81-296-22-1151\n"
)


@pytest.mark.parametrize(
    ("body", "value", "expected"),
    [
        (
            HOSPITAL.format("As discussed with Dr. Sugimoto, the appointment moved."),
            "Sugimoto",
            Role.STAFF,
        ),
        (
            "川口 様\n\n担当医の杉本より説明します。\n\n市立病院 医事課\n電話 0296-22-1151\n",
            "杉本",
            Role.STAFF,
        ),
        # Not from a hospital: a doctor named in a ward office's mail is someone else.
        (BODY.format("Dr. Sugimoto called us about the form."), "Sugimoto", Role.THIRD_PARTY),
    ],
)
def test_a_hospitals_doctors_are_its_staff(body: str, value: str, expected: Role) -> None:
    assert role_of(body, value, "PERSON") == expected


@pytest.mark.parametrize(
    ("body", "value", "entity_type", "expected"),
    [
        (
            BODY.format("霞ヶ原市総合福祉センターで開催します。"),
            "霞ヶ",
            "PERSON",
            Role.ORGANIZATION,
        ),
        (
            BODY.format("特別展「浮世絵にみる霞ヶ原の街道」を開きます。"),
            "霞ヶ",
            "PERSON",
            Role.ORGANIZATION,
        ),
        (BODY.format("健康づくり課の保健師、長尾です。"), "長尾", "PERSON", Role.STAFF),
        (
            BODY.format("同時代の絵師・渓斎英泉の肉筆画も展示します。"),
            "渓斎英泉",
            "PERSON",
            Role.ORGANIZATION,
        ),
        (
            BODY.format("いただいたメールに記載のあった 080-4417-2093 にお電話します。"),
            "080-4417-2093",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
    ],
)
def test_places_titles_history_and_contact_cues(
    body: str, value: str, entity_type: str, expected: Role
) -> None:
    assert role_of(body, value, entity_type) == expected


PLACE_BODY = (
    "若林 様\n\n白鷺原市 都市整備課の岡です。\n{}\n\n"
    "白鷺原市 都市整備部 都市整備課\n〒123-8501 東山県白鷺原市中町1番1号\n"
)


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        # NER spans cut out of the mail's own municipality name
        ("都市計画道路 白鷺原南線の測量を行います。", "鷺原南", Role.ORGANIZATION),
        ("白鷺原市国民健康保険の手続きです。", "白鷺原市国民健康保険", Role.ORGANIZATION),
        # a resident whose surname is the place name is still a resident
        ("白鷺原 一郎様から苦情がありました。", "白鷺原 一郎", Role.THIRD_PARTY),
        # a surname ending in 村 is not a municipality
        ("申請者中村太郎様の件です。", "中村太郎", Role.THIRD_PARTY),
    ],
)
def test_names_cut_from_the_mails_municipality(sentence: str, value: str, expected: Role) -> None:
    assert role_of(PLACE_BODY.format(sentence), value, "PERSON") == expected


@pytest.mark.parametrize(
    ("body", "value", "entity_type", "expected"),
    [
        # the reader thanked by name below the sender's introduction
        (
            "市民課の岡と申します。\n森田 葵様、ご連絡ありがとうございます。\n手続きをご案内します。",
            "森田 葵",
            "PERSON",
            Role.RECIPIENT,
        ),
        # a kana reading between the office and the name (やさしい日本語)
        (
            "市民課（しみんか）の 川村です。\nてつづきを せつめいします。",
            "川村",
            "PERSON",
            Role.STAFF,
        ),
        # the resident's own number in their quoted mail
        (
            "若林 様\n\nお問い合わせの件です。\n\n> 日中は携帯 090-2222-3333 におかけください。\n",
            "090-2222-3333",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        # someone else's number in the quoted mail stays someone else's
        (
            "若林 様\n\nお問い合わせの件です。\n\n> 母の携帯 090-2222-4444 にお願いします。\n",
            "090-2222-4444",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        # the reader asked to call a number given in parentheses
        (
            BODY.format("地域包括支援センター（0267-44-1111）までお電話ください。"),
            "0267-44-1111",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        # a venue's desk after an inquiry caption
        (
            BODY.format("会場へのお問い合わせ：ふれあいプラザ受付 0267-44-2222"),
            "0267-44-2222",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        # but not a person's number after the caption
        (
            BODY.format("お問い合わせ：自治会長の山本様 0267-44-3333"),
            "0267-44-3333",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
    ],
)
def test_reader_kana_readings_quotes_and_call_cues(
    body: str, value: str, entity_type: str, expected: Role
) -> None:
    assert role_of(body, value, entity_type) == expected


TOWN_BODY = "若林 様\n\n住民課の岡です。\n{}\n\n北杣町役場 住民課\nTEL 0123-45-6000\n"


@pytest.mark.parametrize(
    ("sentence", "value", "entity_type", "persons", "expected"),
    [
        # a district the mail also names as a place
        (
            "集合は分団詰所（樫原1190番地）です。\n樫原の消火栓を点検します。",
            "樫原",
            "PERSON",
            [],
            Role.ORGANIZATION,
        ),
        # a district before a house name or before a resident
        ("樫原の「油屋」さんの角を曲がります。", "樫原", "PERSON", [], Role.ORGANIZATION),
        ("樫原の瓜生 スミさんは留守です。", "樫原", "PERSON", ["瓜生 スミ"], Role.ORGANIZATION),
        # ... but a person with an honorific stays a person
        ("樫原さんの奥様から伺いました。", "樫原", "PERSON", [], Role.THIRD_PARTY),
        # the office's shared duty mobile
        (
            "夜間は防災当直の携帯 080-2222-1111 へご連絡ください。",
            "080-2222-1111",
            "PHONE_NUMBER",
            [],
            Role.ORGANIZATION,
        ),
        (
            "夜間は山田さんの携帯 080-2222-1112 へご連絡ください。",
            "080-2222-1112",
            "PHONE_NUMBER",
            [],
            Role.THIRD_PARTY,
        ),
        # a named establishment in quotes with its contact in parentheses
        (
            "隣の「鷺乃湯」（0123-45-7777）で入浴できます。",
            "0123-45-7777",
            "PHONE_NUMBER",
            [],
            Role.ORGANIZATION,
        ),
        # the number the resident wrote in a form
        (
            "フォームにご記入いただいた携帯番号（090-3333-4444）にお電話します。",
            "090-3333-4444",
            "PHONE_NUMBER",
            [],
            Role.RECIPIENT,
        ),
        # a service's number in parentheses with its hours, in a clause of its own
        (
            "山本様の件で困ったときは、夜間相談（0123-45-8888、24時間）へご連絡ください。",
            "0123-45-8888",
            "PHONE_NUMBER",
            [],
            Role.ORGANIZATION,
        ),
        # an office introducing itself
        ("社協の樽見です。", "樽見", "PERSON", [], Role.STAFF),
        # history words: a castle lord's letters dated in a pre-Meiji era
        (
            "１　稲穂城主 黒滝 景政 関係\n　上杉謙信から景政に宛てた書状（永禄４年）１通と、城下の絵図",
            "黒滝 景政",
            "PERSON",
            [],
            Role.ORGANIZATION,
        ),
        # a municipal professional, with the municipality and profession in brackets
        (
            "　講師　：鰐淵 美和（鷭沢区 理学療法士）、簗瀬 奈央（鷭沢区 保健師）",
            "鰐淵 美和",
            "PERSON",
            [],
            Role.STAFF,
        ),
        ("　講師　：鰐淵 美和（理学療法士）", "鰐淵 美和", "PERSON", [], Role.THIRD_PARTY),
        # the reader's home, said on the line under the address; where they put things out
        (
            "　出し場所：葵浜市緑町3丁目14番地の2\n　　　　　　（ご自宅前の道路に面した敷地内）",
            "葵浜市緑町3丁目14番地の2",
            "POSTAL_ADDRESS",
            [],
            Role.RECIPIENT,
        ),
        (
            "　出し場所：葵浜市緑町3丁目14番地の2",
            "葵浜市緑町3丁目14番地の2",
            "POSTAL_ADDRESS",
            [],
            Role.THIRD_PARTY,
        ),
        # a facility said to be somewhere, its contact lines under the sentence
        (
            "センターは汐見川市民交流プラザの2階にあります。\n所在地：汐見川市駅前通三丁目5番8号",
            "汐見川市駅前通三丁目5番8号",
            "POSTAL_ADDRESS",
            [],
            Role.ORGANIZATION,
        ),
        # the site of a notified building act; someone said to live at an address, though a
        # public office is named earlier on the line
        (
            "行為の場所：汐見台市緑町一丁目823番7",
            "汐見台市緑町一丁目823番7",
            "POSTAL_ADDRESS",
            [],
            Role.THIRD_PARTY,
        ),
        (
            "法務局と連携して確認したところ、潮見台三丁目14番2号にお住まいの方が配布していました。",
            "潮見台三丁目14番2号",
            "POSTAL_ADDRESS",
            [],
            Role.THIRD_PARTY,
        ),
        # a historical person the text says was known for something (民権家として知られる)
        (
            "三多摩の民権家として知られる石坂昌孝に関する新聞記事の切り抜き帳もございます。",
            "石坂昌孝",
            "PERSON",
            [],
            Role.ORGANIZATION,
        ),
        # someone else in the resident's quoted words
        (
            "> When I called him at 090-7716-2258 he hung up on me.",
            "090-7716-2258",
            "PHONE_NUMBER",
            [],
            Role.THIRD_PARTY,
        ),
        # the number we will call the reader on: captioned, or said after it to be theirs
        (
            "おかけする番号：090-6127-3308（ご指定の携帯電話）",
            "090-6127-3308",
            "PHONE_NUMBER",
            [],
            Role.RECIPIENT,
        ),
        (
            "平日の午後でしたら携帯電話（090-6618-3042）にお電話してよいとのことですので、",
            "090-6618-3042",
            "PHONE_NUMBER",
            [],
            Role.RECIPIENT,
        ),
        (
            "山田さんの携帯電話（090-6618-3042）にお電話してよいとのことです。",
            "090-6618-3042",
            "PHONE_NUMBER",
            [],
            Role.THIRD_PARTY,
        ),
    ],
)
def test_small_town_places_duty_phones_and_establishments(
    sentence: str, value: str, entity_type: str, persons: list[str], expected: Role
) -> None:
    named = [(name, Role.THIRD_PARTY) for name in persons]
    assert role_of(TOWN_BODY.format(sentence), value, entity_type, persons=named) == expected


def test_the_office_named_on_the_line_after_its_address() -> None:
    body = TOWN_BODY.format(
        "下記あてにお送りください。\n\n〒789-0001 北杣町大字本郷12番地\n北杣町役場 住民課 戸籍係"
    )
    assert role_of(body, "北杣町大字本郷12番地", "POSTAL_ADDRESS") == Role.ORGANIZATION
    resident = TOWN_BODY.format("転居先は北杣町大字本郷15番地です。\n役場での手続きは不要です。")
    assert role_of(resident, "北杣町大字本郷15番地", "POSTAL_ADDRESS") == Role.THIRD_PARTY


def test_a_plain_caption_in_easy_japanese() -> None:
    body = "わからない ことが あったら、でんわ して ください。\nでんわ：0123-45-6001\n"
    assert role_of(body, "0123-45-6001", "PHONE_NUMBER") == Role.ORGANIZATION


def test_officials_listed_after_their_count_are_staff() -> None:
    body = TOWN_BODY.format("当日は、区の職員2名（柚木・舟橋）で伺います。")
    assert role_of(body, "柚木", "PERSON") == Role.STAFF
    body = TOWN_BODY.format("参加者：市から2名（吉浦、藤崎）、警察署から1名の予定です。")
    assert role_of(body, "藤崎", "PERSON") == Role.STAFF
    # a district's residents counted the same way are not officials
    body = TOWN_BODY.format("参加者：松原町内会から2名（吉浦、藤崎）の予定です。")
    assert role_of(body, "藤崎", "PERSON") == Role.THIRD_PARTY


def test_public_offices_listed_in_a_table_own_their_contacts() -> None:
    # the cell after the office describes its work (…に関する相談); that is no topic sentence
    rows = (
        "窓口名,内容,所在地,電話\n"
        "福岡県玄海児童相談所,18歳未満の子どもに関する相談,潮見原市東郷1丁目7番5号,0940-37-4152\n"
        "ヤングテレホン（県警）,少年や保護者の電話相談,―,0120-71-2233\n"
    )
    body = TOWN_BODY.format(rows)
    assert role_of(body, "0940-37-4152", "PHONE_NUMBER") == Role.ORGANIZATION
    assert role_of(body, "0120-71-2233", "PHONE_NUMBER") == Role.ORGANIZATION
    # a public body's branch office
    body = TOWN_BODY.format("機構の上伊那駐在（電話 0265-76-2210）から説明を受けられます。")
    assert role_of(body, "0265-76-2210", "PHONE_NUMBER") == Role.ORGANIZATION


@pytest.mark.parametrize(
    ("block", "value"),
    [
        # a note in parentheses describes the facility, it is not a topic
        (
            "　NPO法人 ひだまり支援センター（無料法律相談・毎週水曜日）\n　電話 03-5298-0001",
            "03-5298-0001",
        ),
        # indented description lines under the item's heading
        (
            "2　NPO法人すまいサポート\n　物件探しへの同行を行っています。\n　電話 03-6909-0002",
            "03-6909-0002",
        ),
    ],
)
def test_partner_blocks_under_their_heading(block: str, value: str) -> None:
    assert role_of(TOWN_BODY.format(block), value, "PHONE_NUMBER") == Role.ORGANIZATION


def test_please_call_in_english_offers_the_office() -> None:
    body = "Dear Ms. Lee,\n\nFor an interpreter, please call 03-6817-0003.\n\nBest regards,\nJun Kuga\n"
    assert role_of(body, "03-6817-0003", "PHONE_NUMBER") == Role.ORGANIZATION


def test_a_reading_in_parentheses_is_the_same_person() -> None:
    text = "多文化共生推進課の 李 美玲（リ・メイリン） です。"
    name, reading = text.index("李 美玲"), text.index("リ・メイリン")
    roles = same_person_roles(
        text, [(name, name + 4, Role.STAFF), (reading, reading + 6, Role.THIRD_PARTY)]
    )
    assert roles[1][2] == Role.STAFF


@pytest.mark.parametrize(
    ("sentence", "value", "entity_type", "expected"),
    [
        # business hours after a number: an office's
        (
            "ご相談は電話 0749-53-0001（平日8:30～17:15）へ。",
            "0749-53-0001",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        # a home named after the address, even after a venue caption
        (
            "場所：北杣町大字本郷12番地（ご自宅）",
            "北杣町大字本郷12番地",
            "POSTAL_ADDRESS",
            Role.RECIPIENT,
        ),
        (
            "訪問先：北杣町大字本郷13番地（実家）",
            "北杣町大字本郷13番地",
            "POSTAL_ADDRESS",
            Role.THIRD_PARTY,
        ),
        # an office's desk introducing its staff
        ("生活支援課 自立相談支援窓口の志垣です。", "志垣", "PERSON", Role.STAFF),
    ],
)
def test_hours_homes_and_desks(sentence: str, value: str, entity_type: str, expected: Role) -> None:
    assert role_of(TOWN_BODY.format(sentence), value, entity_type) == expected


def test_an_address_followed_by_its_residents_name_is_theirs() -> None:
    body = TOWN_BODY.format("協議会でお話しした、北杣町大字本郷14番地の楠元 蒼くんの件です。")
    named = [("楠元 蒼", Role.THIRD_PARTY)]
    assert (
        role_of(body, "北杣町大字本郷14番地", "POSTAL_ADDRESS", persons=named) == Role.THIRD_PARTY
    )


@pytest.mark.parametrize(
    "body",
    [
        "Dear Ms. Lee,\n\nIf you have questions, please reply to this e-mail or call 0749-53-0002.\n",
        "Dear Ms. Lee,\n\nYou can reach us by phone at +81-749-53-0003 on weekdays.\n",
    ],
)
def test_english_ways_of_offering_the_office_phone(body: str) -> None:
    value = body.split("call ")[-1].split(".\n")[0] if "call " in body else "+81-749-53-0003"
    assert role_of(body, value, "PHONE_NUMBER") == Role.ORGANIZATION


@pytest.mark.parametrize(
    ("sentence", "value", "entity_type", "expected"),
    [
        ("当日は佐々木 和夫選挙管理委員長もあいさつします。", "佐々木 和夫", "PERSON", Role.STAFF),
        ("紹介議員：石川 千鶴議員", "石川 千鶴", "PERSON", Role.STAFF),
        ("出席：町内会役員の皆様、環境課（夏堀ほか1名）", "夏堀", "PERSON", Role.STAFF),
        (
            "毎回、区の保育士（百目鬼 理沙）と保健師が参加しています。",
            "百目鬼 理沙",
            "PERSON",
            Role.STAFF,
        ),
        (
            "ご希望の場合は、お電話（0176-52-0004）でご連絡ください。",
            "0176-52-0004",
            "PHONE_NUMBER",
            Role.ORGANIZATION,
        ),
        (
            "折り返しは、いただいたメールに記載の番号（080-2296-0005）におかけします。",
            "080-2296-0005",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        # The reader's number that we called or will call (2026-11-27 round).
        (
            "本日お電話（090-6624-0008）をおかけしましたが、お出にならなかったのでメールで失礼します。",
            "090-6624-0008",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "本日午前、お電話（080-5127-0011）にご連絡いたしましたが、おつなぎできませんでした。",
            "080-5127-0011",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "明日の午前中に、いただいたお電話番号（090-6318-0009）へこちらからご連絡いたします。",
            "090-6318-0009",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "試算は、メールにご記載の連絡先（080-6612-0010）あてにお送りします。",
            "080-6612-0010",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "山田様の携帯（090-6624-0011）へお電話を差し上げます。",
            "090-6624-0011",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        # The reader's number as they gave it (afternoon round).
        (
            "明日、いただいたご連絡先の 090-6624-0012 にこちらからお電話いたします。",
            "090-6624-0012",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "ご連絡先は、お問い合わせの際に伺った 080-6624-0013 でよろしいでしょうか。",
            "080-6624-0013",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "封筒に記載のあった携帯電話（090-6624-0015）へ、平日の日中にお電話します。",
            "090-6624-0015",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        (
            "ご近所の方から伺った 080-6624-0014 にお電話しました。",
            "080-6624-0014",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        # Someone else's duty or home (2026-11-27 night round), and ours.
        (
            "会計担当の宮本様による収支計画のご説明が分かりやすかったです。",
            "宮本",
            "PERSON",
            Role.THIRD_PARTY,
        ),
        ("当日は担当の宮本がご案内します。", "宮本", "PERSON", Role.STAFF),
        # a care provider's counsellor with さん is theirs, not ours
        (
            "デイサービスしおさいの生活相談員 浜口 恵さんが出席される予定です。",
            "浜口 恵",
            "PERSON",
            Role.THIRD_PARTY,
        ),
        ("当日は相談員の浜口がご案内します。", "浜口", "PERSON", Role.STAFF),
        # "その方の携帯": the person just mentioned, not the reader named earlier on the line
        (
            "田中様と一緒にAEDを運んでくださった薬局の方にも、その方の携帯電話（080-5512-9037）に"
            "ご連絡しました。",
            "080-5512-9037",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        (
            "確認は会長のご自宅（0959-72-3318）にお電話ください。",
            "0959-72-3318",
            "PHONE_NUMBER",
            Role.THIRD_PARTY,
        ),
        (
            "前日にご自宅（0959-72-3319）へお電話します。",
            "0959-72-3319",
            "PHONE_NUMBER",
            Role.RECIPIENT,
        ),
        # A brand in brackets after its product
        ("今月のおすすめ：榁島産 新米「島ひかり」5kg", "島ひかり", "PERSON", Role.ORGANIZATION),
    ],
)
def test_council_titles_staff_lists_and_phone_wordings(
    sentence: str, value: str, entity_type: str, expected: Role
) -> None:
    assert role_of(TOWN_BODY.format(sentence), value, entity_type) == expected


def test_a_phone_introduced_by_the_addressees_title_is_theirs() -> None:
    body = "北町内会\n会長 中野 浩 様\n\n環境課の夏堀です。\n前日に会長の携帯（090-4417-0006）へお電話します。\n"
    assert role_of(body, "090-4417-0006", "PHONE_NUMBER") == Role.RECIPIENT
    other = "北町内会\n会長 中野 浩 様\n\n環境課の夏堀です。\n前日に副会長の山田様の携帯（090-4417-0007）へお電話します。\n"
    assert role_of(other, "090-4417-0007", "PHONE_NUMBER") == Role.THIRD_PARTY


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Welcome dinner hosted by Mayor Seiichiro Karoji.", "Seiichiro Karoji"),
        ("We meet the Superintendent of Education, Ms. Keiko Toguchi, at 10:00.", "Keiko Toguchi"),
        (
            "At the school the principal, Ms. Ayako Shimabukuro, will show you around.",
            "Ayako Shimabukuro",
        ),
        ("Fire Lieutenant Aoki Haruka will also attend.", "Aoki Haruka"),
    ],
)
def test_english_official_titles_are_staff(sentence: str, name: str) -> None:
    body = f"Dear Mr. Gray,\n\n{sentence}\n"
    assert role_of(body, name, "PERSON") == Role.STAFF


def test_a_name_after_an_unofficial_title_is_not_staff() -> None:
    body = "Dear Mr. Gray,\n\nOur neighbour, Ms. Keiko Toguchi, called us.\n"
    assert role_of(body, "Keiko Toguchi", "PERSON") == Role.THIRD_PARTY


def test_a_one_character_surname_of_the_addressee_is_theirs() -> None:
    body = "原 美優 様\n\n事務局の大西です。\n原様のご都合に合わせて土曜日に設定しました。\n"
    assert role_of(body, "原", "PERSON", occurrence=1) == Role.RECIPIENT
    # Another surname that starts with it (原田) is someone else.
    other = "原 美優 様\n\n事務局の大西です。\n原田様にもお伝えしました。\n"
    assert role_of(other, "原田", "PERSON") == Role.THIRD_PARTY


@pytest.mark.parametrize(
    ("lines", "office"),
    [
        # The hospital's own account for payments: its holder is a public body.
        (
            "振込先：みちのく中央銀行 西桜町支店 普通預金 0382715\n口座名義：十和浜市病院事業管理者",
            True,
        ),
        ("Bank: Akagino Bank, Honmachi branch, savings 0382715\nAccount name: Akagino City", True),
        # A resident's refund account stays theirs: no public body holds it.
        (
            "還付金の振込先：みちのく中央銀行 西桜町支店 普通預金 0382715\n口座名義：ヤマダ ハナコ",
            False,
        ),
        # A hamlet's account in its treasurer's own name is the resident's, not the town's.
        ("しおみ信用金庫 浜田支店 普通預金 0382715\n口座名義 浜田南区 会計 勝間田浩二", False),
        ("振込先：しおみ信用金庫 普通預金 0382715\n口座名義：汐見町 会計管理者", True),
    ],
)
def test_an_account_held_by_a_public_body_is_the_office_s(lines: str, office: bool) -> None:
    body = f"山田 花子 様\n\n医事課の佐藤です。\n{lines}\n"
    assert (role_of(body, "0382715", "BANK_ACCOUNT") == Role.ORGANIZATION) is office


@pytest.mark.parametrize(
    ("body", "value", "expected"),
    [
        # a form's sample name, on its line or under a 記入例 heading; a made-up family
        ("北川 様\n\n　　氏名：杜和田 はなこ（記入例）\n", "杜和田 はなこ", Role.ORGANIZATION),
        (
            "北川 様\n\n　（記入例）\n　氏名　：吉備野 太郎（申込者本人）\n",
            "吉備野 太郎",
            Role.ORGANIZATION,
        ),
        (
            "北川 様\n\n架空の家族「潮田家」を例にご説明します。\n　潮田 一郎さん（筆頭者）の戸籍には…\n",
            "潮田 一郎",
            Role.ORGANIZATION,
        ),
        # the author of a published work
        (
            "北川 様\n\n斎藤隆介さんの『モチモチの木』、とてもよいと思います。\n",
            "斎藤隆介",
            Role.ORGANIZATION,
        ),
        # the reader's boss, titled like our officials
        (
            "浜田 様\n\n・職場の上司である井上 誠課長から、叱責が続いている。\n",
            "井上 誠",
            Role.THIRD_PARTY,
        ),
        # a real name under an ordinary heading stays someone's
        ("北川 様\n\n　（参加者）\n　氏名　：吉備野 太郎\n", "吉備野 太郎", Role.THIRD_PARTY),
    ],
)
def test_examples_authors_and_bosses(body: str, value: str, expected: Role) -> None:
    assert role_of(body, value, "PERSON") == expected


def test_a_quoted_line_saying_daijoubu_names_no_husband() -> None:
    # 大丈夫 holds 夫; the resident's own mobile in their quoted mail stays theirs.
    body = "山本 様\n\n> 日中は携帯（090-2267-0012）にご連絡いただいても大丈夫です。\n> 山本\n"
    assert role_of(body, "090-2267-0012", "PHONE_NUMBER") == Role.RECIPIENT


def test_a_name_reached_at_the_offices_own_number_is_staff() -> None:
    signature = "\n--\nPersonnel Division\nTEL 0237-42-1114\n"
    body = "Dear Ms. Schmidt,\n\nIf you have questions, please contact Mayumi Abe at 0237-42-1114."
    assert role_of(body + signature, "Mayumi Abe", "PERSON") == Role.STAFF
    # at a number that is not the office's, the person is someone else
    other = body.replace("0237-42-1114.", "0237-43-2940.")
    assert role_of(other + signature, "Mayumi Abe", "PERSON") == Role.THIRD_PARTY


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        (
            "鍵の受け渡しは、同校事務室（上総台市緑町二丁目8番1号、電話 0475-23-4411）へ。",
            "0475-23-4411",
        ),
        (
            "支局の所在地は〒690-0011 島根県松江市東津田町1500-3、電話は0852-37-1390です。",
            "0852-37-1390",
        ),
        (
            "Surrender it at the Yakumogawa Police Station (phone +81 854-42-0110).",
            "+81 854-42-0110",
        ),
        ("Nights and holidays: 0566-71-1111 (City Hall main number)", "0566-71-1111"),
    ],
)
def test_public_offices_named_before_or_after_their_number(sentence: str, value: str) -> None:
    assert role_of(TOWN_BODY.format(sentence), value, "PHONE_NUMBER") == Role.ORGANIZATION


def test_an_english_title_after_the_name_names_an_official() -> None:
    body = "Dear Ms. Kim,\n\nMr. Hiroshi Uchida, Director of the Sports Promotion Division, will visit.\n"
    assert role_of(body, "Hiroshi Uchida", "PERSON") == Role.STAFF
    # a company's director is no official
    other = body.replace("the Sports Promotion Division", "Kyushu Trading Co.")
    assert role_of(other, "Hiroshi Uchida", "PERSON") == Role.THIRD_PARTY

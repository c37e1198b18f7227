"""Salutation, signature and quoted lines of Japanese and English ward mail."""

from __future__ import annotations

import pytest

from mailgate.policy.structure import analyse

SIGNATURE = "\n-----\n地域振興課　振興係　佐藤 明\nTEL 03-1234-5678\n"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("田中 花子 様\n\nいつもお世話になっております。\n", "田中 花子"),
        ("田中花子様、\nお世話になっております。\n", "田中花子"),
        ("株式会社川辺商店\n川辺 一郎 様\n\n本文です。\n", "川辺 一郎"),
        ("Dear Ms. Clark,\n\nThank you.\n", "Clark"),
        ("Dear Van An Nguyen,\n\nThank you.\n", "Van An Nguyen"),
        ("町会長　各位\n\n本文です。\n", "町会長"),
    ],
)
def test_salutation_name(body: str, name: str) -> None:
    structure = analyse(body)
    assert structure.salutation is not None
    assert structure.salutation_name == name
    assert structure.in_salutation(body.index(name), body.index(name) + len(name))


def test_organisation_line_belongs_to_salutation() -> None:
    body = "株式会社川辺商店\n川辺 一郎 様\n\n本文です。\n"
    assert analyse(body).in_salutation(0, len("株式会社川辺商店"))


def test_copied_addressees_under_the_salutation_are_addressed() -> None:
    body = "北谷小学校\n校長 水野 博之 様\n（cc：湯ノ瀬小学校 校長 竹中 恭子 様）\n\n奥村です。\n"
    structure = analyse(body)
    start = body.index("竹中")
    assert structure.in_salutation(start, start + len("竹中 恭子"))
    assert structure.salutation_name.endswith("水野 博之")
    # A line of the body that merely starts with "写し：" is not an addressee.
    plain = "水野 博之 様\n写し：議事録を添付します。\n"
    assert not analyse(plain).in_salutation(plain.index("議事録"), plain.index("議事録") + 3)


def test_joint_addressees_on_the_next_lines_are_addressed() -> None:
    body = "西村 孝 様\n西村 千里 様\n\n税務課です。お二人のご質問にお答えします。\n"
    structure = analyse(body)
    start = body.index("西村 千里")
    assert structure.in_salutation(start, start + len("西村 千里"))
    assert structure.salutation_name == "西村 孝"
    # After a blank line, or in a sentence, a name with an honorific is the body's.
    apart = "西村 孝 様\n\n西村 千里 様\n"
    assert not analyse(apart).in_salutation(apart.index("千里"), apart.index("千里") + 2)
    bracketed = "汐見団地自治会　役員の皆様\n（会長　石田 正明 様）\n\n住宅課の青島です。\n"
    assert analyse(bracketed).in_salutation(bracketed.index("石田"), bracketed.index("石田") + 5)
    listed = "浜の町三丁目 私道共有者の皆様\n（戸田様、吉永様、堀様）\n\n道路維持係の野中です。\n"
    three = "住民監査請求 請求人\n市川 昌平 様\n柘植 ゆかり 様\n近藤 武 様\n\n事務局の纐纈です。\n"
    assert analyse(three).in_salutation(three.index("近藤"), three.index("近藤") + 4)
    assert analyse(listed).in_salutation(listed.index("戸田"), listed.index("堀") + 1)
    sentence = "西村 孝 様\n先日は、山口様にお世話になりました。佐藤様\n"
    assert not analyse(sentence).in_salutation(sentence.index("山口"), sentence.index("山口") + 2)


def test_no_salutation_in_plain_text() -> None:
    assert analyse("本日の会議は中止です。\n以上です。\n").salutation is None


@pytest.mark.parametrize(
    "body",
    [
        "田中様\n\n本文です。\n本文です。\n" + SIGNATURE,
        "田中様\n\n本文です。\n本文です。\n\n＝＝＝＝＝＝\n地域振興課\n電話 03-1234-5678\n＝＝＝＝＝＝\n",
        "Dear Ms. Clark,\n\nThank you.\nSee you soon.\n\n--\nTaro Sato\nTel: +81-3-1234-5678\n",
        # No rule line: a closing contact paragraph.
        "田中様\n\n本文です。\n本文です。\n\n地域振興課 振興係\n担当：佐藤\nTEL 03-1234-5678\n",
    ],
)
def test_signature_found(body: str) -> None:
    structure = analyse(body)
    phone = body.rindex("03-1234-5678") if "03-1234-5678" in body else body.rindex("+81")
    assert structure.in_signature(phone, phone + 12)
    assert not structure.in_signature(
        body.index("本文") if "本文" in body else body.index("Thank"), 3
    )


def test_framed_signature_starts_at_the_opening_rule() -> None:
    body = "田中様\n\n本文です。\n本文です。\n\n＝＝＝＝＝＝\n地域振興課\n＝＝＝＝＝＝\n"
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith("＝＝＝＝＝＝\n地域振興課")


def test_closing_paragraph_that_addresses_someone_is_not_a_signature() -> None:
    body = "田中様\n\n本文です。\n本文です。\n\n新しい班長は山本様です。\n電話 090-1234-5678（山本様の携帯）\n"
    assert analyse(body).signature is None


def test_quoted_lines() -> None:
    body = (
        "田中様\n\n> 私の電話番号は090-1111-2222です。\n＞よろしく\nご連絡ありがとうございます。\n"
    )
    structure = analyse(body)
    assert structure.in_quote(body.index("090"), body.index("090") + 13)
    assert structure.in_quote(body.index("＞"), body.index("＞") + 5)
    assert not structure.in_quote(body.index("ご連絡"), body.index("ご連絡") + 3)


# Signatures without a rule line: after a closing line, or a final office block.
@pytest.mark.parametrize(
    ("body", "first_line"),
    [
        (
            "Dear Mr. Okafor,\n\nYour card is ready.\n\nKind regards,\n\nYuki Mori\n"
            "Citizens Division, Nishi Ward Office\n4-1-1 Nishi, Nishi-ku, Nagoya, Aichi 451-0001 JAPAN\n"
            "Phone: 052-000-1111\n",
            "Yuki Mori",
        ),
        (
            "Dear Ms. Varga,\n\nThe form is on our website.\n\nSincerely,\nTakeshi Ono\n"
            "International Affairs Section\nTel: 011-000-2222\n",
            "Takeshi Ono",
        ),
        (
            "Hello Mr. Diaz,\n\nWe have sent the guide by post.\n\nYours sincerely\n\nMaki Endo\n"
            "Residents Bureau, City of Kobe\n",
            "Maki Endo",
        ),
        (
            "野中 様\n\n窓口は午後5時までです。\nご来庁をお待ちしております。\n\nよろしくお願いいたします。\n\n"
            "南町役場 税務課\n石井 亮\nTEL 0120-00-1111\n",
            "南町役場 税務課",
        ),
        (
            "野中 様\n\n窓口は午後5時までです。\nご来庁をお待ちしております。\n以上\n"
            "東区役所 福祉局 高齢福祉係\n担当 石井\n電話 0120-00-1111\nfukushi@mail.example-city.lg.jp\n",
            "東区役所 福祉局 高齢福祉係",
        ),
        (
            "野中 様\n\n窓口は午後5時までです。\nご来庁をお待ちしております。\n\n"
            "山辺市教育委員会 中央公民館 事業グループ\n石井 亮\nTEL 0120-00-1111　FAX 0120-00-1112\n",
            "山辺市教育委員会 中央公民館 事業グループ",
        ),
        (
            # The office line follows the text directly, without a blank line.
            "野中 様\n\n窓口は午後5時までです。\nご来庁をお待ちしております。\n"
            "山辺市 生活環境課\n石井 亮\nTEL 0120-00-1111\n",
            "山辺市 生活環境課",
        ),
    ],
)
def test_signature_without_rule_line(body: str, first_line: str) -> None:
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith(first_line)
    assert not structure.in_signature(body.index("\n\n") + 2, body.index("\n\n") + 4)


@pytest.mark.parametrize(
    "body",
    [
        # A resident's contact after the closing line, with no office named.
        "野中 様\n\n次の方にご連絡ください。\n\n以上\n\n北町 二丁目 班長\n坂口 美和子\n電話 090-0000-1111\n",
        "野中 様\n\nご確認ください。\n\nよろしくお願いいたします。\n\n福祉課から坂口様へお伝えします。\n"
        "坂口様の電話 090-0000-1111\n",
        "Dear Ms. Varga,\n\nThe form is on our website.\n\nBest regards,\n\nYour neighbour Anna Kovacs\n"
        "Phone: +36 1 000 1111\n",
    ],
)
def test_closing_followed_by_someone_elses_contact_is_not_a_signature(body: str) -> None:
    assert analyse(body).signature is None


# A final block of short lines naming an office and a person is the sender's, even without a
# rule line, a closing line or a contact line.
@pytest.mark.parametrize(
    ("body", "first_line"),
    [
        (
            "野中 様\n\n本文です。\n会場は本館です。\nご来場ください。\n\n"
            "西浜市 高齢福祉課 村岡 里美\nTEL 0120-00-2222\nFAX 0120-00-2223（FAXもご利用いただけます）\n",
            "西浜市 高齢福祉課 村岡 里美",
        ),
        (
            "野中 様\n\n本文です。\n会場は本館です。\nご来場ください。\n\n"
            "西浜市立北中学校\n副校長　岩永 誠\n〒999-0011 西浜市北町1-2-3\n",
            "西浜市立北中学校",
        ),
        (
            "野中 様\n\n本文です。\n会場は本館です。\nご来場ください。\n\n"
            "西浜環境施設組合\n第二処理センター 管理係　大峰 敦\nhttps://www.example.lg.jp/\n",
            "西浜環境施設組合",
        ),
        (
            # The office line follows the last sentence directly.
            "野中 様\n\n本文です。\n会場は本館です。\n秋の行楽をお楽しみください。\n"
            "西浜市 産業部 商工観光課　河野 美月\n",
            "西浜市 産業部 商工観光課",
        ),
        (
            "Dear Mr. Lee,\n\nThe results are ready.\nPlease come to the counter.\n\nSincerely,\n"
            "Aya Tsuda (Public Health Nurse)\nMinami Public Health Center\n",
            "Aya Tsuda",
        ),
    ],
)
def test_office_and_name_block_is_a_signature(body: str, first_line: str) -> None:
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith(first_line)


@pytest.mark.parametrize(
    "body",
    [
        # Someone addressed, or the reader asked something: not the sender's block.
        "野中 様\n\n本文です。\n会場は本館です。\n次の方にお渡しします。\n\n"
        "北町 第二班\n班長 坂口 美和子さん\n",
        "野中 様\n\n本文です。\n会場は本館です。\n次の方です。\n\n"
        "西浜市立北中学校 岩永 誠\nご確認ください\n",
        # No office named: a resident's name and phone.
        "野中 様\n\n本文です。\n会場は本館です。\n次の方です。\n\n坂口 美和子\n090-0000-1111\n",
    ],
)
def test_block_that_addresses_or_asks_is_not_a_signature(body: str) -> None:
    assert analyse(body).signature is None


def test_framed_signature_before_the_quoted_original() -> None:
    body = (
        "野中 様\n\n本文です。\n会場は本館です。\n\n―――\n西浜市 業務課\n大峰 敦　TEL 0120-00-3333\n"
        "―――\n\n2025年1月2日 野中 <nonaka@example.jp>:\n> 〒999-0002 西浜市北町2-3-4 です。\n"
    )
    structure = analyse(body)
    assert structure.in_signature(body.index("大峰"), body.index("大峰") + 5)
    quoted = body.index("西浜市北町")
    assert not structure.in_signature(quoted, quoted + 10)


@pytest.mark.parametrize(
    ("body", "first_line"),
    [
        # name, office and a bare landline on one line
        (
            "各位\n\n教育委員会の森です。\n資料をお送りします。\n当日もお配りします。\n\n"
            "森 春香　山里村教育委員会　0123-45-6789\n",
            "森 春香",
        ),
        # office line, then a bare landline
        (
            "川口 様\n\n税務課の中野です。\n還付の予定をお知らせします。\n\n"
            "税務課 市民税係 中野\n0123-45-6780\n",
            "税務課",
        ),
        # a decorated office line with the name, then the number
        (
            "ご担当者様\n\n観光課の北条です。\n補助の案内です。\n様式は町のホームページにあります。\n\n"
            "―― 港町役場 観光課 北条 誠 ――\n0123-45-6781\n",
            "―― 港町役場",
        ),
        # the sender's name and mailbox after a closing line
        (
            "委員各位\n\n相談所の水野です。\n次回の部会のご案内です。\n\nよろしくお願いいたします。\n\n"
            "水野 綾 ＜soudan@mail.example-city.lg.jp＞\n",
            "水野 綾",
        ),
    ],
)
def test_signature_in_unfamiliar_layouts(body: str, first_line: str) -> None:
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith(first_line)


@pytest.mark.parametrize(
    ("body", "value"),
    [
        # a resident's mobile at the end, introduced as theirs
        (
            "川口 様\n\n税務課の中野です。\n確認いたしました。\n\n"
            "ご連絡先は090-1234-5678と伺っております。\n",
            "090-1234-5678",
        ),
        # a person addressed in the closing line
        (
            "委員各位\n\n部会のご案内です。\nご確認ください。\n\nよろしくお願いいたします。\n\n"
            "山田 花子 様 ＜hanako@example.jp＞\n",
            "山田 花子",
        ),
    ],
)
def test_closing_lines_that_are_not_the_senders_block(body: str, value: str) -> None:
    start = body.index(value)
    assert not analyse(body).in_signature(start, start + len(value))


def test_contact_lines_just_above_the_closing_belong_to_the_sender() -> None:
    body = (
        "Dear Ms. Reyes,\n\nThank you for your question about the archive.\n\n"
        "The reading room is open on weekdays.\n\n"
        "Address: 3-1 Kitamachi, Sagihara 123-0001\nTel: +81 123 45 6789\n\n"
        "Kind regards,\nKen Oda\nSagihara City Archive Museum\n"
    )
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith("Address:")


@pytest.mark.parametrize(
    "intro",
    [
        "We have your details as follows:",
        "ご登録内容は以下のとおりです。",
    ],
)
def test_someones_details_above_the_closing_are_not_the_senders(intro: str) -> None:
    body = (
        "Dear Ms. Reyes,\n\nThank you for registering.\n\n"
        f"{intro}\n\nAddress: 3-1 Kitamachi, Sagihara 123-0001\nTel: 090-1234-5678\n\n"
        "Kind regards,\nKen Oda\nSagihara City Archive Museum\n"
    )
    start = body.index("3-1 Kitamachi")
    assert not analyse(body).in_signature(start, start + 10)


@pytest.mark.parametrize(
    ("body", "first_line"),
    [
        (
            "Dear Ms. Lee,\n\nThe class starts at 10:00.\nPlease reply to this e-mail.\n\n"
            "Aiko Tanabe\nKitano Town Board of Education\n",
            "Aiko Tanabe",
        ),
        (
            "北村 様\n\n次回からは記載不要です。\n\n保健師 浅利\nTEL 0123-45-6789\n",
            "保健師 浅利",
        ),
    ],
)
def test_a_board_of_education_or_a_titled_name_signs(body: str, first_line: str) -> None:
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith(first_line)


def test_salutation_with_the_addressees_role_in_parentheses() -> None:
    body = "久米 亜紀 様（PTA副会長）\n\nいつもありがとうございます。\n"
    structure = analyse(body)
    assert structure.salutation is not None and structure.salutation_name == "久米 亜紀"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (
            "Dear Ms. Lee,\n\nいつでもご連絡ください。\n\n三ツ木 遼子\n--\n"
            "多文化共生推進課\nTel 03-1234-5678\n",
            "三ツ木 遼子",
        ),
        # the name as a paragraph of its own, a blank line above a full-width rule
        (
            "Dear Ms. Lopez,\n\nYou can call us at the number below.\n\nRyo Igarashi\n\n"
            "－－－－－－－－－－\n越川市役所　こども家庭課\n五十嵐遼\n電話　0256(34)1158\n"
            "－－－－－－－－－－\n",
            "Ryo Igarashi",
        ),
    ],
)
def test_the_senders_name_above_the_rule_line_signs(body: str, name: str) -> None:
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith(name)


def test_a_name_with_a_title_alone_on_the_first_line_is_the_addressee() -> None:
    structure = analyse("中野渡会長\n\n環境課の夏堀です。\n")
    assert structure.salutation_name == "中野渡"
    # an organisation's title line above an addressee with an honorific stays an address line
    structure = analyse("北中学校PTA会長\n広沢 克己 様\n\nいつもお世話になっております。\n")
    assert structure.salutation_name == "広沢 克己"


@pytest.mark.parametrize(
    ("body", "name", "text"),
    [
        # under a closing line, above the framed office block
        (
            "Dear Ms. Lindqvist,\n\nThe form is on our website.\n\nSincerely,\nMisaki Kobayashi\n"
            "Child-rearing Support Division, Kibino City\n\n━━━━━━━━\n吉備野市 子育て支援課\n"
            "TEL 0868-55-2111\n━━━━━━━━\n",
            "Misaki Kobayashi",
            "The form",
        ),
        # no closing line: a paragraph of name and unit just above the rule
        (
            "Dear Mr. Okafor,\n\nThe certificate will be posted to you.\n\nPlease let me know if"
            " you have questions.\n\nMakoto Karasawa\nAgricultural Promotion Unit, Takamine Town"
            "\n\n――――――――\n高峰町 農政課\nTEL 0265-79-3121\n――――――――\n",
            "Makoto Karasawa",
            "Please let",
        ),
    ],
)
def test_the_senders_name_and_unit_join_the_framed_signature(
    body: str, name: str, text: str
) -> None:
    structure = analyse(body)
    start = body.index(name)
    assert structure.in_signature(start, start + len(name))
    assert not structure.in_signature(body.index(text), body.index(text) + len(text))


def test_a_sentence_above_the_rule_is_no_sign_off() -> None:
    body = (
        "Dear Mr. Okafor,\n\nPlease let me know.\n\nOur colleague will call you.\n"
        "Agricultural Promotion Unit, Takamine Town\n\n――――――――\n高峰町 農政課\n――――――――\n"
    )
    assert not analyse(body).in_signature(body.index("Our"), body.index("Our") + 3)


def test_a_sentence_starting_with_a_caption_word_is_no_contact_block() -> None:
    # 「メールにご記載の…口座」 is the body's sentence, not a "メール：" line of a sender's block.
    body = (
        "近藤 雅人 様\n\n納税課です。\n口座振替の開始時期についてお答えします。\n\n"
        "メールにご記載の口座（口座番号 1048273）については、お電話でお答えいたします。\n\n"
        "よろしくお願いいたします。\n\n━━━━━━\n白樺野市 納税課\n━━━━━━\n"
    )
    start = body.index("1048273")
    assert not analyse(body).in_signature(start, start + 7)

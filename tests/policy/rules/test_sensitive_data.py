"""Sensitive data: disclosures about a specific person block; general statements do not."""

from __future__ import annotations

import pytest

from mailgate.policy import structure
from mailgate.policy.dictionaries import default_phrases
from mailgate.policy.findings import Reason
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources
from mailgate.policy.rules.sensitive_data import SensitiveDataConfig, SensitiveDataRule
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir


@pytest.fixture(scope="module")
def rule() -> SensitiveDataRule:
    return SensitiveDataRule(SensitiveDataConfig(), Resources(data_dir("policies")))


def findings_for(rule: SensitiveDataRule, body: str) -> list:
    unit = TextUnit("body", body, structure=structure.analyse(body))
    return rule.find(OutgoingMail(subject="", body=body), [unit])


# (sentence, a piece of text the reported span must cover, category)
DISCLOSURES = [
    ("ご主人が脳梗塞で入院されたと伺いました。", "入院", "health"),
    ("森下さんのお父様は認知症と診断されています。", "認知症と診断され", "health"),
    ("息子さんは療育手帳（A1）をお持ちと伺っております。", "療育手帳", "disability"),
    ("川島様が愛の手帳を所持されていることを確認しました。", "愛の手帳", "disability"),
    ("奥様が身体障害者手帳を取得されたとのことで、", "身体障害者手帳", "disability"),
    ("大塚さんは現在生活保護を受給中です。", "生活保護を受給中", "welfare"),
    ("前田氏には前科があります。", "前科", "criminal"),
    ("As you know, he is on parole until next March.", "parole", "criminal"),
    # records kept about the reader's own handbook or welfare
    (
        "ご本人の精神障害者保健福祉手帳の交付・更新に関する記録は、障がい福祉課で保有しています。",
        "精神障害者保健福祉手帳",
        "disability",
    ),
    ("ご本人の生活保護の受給に係るケース記録について、開示を決定しました。", "生活保護", "welfare"),
    (
        "ご祖父の山内 清吉様がハンセン病療養所に入所された際の村の記録があります。",
        "ハンセン病療養所に入所された",
        "health",
    ),
    (
        "申告書に記載のあったうつ病による通院については、面談でご相談します。",
        "うつ病による通院",
        "health",
    ),
    # first aid received at an event
    (
        "30km地点の救護所で脱水症状と両脚のけいれんにより点滴の処置を受けられたと伺いました。",
        "点滴の処置を受けられた",
        "health",
    ),
    # one person's assessed grade in brackets
    ("負傷による両下肢の機能の著しい障害（身体障害者手帳1級相当）について、", "1級", "disability"),
    ("ご近所の村井さんは以前服役していたそうです。", "服役していた", "criminal"),
    ("上野様はストーカー被害を受けており、", "ストーカー被害を受けており", "victim"),
    ("吉岡さんはDV被害により転居されました。", "DV被害により転居", "victim"),
    (
        "坂口様は、配偶者からの暴力（DV）の被害者として、支援措置の対象です。",
        "（DV）の被害者として",
        "victim",
    ),
    ("坂口様は、DV被害者として支援措置の対象です。", "DV被害者として", "victim"),
    ("先月の特定健診の結果、糖尿病の疑いがあるとの判定でした。", "糖尿病の疑い", "health"),
    ("小松様は熱心にキリスト教を信仰している方で", "信仰して", "creed"),
    ("Her son has been diagnosed with autism and dementia.", "diagnosed with", "health"),
    ("Mr. Jones is receiving welfare at the moment.", "receiving welfare", "welfare"),
    ("Your neighbour has a criminal record.", "criminal record", "criminal"),
    ("She holds a disability certificate for her hearing.", "disability certificate", "disability"),
    # An owner with の names the person's certificate or status, with no verb needed.
    ("中村様の療育手帳（A2）は、来月で判定期限を迎えます。", "療育手帳（A2）", "disability"),
    ("お子様の療育手帳の更新時期が近づいております。", "療育手帳", "disability"),
    (
        "ご本人の身体障害者手帳の等級変更について、結果をお伝えします。",
        "身体障害者手帳",
        "disability",
    ),
    ("高田さんの愛の手帳の件で、担当者から改めてご連絡します。", "愛の手帳", "disability"),
    ("Your disability certificate expires on 30 April.", "disability certificate", "disability"),
    # Creed as a person's identity or practice
    ("田島さんはイスラム教徒で、豚肉を召し上がりません。", "イスラム教徒で", "creed"),
    ("リー・ミンさんはクリスチャンなので、日曜の午前は欠席です。", "クリスチャンなので", "creed"),
    ("奥様はエホバの証人の信者で、輸血を望まれていません。", "信者で", "creed"),
    ("ハッサンさんは毎日の礼拝を欠かさず、昼に場所が要るそうです。", "礼拝を欠かさず", "creed"),
    ("お嬢様はハラール食を希望されています。", "ハラール", "creed"),
    ("Mr. Khan practises Islam and prays five times a day.", "practises Islam", "creed"),
    # Stalking, DV and crime-victim wording
    ("山内様はストーカー被害について警察に相談しています。", "警察に相談しています", "victim"),
    ("会員の杉本さんが、元夫からの暴力を逃れて避難しています。", "暴力を逃れて避難", "victim"),
    ("石原様には保護命令が出されています。", "保護命令が出されています", "victim"),
    ("谷口さんは元交際相手からのつきまといで被害届を出しています。", "被害届を出して", "victim"),
    ("佐藤さんは配偶者からの暴力を逃れて転入された方です。", "暴力を逃れて転入", "victim"),
    # Welfare decisions about the recipient
    ("審査の結果、生活保護の開始を決定いたしました。", "生活保護の開始", "welfare"),
    ("3月31日をもって保護の廃止を決定しましたので通知します。", "保護の廃止", "welfare"),
    ("来月から保護費を減額することとなりました。", "保護費を減額", "welfare"),
    # English health, welfare, criminal and victim wording
    ("We were told that you were hospitalized after a fall.", "hospitalized", "health"),
    ("Mr. Tanaka has cancer and cannot attend the meeting.", "has cancer", "health"),
    ("We heard that he is in hospital after a stroke.", "in hospital", "health"),
    ("Ms. Ito receives disability benefits from the city.", "disability benefits", "welfare"),
    ("Mr. Kim was convicted of fraud in 2019.", "convicted", "criminal"),
    ("She is a victim of domestic violence.", "victim of domestic violence", "victim"),
    # English test results and diagnoses about the reader
    ("Your blood test revealed signs of hepatitis.", "revealed signs of hepatitis", "health"),
    ("His test results indicate that he has diabetes.", "diabetes", "health"),
    ("We understand you have been diagnosed with asthma.", "diagnosed with asthma", "health"),
    ("Your daughter tested positive for tuberculosis last week.", "tested positive", "health"),
    # A named person's allergy or condition: "Xさんに…がある"
    (
        "同じクラスの森さんにそばアレルギーがあるため、献立を変えます。",
        "そばアレルギーがある",
        "health",
    ),
    ("石田さんは持病の喘息があり、発作が起きることがあります。", "喘息があり", "health"),
    # A named holder of a certificate, with its grade
    ("西村様がお持ちの療育手帳（B1）は、更新時期を迎えます。", "療育手帳（B1）", "disability"),
    (
        "ご本人が所持する精神障害者保健福祉手帳（2級）の期限が近づいています。",
        "（2級）",
        "disability",
    ),
    # A welfare payment addressed to the reader
    ("12月分の生活保護費は、12月3日に振り込みます。", "生活保護費", "welfare"),
    ("保護費は、ご指定の口座へ今月25日に振り込みます。", "保護費", "welfare"),
    ("毎月お受け取りの保護費は、10月から5日のお振り込みになります。", "保護費", "welfare"),
    # Public assistance addressed to the reader without naming 生活保護 (2026-11-28 round)
    ("ご世帯（2人世帯）の住宅扶助の上限額は、月額47,000円です。", "住宅扶助", "welfare"),
    ("昨年度分の保護費の返還金の納付方法について、ご案内いたします。", "保護費", "welfare"),
    # A condition as the reader told us; an operation had; a fine for an offence
    (
        "膝の持病があって階段の昇り降りがご負担とのことでしたので、1階の部屋をご案内します。",
        "持病があって",
        "health",
    ),
    (
        "聴覚に障害があるとお伺いしておりますので、筆談ボードを用意します。",
        "聴覚に障害",
        "disability",
    ),
    ("白内障の手術後の視力矯正に必要なものと認められました。", "白内障の手術後", "health"),
    (
        "同氏は3年前にも廃棄物処理法違反で罰金刑を受けており、警察も事情を聴く方針です。",
        "罰金刑",
        "criminal",
    ),
]

GENERAL_STATEMENTS = [
    "当日は会場に手話通訳者と要約筆記者を配置します。",
    "DVの被害者として支援を受けたい方は、相談窓口へお越しください。",
    "特定健診の結果、糖尿病の疑いがある方は、医療機関を受診してください。",
    "視覚に障害のある方のため、点字の資料もご用意しています。",
    "障害のある方もない方も、どなたでもご参加いただけます。",
    "生活保護に関するご相談は、福祉事務所の窓口で承ります。",
    "身体障害者手帳をお持ちの方は、入館料が無料になります。",
    "療育手帳をお持ちでしたら、受付でご提示ください。",
    "認知症サポーター養成講座を開催します。",
    "障害福祉部障害者支援課の岡田です。",
    "住宅の耐震診断の助成についてご案内します。",
    "施設での政治活動や宗教活動はご遠慮ください。",
    "入院中の方への面会時間は午後2時からです。",
    "生活保護を受給されている世帯は、手数料が免除されます。",
    "がんばってください。頑張りましょう。",
    "If you are receiving welfare, you may apply for the reduced fee.",
    "People with a disability certificate can enter free of charge.",
    "The consultation desk for welfare is on the second floor.",
    # Conditions, procedures, facilities and roles: no one's status is disclosed.
    "精神障害者保健福祉手帳をお持ちの方は、観覧料が半額になります。",
    "身体障害者手帳の交付申請には、指定医の診断書が必要です。",
    "お子様の療育手帳をお持ちの場合は、受付でご提示ください。",
    "申請の際は、ご本人の障害者手帳の写しを添付してください。",
    "ご本人の障害等級によって、利用できるサービスが異なります。",
    "利用者様の障害の程度に応じて支援計画を作成します。",
    "お子様の病気やけがの際は、こちらにご連絡ください。",
    "皆様の信仰や文化に配慮した献立を用意しています。",
    "館内に礼拝室がございますので、ご自由にご利用ください。",
    "給食ではハラール対応のメニューも選べます。",
    "宗教上の理由で食べられないものがある方は、事前にお知らせください。",
    "つきまといやストーカー被害でお困りの方は、警察の相談窓口へご連絡ください。",
    "配偶者からの暴力に関するご相談は、支援センターで受け付けています。",
    "保護命令の申立て手続きについて、説明会を開催します。",
    "生活保護の開始が決定した場合は、決定通知書を郵送します。",
    "生活保護の支給日は毎月5日です。",
    "保護費は原則として毎月1日に支給されます。",
    "鈴木さんは生活保護の担当で、来週から窓口におります。",
    "小林さんはキリスト教会の牧師さんで、講演をお願いしています。",
    "生活福祉課　保護係の山本です。",
    "Anyone diagnosed with diabetes can join the free class.",
    "Do you have a disability certificate? Please let us know.",
    "Please bring your disability certificate if you have one.",
    "Residents who receive disability benefits may apply for a fee reduction.",
    "The prayer room is on the third floor and halal meals are served.",
    "Mr. Smith has the treatment room key.",
    # General health, allergy, certificate and welfare wording that names no one
    "A chest X-ray can show signs of tuberculosis before symptoms appear.",
    "If your test results indicate diabetes, please see a doctor.",
    "People who have been diagnosed with asthma may join the free class.",
    "食物アレルギーがあるお子様は、事前に担任へお知らせください。",
    "卵アレルギーがある場合は、調査票にご記入ください。",
    "お子様のアレルギーの有無を調査票にご記入ください。",
    "山田さんに、ぜんそく予防教室の講師をお願いしています。",
    "身体障害者手帳をお持ちの方は、窓口でご提示ください。",
    "お持ちの療育手帳を受付でご提示ください。",
    "保護費の支給日は毎月5日です。",
    "生活保護のご相談は、生活支援課で承ります。",
    "保護費の振込先の口座を変更する場合は、担当までご連絡ください。",
    "4月分から、生活保護の基準額が改定される場合があります。",
    # A hospital stay in general: the patients of a procedure, what a stay costs
    "入院中の患者様が生活保護の相談を希望される場合の流れについてご説明します。",
    "入院中の食事代や差額ベッド代は対象になりません。",
    "持病があって別の病院に主治医がいらっしゃる方は、事前にご相談ください。",
    "お子様の療育手帳に関するご相談は、障害福祉課で承ります。",
    "うつ病による休職者の職場復帰支援制度についてご案内します。",
    "ハンセン病療養所の歴史について学ぶ講座です。",
    "身体障害者手帳2級相当の障害がある方は対象です。",
    "熱中症の方は救護所で処置を受けられます。",
    "気温が高い日は熱中症になることがありますので、こまめに水分をとってください。",
    # a statistic, and the young people a programme serves, name no one
    "全国の統計では、刑務所を出た人のおよそ4割が5年以内に再び入所しています。",
    "BBS会は、非行のある少年や保護観察を受けている少年と、年齢の近い立場で関わる団体です。",
    # school-attendance aid is not public assistance
    "令和7年度就学援助費（1学期分）の支給を決定いたしましたので、お知らせいたします。",
]


@pytest.mark.parametrize(("sentence", "covered", "category"), DISCLOSURES)
def test_disclosure_about_a_person_blocks(
    rule: SensitiveDataRule, sentence: str, covered: str, category: str
) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\nよろしくお願いいたします。\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    finding = findings[0]
    assert finding.reason is Reason.SENSITIVE_DATA
    assert finding.entity_type == "SENSITIVE"
    assert finding.rule == "sensitive_data"
    assert covered in body[finding.start : finding.end]
    assert finding.text == body[finding.start : finding.end]
    assert finding.detail["category"] == category
    assert finding.explanation_ja and finding.explanation_en


def test_children_a_rule_speaks_of_are_no_one_in_particular() -> None:
    # The phrase rules alone (the model reads the sentence on its own): 「お子様については」
    # after the condition is a group, and 「お子様」 names no one.
    rules_only = SensitiveDataRule(
        SensitiveDataConfig(disclosure_model={"file": ""}), Resources(data_dir("policies"))
    )
    body = "白石 様\n\nエピペン®を処方されているお子様については、面談の際に確認します。\n"
    assert findings_for(rules_only, body) == []
    assert findings_for(rules_only, body.replace("お子様については", "お子様の件")) != []


@pytest.mark.parametrize("sentence", GENERAL_STATEMENTS)
def test_general_statement_naming_no_one_is_allowed(rule: SensitiveDataRule, sentence: str) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


def test_span_is_in_original_text_with_full_width_characters(rule: SensitiveDataRule) -> None:
    body = "Ｋ様へ\n原田さんは精神障害者保健福祉手帳２級を所持しています。"
    [finding] = findings_for(rule, body)
    assert body[finding.start : finding.end] == "精神障害者保健福祉手帳２級を所持しています"


def test_one_finding_per_disclosure(rule: SensitiveDataRule) -> None:
    [finding] = findings_for(rule, "中川さんが白血病の治療で入院しています。")
    assert finding.text.startswith("白血病")


def test_attachment_finding_names_the_location(rule: SensitiveDataRule) -> None:
    unit = TextUnit("attachment:名簿.txt", "氏名,備考\n山口,生活保護を受給されている\n")
    unit.locate = lambda offset: "row 2, column B"
    [finding] = rule.find(OutgoingMail(subject="", body=""), [unit])
    assert finding.location == "attachment:名簿.txt"
    assert finding.detail["where"] == "row 2, column B"


ROSTER = (
    '学年,組,児童名,除去する食品\n1,1,石田 蒼,卵\n1,2,上原 美桜,"乳,小麦"\n3,1,吉川 大翔,なし\n'
)


def test_a_roster_s_condition_cells_are_each_a_disclosure(rule: SensitiveDataRule) -> None:
    # The cells name no condition ("卵"), but the column does, and each row names its child.
    unit = TextUnit("attachment:名簿.csv", ROSTER)
    found = rule.find(OutgoingMail(subject="", body=""), [unit])
    assert [(f.text, f.detail["category"]) for f in found] == [
        ("卵", "health"),
        ("乳,小麦", "health"),
    ]


@pytest.mark.parametrize(
    "table",
    [
        # no column of names: a menu's allergens concern no one
        "献立,除去する食品\nカレー,小麦\n",
        # names, but no condition column
        "氏名,学年\n石田 蒼,1\n",
        # a sentence with commas under a header is no row of it
        "氏名,アレルギー\n\n当日は、お弁当を、各自お持ちください。\n",
    ],
)
def test_tables_without_a_person_s_condition_are_allowed(
    rule: SensitiveDataRule, table: str
) -> None:
    assert rule.find(OutgoingMail(subject="", body=""), [TextUnit("attachment:a.csv", table)]) == []


def test_default_dictionaries_are_the_shipped_files() -> None:
    config = SensitiveDataConfig()
    assert config.categories["welfare"] == default_phrases("sensitive_welfare.txt")
    assert "生活保護" in config.categories["welfare"]


def test_bad_pattern_fails_at_load() -> None:
    with pytest.raises(ValueError, match="subjects: entry 1"):
        SensitiveDataConfig(subjects=["(unclosed"])


def test_pattern_timeout_blocks_to_be_safe() -> None:
    config = SensitiveDataConfig(categories={"health": [r"(a|aa)+$"]}, timeout_seconds=0.01)
    rule = SensitiveDataRule(config, Resources(data_dir("policies")))
    [finding] = findings_for(rule, "a" * 5000 + "b")
    assert finding.reason is Reason.POLICY_ERROR
    assert finding.entity_type == "PATTERN_TIMEOUT"


def test_phrase_across_a_hard_wrapped_line(rule: SensitiveDataRule) -> None:
    body = (
        "白石 様\n\nいつもお世話になっております。地域振興課の谷です。先日お話のあった\n"
        "件ですが、お母様が認知症の診断を受けたとのことで、今後の見守りについて\n"
        "ご案内します。\n"
    )
    [finding] = findings_for(rule, body)
    assert finding.text == "認知症の診断を受けた"
    wrapped = body.replace("認知症の診断を", "認知症の診\n断を").replace(
        "先日お話のあった\n件", "先日お話のあった件"
    )
    [finding] = findings_for(rule, wrapped)
    assert finding.text == "認知症の診\n断を受けた"


def test_owner_span_keeps_the_grade(rule: SensitiveDataRule) -> None:
    [finding] = findings_for(rule, "藤原様の精神障害者保健福祉手帳（3級）は、更新が必要です。")
    assert finding.text == "精神障害者保健福祉手帳（3級）"


def test_consultation_inside_the_cue_is_not_a_general_marker(rule: SensitiveDataRule) -> None:
    # 「相談」 alone is a general marker ("…に関するご相談"), but here it is the disclosing verb.
    [finding] = findings_for(rule, "岡本さんはつきまとい被害について警察に相談しています。")
    assert finding.text == "つきまとい被害について警察に相談しています"
    assert findings_for(rule, "つきまとい被害について警察に相談している方は、窓口へどうぞ。") == []


def test_named_holder_keeps_the_grade(rule: SensitiveDataRule) -> None:
    [finding] = findings_for(rule, "小松様がお持ちの身体障害者手帳（1種3級）は、再認定が必要です。")
    assert finding.text == "身体障害者手帳（1種3級）"


def test_welfare_payment_after_a_disclosure_is_one_finding(rule: SensitiveDataRule) -> None:
    body = "生活保護の開始を決定しました。\n保護費は、ご指定の口座へ振り込みます。\n"
    [finding] = findings_for(rule, body)
    assert finding.text.startswith("生活保護の開始")


# An English owner right before a disease or condition, even after a broad word.
OWNED_CONDITIONS = [
    ("We have rescheduled the treatment of your breast cancer to Monday.", "cancer"),
    ("The nurse will call you about your diabetes next week.", "diabetes"),
    ("His dementia has made the home visits longer.", "dementia"),
    ("The doctor asked about her depression at the last visit.", "depression"),
    ("Their tuberculosis follow-up is booked for March.", "tuberculosis"),
    ("The clinic has your type 2 diabetes records on file.", "diabetes"),
]


@pytest.mark.parametrize(("sentence", "covered"), OWNED_CONDITIONS)
def test_english_owner_before_a_condition_blocks(
    rule: SensitiveDataRule, sentence: str, covered: str
) -> None:
    body = f"Dear Mr. Lind,\n\n{sentence}\n\nKind regards,\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    assert covered in findings[0].text
    assert findings[0].detail["category"] == "health"


ENGLISH_GENERAL = [
    # a building's access, and anyone who uses a wheelchair
    "The museum uses a wheelchair-accessible route from the car park.",
    "Anyone who uses a wheelchair can use the lift at the east entrance.",
    # the section's name and the certificate as something to apply for
    "This is Kamimura from the Intractable Disease Support Section of the Public Health Center.",
    "To apply for a medical certificate for a specified intractable disease, visit our counter.",
    # a participle: allergies that a doctor confirmed, as a rule's exception
    "We cannot change the menu for individual families except for food allergies confirmed by a doctor.",
    "If your child has diabetes, please tell the school nurse.",
    "The city runs a free cancer screening programme every spring.",
    "Residents with dementia may use the day-care service.",
    "Your cancer screening is booked for 3 May.",
    "Thank you for registering for your stroke prevention seminar.",
]


def test_a_creed_and_what_it_keeps_the_reader_from_blocks(rule: SensitiveDataRule) -> None:
    body = (
        "Dear Mr. Carter,\n\nThank you for letting us know that as a Jehovah's Witness you do not"
        " accept blood transfusions.\n\nKind regards,\n"
    )
    [finding] = findings_for(rule, body)
    assert finding.text.startswith("Jehovah's Witness you do not accept")
    assert finding.detail["category"] == "creed"


@pytest.mark.parametrize("sentence", ENGLISH_GENERAL)
def test_english_general_condition_is_allowed(rule: SensitiveDataRule, sentence: str) -> None:
    body = f"Dear Mr. Lind,\n\n{sentence}\n"
    assert findings_for(rule, body) == []


# A status named in a decision addressed to the reader (this or the next sentence).
DECISIONS = [
    (
        "令和6年10月に申請された療育手帳（B2）について、交付を決定しました。",
        "療育手帳（B2）",
        "disability",
    ),
    (
        "ご申請いただいた生活保護について、審査を行いました。保護の開始を決定しました。",
        "生活保護",
        "welfare",
    ),
    ("先日ご相談のあった障害基礎年金の支給が決定しました。", "障害基礎年金", "disability"),
    ("ご申請の要介護認定について、要介護2と認定しました。", "要介護", "disability"),
    (
        "申請された身体障害者手帳（3級）は、窓口で交付します。",
        "身体障害者手帳（3級）",
        "disability",
    ),
    # Another kind of public assistance, paid by decision (2026-11-28 round)
    (
        "眼鏡について、医療扶助（治療材料）として費用を支給することといたしました。",
        "医療扶助",
        "welfare",
    ),
]


@pytest.mark.parametrize(("sentence", "covered", "category"), DECISIONS)
def test_status_in_a_decision_to_the_reader_blocks(
    rule: SensitiveDataRule, sentence: str, covered: str, category: str
) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    assert any(covered in f.text for f in findings)
    assert any(f.detail["category"] == category for f in findings)


DECISION_GENERAL = [
    "精神障害者保健福祉手帳の交付には1か月ほどかかります。",
    "生活保護の申請方法についてご案内します。",
    "障害年金の申請を希望される場合は、年金窓口にご相談ください。",
    "要介護認定の申請は、地域包括支援センターでも受け付けております。",
    "療育手帳をお持ちの方は、決定しました日程の説明会にご参加いただけます。",
    "障害者手帳の更新についての説明会を開きます。日程が決定しましたのでお知らせします。",
    "生活保護制度の説明会の日程が決定しました。",
]


@pytest.mark.parametrize("sentence", DECISION_GENERAL)
def test_procedure_text_without_a_decision_is_allowed(
    rule: SensitiveDataRule, sentence: str
) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


# A holder named right after "をお持ちの", a handbook with one specific grade, and a welfare
# application refused in the same sentence are about one person.
SPECIFIC_HOLDERS = [
    (
        "精神障害者保健福祉手帳（2級）をお持ちの谷口様から、利用のご相談がありました。",
        "精神障害者保健福祉手帳",
        "disability",
    ),
    ("愛の手帳をお持ちの佐々木 蓮くんの通所について、ご連絡します。", "愛の手帳", "disability"),
    ("お嬢様の件ですが、療育手帳（A1）の判定日が決まりました。", "療育手帳（A1）", "disability"),
    (
        "身体障害者手帳３級への変更が済みましたので、お知らせします。",
        "身体障害者手帳３級",
        "disability",
    ),
    (
        "ご提出の生活保護の再開申請については、審査の結果、不承認となりました。",
        "生活保護",
        "welfare",
    ),
    (
        "先日の精神障害者保健福祉手帳の交付申請につきましては、却下いたしました。",
        "精神障害者保健福祉手帳",
        "disability",
    ),
]


@pytest.mark.parametrize(("sentence", "covered", "category"), SPECIFIC_HOLDERS)
def test_named_holder_grade_or_refusal_blocks(
    rule: SensitiveDataRule, sentence: str, covered: str, category: str
) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    assert any(covered in f.text for f in findings)
    assert any(f.detail["category"] == category for f in findings)


SPECIFIC_HOLDERS_GENERAL = [
    "身体障害者手帳をお持ちのお子様は、入館料が無料です。",
    "療育手帳をお持ちの保護者様は、受付でお申し出ください。",
    "身体障害者手帳（1級・2級）をお持ちの方は、減免を受けられます。",
    "身体障害者手帳1級または2級の方は、タクシー券の対象です。",
    "療育手帳（A1）の場合、手当の額が変わります。",
    "精神障害者保健福祉手帳2級以上で、所得の要件を満たすことが必要です。",
    "療育手帳（B2）の判定に関するご相談は、児童相談所で承ります。",
    "生活保護の申請については、窓口で却下されることはありません。",
    "生活保護の申請は、福祉事務所で受け付けております。",
]


@pytest.mark.parametrize("sentence", SPECIFIC_HOLDERS_GENERAL)
def test_groups_ranges_and_procedures_are_allowed(rule: SensitiveDataRule, sentence: str) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


# Disclosures worded as the later unseen sets worded them (rounds 7, 9 and 11), in our own
# sentences.
LATER_DISCLOSURES = [
    # a diagnosis in honorific form, a new term
    ("次男の翔くんが自閉スペクトラム症の診断を受けられたと伺いました。", "自閉スペクトラム症"),
    # a treatment that goes on
    ("お話のあった、高血圧症で通院治療を続けておられることを踏まえ、ご案内します。", "高血圧"),
    # a named holder's handbook with its grade, even in a procedure's clause
    ("浜田様の身体障害者手帳（上肢機能障害 3級）を更新される場合の手続きです。", "身体障害者手帳"),
    ("> 先月、発達相談で注意欠如多動症と言われました。", "注意欠如"),
    ("> 祖母の認知症が最近進んでいるようで心配です。", "認知症"),
    ("検査の結果、心不全の悪化が疑われるため入院となりました。", "心不全"),
    ("ご主人が先月からもの忘れ外来に通い始めたと伺いました。", "もの忘れ外来"),
    ("お父様はご自宅で人工呼吸器を使っておられるとのことです。", "人工呼吸器"),
    ("元夫からの暴力を避けて転居されたご事情は承知しております。", "暴力"),
    ("主治医意見書では、パーキンソン病があり、転倒が多いとされています。", "パーキンソン病"),
    ("Your chest X-ray and the sputum test show an active tuberculosis infection.", "tuberculosis"),
    ("お子さまが抗てんかん薬を毎朝服用していることを担任と共有しました。", "てんかん"),
    ("お子さまのそばと卵のアレルギーについて、管理指導表を受け取りました。", "アレルギー"),
    ("エピペンを処方されているとのことですので、保管場所を決めました。", "エピペン"),
    ("クルド人の出自を理由に迫害を受けてきたと伺いました。", "クルド"),
    ("You wrote that your daughter has a Ryoiku Techo of grade A.", "Ryoiku Techo"),
    # "in your case" names the reader: a payment addressed to them
    ("酒井様の場合、毎月の保護費の受け取り日と近いため、ご注意ください。", "保護費"),
    # a treatment kept up, in a referral's notes
    ("経過：心房細動のため当院で抗凝固療法を継続中、9月下旬から息切れが増悪", "抗凝固療法を継続中"),
    # an infection the reader's own test found; a handbook's class and grade; a named child
    # with a note in brackets before の
    (
        "先日ご提出いただいた検便の結果、腸管出血性大腸菌O157が検出されました。",
        "O157が検出されました",
    ),
    ("・手帳：身体障害者手帳 1種2級（下肢機能障害）", "身体障害者手帳 1種2級"),
    # a newborn's intensive care, a screening result, a fraud suffered, survivor status
    ("森さんは、お子さんがＮＩＣＵを退院したばかりです。", "ＮＩＣＵを退院したばかり"),
    ("質問票の結果、産後うつの可能性を示す点数（１２点）でした。", "産後うつの可能性を示す点数"),
    ("偽サイトでカード情報を盗まれ、不正利用の被害に遭われた件です。", "不正利用の被害に遭われた"),
    (
        "  Status:  holder of an Atomic Bomb Survivor's Certificate issued in 1978",
        "holder of an Atomic Bomb Survivor's Certificate",
    ),
    ("悠真くん（平成30年6月14日生まれ）の療育手帳の判定結果を共有しました。", "療育手帳"),
    # a named employee living in a gender other than the registered one
    (
        "製造部の 村井 航 さんについて、戸籍上の性別と異なる性別で生活していることを伺いました。",
        "戸籍上の性別と異なる性",
    ),
    # a treatment kept up, though the sentence ends on what the cost is eligible for
    (
        "医療費は、お母様が長く人工透析を続けておられたため高額となり、高額療養費の対象となります。",
        "人工透析を続けておられ",
    ),
    # a named resident's blindness and its aids
    ("支援をお願いする 岡 義男 様は、全盲のため白杖を使用されています。", "全盲"),
    # a named child's stutter; a developmental test's quotient reported
    ("遥斗さんの吃音の状況については、担任の先生からも伺っております。", "吃音"),
    ("発達検査では、動作性の課題で発達指数が低く、手先の不器用さがみられました。", "発達指数"),
    # a named child's allergy is theirs, whatever the meeting about it is
    ("颯太さん（2年1組）の卵・乳アレルギーに関する個別面談の日程が決まりました。", "アレルギー"),
    ("As you told us, you left home because of violence from your husband.", "violence"),
    ("本人が、母親から叩かれることがあると担任に話しています。", "叩かれ"),
    ("先日、配偶者からの暴力についてご相談いただいた件です。", "暴力"),
    ("お母様が脳出血の後遺症で左手にまひが残っているとのことです。", "脳出血"),
    ("お祖母様は、この半年で目がほとんど見えなくなったと伺いました。", "目が"),
    ("奥様が障害基礎年金を受給されているとのことで、書類を追加でお願いします。", "障害基礎年金"),
    ("お父様は最近物忘れがひどくなられ、道に迷うこともあるとのことです。", "物忘れ"),
    ("福祉事務所から保護費を受け取っておられる間は、加入されません。", "保護費"),
    ("元配偶者の方からの暴力を避けて転居された経緯を伺いました。", "暴力"),
    ("お子さまがことばの発達がゆっくりで、療育に通っているとのことです。", "発達"),
    # a health event, what someone carries or takes, what an examination found
    ("お母様が昨年脳出血で倒れられてから、", "脳出血"),
    ("お嬢さんはエピペンを持ち歩いておられるとのことで、", "エピペン"),
    ("先月から抗うつ薬を飲み始めたとのことでした。", "抗うつ薬"),
    ("内視鏡の検査で胃に潰瘍が見つかり、来週入院されます。", "潰瘍"),
    ("ご主人は事故のあと右足が不自由になり、", "不自由"),
    # violence told plainly, and a flight from it
    ("以前、ご本人から「夫が子どもを叩く」というご相談がありました。", "叩"),
    ("She moved out because of her husband's violence.", "violence"),
    ("ご主人からの暴力から逃れるために引っ越されたと伺っています。", "暴力"),
    # the resident's own plain words quoted back, and a named child's condition in English
    ("> 母は身体障害者手帳の2級を持っています。", "身体障害者手帳"),
    ("> 父が週2回、病院へ透析に通っていて、送迎が大変です。", "透析"),
    ("> 祖母は目がほとんど見えず、外出には付き添いが要ります。", "見えず"),
    ("Mia's severe egg allergy is noted in the nursery's records.", "allergy"),
    # public assistance named by its verb, violence without から, a symptom that progressed
    ("伯父様は昨年から保護を受けておられ、ケースワーカーが訪問しています。", "保護"),
    ("相談者は夫の暴力から身を守るため、転居先を伏せています。", "暴力"),
    ("お父様は物忘れが進み、一人での外出が難しくなっています。", "物忘れ"),
    ("ご主人は在宅で酸素療法を受けておられるとのことです。", "酸素療法"),
    # hiding from a former partner (a DV victim in plain words)
    ("元夫の方に今のお住まいを知られないようにするための措置は、来年まで続きます。", "元夫"),
    ("前のご主人に居場所を知られないよう、学校に配慮をお願いしてあります。", "ご主人"),
    ("昨年の秋に刑務所を出られてから、まだ仕事が見つかっていません。", "刑務所"),
    ("> 夫は5年ほど前から血圧の薬を飲んでいて、当日の朝が心配です。", "血圧の薬"),
    # a device someone lives with; a holder described further in the same breath
    ("心臓にペースメーカーを入れているとの申告がありました。", "ペースメーカー"),
    ("> 身体障害者手帳をお持ちで車いすを使われているので、", "身体障害者手帳"),
    # sexual orientation, a penal institution, juvenile guidance after an offence
    ("> 私と佐々木 美咲は女性同士のカップルで、職場にはまだ伝えていません。", "女性同士"),
    ("同性のパートナーの方との宣誓をご予定とのことでしたが、", "同性のパートナー"),
    ("書類に、昨年3月まで刑事施設に収容されていた旨の記載がございました。", "刑事施設"),
    ("お子さまが化粧品を万引きし、汐浜警察署で補導された件について", "補導"),
    # illnesses no list held, named in a diagnosis; care a child receives at school
    ("> 6月に市民病院の小児科で起立性調節障害と診断され、", "起立性調節障害"),
    ("同じ部署の方が、10月24日に麻しん（はしか）と診断されました。", "麻しん"),
    (
        "The report from your doctor on your ulcerative colitis must be recent.",
        "ulcerative colitis",
    ),
    ("来年度のご入学に向けて、お子さまの胃ろうからの経管栄養について検討しています。", "胃ろう"),
    # a crime the reader suffered, a sentence served told as a past, violence by a son
    ("3月に被害を受けられた強盗傷害事件に関し、見舞金を支給します。", "被害を受けられた"),
    ("> 私自身、10年前に有罪判決を受けて服役した経験があり、", "服役"),
    (
        "As we discussed, the assault you suffered near the station is being investigated.",
        "assault",
    ),
    ("同居されている息子さんから日常的に暴力を受けていたことがわかりました。", "暴力"),
    # "in your case": the condition that follows is that person's, whatever wording follows
    (
        "丸山様の場合、てんかんの持病による発作が5分以上続いたときは、119番通報してください。",
        "てんかん",
    ),
    # a condition the reader told us of, in English and in Japanese
    (
        "Since you told me about your lumbar disc herniation, I will look for lighter jobs.",
        "herniation",
    ),
    (
        "お知らせいただいたお子様の卵・乳製品の食物アレルギーについては、調理員に伝えております。",
        "アレルギー",
    ),
    # a named delegate's wheelchair
    (
        "One of our delegates, Mr Kenji Nakamura, uses a wheelchair following a spinal cord injury.",
        "wheelchair",
    ),
    # the reader's intractable-disease certificate, in English
    (
        "Your current medical certificate for a specified intractable disease (systemic lupus "
        "erythematosus) expires on 31 August.",
        "intractable disease",
    ),
]


@pytest.mark.parametrize(("sentence", "covered"), LATER_DISCLOSURES)
def test_later_disclosure_wordings_block(
    rule: SensitiveDataRule, sentence: str, covered: str
) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert any(covered in f.text for f in findings_for(rule, body)), sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "身体障害者手帳（下肢機能障害）をお持ちの方は、駐車場をご利用いただけます。",
        "お子様の療育手帳を更新される場合は、写真をお持ちください。",
        "糖尿病の予防教室を開きます。",
        "給食費は、食物アレルギーで除去食を受けている児童の分も同じです。",
        "Chest X-rays can show tuberculosis before any symptoms appear.",
        "人工呼吸器を使用している方は、停電に備えて事前にご相談ください。",
        "食物アレルギーのあるお子さまは、事前にご相談ください。",
        "The Ryoiku Techo is issued by the prefecture.",
        "生活保護を受給されている方や、住民税非課税の世帯の方は、保険料が軽減されます。",
        "面談では、お子さんのアレルギーの有無を確認させていただきます。",
        "心筋梗塞で倒れた方への応急手当の講習会を開きます。",
        "抗うつ薬を飲んでいる方は、車の運転にご注意ください。",
        "がんが見つかった場合の相談窓口をご案内します。",
        "身体障害者手帳を持っている方は、窓口で提示してください。",
        "生活保護を受けている世帯は、保険料の減免の対象外です。",
        "車いすで移動される方も、エレベーターで会場までお越しいただけます。",
        "The menu is sent home in advance every month.",  # "dv" inside a word is not DV
        "刑期を終えて出所した方の就労を支援する事業所を募集しています。",
        "児童発達支援の事業所は、市内に5か所あります。",
        "保護費をお受け取りの方は、収入があった月に申告してください。",
        # the group comes after the cue, within its clause
        "治療中の病気がある方も受診できます。",
        "皆様の場合、毎月の保護費の受け取り日は5日です。",
        "人工透析や在宅酸素療法を受けている方など、定期的な通院が見込まれる方はご相談ください。",
        "生活保護を受けている方でも、家計相談はご利用いただけます。",
        "貴店から提出された食品の検体からノロウイルスが検出されました。",
        # a child's allergy asked about, as guidance
        "お子様の食物アレルギーについては、事前にお知らせください。",
        "お子様の食物アレルギーに関する個別面談を、希望される方に行います。",
        "知能指数が低い子どもへの支援について、研修会を開きます。",
        "盲導犬を連れた方も入館できます。",
        "人工透析を続けている方も、対象となります。",
        "戸籍上の性別と異なる性別で生活している方も、通称名で登録できます。",
        "白杖を使用している方への声かけにご協力ください。",
        "お子さんの吃音についてのご相談は、ことばの教室で受け付けています。",
        # germs that cling to food, as advice
        "鶏肉は、新鮮なものであっても、カンピロバクターなどの食中毒菌が付いていることがあります。",
        "不正利用の被害に遭わないよう、ご注意ください。",
        "産後うつについての講座を開きます。",
        "被爆者健康手帳をお持ちの方は、医療費の自己負担がありません。",
        "A holder of an Atomic Bomb Survivor's Certificate can receive medical care.",
        # the trip to a clinic, not the visit's reason; holders as a group
        "町国保診療所への通院の送迎についてご相談いただいた件、ご連絡します。",
        "通院のための交通費の助成についてご案内します。",
        "身体障害者手帳をお持ちでない方も参加できます。",
        "ストーマを付けている方も利用できる多目的トイレがあります。",
        # a statistic, a definition, a system open to a group, advice, a list of groups
        "国内では現在も年間1万人前後が新たに結核と診断されており、その多くが高齢の方です。",
        "ギャンブル等依存症は、本人の意思の弱さの問題ではなく、治療や支援によって回復が可能な病気です。",
        "パートナーシップ宣誓制度は、同性カップルの方も利用できます。",
        "万引きしないよう、ご家庭でもお話しください。",
        # a vaccination or an antibody test is no illness
        "母子健康手帳を確認したところ、近藤様の風しん抗体検査の時期が近づいています。",
        "犯罪の被害に遭われた方は、区の支援窓口にご相談ください。",
        "8月の台風で被害を受けられた家屋について、減免申請書を審査しました。",
        "\u3000・DV被害により保護を受けている方\u3000など",
    ],
)
def test_later_general_statements_stay_allowed(rule: SensitiveDataRule, sentence: str) -> None:
    body = f"白石 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


def test_sexual_orientation_is_named_in_the_explanation(rule: SensitiveDataRule) -> None:
    body = "河合 様\n\n> 私とパートナーは女性同士のカップルで、職場にはまだ伝えていません。\n"
    [finding] = findings_for(rule, body)
    assert finding.detail["category"] == "sexual_orientation"
    assert "性的指向" in finding.explanation_ja
    assert "sexual orientation" in finding.explanation_en

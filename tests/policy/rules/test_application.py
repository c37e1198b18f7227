"""Applications and dispositions: acceptance and decisions block; guidance, negation and quotes do not."""

from __future__ import annotations

import pytest

from mailgate.policy import structure
from mailgate.policy.findings import Reason
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.application import ApplicationConfig, ApplicationRule
from mailgate.policy.rules.base import Resources
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir


@pytest.fixture(scope="module")
def rule() -> ApplicationRule:
    return ApplicationRule(ApplicationConfig(), Resources(data_dir("policies")))


def findings_for(rule: ApplicationRule, body: str, subject: str = "") -> list:
    units = [
        TextUnit("subject", subject),
        TextUnit("body", body, structure=structure.analyse(body)),
    ]
    return rule.find(OutgoingMail(subject=subject, body=body), units)


BLOCKED = [
    # a partnership oath received and its certificate issued
    (
        "要件を確認いたしましたので、パートナーシップ宣誓受領証及び受領証カードを交付いたします。",
        "宣誓受領証及び受領証カードを交付いたします",
    ),
    # the reader entered on a register they consented to
    (
        "ご提出いただいた同意書に基づき、吉村様を避難行動要支援者名簿に登載いたしました。",
        "名簿に登載いたしました",
    ),
    # an assembly's vote on the reader's petition, in English
    (
        "The Assembly decided at its plenary session on March 21 not to adopt the petition.",
        "decided at its plenary session on March 21 not to adopt the petition",
    ),
    # a decision by another authority on the reader's notification, relayed; a form processed
    (
        "滋賀県教育委員会から、本日付けで「工事立会」とする旨の指示がありましたのでお知らせします。",
        "とする旨の指示があり",
    ),
    ("ご提出の現況届は、不足書類もなく受付処理が完了しております。", "受付処理が完了しております"),
    ("令和7年11月5日付で次の預金債権を差し押さえました。", "差し押さえました"),
    ("貴法人の更新登録について協議が調いましたので、お知らせします。", "協議が調いました"),
    (
        "The Audit Commissioners have decided to dismiss your petition, as the expenditure was lawful.",
        "decided to dismiss your",
    ),
    (
        "I am pleased to let you know that the Mayor has certified your Young Farmer Business Plan.",
        "certified",
    ),
    ("先日ご提出の補助金の申請を受理いたしました。", "受理いたしました"),
    ("転入に伴う届出を確かに受け付けました。", "届出を確かに受け付けました"),
    ("公園使用の申込みを受付しました。", "申込みを受付しました"),
    ("本件について、助成金の交付を決定しました。", "交付を決定"),
    ("今回の支給決定額は5万円です。", "支給決定"),
    ("おむつ代を支給することに決定いたしました。", "支給することに決定"),
    ("残念ながら、今回の申請は不承認となりました。", "不承認"),
    ("書類不備のため、申請を却下します。", "却下"),
    ("貴会を地域団体として認定しました。", "認定しました"),
    ("ご提案の事業が採択されました。", "採択されました"),
    ("広場の使用を許可します。", "許可します"),
    ("審査の結果、今回は見送りとなりました。", "審査の結果"),
    ("We are pleased to inform you that your request for a subsidy was approved.", "approved"),
    ("Your application for the festival grant has been rejected.", "rejected"),
    ("We have accepted your notification of change of address.", "accepted"),
    ("We regret to inform you that your proposal was not selected.", "not selected"),
    # Acceptance and decisions worded differently
    ("犬の登録を完了しました。", "登録を完了しました"),
    ("転居届の受付を完了いたしました。", "受付を完了いたしました"),
    ("お申し出の変更届、確かに承りました。", "承りました"),
    ("内容を審査のうえ、広場の使用を許可することといたしました。", "許可することといたしました"),
    ("ご要望の手当は、支給しないことに決定しました。", "支給しないことに決定しました"),
    ("申請内容を確認し、補助金を交付することとしました。", "交付することとしました"),
    ("下記のとおり承認いたします。", "下記のとおり承認"),
    ("道路占用の許可証を交付します。", "許可証を交付します"),
    ("Your registration has been processed.", "processed"),
    # A decision worded as what now happens (2026-11-27 round); invented sentences.
    ("実行委員会で審査を行い、貴会の出店（飲食ブース2区画）を決定しました。", "出店"),
    ("重複分の 18,000円 を還付することとなりました。", "還付することとなりました"),
    ("利用調整の結果、第一希望の保育所に入所が決まりました。", "利用調整の結果"),
    ("更新の件、7月9日の審査会で認められました。", "審査会で認められました"),
    (
        "ご希望の日に大ホールをお使いいただけることになりました。",
        "お使いいただけることになりました",
    ),
    (
        "補助額は上限の20,000円ということで決まりました。",
        "補助額は上限の20,000円ということで決まりました",
    ),
    ("内容に不備はありませんでしたので、このまま受け付けます。", "このまま受け付けます"),
    ("こちらで使用許可番号 R6-0001 を振りました。", "許可番号 R6-0001 を振りました"),
    ("加入届（退職による資格喪失）について、本日付けで受け付けました。", "受け付けました"),
    ("選考委員会で審査しました結果、受入れを決定しました。", "結果"),
    ("減免の対象とはならないとの結論になりました。", "ならないとの結論になりました"),
    ("今回は減免を認めることができないとの結論になりました。", "ないとの結論になりました"),
    ("市として金融機関へのあっせんを決定しました。", "あっせんを決定"),
    (
        "変更届（所在地の変更）は、不足がありませんでしたので、本日付けで受け付けました。",
        "受け付けました",
    ),
    ("郵送でお送りいただいた口座振替依頼書を受け付けました。", "受け付けました"),
    ("The selection committee has approved your application.", "approved"),
    ("We have received and accepted the moving-in notification that you submitted.", "accepted"),
    # the procedure taken on the strength of this mail: a notification accepted by e-mail
    (
        "住所変更は、今回はこのメールでのご連絡をもって手続きを進めておきます。",
        "このメールでのご連絡をもって手続きを進め",
    ),
    # a request granted as arranged
    (
        "お申込みの内容を確認し、次の期間でご利用いただけるよう手配いたしました。",
        "お申込みの内容を確認し、次の期間でご利用いただけるよう手配いたしました",
    ),
    # a placement decided for the reader; a notification taken as filed
    (
        "お子さまの就学先を、若葉台小学校の特別支援学級とすることに決定いたしました。",
        "とすることに決定いたしました",
    ),
    (
        "メールでお知らせいただいた内容で、死亡の届出として処理いたしました。",
        "届出として処理いたしました",
    ),
    # a board's result on the reader's case; an offer after a participle clause (not a condition)
    (
        "介護認定審査会で審査が行われ、お母様は「要介護2」と判定されました。",
        "と判定されました",
    ),
    (
        "After reviewing all the applications, we are pleased to let you know that your household "
        "has been offered a two-bedroom unit.",
        "has been offered",
    ),
    # an English review result the decision model reads (the cue lets it be asked)
    (
        "We have completed the review of your application to the after-school club for April.",
        "review of your application",
    ),
]

BLOCKED += [
    # a refusal worded as a conclusion; a form sent by mail taken as an application (2026-11-28)
    (
        "今回のお申込みにつきましては、ご入居いただくことが難しいという結論となりました。",
        "難しいという結論となりました",
    ),
    (
        "利用申込書をスキャンしてこのメールに添付してお送りいただければ、申込として受け付けます。",
        "申込として受け付けます",
    ),
]

ALLOWED = [
    "名簿に登載された方の情報は、民生委員に提供されます。",
    # another authority's procedure, described
    "障害の程度は、医師の診断書などをもとに新潟県が判定し、認定します。",
    # one of two outcomes the reader may receive; a trip's arrangements settled
    "審査が終わると、日本年金機構から「学生納付特例承認通知書」または「却下通知書」が郵送されます。",
    "市民訪問団のホテルの部屋割りが決まりましたので、お知らせします。",
    # whoever meets a condition, as a group: what they may receive is no decision
    "4回以上受講された方は「特定創業支援等事業」の証明書の発行対象となり、会社設立時の登録免許税の"
    "軽減や、創業支援資金の利率優遇を受けられます。",
    "期限までに納付がない場合は、財産を差し押さえることになります。",
    "協議が調った後、運輸支局へ登録申請を行っていただきます。",
    "補助金の申請方法についてご案内します。",
    "申請は電子申請サービスからお手続きください。マイナポータルからも申請いただけます。",
    "申請書の様式は区のホームページに掲載しています。",
    "恐れ入りますが、メールでの申請は受け付けておりません。",
    "届出はメールでは受付いたしかねます。",
    "メールでの届出は受理できません。",
    "窓口の受付時間は午前8時30分から午後5時15分までです。",
    "郵送いただいた書類が本日届きました。内容の確認には1週間ほどかかります。",
    "お送りいただいた資料、確かに拝受しました。",
    "計画についての打合せを来週火曜日に行うことを確認しました。",
    "委員報酬のお振込先として、口座を登録いたしました。",
    "交付決定後に事業を始めてください。",
    "支給決定の時期は来月の予定です。",
    "Please note that we cannot accept the notification by e-mail.",
    "Applications are not accepted by e-mail; please use the e-application service.",
    "Once your application has been approved, we will send a letter by post.",
    "電子申請でのお手続きが完了しましたら、受付番号が表示されます。",
    "打合せの日程を来週水曜日で確認しました。",
    "ご相談の内容は、担当者が承りました。改めてご連絡します。",
    "許可された方には、後日許可証を交付します。",
    "申請書類が本日届きました。",
    "審査のうえ、結果は書面でお知らせします。",
    "次回の説明会の日程が決定しましたのでお知らせします。",
    "お申込みは電子申請サービスで受け付けております。",
    "次回の会議の日程が決まりました。",
    "会場は市民会館をお使いいただける予定です。",
    "このメールをもって手続きを進めることはできませんので、電子申請サービスをご利用ください。",
    "当日は会場をご利用いただけるよう手配いたしました。",
    # another party's answer after a mediation, reported
    "事業者は、未受講分の受講料から解約料を差し引いた金額を返金することに同意しました。",
    "Once your application has been approved, the keys will be handed over.",
    # a notice's name cited in quotes; a rule changed for everyone
    "診療月からおおむね4か月後に広域連合から「支給決定通知書」が郵送されます。",
    "令和7年4月の建築基準法の改正により、木造2階建て住宅も構造等の審査の対象となり、"
    "審査期間は最長35日となりました。",
    # a measurement reported, not a decision on anything applied for
    "測定の結果、夜間の最大値は48デシベルで、港町地区に適用される夜間の規制基準（50デシベル）を"
    "下回っていました。",
    # a refusal's notice named in quotes
    "結果は「利用承認通知書」または「利用不承認通知書」で郵送します。",
]


@pytest.mark.parametrize(("sentence", "covered"), BLOCKED)
def test_acceptance_or_decision_blocks(rule: ApplicationRule, sentence: str, covered: str) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    finding = findings[0]
    assert finding.reason is Reason.APPLICATION_OR_DISPOSITION
    assert finding.rule == "application"
    assert (
        covered in body[finding.start : finding.end] or body[finding.start : finding.end] in covered
    )
    assert "電子申請サービス" in finding.explanation_ja
    assert "e-application service" in finding.explanation_en


@pytest.mark.parametrize("sentence", ALLOWED)
def test_guidance_negation_and_facts_are_allowed(rule: ApplicationRule, sentence: str) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


def test_quoted_resident_text_is_never_a_finding(rule: ApplicationRule) -> None:
    body = (
        "北村 様\n\nお問い合わせありがとうございます。\n"
        "> 先日、申請を受理しましたとの電話をいただきました。\n"
        "＞ 交付決定はいつ頃でしょうか。\n"
        "交付の時期は審査が終わり次第、書面でお知らせします。\n"
    )
    assert findings_for(rule, body) == []


def test_subject_is_checked_too(rule: ApplicationRule) -> None:
    [finding] = findings_for(
        rule, "北村 様\n\n詳細は書面をご覧ください。\n", subject="交付決定のお知らせ"
    )
    assert finding.location == "subject"


def test_offsets_are_in_original_text(rule: ApplicationRule) -> None:
    body = "北村 様\n\n届出を受け付けました。"
    [finding] = findings_for(rule, body)
    assert body[finding.start : finding.end] == "届出を受け付けました"


def test_phrase_across_a_hard_wrapped_line(rule: ApplicationRule) -> None:
    body = "北村 様\n\nいつもお世話になっております。先日郵送でいただいた地域活動助成金の申請を受理\nしました。\n"
    [finding] = findings_for(rule, body)
    assert finding.text == "申請を受理\nしました"


# Consent and informal decisions
CONSENT_BLOCKED = [
    ("貴法人の更新登録について協議が調いましたので、お知らせします。", "協議が調いました"),
    (
        "The Audit Commissioners have decided to dismiss your petition, as the expenditure was lawful.",
        "decided to dismiss your",
    ),
    (
        "I am pleased to let you know that the Mayor has certified your Young Farmer Business Plan.",
        "certified",
    ),
    ("上記のとおり保育所の利用を承諾しました。", "利用を承諾"),
    ("特別養護老人ホームへの入所を承諾いたします。", "入所を承諾"),
    ("ご依頼の件、承諾しました。", "承諾しました"),
    ("来年度の採用が内定しました。", "内定しました"),
    ("放課後児童クラブの利用を決定しました。", "利用を決定"),
    ("審査の結果、保護の開始を決定しました。", "保護の開始を決定"),
    (
        "The Board has reviewed your request, and we are glad to tell you that you may go ahead.",
        "you may go ahead",
    ),
]


@pytest.mark.parametrize(("sentence", "covered"), CONSENT_BLOCKED)
def test_consent_or_informal_decision_blocks(
    rule: ApplicationRule, sentence: str, covered: str
) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    assert any(covered in f.text or f.text in covered for f in findings)


CONSENT_ALLOWED = [
    "協議が調った後、運輸支局へ登録申請を行っていただきます。",
    "内容をご確認のうえ、ご承諾ください。",
    "承諾書をご提出ください。",
    "ご承諾いただけましたら、同意書に署名をお願いします。",
    "利用承諾書の様式は区のホームページに掲載しています。",
    "新しい配信サービスの開始が決まりました。",
    "We are glad to tell you that the library reopens on Monday.",
]


@pytest.mark.parametrize("sentence", CONSENT_ALLOWED)
def test_asking_for_consent_is_allowed(rule: ApplicationRule, sentence: str) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


# Refunds, reductions and exemptions are decisions on a resident's case.
RELIEF_BLOCKED = [
    ("貴法人の更新登録について協議が調いましたので、お知らせします。", "協議が調いました"),
    (
        "The Audit Commissioners have decided to dismiss your petition, as the expenditure was lawful.",
        "decided to dismiss your",
    ),
    (
        "I am pleased to let you know that the Mayor has certified your Young Farmer Business Plan.",
        "certified",
    ),
    ("令和6年度分の固定資産税について、還付を決定しました。", "還付を決定"),
    ("ご申請の国民健康保険料の減免が決定しましたので、お知らせします。", "減免が決定"),
    ("保育料の免除を決定いたしました。", "免除を決定"),
    ("今年度分の住民税の徴収猶予を決定しました。", "猶予を決定"),
]


@pytest.mark.parametrize(("sentence", "covered"), RELIEF_BLOCKED)
def test_refund_or_relief_decision_blocks(
    rule: ApplicationRule, sentence: str, covered: str
) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    findings = findings_for(rule, body)
    assert findings, sentence
    assert any(covered in f.text or f.text in covered for f in findings)


RELIEF_ALLOWED = [
    "協議が調った後、運輸支局へ登録申請を行っていただきます。",
    "還付金の決定後、ご指定の口座に振り込みます。",
    "保険料の減免の決定は、申請から1か月ほどかかります。",
    "減免の申請方法については、市のホームページをご覧ください。",
    "還付を決定する前に、口座情報のご確認をお願いすることがあります。",
]


@pytest.mark.parametrize("sentence", RELIEF_ALLOWED)
def test_relief_guidance_is_allowed(rule: ApplicationRule, sentence: str) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert findings_for(rule, body) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("4月入所の利用調整の結果、入所保留（不承諾）となりました。", True),
        ("利用調整の結果、利用保留となりましたのでお知らせします。", True),
        ("入所保留となった場合は、翌月の調整に引き続き反映されます。", False),
        ("不承諾通知書の様式については、こちらをご覧ください。", True),
    ],
)
def test_a_nursery_place_held_back_is_a_decision(
    rule: ApplicationRule, sentence: str, expected: bool
) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert bool(findings_for(rule, body)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("ご提出の住所変更届出書（世帯全員分）につきまして、本日付で受け付けました。", True),
        ("申請書は平日の9時から17時まで窓口で受け付けております。", False),
    ],
)
def test_a_form_named_then_accepted_is_an_acceptance(
    rule: ApplicationRule, sentence: str, expected: bool
) -> None:
    body = f"北村 様\n\nいつもお世話になっております。\n{sentence}\n"
    assert bool(findings_for(rule, body)) == expected


def test_a_decision_notices_name_is_not_a_decision(rule: ApplicationRule) -> None:
    body = "北村 様\n\nいつもお世話になっております。\n保護開始決定通知書の写しをお持ちください。\n"
    assert findings_for(rule, body) == []

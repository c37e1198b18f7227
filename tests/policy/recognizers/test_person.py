"""PERSON: names with evidence (dictionary, honorific, NER, title or context), never common nouns."""

from __future__ import annotations

import pytest

from mailgate.policy.nlp.analyzer import Analyzer
from mailgate.policy.units import TextUnit

THRESHOLD = 0.5


def names(analyzer: Analyzer, text: str) -> list[str]:
    results = analyzer.analyze(TextUnit("body", text), entities=["PERSON"])
    return sorted({text[r.start : r.end] for r in results if r.score >= THRESHOLD})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("前任の班長は木下健二でした。", "木下健二"),  # full name, no honorific
        ("班長の木下 健二さんにお伝えください。", "木下 健二"),
        ("班長の木下\u3000健二様にお伝えください。", "木下\u3000健二"),
        ("木下様からお電話がありました。", "木下"),  # surname + honorific
        ("菅原直美さんが来庁されました。", "菅原直美"),  # surname Sudachi reads as a place
        ("野口氏は出席されません。", "野口"),
        ("マリア・ガルシアさんから書類が届きました。", "マリア・ガルシア"),
        ("グエン ヴァン アン様の転入届について", "グエン ヴァン アン"),
        ("オルガ・ペトロワさんから連絡がありました。", "オルガ・ペトロワ"),
        ("ラジェンドラさんが来庁されました。", "ラジェンドラ"),  # not in the dictionary
        ("Your neighbour, Mr. John Smith, asked us to write.", "John Smith"),
        ("Please contact Anna Kowalski for the details.", "Anna Kowalski"),
        ("Maria Garcia can be reached on weekdays.", "Maria Garcia"),
        ("Dear Ms. Tanaka,", "Tanaka"),
        (
            "4月から保育園に入園される陽翔くんについてお知らせします。",
            "陽翔",
        ),  # a child's given name
        ("結衣ちゃんの送迎について", "結衣"),
        # surnames ending in 部, which also ends a department's name
        ("同じグループの阿部さんのお子さんも通院しているそうです。", "阿部"),
        ("長谷部さんにもお伝えください。", "長谷部"),
    ],
)
def test_names_found_without_honorific(analyzer: Analyzer, text: str, expected: str) -> None:
    assert expected in names(analyzer, text)


@pytest.mark.parametrize(
    "text",
    [
        "お客様各位",
        "保護者の皆様へお知らせいたします。",
        "ご担当者様にもお伝えください。",
        "お母様とご家族様によろしくお伝えください。",
        "委員の皆様（5名）にお送りしております。",
        "会長と区長が出席します。",  # titles alone
        "若林自治会の会長が決まりました。",  # place before an organisation word
        "宮坂区民センターで開催します。",
        "三軒茶屋町会長が挨拶します。",
        "マイナポータルから申請できます。",
        "ヘルパーさんやボランティアさん、ケアマネさんにもご協力いただいています。",
        "民生委員さんと看護師さんが同行します。大家さんにもお声がけください。",
        "長谷川町子美術館でサザエさん展を開催中です。",
        "The Setagaya Public Library is open from 9 a.m.",
        "Notification of Moving Out must be submitted at the Residents Section counter.",
        "The meeting will be held on Wednesday, June 4.",
        "International Affairs Division, Setagaya City Office",
        "男女共同参画センター「ひびき」の講座です。",  # a facility's nickname in quotes
        "子育て広場『すくすく』を開きます。",
        "赤ちゃんとお兄ちゃん、お姉ちゃんもご一緒にどうぞ。",  # kinship words before ちゃん
    ],
)
def test_not_names(analyzer: Analyzer, text: str) -> None:
    assert names(analyzer, text) == []


def test_honorific_excluded_from_span(analyzer: Analyzer) -> None:
    text = "山本誠様のご住所"
    assert names(analyzer, text) == ["山本誠"]


def test_name_in_member_list_column(analyzer: Analyzer) -> None:
    text = "No,氏名,住所\n1,小鳥遊 遥,世田谷区北沢1-2-3\n2,四月一日 君尋,世田谷区代沢2-3-4\n"
    found = names(analyzer, text)
    assert "小鳥遊 遥" in found and "四月一日 君尋" in found


def test_full_width_input_keeps_offsets(analyzer: Analyzer) -> None:
    text = "ＡＢＣ　班長の木下　健二様"
    results = analyzer.analyze(TextUnit("body", text), entities=["PERSON"])
    assert [text[r.start : r.end] for r in results if r.score >= THRESHOLD] == ["木下\u3000健二"]


# Category: organisation and place names that GiNZA or the dictionary read as names.
@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        ("南区こども家庭支援課の田中です。", "南区こども"),
        ("振込先はみなと信用金庫 本町支店 普通 1234567 です。", "本町支店 普通"),
        ("振込先はさくら信用金庫 駅前支店 当座 7654321 です。", "駅前支店 当座"),
        ("見学先：中野清掃工場、東部リサイクルセンター", "中野清掃"),
        ("共催：西川地区社会福祉協議会", "西川"),
        ("協賛：大川電機株式会社", "大川電機"),
        ("会場は福岡市赤坂の公民館です。", "赤坂"),
        # a joint venture named by its members, a builder
        ("入札に参加予定の西村・大野特定建設工事共同企業体です。", "西村・大野"),
        ("西村・大野JVの代表者は株式会社西村組です。", "大野"),
        ("202505130021,南雲浄水場ポンプ設備修繕,指名競争入札", "南雲浄水場"),
        ("市有施設「大森ふれあいの森」で見学します。", "大森"),
        ("1. 特別養護老人ホーム 松本苑（潮見野市北潮見3020番地）", "松本苑"),
        # a company named after its founder: its legal form comes first
        ("例：有限会社杉本典礼 0548-22-7781など", "杉本"),
        ("見積りをお願いしている株式会社 森田建設の担当の方", "森田"),
        ("森田建設さんへの日時のご連絡は、自治会からお願いします。", "森田"),
    ],
)
def test_organisation_and_place_names_are_not_persons(
    analyzer: Analyzer, text: str, not_expected: str
) -> None:
    found = names(analyzer, text)
    assert not any(not_expected in name or name in not_expected for name in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田課長に伝えました。中村 太郎さんも参加します。", "中村 太郎"),
        ("市川一郎様からお電話がありました。", "市川一郎"),
        ("町田 花子さんが来庁されました。", "町田 花子"),
        ("ポルトガル語：Maria Santosさん（080-0000-1111）", "Maria Santos"),
        ("通訳はAnna Kowalski様にお願いしました。", "Anna Kowalski"),
    ],
)
def test_names_near_place_or_organisation_words_are_kept(
    analyzer: Analyzer, text: str, expected: str
) -> None:
    assert expected in names(analyzer, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("西田誠教育長があいさつします。", "西田誠"),
        ("石橋 真弓副市長が出席します。", "石橋 真弓"),
    ],
)
def test_title_after_the_name_is_not_part_of_it(
    analyzer: Analyzer, text: str, expected: str
) -> None:
    assert expected in names(analyzer, text)


@pytest.mark.parametrize(
    "text",
    [
        "・北川地区：12月5日（金）19:00～\u3000北川集会所",
        "会場は南台団地の集会所です。",
        "消防用設備等設置届出書（北浜グリーンハイツ）を確認しました。",
        "The Lump-sum Withdrawal Payment is applied for after you leave Japan.",
        "Please bring it to the Public Health Section.",
        "The Child Care Allowance is paid every four months.",
        "The ferry leaves Misagozaki Port at 8:10 (inside the Misagozaki Port terminal).",
        "Take the bus from Kawanishi Station to Somatawa Junior High.",
        "12 minutes to the Hokuriku Expressway (Shinkawahama IC), 40 minutes to the port",
        "Re: 南公園の高木の剪定について",  # a tall tree
        "An officer from Kochi Prefecture's relocation division will join us.",  # possessive
        "① 県道汐見浜岡線 川尻郵便局前の交差点",  # a post office
        "② 町道川尻12号線のカーブ：カーブミラー1基増設",  # a numbered road
        "Your application for a unit in Migigahama Apartments (Building 2) has been received.",
        "Kubara Gusuku is said to have been built long ago, and the village protects it.",
        "> I moved to Shiomi Ward last week to study at the university.",
        "Re: 汐見れきしウォーク 案内文（案）",
        "除雪機の貸出しは、市民活動センターで扱っております。貸出しの状況は日によって変わります。",
        "工事場所　大沢川（大沢橋〜新大沢橋の間）",
        "利用できるタクシー会社は、町内の霧里交通と北信観光タクシーの2社です。",
        "・川淵駅前こども園（委託）　　6か月〜就学前",
        "　12月24日（水）　汐見島港 8:30発 → 鹿児島港 14:50着（フェリーしおかぜ）",
        "4月10日に申請のあった江能漁港の係留施設の使用について",  # a fishing port
        "Kyoto's temples are busy in autumn, so please book early.",  # no pronoun after it
        "The Aoba Nursery's staff will meet you; she will show you the room.",  # a longer name
    ],
)
def test_places_buildings_and_terms_are_not_names(analyzer: Analyzer, text: str) -> None:
    assert names(analyzer, text) == []


def test_a_surname_that_is_also_a_tree_is_a_name_with_an_honorific(analyzer: Analyzer) -> None:
    assert "高木" in names(analyzer, "高木さんの剪定した枝が道路に落ちています。")


def test_a_two_kanji_surname_ending_in_bridge_is_still_a_name(analyzer: Analyzer) -> None:
    assert "高橋 誠" in names(analyzer, "担当の高橋 誠さんから連絡があります。")


def test_the_word_for_a_number_after_a_name_is_not_part_of_it(analyzer: Analyzer) -> None:
    found = names(analyzer, "> 連絡は夜にお願いします。\n> 小田\u3000携帯 090-3318-5274\n")
    assert "小田\u3000携帯" not in found and all("携帯" not in name for name in found)


def test_punctuation_never_opens_a_name(analyzer: Analyzer) -> None:
    found = names(analyzer, "受付は9:00～\u3000木下健二さんが担当します。")
    assert found == ["木下健二"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your neighbour Tom Baker asked us to write.", "Tom Baker"),
        ("Please contact Anna Kowalski (Section chief's guest).", "Anna Kowalski"),
        ("> Our guide, Kenji Aoyama, arrived 40 minutes late.", "Kenji Aoyama"),
        # a child by given name alone, possessive, with a pronoun after
        (" - Lena's epilepsy medication for three days\n - the dosage from her doctor", "Lena"),
    ],
)
def test_romanised_names_still_found(analyzer: Analyzer, text: str, expected: str) -> None:
    assert expected in names(analyzer, text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("しおみ区報メールマガジン 第12号", "しおみ"),
        ("あさぎり市民文化祭のお知らせ", "あさぎり"),
        ("ときわ町内会の清掃活動", "ときわ"),
        ("ミナト区報をお届けします。", "ミナト"),
    ],
)
def test_kana_place_before_municipality_word_is_not_a_name(
    analyzer: Analyzer, text: str, absent: str
) -> None:
    assert absent not in names(analyzer, text)


def test_katakana_name_with_honorific_still_found(analyzer: Analyzer) -> None:
    assert "マリア・ガルシア" in names(analyzer, "マリア・ガルシアさん（市民活動センター）")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # facilities and a school's grounds
        ("会場：白鷺原市立北部小学校 校庭", "北部小学校"),
        # a work in quotes after its author
        ("正岡子規の「病牀六尺」を読む会を開きます。", "病牀六尺"),
        ("『東海道中膝栗毛』の朗読会です。", "東海道中膝栗毛"),
        # hiragana words and names of services without an honorific
        ("・とき：まいにち ごご 3時から", "まいにち"),
        ("電子申請「さぎはらe-申請」をご利用ください。", "さぎはら"),
    ],
)
def test_facilities_works_and_hiragana_words_are_not_names(
    analyzer: Analyzer, text: str, absent: str
) -> None:
    assert not [name for name in names(analyzer, text) if absent in name or name in absent]


def test_hiragana_name_with_honorific_still_found(analyzer: Analyzer) -> None:
    assert any(
        "さくら" in n for n in names(analyzer, "あおやま さくら さんから でんわが ありました。")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("千葉様のお宅には明日伺います。", "千葉"),  # a place name as a surname, with 様
        ("My colleague Ravi Sharma will bring the form.", "Ravi Sharma"),
        ("当日は石田 健二町長もあいさつします。", "石田 健二"),  # the NER cut the given name
        ("税務課 市民税係　柳瀬", "柳瀬"),  # the unit is not part of the name
    ],
)
def test_round_nine_names_found_whole(analyzer: Analyzer, text: str, expected: str) -> None:
    assert expected in names(analyzer, text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("漁協さんから各船主さんへ連絡が回っています。", "漁協"),
        ("帰りに湯ノ沢温泉に寄るのもおすすめです。", "湯ノ沢温泉"),
        ("※グランドピアノあり（1回 500円）", "グランドピアノ"),
    ],
)
def test_organisations_resorts_and_known_words_are_not_names(
    analyzer: Analyzer, text: str, absent: str
) -> None:
    assert absent not in names(analyzer, text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("行動範囲は（東山・祇園・嵐山周辺）に限ります。", "東山・祇園"),
        ("・乙鳥台中学校：6月20日（金）総合体育大会", "乙鳥台中"),
        ("場所：瑠璃坂第二保育園（2階ホール）", "瑠璃坂"),
        ("Rurizaka Multicultural Newsletter, July issue", "Rurizaka Multicultural Newsletter"),
        ("a building confirmation under the Building Standards Act is required", "Standards Act"),
        ("but in the Landscape Priority Districts (for example along the old road)", "Landscape"),
        # a clinic's name the NER read as a person
        (
            "　・湯元ファミリークリニック\nどちらも事前の予約が必要です。",
            "湯元ファミリークリニック",
        ),
        # an election, a card, a festival, an English register
        ("7月20日（日）の緑川市長選挙に向けて、説明会を開きます。", "緑川市長選挙"),
        ("個人番号や通知カードの写しをメールで送信することはおやめください。", "通知カード"),
        (
            "東山団地自治会の夏まつり（8月3日（土））へのご招待、ありがとうございました。",
            "夏まつり",
        ),
        (
            "You can also apply for registration on the Overseas Electoral Register.",
            "Overseas Electoral Register",
        ),
        # the public job centre is no person
        (
            "1. Job support: Hello Work Sugigaoka has a Foreign Residents Employment Desk.",
            "Hello Work",
        ),
        # Sudachi reads 白沢|岳登 as surname and given name; the NER sees one mountain path.
        ("９月５日以降、白沢岳登山道の３合目付近でクマの目撃が続いています。", "白沢岳登"),
        # The NER's lone "Person" is a common noun a verb describes.
        ("　3　西浜の台場跡：幕末に黒田長溥の命で築かれたとされる砲台", "砲台"),
        # a town's review board the NER read as a person
        (
            "5月20日に開催した能登浜町災害弔慰金等支給審査会において、",
            "能登浜町災害弔慰金等支給審査会",
        ),
        # a place name glued to a public office (瀬戸内|検疫所)
        ("瀬戸内検疫所汐見浜出張所（0894-22-0731）までお問い合わせください。", "瀬戸内"),
        # a service's help desk
        ("「かずさ電子申請ヘルプデスク」にお問い合わせください。", "かずさ電子申請ヘルプデスク"),
        # an era name in a span of years
        ("ご本人のケース記録（平成30年度～令和4年度）について", "令和"),
        # a disease the NER read as a person
        ("新型インフルエンザ等感染症で亡くなられた方については、", "新型インフルエンザ"),
        # a word opening an English sentence is no part of the name after it
        ("As Biscuit was vaccinated in the United States, please bring the record.", "As Biscuit"),
    ],
)
def test_place_lists_schools_and_titles_are_not_names(
    analyzer: Analyzer, text: str, absent: str
) -> None:
    assert absent not in names(analyzer, text)


def test_a_given_name_the_ner_cut_before_its_honorific_is_whole(analyzer: Analyzer) -> None:
    # GiNZA finds 「陽」 only; the rest of the word up to さん is the name.
    assert names(analyzer, "陽向さんは来週から登園します。") == ["陽向"]


def test_a_name_with_an_honorific_inside_a_place_word_stays_a_name(analyzer: Analyzer) -> None:
    assert "白沢" in " ".join(names(analyzer, "白沢さんが登山道の点検をされました。"))


def test_a_pets_name_in_a_mail_about_pets_is_no_person(analyzer: Analyzer) -> None:
    pets = "犬の登録担当です。長年一緒に暮らしたマロンちゃんが亡くなられたとのこと、お悔やみ申し上げます。"
    assert "マロン" not in names(analyzer, pets)
    # with さん the katakana name is a person's, pets or not (「ヨシさんは生前…」)
    assert "ヨシ" in names(
        analyzer, "犬の登録担当です。ヨシさんは生前、犬を2頭飼っておられました。"
    )
    # and outside a mail about pets, a child's katakana name stays one
    assert "マロン" in names(analyzer, "入園されるマロンちゃんの持ち物についてご案内します。")

"""What a PERSON candidate looks like when it is no name: shared by the name recognizers.

Honorifics on common nouns (お客様, 皆様), organisation and facility words before, inside or after
a candidate (港北区こども|家庭支援課, 市立…小学校), places, titles glued to names, buildings, and
the scores the recognizers give their evidence.
"""

from __future__ import annotations

import re

ENTITY = "PERSON"
STRONG, NER_ONLY, WEAK = 0.85, 0.6, 0.3

HONORIFIC = re.compile(r"[ \u3000]?(様|さま|さん|氏|殿|くん|君|ちゃん|先生)")
# The words for a contact detail, which the NER may take for a name or glue to one.
CONTACT_WORDS = "携帯|電話|自宅|連絡先"
# Words that take an honorific but name no one, and organisation words a name never ends in
# (霧里交通, 川淵駅前こども園).
NOT_NAME = re.compile(
    r"(お客|皆|保護者|担当者|担当|ご家族|家族|お母|お父|ご両親|奥|ご主人|旦那|お子|お嬢|"
    r"ご本人|本人|各位|委員|会員|利用者|住民|区民|市民|関係者|事業者|御中|先方|相手方|ご遺族|"
    r"漁協|農協|社協|生協|JA|組合|役場|医院|商店|旅館|薬局|番号|記号|"
    # 部 ends a department, not the surnames 阿部, 服部, 岡部, 長谷部 (a kanji or two before it)
    r"町会|自治会|商店街|協議会|委員会|課|係|(?<!^[\u4e00-\u9fff])(?<!^長谷)(?<!^日下)(?<!^曽我)部|室|区役所|役所|センター|会館|ホール|神社|寺|"
    r"株式会社|有限会社|法人|協会|組合|団体|学校|小学校|中学校|病院|地区|支所|事務所|出張所|"
    r"こども園|保育園|幼稚園|学園|公園|交通|タクシー|観光|運輸|鉄道|電鉄|バス|郵便局|"
    # churches and the clergy of history (黒崎天主堂, フランス人宣教師)
    r"天主堂|教会|聖堂|宣教師|神父|牧師|司祭|修道士|"
    # the words for a contact detail (「…番地、電話 049-…」)
    rf"{CONTACT_WORDS}|"
    # a disease or its agent (新型インフルエンザ, ノロウイルス, 結核症): no name ends so
    r"インフルエンザ|ウイルス|ウィルス|感染症|症|病|"
    # an era name (「平成30年度～令和4年度」)
    r"令和|平成|昭和|大正)$"
)
ORG_AFTER = re.compile(
    r"[ \u3000]?(町会|自治会|商店街|地区|区民|会館|センター|駅|通り|小学校|中学校|公園|神社|寺|"
    r"美術館|記念館|文学館|資料館|博物館|賞|像|邸|旧居|旧宅|橋|病院|医院|商店|記念|郵便局|"
    r"集会所|集会場|公民館|団地|ハイツ|荘|コーポ|マンション|町内|自治区|地域|漁港|港|埠頭|岸壁|"
    r"(?:少年)?使節|(?:様|さま|さん|氏)?(?:展|祭|まつり|号|賞)|"
    # a numbered road (「町道川尻12号線」)
    r"[0-9０-９]+号線|"
    # a park or retreat named as a forest or a village (「大森ふれあいの森」, 「やすらぎの郷」)
    r"の(?:森|郷)(?![\u4e00-\u9fff])|"
    # a tree's care (「南公園の高木の剪定」: 高木 is a tall tree here)
    r"の(?:剪定|伐採|枝|植栽|植え替え|根元|幹|落ち葉|倒木))"
)
# A candidate glued to an organisation word is part of that organisation's name, not a person
# (港北区こども|家庭支援課, 大阪みらい|信用金庫, 白石清掃|工場); a title (課長, 会長) is not one.
ORG_SUFFIX = re.compile(
    r"(?:第[一二三四五六七八九十0-9０-９]+)?(?:課(?!長)|部(?!長)|局(?!長)|係(?!長)|室(?!長)|班(?!長)|工場|信用金庫|信用組合|金庫|銀行|"
    r"支店(?!長)|営業所|出張所|事務所|検疫所|保健所|研究所|事業所|裁判所|消防(?:本部|署)|警察署|センター(?!長)|協会|協議会|組合|会(?![長員])|株式会社|"
    r"有限会社|合同会社|財団|法人|グループ|ホールディングス|商事|工業|建設|産業|工務店|"
    r"保育園|幼稚園|学園|学院|大学|高校|高等学校|学校|図書館|公民館|体育館|市場|店(?!長)|"
    # a builder (西村組) and a joint venture named by its members (西村・大野特定建設工事共同企業体)
    r"組(?![織合長みん])|(?:特定)?(?:建設工事)?共同企業体|ＪＶ|JV(?![A-Za-z]))"
)
# Words a personal name never contains: places (港北区), bank details (天満支店 普通),
# facilities (雲雀野市立中部小学校 校庭) and ships (フェリーしおかぜ).
ORG_INSIDE = re.compile(
    r"(区|県|支店|普通|当座|銀行|金庫|[市町村都][ぁ-んァ-ヴー]|[市区町村都府県国私]立|"
    r"学校|校庭|公園|センター|会館|図書館|公民館|体育館|病院|診療所|クリニック|医院|歯科|薬局|温泉|[\u4e00-\u9fff]字[\u4e00-\u9fff]|"
    # works and grounds (南雲浄水場ポンプ設備修繕); 場 alone ends surnames (馬場, 的場)
    r"浄水場|配水場|処理場|処分場|斎場|火葬場|競技場|運動場|駐車場|駐輪場|"
    r"案内|講座|教室|大会|ウォーク|フェリー|高速船|連絡船|定期船|旅客船|客船|"
    # a council or committee (能登浜町災害弔慰金等支給審査会)
    r"審査会|委員会|審議会|協議会|"
    # an election or the assembly (緑川市長選挙)
    r"選挙|議会|投票|"
    # a card, a festival (通知カード, 夏まつり)
    r"カード|まつり|祭|"
    # a service or its help desk (かずさ電子申請ヘルプデスク)
    r"申請|ヘルプデスク|コールセンター|"
    # a joint venture (西村・大野JV); a trade in a company's name, even with さん after it
    # ("森田建設さんへの日時のご連絡", "丸山石材店")
    r"JV|ＪＶ|共同企業体|建設|工務店|工業|商事|石材|葬祭|典礼|電設|設備|興業)"
)
# Three or more kanji ending in 橋 are a bridge (大沢橋, 新大沢橋) unless an honorific follows;
# two (高橋, 石橋) are a surname.
# Kanji with one trailing kana of inflection is a word (貸出し, 申込み, 受付け), not a name.
OKURIGANA_WORD = re.compile(r"[\u4e00-\u9fff]+[しみけりれ]")
BRIDGE = re.compile(r"[\u4e00-\u9fff]{2,}橋")
# Likewise a care home or a hall of residence ("特別養護老人ホーム 松本苑", "青葉寮", "松風荘").
HOME_NAME = re.compile(r"[\u4e00-\u9fff]{2,}(?:苑|寮|荘)")
# Hiragana alone is a word, not a name, unless an honorific follows (まいしゅう, かすみがはらe-申請).
HIRAGANA_ONLY = re.compile(r"[ぁ-ゖー \u3000]+")
# A place name in kana before 区/市/町/村 and a noun (しおみ区報, あさぎり市民): not a person.
KANA_ONLY = re.compile(r"[ぁ-んァ-ヴー]+")
KANA_PLACE_AFTER = re.compile(r"[区市町村]")
# A municipality directly before the candidate makes it a place name (福岡市赤坂, 北区滝野川).
PLACE_BEFORE = re.compile(r"[区市]$")
# A company's legal form before the candidate makes it the company's name ("有限会社杉本典礼",
# "株式会社 森田建設"), whatever surname it holds.
COMPANY_BEFORE = re.compile(
    r"(?:株式会社|有限会社|合同会社|合資会社|合名会社|㈱|㈲|\(株\)|（株）)[ \u3000]?$"
)
# An official's title written after the name; the dictionary may glue its first character to
# the given name (西田 誠教|育長), which then belongs to the title.
TITLE_SUFFIX = re.compile(
    r"[\u4e00-\u9fff]{0,8}委員長|議員|副?(?:区長|市長|町長|村長|知事|議長)|教育長|館長|校長|園長|所長|署長|局長|部長|課長|係長|室長"
)
TITLE_PREFIX = re.compile(
    r"(区長|副区長|教育長|会長|副会長|部長|課長|係長|担当|委員長|理事長|班長|保健師|看護師|"
    r"作業療法士|理学療法士|社会福祉士|主任|主査|主事|司書|学芸員|相談員|支援員)[ \u3000]*"
)
# Housing and building words: a candidate holding one is a building's name (石部グリーンハイツ).
HOUSING = re.compile(
    r"(ハイツ|コーポ|マンション|レジデンス|ハイム|メゾン|ヴィラ|パレス|グリーン|ガーデン|"
    r"団地|住宅|荘$|寮$)"
)
# Punctuation and spaces never open or close a name (～　上川, （山田).
EDGE = " \u3000～〜~・･、。，．,.（）()「」『』【】［］[]:：;；!！?？-－―ー/／"
KANJI_ONLY = re.compile(r"[\u3400-\u9fff々]+")
KATAKANA = re.compile(r"[ァ-ヴ]")
PLACE_END = re.compile(r"[町区市村都県]$")
KATAKANA_WORDS = re.compile(r"[ァ-ヴー]+")  # one word: no ・ or space between parts
# The honorifics that make a place-name token a surname (宮城様); not 先生 (宮城先生 is rare,
# 長野先生 a teacher): the plain ones.
PLACE_SURNAME_HONORIFIC = re.compile(r"[ \u3000]?(様|さま|さん|氏|殿)")
# A unit word the NER put before a name ("係　漆原", "係 宍戸"): not part of it.
UNIT_HEAD = re.compile(r"[係課室班][ \u3000]+")
# A mail about pets: there a single katakana word without 様/さん/氏 ("マロンちゃん", "うちの
# マロン（登録番号…）") is an animal's name; people in it are written with さん or 様.
PET_MAIL = re.compile(r"(飼い犬|愛犬|愛猫|飼い猫|ペット|犬|猫|鑑札|狂犬病|マイクロチップ)")

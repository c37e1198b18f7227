"""The wording around a found item that tells whose it is (read by mailgate.policy.roles).

Titles and units before a name, self-introductions, facility words before a phone number
or an address, the recipient's and third parties' cues, history words: each a regular
expression with an example of what it catches.
"""

from __future__ import annotations

import re

from mailgate.policy.structure import ADDRESSEE_TITLES

PHONE_IN_TEXT = re.compile(r"\+?\d[\d\-() ]{8,}\d")
POSTAL_IN_TEXT = re.compile(r"\d{3}-\d{4}")
NAME_IN_TEXT = re.compile(
    r"[\u3400-\u9fff々ァ-ヴー]{2,}(?:[ \u3000][\u3400-\u9fff々ァ-ヴー]+)?|[A-Z][a-z]+(?: [A-Z][a-z]+)+"
)

# The sender or a colleague in their duties: "…課の鈴木です", "担当：鈴木", "区長の小林恵子から".
UNIT_BEFORE = re.compile(
    r"(課|係|部|室|所|局|館|班|センター|グループ|担当|窓口|区役所|役場|委員会|事務局|社協|協会|協議会|"
    r"組合|漁協|農協|Division|Section|Office)"
    # (its room in brackets between: 「市民税課（本庁舎2階）の山口が担当しております」)
    r"(?:[（(][^（）()\n]{1,15}[）)])?の?[ \u3000]*$"
)
# The reader thanked by name for writing in ("宮澤 千代様、お問い合わせありがとうございました"),
# wherever the greeting stands: that name is the addressee's.
THANKED_AFTER = re.compile(
    r"^[ \u3000]?(?:様|さま|さん)[、,]?[ \u3000]*(?:先日|この度|このたび|本日|昨日)?は?"
    r"(?:お問い?合わ?せ|ご連絡|ご相談|ご質問|ご照会|ご意見|ご要望|メール|お便り)[^。\n]{0,20}?"
    r"(?:ありがとう|感謝)"
)
# Titles an addressee may bear in the salutation ("会長 中野渡 浩 様"); "会長の携帯" later is theirs.
ADDRESSEE_TITLE = re.compile(ADDRESSEE_TITLES)
# A reading in kana after a word (国際交流室（こくさいこうりゅうしつ）の), as in mail written in
# やさしい日本語: the cues read the text without it.
READING = re.compile(r"[（(][ぁ-ゖー]+[）)]")
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
    r"専門員|ケースワーカー|担当者?|保育士|看護師|"
    # members of the town's community-cooperator corps (「隊員の上田 蓮」)
    r"(?:協力)?隊員|"
    # statutory welfare officers of a guidance centre (児童福祉司, 児童心理司, 身体障害者福祉司)
    r"[\u4e00-\u9fff]{0,6}(?:福祉司|心理司)|"
    # members of the municipality's administrative commissions ("代表監査委員 杉山 道夫")
    r"(?:代表|議会選出|識見)?監査委員|教育委員|農業委員|選挙管理委員|公平委員|"
    # Executive posts named by what they oversee: 防災監, 危機管理監, 上下水道事業管理者, 技監.
    # ("区の保育士（百目鬼 理沙）": the name in brackets after the title)
    r"[\u4e00-\u9fff]{1,8}(?:監|管理者)|理事|参与)(?:の|は|：|:|、|[（(]|[ \u3000])+$"
)
# A committee's members listed under its chair ("委員長 杉山 弘道\n副委員長 大塚 聡美\n委員
# 浅野 健太郎、小島 誠"): the roster the chair, an official by title, heads. 委員 alone is no
# title (a residents' committee member is not our official).
MEMBERS_LINE_BEFORE = re.compile(r"[ \u3000]*委員[ \u3000]*[：:]?[ \u3000]*(?:[^、\n]{1,12}、)*$")
CHAIR_LINE = re.compile(r"^[ \u3000]*副?委員長[ \u3000：:]", re.MULTILINE)
CHAIR_REACH_LINES = 2
# A lecturer from a public body, named with its unit and profession ("講師：埼玉県動物指導センター
# 獣医師 加賀谷 聡 氏"): an official in their duties, even with 氏. The body opens with a
# prefecture's or municipality's name; a university's professor or a resident stays a third party.
PUBLIC_LECTURER_BEFORE = re.compile(
    r"講師[ \u3000]*[：:]?[ \u3000]*[\u4e00-\u9fff々]{1,5}(?:都|道|府|県|市|区|町|村)"
    r"[\u4e00-\u9fff々ァ-ヴー・]{0,14}(?:センター|保健所|事務所|研究所|試験場|委員会|局|課|署|所)"
    r"[ \u3000]*(?:[\u4e00-\u9fff々]{1,8}[ \u3000]+)?$"
)
# An official of a public body named by it ("コウハイ・スプリングス町役場のアロハ・ンガタ氏",
# "鳥取県立図書館 司書の浜口 理恵氏"): in their duties, with 氏 or no honorific.
PUBLIC_BODY_BEFORE = re.compile(
    r"(?:(?:役場|市役所|区役所|県庁|都庁|道庁|府庁)|(?:都|道|府|県|市|区|町|村)立"
    r"[\u4e00-\u9fff々ァ-ヴー・]{0,14}(?:図書館|博物館|美術館|資料館|病院|大学|学校|センター|公民館)"
    # a prefecture's regional office ("長野県 北信地域振興局の鳥獣対策専門員 佐藤 博之 氏")
    r"|(?:都|道|府|県)[ \u3000]?[\u4e00-\u9fff]{1,10}(?:振興局|事務所|保健所|センター))"
    # a title between (司書の); not its pupils, patients or users (生徒の田中 健)
    r"[ \u3000]*(?:の)?(?:(?!生徒|児童|学生|患者|入院|利用者|卒業生|在校生|園児|保護者)"
    r"[\u4e00-\u9fff]{1,8}(?:の|[ \u3000])+)?(?:の)?[ \u3000]*$"
)
# The honorifics of someone addressed or spoken of as a private person (not 氏 or 先生).
ADDRESSEE_HONORIFIC = re.compile(r"[ \u3000]?(様|さま|さん|殿|くん|君|ちゃん)")
# A name followed by a phone number ("please contact Mayumi Abe at 0237-42-1114", "担当の阿部
# （0237-42-1114）"): when the number is the office's own, so is the person.
PHONE_AFTER_NAME = re.compile(
    r"^[ \u3000]*(?:\bat\b|\bon\b|[（(：:、,])?[ \u3000]*(?:(?:TEL|Tel|tel|電話|内線)[：:.]?[ \u3000]*)?"
    rf"(?P<phone>{PHONE_IN_TEXT.pattern})"
)
# A chair named with の and no honorific ("会長の宮下 正和も同行します"): a writer speaks of a
# residents' body's chair with 様 or さん ("会長の坂口様"), and of their own committee's chair
# without, as of any colleague. Only の: a roster's "会長 山田 太郎" may be anyone's.
CHAIR_OF_OURS_BEFORE = re.compile(r"副?会長の$")
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
    r"院長|副院長|園長|所長|署長|局長|部長|課長|係長|室長|センター長|支所長|事務局長|"
    # council members and committee chairs in their duties ("三上 千鶴議員", "…選挙管理委員長")
    r"(?:[\u4e00-\u9fff]{0,8})?委員長|議員)"
)
# An official's English title before the name ("hosted by Mayor Seiichiro Karoji", "the
# Superintendent of Education, Ms. Keiko Toguchi", "the principal, Mr. Ken Oshiro").
ENGLISH_DUTY_BEFORE = re.compile(
    r"\b(?:Deputy |Vice[- ])?(?:Mayor|Governor|Superintendent|Councillor|Councilor|Chairperson|"
    r"Chair|[Pp]rincipal|[Hh]ead ?teacher|[Ss]chool nurse|[Cc]lass teacher|[Hh]omeroom teacher|"
    # a fire service's ranks ("Fire Lieutenant Aoki Haruka will also attend")
    r"Fire (?:Chief|Captain|Lieutenant|Sergeant|Marshal|Officer|Inspector)|Firefighter)"
    r"(?: of (?:the )?[A-Z][A-Za-z ]{0,40}?)?,?[ ]+"
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ ]+)?$"
)
# An official's English title after the name ("Mr. Hiroshi Uchida, Director of the Sports
# Promotion Division, will visit"): staff in their duties.
ENGLISH_DUTY_AFTER = re.compile(
    r",?[ ]+(?:the[ ]+)?(?:Deputy[ ]+)?(?:Director|Head|Chief|Manager|Mayor|Superintendent)"
    r"[ ]+of[ ]+(?:the[ ]+)?[A-Z][A-Za-z ]{0,40}?(?:Division|Section|Department|Office|Bureau|"
    r"Board of Education|City|Town|Ward)\b"
)
ENGLISH_DUTY_REACH = 80  # characters after a name read for ENGLISH_DUTY_AFTER
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
# A municipal professional named with their municipality and profession in brackets
# ("鰐淵 美和（鷭沢区 理学療法士）"): staff of that municipality, not a private person.
OFFICIAL_PROFESSION_AFTER = re.compile(
    r"^[ \u3000]?[（(][^（()）\n]{0,10}(?:区|市|町|村)(?:役所|役場)?[ \u3000・]?"
    r"(?:保健師|理学療法士|作業療法士|言語聴覚士|管理栄養士|栄養士|歯科衛生士|社会福祉士|看護師|"
    r"助産師|精神保健福祉士|臨床心理士|公認心理師|心理士)[）)]"
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
    r"植物学|民俗学|功労者|業績|代表作|絵師|浮世絵|肉筆|版画|錦絵|庄屋|名主|代官|藩士|村役人|"
    r"御用留|文書|記録|書き残|伝えられ|書簡|企画展|郷土|日記|民権|起草|草案|として知られ|"
    r"書状|絵図|城下|城主|農学者|"
    # era names before Meiji (文化 left out: an everyday word)
    r"永禄|元亀|天正|文禄|慶長|元和|寛永|寛文|延宝|元禄|宝永|享保|元文|延享|宝暦|明和|安永|天明|"
    r"寛政|享和|文政|天保|弘化|嘉永|安政|万延|文久|元治|慶応|"
    r"\bSengoku\b|\bfeudal\b|\blord\b|\bagronomist\b|\bTaisho\b|"
    r"\bcentury\b|\bhistor|\bmuseum\b|\bcurator\b|\bcollection\b|\bexhibition\b|\bprints?\b|"
    r"\bworks\b|\bpainter\b|\bpoet\b|\bnovelist\b|\bartist\b|\bukiyo-e\b|\bEdo\b|\bMeiji\b|"
    r"\bshogun\b|\bsamurai\b|\bwarlord\b|\blecture\b|\bdiary\b|\bletters?\b|\bcastle\b|\bruins\b|"
    r"\bexplorer\b|\bpioneer\b|\bsettlers\b|\bscholar\b|\bnaturalist\b|\bbotanist\b|"
    # a year or decade before 1900 ("in the 1850s", "1869年")
    r"\b1[5-8]\d0s\b|(?<![\d０-９])1[5-8]\d\d(?:年|\b))",
    re.IGNORECASE,
)
# An English title before a name ("Ms. Sato", "Dr. Mori"): a living person addressed or named.
ENGLISH_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \u3000]*$")
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
# A 字 (aza) before a word makes it a district of the town ("字下川原・字大沢"), not a name;
# 大字 too, but not 数字, 赤字, 文字 (a kanji other than 大 before 字).
AZA_BEFORE = re.compile(r"(?:^|[^\u4e00-\u9fff々]|大)字[ \u3000]?$")
# A "name" glued to a municipality's name ("若松北九州市"): part of a place name, not a person.
PLACE_GLUED_AFTER = re.compile(r"^[\u4e00-\u9fff々ヶ]{0,5}?(?:市|区|町|村|郡|県)(?![長内場議会])")
# The rest of a work's title in quotes after a "name": 「松林猿猴図」, 「観音菩薩像」.
WORK_TITLE_AFTER = re.compile(r"[\u4e00-\u9fff々]{0,3}(?:図|像|画|絵|碑|帖|巻)(?:屏風)?[」』]")
HISTORICAL_WINDOW = 40
HONORIFIC_AFTER = re.compile(r"[ \u3000]?(様|さま|さん|氏|殿|くん|君|ちゃん|先生)")


# A school's staff named by their post and 先生 ("養護教諭の田村 由紀先生", "教頭の小松 誠先生"):
# public-school officials in their duties; 先生 is how a school names its own staff.
SCHOOL_POST_BEFORE = re.compile(
    r"(?:養護教諭|主幹教諭|教諭|教頭|副校長|校長|担任|副担任|学年主任|園長|副園長|栄養教諭|学校栄養職員)"
    r"(?:の|は|：|:|、|[ \u3000])+$"
)
SENSEI_AFTER = re.compile(r"[ \u3000]?先生")
# A licensed profession after a name ("川口 昌平 弁護士"): a living person named.
PROFESSION_AFTER = re.compile(
    r"[ \u3000]?(?:弁護士|司法書士|行政書士|税理士|社会保険労務士|土地家屋調査士|公認会計士|弁理士)"
)


def titled(text: str, start: int, end: int) -> bool:
    """A name with an honorific or a licensed profession after it (山田様, 川口 弁護士) or an
    English title before it (Mr. Yamada): a living person addressed or named, never a place,
    history or a public body."""
    return bool(
        HONORIFIC_AFTER.match(text, end)
        or PROFESSION_AFTER.match(text, end)
        or ENGLISH_TITLE_BEFORE.search(text, 0, start)
    )


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
    # in the same clause: "（…4番11号）への変更は、東庁舎2階の…課の窓口で" names where to go.
    r"[^\n。、]{0,45}?(区役所|市役所|役場|庁舎|支所|出張所|センター|会館|課|係)"
    # or, right after it, the public school or facility it is the address of
    # ("…8番1号 隼浦市立桜ケ丘小学校")
    r"|[ \u3000]*[（(]?[^\s\u3000\n。、（()）]{0,6}(?:市|区|町|村|県|都|府|道)立"
    r"[^\s\u3000\n。、]{1,15}?(?:学校|園|館|所|病院)"
    # or the next line names the office ("〒…　…1120番地\n鵜ノ瀬町役場 住民税務課"), not a
    # sentence about it ("区役所での手続き").
    r"|[^\n。]{0,45}\n[ \u3000]*[^\n。、様]{0,20}?(?:区役所|市役所|役場|庁舎|支所|出張所)(?=[ \u3000]|$)",
    re.MULTILINE,
)
# Business hours right after a number ("0749-53-2163（平日8:30～17:15）"): an office's, not a
# resident's.
OFFICE_HOURS_AFTER = re.compile(
    # in brackets, or after a comma inside them ("(0237-43-2940, weekdays 8:30-17:15)")
    r"[ \u3000]*(?:[（(]|[、,][ \u3000]*)(?:受付)?[ \u3000]*(?:平日|毎日|月|火|水|木|金|土|日|weekdays|Mon)[^）)\n]{0,20}?"
    r"[0-9０-９]{1,2}[:：時]"
)
# A contact block (lines with no blank line between) that gives office hours on a line of its
# own ("・受付時間：月曜日～金曜日 午前9時～…"): an office's address and phone, wherever the office
# was named (「…出張所で手続きをしてください。」 above a blank line). People keep no 受付時間.
OFFICE_HOURS_LINE = re.compile(
    r"^[ \u3000・●■◆○◇\-*]*(?:受付時間|開庁時間|営業時間|開館時間|窓口時間|業務時間|"
    r"(?:Office|Opening|Business) hours)[ \u3000]*[：:]",
    re.MULTILINE | re.IGNORECASE,
)
OFFICE_BLOCK_LINES = 4
# The office named in brackets after its number ("0566-71-1111 (City Hall main number)",
# "0123-45-1111（市役所代表）").
OFFICE_NAMED_AFTER = re.compile(
    r"[ \u3000]*[（(][^（）()\n]{0,20}?(?:代表|市役所|区役所|役場|本庁舎|City Hall|Town Hall|"
    r"Ward Office|main number|switchboard|管理事務所|"
    # a named facility's office ("0279-24-3300 (Athletic Park office)")
    r"(?-i:[A-Z][A-Za-z]+ )(?:office|Office))[^（）()\n]{0,20}[）)]"
)
# A work site is someone's premises, not a venue: "設置場所（…7番地12）", "調査場所：…".
WORK_SITE_BEFORE = re.compile(
    r"(?:設置|工事|調査|給水|使用|作業|施工|点検|訪問|修理|対象|現地|建築|解体|補修|"
    # the site of a notified building act or development (「行為の場所：」, 「開発区域の場所」)
    r"行為|開発|開発区域|申請地|計画地|"
    # where the reader puts out or hands over their things (「出し場所：」, 「引取場所」)
    r"出し|排出|回収|引取り?|引き取り|受取り?|受け取り)(?:の)?$"
)
# A home named right after an address ("…11番2号（ご自宅）", "…様方"): someone's residence,
# whatever facility word stands before ("場所：").
# The note may stand on the next line, under the address ("…14番地の2\n　（ご自宅前の道路…）").
HOME_AFTER = re.compile(
    r"[ \u3000]*(?:\n[ \u3000]*)?[（(]?(?:ご自宅|自宅|お宅|ご実家|実家|お住まい|様方|さん方)"
    # someone living there (「潮見台三丁目14番2号にお住まいの方が」)
    r"|(?:に|で)(?:お住まい|住んで|居住|在住)"
)
# A quarter of a place the mail names ("区長と語ろう in 汐見北" in a mail about 汐見区).
QUARTERS = "北南東西"
# A position on a public road or river given by the lot before it (「若松東二丁目14番地先の市道」,
# 地先): the road's, not a person's.
ROAD_POSITION_AFTER = re.compile(r"(?:(?<=番地)|(?<=[0-9０-９]番))先")
# Something in front of or beside a house given by its number (「場所は旭が丘3丁目8-21の前です」):
# the number is a home's, even under a venue caption such as 場所.
HOUSE_FRONT_AFTER = re.compile(
    r"[ \u3000]*の?(?:前|真ん前|向かい|隣|横|裏)(?:の|です|に|で|、|。|を|まで|から)"
)
# A named establishment in quotes, its contact in parentheses ("隣の「鷺乃湯」（0896-…）",
# "「お試し住宅はまゆう」（…2040番地）"): people's names are not quoted so.
QUOTED_NAME_BEFORE = re.compile(r"[」』][ \u3000]*[（(][ \u3000]*$")
# A phone the office's staff share ("防災当直の携帯 080-…", "公用携帯"): a mobile, but not private.
DUTY_PHONE = re.compile(
    r"(当直|当番|公用|業務用|緊急連絡用|代表)(?:の)?(?:携帯|電話)(?:番号)?[ \u3000：:]*$"
)
RECIPIENT_CUE = re.compile(
    r"(ご住所|お住まい|ご登録の|ご自宅|お客様の|あなたの|\byour\b[^\n]{0,25}$)", re.IGNORECASE
)
THIRD_PARTY_CUE = re.compile(r"(ご連絡先|連絡先は|携帯)")
# "その方の携帯電話（080-…）": a person just mentioned, not the reader named earlier on the line.
THAT_PERSON = re.compile(r"(?:その|あの|この|先方の|相手の?)方の[^。\n]{0,10}$")
# What makes a line a person's rather than a facility's: an honorific or a title of address.
PERSON_MARKER = re.compile(
    # (様 inside a word names no one: 仕様, 模様, 同様, 様式, 様子)
    r"((?<![仕模同多異一])様(?![式子々態])|さま|さん|氏|殿|\b(?:Mr|Ms|Mrs|Miss|Mx|Dr)\b\.?)|"
    r"((?:った|いる|した|の)方(?:の|は|が|に|へ|から))|"
    r"(申込者|申請者|届出人|世帯主|転居先|転入先|転出先|新住所|旧住所|新しいご?住所|実家|自宅|現住所)|"
    + THIRD_PARTY_CUE.pattern
)
# Lines between a facility's name and its number: a postal code, an address, a phone or FAX.
CONTACT_LINE = re.compile(
    r"(〒|\d|電話|TEL|Tel|FAX|Fax|ファクス|住所|所在地|Phone|Address|丁目|番地|[A-Z][a-z]+-(?:ku|shi|cho))"
)
FACILITY_LOOKBACK_LINES = 3
PARENTHESISED = re.compile(r"[（(][^（）()\n]*[）)]")
INDENTED_LINE = re.compile(r"[ \u3000]+\S")
# Staff listed by name after a count of officials ("区の職員2名（柚木・舟橋）で伺います").
STAFF_LIST_BEFORE = re.compile(
    r"(?:(?:職員|担当者?|係員)[0-9０-９一二三四五]*名?|課|係|室"
    # "参加者：市から2名（吉浦、藤崎）": the municipality itself sending officials
    r"|(?<![\u4e00-\u9fff々])(?:市|区|町|村|県|当課|当係)(?:から|より)?[0-9０-９一二三四五]+名)"
    r"[（(][^（）()\n]*$"
)
# A row of a table (CSV or tab-separated): at least two cell separators on the line.
TABLE_ROW = re.compile(r"(?:[,\t][^,\t\n]*){2,}")
CELL_END = re.compile(r"[,\t]")
# A facility that is only the topic of a sentence ("児童館の件は045-…へ") does not own the number.
FACILITY_TOPIC = re.compile(r"(件|について|に関し|問い?合わ?せ|連絡|相談|申し?込|ください|。)")
# ...unless the sentence offers the facility's own service ("ハローワーク奥川（奥川公共職業安定所）
# でもご相談いただけます。"): the contact lines under it are the facility's.
FACILITY_SERVICE = re.compile(
    r"[）)]?[^。\n、]{0,12}?で(?:も|は)?(?:ご相談|相談|お問い?合わ?せ|お申し?込み|お手続き|手続き)"
    r"(?:いただけます|できます|を受け付けています|ください)。?[ \u3000]*$"
    # ... or says where the facility is ("センターは汐見川市民交流プラザの2階にあります。")
    r"|は[^。\n]{0,30}?に(?:あります|ございます|入っています|位置しています)。?[ \u3000]*$"
)
MOBILE = re.compile(r"^(?:0|81)[789]0")
# A number introduced as a phone: "お電話（0979-…）", "（電話 0979-…）", "電話：0979-…".
PHONE_INTRO = re.compile(
    r"(電話|TEL|Tel|☎)(?:番号)?[ \u3000]*[（(：:]?[ \u3000]*$"
    # "…の問い合わせ先は0264-…です", "お問合せ先：…"; "call us at +81 …"
    # "当日の会場へのお問い合わせ：アルプスモール雲雀野 インフォメーション 0267-…"
    r"|(?:問い?合わ?せ|問合せ)先?(?:は|：|:)[^\n0-9０-９]{0,30}$|\b(?:call|phone|reach) us (?:at|on)[ ]*$"
    r"|でんわ(?:ばんごう)?[ \u3000]*[：:]?[ \u3000]*$|\b(?:please |or )?(?:call|phone)(?: us)?(?: at| on)?[ ]*$|\bby phone (?:at|on)[ ]*$",
    re.IGNORECASE,
)
# A phone offered earlier in the line with the number in parentheses at its end:
# "お電話でご予約ください（03-…）", "お電話でお問い合わせください（…）".
# The reader asked to call the number: "保育コンシェルジュ（0267-…）までお電話ください".
# Only in parentheses after the service's name: "児童館の件は011-…へお電話ください" may be anyone's.
PHONE_CALL_AFTER = re.compile(
    r"(?:[、,][^（()）\n]{0,12})?[ \u3000]*[）)][ \u3000]*(?:まで|へ|に)[ \u3000]*"
    r"(?:お電話|ご連絡|お問い?合わ?せ|お問合せ)"
)
PHONE_CUE_PAREN = re.compile(r"(お?電話|TEL|Tel|☎)[^\n（()）]{0,25}[（(][ \u3000]*$")
# The recipient's own phone referred to as theirs: "ご指定いただいたお電話番号（…）",
# "ご登録の電話番号", "あなたの携帯電話".
RECIPIENT_PHONE = re.compile(
    r"(ご指定(?:いただいた|いただきました|の|された)?|ご登録(?:いただいた|いただいている|の|された)?|"
    r"ご記入(?:いただいた|の)|ご記載(?:いただいた|の)|お書き(?:いただいた|の)|ご入力(?:いただいた|の)|"
    r"お知らせいただいた|"
    r"お届け(?:いただいた|の)|ご申告(?:いただいた|の)?|あなたの|あなた様の|お客様の)"
    r"[ \u3000]*(?:ご自宅の|ご連絡先の)?(?:お?電話|携帯|連絡先|TEL|Tel)[^\n。様さん氏]{0,8}$"
    # "いただいたメールに記載のあった 080-…": the number the resident wrote in their mail.
    r"|(?:いただいた|頂いた)(?:メール|お便り|ご連絡)に(?:記載|記入)の(?:あった)?(?:お?電話)?(?:番号)?"
    r"[ \u3000]*[（(]?[ \u3000]*$"
    # "いただいたお電話番号（090-…）へ", "メールにご記載の連絡先（080-…）あてに"
    r"|(?<![様さん氏])(?:いただいた|頂いた|いただきました)[ \u3000]*(?:お?電話番号|携帯(?:電話)?(?:番号)?|ご?連絡先)"
    r"の?[ \u3000]*[（(]?[ \u3000]*$"
    # "お問い合わせの際に伺った 080-…": what the reader told us when they got in touch.
    r"|(?:お問い合わせ|お電話|ご相談|ご来庁|ご来所|お申込み|お申し込み|ご依頼|お申し出|ご申請)"
    r"の(?:際|時|とき)に[ \u3000]*"
    r"(?:伺った|お伺いした|お聞きした|お知らせいただいた|教えていただいた|いただいた|頂いた)[ \u3000]*"
    r"(?:お?電話番号|携帯(?:電話)?(?:番号)?|ご?連絡先)?の?[ \u3000]*"
    # the kind of number may open the brackets: "連絡先（携帯電話 080-…"
    r"(?:[（(][ \u3000]*(?:携帯電話|携帯|お?電話|TEL|Tel)?[ \u3000：:]*)?$"
    # "ご連絡先として伺っている携帯電話（090-…）": what the reader gave us, at the clause's start
    # (not "鈴木様のご連絡先として伺っている…", someone else's)
    r"|(?:^|[、。\s])(?:ご連絡先として)?(?:伺って|お伺いして|お聞きして|お知らせいただいて)"
    r"(?:いる|おります)[ \u3000]*(?:お?電話(?:番号)?|携帯(?:電話)?(?:番号)?|ご?連絡先)の?"
    r"[ \u3000]*[（(]?[ \u3000]*$"
    # "…から、ご連絡先として伺っている 0537-…へ": the number itself, with no noun before it
    r"|(?:^|[、。\s])ご連絡先として(?:伺って|お伺いして|お聞きして|お知らせいただいて)(?:いる|おります)"
    r"[ \u3000]*[（(]?[ \u3000]*$"
    # "おかけする番号：090-…": the number we will call the reader on.
    r"|(?:おかけする|お掛けする|お電話する|ご連絡する|折り返す)(?:お?電話)?番号[ \u3000]*[：:]?[ \u3000]*$"
    r"|(?:メール|お便り|フォーム|申込書|申請書|届出書|封筒|用紙|はがき|書類)に(?:ご)?(?:記載|記入)"
    r"(?:いただいた|の(?:あった)?)(?:ご)?(?:連絡先|お?電話(?:番号)?|携帯(?:電話)?(?:番号)?)"
    r"[ \u3000]*[（(]?[ \u3000]*$"
)
# A number we called or will call, said right after it: "本日お電話（090-…）をおかけしましたが",
# "080-…へ折り返しお電話します" (the reader's, unless a person is named before it).
RECIPIENT_PHONE_AFTER = re.compile(
    r"[ \u3000]*[）)]?[ \u3000]*(?:を|に|へ|あてに|宛てに)?[ \u3000]*"
    r"(?:(?:こちらから|折り返し)[ \u3000]*)?(?:お電話(?:を)?[ \u3000]*)?(?:おかけ|差し上げ|折り返し)"
    r"|[ \u3000]*[）)]?[ \u3000]*(?:に|へ|あてに|宛てに)[ \u3000]*こちらから[ \u3000]*(?:ご連絡|お電話)"
    # "携帯電話（090-…）にお電話してよいとのこと": the reader allowed us to call them there.
    r"|[ \u3000]*[）)]?[ \u3000]*(?:に|へ)[ \u3000]*(?:お電話|ご連絡)(?:を)?(?:して|差し上げて)?(?:も)?"
    r"(?:よい|良い|いい|構わない|かまわない)"
    # "お電話（080-…）にご連絡いたしましたが": a call we made, so the number is the reader's.
    r"|[ \u3000]*[）)]?[ \u3000]*(?:に|へ)[ \u3000]*(?:こちらから[ \u3000]*)?(?:ご連絡|お電話)(?:を)?"
    r"[ \u3000]*(?:いたしました|しました|差し上げました|させていただきました|したのですが|いたしましたが)"
    # "090-…（ご指定の携帯電話）": named theirs in brackets after it.
    r"|[ \u3000]*[（(](?:ご指定|ご登録|ご希望|お知らせいただいた)[^）)\n]{0,10}[）)]"
)
PHONE_CAPTION_LINE = re.compile(
    r"^[ \u3000・]*(?:お?電話|でんわ|TEL|Tel|☎)(?:番号|ばんごう)?[ \u3000]*[：:]?[ \u3000]*$"
)
# Words that make a number someone's rather than the office's, on top of PERSON_MARKER.
# Someone other than the writer on a line of the resident's quoted mail: then a number there
# may be theirs, not the resident's own.
OTHER_PERSON = re.compile(
    # (not inside 大丈夫, 工夫, 様子, 電子, 冊子, 親切 …)
    r"(様|さま|さん|氏|殿|\b(?:Mr|Ms|Mrs|Dr)\b|母|父|妻|(?<![丈工])夫|主人|息子|娘|祖|兄|姉|弟|妹|家族|"
    r"親(?![切睦身])|(?<![様調電原分冊菓帽椅障格粒因扇])子|"
    r"隣|知人|友人|近所|大家|管理会社|業者|my (?:wife|husband|son|daughter|mother|father)|"
    r"\b(?:him|his|her)\b)",
    re.IGNORECASE,
)
PRIVATE_PHONE = re.compile(r"(自宅|携帯|個人|ご家族|ご本人|連絡先は|の方)")
OFFICE_CUE_LOOKBACK_LINES = 3


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
# A product's name in brackets after what it is: 新米「島ひかり」, 品種「つや姫」.
PRODUCT_BEFORE = re.compile(r"(?:新米|米|品種|銘柄|ブランド|返礼品|商品|酒)「$")
# Someone's home named by their role before the reader's honorific word: 「会長のご自宅（…）」,
# 「担当者のご自宅」 (the honorific ご is respect for them, not the reader's own).
OTHERS_HOME = re.compile(
    r"(?:長|員|者|代表|先生|さん|様|氏)の(?:ご自宅|お宅|ご実家|お住まい)[^\n]{0,10}$"
)

# An account held by a public body ("口座名義：十和浜市病院事業管理者", "Account name: Akagino
# City"): where residents pay the office, not anybody's personal account.
ORGANISATION_HOLDER = re.compile(
    r"(?:口座名義人?|名義人?|受取人|account (?:holder|name)|payee)[ \u3000]*[：:]?[ \u3000]*[^\n（(]*?"
    r"(?:病院|管理者|会計管理者|役所|役場|協会|組合|法人|株式会社|㈱|公社|事業団|センター|委員会|"
    r"[市町村区県都府](?:長|役所|役場)?(?=[ \u3000（(、,]|$)|"
    r"\b(?:City|Town|Village|Ward|Prefecture|Hospital|Association|Corporation)\b)"
    # "口座名義 浜田南区 会計 勝間田浩二": a hamlet's account in its treasurer's own name.
    r"(?![ \u3000]*(?:会計(?!管理者)|会長|代表者?|理事長|支部長|班長|世話人)[ \u3000]*[^\s])",
    re.IGNORECASE | re.MULTILINE,
)
HOLDER_REACH_LINES = 2

# A name that is only an example: on a form's sample (「氏名：杜和田 はなこ（記入例）」, a
# 「（記入例）」 heading over the lines) or in a paragraph that says its people are made up
# (「架空の家族「潮田家」を例にご説明します」).
SAMPLE_CUE = re.compile(
    r"(記入例|記載例|入力例|見本|サンプル|\bsample\b|\(example\))", re.IGNORECASE
)
FICTIONAL_CUE = re.compile(
    r"(架空の|仮名の|仮の(?:名前|氏名)|\b(?:fictional|fictitious|made-up)\b)", re.IGNORECASE
)
SAMPLE_LOOKBACK_LINES = 6

# Someone's boss or colleague at their own workplace, titled like our officials
# (「職場の上司である井上 誠課長から」): not our staff.
OTHER_WORKPLACE_BEFORE = re.compile(
    r"(?:(?:職場|勤務先|勤め先|会社|パート先|アルバイト先|バイト先)の|上司|同僚)[^。\n]{0,10}$"
)

# The author of a published work (「斎藤隆介さんの『モチモチの木』」, 「宮沢賢治作『注文の多い料理店』」):
# a public figure, named for the work.
WORK_AUTHOR_AFTER = re.compile(
    r"[ \u3000]?(?:さん|氏|先生)?(?:の|作の?|著の?|作詞の?|原作の?)[ \u3000]*『"
)

"""Web inbox at scale: page latency at 10,000 and 1,000,000 messages, SQLite and PostgreSQL.

What it measures
    For every engine (``--engines``) and size (``--sizes``, messages) the bench fills a fresh
    database: SQLite (a file under a temporary directory, or ``--db-dir``) and PostgreSQL (a new
    database on ``MAILGATE_TEST_PG_URL``'s server, dropped at the end). Migrations run first
    (``mailgate.db.upgrade``), so every production index, trigger and constraint is in place
    while loading; then ANALYZE (PostgreSQL: ``VACUUM (ANALYZE)``, which also does what
    autovacuum would otherwise start in the middle of the measurement).

    The mail is synthetic but shaped like a ward office's: 20 departments of unequal size
    (department 1, measured, is the busiest with 10 % of the mail), 100,000 counterparts per
    million messages (scaled down proportionally, each with at least one thread, a few
    residents writing often), threads of 1-6 messages, inbound and outbound mixed, thread
    states by age (open work is recent), ``last_message_at`` spread over two years, ids in
    arrival order. Subjects and bodies are Japanese, a few hundred characters, assembled from
    ≈ 100 department topics, names, places, dates and phrases; a few rare words (ハクビシン,
    擁壁, ...) appear in about one message in 2,500 each. Sent replies carry an approval,
    replies quote the resident, a few mails have an attachment or an HTML part.

    Loading: SQLAlchemy Core executemany in batches of ``--batch`` rows, a commit every
    ``--commit-every`` messages (SQLite: with the FTS5 trigram triggers of migration 0004 in
    place, as in production); PostgreSQL: COPY through psycopg's ``cursor.copy`` into the
    tables with their pg_trgm GIN indexes in place. Load time is reported per table.

    Then, for each page, ``--requests`` requests (after ``--warmup`` untimed ones), interleaved
    across sizes (request i goes to every size before request i+1, so drift on a shared machine
    hits every size alike):

    inbox          GET /departments/1/inbox                    the first page
    inbox_deep     the same page with a keyset cursor at a random thread 25-75 % deep
    thread         GET /threads/{id}                           a random thread of department 1
    counterpart    GET /departments/1/counterparts/{address}   a random counterpart's history
                   (drawn by message, so busy residents come up as often as they write)
    search3        GET /departments/1/inbox?q=<term>           common terms of 3+ characters
    search3_rare   the same with rare terms (FTS5 trigram / pg_trgm have few hits)
    search3_elsewhere  terms common in other departments' mail and absent from this one's
    search2        the same with common 2-character terms (the "grams" index of migration 0007)
    search2_rare   the same with rare 2-character terms: few hits anywhere

    Over HTTP against the real app: ``mailgate serve --role web`` in its own process per
    database, signed in as a staff member of department 1 with httpx (keep-alive); the time is
    until the whole page is read. Each page is also timed as the query function the route
    calls, in the bench process (``mailgate.mailbox``: list_threads, counterpart_history,
    search; for the thread page, the route's own reads), so the database's share is visible.
    A page whose route is missing (404) or does not show what its function returns (a stub) is
    reported by function only, with the reason (``via`` and ``not_over_http``).

How to read it
    p50/p95   milliseconds per request (HTTP: until the whole body is read)
    ratio     p50 at the largest size / p50 at the smallest size (p95 ratio beside it).
              Goal of issue 4: at 1,000,000 no page more than 2x slower than at 10,000
              (judged on p50).
    load      seconds to fill each database, rows per second, and ANALYZE time

Run from the repository root::

    .venv/bin/python bench/inbox_scale.py                                   # 10k and 1M, both
    .venv/bin/python bench/inbox_scale.py --sizes 10000,100000 --engines sqlite
    .venv/bin/python bench/inbox_scale.py --sizes 300 --requests 5 --json   # smoke size
    .venv/bin/python bench/inbox_scale.py --db-dir /tmp/scale --keep        # keep the databases
    .venv/bin/python bench/inbox_scale.py --db-dir /tmp/scale --reuse --explain   # measure again
    .venv/bin/python bench/inbox_scale.py --db-dir /tmp/scale --reuse --preload change.py \
        --out /tmp/with-change.json     # a proposed change to mailgate.mailbox, before making it

``--keep`` leaves the databases (SQLite files in ``--db-dir``, PostgreSQL databases named
``inbox_scale_<size>``) for ``--reuse``; drop them afterwards with ``--drop``. ``--explain``
adds the plan of every statement each page's function runs (EXPLAIN QUERY PLAN / EXPLAIN
ANALYZE) to the JSON report. ``--preload FILE`` runs FILE in the bench and in each web server
before mailgate's routes are imported, so it can replace ``mailgate.mailbox`` functions.
The report goes to ``bench/results/inbox_scale-<date>.json`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("sqlite", "postgresql")
PAGES = (
    "inbox",
    "inbox_deep",
    "thread",
    "counterpart",
    "search3",
    "search3_rare",
    "search3_elsewhere",
    "search2",
    "search2_rare",
)
PG_ADMIN_URL = os.environ.get(
    "MAILGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
HOST = "127.0.0.1"
DOMAIN = "mail.example-city.lg.jp"
PASSWORD = "bench-password-not-secret"
SECRET = "bench-secret-key-for-inbox-scale"
USERNAME = "bench-staff"
MEASURED_DEPARTMENT = 1  # the busiest department
PAGE_SIZE = 50  # the web's default (web.page_size)
COUNTERPARTS_PER_MESSAGE = 100_000 / 1_000_000

# ---------------------------------------------------------------- vocabulary

# (slug, name, topics): department 1 first; weights below give each its share of the mail.
DEPARTMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "kosodate",
        "子育て支援課",
        ("保育園", "児童手当", "一時預かり", "学童保育", "子ども医療費助成", "病児保育"),
    ),
    (
        "kankyo",
        "環境保全課",
        ("粗大ごみ", "資源回収", "不法投棄", "工事の騒音", "野焼き", "外来生物"),
    ),
    (
        "shimin",
        "市民課",
        ("住民票の写し", "印鑑登録", "転入届", "マイナンバーカード", "戸籍謄本", "転出証明書"),
    ),
    ("hoken", "保険年金課", ("国民健康保険", "国民年金", "保険料の減免", "高額療養費", "特定健診")),
    (
        "kaigo",
        "介護保険課",
        ("要介護認定", "介護保険料", "デイサービス", "福祉用具貸与", "住宅改修費"),
    ),
    ("fukushi", "福祉課", ("生活保護", "障害者手帳", "就労支援", "補装具", "福祉タクシー券")),
    ("kenko", "健康推進課", ("予防接種", "がん検診", "乳幼児健診", "健康相談", "母子健康手帳")),
    ("zeimu", "税務課", ("住民税", "固定資産税", "軽自動車税", "納税証明書", "口座振替")),
    ("doro", "道路管理課", ("道路の陥没", "街路灯", "カーブミラー", "側溝の清掃", "放置自転車")),
    (
        "koen",
        "公園緑地課",
        ("公園の遊具", "街路樹の剪定", "草刈り", "公園の使用許可", "ボール遊び"),
    ),
    ("toshi", "都市計画課", ("建築確認", "開発許可", "用途地域", "景観条例", "空き家対策")),
    ("gakko", "学校教育課", ("就学援助", "通学路", "学校給食", "転校手続き", "特別支援学級")),
    (
        "shogai",
        "生涯学習課",
        ("公民館の予約", "図書館", "生涯学習講座", "市民文化祭", "スポーツ教室"),
    ),
    ("bosai", "防災危機管理課", ("避難所", "ハザードマップ", "防災行政無線", "備蓄品", "防災訓練")),
    (
        "kotsu",
        "交通政策課",
        ("コミュニティバス", "駐輪場", "交通安全教室", "バス停", "運転免許の返納"),
    ),
    ("sangyo", "産業振興課", ("創業支援", "商店街の催し", "中小企業融資", "観光案内", "農業体験")),
    ("jutaku", "住宅課", ("市営住宅", "家賃補助", "入居申込", "住宅リフォーム助成", "耐震診断")),
    ("suido", "上下水道課", ("水道料金", "漏水", "下水道使用料", "水道の開栓", "浄化槽")),
    ("koho", "広報課", ("広報紙", "市のホームページ", "市政への意見", "取材の申込", "公式SNS")),
    (
        "somu",
        "総務課",
        ("情報公開請求", "個人情報の開示", "庁舎の駐車場", "職員の対応", "市長への手紙"),
    ),
)
DEPARTMENT_WEIGHTS = (10, 8, 8, 7, 6, 6, 5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 2, 1)
SURNAMES = (
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
    ("伊藤", "ito"), ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"),
    ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("山田", "yamada"),
    ("佐々木", "sasaki"), ("山口", "yamaguchi"), ("松本", "matsumoto"), ("井上", "inoue"),
    ("木村", "kimura"), ("林", "hayashi"), ("斎藤", "saito"), ("清水", "shimizu"),
    ("山崎", "yamazaki"), ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"),
    ("阿部", "abe"), ("石川", "ishikawa"), ("山下", "yamashita"), ("中島", "nakajima"),
    ("石井", "ishii"), ("小川", "ogawa"), ("前田", "maeda"), ("岡田", "okada"),
    ("長谷川", "hasegawa"), ("藤田", "fujita"), ("後藤", "goto"), ("近藤", "kondo"),
    ("村上", "murakami"), ("遠藤", "endo"), ("青木", "aoki"), ("坂本", "sakamoto"),
    ("斉藤", "saito"), ("福田", "fukuda"), ("太田", "ota"), ("西村", "nishimura"),
    ("藤井", "fujii"), ("金子", "kaneko"), ("岡本", "okamoto"), ("藤原", "fujiwara"),
    ("中野", "nakano"), ("三浦", "miura"), ("原田", "harada"), ("中川", "nakagawa"),
    ("松田", "matsuda"), ("竹内", "takeuchi"), ("小野", "ono"), ("田村", "tamura"),
    ("中山", "nakayama"), ("和田", "wada"), ("石田", "ishida"), ("森田", "morita"),
    ("上田", "ueda"), ("原", "hara"), ("内田", "uchida"), ("柴田", "shibata"),
    ("酒井", "sakai"), ("宮崎", "miyazaki"), ("横山", "yokoyama"), ("高木", "takagi"),
    ("安藤", "ando"), ("宮本", "miyamoto"), ("大野", "ono"), ("小島", "kojima"),
    ("工藤", "kudo"), ("谷口", "taniguchi"), ("今井", "imai"), ("高田", "takada"),
    ("丸山", "maruyama"), ("増田", "masuda"), ("杉山", "sugiyama"), ("村田", "murata"),
)  # fmt: skip
GIVEN_NAMES = (
    ("太郎", "taro"), ("花子", "hanako"), ("健一", "kenichi"), ("美咲", "misaki"),
    ("翔太", "shota"), ("陽子", "yoko"), ("大輔", "daisuke"), ("由美", "yumi"),
    ("直樹", "naoki"), ("恵子", "keiko"), ("拓也", "takuya"), ("真由美", "mayumi"),
    ("誠", "makoto"), ("智子", "tomoko"), ("浩", "hiroshi"), ("裕子", "yuko"),
    ("隆", "takashi"), ("明美", "akemi"), ("修", "osamu"), ("久美子", "kumiko"),
    ("悠斗", "yuto"), ("結衣", "yui"), ("蓮", "ren"), ("陽菜", "hina"),
    ("和也", "kazuya"), ("奈々", "nana"), ("亮", "ryo"), ("彩", "aya"),
    ("正人", "masato"), ("幸子", "sachiko"), ("勇気", "yuki"), ("千尋", "chihiro"),
    ("光男", "mitsuo"), ("節子", "setsuko"), ("健太", "kenta"), ("麻衣", "mai"),
)  # fmt: skip
MAIL_DOMAINS = (
    "example.jp", "example.ne.jp", "example.co.jp", "example.com", "example.or.jp",
    "mail.example.net", "example.ac.jp", "docomo.example.jp", "ezweb.example.jp",
)  # fmt: skip
PLACES = (
    "桜町", "緑が丘", "本町", "東町", "西川", "南台", "北山", "旭町", "中央", "若葉台",
    "青葉町", "栄町", "宮前", "松原", "川端", "富士見", "日の出町", "柳町", "大通", "港町",
    "梅園", "鶴見台", "泉町", "新田", "城山", "杉並台", "千代田町", "花園", "高砂", "平和台",
)  # fmt: skip
FACILITIES = (
    "本庁舎1階の総合窓口", "北部支所", "南部出張所", "市民センター", "保健センター",
    "子育て支援センター", "中央図書館", "第二庁舎", "駅前サービスコーナー", "清掃事務所",
    "地域包括支援センター", "東部公民館",
)  # fmt: skip
WEEKDAYS = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日")
GREETINGS_IN = (
    "{dept} 御中",
    "{dept} ご担当者様",
    "ご担当者様",
    "{dept}の皆様",
    "お世話になります。",
)
QUESTIONS = (
    "{kw}について教えてください。",
    "{kw}の手続きに必要な書類を教えていただけますか。",
    "{place}{n}丁目に住んでいる者です。{kw}についてお伺いします。",
    "先日お電話で{kw}の件をご相談した{surname}です。",
    "{kw}の申請はオンラインでもできますか。",
    "{date}までに{kw}の手続きを済ませる必要があると聞きましたが、間に合いますか。",
    "{kw}の対象になるかどうか確認したいです。",
    "窓口の受付時間と、{kw}に必要な持ち物を教えてください。",
    "{kw}と{kw2}は同時に申し込めますか。",
    "昨年も{kw}を利用しましたが、今年も同じ手続きが必要でしょうか。",
    "広報紙で{kw}の記事を読みました。詳しい内容を知りたいです。",
    "{kw}について、{facility}でも相談できると聞きました。本当でしょうか。",
    "家族の代理で{kw}の手続きをしたいのですが、委任状は必要ですか。",
    "{kw}の件で、書類を郵送しても差し支えないでしょうか。",
    "ホームページを見てもよく分からなかったので、{kw}について問い合わせます。",
    "{kw}の費用はどのくらいかかりますか。",
    "{date}に{facility}へ伺う予定です。{kw}の相談も可能でしょうか。",
    "{kw}の結果はいつ頃分かりますか。",
    "前回いただいた回答について、{kw}の部分をもう少し詳しく知りたいです。",
    "{place}周辺で{kw}に関する案内を見かけましたが、市の事業でしょうか。",
)
CONTEXT = (
    "平日は仕事のため、日中は電話に出られません。",
    "子どもが{n}人おり、上の子は小学{grade}年生です。",
    "{month}月に{place}へ引っ越してきたばかりです。",
    "高齢の母と二人で暮らしています。",
    "急ぎではありませんが、よろしくお願いいたします。",
    "以前にも問い合わせましたが、まだ回答をいただいていません。",
    "お忙しいところ恐れ入りますが、ご確認ください。",
    "メールでの回答で構いません。",
    "添付の書類をご確認ください。",
    "近所の方からも同じ話を聞きました。",
    "できれば{weekday}の午前中に窓口へ伺いたいと考えています。",
    "昨日の夕方、{place}付近で気づきました。",
    "車椅子を利用しているため、駐車場の場所も教えてください。",
    "夫が単身赴任中のため、私が代わりに連絡しています。",
    "{month}月{day}日に届いた通知の内容がよく分かりませんでした。",
    "電話がなかなかつながらないので、メールで失礼します。",
    "知人から{facility}で聞くように言われました。",
    "回答は{weekday}以降でも大丈夫です。",
)
RARE_SENTENCES = (
    "それから、{rare}の件はどこに相談すればよいでしょうか。",
    "ついでにお聞きしますが、{rare}についても教えてください。",
    "自宅の近くで{rare}のことが気になっています。",
)
# Rare words: each in about one message in 2,500 (RARE_RATE / len). None appears elsewhere.
RARE_WORDS = (
    "ハクビシン", "不発弾", "スズメバチ", "空き家バンク", "狂犬病", "雨水浸透ます",
    "献血バス", "液状化", "擁壁", "猟銃", "蜂蜜", "鷺草",
)  # fmt: skip
RARE_RATE = 0.0048
CLOSINGS_IN = (
    "よろしくお願いいたします。",
    "お手数ですが、ご回答をお願いします。",
    "どうぞよろしくお願いします。",
    "ご検討のほど、よろしくお願い申し上げます。",
)
ANSWERS = (
    "{kw}については、{facility}の窓口で受け付けております。",
    "{kw}の申請には、本人確認書類と印鑑が必要です。",
    "{date}までに申請書をご提出いただければ、手続きは間に合います。",
    "{kw}はオンライン申請にも対応しております。市のホームページからお手続きください。",
    "ご指摘の件は、担当者が{date}に現地を確認いたします。",
    "{kw}の対象となるかどうかは、世帯の状況により異なります。",
    "詳しくは{dept}(内線{ext})までお問い合わせください。",
    "郵送での提出も可能です。返信用封筒を同封してください。",
    "代理の方が手続きされる場合は委任状が必要です。",
    "手数料は{amount}円です。",
    "受付時間は平日の午前8時30分から午後5時15分までです。",
    "ご不便をおかけして申し訳ございません。",
    "{kw}と{kw2}は同じ窓口でまとめて受け付けております。",
    "必要な書類は{facility}でもお受け取りいただけます。",
    "審査の結果は、{month}月中旬に郵送でお知らせします。",
    "{kw}の詳細は、広報紙{month}月号にも掲載しております。",
)
CLOSINGS_OUT = (
    "引き続きよろしくお願いいたします。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "今後ともよろしくお願い申し上げます。",
)
SUBJECTS = (
    "{kw}について",
    "{kw}の件",
    "{kw}に関する問い合わせ",
    "【質問】{kw}",
    "{kw}の手続きについて",
    "{place}の{kw}について",
    "{kw}(ご相談)",
    "{kw}について教えてください",
    "{kw}の申請について",
)
ATTACHMENTS = (
    ("申請書.pdf", "application/pdf"),
    ("写真.jpg", "image/jpeg"),
    ("委任状.pdf", "application/pdf"),
    ("見積書.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
# Search terms for department 1 (子育て支援課). Common: its topics and words of the templates;
# rare: RARE_WORDS (matches grow with the size, ≈ 1 in 2,500 messages each); elsewhere: other
# departments' topics, frequent in the mail as a whole but absent from department 1's.
SEARCH_TERMS = {
    "search3": ("保育園", "児童手当", "一時預かり", "委任状", "ホームページ", "手続き"),
    "search3_rare": ("ハクビシン", "不発弾", "スズメバチ", "空き家バンク", "雨水浸透ます"),
    "search3_elsewhere": ("粗大ごみ", "固定資産税", "要介護認定", "マイナンバーカード"),
    "search2": ("保育", "申請", "窓口", "書類", "手当"),
    "search2_rare": ("擁壁", "猟銃", "蜂蜜", "鷺草"),
}

# Thread states: recent threads are still open, older ones mostly done.
STATES_RECENT = (
    ("new", 30), ("in_progress", 25), ("waiting", 15), ("blocked", 5), ("failed", 2),
    ("sent", 13), ("done", 10),
)  # fmt: skip
STATES_OLD = (
    ("new", 1), ("in_progress", 1), ("waiting", 1), ("blocked", 1), ("failed", 1),
    ("sent", 15), ("done", 80),
)  # fmt: skip
THREAD_LENGTHS = ((1, 35), (2, 25), (3, 17), (4, 11), (5, 7), (6, 5))
RECENT_DAYS = 30
SPAN_DAYS = 730


def _weighted(table: tuple[tuple[Any, int], ...]) -> tuple[list[Any], list[int]]:
    return [v for v, _ in table], [w for _, w in table]


# ---------------------------------------------------------------- the plan


@dataclass
class Plan:
    """Everything but the text, in id order: ids are ranks by time, as in production."""

    size: int
    seed: int
    end: dt.datetime
    # counterparts: (department index, surname index, given index, address), by first contact
    counterparts: list[tuple[int, int, int, str]]
    # threads by first message: department index, counterpart id, topic, subject, state,
    # assignee slot (-1 none), first and last message time (epoch seconds), message count
    threads: list[tuple[int, int, int, str, str, int, float, float, int]]
    # messages by time: (time, thread id, position in thread, direction, state)
    messages: list[tuple[float, int, int, str, str]]


def make_plan(size: int, seed: int) -> Plan:
    rng = random.Random(seed)
    end = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    end_s = end.timestamp()
    start_s = end_s - SPAN_DAYS * 86400
    total_w = sum(DEPARTMENT_WEIGHTS)
    n_cp = [
        max(1, round(size * COUNTERPARTS_PER_MESSAGE * w / total_w)) for w in DEPARTMENT_WEIGHTS
    ]
    lengths, length_w = _weighted(THREAD_LENGTHS)
    recent_states, recent_w = _weighted(STATES_RECENT)
    old_states, old_w = _weighted(STATES_OLD)
    dept_idx = list(range(len(DEPARTMENTS)))

    raw_threads = []  # (first time, dept, cp local, topic, state, times, directions)
    used_cp = [0] * len(DEPARTMENTS)  # counterparts given their first thread so far
    remaining = size
    while remaining > 0:
        d = rng.choices(dept_idx, DEPARTMENT_WEIGHTS)[0]
        k = min(rng.choices(lengths, length_w)[0], remaining)
        remaining -= k
        if used_cp[d] < n_cp[d]:  # every counterpart has written at least once
            cp = used_cp[d]
            used_cp[d] += 1
        else:  # then a few residents write often
            cp = int(n_cp[d] * rng.random() ** 2.5)
        gaps = [rng.expovariate(1 / 86400) + 600 for _ in range(k - 1)]
        t0 = rng.uniform(start_s, end_s - sum(gaps))
        times = [t0]
        for g in gaps:
            times.append(times[-1] + g)
        if end_s - times[-1] < RECENT_DAYS * 86400:
            state = rng.choices(recent_states, recent_w)[0]
        else:
            state = rng.choices(old_states, old_w)[0]
        first_in = rng.random() < 0.9
        directions = ["inbound" if (i % 2 == 0) == first_in else "outbound" for i in range(k)]
        if state == "new":
            directions[-1] = "inbound"
        elif state in ("in_progress", "waiting", "blocked", "failed", "sent"):
            directions[-1] = "outbound"
        topic = rng.randrange(len(DEPARTMENTS[d][2]))
        raw_threads.append((t0, d, cp, topic, state, times, directions))

    # Counterpart ids by first contact.
    first_contact: dict[tuple[int, int], float] = {}
    for t0, d, cp, *_ in raw_threads:
        key = (d, cp)
        if key not in first_contact or t0 < first_contact[key]:
            first_contact[key] = t0
    cp_order = sorted(first_contact, key=lambda key: first_contact[key])
    cp_id = {key: i + 1 for i, key in enumerate(cp_order)}
    counterparts = []
    for n, (d, _cp) in enumerate(cp_order):
        s = rng.randrange(len(SURNAMES))
        g = rng.randrange(len(GIVEN_NAMES))
        local = f"{GIVEN_NAMES[g][1]}.{SURNAMES[s][1]}{n % 1000}"
        address = f"{local}.{n}@{MAIL_DOMAINS[n % len(MAIL_DOMAINS)]}"
        counterparts.append((d, s, g, address))

    raw_threads.sort(key=lambda t: t[0])
    threads = []
    messages = []
    for tid, (t0, d, cp, topic, state, times, directions) in enumerate(raw_threads, start=1):
        kw = DEPARTMENTS[d][2][topic]
        subject = rng.choice(SUBJECTS).format(kw=kw, place=rng.choice(PLACES))
        assignee = -1 if state == "new" or rng.random() < 0.2 else rng.randrange(4)
        threads.append(
            (d, cp_id[(d, cp)], topic, subject, state, assignee, t0, times[-1], len(times))
        )
        for pos, (t, direction) in enumerate(zip(times, directions, strict=True)):
            if direction == "inbound":
                mstate = "received"
            elif pos < len(times) - 1 - directions[::-1].index("outbound") or state in (
                "sent",
                "done",
            ):
                mstate = "sent"
            else:  # the thread's last outbound message carries the thread's open state
                mstate = {
                    "in_progress": "draft",
                    "waiting": "pending_approval",
                    "blocked": "blocked",
                    "failed": "failed",
                }.get(state, "sent")
            messages.append((t, tid, pos, direction, mstate))
    messages.sort(key=lambda m: (m[0], m[1], m[2]))
    return Plan(size, seed, end, counterparts, threads, messages)


# ---------------------------------------------------------------- the text


def _fill(rng: random.Random, template: str, ctx: dict[str, str]) -> str:
    values = dict(ctx)
    values.setdefault("n", str(rng.randint(1, 9)))
    return template.format(
        place=rng.choice(PLACES),
        facility=rng.choice(FACILITIES),
        date=f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        month=str(rng.randint(1, 12)),
        day=str(rng.randint(1, 28)),
        grade=str(rng.randint(1, 6)),
        weekday=rng.choice(WEEKDAYS),
        ext=str(rng.randint(2000, 2999)),
        amount=f"{rng.choice((200, 300, 350, 400, 1000, 1500)):,}",
        **values,
    )


def inbound_body(rng: random.Random, dept: str, kw: str, kw2: str, name: str) -> str:
    surname = name.split(" ")[0]
    ctx = {"dept": dept, "kw": kw, "kw2": kw2, "surname": surname}
    lines = [_fill(rng, rng.choice(GREETINGS_IN), ctx), ""]
    lines.append(_fill(rng, rng.choice(QUESTIONS), ctx))
    for _ in range(rng.randint(2, 4)):
        lines.append(_fill(rng, rng.choice(CONTEXT + QUESTIONS), ctx))
    if rng.random() < RARE_RATE:
        lines.append(
            _fill(rng, rng.choice(RARE_SENTENCES), {**ctx, "rare": rng.choice(RARE_WORDS)})
        )
    lines += ["", rng.choice(CLOSINGS_IN), "", name]
    if rng.random() < 0.3:
        lines.append(f"{rng.choice(PLACES)}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番")
    if rng.random() < 0.4:
        lines.append(f"電話 090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}")
    return "\n".join(lines) + "\n"


def outbound_body(
    rng: random.Random, dept: str, kw: str, kw2: str, name: str, staff: str, quoted: str
) -> str:
    ctx = {"dept": dept, "kw": kw, "kw2": kw2, "surname": name.split(" ")[0]}
    lines = [
        f"{name} 様",
        "",
        f"{dept}の{staff}です。",
        "お問い合わせいただきありがとうございます。",
        "",
    ]
    for _ in range(rng.randint(2, 5)):
        lines.append(_fill(rng, rng.choice(ANSWERS), ctx))
    lines += ["", rng.choice(CLOSINGS_OUT), "", "――――――――――――――――"]
    lines += [f"{dept} {staff}", f"電話 03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"]
    if quoted:
        lines.append("")
        lines += ["> " + line for line in quoted.splitlines()[2:5]]
    return "\n".join(lines) + "\n"


def html_of(text: str) -> str:
    from html import escape

    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return f'<html><body><div style="font-family: sans-serif">{paragraphs}</div></body></html>'


# ---------------------------------------------------------------- rows


@dataclass
class Directory:
    """Ids of what the bench creates through mailgate's own functions."""

    departments: list[int]  # by department index
    addresses: list[str]
    staff: list[list[int]]  # four staff user ids per department index
    supervisors: list[int]
    bench_user: int


def _ts(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _verdict(blocked: bool) -> dict[str, Any]:
    from mailgate.policy.findings import Finding, Reason, Role, Verdict

    findings = []
    if blocked:
        findings.append(
            Finding(
                rule="personal_data",
                reason=Reason.PERSONAL_DATA,
                entity_type="PHONE_NUMBER",
                location="body",
                start=40,
                end=53,
                text="090-1234-5678",
                role=Role.THIRD_PARTY,
                explanation_ja="第三者の電話番号が含まれています。",
                explanation_en="The message contains a third party's phone number.",
            )
        )
    verdict = Verdict(
        verdict="block" if blocked else "allow",
        reasons=[Reason.PERSONAL_DATA] if blocked else [],
        findings=findings,
        policy_version="bench",
    )
    return verdict.to_dict()


@dataclass
class RowSource:
    plan: Plan
    directory: Directory
    rng: random.Random = field(init=False)
    attachment_blobs: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.plan.seed + 1)

    def blobs(self) -> list[dict[str, Any]]:
        rows = []
        blob_rng = random.Random(self.plan.seed + 2)
        for _ in range(24):
            data = blob_rng.randbytes(blob_rng.randint(2_000, 12_000))
            digest = hashlib.sha256(data).hexdigest()
            rows.append({"sha256": digest, "size": len(data), "data": data})
            self.attachment_blobs.append((digest, len(data)))
        return rows

    def counterparts(self) -> Iterator[dict[str, Any]]:
        first: dict[int, float] = {}
        last: dict[int, float] = {}
        for th in self.plan.threads:
            cp = th[1]
            first[cp] = min(first.get(cp, th[6]), th[6])
            last[cp] = max(last.get(cp, th[7]), th[7])
        for cid, (d, s, g, address) in enumerate(self.plan.counterparts, start=1):
            yield {
                "id": cid,
                "department_id": self.directory.departments[d],
                "address": address,
                "display_name": f"{SURNAMES[s][0]} {GIVEN_NAMES[g][0]}",
                "created_at": _ts(first[cid]),
                "last_message_at": _ts(last[cid]),
            }

    def threads(self) -> Iterator[dict[str, Any]]:
        from mailgate.mail.threading import normalise_subject

        for tid, (d, cp, _topic, subject, state, assignee, t0, t1, _k) in enumerate(
            self.plan.threads, start=1
        ):
            yield {
                "id": tid,
                "department_id": self.directory.departments[d],
                "counterpart_id": cp,
                "subject": subject,
                "subject_key": normalise_subject(subject)[:500],
                "status": "done" if state == "done" else "open",
                "state": state,
                "assignee_id": None if assignee < 0 else self.directory.staff[d][assignee],
                "created_at": _ts(t0),
                "last_message_at": _ts(t1),
            }

    def messages(self) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, dict | None]]:
        """(message, approval or None, attachment or None) in id order."""
        rng = self.rng
        plan, directory = self.plan, self.directory
        blocked_report = _verdict(True)
        allow_report = _verdict(False)
        last_inbound: dict[int, str] = {}  # thread id -> last inbound body (for quoting)
        for mid, (t, tid, pos, direction, mstate) in enumerate(plan.messages, start=1):
            d, cp, topic, subject, _state, assignee, _t0, _t1, _k = plan.threads[tid - 1]
            slug, dept, topics = DEPARTMENTS[d]
            dept_address = directory.addresses[d]
            _dcp, s, g, cp_address = plan.counterparts[cp - 1]
            name = f"{SURNAMES[s][0]} {GIVEN_NAMES[g][0]}"
            kw = topics[topic]
            kw2 = rng.choice(topics)
            staff_slot = assignee if assignee >= 0 else rng.randrange(4)
            staff_id = directory.staff[d][staff_slot]
            created = _ts(t)
            msg_id = f"<{tid:x}.{pos}.{slug}@{'example.jp' if direction == 'inbound' else DOMAIN}>"
            refs = [f"<{tid:x}.{p}.{slug}@x>" for p in range(max(0, pos - 3), pos)]
            if direction == "inbound":
                body = inbound_body(rng, dept, kw, kw2, name)
                last_inbound[tid] = body
                sender, sender_name, to = cp_address, name, [dept_address]
            else:
                staff = SURNAMES[(staff_id * 7) % len(SURNAMES)][0]
                body = outbound_body(rng, dept, kw, kw2, name, staff, last_inbound.get(tid, ""))
                sender, sender_name, to = dept_address, dept, [cp_address]
            subj = subject if pos == 0 else f"Re: {subject}"
            html = html_of(body) if direction == "inbound" and rng.random() < 0.1 else ""
            outbound = direction == "outbound"
            submitted = outbound and mstate != "draft"
            message = {
                "id": mid,
                "department_id": directory.departments[d],
                "thread_id": tid,
                "counterpart_id": cp,
                "direction": direction,
                "state": mstate,
                "message_id_header": msg_id,
                "dedupe_key": msg_id,
                "in_reply_to": refs[-1] if refs else "",
                "references": refs,
                "subject": subj,
                "from_address": sender,
                "from_name": sender_name,
                "to_addresses": to,
                "cc_addresses": [],
                "bcc_addresses": [],
                "date": created,
                "headers": [
                    ["From", f"{sender_name} <{sender}>"],
                    ["To", to[0]],
                    ["Subject", subj],
                    ["Message-ID", msg_id],
                ],
                "text_body": body,
                "html_body": html,
                "raw_sha256": None,
                "size": len(body.encode()) + len(html.encode()) + 400,
                "parse_warnings": [],
                "author_id": staff_id if outbound else None,
                "last_editor_id": staff_id if outbound else None,
                "submitted_at": created - dt.timedelta(minutes=20) if submitted else None,
                "policy_report": (blocked_report if mstate == "blocked" else allow_report)
                if submitted
                else None,
                "created_at": created,
            }
            approval = None
            if outbound and mstate in ("sent", "failed"):
                approval = {
                    "message_pk": mid,
                    "actor_id": directory.supervisors[d],
                    "decision": "approved",
                    "comment": "",
                    "content_hash": hashlib.sha256(msg_id.encode()).hexdigest(),
                    "policy_version": "bench",
                    "at": created - dt.timedelta(minutes=5),
                }
            attachment = None
            if direction == "inbound" and rng.random() < 0.04:
                digest, size = self.attachment_blobs[rng.randrange(len(self.attachment_blobs))]
                filename, ctype = rng.choice(ATTACHMENTS)
                attachment = {
                    "message_pk": mid,
                    "filename": filename,
                    "content_type": ctype,
                    "size": size,
                    "sha256": digest,
                }
            if len(last_inbound) > 200_000:  # bound memory: old threads are rarely answered
                for key in list(last_inbound)[:100_000]:
                    del last_inbound[key]
            yield message, approval, attachment


# ---------------------------------------------------------------- databases


@dataclass
class Database:
    kind: str  # sqlite | postgresql
    size: int
    url: str
    pg_name: str = ""
    path: Path | None = None
    load: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.size:,}"


def _pg_admin() -> Any:
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_exists(name: str) -> bool:
    from sqlalchemy import text

    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).scalar()
            )
    finally:
        admin.dispose()


def database_for(kind: str, size: int, db_dir: Path, named: bool) -> Database:
    """Where this engine's database of this size lives (nothing is created here)."""
    if kind == "sqlite":
        path = db_dir / f"inbox_scale-{size}.db"
        return Database(kind, size, f"sqlite:///{path}", path=path)
    name = f"inbox_scale_{size}" if named else f"inbox_scale_{size}_{os.getpid()}"
    return Database(kind, size, f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}", pg_name=name)


def drop_database(db: Database) -> None:
    from sqlalchemy import text

    if db.kind == "sqlite":
        assert db.path is not None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db.path}{suffix}").unlink(missing_ok=True)
        return
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db.pg_name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def create_database(db: Database) -> None:
    from sqlalchemy import text

    drop_database(db)
    if db.kind == "postgresql":
        admin = _pg_admin()
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{db.pg_name}"'))
        finally:
            admin.dispose()


def setup_directory(engine: Any) -> Directory:
    """Departments and users through mailgate's own functions (audit events included)."""
    from mailgate.db import session_scope
    from mailgate.directory import add_department, add_user
    from mailgate.models import Role
    from mailgate.passwords import hash_password

    password_hash = hash_password(PASSWORD)
    with session_scope(engine) as session:
        for slug, name, _topics in DEPARTMENTS:
            add_department(
                session, slug=slug, name=name, addresses=[f"{slug}@{DOMAIN}"], actor="bench"
            )
        for d, (slug, _name, _topics) in enumerate(DEPARTMENTS):
            for i in range(4):
                signs_in = d == MEASURED_DEPARTMENT - 1 and i == 0
                add_user(
                    session,
                    username=USERNAME if signs_in else f"{slug}-staff{i}",
                    display_name=f"{SURNAMES[(d * 4 + i) % len(SURNAMES)][0]}",
                    role=Role.STAFF,
                    department_slug=slug,
                    password_hash=password_hash if signs_in else None,
                    actor="bench",
                )
            add_user(
                session,
                username=f"{slug}-boss",
                display_name=f"{SURNAMES[(d * 4 + 3) % len(SURNAMES)][0]}課長",
                role=Role.SUPERVISOR,
                department_slug=slug,
                actor="bench",
            )
    return read_directory(engine)


def read_directory(engine: Any) -> Directory:
    from sqlmodel import Session, select

    from mailgate.models import Department, User

    with Session(engine) as session:
        by_slug = {d.slug: d.id or 0 for d in session.exec(select(Department))}
        users = {u.username: u.id or 0 for u in session.exec(select(User))}
    staff = []
    for d, (slug, _name, _topics) in enumerate(DEPARTMENTS):
        names = [
            USERNAME if d == MEASURED_DEPARTMENT - 1 and i == 0 else f"{slug}-staff{i}"
            for i in range(4)
        ]
        staff.append([users[n] for n in names])
    return Directory(
        departments=[by_slug[slug] for slug, _n, _t in DEPARTMENTS],
        addresses=[f"{slug}@{DOMAIN}" for slug, _n, _t in DEPARTMENTS],
        staff=staff,
        supervisors=[users[f"{slug}-boss"] for slug, _n, _t in DEPARTMENTS],
        bench_user=users[USERNAME],
    )


class Writer:
    """Bulk inserts in a few big transactions on one connection.

    SQLite: SQLAlchemy Core executemany (``connection.execute(insert(table), rows)``), so every
    column's bind processing (UTCDateTime, JSON) is exactly the ORM's. PostgreSQL: COPY through
    psycopg's ``cursor.copy`` on the same connection and transaction.
    """

    def __init__(self, engine: Any) -> None:
        self.pg = engine.dialect.name == "postgresql"
        self.connection = engine.connect()
        self.transaction = self.connection.begin()  # SQLite: BEGIN IMMEDIATE (mailgate.db)
        self.rows = 0

    def insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.pg:
            self._copy(table, rows)
        else:
            from sqlalchemy import insert

            self.connection.execute(insert(table), rows)
        self.rows += len(rows)

    def _copy(self, table: Any, rows: list[dict[str, Any]]) -> None:
        from sqlalchemy import JSON

        names = list(rows[0])
        json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
        columns = ", ".join(f'"{n}"' for n in names)
        driver = self.connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[n], ensure_ascii=False)
                        if n in json_cols and row[n] is not None
                        else row[n]
                        for n in names
                    ]
                )

    def commit(self) -> None:
        self.transaction.commit()
        self.transaction = self.connection.begin()

    def close(self) -> None:
        self.transaction.commit()
        self.connection.close()


def _table(model: Any) -> Any:
    """The Core table of a SQLModel class (typed loosely: SQLModel does not declare it)."""
    return model.__table__


def load(db: Database, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """Create, migrate, fill and analyse one database; returns the load figures."""
    from sqlalchemy import text

    from mailgate.db import make_engine, upgrade
    from mailgate.models import Approval, Attachment, Blob, Counterpart, Message, Thread

    figures: dict[str, Any] = {"messages": db.size}
    began = time.perf_counter()
    create_database(db)
    engine = make_engine(db.url)
    try:
        upgrade(engine)
        directory = setup_directory(engine)
        figures["setup_s"] = round(time.perf_counter() - began, 2)

        t = time.perf_counter()
        plan = make_plan(db.size, args.seed)
        source = RowSource(plan, directory)
        figures["plan_s"] = round(time.perf_counter() - t, 2)
        figures["threads"] = len(plan.threads)
        figures["counterparts"] = len(plan.counterparts)

        writer = Writer(engine)
        t = time.perf_counter()
        writer.insert(_table(Blob), source.blobs())
        for name, table, rows in (
            ("counterparts", _table(Counterpart), source.counterparts()),
            ("threads", _table(Thread), source.threads()),
        ):
            t = time.perf_counter()
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= args.batch:
                    writer.insert(table, batch)
                    batch = []
            writer.insert(table, batch)
            writer.commit()
            figures[f"{name}_s"] = round(time.perf_counter() - t, 2)

        t = time.perf_counter()
        counts = {"approvals": 0, "attachments": 0}
        messages: list[dict[str, Any]] = []
        approvals: list[dict[str, Any]] = []
        attachments: list[dict[str, Any]] = []
        since_commit = 0

        def flush() -> None:
            writer.insert(_table(Message), messages)
            writer.insert(_table(Approval), approvals)
            writer.insert(_table(Attachment), attachments)
            counts["approvals"] += len(approvals)
            counts["attachments"] += len(attachments)
            messages.clear()
            approvals.clear()
            attachments.clear()

        for n, (message, approval, attachment) in enumerate(source.messages(), start=1):
            messages.append(message)
            if approval:
                approvals.append(approval)
            if attachment:
                attachments.append(attachment)
            if len(messages) >= args.batch:
                flush()
                since_commit += args.batch
                if since_commit >= args.commit_every:
                    writer.commit()
                    since_commit = 0
                    rate = n / (time.perf_counter() - t)
                    log(f"  {db.label}: {n:,} messages, {rate:,.0f}/s")
        flush()
        writer.close()
        messages_s = time.perf_counter() - t
        figures["messages_s"] = round(messages_s, 2)
        figures["messages_per_s"] = round(db.size / messages_s, 1) if messages_s else None
        figures.update(counts)

        t = time.perf_counter()
        if db.kind == "postgresql":
            with engine.begin() as conn:  # ids were given explicitly: move the sequences on
                for name in ("counterpart", "thread", "message", "approval", "attachment"):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {name}))"
                        )
                    )
            # VACUUM ANALYZE: the statistics, plus what autovacuum would otherwise do in the
            # middle of the measurement (visibility map, merging GIN pending lists).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            raw = engine.raw_connection()
            try:
                sqlite = raw.driver_connection
                assert sqlite is not None
                sqlite.execute("ANALYZE")
                sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        figures["analyze_s"] = round(time.perf_counter() - t, 2)
        figures["total_s"] = round(time.perf_counter() - began, 2)
        figures["bytes"] = database_bytes(db, engine)
    finally:
        engine.dispose()
    return figures


def database_bytes(db: Database, engine: Any) -> int:
    if db.kind == "sqlite":
        assert db.path is not None
        return sum(
            Path(f"{db.path}{s}").stat().st_size
            for s in ("", "-wal")
            if Path(f"{db.path}{s}").exists()
        )
    from sqlalchemy import text

    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())


# ---------------------------------------------------------------- what each page asks


@dataclass
class Samples:
    """Per database: what request i of each page asks for (the same draw for function and HTTP)."""

    department_id: int
    threads: list[int]
    addresses: list[str]
    cursors: list[Any]  # mailgate.mailbox.inbox.Cursor, 25-75 % deep in the department's list
    dept_threads: int
    dept_messages: int

    def term(self, page: str, i: int) -> str:
        terms = SEARCH_TERMS[page]
        return terms[i % len(terms)]


def draw_samples(engine: Any, n: int, seed: int) -> Samples:
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from mailgate.mailbox.inbox import Cursor
    from mailgate.models import Counterpart, Department, Message, Thread

    rng = random.Random(seed + 7)
    with Session(engine) as session:
        dept = session.exec(
            select(Department.id).where(Department.slug == DEPARTMENTS[MEASURED_DEPARTMENT - 1][0])
        ).one()
        rows = session.exec(
            select(Thread.id, Thread.last_message_at)
            .where(Thread.department_id == dept)
            .order_by(col(Thread.last_message_at).desc(), col(Thread.id).desc())
        ).all()
        if not rows:
            raise RuntimeError("the measured department has no threads")
        lo, hi = len(rows) // 4, max(len(rows) // 4 + 1, 3 * len(rows) // 4)
        cursors = []
        for _ in range(n):
            tid, last = rows[rng.randrange(lo, min(hi, len(rows)))]
            cursors.append(Cursor(last, int(tid or 0)))
        threads = [int(rows[rng.randrange(len(rows))][0] or 0) for _ in range(n)]
        # Counterparts drawn by message: a resident who writes often is looked up often.
        by_message = session.exec(
            select(Message.counterpart_id).where(Message.department_id == dept)
        ).all()
        picked = [by_message[rng.randrange(len(by_message))] for _ in range(n)]
        addresses = dict(
            session.exec(
                select(Counterpart.id, Counterpart.address).where(
                    col(Counterpart.id).in_(set(picked))
                )
            ).all()
        )
        messages = session.exec(
            select(func.count()).select_from(Message).where(Message.department_id == dept)
        ).one()
        session.rollback()
    return Samples(
        department_id=int(dept or 0),
        threads=threads,
        addresses=[addresses[c] for c in picked],
        cursors=cursors,
        dept_threads=len(rows),
        dept_messages=int(messages),
    )


def thread_view(session: Any, thread_id: int) -> tuple[Any, list[Any], list[Any], list[Any]]:
    """The thread page's reads (the route runs them itself; mailgate.mailbox has no function):
    the thread, its messages in order, their attachments, approvals and deliveries."""
    from sqlmodel import col, select

    from mailgate.models import Approval, Attachment, Counterpart, Delivery, Message, Thread

    thread = session.get(Thread, thread_id)
    messages = session.exec(
        select(Message).where(Message.thread_id == thread_id).order_by(col(Message.id))
    ).all()
    ids = [m.id for m in messages]
    attachments = session.exec(
        select(Attachment).where(col(Attachment.message_pk).in_(ids)).order_by(col(Attachment.id))
    ).all()
    approvals = session.exec(
        select(Approval).where(col(Approval.message_pk).in_(ids)).order_by(col(Approval.id))
    ).all()
    session.exec(select(Delivery).where(col(Delivery.message_pk).in_(ids))).all()
    session.get(Counterpart, thread.counterpart_id)
    return thread, list(messages), list(attachments), list(approvals)


def call_function(session: Any, page: str, samples: Samples, i: int) -> int:
    """Run page `page`'s query function for request i; returns the number of rows shown."""
    from mailgate.mailbox.history import counterpart_history
    from mailgate.mailbox.inbox import list_threads
    from mailgate.mailbox.search import search

    dept = samples.department_id
    if page == "inbox":
        return len(list_threads(session, department_id=dept, limit=PAGE_SIZE).rows)
    if page == "inbox_deep":
        before = samples.cursors[i % len(samples.cursors)]
        return len(list_threads(session, department_id=dept, before=before, limit=PAGE_SIZE).rows)
    if page == "thread":
        return len(thread_view(session, samples.threads[i % len(samples.threads)])[1])
    if page == "counterpart":
        address = samples.addresses[i % len(samples.addresses)]
        return len(counterpart_history(session, department_id=dept, address=address).entries)
    return len(search(session, department_id=dept, query=samples.term(page, i), limit=PAGE_SIZE))


FUNCTION_NAMES = {
    "inbox": "mailbox.inbox.list_threads",
    "inbox_deep": "mailbox.inbox.list_threads(before=cursor)",
    "thread": "the route's reads: thread, messages, attachments, approvals, deliveries",
    "counterpart": "mailbox.history.counterpart_history",
    "search3": "mailbox.search.search",
    "search3_rare": "mailbox.search.search",
    "search3_elsewhere": "mailbox.search.search",
    "search2": "mailbox.search.search",
    "search2_rare": "mailbox.search.search",
}


# ---------------------------------------------------------------- the real web app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class WebServer:
    """``mailgate serve --role web`` in its own process, on one database."""

    def __init__(self, db: Database, workdir: Path, preload: str | None = None) -> None:
        self.db = db
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
        env.update(
            MAILGATE_DATABASE_URL=db.url,
            MAILGATE_WEB_HOST=HOST,
            MAILGATE_WEB_PORT=str(self.port),
            MAILGATE_WEB_SECRET_KEY=SECRET,
            MAILGATE_DATA_DIR=str(workdir),
        )
        self.log = open(workdir / f"web-{db.kind}-{db.size}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import runpy, sys\n"
                "preload = sys.argv.pop(1)\n"
                "if preload: runpy.run_path(preload)\n"
                "from mailgate.cli import main; main()",
                preload or "",
                "serve",
                "--role",
                "web",
            ],
            env=env,
            cwd=workdir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    self.log.flush()
                    output = Path(self.log.name).read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"web server exited: {output}") from None
                time.sleep(0.1)
        raise RuntimeError(f"web server did not open its port within {timeout:.0f} s")

    def client(self) -> Any:
        import httpx

        client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=120)
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"no sign-in form at /login ({page.status_code})")
        answer = client.post(
            "/login",
            data={
                "username": USERNAME,
                "password": PASSWORD,
                "csrf_token": token.group(1),
                "next": "/",
            },
        )
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in failed ({answer.status_code})")
        return client

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@dataclass
class HttpPages:
    """The URLs of request i of each page on one server, and why a page is measured by function."""

    samples: Samples
    cursor_param: str | None = None
    missing: dict[str, str] = field(default_factory=dict)  # page -> why not over HTTP

    def url(self, page: str, i: int) -> str:
        dept = self.samples.department_id
        if page == "inbox":
            return f"/departments/{dept}/inbox"
        if page == "inbox_deep":
            cursor = self.samples.cursors[i % len(self.samples.cursors)].encode()
            return f"/departments/{dept}/inbox?{self.cursor_param}={quote(cursor)}"
        if page == "thread":
            return f"/threads/{self.samples.threads[i % len(self.samples.threads)]}"
        if page == "counterpart":
            address = self.samples.addresses[i % len(self.samples.addresses)]
            return f"/departments/{dept}/counterparts/{quote(address, safe='')}"
        return f"/departments/{dept}/inbox?q={quote(self.samples.term(page, i))}"


def probe_pages(client: Any, engine: Any, samples: Samples) -> HttpPages:
    """Which pages the app serves for real: 200 and showing what the query function returns."""
    from html import escape

    from sqlmodel import Session

    from mailgate.mailbox.history import counterpart_history
    from mailgate.mailbox.inbox import list_threads
    from mailgate.mailbox.search import search

    pages = HttpPages(samples)
    dept = samples.department_id

    def shows(html: str, text: str) -> bool:
        return escape(text) in html or escape(text, quote=False) in html or text in html

    with Session(engine) as session:
        first = list_threads(session, department_id=dept, limit=PAGE_SIZE)
        deep = list_threads(session, department_id=dept, before=samples.cursors[0], limit=PAGE_SIZE)
        thread_subject = thread_view(session, samples.threads[0])[0].subject  # before rollback
        history = counterpart_history(session, department_id=dept, address=samples.addresses[0])
        hits = {p: search(session, department_id=dept, query=samples.term(p, 0)) for p in PAGES[4:]}
        session.rollback()

    answer = client.get(pages.url("inbox", 0))
    if answer.status_code != 200:
        pages.missing["inbox"] = f"route answered {answer.status_code}"
    elif first.rows and not shows(answer.text, first.rows[0].subject):
        pages.missing["inbox"] = "page does not show the threads yet (stub)"
    if "inbox" in pages.missing:
        pages.missing["inbox_deep"] = pages.missing["inbox"]
    elif first.next_cursor is None:
        pages.missing["inbox_deep"] = "the department has a single page"
    else:
        found = re.search(r"[?&;]([A-Za-z_]+)=" + re.escape(quote(first.next_cursor)), answer.text)
        if found is None:
            pages.missing["inbox_deep"] = "no next-page link carrying the keyset cursor"
        else:
            pages.cursor_param = found.group(1)
            deep_answer = client.get(pages.url("inbox_deep", 0))
            if deep_answer.status_code != 200:
                pages.missing["inbox_deep"] = f"route answered {deep_answer.status_code}"
            elif deep.rows and not shows(deep_answer.text, deep.rows[0].subject):
                pages.missing["inbox_deep"] = "the keyset page does not show the expected threads"

    answer = client.get(pages.url("thread", 0))
    if answer.status_code != 200:
        pages.missing["thread"] = f"route answered {answer.status_code}"
    elif not shows(answer.text, thread_subject):
        pages.missing["thread"] = "page does not show the thread yet (stub)"

    answer = client.get(pages.url("counterpart", 0))
    if answer.status_code != 200:
        pages.missing["counterpart"] = f"route answered {answer.status_code}"
    elif history.entries and not shows(answer.text, history.entries[0].subject):
        pages.missing["counterpart"] = "page does not show the history yet (stub)"

    for page in PAGES[4:]:
        if "inbox" in pages.missing:
            pages.missing[page] = pages.missing["inbox"]
            continue
        answer = client.get(pages.url(page, 0))
        if answer.status_code != 200:
            pages.missing[page] = f"route answered {answer.status_code}"
        elif hits[page] and not shows(answer.text, hits[page][0].subject):
            pages.missing[page] = "search results are not shown yet (stub)"
    return pages


# ---------------------------------------------------------------- measuring


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def figures(latencies: list[float]) -> dict[str, Any]:
    return {
        "n": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "mean_ms": round(statistics.mean(latencies) * 1000, 2) if latencies else None,
    }


@dataclass
class Target:
    """One database under measurement: its engine for function calls and its web server."""

    db: Database
    engine: Any
    samples: Samples
    server: WebServer | None = None
    client: Any = None
    pages: HttpPages | None = None


def measure(
    targets: list[Target], args: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per page, request i goes to every target before request i+1 (drift hits all alike)."""
    from sqlmodel import Session

    results: dict[str, dict[str, dict[str, Any]]] = {}
    for page in args.pages:
        http: dict[str, list[float]] = {t.db.label: [] for t in targets}
        func: dict[str, list[float]] = {t.db.label: [] for t in targets}
        rows: dict[str, list[int]] = {t.db.label: [] for t in targets}
        errors: dict[str, list[str]] = {t.db.label: [] for t in targets}
        for i in range(-args.warmup, args.requests):
            for target in targets:
                label = target.db.label
                over_http = target.pages is not None and page not in target.pages.missing
                if over_http:
                    assert target.pages is not None
                    url = target.pages.url(page, i)
                    start = time.perf_counter()
                    answer = target.client.get(url)
                    elapsed = time.perf_counter() - start
                    if answer.status_code != 200:
                        errors[label].append(f"{answer.status_code} {url}")
                    elif i >= 0:
                        http[label].append(elapsed)
                with Session(target.engine) as session:
                    start = time.perf_counter()
                    shown = call_function(session, page, target.samples, i)
                    session.rollback()
                    elapsed = time.perf_counter() - start
                if i >= 0:
                    func[label].append(elapsed)
                    rows[label].append(shown)
        for target in targets:
            label = target.db.label
            over_http = bool(http[label])
            entry: dict[str, Any] = {
                "via": "http" if over_http else "function",
                **figures(http[label] if over_http else func[label]),
                "function": {"name": FUNCTION_NAMES[page], **figures(func[label])},
                "http": figures(http[label]) if over_http else None,
                "rows_shown_mean": round(statistics.mean(rows[label]), 1) if rows[label] else 0,
                "errors": errors[label][:5],
                "error_count": len(errors[label]),
            }
            if not over_http:
                why = target.pages.missing.get(page) if target.pages else "--no-http"
                entry["not_over_http"] = why or "every request failed"
            results.setdefault(target.db.kind, {}).setdefault(page, {})[str(target.db.size)] = entry
            log(
                f"  {label:<22} {page:<17} {entry['via']:<8} p50 {entry['p50_ms']:8.2f} ms  "
                f"p95 {entry['p95_ms']:8.2f} ms  (function p50 {entry['function']['p50_ms']:.2f})"
            )
    return results


def explain(target: Target, pages: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The plan of every statement each page's function runs (sample 0)."""
    from sqlalchemy import event
    from sqlmodel import Session

    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    plans: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        captured.clear()
        event.listen(target.engine, "before_cursor_execute", capture)
        try:
            with Session(target.engine) as session:
                call_function(session, page, target.samples, 0)
                session.rollback()
        finally:
            event.remove(target.engine, "before_cursor_execute", capture)
        statements = list(captured)
        plans[page] = []
        raw = target.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                if target.db.kind == "sqlite":
                    cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                    plan = [f"{'  ' * 0}{row[3]}" for row in cursor.fetchall()]
                else:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = [row[0] for row in cursor.fetchall()]
                plans[page].append({"sql": " ".join(statement.split()), "plan": plan})
            raw.rollback()
        finally:
            raw.close()
    return plans


# ---------------------------------------------------------------- report


def summarise(
    results: dict[str, dict[str, dict[str, Any]]], sizes: list[int]
) -> dict[str, dict[str, Any]]:
    """Per engine and page: p50 and p95 ratio of the largest size to the smallest."""
    ratios: dict[str, dict[str, Any]] = {}
    if len(sizes) < 2:
        return ratios
    small, large = str(min(sizes)), str(max(sizes))
    for kind, pages in results.items():
        for page, by_size in pages.items():
            if small not in by_size or large not in by_size:
                continue
            a, b = by_size[small], by_size[large]
            entry: dict[str, Any] = {
                "p50": round(b["p50_ms"] / a["p50_ms"], 2) if a["p50_ms"] else None,
                "p95": round(b["p95_ms"] / a["p95_ms"], 2) if a["p95_ms"] else None,
                "function_p50": round(b["function"]["p50_ms"] / a["function"]["p50_ms"], 2)
                if a["function"]["p50_ms"]
                else None,
                "via": a["via"] if a["via"] == b["via"] else f"{a['via']}/{b['via']}",
            }
            entry["goal_met"] = entry["p50"] is not None and entry["p50"] <= 2.0
            ratios.setdefault(kind, {})[page] = entry
    return ratios


def format_table(report: dict[str, Any]) -> str:
    sizes = [str(s) for s in report["config"]["sizes"]]
    head = f"{'engine':<11}{'page':<18}{'via':<10}" + "".join(
        f"{int(s):>13,} p50/p95 ms" for s in sizes
    )
    if len(sizes) > 1:
        head += f"{'ratio p50 (p95)':>19}  goal ≤ 2x"
    lines = [head, "-" * len(head)]
    for kind, pages in report["results"].items():
        for page, by_size in pages.items():
            vias = {by_size[s]["via"] for s in sizes if s in by_size}
            line = f"{kind:<11}{page:<18}{'/'.join(sorted(vias)):<10}"
            for s in sizes:
                e = by_size.get(s)
                line += f"{e['p50_ms']:>12.1f} / {e['p95_ms']:<8.1f}" if e else f"{'-':>23}"
            ratio = report["ratios"].get(kind, {}).get(page)
            if ratio:
                line += f"{ratio['p50']:>10.2f} ({ratio['p95']:.2f})"
                line += "  met" if ratio["goal_met"] else "  MISSED"
            lines.append(line)
    lines.append("")
    if report["config"].get("preload"):
        lines += [f"measured with --preload {report['config']['preload']}", ""]
    for kind, by_size in report["databases"].items():
        for size, load in by_size.items():
            if "messages_s" in load:
                lines.append(
                    f"load {kind}/{int(size):,}: {load['messages_s']:.0f} s for the messages "
                    f"({load['messages_per_s']:,.0f}/s), total {load['total_s']:.0f} s, "
                    f"ANALYZE {load['analyze_s']:.1f} s, {load['bytes'] / 2**20:,.0f} MiB; "
                    f"{load['threads']:,} threads, {load['counterparts']:,} counterparts"
                )
            else:
                lines.append(f"load {kind}/{int(size):,}: reused ({load.get('note', '')})")
    missing = sorted(
        {
            f"{page}: {e['not_over_http']}"
            for pages in report["results"].values()
            for page, by_size in pages.items()
            for e in by_size.values()
            if e.get("not_over_http")
        }
    )
    if missing:
        lines += ["", "measured by calling the query function, not over HTTP:"]
        lines += [f"  {m}" for m in missing]
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000", help="messages, comma-separated")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated subset")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=4, help="the data and the samples")
    parser.add_argument("--batch", type=int, default=10_000, help="rows per executemany/COPY")
    parser.add_argument(
        "--commit-every", type=int, default=250_000, help="messages per load transaction"
    )
    parser.add_argument("--db-dir", help="where the SQLite files go (default: a temporary dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases for --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure databases kept by --keep")
    parser.add_argument("--drop", action="store_true", help="only drop databases kept by --keep")
    parser.add_argument("--no-http", action="store_true", help="measure the functions only")
    parser.add_argument("--explain", action="store_true", help="add query plans to the JSON")
    parser.add_argument(
        "--preload",
        metavar="FILE",
        help="run this Python file first, in the bench and in every web server (to measure a "
        "proposed change to mailgate.mailbox before making it: patch the module attributes)",
    )
    parser.add_argument(
        "--out", help="JSON report path (default bench/results/inbox_scale-DATE.json)"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if set(args.engines) - set(ENGINES):
        parser.error(f"unknown engine(s); choose from {', '.join(ENGINES)}")
    if set(args.pages) - set(PAGES):
        parser.error(f"unknown page(s); choose from {', '.join(PAGES)}")
    if (args.keep or args.reuse or args.drop) and not args.db_dir:
        parser.error("--keep, --reuse and --drop need --db-dir")
    if min(args.sizes) < 100:
        parser.error("sizes below 100 messages leave department 1 nearly empty")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.preload:
        import runpy

        args.preload = str(Path(args.preload).resolve())
        runpy.run_path(args.preload)
    from mailgate.db import make_engine

    started = time.monotonic()

    def log(line: str) -> None:
        print(f"[{time.monotonic() - started:7.1f}s] {line}", file=sys.stderr, flush=True)

    with contextlib.ExitStack() as stack:
        if args.db_dir:
            db_dir = Path(args.db_dir)
            db_dir.mkdir(parents=True, exist_ok=True)
        else:
            db_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="inbox-scale-")))
        named = bool(args.keep or args.reuse or args.drop)
        dbs = [database_for(k, s, db_dir, named) for k in args.engines for s in args.sizes]
        if args.drop:
            for db in dbs:
                drop_database(db)
                (db_dir / f"inbox_scale-{db.kind}-{db.size}.json").unlink(missing_ok=True)
                log(f"dropped {db.label}")
            return 0

        # 1. Fill every database (or find it kept from an earlier run).
        for db in dbs:
            record = db_dir / f"inbox_scale-{db.kind}-{db.size}.json"
            if args.reuse and record.exists():
                db.load = {**json.loads(record.read_text()), "reused": True}
                log(f"reusing {db.label} (loaded {db.load.get('loaded_at', '?')})")
                continue
            log(f"loading {db.label} ...")
            db.load = load(db, args, log)
            db.load["loaded_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            if args.keep:
                record.write_text(json.dumps(db.load, indent=2))
            log(f"  {db.label}: {json.dumps(db.load)}")
            if not args.keep:
                stack.callback(drop_database, db)

        # 2. A web server per database (started together), signed in; which pages are real.
        targets = []
        for db in dbs:
            engine = make_engine(db.url)
            stack.callback(engine.dispose)
            target = Target(db, engine, draw_samples(engine, args.requests, args.seed))
            if not args.no_http:
                target.server = WebServer(db, db_dir, args.preload)
                stack.callback(target.server.stop)
            targets.append(target)
        if not args.no_http:
            log("starting the web servers ...")
        for target in targets:
            if target.server is not None:
                target.server.wait_ready()
                target.client = target.server.client()
                stack.callback(target.client.close)
                target.pages = probe_pages(target.client, target.engine, target.samples)
                by_reason: dict[str, list[str]] = {}
                for page, why in target.pages.missing.items():
                    by_reason.setdefault(why, []).append(page)
                for why, pages in by_reason.items():
                    log(f"  {target.db.label}: by function ({why}): {', '.join(pages)}")

        # 3. Measure, interleaved across databases.
        log("measuring ...")
        results = measure(targets, args, log)
        plans: dict[str, dict[str, Any]] = {}
        if args.explain:
            for target in targets:
                plans.setdefault(target.db.kind, {})[str(target.db.size)] = explain(
                    target, args.pages
                )

        report: dict[str, Any] = {
            "command": " ".join(
                ["bench/inbox_scale.py", *(sys.argv[1:] if argv is None else argv)]
            ),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "config": {
                "sizes": args.sizes,
                "engines": args.engines,
                "pages": args.pages,
                "requests": args.requests,
                "warmup": args.warmup,
                "seed": args.seed,
                "page_size": PAGE_SIZE,
                "preload": args.preload,
                "preload_sha256": hashlib.sha256(Path(args.preload).read_bytes()).hexdigest()
                if args.preload
                else None,
                "search_terms": {p: list(SEARCH_TERMS[p]) for p in args.pages if p in SEARCH_TERMS},
            },
            "machine": machine(),
            "databases": {
                k: {str(d.size): d.load for d in dbs if d.kind == k} for k in args.engines
            },
            "department": {
                t.db.label: {
                    "threads": t.samples.dept_threads,
                    "messages": t.samples.dept_messages,
                }
                for t in targets
            },
            "results": results,
            "ratios": summarise(results, args.sizes),
        }
        ratios = [r for pages in report["ratios"].values() for r in pages.values()]
        report["goal_met"] = all(r["goal_met"] for r in ratios) if ratios else None
        if plans:
            report["explain"] = plans
        out = Path(
            args.out
            or ROOT / "bench" / "results" / f"inbox_scale-{dt.date.today().isoformat()}.json"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            print(format_table(report))
            print(f"\nreport: {out}")
    return 0


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(Exception):
        import sqlite3

        info["sqlite"] = sqlite3.sqlite_version
    with contextlib.suppress(Exception):
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN_URL)
        with admin.connect() as conn:
            info["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
            info["pg_shared_buffers"] = conn.execute(text("SHOW shared_buffers")).scalar()
        admin.dispose()
    return info


if __name__ == "__main__":
    sys.exit(main())

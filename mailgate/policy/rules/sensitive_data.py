"""Sensitive personal information (要配慮個人情報) disclosed about a specific person.

A sensitive term (認知症, 療育手帳, 生活保護, 服役, DV被害, 信仰 …) blocks only
when the sentence says it of someone: a disclosure cue follows it in the same
clause ("…をお持ちである", "…を受給されている", "…の診断を受けた") or, in
English, precedes it ("is receiving welfare"); or a named subject stands before
it together with a weaker predicate ("佐藤さんは認知症です", "ムスリムで、");
or an owner stands right before it with の ("藤井様の精神障害者保健福祉手帳",
"お子様の療育手帳", "your disability certificate"). A general-statement
marker close after it ("障害のある方", "お持ちの方は", "に関するご相談") or, in
English, before the cue ("if you", "those who") makes it guidance, not a
disclosure; for an owner, conditions and procedures ("お子様の障害者手帳を
お持ちの場合", "ご本人の手帳の写し") do. A welfare payment ("11月分の生活保護費は
…ご指定の口座へ振り込みます") is the reader's own when the sentence addresses it to
them; "保護費の支給日は毎月5日です" stays general. A status named in a decision
addressed to the reader, in the same or the next sentence ("申請された精神障害者保健福祉
手帳（2級）について、交付を決定しました"), is the reader's; procedure text ("手帳の交付には
1か月ほどかかります") names no decision; an application for a status refused or granted in
the same sentence ("生活保護の開始申請については、…却下となりました") is the reader's too. A
handbook with one specific grade ("療育手帳（B2）の再判定") is one holder's, unless the clause
is general ("（1級・2級）をお持ちの方", "2級の場合"). Every list is a dictionary in
policies/dictionaries/.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from mailgate.policy.dictionaries import (
    PhraseSet,
    scan_units,
    unwrap,
)
from mailgate.policy.disclosure_model import GENERAL, DisclosureModel, load_model
from mailgate.policy.findings import Finding, Reason
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources, RuleConfig
from mailgate.policy.rules.sensitive_config import CATEGORY_LABELS, SensitiveDataConfig
from mailgate.policy.rules.sensitive_roster import RosterColumns
from mailgate.policy.sentence_model import open_sentences, written_sentences
from mailgate.policy.units import TextUnit

SENTENCE_END = regex.compile(r"[。！？!?\n]|\.(?=\s)")
CLAUSE_END = regex.compile(r"[、，,。！？!?\n]")
GAP_WORDS = regex.compile(r"^\s*(?:[\w'’-]+\s+){0,2}$")
GENERAL_TAIL = 4  # characters after a cue in which "の方", "世帯" … still make it general
UNNAMED_GENERAL_REACH = 12  # the same, within the clause, when no one is named before the term
# The category of a sentence the model flags without any category term: it cannot tell which.
UNNAMED = "unnamed"
UNNAMED_LABEL = (
    "病歴・障害・受給・被害など",
    "what reads as health, disability, welfare or victim status",
)
OWNER_LOOKBACK = 24  # characters before a term where an owner may start ("Aarav's severe peanut ")
# "…さんは…の方です": with a named subject, "方" followed by a copula is that person.
PERSON_COPULA = regex.compile(r"方(?:で(?:[、，,]|す|あ|いらっしゃ)|なので|ですので)")
# A grade or class right after a handbook ("（2級）", "２級", "A1") belongs to the disclosure.
GRADE = regex.compile(
    r"[ \u3000]*(?:[（(][^）)\n]{1,15}[）)]|[0-9０-９]{1,2}級|[ABＡＢ][12１２](?![0-9０-９]))"
)
# One specific grade ("（B2）", "1級", "A1", "1種2級", "（下肢機能障害 2級）"), not a list or range
# ("（1級・2級）", "2級以上").
SINGLE_GRADE = regex.compile(
    r"[ \u3000]*(?:[（(][^（）()\n・、，,]{0,10}?[ \u3000]*(?:[0-9０-９]{1,2}級|[ABＡＢ][12１２]?)[ \u3000]*[）)]"
    # with its class before it: "1種2級" (身体障害者手帳)
    r"|(?:[0-9０-９]種[ \u3000]?)?(?:[0-9０-９]{1,2}級|[ABＡＢ][12１２])(?![0-9０-９]))"
    # ("相当" closing a bracket is one person's assessment: 「（身体障害者手帳1級相当）」)
    r"(?![・、，,〜～\-－]|又は|または|及び|および|から|以上|以下|未満|相当(?![）)])|程度|等|など)"
)
# 「酒井様の場合、毎月の保護費の…」: "in your case" names the person, it sets no condition.
PERSONAL_CASE = regex.compile(r"(?<!皆|客|者|各)(?:様|さま|さん|氏|殿)の場合(?:は|には|も|、|，)")
# A group right after a term (「…のある方」, 「…の方々」): general even in someone's case.
GROUP_AFTER = regex.compile(r"(?:の|が)?(?:ある|お持ちの)?(?:方|方々|皆様|世帯|人)")
# A person's name and honorific (「川辺様」); with の after it, the owner of what follows.
# (「お子様」 is children in general, not someone named)
NAMED = regex.compile(
    r"(?:(?<!お)子|(?!子)[\p{Han}\p{Katakana}ー])(?:様|さま|さん|氏|君|くん|ちゃん|殿)"
)
# A person's name, then the honorific that starts an owner ("唐沢様の").
NAMED_OWNER = regex.compile(NAMED.pattern + "の")
# What a passage is about (「…に関する面談」): general after "お子様の", not after a named owner.
ABOUT = regex.compile(r"に(?:関す|係|関わ)る|についての")
# A sentence about a condition itself or about how many have it, not about someone: its topic is
# the condition (「ギャンブル等依存症は、…回復が可能な病気です」) or a count of people
# (「年間1万人前後が新たに結核と診断されており」).
TOPIC = regex.compile(r"[ \u3000・]*(?P<topic>[^。\n、，,]{1,20}?)(?:とは|は)[、，,]")
DEFINITION = regex.compile(
    r"(?:病気|病|疾患|障害|症|症状|感染症|もの|こと|状態)(?:です|である|だ|とされています)[。．]?[ \u3000]*$"
)
HEADCOUNT = regex.compile(
    r"[0-9０-９,，万千百十数]+(?:人|名)(?:前後|程度|以上|近く|ほど|余り|超)?(?:が|の方が)"
    r"|(?:多く|大半|半数|ほとんど|その多く)(?:の(?:方|人))?(?:が|は)"
    # a share of a group or a statistic (「刑務所を出た人のおよそ4割が…」「全国の統計では」)
    r"|[0-9０-９一二三四五六七八九十]+割(?:前後|程度|以上|近く|ほど|強|弱)?(?:が|は|の)"
    r"|統計(?:では|によると|によれば|上)|調査(?:では|によると|によれば)"
)
# "生活保護の開始申請については、…却下となりました": the reader's own application.
APPLIED_FOR = regex.compile(
    r"の?(?:開始|再開|廃止|停止|変更|交付|再交付|更新|等級変更)?申請(?:について(?:は)?|につきましては|は|に対し(?:て)?)"
)


class SensitiveDataRule:
    name: ClassVar[str] = "sensitive_data"
    Config: ClassVar[type[RuleConfig]] = SensitiveDataConfig

    def __init__(self, config: RuleConfig, resources: Resources) -> None:
        assert isinstance(config, SensitiveDataConfig)
        self.config = config
        t = config.timeout_seconds
        self.categories = {
            name: PhraseSet(lines, name=f"sensitive_data.{name}", timeout=t)
            for name, lines in config.categories.items()
        }
        self.after = PhraseSet(
            config.disclosure_after, name="sensitive_data.disclosure_after", timeout=t
        )
        self.before = PhraseSet(
            config.disclosure_before, name="sensitive_data.disclosure_before", timeout=t
        )
        self.predicates = PhraseSet(config.predicates, name="sensitive_data.predicates", timeout=t)
        self.subjects = PhraseSet(config.subjects, name="sensitive_data.subjects", timeout=t)
        self.general_after = PhraseSet(
            config.general_after, name="sensitive_data.general_after", timeout=t
        )
        self.general_before = PhraseSet(
            config.general_before, name="sensitive_data.general_before", timeout=t
        )
        self.owners = PhraseSet(config.owners, name="sensitive_data.owners", timeout=t)
        self.owner_general = PhraseSet(
            config.owner_general, name="sensitive_data.owner_general", timeout=t
        )
        self.addressed_terms = PhraseSet(
            config.addressed_terms, name="sensitive_data.addressed_terms", timeout=t
        )
        self.addressed_markers = PhraseSet(
            config.addressed_markers, name="sensitive_data.addressed_markers", timeout=t
        )
        self.decision_terms = PhraseSet(
            config.decision_terms, name="sensitive_data.decision_terms", timeout=t
        )
        self.decision_markers = PhraseSet(
            config.decision_markers, name="sensitive_data.decision_markers", timeout=t
        )
        self.graded_terms = PhraseSet(
            config.graded_terms, name="sensitive_data.graded_terms", timeout=t
        )
        self.roster = RosterColumns(config.roster_columns, timeout=t)
        model = config.disclosure_model.file
        self.model: DisclosureModel | None = (
            load_model(resources.policy_dir / model) if model else None  # absolute from the loader
        )

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        return scan_units(self.name, units, self._find_in)

    def _find_in(self, unit: TextUnit) -> list[Finding]:
        # Match on the text with hard-wrapped lines joined; report offsets in the original.
        text, origin = unwrap(unit.normalised)
        spans: list[tuple[int, int, str]] = []
        bounds: list[tuple[int, int]] = []
        start = 0
        for end in [m.start() for m in SENTENCE_END.finditer(text)] + [len(text)]:
            if end > start:
                bounds.append((start, end))
            start = end + 1
        for index, (start, end) in enumerate(bounds):
            if self._in_general(text, start, end):
                continue
            for category, terms in self.categories.items():
                for term in terms.finditer(text, start, end):
                    span = self._disclosure(text, start, end, term)
                    if span is None and not any(c == category for *_, c in spans):
                        # A payment addressed to the reader reveals their welfare
                        # status, unless the mail has already disclosed it.
                        span = self._addressed(text, start, end, term)
                    if span:
                        spans.append((origin[span[0]], origin[span[1] - 1] + 1, category))
            following = bounds[index + 1] if index + 1 < len(bounds) else None
            for term in self.decision_terms.finditer(text, start, end):
                decided = self._decided(text, (start, end), following, term)
                if decided:
                    category = self._category_at(text, term)
                    spans.append((origin[decided[0]], origin[decided[1] - 1] + 1, category))
            for term in self.graded_terms.finditer(text, start, end):
                graded = self._graded(text, end, term)
                if graded:
                    spans.append((origin[graded[0]], origin[graded[1] - 1] + 1, "disability"))
        spans += self.roster.cells(unit.normalised)  # lines kept: a table is read by its rows
        findings = [self._finding(unit, s, e, c) for s, e, c in _merge(spans)]
        if self.model is not None and unit.is_body:
            findings += self._learned(unit, self.model, findings)
        return sorted(findings, key=lambda f: f.start or 0)

    def _learned(
        self, unit: TextUnit, model: DisclosureModel, found: list[Finding]
    ) -> list[Finding]:
        """Sentences the model reads as a disclosure, where the rules found none."""
        text = unit.text
        settings = self.config.disclosure_model
        learned = []
        written = written_sentences(text)
        for start, end in open_sentences(text, [(f.start or 0, f.end or 0) for f in found]):
            # A general rule wrapped over two lines is general on both (sentence_model.py),
            # unless it names someone (「村上さん（…）の世帯は」/「…保護を受けておられ」).
            whole = written.get(start, (start, end))
            if (
                GENERAL.search(text, start, end)
                or (GENERAL.search(text, *whole) and not NAMED.search(text, *whole))
                or self._in_general(text, *whole)
            ):
                continue
            term = next(
                (
                    (match, category)
                    for category, terms in self.categories.items()
                    if (match := terms.search(text, start, end))
                ),
                None,
            )
            p = model.probability(text[start:end])
            if term is not None and p >= settings.flag_at:
                match, category = term
                learned.append(self._finding(unit, match.start(), match.end(), category, p))
            elif term is None and self._certain(p):
                sentence = text[start:end]
                head, tail = len(sentence) - len(sentence.lstrip()), len(sentence.rstrip())
                learned.append(self._finding(unit, start + head, start + tail, UNNAMED, p))
        return learned

    def _in_general(self, text: str, start: int, end: int) -> bool:
        """A sentence about a condition itself or how many people have it (TOPIC, HEADCOUNT)."""
        topic = TOPIC.match(text, start, end)
        if (
            topic
            and DEFINITION.search(text, start, end)
            and any(t.search(topic.group("topic")) for t in self.categories.values())
        ):
            head = topic.group("topic")
            if not (self.subjects.search(head) or self.owners.search(head) or NAMED.search(head)):
                return True
        return HEADCOUNT.search(text, start, end) is not None and not NAMED.search(text, start, end)

    def _certain(self, p: float) -> bool:
        """Whether a sentence without a category term is flagged (1.0 switches it off)."""
        at = self.config.disclosure_model.flag_without_term_at
        return at < 1.0 and p >= at

    def _disclosure(
        self, text: str, sentence_start: int, sentence_end: int, term: regex.Match[str]
    ) -> tuple[int, int] | None:
        """The disclosing span for this term, or None when the sentence names no one."""
        clause = CLAUSE_END.search(text, term.end(), sentence_end)
        scope_end = min(clause.start() if clause else sentence_end, term.end() + self.config.window)
        if PERSONAL_CASE.search(text, sentence_start, term.start()) and not GROUP_AFTER.match(
            text, term.end()
        ):
            # 「丸山様の場合、てんかんの持病による発作が…ときは」: the condition is that person's,
            # whatever conditional wording follows.
            return term.start(), term.end()
        subject = self.subjects.search(text, sentence_start, term.start())
        cue = self.after.search(text, term.start(), scope_end)
        if cue and cue.end() >= term.end():
            in_english = text[term.start() : cue.end()].isascii()
            if in_english and self.general_before.search(text, sentence_start, cue.end()):
                return None  # "If your test results indicate …"
            tail = min(cue.end() + GENERAL_TAIL, sentence_end)
            if subject is None:
                # Nobody named before the term: the group it describes may come later in the
                # clause (「治療中の病気がある方も受診できます」).
                # A person named there ends it (「…をお持ちの川辺様から申請の…」).
                reach = min(sentence_end, cue.end() + UNNAMED_GENERAL_REACH)
                stops = (p.search(text, cue.end(), reach) for p in (CLAUSE_END, NAMED))
                tail = max(tail, min((m.start() for m in stops if m), default=reach))
            if not self._general_after(text, term.end(), tail, cue, named=subject is not None):
                return term.start(), cue.end()
            return None
        english_start = self._english_cue(text, sentence_start, term)
        if english_start is not None:
            return english_start, term.end()
        owned = self._owner(text, sentence_start, scope_end, term)
        if owned is not None:
            return owned
        predicate = self.predicates.search(text, term.end(), scope_end)
        # "Xさんに…がある": a subject marked with に only holds a "が…" predicate.
        if predicate and subject and subject.group().endswith("に"):
            predicate = predicate if predicate.group().startswith("が") else None
        if predicate and subject:
            tail = min(predicate.end() + GENERAL_TAIL, sentence_end)
            if not self._general_after(text, term.end(), tail, predicate, named=True):
                return term.start(), predicate.end()
        return None

    def _general_after(
        self, text: str, start: int, end: int, cue: regex.Match[str], *, named: bool
    ) -> bool:
        """Whether a general-statement marker follows the term (markers inside the cue don't count).

        With a named subject, "…の方です" / "…の方で、" describes that person, not a group.
        """
        for marker in self.general_after.finditer(text, start, end):
            if cue.start() <= marker.start() and marker.end() <= cue.end():
                continue  # "…について警察に相談している": the cue itself, not a desk or service
            if (
                named
                and "方" in marker.group()
                and PERSON_COPULA.match(text, text.index("方", marker.start()))
            ):
                continue
            return True
        return False

    def _owner(
        self, text: str, sentence_start: int, scope_end: int, term: regex.Match[str]
    ) -> tuple[int, int] | None:
        """The term (with its grade) when an owner stands right before it: "藤井様の療育手帳（B2）"."""
        lookback = max(sentence_start, term.start() - OWNER_LOOKBACK)
        # Search up to the term's end so an owner pattern may look ahead at the term.
        owner = next(
            (
                o
                for o in self.owners.finditer(text, lookback, term.end())
                if o.end() == term.start()
            ),
            None,
        )
        if owner is None:
            return None
        if self.owner_general.search(text, sentence_start, owner.start()):
            return None  # "申請の際は、お子様の…": a condition or procedure
        general_after = self.owner_general.finditer(text, term.end(), scope_end)
        if NAMED.match(text, max(0, owner.start() - 1)):
            # "颯太さん（2年1組）の卵アレルギーに関する個別面談": a named child's allergy is
            # theirs whatever the meeting is about.
            general_after = [m for m in general_after if not ABOUT.match(m.group())]
        if general_after and not (
            NAMED_OWNER.match(text, max(0, owner.start() - 1))
            and SINGLE_GRADE.match(text, term.end(), scope_end)
        ):
            # "お子様の療育手帳をお持ちの場合", "ご本人の手帳の写し"; but a named person's
            # handbook with its grade is theirs whatever follows ("唐沢様の身体障害者手帳
            # （下肢機能障害 2級）を紛失された場合").
            return None
        if self.general_before.search(text, sentence_start, owner.start()):
            return None  # "If you need your disability certificate …"
        grade = GRADE.match(text, term.end(), scope_end)
        return term.start(), grade.end() if grade else term.end()

    def _addressed(
        self, text: str, sentence_start: int, sentence_end: int, term: regex.Match[str]
    ) -> tuple[int, int] | None:
        """A welfare payment addressed to the reader: "11月分の生活保護費は…ご指定の口座へ"."""
        payment = self.addressed_terms.search(text, term.start(), sentence_end)
        if payment is None or payment.start() != term.start():
            return None
        if not self.addressed_markers.search(text, sentence_start, sentence_end):
            return None
        in_their_case = PERSONAL_CASE.search(text, sentence_start, term.start())
        if not in_their_case and self.owner_general.search(text, sentence_start, sentence_end):
            return None  # "保護費の振込先の口座を変更する場合は…": a procedure
        if self.general_before.search(text, sentence_start, sentence_end):
            return None
        return term.start(), max(term.end(), payment.end())

    def _decided(
        self,
        text: str,
        sentence: tuple[int, int],
        following: tuple[int, int] | None,
        term: regex.Match[str],
    ) -> tuple[int, int] | None:
        """A status named in a decision addressed to the reader (this or the next sentence).

        "申請された精神障害者保健福祉手帳（2級）について、交付を決定しました" is the reader's
        handbook; "手帳の交付には1か月ほどかかります" names no decision and stays general.
        """
        tail = min(term.end() + GENERAL_TAIL + 2, sentence[1])
        applied = APPLIED_FOR.match(text, term.end(), sentence[1])
        if applied and self.decision_markers.search(text, applied.end(), sentence[1]):
            # The reader's application, decided in this very sentence: "交付申請" names it.
            return self._applied(text, sentence, term, applied)
        if self.general_after.search(text, term.end(), tail):
            return None  # "生活保護の方", "障害者手帳をお持ちの方": a group
        scopes = [sentence] + ([following] if following else [])
        for scope_start, scope_end in scopes:
            if not self.decision_markers.search(text, scope_start, scope_end):
                continue
            if self.owner_general.search(text, scope_start, scope_end):
                continue  # "決定しました場合", "申請の際は": a condition or procedure
            if self.general_before.search(text, scope_start, scope_end):
                continue
            grade = GRADE.match(text, term.end(), sentence[1])
            return term.start(), grade.end() if grade else term.end()
        return None

    def _applied(
        self,
        text: str,
        sentence: tuple[int, int],
        term: regex.Match[str],
        applied: regex.Match[str],
    ) -> tuple[int, int] | None:
        """The status in "生活保護の開始申請については、…却下となりました", unless conditional."""
        start, end = sentence
        for before, after in ((start, applied.start()), (applied.end(), end)):
            if self.owner_general.search(text, before, after):
                return None  # "…の場合", "申請の際は"
        if self.general_before.search(text, start, end):
            return None
        return term.start(), term.end()

    def _graded(
        self, text: str, sentence_end: int, term: regex.Match[str]
    ) -> tuple[int, int] | None:
        """A handbook with one specific grade: "療育手帳（B2）の再判定の結果が出ましたら"."""
        grade = SINGLE_GRADE.match(text, term.end(), sentence_end)
        if grade is None:
            return None
        clause = CLAUSE_END.search(text, grade.end(), sentence_end)
        clause_end = clause.start() if clause else sentence_end
        if self.general_after.search(text, grade.end(), clause_end):
            return None  # "（1級）の方", "2級の場合", "（B2）の判定に関するご相談"
        if self.owner_general.search(text, grade.end(), clause_end):
            return None  # "1級をお持ちの場合", "手帳（A1）の写し"
        return term.start(), grade.end()

    def _category_at(self, text: str, term: regex.Match[str]) -> str:
        """The category whose term matches where a decision term starts (disability if none)."""
        for category, terms in self.categories.items():
            found = terms.search(text, term.start(), term.end())
            if found and found.start() == term.start():
                return category
        return "welfare" if "保護" in term.group() else "disability"

    def _english_cue(self, text: str, sentence_start: int, term: regex.Match[str]) -> int | None:
        """Start of an English cue ("has been diagnosed with") standing just before the term."""
        lookback = max(sentence_start, term.start() - 60)
        # Search up to the term's end so a cue may look ahead at it ("were (?=hospitalised)").
        cues = [
            c
            for c in self.before.finditer(text, lookback, term.end())
            if c.end() <= term.start() and GAP_WORDS.match(text[c.end() : term.start()])
        ]
        if not cues:
            return None
        cue = cues[-1]
        # Up to the cue's end: "anyone diagnosed with", "do you have a" overlap the cue.
        if self.general_before.search(text, sentence_start, cue.end()):
            return None
        return cue.start()

    def _finding(
        self, unit: TextUnit, start: int, end: int, category: str, learned: float | None = None
    ) -> Finding:
        label_ja, label_en = (
            UNNAMED_LABEL
            if category == UNNAMED
            else CATEGORY_LABELS.get(category, ("要配慮個人情報", "sensitive information"))
        )
        where = f"（{unit.locate(start)}）" if unit.locate else ""
        where_en = f" ({unit.locate(start)})" if unit.locate else ""
        how_ja = how_en = ""
        if learned is not None:
            # The phrase lists did not see it; say so, the author may judge it general.
            how_ja = f"（文全体の書き方から判断しました。学習モデル、確率 {learned:.2f}）"
            how_en = f" (judged from the whole sentence; learned model, probability {learned:.2f})"
        return Finding(
            rule=self.name,
            reason=Reason.SENSITIVE_DATA,
            entity_type="SENSITIVE",
            location=unit.location,
            start=start,
            end=end,
            score=self.config.score,
            text=unit.text[start:end],
            explanation_ja=(
                f"特定の方の{label_ja}に当たる要配慮個人情報が書かれています{where}{how_ja}。"
                "本人の同意があってもメールでは送れません。この記述を削除し、"
                "必要なら電話・面談など別の方法でお伝えください。"
            ),
            explanation_en=(
                f"This discloses {label_en} of a specific person, which is sensitive personal "
                f"information{where_en}{how_en}. It may not be sent by e-mail even with consent: delete "
                "it and, if needed, convey it by phone or in person."
            ),
            detail={
                "category": category,
                **({"where": unit.locate(start)} if unit.locate else {}),
                **({"learned_probability": round(learned, 3)} if learned is not None else {}),
            },
        )


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One finding per disclosure: overlapping term spans ("がんの治療で入院") become one."""
    merged: list[tuple[int, int, str]] = []
    for start, end, category in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, category))
    return merged

"""Does a resident's mail look like an application or notification sent by e-mail?

Such mail gets a banner in the thread view: applications and notifications made
by e-mail are not valid (electronic procedures go through the e-application
service or Mynaportal), with a ready reply that says so and points to the
service (`application_reply_text`). The banner is advice to staff, never a gate:
a false alarm costs a glance, a miss costs a resident who thinks they applied.

Why not simply run the policy's application rule (mailgate/policy/rules/
application.py, policies/dictionaries/application_phrases.txt) on the inbound
text? That dictionary describes the *office's* wording when it accepts an
application or announces a decision ("申請を受理しました", "交付決定", "却下")
and is tuned NOT to match requests and guidance, so that staff may write
"電子申請サービスからお申し込みください". A resident writes the other side:
"申請します", "転入届を提出します", "申込書を添付します", "受理をお願いします".
Reusing it would miss nearly every inbound application. What is reused is the
policy's machinery: the phrases are regular expressions compiled as one
`PhraseSet` (validated, with a per-match timeout) and, when the policy in use
ships a dictionary `dictionaries/application_inbound.txt` next to its TOML file,
that file replaces the built-in list below, so the security team can tune the
banner like the rest of the policy without a release. Quoted lines ("> ...",
our own earlier mail) never count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from mailgate.policy.dictionaries import PatternTimeout, PhraseSet, in_quote, load_phrases

INBOUND_DICTIONARY = "application_inbound.txt"
_WRAPPED = re.compile(r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])")

# A resident applying, notifying or asking us to accept something. Text is NFKC-folded.
INBOUND_PHRASES = [
    # 申請します / 申請したい / 申し込みます / 届け出ます / 応募いたします
    r"(?:申請|届出|届け出|申込み?|申し込み?|応募|請求|登録申請)(?:を)?(?:いたし|致し|し|させていただき|させて頂き|させていただけ)?(?:ます|たい|たく)",
    r"(?:申し込|申込|届け出)(?:みます|みたい|ます|たい)",
    # 申請書 / 届出書 / 申込書 … を提出・送付・添付・送ります
    r"(?:申請|届出?|申込|申し込み|請求|応募|登録)(?:書|用紙|様式)(?:類)?(?:を|も)?[^。\n]{0,20}?(?:提出|送付|添付|送り|送らせ|お送り|添え)",
    # 転入届、婚姻届 … を出します (named notifications)
    r"(?:転入|転出|転居|婚姻|離婚|出生|死亡|異動|住所変更|変更|廃止|開始|休止)(?:届|届出|届け)(?:を|も)?[^。\n]{0,12}?(?:提出|送付|添付|送り|出し|します|いたします)",
    # 受理／受付をお願いします、手続きをお願いします
    r"(?:受理|受付|受け付け|手続き?|処理)(?:を|の程)?(?:お願い|願い|して(?:ください|下さい|いただけ|頂け)|よろしく)",
    r"(?:申請|届出|申込み?|申し込み)(?:の(?:受付|受理|手続き?))?(?:を|の程)?(?:お願い|よろしくお願い)",
    # English
    r"\b(?:i|we) (?:would like to|wish to|want to|hereby|am writing to) (?:apply|register|submit|notify|file)\b",
    r"\b(?:attached|enclosed|please find)\b[^.\n]{0,40}?\b(?:application|registration|notification|form)\b",
    r"\bplease (?:accept|process|register|approve)\b[^.\n]{0,30}?\b(?:my|our|this|the)\b",
    r"\b(?:application|notification) (?:for|of)\b[^.\n]{0,40}?\b(?:attached|enclosed|below)\b",
]


@lru_cache(maxsize=8)
def _phrases(dictionary: str) -> PhraseSet:
    lines = load_phrases(dictionary) if dictionary else INBOUND_PHRASES
    return PhraseSet(lines, name="application_inbound", timeout=0.5)


def phrase_set(policy_path: Path | None = None) -> PhraseSet:
    """The policy's own list when it has one (dictionaries/application_inbound.txt), else ours."""
    if policy_path is not None:
        candidate = policy_path.parent / "dictionaries" / INBOUND_DICTIONARY
        if candidate.is_file():
            return _phrases(str(candidate))
    return _phrases("")


def _unquoted(text: str) -> str:
    lines = []
    offset = 0
    for line in text.split("\n"):
        if not in_quote(text, offset):
            lines.append(line)
        offset += len(line) + 1
    return "\n".join(lines)


def looks_like_application(subject: str, body: str, policy_path: Path | None = None) -> bool:
    """Whether the resident seems to apply or notify by e-mail (subject and unquoted body)."""
    text = unicodedata.normalize("NFKC", f"{subject}\n\n{_unquoted(body)}")
    # Hard-wrapped Japanese lines: join them so a phrase may run on to the next line.
    joined = _WRAPPED.sub("", text.replace("\r", ""))
    try:
        return phrase_set(policy_path).search(joined[:100_000]) is not None
    except PatternTimeout:
        return True  # cannot tell: showing the advice is the safe side


def application_reply_text(lang: str, url: str) -> str:
    """The standard answer to mail that looks like an application: e-mail is not accepted.

    Used by the compose page for /threads/{id}/reply?template=application. It
    guides to the e-application service, so the policy's application rule lets
    it through (the negation "受け付けておりません" decides nothing).
    """
    if lang == "en":
        return (
            "Thank you for your message.\n\n"
            "We are sorry, but applications and notifications cannot be accepted by e-mail, "
            "and an application sent by e-mail is not valid.\n"
            "Please apply through the city's online application service (e-application):\n"
            f"{url}\n\n"
            "If you have any questions about the procedure, please contact us."
        )
    return (
        "お問い合わせいただきありがとうございます。\n\n"
        "申し訳ございませんが、申請・届出は電子メールでは受け付けておりません。"
        "電子メールでお送りいただいた申請・届出は無効となります。\n"
        "お手数ですが、電子申請サービスからお手続きください。\n"
        f"{url}\n\n"
        "お手続きについてご不明な点がございましたら、お気軽にお問い合わせください。"
    )

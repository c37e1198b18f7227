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
policy's machinery and data: the phrases are regular expressions in
`policies/dictionaries/application_inbound.txt`, compiled as one `PhraseSet`
(validated, with a per-match timeout). When the policy in use has its own
`dictionaries/application_inbound.txt` next to its TOML file, that file is used
instead, so the security team can tune the banner like the rest of the policy
without a release. Quoted lines ("> ...", our own earlier mail) never count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from mailgate.policy.dictionaries import (
    PatternTimeout,
    PhraseSet,
    in_quote,
    load_phrases,
)
from mailgate.resources import data_dir

INBOUND_DICTIONARY = "application_inbound.txt"
_WRAPPED = re.compile(r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])")


@lru_cache(maxsize=8)
def _phrases(dictionary: str) -> PhraseSet:
    return PhraseSet(load_phrases(dictionary), name="application_inbound", timeout=0.5)


def phrase_set(policy_path: Path | None = None) -> PhraseSet:
    """The list next to the policy in use (dictionaries/application_inbound.txt), else the one
    shipped with the default policy (mailgate.resources.data_dir("policies"))."""
    shipped = data_dir("policies") / "dictionaries" / INBOUND_DICTIONARY
    if policy_path is not None:
        candidate = policy_path.parent / "dictionaries" / INBOUND_DICTIONARY
        if candidate.is_file():
            return _phrases(str(candidate))
    return _phrases(str(shipped))


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

"""JP_DRIVER_LICENSE: the 12-digit 運転免許証番号, reported only with licence context.

Twelve digits alone are far more often an order or reservation number; the
licence caption is what identifies them.
"""

from __future__ import annotations

import re

from mailgate.policy.recognizers.numbers import CaptionedNumberRecognizer, words

PATTERN = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}")

CONTEXT = words(
    "運転免許",
    "免許証",
    "免許番号",
    "免許",
    # the certificate given when a licence is surrendered carries the licence's number
    "運転経歴証明書",
    "driving history certificate",
    "driving record certificate",
    "driver's licence",
    "driver's license",
    "drivers licence",
    "drivers license",
    "driving licence",
    "driving license",
    "driver license",
    "licence no",
    "license no",
    "license number",
    "licence number",
)


class DriverLicenseRecognizer(CaptionedNumberRecognizer):
    ENTITY = "JP_DRIVER_LICENSE"
    PATTERN = PATTERN
    CONTEXT = CONTEXT
    PATTERN_NAME = "licence_12_digits"
    DESCRIPTION = "12 digits with the driver's licence context word"

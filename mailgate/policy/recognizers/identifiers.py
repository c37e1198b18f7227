"""The set of identifier and number recognizers, one instance per language for presidio's registry."""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import EntityRecognizer

from mailgate.policy.recognizers.bank_account import BankAccountRecognizer
from mailgate.policy.recognizers.birth_date import BirthDateRecognizer
from mailgate.policy.recognizers.credit_card import CreditCardRecognizer
from mailgate.policy.recognizers.driver_license import DriverLicenseRecognizer
from mailgate.policy.recognizers.email import EmailRecognizer
from mailgate.policy.recognizers.health_insurance import HealthInsuranceRecognizer
from mailgate.policy.recognizers.my_number import MyNumberRecognizer
from mailgate.policy.recognizers.numbers import IdentifierRecognizer
from mailgate.policy.recognizers.passport import PassportRecognizer
from mailgate.policy.recognizers.pension import PensionNumberRecognizer
from mailgate.policy.recognizers.phone import PhoneRecognizer
from mailgate.policy.recognizers.postal_code import PostalCodeRecognizer
from mailgate.policy.recognizers.resident_code import ResidentCodeRecognizer

RECOGNIZER_CLASSES: tuple[type[IdentifierRecognizer], ...] = (
    MyNumberRecognizer,
    PhoneRecognizer,
    PostalCodeRecognizer,
    BirthDateRecognizer,
    BankAccountRecognizer,
    CreditCardRecognizer,
    PassportRecognizer,
    DriverLicenseRecognizer,
    HealthInsuranceRecognizer,
    PensionNumberRecognizer,
    ResidentCodeRecognizer,
    EmailRecognizer,
)

# Entity type -> recognizer class, for policies that enable types by name.
ENTITY_RECOGNIZERS: dict[str, type[IdentifierRecognizer]] = {
    cls.ENTITY: cls for cls in RECOGNIZER_CLASSES
}


def identifier_recognizers(languages: Sequence[str] = ("ja", "en")) -> list[EntityRecognizer]:
    """One instance of every identifier recognizer per language.

    The recognizers are language-neutral (Japanese and English context words
    together); presidio's registry serves a recognizer only for its language,
    so each language gets its own instance.
    """
    return [
        cls(supported_language=language) for language in languages for cls in RECOGNIZER_CLASSES
    ]

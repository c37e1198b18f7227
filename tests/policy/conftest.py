"""Policy test fixtures (the analyzer and shared resources live in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources
from mailgate.policy.structure import analyse
from mailgate.policy.units import TextUnit


@pytest.fixture(scope="session")
def resources(shared_resources: Resources) -> Resources:
    return shared_resources


@pytest.fixture(scope="session")
def body_unit() -> Callable[[str], TextUnit]:
    def make(body: str) -> TextUnit:
        return TextUnit("body", body, structure=analyse(body))

    return make


def mail_units(mail: OutgoingMail) -> list[TextUnit]:
    """Subject, body (with its structure) and attachment texts, as the chain builds them."""
    units = [
        TextUnit("subject", mail.subject),
        TextUnit("body", mail.body, structure=analyse(mail.body)),
    ]
    return units + [TextUnit(f"attachment:{a.filename}", a.text or "") for a in mail.attachments]

"""The registered rules, by their unique names (policy files refer to rules by name)."""

from __future__ import annotations

from mailgate.policy.rules.base import Rule


def rule_classes() -> dict[str, type[Rule]]:
    # Imported here so that loading the registry is what pulls in the rules (and
    # their NLP dependencies), not importing mailgate.policy.
    from mailgate.policy.rules.application import ApplicationRule
    from mailgate.policy.rules.attachments import AttachmentsRule
    from mailgate.policy.rules.bulk_send import BulkSendRule
    from mailgate.policy.rules.personal_data import PersonalDataRule
    from mailgate.policy.rules.sensitive_data import SensitiveDataRule

    classes: list[type[Rule]] = [
        PersonalDataRule,
        SensitiveDataRule,
        BulkSendRule,
        ApplicationRule,
        AttachmentsRule,
    ]
    registry: dict[str, type[Rule]] = {}
    for cls in classes:
        if cls.name in registry:
            raise RuntimeError(f"two rules are named {cls.name!r}")
        registry[cls.name] = cls
    return registry

"""What a policy configures for sensitive data: the categories' terms and the dictionaries of
cues that tie a term to a person or make it general (policies/dictionaries/sensitive_*.txt)."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from mailgate.policy.dictionaries import default_phrases, validate_patterns
from mailgate.policy.rules.base import ModelFileConfig, RuleConfig
from mailgate.resources import data_dir

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "health": ("病歴・健康状態", "medical history or health"),
    "disability": ("障害", "a disability"),
    "welfare": ("生活保護等の受給", "welfare or public assistance"),
    "criminal": ("犯罪の経歴", "a criminal record"),
    "victim": ("犯罪・DVの被害", "being a victim of crime or domestic violence"),
    "race": ("人種・民族", "race or ethnicity"),
    "creed": ("信条・宗教", "creed or religion"),
    "social_status": ("社会的身分", "social status"),
    "sexual_orientation": ("性的指向・性自認", "sexual orientation or gender identity"),
}


def _default_categories() -> dict[str, list[str]]:
    return {name: default_phrases(f"sensitive_{name}.txt") for name in CATEGORY_LABELS}


def _default_roster_columns() -> dict[str, list[str]]:
    """sensitive_roster_columns.txt: "key pattern" per line (the file's header says more)."""
    columns: dict[str, list[str]] = {}
    for line in default_phrases("sensitive_roster_columns.txt"):
        key, _, pattern = line.partition(" ")
        columns.setdefault(key, []).append(pattern.strip())
    return columns


class DisclosureModelConfig(ModelFileConfig):
    """The learned reading of disclosures (disclosure_model.py)."""

    file: str = Field(
        default_factory=lambda: str(data_dir("policies") / "models" / "disclosure_model.json")
    )
    # A body sentence with a category term the model scores at least this high blocks.
    flag_at: float = Field(default=0.8, ge=0.5, le=1.0)
    # A sentence with no category term blocks only when the model is all but certain: staff
    # word disclosures in ways no list foresees (docs/decisions/0014). 1.0 switches it off.
    flag_without_term_at: float = Field(default=0.99, ge=0.5, le=1.0)


class SensitiveDataConfig(RuleConfig):
    # Category -> term patterns. A policy may add categories; unknown ones get a generic label.
    categories: dict[str, list[str]] = Field(default_factory=_default_categories)
    disclosure_after: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_disclosure.txt")
    )
    disclosure_before: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_disclosure_before.txt")
    )
    predicates: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_predicates.txt")
    )
    subjects: list[str] = Field(default_factory=lambda: default_phrases("sensitive_subjects.txt"))
    general_after: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_general_after.txt")
    )
    general_before: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_general_before.txt")
    )
    # An owner right before the term ("藤井様の", "お子様の", "your") and what makes it general.
    owners: list[str] = Field(default_factory=lambda: default_phrases("sensitive_owners.txt"))
    owner_general: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_owner_general.txt")
    )
    # Welfare payments and what addresses one to the reader ("ご指定の口座", "11月分").
    addressed_terms: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_addressed_terms.txt")
    )
    addressed_markers: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_addressed_markers.txt")
    )
    # Statuses a decision addressed to the reader discloses, and that decision wording
    # ("申請された精神障害者保健福祉手帳について、交付を決定しました").
    decision_terms: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_decision_terms.txt")
    )
    decision_markers: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_decision_markers.txt")
    )
    # Handbooks whose single grade names one holder ("療育手帳（B2）の再判定").
    graded_terms: list[str] = Field(
        default_factory=lambda: default_phrases("sensitive_graded_terms.txt")
    )
    # A roster's columns: "person" (its names) and, by category, the conditions its cells state.
    roster_columns: dict[str, list[str]] = Field(default_factory=_default_roster_columns)
    window: int = Field(default=20, ge=1, le=200)  # max characters from term to cue
    score: float = Field(default=0.85, ge=0.0, le=1.0)
    timeout_seconds: float = Field(default=0.5, gt=0.0)
    disclosure_model: DisclosureModelConfig = Field(default_factory=DisclosureModelConfig)

    @field_validator(
        "disclosure_after",
        "disclosure_before",
        "predicates",
        "subjects",
        "general_after",
        "general_before",
        "owners",
        "owner_general",
        "addressed_terms",
        "addressed_markers",
        "decision_terms",
        "decision_markers",
        "graded_terms",
    )
    @classmethod
    def _compiles(cls, lines: list[str], info: ValidationInfo) -> list[str]:
        validate_patterns(lines, field=info.field_name or "patterns")
        return lines

    @field_validator("categories", "roster_columns")
    @classmethod
    def _categories_compile(
        cls, categories: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        for name, lines in categories.items():
            validate_patterns(lines, field=f"{info.field_name}.{name}")
        return categories

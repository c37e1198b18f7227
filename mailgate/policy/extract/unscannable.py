"""Why an attachment cannot be scanned: the limits, the reasons in staff's words, the finding."""

from __future__ import annotations

from dataclasses import dataclass

from mailgate.policy.findings import Finding, Reason
from mailgate.policy.mail import OutgoingAttachment


@dataclass(frozen=True)
class ExtractLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 200
    max_cells: int = 200_000
    max_chars: int = 2_000_000
    # DOCX/XLSX are ZIP containers: refuse a "zip bomb" before inflating it.
    max_uncompressed_bytes: int = 64 * 1024 * 1024


@dataclass
class Unscannable:
    kind: str  # executable | archive | encrypted | legacy_office | unknown_type | corrupt | too_large | no_text
    reason_ja: str
    reason_en: str


def too_large(what: str) -> Unscannable:
    return Unscannable(
        "too_large",
        f"添付ファイルが大きすぎるため（上限 {what}）内容を確認できません。分割するか、必要な部分だけを添付してください。",
        f"The attachment is too large to scan (limit {what}). Split it or attach only the part needed.",
    )


def encrypted(kind: str) -> Unscannable:
    return Unscannable(
        "encrypted",
        f"パスワード付き（暗号化された）{kind} は内容を確認できないため添付できません。パスワードを外して添付してください。",
        f"Password-protected (encrypted) {kind} files cannot be scanned. Remove the password and attach the file again.",
    )


def executable() -> Unscannable:
    return Unscannable(
        "executable",
        "実行ファイル・スクリプトは添付できません。",
        "Executable files and scripts may not be attached.",
    )


def unscannable_finding(attachment: OutgoingAttachment, result: Unscannable) -> Finding:
    return Finding(
        rule="attachments",
        reason=Reason.UNSCANNABLE_ATTACHMENT,
        entity_type="ATTACHMENT",
        location=f"attachment:{attachment.filename}",
        explanation_ja=f"添付ファイル「{attachment.filename}」：{result.reason_ja}",
        explanation_en=f"Attachment '{attachment.filename}': {result.reason_en}",
        detail={"kind": result.kind, "filename": attachment.filename},
    )

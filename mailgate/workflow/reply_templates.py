"""A department's reply templates (canned replies): listed for members, kept by supervisors."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailgate import audit
from mailgate.models import ReplyTemplate, User, utcnow
from mailgate.workflow.drafts import MAX_BODY_CHARS
from mailgate.workflow.errors import WorkflowError

MAX_NAME = 200
MAX_SUBJECT = 500


def list_templates(session: Session, department_id: int) -> list[ReplyTemplate]:
    return list(
        session.exec(
            select(ReplyTemplate)
            .where(ReplyTemplate.department_id == department_id)
            .order_by(col(ReplyTemplate.name), col(ReplyTemplate.id))
        )
    )


def _validate(name: str, subject: str, body: str) -> tuple[str, str, str]:
    name, subject = name.strip(), subject.strip()
    if not name:
        raise WorkflowError("a template needs a name")
    if len(name) > MAX_NAME:
        raise WorkflowError(f"the name is longer than {MAX_NAME} characters")
    if len(subject) > MAX_SUBJECT:
        raise WorkflowError(f"the subject is longer than {MAX_SUBJECT} characters")
    if "\n" in subject or "\r" in subject or "\n" in name or "\r" in name:
        raise WorkflowError("the subject must be one line")
    if len(body) > MAX_BODY_CHARS:
        raise WorkflowError(f"the body is longer than {MAX_BODY_CHARS} characters")
    return name, subject, body.replace("\r\n", "\n")


def _record(session: Session, action: str, template: ReplyTemplate, actor: User) -> None:
    audit.record(
        session,
        action,
        actor=actor.username,
        actor_id=actor.id,
        department_id=template.department_id,
        object_type="reply_template",
        object_id=template.id or "",
        details={"name": template.name},
    )


def create(
    session: Session, *, department_id: int, actor: User, name: str, subject: str = "", body: str
) -> ReplyTemplate:
    name, subject, body = _validate(name, subject, body)
    template = ReplyTemplate(
        department_id=department_id,
        name=name,
        subject=subject,
        body=body,
        updated_by=actor.id,
        updated_at=utcnow(),
    )
    session.add(template)
    session.flush()
    _record(session, "template.create", template, actor)
    return template


def update(
    session: Session, template: ReplyTemplate, *, actor: User, name: str, subject: str, body: str
) -> ReplyTemplate:
    template.name, template.subject, template.body = _validate(name, subject, body)
    template.updated_by = actor.id
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    _record(session, "template.update", template, actor)
    return template


def delete(session: Session, template: ReplyTemplate, *, actor: User) -> None:
    _record(session, "template.delete", template, actor)
    session.delete(template)
    session.flush()

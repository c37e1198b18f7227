"""Compose and reply: drafts, the policy check on submit, blocked drafts, reply templates.

A GET never creates anything: the reply and compose forms are prefilled, and the
draft is created by the POST ("Save draft" or "Submit for approval"). A blocked
draft reopens on its edit page with each finding highlighted in place
(mailgate.web.highlight), its explanation, and a one-click redaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from mailgate.errors import NotFound
from mailgate.mail.application_notice import application_reply_text
from mailgate.models import (
    Approval,
    Counterpart,
    Decision,
    Department,
    Direction,
    Message,
    MessageState,
    ReplyTemplate,
    Thread,
    User,
)
from mailgate.web import access, audit_trail, views
from mailgate.web.access import rule
from mailgate.web.deps import Ctx, FormCtx, PageCtx, render
from mailgate.web.highlight import highlight, marked, shown_findings
from mailgate.web.i18n import Translator
from mailgate.workflow import drafts, reply_templates, states
from mailgate.workflow.errors import DraftChangedError, WorkflowError

router = APIRouter(include_in_schema=False)

MAX_ADDRESSES_FIELD = 20_000
MAX_BODY_FIELD = drafts.MAX_BODY_CHARS + 1000

To = Annotated[str, Form(max_length=MAX_ADDRESSES_FIELD)]
Cc = Annotated[str, Form(max_length=MAX_ADDRESSES_FIELD)]
Subject = Annotated[str, Form(max_length=2000)]
Body = Annotated[str, Form(max_length=MAX_BODY_FIELD)]
Action = Annotated[str, Form(max_length=20)]


# ---------------------------------------------------------------------------
# Words for codes (shared with the approval pages)


def state_words(t: Translator) -> dict[str, str]:
    return {
        "draft": t("Draft"),
        "blocked": t("Stopped by the policy check"),
        "pending_approval": t("Waiting for approval"),
        "rejected": t("Returned by the supervisor"),
        "withdrawn": t("Withdrawn"),
        "queued": t("Approved, waiting to be sent"),
        "deferred": t("Sending delayed, will retry"),
        "sent": t("Sent"),
        "failed": t("Sending failed"),
        "received": t("Received"),
    }


def reason_words(t: Translator) -> dict[str, str]:
    return {
        "personal_data": t("Personal data"),
        "sensitive_data": t("Sensitive personal information"),
        "bulk_send": t("Sending to many recipients"),
        "application_or_disposition": t("Application or administrative decision by e-mail"),
        "unscannable_attachment": t("Attachment that cannot be checked"),
        "policy_error": t("The policy check could not finish"),
    }


def entity_words(t: Translator) -> dict[str, str]:
    return {
        "JP_MY_NUMBER": t("My Number (individual number)"),
        "PERSON": t("Person's name"),
        "PHONE_NUMBER": t("Phone number"),
        "EMAIL_ADDRESS": t("E-mail address"),
        "POSTAL_ADDRESS": t("Postal address"),
        "LOCATION": t("Place"),
        "JP_POSTAL_CODE": t("Postal code"),
        "DATE_OF_BIRTH": t("Date of birth"),
        "JP_RESIDENT_CODE": t("Resident record code"),
        "JP_PENSION_NUMBER": t("Basic pension number"),
        "JP_PASSPORT": t("Passport number"),
        "JP_HEALTH_INSURANCE": t("Health insurance card number"),
        "JP_DRIVER_LICENSE": t("Driver's license number"),
        "CREDIT_CARD": t("Credit card number"),
        "BANK_ACCOUNT": t("Bank account number"),
        "SENSITIVE": t("Sensitive information (health, beliefs, criminal record, ...)"),
        "IDENTIFIER": t("Identification number"),
        "ORGANIZATION": t("Organisation name"),
        "RECIPIENTS": t("Number of recipients"),
        "NEWSLETTER": t("Mass mailing"),
        "NEAR_DUPLICATE": t("Same text sent to many people"),
        "APPLICATION_OR_DISPOSITION": t("Application or decision"),
        "ATTACHMENT": t("Attachment"),
        "PATTERN_TIMEOUT": t("Check took too long"),
    }


def location_words(t: Translator, location: str) -> str:
    if location == "body":
        return t("Body")
    if location == "subject":
        return t("Subject")
    if location.startswith("attachment:"):
        return t("Attachment %(name)s", name=location.partition(":")[2])
    return t("Whole message")


def words(t: Translator) -> dict[str, Any]:
    """What the templates need to show codes as words."""
    return {
        "state_words": state_words(t),
        "reason_words": reason_words(t),
        "entity_words": entity_words(t),
        "location_words": lambda location: location_words(t, location),
    }


def error_text(t: Translator, exc: WorkflowError) -> str:
    """A workflow validation error in the UI language (the workflow speaks English)."""
    text = str(exc)
    number = re.search(r"\d+", text)
    value = number.group(0) if number else ""
    if text.startswith("not an e-mail address"):
        return t("Not an e-mail address: %(value)s", value=text.partition(": ")[2].strip("'\""))
    if text.startswith("a message needs at least one recipient"):
        return t("Enter at least one recipient.")
    if text.startswith("at most") and "recipients" in text:
        return t("Too many recipients (at most %(value)s).", value=value)
    if text.startswith("the body is longer than"):
        return t("The text is too long (at most %(value)s characters).", value=value)
    if text.startswith("the subject must be one line"):
        return t("The subject must be one line.")
    if text.startswith("a template needs a name"):
        return t("Enter a name for the template.")
    if text.startswith("the name is longer than"):
        return t("The name is too long (at most %(value)s characters).", value=value)
    if text.startswith("the subject is longer than"):
        return t("The subject is too long (at most %(value)s characters).", value=value)
    if text.startswith("a rejection needs a comment"):
        return t("Write a comment for the author when you return a message.")
    if text.startswith("the comment is longer than"):
        return t("The comment is too long (at most %(value)s characters).", value=value)
    return text


# ---------------------------------------------------------------------------
# Prefill


def _latest_inbound(ctx: Ctx, thread: Thread) -> Message | None:
    return ctx.session.exec(
        select(Message)
        .where(Message.thread_id == thread.id, Message.direction == Direction.INBOUND)
        .order_by(col(Message.id).desc())
    ).first()


def _reply_subject(thread: Thread, original: Message | None) -> str:
    """As drafts.start_reply names it."""
    subject = original.subject if original is not None else thread.subject
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _template_text(ctx: Ctx, department_id: int, choice: str, lang: str) -> tuple[str, str]:
    """(subject, body) of the chosen template; ("", "") for none."""
    if not choice:
        return "", ""
    if choice == "application":
        return "", application_reply_text(lang, ctx.settings.web.e_application_url)
    try:
        template_id = int(choice)
    except ValueError:
        raise NotFound("not found") from None
    template = access.load_template(ctx.session, ctx.me, template_id, "member")
    if template.department_id != department_id:
        raise NotFound("not found")
    return template.subject, template.body


def _join(first: str, second: str) -> str:
    if first and second:
        return f"{first}\n\n{second}"
    return first or second


def _split(field: str) -> list[str]:
    return [part for part in field.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


@dataclass
class DraftForm:
    """The draft fields as posted: shown again as typed when the form is refused."""

    to: str = ""
    cc: str = ""
    subject: str = ""
    body: str = ""

    def values(self) -> dict[str, str]:
        return {"to": self.to, "cc": self.cc, "subject": self.subject, "body": self.body}

    def data(self) -> drafts.DraftInput:
        return drafts.DraftInput(
            to=_split(self.to),
            cc=_split(self.cc),
            subject=self.subject.strip(),
            body=self.body.replace("\r\n", "\n"),
        )


def _draft_page(
    ctx: Ctx,
    page: str,
    context: dict[str, Any],
    *,
    department_id: int,
    template: str,
    error: str,
    status: int,
) -> Response:
    """A page with the draft form and its template picker (compose/form.html, compose/edit.html)."""
    return render(
        ctx,
        page,
        {
            **context,
            "templates": reply_templates.list_templates(ctx.session, department_id),
            "chosen": template,
            "application_text": application_reply_text("ja", ctx.settings.web.e_application_url),
            "error": error,
            **words(ctx.t),
        },
        status_code=status,
    )


def _form_page(
    ctx: Ctx,
    *,
    department: Department,
    thread: Thread | None,
    values: dict[str, str],
    template: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    department_id = department.id or 0
    action = f"/threads/{thread.id}/reply" if thread else f"/departments/{department_id}/compose"
    return _draft_page(
        ctx,
        "compose/form.html",
        {"department": department, "thread": thread, "action": action, "values": values},
        department_id=department_id,
        template=template,
        error=error,
        status=status,
    )


def _refused_form(
    ctx: Ctx, exc: WorkflowError, department: Department, thread: Thread | None, form: DraftForm
) -> Response:
    """The form again, as typed, with what was wrong (nothing of the attempt is kept)."""
    ctx.session.rollback()
    return _form_page(
        ctx,
        department=department,
        thread=thread,
        values=form.values(),
        error=error_text(ctx.t, exc),
        status=400,
    )


def _after_save(ctx: Ctx, message: Message, action: str) -> Response:
    """Submit if asked; commit; where the author goes next."""
    if action == "submit":
        try:
            verdict = drafts.submit(
                ctx.session, ctx.gate, message, actor=ctx.user, secret=ctx.request.app.state.secret
            )
        except DraftChangedError:
            # Saved (submit commits the draft before its check), but changed meanwhile.
            ctx.session.rollback()
            return RedirectResponse(f"/messages/{message.id}/edit?notice=changed", status_code=303)
        ctx.commit()
        if verdict.blocked:
            return RedirectResponse(f"/messages/{message.id}/edit", status_code=303)
        return RedirectResponse(f"/threads/{message.thread_id}?notice=submitted", status_code=303)
    ctx.commit()
    return RedirectResponse(f"/messages/{message.id}/edit?notice=saved", status_code=303)


# ---------------------------------------------------------------------------
# Reply


@router.get("/threads/{thread_id}/reply")
@rule("member")
def reply_form(
    ctx: PageCtx, thread_id: int, template: str = "", reply_lang: str = "ja"
) -> Response:
    thread = access.load_thread(ctx.session, ctx.me, thread_id)
    department = ctx.session.get(Department, thread.department_id)
    assert department is not None
    counterpart = ctx.session.get(Counterpart, thread.counterpart_id)
    original = _latest_inbound(ctx, thread)
    _, text = _template_text(ctx, thread.department_id, template, reply_lang)
    quoted = drafts.quote(original) if original else ""
    if original is not None:  # the resident's text is shown (quoted): a view of that message
        audit_trail.message_event(ctx, "message.view", original, {"page": "reply"})
        ctx.commit()
    values = {
        "to": counterpart.address if counterpart else "",
        "cc": "",
        "subject": _reply_subject(thread, original),
        "body": _join(text, quoted) if text else ("\n\n" + quoted if quoted else ""),
    }
    return _form_page(ctx, department=department, thread=thread, values=values, template=template)


@router.post("/threads/{thread_id}/reply")
@rule("member")
def reply_save(
    ctx: FormCtx,
    thread_id: int,
    to: To = "",
    cc: Cc = "",
    subject: Subject = "",
    body: Body = "",
    action: Action = "save",
) -> Response:
    thread = access.load_thread(ctx.session, ctx.me, thread_id)
    form = DraftForm(to, cc, subject, body)
    try:
        message = drafts.start_reply(
            ctx.session, thread=thread, author=ctx.user, mail_domain=ctx.settings.mail_domain
        )
        drafts.edit(ctx.session, message, editor=ctx.user, data=form.data())
    except WorkflowError as exc:
        department = ctx.session.get(Department, thread.department_id)
        assert department is not None
        return _refused_form(ctx, exc, department, thread, form)
    return _after_save(ctx, message, action)


# ---------------------------------------------------------------------------
# New message


@router.get("/departments/{department_id}/compose")
@rule("member")
def compose_form(
    ctx: PageCtx, department_id: int, to: str = "", template: str = "", reply_lang: str = "ja"
) -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id)
    subject, text = _template_text(ctx, department_id, template, reply_lang)
    values = {"to": to[:320], "cc": "", "subject": subject, "body": text}
    return _form_page(ctx, department=department, thread=None, values=values, template=template)


@router.post("/departments/{department_id}/compose")
@rule("member")
def compose_save(
    ctx: FormCtx,
    department_id: int,
    to: To = "",
    cc: Cc = "",
    subject: Subject = "",
    body: Body = "",
    action: Action = "save",
) -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id)
    form = DraftForm(to, cc, subject, body)
    try:
        message = drafts.start_new(
            ctx.session,
            department=department,
            author=ctx.user,
            data=form.data(),
            mail_domain=ctx.settings.mail_domain,
        )
    except WorkflowError as exc:
        return _refused_form(ctx, exc, department, None, form)
    return _after_save(ctx, message, action)


# ---------------------------------------------------------------------------
# Edit a draft (blocked, returned or withdrawn)


def _last_rejection(ctx: Ctx, message: Message) -> tuple[Approval, User | None] | None:
    approval = ctx.session.exec(
        select(Approval)
        .where(Approval.message_pk == message.id, Approval.decision == Decision.REJECTED)
        .order_by(col(Approval.id).desc())
    ).first()
    if approval is None:
        return None
    return approval, ctx.session.get(User, approval.actor_id)


def blocked_view(ctx: Ctx, message: Message) -> dict[str, Any]:
    """The findings of a blocked draft, numbered, and its text with them marked in place."""
    report = message.policy_report or {}
    findings = shown_findings(report.get("findings", []), ctx.t.lang, blocking=True)
    return {
        "findings": findings,
        "body_html": highlight(message.text_body, findings, "body"),
        "subject_html": highlight(message.subject, findings, "subject"),
        "subject_marked": bool(marked(message.subject, findings, "subject")),
        "marked": set(marked(message.text_body, findings, "body"))
        | set(marked(message.subject, findings, "subject")),
        "masked_body": str(report.get("masked_body", message.text_body)),
        "masked_subject": str(report.get("masked_subject", "") or message.subject),
        "policy_version": str(report.get("policy_version", "")),
    }


def _edit_page(
    ctx: Ctx,
    message: Message,
    *,
    values: dict[str, str] | None = None,
    notice: str = "",
    error: str = "",
    template: str = "",
    reply_lang: str = "ja",
    status: int = 200,
) -> Response:
    department = ctx.session.get(Department, message.department_id)
    thread = ctx.session.get(Thread, message.thread_id)
    assert department is not None and thread is not None
    if values is None:
        _, text = _template_text(ctx, message.department_id, template, reply_lang)
        values = {
            "to": ", ".join(message.to_addresses),
            "cc": ", ".join(message.cc_addresses),
            "subject": message.subject,
            "body": _join(text, message.text_body),
        }
    blocked = blocked_view(ctx, message) if message.state == MessageState.BLOCKED else None
    rejection = _last_rejection(ctx, message) if message.state == MessageState.REJECTED else None
    return _draft_page(
        ctx,
        "compose/edit.html",
        {
            "message": message,
            "thread": thread,
            "department": department,
            "values": values,
            "blocked": blocked,
            "rejection": rejection,
            "attachments": views.attachments_of(ctx.session, message),
            "notice": notice,
        },
        department_id=message.department_id,
        template=template,
        error=error,
        status=status,
    )


def _editable(ctx: Ctx, message_id: int) -> Message:
    message = access.load_message(ctx.session, ctx.me, message_id)
    states.require(message, "edit")
    return message


@router.get("/messages/{message_id}/edit")
@rule("member")
def edit_form(
    ctx: PageCtx, message_id: int, notice: str = "", template: str = "", reply_lang: str = "ja"
) -> Response:
    message = access.load_message(ctx.session, ctx.me, message_id)
    if message.direction != Direction.OUTBOUND:
        return RedirectResponse(f"/threads/{message.thread_id}", status_code=303)
    if not states.allowed(message, "edit"):
        if message.state == MessageState.PENDING_APPROVAL:
            return RedirectResponse(f"/messages/{message.id}/review", status_code=303)
        return RedirectResponse(f"/threads/{message.thread_id}", status_code=303)
    audit_trail.message_event(ctx, "message.view", message, {"page": "edit"})
    ctx.commit()
    return _edit_page(ctx, message, notice=notice[:20], template=template, reply_lang=reply_lang)


@router.post("/messages/{message_id}/edit")
@rule("member")
def edit_save(
    ctx: FormCtx,
    message_id: int,
    to: To = "",
    cc: Cc = "",
    subject: Subject = "",
    body: Body = "",
    action: Action = "save",
) -> Response:
    message = _editable(ctx, message_id)
    form = DraftForm(to, cc, subject, body)
    try:
        drafts.edit(ctx.session, message, editor=ctx.user, data=form.data())
    except WorkflowError as exc:
        ctx.session.rollback()
        message = _editable(ctx, message_id)
        return _edit_page(
            ctx, message, values=form.values(), error=error_text(ctx.t, exc), status=400
        )
    return _after_save(ctx, message, action)


@router.post("/messages/{message_id}/redact")
@rule("member")
def redact(ctx: FormCtx, message_id: int) -> Response:
    """Replace the text with the policy's redaction suggestion; the author still submits."""
    message = _editable(ctx, message_id)
    report = message.policy_report or {}
    if message.state != MessageState.BLOCKED or "masked_body" not in report:
        raise WorkflowError("there is no redaction suggestion for this message")
    data = drafts.DraftInput(
        to=list(message.to_addresses),
        cc=list(message.cc_addresses),
        subject=str(report.get("masked_subject") or message.subject),
        body=str(report.get("masked_body", message.text_body)),
    )
    drafts.edit(ctx.session, message, editor=ctx.user, data=data)
    audit_trail.message_event(
        ctx, "draft.redacted", message, {"policy_version": report.get("policy_version", "")}
    )
    ctx.commit()
    return RedirectResponse(f"/messages/{message.id}/edit?notice=redacted", status_code=303)


# ---------------------------------------------------------------------------
# Reply templates


def _templates_page(
    ctx: Ctx,
    department: Department,
    *,
    values: dict[str, str] | None = None,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    department_id = department.id or 0
    templates = reply_templates.list_templates(ctx.session, department_id)
    editors = views.users_by_id(ctx.session, (t.updated_by for t in templates))
    return render(
        ctx,
        "compose/templates.html",
        {
            "department": department,
            "templates": templates,
            "editors": editors,
            "can_edit": ctx.me.has_supervisor(department_id),
            "values": values or {"name": "", "subject": "", "body": ""},
            "notice": notice,
            "error": error,
        },
        status_code=status,
    )


@router.get("/departments/{department_id}/templates")
@rule("member")
def templates_list(ctx: PageCtx, department_id: int, notice: str = "") -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id)
    return _templates_page(ctx, department, notice=notice[:20])


@router.post("/departments/{department_id}/templates")
@rule("supervisor")
def template_create(
    ctx: FormCtx,
    department_id: int,
    name: Annotated[str, Form(max_length=1000)] = "",
    subject: Subject = "",
    body: Body = "",
) -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id, "supervisor")
    try:
        reply_templates.create(
            ctx.session,
            department_id=department_id,
            actor=ctx.user,
            name=name,
            subject=subject,
            body=body,
        )
    except WorkflowError as exc:
        ctx.session.rollback()
        values = {"name": name, "subject": subject, "body": body}
        return _templates_page(
            ctx, department, values=values, error=error_text(ctx.t, exc), status=400
        )
    ctx.commit()
    return RedirectResponse(f"/departments/{department_id}/templates?notice=created", 303)


def _template_edit_page(
    ctx: Ctx, template: ReplyTemplate, values: dict[str, str], error: str = "", status: int = 200
) -> Response:
    department = ctx.session.get(Department, template.department_id)
    return render(
        ctx,
        "compose/template_edit.html",
        {"template": template, "department": department, "values": values, "error": error},
        status_code=status,
    )


@router.get("/templates/{template_id}/edit")
@rule("supervisor")
def template_edit_form(ctx: PageCtx, template_id: int) -> Response:
    template = access.load_template(ctx.session, ctx.me, template_id, "supervisor")
    values = {"name": template.name, "subject": template.subject, "body": template.body}
    return _template_edit_page(ctx, template, values)


@router.post("/templates/{template_id}/edit")
@rule("supervisor")
def template_update(
    ctx: FormCtx,
    template_id: int,
    name: Annotated[str, Form(max_length=1000)] = "",
    subject: Subject = "",
    body: Body = "",
) -> Response:
    template = access.load_template(ctx.session, ctx.me, template_id, "supervisor")
    try:
        reply_templates.update(
            ctx.session, template, actor=ctx.user, name=name, subject=subject, body=body
        )
    except WorkflowError as exc:
        ctx.session.rollback()
        template = access.load_template(ctx.session, ctx.me, template_id, "supervisor")
        values = {"name": name, "subject": subject, "body": body}
        return _template_edit_page(ctx, template, values, error_text(ctx.t, exc), 400)
    ctx.commit()
    return RedirectResponse(
        f"/departments/{template.department_id}/templates?notice=updated", status_code=303
    )


@router.post("/templates/{template_id}/delete")
@rule("supervisor")
def template_delete(ctx: FormCtx, template_id: int) -> Response:
    template = access.load_template(ctx.session, ctx.me, template_id, "supervisor")
    department_id = template.department_id
    reply_templates.delete(ctx.session, template, actor=ctx.user)
    ctx.commit()
    return RedirectResponse(
        f"/departments/{department_id}/templates?notice=deleted", status_code=303
    )

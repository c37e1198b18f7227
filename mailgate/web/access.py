"""Who may do what: the one place the web inbox and the API decide access.

Every route declares one rule with @rule(...). Routes that take an object id
load it through the `load_*` functions here, which check the rule against the
object's department; anything the user may not see answers 404, exactly as if
it did not exist. tests/web/test_access_matrix.py walks the router and fails
for a route without a rule.

Rules
  public      anyone (sign-in page, health, static files)
  signed_in   any signed-in user (own account, department list of their own)
  member      staff or supervisor of the object's department
  supervisor  supervisor of the object's department
  officer     security officer (cross-department blocked log, reveal)
  auditor     security officer or administrator (the audit trail)
  admin       administrator (departments, users; never mail content)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session, select

from mailgate.errors import NotFound
from mailgate.models import (
    Attachment,
    Department,
    Membership,
    Message,
    ReplyTemplate,
    Role,
    Thread,
    User,
    WebSession,
)

RULES = ("public", "signed_in", "member", "supervisor", "officer", "auditor", "admin")
DEPARTMENT_RULES = ("member", "supervisor")
F = TypeVar("F", bound=Callable[..., Any])


def rule(name: str) -> Callable[[F], F]:
    """Declare a route's access rule (read by the router walk and by the matrix test)."""
    if name not in RULES:
        raise ValueError(f"unknown access rule {name!r}")

    def mark(endpoint: F) -> F:
        endpoint.__access_rule__ = name  # type: ignore[attr-defined]
        return endpoint

    return mark


def rule_of(endpoint: Callable[..., Any]) -> str | None:
    return getattr(endpoint, "__access_rule__", None)


@dataclass
class RouteInfo:
    path: str
    methods: set[str]
    endpoint: Callable[..., Any]

    @property
    def rule(self) -> str | None:
        return rule_of(self.endpoint)


def walk_routes(routes: Sequence[Any]) -> list[RouteInfo]:
    """Every endpoint of the app with its full path (FastAPI >= 0.165 nests included routers)."""
    from fastapi.routing import APIRoute, iter_route_contexts

    found = []
    for context in iter_route_contexts(routes):
        if isinstance(context.original_route, APIRoute):
            found.append(
                RouteInfo(
                    context.path or "", set(context.methods or ()), context.original_route.endpoint
                )
            )
    return found


@dataclass
class Principal:
    user: User
    roles: set[tuple[str, int | None]] = field(default_factory=set)  # (role, department id)
    session: WebSession | None = None  # None when signed in with an API token

    @property
    def id(self) -> int:
        return self.user.id or 0

    def has(self, role: Role, department_id: int | None = None) -> bool:
        return (role.value, department_id) in self.roles

    def departments(self, *roles: Role) -> set[int]:
        wanted = {r.value for r in roles} or {Role.STAFF.value, Role.SUPERVISOR.value}
        return {d for r, d in self.roles if r in wanted and d is not None}

    def has_supervisor(self, department_id: int | None) -> bool:
        return self.has(Role.SUPERVISOR, department_id)

    @property
    def is_officer(self) -> bool:
        return self.has(Role.SECURITY_OFFICER)

    @property
    def is_admin(self) -> bool:
        return self.has(Role.ADMIN)

    def allows(self, name: str, department_id: int | None = None) -> bool:
        if name in ("public", "signed_in"):
            return True
        if name == "member":
            return department_id is not None and department_id in self.departments()
        if name == "supervisor":
            return department_id is not None and self.has(Role.SUPERVISOR, department_id)
        if name == "officer":
            return self.is_officer
        if name == "auditor":
            return self.is_officer or self.is_admin
        if name == "admin":
            return self.is_admin
        return False


def principal_for(session: Session, user: User, web_session: WebSession | None) -> Principal:
    rows = session.exec(select(Membership).where(Membership.user_id == user.id)).all()
    return Principal(user, {(m.role, m.department_id) for m in rows}, web_session)


def require(principal: Principal, name: str, department_id: int | None = None) -> None:
    if not principal.allows(name, department_id):
        raise NotFound("not found")


def load_department(
    session: Session, principal: Principal, department_id: int, name: str = "member"
) -> Department:
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound("not found")
    require(principal, name, department.id)
    return department


def load_thread(
    session: Session, principal: Principal, thread_id: int, name: str = "member"
) -> Thread:
    thread = session.get(Thread, thread_id)
    if thread is None:
        raise NotFound("not found")
    require(principal, name, thread.department_id)
    return thread


def load_message(
    session: Session, principal: Principal, message_id: int, name: str = "member"
) -> Message:
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("not found")
    require(principal, name, message.department_id)
    return message


def load_attachment(
    session: Session, principal: Principal, attachment_id: int, name: str = "member"
) -> tuple[Attachment, Message]:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("not found")
    message = load_message(session, principal, attachment.message_pk, name)
    return attachment, message


def load_template(
    session: Session, principal: Principal, template_id: int, name: str = "member"
) -> ReplyTemplate:
    template = session.get(ReplyTemplate, template_id)
    if template is None:
        raise NotFound("not found")
    require(principal, name, template.department_id)
    return template

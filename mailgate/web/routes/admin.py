"""Administration: departments, their addresses and signature blocks; users and memberships.

Administrators administer but never read mail: nothing here shows a message.
Every route is rule "admin" (anyone else gets 404, as if the page did not exist).
Changes go through mailgate.directory, which checks them and writes the audit event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, func, select

from mailgate import directory
from mailgate.errors import NotFound
from mailgate.models import ApiToken, Department, Membership, Role, User
from mailgate.web.access import require, rule
from mailgate.web.deps import Ctx, FormCtx, PageCtx, render

router = APIRouter(include_in_schema=False)

# Generous limits: the directory checks the real ones and answers with a clear message.
Text = Annotated[str, Form(max_length=5000)]
ROLES = [r.value for r in Role]


def _admin(ctx: Ctx) -> str:
    require(ctx.me, "admin")
    return str(ctx.user.username)


def _explain(ctx: Ctx, exc: directory.DirectoryError) -> str:
    """A translated sentence for a refused change."""
    code = getattr(exc, "code", "")
    value = getattr(exc, "value", "")
    t = ctx.t
    if code == "slug_invalid":
        return t(
            "The short name %(value)s is not valid. Use lower-case letters, digits, - and _ (up to 64).",
            value=repr(value),
        )
    if code == "slug_taken":
        return t("A department with the short name %(value)s already exists.", value=value)
    if code == "name_invalid":
        return t("Enter a name of 1 to 200 characters.")
    if code == "address_invalid":
        return t("%(value)s is not a valid e-mail address.", value=repr(value))
    if code == "address_taken":
        return t("The address %(value)s already belongs to a department.", value=value)
    if code == "address_unknown":
        return t("The address %(value)s is not an address of this department.", value=value)
    if code == "signature_long":
        return t("The signature block may have at most 4000 characters.")
    if code == "username_invalid":
        return t(
            "The user name %(value)s is not valid. Use letters, digits, '.', '_', '@' and '-' (up to 100).",
            value=repr(value),
        )
    if code == "username_taken":
        return t("A user named %(value)s already exists.", value=value)
    if code == "password_short":
        return t("A password needs at least 12 characters.")
    if code == "password_long":
        return t("A password may have at most 1000 characters.")
    if code == "role_unknown":
        return t("Choose a role.")
    if code == "role_needs_department":
        return t("Staff and supervisor roles need a department.")
    if code == "department_unknown":
        return t("The department does not exist.")
    if code == "membership_exists":
        return t("The user already has this role.")
    if code == "membership_unknown":
        return t("The user does not have this role.")
    if code == "last_admin":
        return t("This is the last active administrator; add another administrator first.")
    if code == "self":
        return t("You cannot disable your own account or remove your own administrator role.")
    if code == "locale_unknown":
        return t("Choose a language.")
    return t("The change could not be made: %(value)s", value=str(exc))


def _refused(ctx: Ctx) -> None:
    """Undo a half-made change before showing the form again (the dependency commits after)."""
    ctx.session.rollback()


def _department(ctx: Ctx, department_id: int) -> Department:
    department = ctx.session.get(Department, department_id)
    if department is None:
        raise NotFound("not found")
    return department


def _user(ctx: Ctx, user_id: int) -> User:
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound("not found")
    return user


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- Overview ----------------------------------------------------------------------------------


@router.get("/admin")
@rule("admin")
def overview(ctx: PageCtx) -> Response:
    _admin(ctx)
    session = ctx.session
    counts = {
        "departments": session.exec(select(func.count()).select_from(Department)).one(),
        "users": session.exec(select(func.count()).select_from(User)).one(),
        "disabled": session.exec(
            select(func.count()).select_from(User).where(col(User.is_active).is_(False))
        ).one(),
    }
    return render(ctx, "admin/index.html", {"counts": counts})


# --- Departments -------------------------------------------------------------------------------


def _departments_page(
    ctx: Ctx, error: str = "", form: dict[str, str] | None = None, status: int = 200
) -> Response:
    session = ctx.session
    member_counts = dict(
        session.exec(
            select(Membership.department_id, func.count(func.distinct(Membership.user_id)))
            .where(col(Membership.department_id).is_not(None))
            .group_by(col(Membership.department_id))
        ).all()
    )
    departments = directory.list_departments(session)
    return render(
        ctx,
        "admin/departments.html",
        {
            "departments": departments,
            "member_counts": member_counts,
            "error": error,
            "form": form or {"slug": "", "name": "", "addresses": ""},
            "saved": ctx.request.query_params.get("saved", ""),
        },
        status_code=status,
    )


@router.get("/admin/departments")
@rule("admin")
def departments(ctx: PageCtx) -> Response:
    _admin(ctx)
    return _departments_page(ctx)


def _split_addresses(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;、]+", text) if part]


@router.post("/admin/departments")
@rule("admin")
def create_department(
    ctx: FormCtx, slug: Text = "", name: Text = "", addresses: Text = ""
) -> Response:
    actor = _admin(ctx)
    try:
        department = directory.create_department(
            ctx.session,
            slug=slug,
            name=name,
            addresses=_split_addresses(addresses),
            actor=actor,
            actor_id=ctx.me.id,
        )
    except directory.DirectoryError as exc:
        _refused(ctx)
        form = {"slug": slug, "name": name, "addresses": addresses}
        return _departments_page(ctx, _explain(ctx, exc), form, status=400)
    ctx.commit()
    return _see_other(f"/admin/departments/{department.id}?saved=created")


def _department_page(
    ctx: Ctx,
    department: Department,
    error: str = "",
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    session = ctx.session
    return render(
        ctx,
        "admin/department.html",
        {
            "department": department,
            "addresses": directory.addresses_of(session, department.id or 0),
            "members": directory.members_of(session, department.id or 0),
            "error": error,
            "form": form
            or {"name": department.name, "signature": department.signature, "address": ""},
            "saved": ctx.request.query_params.get("saved", ""),
        },
        status_code=status,
    )


@router.get("/admin/departments/{department_id}")
@rule("admin")
def department(ctx: PageCtx, department_id: int) -> Response:
    _admin(ctx)
    return _department_page(ctx, _department(ctx, department_id))


def _department_change(
    ctx: Ctx,
    department_id: int,
    change: Callable[[Department, str], object],
    saved: str,
    form: Callable[[Department], dict[str, str] | None] = lambda department: None,
) -> Response:
    """Make one change to a department; refused, the page again with the reason and `form`."""
    actor = _admin(ctx)
    try:
        change(_department(ctx, department_id), actor)
    except directory.DirectoryError as exc:
        _refused(ctx)
        department = _department(ctx, department_id)
        return _department_page(ctx, department, _explain(ctx, exc), form(department), status=400)
    ctx.commit()
    return _see_other(f"/admin/departments/{department_id}?saved={saved}")


@router.post("/admin/departments/{department_id}")
@rule("admin")
def update_department(
    ctx: FormCtx, department_id: int, name: Text = "", signature: Text = ""
) -> Response:
    return _department_change(
        ctx,
        department_id,
        lambda department, actor: directory.update_department(
            ctx.session,
            department,
            name=name,
            signature=signature,
            actor=actor,
            actor_id=ctx.me.id,
        ),
        "department",
        lambda department: {"name": name, "signature": signature, "address": ""},
    )


@router.post("/admin/departments/{department_id}/addresses")
@rule("admin")
def add_address(ctx: FormCtx, department_id: int, address: Text = "") -> Response:
    return _department_change(
        ctx,
        department_id,
        lambda department, actor: directory.add_department_address(
            ctx.session, department, address, actor=actor, actor_id=ctx.me.id
        ),
        "address_added",
        lambda department: {
            "name": department.name,
            "signature": department.signature,
            "address": address,
        },
    )


@router.post("/admin/departments/{department_id}/addresses/remove")
@rule("admin")
def remove_address(ctx: FormCtx, department_id: int, address: Text = "") -> Response:
    return _department_change(
        ctx,
        department_id,
        lambda department, actor: directory.remove_address(
            ctx.session, department, address, actor=actor, actor_id=ctx.me.id
        ),
        "address_removed",
    )


# --- Users -------------------------------------------------------------------------------------


def _users_page(
    ctx: Ctx, error: str = "", form: dict[str, str] | None = None, status: int = 200
) -> Response:
    session = ctx.session
    users = list(session.exec(select(User).order_by(col(User.username))))
    departments = {d.id: d for d in session.exec(select(Department))}
    roles: dict[int, list[tuple[str, Department | None]]] = {}
    for m in session.exec(select(Membership).order_by(col(Membership.role))):
        roles.setdefault(m.user_id, []).append(
            (m.role, departments.get(m.department_id) if m.department_id else None)
        )
    return render(
        ctx,
        "admin/users.html",
        {
            "users": users,
            "roles": roles,
            "error": error,
            "form": form or {"username": "", "display_name": ""},
        },
        status_code=status,
    )


@router.get("/admin/users")
@rule("admin")
def users(ctx: PageCtx) -> Response:
    _admin(ctx)
    return _users_page(ctx)


@router.post("/admin/users")
@rule("admin")
def create_user(
    ctx: FormCtx,
    username: Text = "",
    display_name: Text = "",
    password: Text = "",
    generate: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    actor = _admin(ctx)
    chosen = directory.generate_password() if generate or not password else password
    try:
        user = directory.create_user(
            ctx.session,
            username=username,
            display_name=display_name,
            password=chosen,
            actor=actor,
            actor_id=ctx.me.id,
        )
    except directory.DirectoryError as exc:
        _refused(ctx)
        form = {"username": username, "display_name": display_name}
        return _users_page(ctx, _explain(ctx, exc), form, status=400)
    ctx.commit()
    if chosen == password:
        return _see_other(f"/admin/users/{user.id}?saved=created")
    # A generated password is shown on this one answer only (never in a URL, never stored).
    return render(ctx, "admin/password.html", {"user": user, "password": chosen, "created": True})


def _user_page(ctx: Ctx, user: User, error: str = "", status: int = 200) -> Response:
    session = ctx.session
    departments = list(session.exec(select(Department).order_by(col(Department.slug))))
    by_id = {d.id: d for d in departments}
    memberships = [
        (m, by_id.get(m.department_id) if m.department_id else None)
        for m in directory.memberships_of(session, user.id or 0)
    ]
    tokens = list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, col(ApiToken.revoked).is_(False))
            .order_by(col(ApiToken.id))
        )
    )
    return render(
        ctx,
        "admin/user.html",
        {
            "user": user,
            "memberships": memberships,
            "departments": departments,
            "roles": ROLES,
            "tokens": tokens,
            "error": error,
            "saved": ctx.request.query_params.get("saved", ""),
        },
        status_code=status,
    )


@router.get("/admin/users/{user_id}")
@rule("admin")
def user(ctx: PageCtx, user_id: int) -> Response:
    _admin(ctx)
    return _user_page(ctx, _user(ctx, user_id))


@router.post("/admin/users/{user_id}")
@rule("admin")
def update_user(
    ctx: FormCtx,
    user_id: int,
    display_name: Text = "",
    locale: Annotated[str, Form(max_length=10)] = "auto",
) -> Response:
    def change(target: User, actor: str) -> None:
        directory.update_user(
            ctx.session,
            target,
            display_name=display_name,
            locale=locale,
            actor=actor,
            actor_id=ctx.me.id,
        )

    return _user_change(ctx, user_id, change, "user")


def _department_choice(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _user_change(
    ctx: Ctx, user_id: int, change: Callable[[User, str], object], saved: str
) -> Response:
    """Make one change to a user; refused, the user's page again with the reason."""
    actor = _admin(ctx)
    target = _user(ctx, user_id)
    try:
        change(target, actor)
    except directory.DirectoryError as exc:
        _refused(ctx)
        return _user_page(ctx, _user(ctx, user_id), _explain(ctx, exc), status=400)
    ctx.commit()
    return _see_other(f"/admin/users/{user_id}?saved={saved}")


RoleChoice = Annotated[str, Form(max_length=40)]
DepartmentChoice = Annotated[str, Form(max_length=20)]


def _membership_change(
    ctx: Ctx, user_id: int, change: Any, role: str, department: str, saved: str
) -> Response:
    """Add or remove one role (directory.add_membership or directory.remove_membership)."""
    return _user_change(
        ctx,
        user_id,
        lambda target, actor: change(
            ctx.session,
            target,
            role,
            _department_choice(department),
            actor=actor,
            actor_id=ctx.me.id,
        ),
        saved,
    )


@router.post("/admin/users/{user_id}/memberships")
@rule("admin")
def add_membership(
    ctx: FormCtx, user_id: int, role: RoleChoice = "", department: DepartmentChoice = ""
) -> Response:
    return _membership_change(
        ctx, user_id, directory.add_membership, role, department, "membership_added"
    )


@router.post("/admin/users/{user_id}/memberships/remove")
@rule("admin")
def remove_membership(
    ctx: FormCtx, user_id: int, role: RoleChoice = "", department: DepartmentChoice = ""
) -> Response:
    return _membership_change(
        ctx, user_id, directory.remove_membership, role, department, "membership_removed"
    )


@router.post("/admin/users/{user_id}/disable")
@rule("admin")
def disable_user(ctx: FormCtx, user_id: int) -> Response:
    def change(target: User, actor: str) -> None:
        directory.set_active(ctx.session, target, False, actor=actor, actor_id=ctx.me.id)

    return _user_change(ctx, user_id, change, "disabled")


@router.post("/admin/users/{user_id}/enable")
@rule("admin")
def enable_user(ctx: FormCtx, user_id: int) -> Response:
    def change(target: User, actor: str) -> None:
        directory.set_active(ctx.session, target, True, actor=actor, actor_id=ctx.me.id)

    return _user_change(ctx, user_id, change, "enabled")


@router.post("/admin/users/{user_id}/password")
@rule("admin")
def reset_password(ctx: FormCtx, user_id: int) -> Response:
    actor = _admin(ctx)
    target = _user(ctx, user_id)
    if target.id == ctx.me.id:
        # Resetting one's own password would end this very session; /account is the way.
        return _user_page(
            ctx, target, ctx.t("Change your own password on the My account page."), status=400
        )
    password = directory.reset_password(ctx.session, target, actor=actor, actor_id=ctx.me.id)
    ctx.commit()
    return render(ctx, "admin/password.html", {"user": target, "password": password})

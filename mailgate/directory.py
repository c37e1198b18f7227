"""Departments, their addresses, users and memberships: create, list, look up."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from mailgate import audit
from mailgate.errors import MailgateError, NotFound
from mailgate.mailbox import text_index
from mailgate.models import Department, DepartmentAddress, Membership, Role, User, WebSession
from mailgate.passwords import hash_password


class DirectoryError(MailgateError):
    """A department or user change that cannot be made (duplicate, unknown role, ...)."""


def normalise_address(address: str) -> str:
    return address.strip().lower()


def add_department(
    session: Session, *, slug: str, name: str, addresses: list[str], actor: str = "cli"
) -> Department:
    """A department with its addresses (CLI, configuration, demo): see create_department."""
    return create_department(session, slug=slug, name=name, addresses=addresses, actor=actor)


def add_address(
    session: Session, *, department: Department, address: str, actor: str = "cli"
) -> None:
    """One more address from the configuration (not audited: the file is the record)."""
    address = check_address(address)
    _address_free(session, address)
    session.add(DepartmentAddress(department_id=department.id or 0, address=address))
    session.flush()


def ensure_departments(session: Session, configured: list[tuple[str, str, list[str]]]) -> None:
    """Create departments and addresses named in the configuration file if missing."""
    for slug, name, addresses in configured:
        department = session.exec(select(Department).where(Department.slug == slug)).first()
        if department is None:
            add_department(session, slug=slug, name=name, addresses=addresses, actor="config")
            continue
        known = set(addresses_of(session, department.id or 0))
        for address in addresses:
            if normalise_address(address) not in known:
                add_address(session, department=department, address=address, actor="config")


def get_department(session: Session, slug: str) -> Department:
    department = session.exec(select(Department).where(Department.slug == slug)).first()
    if department is None:
        raise NotFound(f"no department {slug!r}")
    return department


def addresses_of(session: Session, department_id: int) -> list[str]:
    rows = session.exec(
        select(DepartmentAddress.address)
        .where(DepartmentAddress.department_id == department_id)
        .order_by(col(DepartmentAddress.address))
    )
    return list(rows)


def address_map(session: Session) -> dict[str, int]:
    """Every accepted address -> its department id (what RCPT checks against)."""
    return {row.address: row.department_id for row in session.exec(select(DepartmentAddress))}


@dataclass
class DepartmentView:
    id: int
    slug: str
    name: str
    addresses: list[str]


def list_departments(session: Session) -> list[DepartmentView]:
    departments = session.exec(select(Department).order_by(col(Department.slug))).all()
    return [
        DepartmentView(d.id or 0, d.slug, d.name, addresses_of(session, d.id or 0))
        for d in departments
    ]


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str = "",
    role: Role,
    department_slug: str | None = None,
    password_hash: str | None = None,
    actor: str = "cli",
) -> User:
    if role.per_department and not department_slug:
        raise DirectoryError(f"role {role} needs a department")
    if not role.per_department and department_slug:
        raise DirectoryError(f"role {role} is global; give no department")
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(
            username=username, display_name=display_name or username, password_hash=password_hash
        )
        session.add(user)
        session.flush()
    department_id = get_department(session, department_slug).id if department_slug else None
    add_membership(session, user, role.value, department_id, actor=actor)
    return user


@dataclass
class UserView:
    id: int
    username: str
    display_name: str
    memberships: list[tuple[str, str | None]]  # (role, department slug or None)


def list_users(session: Session) -> list[UserView]:
    slugs = {d.id: d.slug for d in session.exec(select(Department))}
    views = []
    for user in session.exec(select(User).order_by(col(User.username))):
        memberships = [
            (m.role, slugs.get(m.department_id) if m.department_id else None)
            for m in session.exec(select(Membership).where(Membership.user_id == user.id))
        ]
        views.append(UserView(user.id or 0, user.username, user.display_name, memberships))
    return views


# --- Administration (web UI and CLI): validated changes, each one audited. ---------------------
#
# The functions below check their input and raise DirectoryInvalid with a `code` the web UI
# translates (the message is English for the CLI). They flush but never commit: the caller
# commits, so a change and its audit event land together.

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
ADDRESS_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MIN_PASSWORD = 12
LOCALES = ("auto", "ja", "en")
MAX_SIGNATURE = 4000
# No 0/O, 1/l/I: the generated password is read off a screen and typed.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class DirectoryInvalid(DirectoryError):
    """A refused administration change; `code` names the reason for translated messages."""

    def __init__(self, code: str, message: str, value: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.value = value


def check_slug(slug: str) -> str:
    slug = slug.strip()
    if not SLUG_RE.match(slug):
        raise DirectoryInvalid(
            "slug_invalid",
            f"not a valid short name: {slug!r} (lower-case letters, digits, - and _)",
            slug,
        )
    return slug


def check_address(address: str) -> str:
    address = normalise_address(address)
    if len(address) > 320 or not ADDRESS_RE.match(address):
        raise DirectoryInvalid("address_invalid", f"not an e-mail address: {address!r}", address)
    return address


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise DirectoryInvalid("name_invalid", "a name of 1 to 200 characters is needed", name)
    return name


def _address_free(session: Session, address: str) -> None:
    owner = session.exec(
        select(DepartmentAddress).where(DepartmentAddress.address == address)
    ).first()
    if owner:
        raise DirectoryInvalid(
            "address_taken", f"address {address!r} already belongs to a department", address
        )


def create_department(
    session: Session,
    *,
    slug: str,
    name: str,
    addresses: list[str],
    actor: str,
    actor_id: int | None = None,
) -> Department:
    """A new department with its addresses, all checked before anything is written."""
    slug = check_slug(slug)
    name = _check_name(name)
    wanted: list[str] = []
    for raw in addresses:
        if not raw.strip():
            continue
        address = check_address(raw)
        if address not in wanted:
            _address_free(session, address)
            wanted.append(address)
    if session.exec(select(Department).where(Department.slug == slug)).first():
        raise DirectoryInvalid("slug_taken", f"department {slug!r} already exists", slug)
    department = Department(slug=slug, name=name)
    session.add(department)
    session.flush()
    text_index.ensure_department(session, department.id or 0)
    for address in wanted:
        session.add(DepartmentAddress(department_id=department.id or 0, address=address))
    audit.record(
        session,
        "department.add",
        actor=actor,
        actor_id=actor_id,
        department_id=department.id,
        object_type="department",
        object_id=department.id or "",
        details={"slug": slug, "name": name, "addresses": wanted},
    )
    session.flush()
    return department


def update_department(
    session: Session,
    department: Department,
    *,
    name: str | None = None,
    signature: str | None = None,
    actor: str,
    actor_id: int | None = None,
) -> list[str]:
    """Change the display name and/or the signature block; returns the fields that changed."""
    changed: list[str] = []
    details: dict[str, object] = {}
    if name is not None:
        name = _check_name(name)
        if name != department.name:
            details["old_name"] = department.name
            details["name"] = name
            department.name = name
            changed.append("name")
    if signature is not None:
        signature = signature.replace("\r\n", "\n").strip("\n")
        if len(signature) > MAX_SIGNATURE:
            raise DirectoryInvalid(
                "signature_long", f"the signature has more than {MAX_SIGNATURE} characters"
            )
        if signature != department.signature:
            department.signature = signature
            changed.append("signature")
    if changed:
        session.add(department)
        audit.record(
            session,
            "department.update",
            actor=actor,
            actor_id=actor_id,
            department_id=department.id,
            object_type="department",
            object_id=department.id or "",
            details={"fields": changed, **details},
        )
        session.flush()
    return changed


def rename_department(
    session: Session, department: Department, name: str, *, actor: str, actor_id: int | None = None
) -> list[str]:
    return update_department(session, department, name=name, actor=actor, actor_id=actor_id)


def set_signature(
    session: Session,
    department: Department,
    signature: str,
    *,
    actor: str,
    actor_id: int | None = None,
) -> list[str]:
    """The department's public signature block (also what the policy allowlist accepts)."""
    return update_department(
        session, department, signature=signature, actor=actor, actor_id=actor_id
    )


def add_department_address(
    session: Session,
    department: Department,
    address: str,
    *,
    actor: str,
    actor_id: int | None = None,
) -> str:
    address = check_address(address)
    _address_free(session, address)
    session.add(DepartmentAddress(department_id=department.id or 0, address=address))
    audit.record(
        session,
        "department.address.add",
        actor=actor,
        actor_id=actor_id,
        department_id=department.id,
        object_type="department",
        object_id=department.id or "",
        details={"address": address},
    )
    session.flush()
    return address


def remove_address(
    session: Session,
    department: Department,
    address: str,
    *,
    actor: str,
    actor_id: int | None = None,
) -> None:
    address = normalise_address(address)
    row = session.exec(
        select(DepartmentAddress).where(
            DepartmentAddress.address == address,
            DepartmentAddress.department_id == department.id,
        )
    ).first()
    if row is None:
        raise DirectoryInvalid(
            "address_unknown", f"{address!r} is not an address of {department.slug}", address
        )
    session.delete(row)
    audit.record(
        session,
        "department.address.remove",
        actor=actor,
        actor_id=actor_id,
        department_id=department.id,
        object_type="department",
        object_id=department.id or "",
        details={"address": address},
    )
    session.flush()


def members_of(session: Session, department_id: int) -> list[tuple[User, str]]:
    """(user, role) for everyone with a role in the department, by user name."""
    rows = session.exec(
        select(User, Membership.role)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.department_id == department_id)
        .order_by(col(User.username), col(Membership.role))
    ).all()
    return [(user, role) for user, role in rows]


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def memberships_of(session: Session, user_id: int) -> list[Membership]:
    return list(
        session.exec(
            select(Membership)
            .where(Membership.user_id == user_id)
            .order_by(col(Membership.department_id), col(Membership.role))
        )
    )


def generate_password() -> str:
    """16 easily read characters in groups of four (about 93 bits)."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise DirectoryInvalid(
            "password_short", f"a password needs at least {MIN_PASSWORD} characters"
        )
    if len(password) > 1000:
        raise DirectoryInvalid("password_long", "a password may have at most 1000 characters")
    return password


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str = "",
    password: str | None = None,
    actor: str,
    actor_id: int | None = None,
) -> User:
    """A new account without roles yet (add memberships next). No password: cannot sign in."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise DirectoryInvalid(
            "username_invalid",
            f"not a valid user name: {username!r} (letters, digits, . _ @ -)",
            username,
        )
    display_name = display_name.strip()
    if len(display_name) > 200:
        raise DirectoryInvalid("name_invalid", "a name of 1 to 200 characters is needed")
    password_hash = hash_password(_check_password(password)) if password is not None else None
    if session.exec(select(User).where(User.username == username)).first():
        raise DirectoryInvalid("username_taken", f"user {username!r} already exists", username)
    user = User(
        username=username, display_name=display_name or username, password_hash=password_hash
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.add",
        actor=actor,
        actor_id=actor_id,
        object_type="user",
        object_id=user.id or "",
        details={"username": username, "password": password_hash is not None},
    )
    return user


def update_user(
    session: Session,
    user: User,
    *,
    display_name: str | None = None,
    locale: str | None = None,
    actor: str,
    actor_id: int | None = None,
) -> list[str]:
    changed: list[str] = []
    details: dict[str, object] = {}
    if display_name is not None:
        display_name = display_name.strip() or user.username
        if len(display_name) > 200:
            raise DirectoryInvalid("name_invalid", "a name of 1 to 200 characters is needed")
        if display_name != user.display_name:
            user.display_name = display_name
            details["display_name"] = display_name
            changed.append("display_name")
    if locale is not None:
        if locale not in LOCALES:
            raise DirectoryInvalid("locale_unknown", f"unknown language {locale!r}", locale)
        if locale != user.locale:
            user.locale = locale
            details["locale"] = locale
            changed.append("locale")
    if changed:
        session.add(user)
        audit.record(
            session,
            "user.update",
            actor=actor,
            actor_id=actor_id,
            object_type="user",
            object_id=user.id or "",
            details={"username": user.username, "fields": changed, **details},
        )
        session.flush()
    return changed


def _active_admins(session: Session) -> set[int]:
    rows = session.exec(
        select(User.id)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.role == Role.ADMIN.value, col(User.is_active).is_(True))
    )
    return {row for row in rows if row is not None}


def _keep_an_admin(session: Session, user: User) -> None:
    if _active_admins(session) == {user.id}:
        raise DirectoryInvalid(
            "last_admin", f"{user.username} is the last active administrator", user.username
        )


def add_membership(
    session: Session,
    user: User,
    role: str,
    department_id: int | None = None,
    *,
    actor: str,
    actor_id: int | None = None,
) -> Membership:
    try:
        parsed = Role(role)
    except ValueError:
        raise DirectoryInvalid("role_unknown", f"unknown role {role!r}", role) from None
    if parsed.per_department and department_id is None:
        raise DirectoryInvalid("role_needs_department", f"role {parsed} needs a department", role)
    if not parsed.per_department:
        department_id = None
    department = session.get(Department, department_id) if department_id is not None else None
    if department_id is not None and department is None:
        raise DirectoryInvalid("department_unknown", f"no department {department_id}")
    exists = session.exec(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.department_id == department_id,
            Membership.role == parsed.value,
        )
    ).first()
    if exists:
        where = f" in {department.slug}" if department else ""
        raise DirectoryInvalid(
            "membership_exists", f"{user.username} already has role {parsed}{where}", role
        )
    membership = Membership(user_id=user.id or 0, department_id=department_id, role=parsed.value)
    session.add(membership)
    audit.record(
        session,
        "user.membership.add",
        actor=actor,
        actor_id=actor_id,
        department_id=department_id,
        object_type="user",
        object_id=user.id or "",
        details={"username": user.username, "role": parsed.value},
    )
    session.flush()
    return membership


def remove_membership(
    session: Session,
    user: User,
    role: str,
    department_id: int | None = None,
    *,
    actor: str,
    actor_id: int | None = None,
) -> None:
    membership = session.exec(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.department_id == department_id,
            Membership.role == role,
        )
    ).first()
    if membership is None:
        raise DirectoryInvalid("membership_unknown", f"{user.username} has no such role", role)
    if role == Role.ADMIN.value:
        if actor_id is not None and actor_id == user.id:
            raise DirectoryInvalid("self", "you cannot remove your own administrator role")
        _keep_an_admin(session, user)
    session.delete(membership)
    audit.record(
        session,
        "user.membership.remove",
        actor=actor,
        actor_id=actor_id,
        department_id=department_id,
        object_type="user",
        object_id=user.id or "",
        details={"username": user.username, "role": role},
    )
    session.flush()


def _end_sessions(session: Session, user_id: int) -> None:
    session.exec(delete(WebSession).where(col(WebSession.user_id) == user_id))  # type: ignore[call-overload]


def set_active(
    session: Session, user: User, active: bool, *, actor: str, actor_id: int | None = None
) -> None:
    """Disable (sign-in, sessions and API tokens stop working) or enable an account."""
    if user.is_active == active:
        return
    if not active:
        if actor_id is not None and actor_id == user.id:
            raise DirectoryInvalid("self", "you cannot disable your own account")
        if user.id in _active_admins(session):
            _keep_an_admin(session, user)
        _end_sessions(session, user.id or 0)
    user.is_active = active
    session.add(user)
    audit.record(
        session,
        "user.enable" if active else "user.disable",
        actor=actor,
        actor_id=actor_id,
        object_type="user",
        object_id=user.id or "",
        details={"username": user.username},
    )
    session.flush()


def disable_user(session: Session, user: User, *, actor: str, actor_id: int | None = None) -> None:
    set_active(session, user, False, actor=actor, actor_id=actor_id)


def set_password(
    session: Session, user: User, password: str, *, actor: str, actor_id: int | None = None
) -> None:
    """A new password set by an administrator; every session of the user ends."""
    user.password_hash = hash_password(_check_password(password))
    session.add(user)
    _end_sessions(session, user.id or 0)
    audit.record(
        session,
        "user.password.reset",
        actor=actor,
        actor_id=actor_id,
        object_type="user",
        object_id=user.id or "",
        details={"username": user.username},
    )
    session.flush()


def reset_password(session: Session, user: User, *, actor: str, actor_id: int | None = None) -> str:
    """Set a generated password and return it (shown once; only its hash is stored)."""
    password = generate_password()
    set_password(session, user, password, actor=actor, actor_id=actor_id)
    return password

"""Departments, their addresses, users and memberships: create, list, look up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from mailgate import audit
from mailgate.errors import MailgateError, NotFound
from mailgate.models import Department, DepartmentAddress, Membership, Role, User


class DirectoryError(MailgateError):
    """A department or user change that cannot be made (duplicate, unknown role, ...)."""


def normalise_address(address: str) -> str:
    return address.strip().lower()


def add_department(
    session: Session, *, slug: str, name: str, addresses: list[str], actor: str = "cli"
) -> Department:
    if session.exec(select(Department).where(Department.slug == slug)).first():
        raise DirectoryError(f"department {slug!r} already exists")
    department = Department(slug=slug, name=name)
    session.add(department)
    session.flush()
    for address in addresses:
        add_address(session, department=department, address=address, actor=actor)
    audit.record(
        session,
        "department.add",
        actor=actor,
        department_id=department.id,
        object_type="department",
        object_id=department.id or "",
        details={"slug": slug},
    )
    return department


def add_address(
    session: Session, *, department: Department, address: str, actor: str = "cli"
) -> None:
    address = normalise_address(address)
    if address.count("@") != 1:
        raise DirectoryError(f"not an e-mail address: {address!r}")
    owner = session.exec(
        select(DepartmentAddress).where(DepartmentAddress.address == address)
    ).first()
    if owner:
        raise DirectoryError(f"address {address!r} already belongs to a department")
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
    exists = session.exec(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.department_id == department_id,
            Membership.role == role.value,
        )
    ).first()
    if exists:
        raise DirectoryError(f"{username} already has role {role} there")
    session.add(Membership(user_id=user.id or 0, department_id=department_id, role=role.value))
    audit.record(
        session,
        "user.membership.add",
        actor=actor,
        department_id=department_id,
        object_type="user",
        object_id=user.id or "",
        details={"username": username, "role": role.value},
    )
    session.flush()
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

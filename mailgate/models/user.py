"""Users and their memberships (role in a department, or a global role)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Column, Field, SQLModel, UniqueConstraint

from mailgate.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    SECURITY_OFFICER = "security_officer"
    ADMIN = "admin"

    @property
    def per_department(self) -> bool:
        return self in (Role.STAFF, Role.SUPERVISOR)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True, index=True)
    display_name: str = Field(default="", max_length=200)
    # argon2 hash; None means the account cannot sign in yet.
    password_hash: str | None = Field(default=None, max_length=300)
    # "auto" follows the browser's Accept-Language (Japanese when it names neither); or "ja", "en".
    locale: str = Field(default="auto", max_length=10)
    is_active: bool = True
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "department_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    # NULL for global roles (security_officer, admin).
    department_id: int | None = Field(
        default=None, foreign_key="department.id", index=True, ondelete="CASCADE"
    )
    role: str = Field(max_length=32)

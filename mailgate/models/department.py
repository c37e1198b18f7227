"""Departments and the dedicated addresses they receive mail at."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Column, Field, SQLModel

from mailgate.models.base import UTCDateTime, utcnow


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    # Public signature block (phone, address, staff names); used by the policy allowlist.
    signature: str = Field(default="", max_length=4000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class DepartmentAddress(SQLModel, table=True):
    __tablename__ = "department_address"

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True, ondelete="CASCADE")
    # Stored lower-case; the only addresses mailgate accepts mail for.
    address: str = Field(max_length=320, unique=True, index=True)

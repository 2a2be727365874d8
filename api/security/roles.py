"""Roles and what each may do.

Why a table and not scattered checks: the routers name a permission, this
module alone decides which roles hold it, so an audit of access rules reads
one page.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INVESTIGATOR = "investigator"  # 侦查员
    ANALYST = "analyst"  # 情报研判
    PROSECUTOR = "prosecutor"  # 检察官
    ADMIN = "admin"


ROLE_NAMES = {
    Role.INVESTIGATOR: "侦查员",
    Role.ANALYST: "情报研判",
    Role.PROSECUTOR: "检察官",
    Role.ADMIN: "管理员",
}

# Permission → roles holding it.
PERMISSIONS: dict[str, set[Role]] = {
    "read": {Role.INVESTIGATOR, Role.ANALYST, Role.PROSECUTOR, Role.ADMIN},  # scoped for prosecutors
    "explore": {Role.INVESTIGATOR, Role.ANALYST, Role.ADMIN},  # gangs, alerts, upstream, unscoped search
    "chains": {Role.INVESTIGATOR, Role.ANALYST, Role.PROSECUTOR, Role.ADMIN},  # prosecutors: shared only
    "review": {Role.ANALYST, Role.ADMIN},
    "export": {Role.INVESTIGATOR, Role.ANALYST, Role.PROSECUTOR, Role.ADMIN},
    "share": {Role.INVESTIGATOR, Role.ANALYST, Role.ADMIN},
    "audit": {Role.ADMIN},
    "users": {Role.ADMIN},
}

# Roles cleared to see full resident IDs and phone numbers.
CLEARED_FOR_IDENTIFIERS = {Role.INVESTIGATOR, Role.ADMIN}
# Roles that see only what was shared with them.
SCOPED_ROLES = {Role.PROSECUTOR}


def parse_role(value: str) -> Role:
    v = (value or "").strip().lower()
    for r in Role:
        if v in (r.value, ROLE_NAMES[r]):
            return r
    raise ValueError(f"未知角色 / unknown role {value!r}: investigator analyst prosecutor admin")


def allowed(role: Role | str, permission: str) -> bool:
    return Role(role) in PERMISSIONS.get(permission, set())


def cleared(role: Role | str) -> bool:
    return Role(role) in CLEARED_FOR_IDENTIFIERS


def scoped(role: Role | str) -> bool:
    return Role(role) in SCOPED_ROLES

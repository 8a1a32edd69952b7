from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from backend.structs import Out


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """Who acts and from where: a person (user id) or a machine (key id), with the client address/agent."""

    user_id: uuid.UUID | None
    label: str
    client: str = ""


class AuditOut(Out):
    at: datetime
    actor_label: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    client: str


# The categories of personal information a read may reveal, with their labels (zh, en).
PERSONAL_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "ID number"),
    "licence": ("驾驶证号", "driving licence"),
    "qualification": ("从业资格证号", "qualification certificate"),
    "real_name_status": ("实名状态", "real-name status"),
    "phone": ("手机号", "phone"),
    # A truck's positions while he drove it (an alert's evidence pack): where a person was, and when.
    "track": ("行驶轨迹", "driving track"),
}
# How the information left: a page or API call, an export file, a signed system interface (an
# enterprise's own system on /open/v1, or a department's shared interface).
READ_CHANNELS: dict[str, tuple[str, str]] = {
    "app": ("页面/接口查看", "viewed in the app"),
    "export": ("导出", "export"),
    "interface": ("系统接口（企业系统、部门共享接口）", "system interface (an enterprise's or a department's)"),
}


class Reader(msgspec.Struct, frozen=True, kw_only=True):
    """Who reads someone's personal information, and in which capacity (organisation and role)."""

    user_id: uuid.UUID | None
    name: str
    label: str
    org_id: uuid.UUID | None
    role: str
    client: str = ""
    route: str = ""


class Subject(msgspec.Struct, frozen=True, kw_only=True):
    """Whose information was read, which categories (keys of PERSONAL_FIELDS), and his region."""

    user_id: uuid.UUID
    region_code: str
    fields: tuple[str, ...]


class PersonalReadOut(Out):
    at: datetime
    actor_user_id: uuid.UUID | None
    actor_name: str
    actor_label: str
    actor_org_id: uuid.UUID | None
    actor_role: str
    subject_user_id: uuid.UUID
    subject_region_code: str
    fields: list[str]
    route: str
    channel: str
    client: str


class PersonalReadPage(Out):
    total: int
    offset: int
    limit: int
    items: list[PersonalReadOut]

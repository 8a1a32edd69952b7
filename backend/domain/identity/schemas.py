"""Identity on the wire, and the Principal every access helper judges by."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.domain.audit.schemas import Actor
from backend.domain.identity.roles import (
    ADMIN_ROLES,
    ALERT_AUDIENCE,
    CARRIER_DISPATCHERS,
    CARRIER_STAFF,
    ENTERPRISE_ADMINS,
    ENTERPRISE_ROLES,
    ENTERPRISE_STAFF,
    FLEET_ADMIN_ROLES,
    FLEET_READ_ROLES,
    GUARDS,
    ISSUERS,
    QUEUE_SETTINGS_ROLES,
    ROLE_LABELS,
    SECOND_FACTOR_ROLES,
    SITE_STAFF,
    SUPERVISORS,
    TRADE_ALERT_AUDIENCE,
    Role,
)
from backend.structs import Out, Struct

# Roles and their named sets (identity/roles.py) are part of identity's public face.
__all__ = [
    "ADMIN_ROLES", "ALERT_AUDIENCE", "TRADE_ALERT_AUDIENCE", "CARRIER_DISPATCHERS", "CARRIER_STAFF", "ENTERPRISE_ADMINS",
    "ENTERPRISE_ROLES", "ENTERPRISE_STAFF", "FLEET_ADMIN_ROLES", "FLEET_READ_ROLES", "GUARDS", "ISSUERS",
    "QUEUE_SETTINGS_ROLES", "ROLE_LABELS", "SECOND_FACTOR_ROLES", "SITE_STAFF", "SUPERVISORS", "Role", "Phone", "Password", "Code",
    "MembershipInfo", "PrincipalBasics", "Principal", "PasswordLogin", "SmsLogin", "SmsRequest",
    "RefreshRequest", "TotpVerify", "TotpConfirm", "MfaStart", "Tokens", "LoginResult", "TotpSetup",
    "MembershipOut", "MeOut", "PersonRegister", "UserOut", "RecoveryLogin", "TotpEnrolled", "RecoveryCodesOut",
    "RecoveryStatus", "StepUp", "StepUpOut", "SessionOut", "SignedOut",
]

Phone = Annotated[str, msgspec.Meta(min_length=5, max_length=20)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Code = Annotated[str, msgspec.Meta(min_length=4, max_length=10)]


class MembershipInfo(msgspec.Struct, frozen=True, kw_only=True):
    org_id: uuid.UUID
    org_kind: str
    region_code: str
    role: str


class PrincipalBasics(msgspec.Struct, frozen=True, kw_only=True):
    user_id: uuid.UUID
    session_id: uuid.UUID | None
    name: str
    phone: str
    is_platform_admin: bool
    totp_enabled: bool
    memberships: list[tuple[uuid.UUID, str]]


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is asking. Built per request from SQL, so a revoked role takes effect at once."""

    user_id: uuid.UUID
    session_id: uuid.UUID | None
    name: str
    phone: str
    is_platform_admin: bool
    driver_id: uuid.UUID | None
    memberships: tuple[MembershipInfo, ...]
    totp_enabled: bool
    client: str = ""
    # Set when an enterprise system acts through the signed machine interface under this key id.
    machine_key: str | None = None
    # The route asked ("GET /api/regulator/drivers/{driver_id}"), for audited reads of personal data.
    route: str = ""

    @property
    def actor(self) -> Actor:
        """This person (or system) as the audit trail names them."""
        if self.machine_key is not None:
            return Actor(user_id=None, label=f"接口 {self.machine_key}"[:100], client=self.client)
        return Actor(user_id=self.user_id, label=f"{self.name} ({self.phone[:3]}****{self.phone[-4:]})", client=self.client)

    @property
    def roles(self) -> frozenset[str]:
        roles = {m.role for m in self.memberships}
        if self.driver_id is not None:
            roles.add(Role.DRIVER)
        if self.is_platform_admin:
            roles.add(Role.PLATFORM_ADMIN)
        return frozenset(roles)

    def org_ids(self, roles: frozenset[str] | None = None) -> frozenset[uuid.UUID]:
        return frozenset(m.org_id for m in self.memberships if roles is None or m.role in roles)

    def is_member(self, org_id: uuid.UUID, roles: frozenset[str] | None = None) -> bool:
        return org_id in self.org_ids(roles)

    @property
    def regulator_scopes(self) -> tuple[str, ...]:
        return tuple(m.region_code for m in self.memberships if m.role == Role.REGULATOR)

    @property
    def is_staff(self) -> bool:
        return self.is_platform_admin or bool(self.memberships)

    @property
    def must_use_totp(self) -> bool:
        return self.is_platform_admin or any(m.role in SECOND_FACTOR_ROLES for m in self.memberships)


class PasswordLogin(Struct):
    phone: Phone
    password: Password
    # The device token a previous login returned (apps; pages send it as a cookie): exempts this
    # device from the account's back-off while someone else guesses at the password.
    device_token: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class SmsLogin(Struct):
    phone: Phone
    sms_code: Code


class SmsRequest(Struct):
    phone: Phone
    purpose: Literal["login", "register", "reset"] = "login"


class RefreshRequest(Struct):
    refresh_token: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]


class TotpVerify(Struct):
    mfa_token: Annotated[str, msgspec.Meta(min_length=10, max_length=2000)]
    totp_code: Code


class TotpConfirm(Struct):
    totp_code: Code


class MfaStart(Struct):
    mfa_token: Annotated[str, msgspec.Meta(min_length=10, max_length=2000)]


class Tokens(Out):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int = 0


class LoginResult(Out):
    """Either tokens, or the step still needed: TOTP verification, or TOTP enrolment first."""

    status: Literal["ok", "totp_required", "totp_setup_required"]
    tokens: Tokens | None = None
    mfa_token: str | None = None
    # Set after a right password: keep it and send it with later logins (backend/domain/identity/backoff.py).
    device_token: str | None = None


class TotpSetup(Out):
    secret: str
    otpauth_uri: str
    qr_svg: str


class MembershipOut(Out):
    org_id: uuid.UUID
    role: str


class MeOut(Out):
    user_id: uuid.UUID
    name: str
    phone: str
    roles: list[str]
    memberships: list[MembershipOut]
    driver_id: uuid.UUID | None
    totp_enabled: bool


class PersonRegister(Struct):
    phone: Phone
    sms_code: Code
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Password


class UserOut(Out):
    user_id: uuid.UUID
    name: str
    phone_masked: str
    roles: list[str]
    status: str


class RecoveryLogin(Struct):
    mfa_token: Annotated[str, msgspec.Meta(min_length=10, max_length=2000)]
    recovery_code: Annotated[str, msgspec.Meta(min_length=8, max_length=20)]


class TotpEnrolled(Out):
    """TOTP is on; the recovery codes are shown this once. Tokens when enrolment finished a login."""

    totp_enabled: bool
    recovery_codes: list[str]
    access_token: str | None = None
    refresh_token: str | None = None
    token_type: str = "Bearer"
    expires_in: int = 0


class RecoveryCodesOut(Out):
    codes: list[str]


class RecoveryStatus(Out):
    totp_enabled: bool
    remaining: int


class StepUp(Struct):
    totp_code: Code


class StepUpOut(Out):
    stepped_up_until: datetime


class SessionOut(Out):
    """One login of the caller (a browser or an app install), newest first."""

    session_id: uuid.UUID
    client: str
    device: str  # the client as a person names it: browser, system, device
    address: str  # the network address it signed in from
    created_at: datetime
    last_used_at: datetime
    current: bool


class SignedOut(Out):
    signed_out: int

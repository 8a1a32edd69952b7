"""Identity errors, each with its stable code and both languages."""

from __future__ import annotations

from backend.errors import Conflict, Forbidden, Invalid, TooManyRequests, Unauthorized


def bad_credentials() -> Unauthorized:
    # One answer for unknown phone and wrong password: no account enumeration.
    return Unauthorized("bad_credentials", "手机号或密码错误", "Wrong phone number or password", field="password")


def bad_sms_code() -> Unauthorized:
    return Unauthorized("sms_code_invalid", "验证码错误或已过期", "SMS code wrong or expired", field="smsCode")


def bad_totp() -> Unauthorized:
    return Unauthorized("totp_invalid", "动态口令错误或已使用", "TOTP code wrong or already used", field="totpCode")


def token_invalid(what: str = "token") -> Unauthorized:
    return Unauthorized("token_invalid", "登录凭证无效或已过期，请重新登录", f"{what} invalid or expired; log in again")


def refresh_reused() -> Unauthorized:
    return Unauthorized(
        "refresh_token_reused",
        "刷新令牌被重复使用，该登录已全部注销，请重新登录",
        "Refresh token reused: every token of this login is revoked; log in again",
    )


def rate_limited(*, retry_after_s: int) -> TooManyRequests:
    return TooManyRequests(
        "rate_limited",
        f"尝试次数过多，请 {retry_after_s} 秒后再试",
        f"Too many attempts; try again in {retry_after_s} s",
        headers={"Retry-After": str(retry_after_s)},
    )


def phone_taken() -> Conflict:
    return Conflict("phone_taken", "该手机号已注册", "This phone number is already registered", field="phone")


def weak_password() -> Invalid:
    return Invalid(
        "password_weak",
        "密码至少 8 位，且须同时包含字母和数字",
        "Password needs at least 8 characters with both letters and digits",
        field="password",
    )


def totp_required() -> Unauthorized:
    return Unauthorized("totp_required", "该账户须先完成动态口令验证", "This account must pass TOTP first")


def bad_recovery_code() -> Unauthorized:
    return Unauthorized("recovery_code_invalid", "恢复码错误或已使用", "Recovery code wrong or already used",
                        field="recoveryCode")


def totp_not_enabled() -> Invalid:
    return Invalid("totp_not_enabled", "请先绑定动态口令", "Enable TOTP first", field="totpCode")


def step_up_required() -> Forbidden:
    return Forbidden("step_up_required", "此操作须再次输入动态口令确认", "Enter your TOTP code again to confirm this action")

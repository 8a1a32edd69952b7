from __future__ import annotations

from backend.errors import DomainError, NotFound


def notice_not_found() -> NotFound:
    return NotFound("通知", "notice")


def subscription_not_found() -> NotFound:
    return NotFound("推送订阅", "push subscription")


def webpush_not_configured() -> DomainError:
    return DomainError("webpush_not_configured", "消息推送尚未配置", "Web Push is not configured", status=503)

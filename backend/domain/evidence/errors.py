"""Evidence errors: a caller handing the chain something it cannot record faithfully."""

from __future__ import annotations

from backend.errors import Invalid


def payload_invalid(detail: str) -> Invalid:
    return Invalid("evidence_payload_invalid", f"存证内容只能包含 JSON 原生值（字符串、整数、布尔、空、列表、对象）：{detail}",
                   f"An evidence payload holds only JSON-native values (str, int, bool, None, list, dict): {detail}",
                   field="payload")


def kind_invalid() -> Invalid:
    return Invalid("evidence_kind_invalid", "存证类别须为 1–32 个小写字母、数字或下划线",
                   "An evidence kind is 1–32 lowercase letters, digits or underscores", field="kind")


def ref_invalid() -> Invalid:
    return Invalid("evidence_ref_invalid", "存证引用须为 1–64 个可见字符", "An evidence ref is 1–64 printable characters",
                   field="ref")

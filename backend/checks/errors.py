"""The single error type raised by every check in this package."""

from __future__ import annotations


class CheckFailed(ValueError):
    """A value failed a real-name / registration check.

    `code` is a stable snake_case machine code that clients switch on; the two messages are
    ready to show to people. The caller knows which field was checked and adds its name, so
    none of the messages here mention a field.
    """

    code: str
    message_zh: str
    message_en: str

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def __reduce__(self) -> tuple[type[CheckFailed], tuple[str, str, str]]:
        # ValueError pickles only `args`; keep all three so the error survives worker queues.
        return (type(self), (self.code, self.message_zh, self.message_en))

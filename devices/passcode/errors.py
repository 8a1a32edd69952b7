"""Refusals: one stable code per reason, with messages ready to show at the gate (zh first)."""

from __future__ import annotations

from types import MappingProxyType

# code -> (message_zh, message_en). Codes are API: gates, the driver app and logs switch on them.
REFUSALS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "pass_malformed": ("通行码无法识别", "The pass code cannot be read"),
        "pass_unknown_key": (
            "通行码的签发密钥未知，请同步平台公钥",
            "The pass was signed with an unknown key; sync the platform keys",
        ),
        "pass_signature_invalid": (
            "通行码签名无效（伪造或被篡改）",
            "The pass signature is invalid (forged or altered)",
        ),
        "pass_wrong_site": ("该通行码不适用于本场站", "This pass is not valid at this site"),
        "pass_plate_required": (
            "纸质通行码须识别车牌后方可通行",
            "A printed pass is accepted only with a plate reading",
        ),
        "pass_wrong_plate": ("车牌与通行码不符", "The plate does not match the pass"),
        "pass_not_yet_valid": ("通行码尚未生效", "The pass is not valid yet"),
        "pass_expired": ("通行码已过期", "The pass has expired"),
        "pass_totp_stale": (
            "动态码已失效，请刷新后重新出示",
            "The rolling code is stale; refresh the pass and show it again",
        ),
        "bundle_malformed": ("离线数据包无法识别", "The offline bundle cannot be read"),
        "bundle_unknown_key": (
            "离线数据包的签发密钥未知，请同步平台公钥",
            "The offline bundle was signed with an unknown key; sync the platform keys",
        ),
        "bundle_signature_invalid": (
            "离线数据包签名无效（伪造或被篡改）",
            "The offline bundle signature is invalid (forged or altered)",
        ),
        "bundle_wrong_site": ("离线数据包属于其他场站", "The offline bundle belongs to another site"),
        "bundle_undecryptable": (
            "离线数据包无法解密，请核对设备密钥",
            "The offline bundle cannot be decrypted; check the device secret",
        ),
    }
)


class PassRefused(Exception):
    """A pass or offline bundle was refused for exactly one reason.

    `verify`/`verify_static` return it inside a `Verdict` (a refusal is an everyday answer at a gate);
    `open_bundle` raises it. A plain exception rather than a frozen dataclass, because Python itself
    writes attributes onto raised exceptions (`__notes__`, tracebacks).
    """

    code: str
    message_zh: str
    message_en: str

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PassRefused):
            return NotImplemented
        return (self.code, self.message_zh, self.message_en) == (other.code, other.message_zh, other.message_en)

    def __hash__(self) -> int:
        return hash(self.code)

    def __reduce__(self) -> tuple[type[PassRefused], tuple[str, str, str]]:
        # Exception pickles only `args`; keep all three so the refusal survives worker queues.
        return (type(self), (self.code, self.message_zh, self.message_en))


def refused(code: str) -> PassRefused:
    """The refusal for a known code (KeyError for an unknown one: codes are a closed set)."""
    message_zh, message_en = REFUSALS[code]
    return PassRefused(code, message_zh, message_en)

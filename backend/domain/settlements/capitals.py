"""An amount in Chinese capitals (大写金额), as a settlement or invoice prints it: 人民币壹万贰仟叁佰肆拾伍元陆角柒分.

Rules of practice: zeros inside a section collapse to one 零, a section of zeros drops (with its
万/亿 unless needed), whole yuan end in 整; a zero 角 with a non-zero 分 reads 零.
"""

from __future__ import annotations

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "万亿")


def _section(n: int) -> str:
    """0 < n < 10000, with inner zeros as one 零 (leading zeros are the caller's to add)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _SMALL[pos]
    return out


def yuan_capitals(fen: int) -> str:
    if fen < 0:
        return "负" + yuan_capitals(-fen)
    yuan, jiao, cents = fen // 100, (fen // 10) % 10, fen % 10
    text = ""
    if yuan:
        sections = []
        while yuan:
            sections.append(yuan % 10000)
            yuan //= 10000
        parts: list[str] = []
        need_zero = False
        for i in range(len(sections) - 1, -1, -1):
            sec = sections[i]
            if sec == 0:
                need_zero = bool(parts)
                continue
            if parts and (need_zero or sec < 1000):
                parts.append("零")
            parts.append(_section(sec) + _BIG[i])
            need_zero = False
        text = "".join(parts) + "元"
    if jiao == 0 and cents == 0:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if cents:
        text += _DIGITS[cents] + "分"
    return text

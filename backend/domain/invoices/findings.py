"""What a line's or an invoice's finding says (zh, en) and which alert kind it raises."""

from __future__ import annotations

from typing import Any

from backend.domain.invoices.matching import LineCheck
from backend.domain.invoices.schemas import LineStatus

ALERT_KINDS = {
    LineStatus.NO_WAYBILL.value: "invoice_without_waybill",
    LineStatus.INVOICED_TWICE.value: "waybill_invoiced_twice",
    LineStatus.ABOVE_DELIVERED.value: "invoiced_above_delivered",
    LineStatus.RATE_OFF_BAND.value: "freight_rate_off_band",
}


def _t(kg: int | None) -> str:
    return f"{(kg or 0) / 1000:,.3f}"


def line_finding(code: str, c: LineCheck) -> dict[str, Any]:
    line = c.line
    if code == LineStatus.NO_WAYBILL:
        zh = (
            f"第 {line.line_no} 行：车辆 {line.plate} 在 {line.service_date} 前后没有已到达的运单（疑似虚开）"
        )
        en = f"Line {line.line_no}: no closed waybill of {line.plate} around {line.service_date} (suspected false invoice)"
    elif code == LineStatus.INVOICED_TWICE:
        nos = "、".join(w.waybill_no for w in c.twice)
        zh = f"第 {line.line_no} 行：运单 {nos} 已由其他发票开具运费"
        en = f"Line {line.line_no}: waybill {', '.join(w.waybill_no for w in c.twice)} is already billed by another invoice"
    elif code == LineStatus.ABOVE_DELIVERED:
        zh = f"第 {line.line_no} 行：开票 {_t(line.quantity_kg)} 吨，运单实际运量 {_t(c.delivered_kg)} 吨"
        en = f"Line {line.line_no}: {_t(line.quantity_kg)} t invoiced, {_t(c.delivered_kg)} t delivered"
    else:
        rate = (c.rate_milli_yuan_per_tkm or 0) / 1000
        low, high = (c.band[0] / 1000, c.band[1] / 1000) if c.band else (0.0, 0.0)
        zh = f"第 {line.line_no} 行：运价 {rate:.3f} 元/吨·公里，区域合理区间 {low:.2f}–{high:.2f}"
        en = f"Line {line.line_no}: freight {rate:.3f} yuan/t·km, the region's band is {low:.2f}-{high:.2f}"
    return {"code": code, "zh": zh, "en": en, "lineNo": line.line_no}


def parties_finding(carrier_differs: bool, payer_differs: bool) -> dict[str, Any]:
    parts_zh, parts_en = [], []
    if carrier_differs:
        parts_zh.append("发票销售方不是运单的承运人")
        parts_en.append("the invoice's seller is not the waybills' carrier")
    if payer_differs:
        parts_zh.append("发票购买方既不是提煤单的买方也不是卖方")
        parts_en.append("the invoice's buyer is neither the buyer nor the seller of the orders")
    return {
        "code": "parties_differ",
        "zh": "四流主体不一致：" + "；".join(parts_zh),
        "en": "Parties differ: " + "; ".join(parts_en),
    }

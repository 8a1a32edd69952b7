"""Every alert kind the platform raises, in one place (issue 13, point 1).

A raiser names a kind by its code; the catalogue says how loud it is (the default grade), who must
handle it, what evidence it carries and which subject duplicates are counted against. Raising a code
that is not here is a programming error (UnknownAlertKind), caught by tests over every raiser's codes,
so a new rule cannot slip in an alert nobody has graded or routed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from backend.domain.alerts.schemas import Grade


class Handler(StrEnum):
    """The party that must act on an alert (regulators see it too, by the region's routing)."""

    SITE_ENTERPRISE = "site_enterprise"  # the enterprise whose site it happened at
    CARRIER = "carrier"  # the truck's carrier (or the seller when the truck has none on file)
    PLATFORM = "platform"  # the platform's operators (nobody else can fix it)
    # A party of a trade document (the seller, the buyer, the carrier that invoiced: the alert's org):
    # its admins, dispatchers and finance people handle it in the enterprise app (issue 14).
    TRADE_PARTY = "trade_party"


class Subject(StrEnum):
    """What the duplicate window counts against: the same kind on the same subject is one alert."""

    SITE = "site"
    PLATE = "plate"
    DEVICE = "device"
    # A document of the chain (an order, a settlement, an invoice line...): the raiser's `ref`, e.g.
    # "invoice:<no>:line:2". Its raisers keep their own record of what they raised, so a finding is
    # raised once however often the documents are recomputed.
    DOCUMENT = "document"


class Source(StrEnum):
    """Which part of the platform raises the kind (the raisers' own codes are checked against it)."""

    WEIGHING = "weighing"  # a refused weighing (backend.domain.weighing.submit)
    GATE = "gate"  # a forged or altered pass refused at a gate (backend.domain.orders.gate)
    GPS = "gps"  # a GPS event (backend.domain.waybills.gps), code "gps_<event kind>"
    # Sales, prices and receipts: the consignee's receipt (backend.domain.waybills.receipts) and the
    # daily sales job (backend.domain.weighing.sales).
    TRADE = "trade"
    # Devices and sites that went silent (backend.domain.watchdog), and activity at a closed site
    # (the gate and the scale: backend.domain.orders.gate, backend.domain.weighing.submit).
    WATCHDOG = "watchdog"
    # The chain after the waybill (issue 14, 六票合一): settlements, transport invoices, payments and
    # the reconciliation across the six documents.
    CHAIN = "chain"


class UnknownAlertKind(ValueError):
    """A raiser used a code the catalogue does not list: a bug, never bad input."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertKind:
    code: str
    name_zh: str
    name_en: str
    grade: Grade
    handler: Handler
    subject: Subject
    source: Source
    evidence: tuple[str, ...]
    window_min: int = 30  # duplicates on the same subject inside this many minutes update one alert


_W = ("weighing", "lane_trace", "camera_plates", "evidence_chain")
_G = ("positions", "gps_event", "waybill")

_KINDS = (
    # Weighing anti-cheat refusals (today's codes; 1 -> red, 2 -> orange, 3 -> yellow).
    AlertKind(code="plate_mismatch", name_zh="车牌与提煤单不符", name_en="Plate differs from the pickup order",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=_W),
    AlertKind(code="weight_jump", name_zh="称重数据跳变（疑似作弊）", name_en="Weight jump (suspected cheating)",
              grade=Grade.RED, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=_W),
    AlertKind(code="tare_out_of_range", name_zh="皮重超出历史范围", name_en="Tare outside the truck's history",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=(*_W, "tare_history")),
    AlertKind(code="plate_elsewhere", name_zh="车辆同时出现在其他地点", name_en="Truck seen elsewhere at the same time",
              grade=Grade.RED, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=(*_W, "positions")),
    AlertKind(code="loading_too_short", name_zh="装车时间过短", name_en="Loading too short",
              grade=Grade.YELLOW, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=_W),
    AlertKind(code="reweigh_not_allowed", name_zh="未经授权复磅", name_en="Re-weigh without an override",
              grade=Grade.YELLOW, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=_W),
    AlertKind(code="overweight", name_zh="超限超载（过磅）", name_en="Overweight at the scale",
              grade=Grade.RED, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=(*_W, "ticket")),
    AlertKind(code="net_exceeds_order", name_zh="净重超过提煤单", name_en="Net above the pickup order",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.WEIGHING,
              evidence=(*_W, "ticket")),
    # Passes refused at a gate for a signature the platform never made, or its own on a changed payload.
    AlertKind(code="pass_forged", name_zh="伪造通行码", name_en="Forged pass", grade=Grade.RED,
              handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.GATE,
              evidence=("refused_pass", "camera_plates", "evidence_chain")),
    AlertKind(code="pass_altered", name_zh="通行码被篡改", name_en="Altered pass", grade=Grade.RED,
              handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.GATE,
              evidence=("refused_pass", "camera_plates", "evidence_chain")),
    # GPS events (kind "gps_<geo.pipeline.model event>").
    AlertKind(code="gps_exit_not_designated", name_zh="未经指定出口驶离", name_en="Left away from a designated exit",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.PLATE, source=Source.GPS,
              evidence=(*_G, "site_fence")),
    AlertKind(code="gps_corridor_leave", name_zh="偏离运输路线", name_en="Left the route corridor",
              grade=Grade.YELLOW, handler=Handler.CARRIER, subject=Subject.PLATE, source=Source.GPS,
              evidence=(*_G, "corridor")),
    AlertKind(code="gps_long_stop", name_zh="非指定地点长时间停车", name_en="Long stop outside known places",
              grade=Grade.YELLOW, handler=Handler.CARRIER, subject=Subject.PLATE, source=Source.GPS, evidence=_G),
    AlertKind(code="gps_signal_gap", name_zh="定位信号中断", name_en="GPS signal gap",
              grade=Grade.ORANGE, handler=Handler.CARRIER, subject=Subject.PLATE, source=Source.GPS, evidence=_G),
    AlertKind(code="gps_overspeed", name_zh="超速行驶", name_en="Overspeed",
              grade=Grade.ORANGE, handler=Handler.CARRIER, subject=Subject.PLATE, source=Source.GPS, evidence=_G),
    # New kinds of issue 13. overload is the carrier's: the mine's scale refuses an overweight gross
    # (the site's `overweight`), so a truck above its legal gross at the consignee was loaded on the road.
    AlertKind(code="overload", name_zh="车辆超限超载", name_en="Overloaded or over-limit truck",
              grade=Grade.RED, handler=Handler.CARRIER, subject=Subject.PLATE, source=Source.TRADE,
              evidence=("ticket", "receipt", "camera_plates")),
    AlertKind(code="sales_above_baseline", name_zh="日销量远超自身基线", name_en="Daily sales far above the baseline",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.TRADE,
              evidence=("daily_sales", "baseline"), window_min=24 * 60),
    AlertKind(code="sales_above_capacity", name_zh="日销量超过核定产能", name_en="Daily sales above approved capacity",
              grade=Grade.RED, handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.TRADE,
              evidence=("daily_sales", "approved_capacity"), window_min=24 * 60),
    AlertKind(code="price_off_contract", name_zh="价格偏离合同价", name_en="Price far from the contract's",
              grade=Grade.YELLOW, handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.TRADE,
              evidence=("ticket", "contract")),
    AlertKind(code="receipt_disagreement", name_zh="上下游数据不一致", name_en="Upstream and downstream disagree",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.TRADE,
              evidence=("ticket", "receipt", "evidence_chain")),
    AlertKind(code="device_silent", name_zh="设备离线", name_en="Device went silent",
              grade=Grade.BLUE, handler=Handler.SITE_ENTERPRISE, subject=Subject.DEVICE, source=Source.WATCHDOG,
              evidence=("heartbeats",)),
    # Orange; the watchdog raises it red when the site's trucks are seen on the road meanwhile.
    AlertKind(code="site_silent", name_zh="场站整体离线（疑似断网断电）", name_en="Whole site silent (network or power cut?)",
              grade=Grade.ORANGE, handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.WATCHDOG,
              evidence=("heartbeats", "positions")),
    AlertKind(code="closed_site_activity", name_zh="未开放场站有业务活动", name_en="Activity at a site not open for sales",
              grade=Grade.RED, handler=Handler.SITE_ENTERPRISE, subject=Subject.SITE, source=Source.WATCHDOG,
              evidence=("weighing", "positions", "site_status")),
    # The chain after the waybill (issue 14). The 虚开 suspicions (a false transport invoice) are red.
    AlertKind(code="short_weight", name_zh="亏吨超过合同允许运损", name_en="Short weight beyond the allowed transit loss",
              grade=Grade.ORANGE, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("ticket", "receipt", "price_terms", "chain_status")),
    AlertKind(code="settlement_mismatch", name_zh="结算单与平台复核不符", name_en="Settlement differs from the platform's recomputation",
              grade=Grade.ORANGE, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("settlement", "price_terms", "assays", "chain_status")),
    AlertKind(code="price_above_contract", name_zh="结算价高于合同质价条款", name_en="Settled price above the contract after quality",
              grade=Grade.ORANGE, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("settlement", "price_terms", "assays", "contract")),
    AlertKind(code="settlement_overdue", name_zh="结算逾期", name_en="Settlement overdue",
              grade=Grade.YELLOW, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("chain_status", "contract"), window_min=24 * 60),
    AlertKind(code="invoice_without_waybill", name_zh="运输发票无对应运单（疑似虚开）", name_en="Invoice line without a waybill (suspected false invoice)",
              grade=Grade.RED, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("invoice", "waybill")),
    AlertKind(code="waybill_invoiced_twice", name_zh="同一运单重复开票", name_en="Waybill invoiced twice",
              grade=Grade.RED, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("invoice", "waybill")),
    AlertKind(code="invoiced_above_delivered", name_zh="开票吨数超过实际运量", name_en="Invoiced tonnage above delivered",
              grade=Grade.RED, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("invoice", "waybill", "receipt")),
    AlertKind(code="freight_rate_off_band", name_zh="运价偏离区域合理区间", name_en="Freight rate outside the region's band",
              grade=Grade.YELLOW, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("invoice", "waybill")),
    AlertKind(code="invoice_number_duplicate", name_zh="发票号码重复", name_en="Invoice number used twice",
              grade=Grade.RED, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("invoice",)),
    AlertKind(code="payer_not_buyer", name_zh="付款方不是买方（资金流不一致）", name_en="Payer is not the buyer (money flow differs)",
              grade=Grade.RED, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("payment", "contract", "settlement", "invoice")),
    AlertKind(code="parties_differ", name_zh="四流主体不一致", name_en="Parties differ across the four flows",
              grade=Grade.ORANGE, handler=Handler.TRADE_PARTY, subject=Subject.DOCUMENT, source=Source.CHAIN,
              evidence=("contract", "invoice", "payment", "chain_status")),
)

KINDS: MappingProxyType[str, AlertKind] = MappingProxyType({k.code: k for k in _KINDS})


def kind(code: str) -> AlertKind:
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownAlertKind(code) from None


def codes(source: Source) -> frozenset[str]:
    """The codes a raiser may use (a weighing refusal alerts only when its code is listed)."""
    return frozenset(k.code for k in _KINDS if k.source == source)

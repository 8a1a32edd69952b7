"""Pages of e-contracts (电子合同): my contracts as seller or buyer (filters reloaded by htmx), one
contract with its terms, scan, execution and history and the moves the viewer may make there, and
the seller's drafting form with a buyer lookup by credit code.

Pages only read; every change goes from the browser to the JSON API (apps/enterprise/contracts.py),
which answers errors as {code, message_zh, message_en, field} for the form to show on its field.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from apps.enterprise import contract_views as v
from apps.enterprise import quality_views as qv
from backend.checks.credit_code import check_credit_code
from backend.checks.errors import CheckFailed
from backend.domain.assays import service as assays
from backend.domain.assays.schemas import LAB_LABELS, SCOPE_LABELS
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import KIND_LABELS, PRODUCT_LABELS, STATUS_LABELS, ContractOut
from backend.domain.contracts.service import NON_BUYER_KINDS, SELLER_KINDS, china_today
from backend.domain.identity.schemas import ENTERPRISE_ADMINS, ENTERPRISE_ROLES, ISSUERS, Principal
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderStatus
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import ORG_KIND_LABELS
from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import CONDITION_LABELS, INDEX_LABELS, PARTIAL_LABELS
from backend.http.deps import Db, Offset
from backend.http.i18n import lang_of, translate
from backend.http.pages import no_access, page_user, render

PAGE_SIZE = 20
ORDERS_SHOWN = 50
ASSAYS_SHOWN = 50
# Rule rows on the terms form: the worked example needs four; a contract rarely states more than eight.
RULE_SLOTS = 8
ORDER_BADGES = {OrderStatus.ISSUED: "info", OrderStatus.DISPATCHED: "info", OrderStatus.ENTERED: "ok",
                OrderStatus.COMPLETED: "", OrderStatus.CANCELLED: "bad", OrderStatus.EXPIRED: "warn"}
# Kg, fen and basis points as people read them (contract_views), for every contract template.
FORMAT: dict[str, Any] = {
    "tonnes": v.tonnes, "yuan": v.yuan, "percent": v.percent, "tolerance": v.tolerance, "degrees": v.degrees,
    "file_size": v.file_size, "badges": v.STATUS_BADGES,
}


def _staff(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in staff member; anyone else gets the login or no-access page (page_user)."""
    return page_user(request, "enterprise", lambda me: me.is_staff)


@get("/contracts")
async def contract_list(
    request: Request[Any, Any, Any], db: Db, status: FromQuery[str | None] = None, role: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None, offset: FromQuery[Offset] = 0,
) -> Template | Redirect:
    me = _staff(request)
    status = status if status in STATUS_LABELS else None
    role = role if role in ("seller", "buyer") else None
    term = " ".join((q or "").split())[:64]
    page = await contracts.list_contracts(db, actor=me, status=status, role=role, q=term or None, offset=offset,
                                          limit=PAGE_SIZE)
    context: dict[str, Any] = dict(
        app="enterprise", rows=[v.row(me, c) for c in page.items], total=page.total, offset=offset, limit=PAGE_SIZE,
        status=status or "", role=role or "", q=term, **FORMAT,
    )
    # htmx asks for the list only; a history restore or a plain visit wants the whole page.
    if request.headers.get("hx-request") and not request.headers.get("hx-history-restore-request"):
        return render(request, "enterprise/_contract_list.html", **context)
    return render(request, "enterprise/contracts.html", can_draft=bool(_seller_ids(me)),
                  status_options=list(STATUS_LABELS.items()), **context)


def _moves(me: Principal, c: ContractOut) -> dict[str, bool]:
    """The buttons this viewer gets in this status (the API decides again on every request)."""
    seller = me.is_member(c.seller_org_id, ISSUERS)
    admin = me.is_member(c.seller_org_id, ENTERPRISE_ADMINS) or me.is_member(c.buyer_org_id, ENTERPRISE_ADMINS)
    delivered = c.progress.executed_kg >= c.progress.quantity_kg and c.progress.reserved_kg == 0
    return {
        "upload": seller and c.status == "draft", "file": seller and c.status == "draft",
        "delete": seller and c.status == "draft",
        "confirm": me.is_member(c.buyer_org_id, ENTERPRISE_ADMINS) and c.status == "filed",
        "terminate": admin and c.status in ("filed", "active"),
        "complete": seller and c.status == "active" and delivered,
        "complete_later": seller and c.status == "active" and not delivered,
    }


def _quality_moves(me: Principal, c: ContractOut) -> dict[str, bool]:
    """Set the terms: a party's admin or sales; enter an assay: any staff of a party (the API decides again)."""
    parties = (c.seller_org_id, c.buyer_org_id)
    return {"terms": any(me.is_member(o, ISSUERS) for o in parties),
            "assay": any(me.is_member(o, ENTERPRISE_ROLES) for o in parties)}


def _quality(me: Principal, c: ContractOut) -> dict[str, Any]:
    """What the quality sections need besides the rows: labels, options, who may add."""
    return dict(
        qv=qv, quality_moves=_quality_moves(me, c), rule_slots=RULE_SLOTS, lab_labels=LAB_LABELS,
        index_labels=INDEX_LABELS, condition_labels=CONDITION_LABELS, partial_labels=PARTIAL_LABELS,
        lab_options=[(k, f"assay.lab.{k}") for k in LAB_LABELS], scope_options=[(k, f"assay.scope.{k}") for k in SCOPE_LABELS],
    )


@get("/contracts/{contract_id:uuid}")
async def contract_page(request: Request[Any, Any, Any], db: Db, contract_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = _staff(request)
    contract = await contracts.get_contract(db, actor=me, contract_id=contract_id)
    events = await contracts.list_events(db, actor=me, contract_id=contract_id)
    order_page = await orders.list_orders(db, actor=me, contract_id=contract_id, limit=ORDERS_SHOWN)
    open_orders = await orders.list_orders(db, actor=me, contract_id=contract_id, open_only=True, limit=1)
    terms = await pricing.list_terms(db, actor=me, contract_id=contract_id)
    assay_page = await assays.list_assays(db, actor=me, contract_id=contract_id, limit=ASSAYS_SHOWN)
    today = china_today()
    return render(
        request, "enterprise/contract.html", app="enterprise", c=contract, events=list(reversed(events)),
        terms=terms, assays=assay_page, today=today.isoformat(), **_quality(me, contract),
        row=v.row(me, contract), moves=_moves(me, contract), value=v.value_yuan(contract.price_fen_per_t, contract.quantity_kg),
        days_left=v.days_left(contract.valid_until, today) if contract.status == "active" else None,
        orders=order_page, open_orders=open_orders.total, order_badges=ORDER_BADGES, **FORMAT,
    )


def _seller_ids(me: Principal) -> list[uuid.UUID]:
    """The organisations the viewer may draft for: coal holders where it is admin or sales."""
    return sorted({m.org_id for m in me.memberships if m.role in ISSUERS and m.org_kind in SELLER_KINDS})


async def _known_buyers(db: Db, me: Principal) -> list[tuple[uuid.UUID, str]]:
    """Buyers of our recent contracts, by name: a mine sells to the same plants again and again."""
    page = await contracts.list_contracts(db, actor=me, role="seller", limit=200)
    return sorted({c.buyer_org_id: c.buyer_name for c in page.items}.items(), key=lambda pair: pair[1])


@get("/contracts/new")
async def contract_new(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = _staff(request)
    seller_ids = _seller_ids(me)
    names = await organisations.org_names(db, org_ids=set(seller_ids))
    return render(
        request, "enterprise/contract_new.html", app="enterprise", status_code=200 if seller_ids else 403,
        sellers=[(i, names.get(i, "")) for i in seller_ids], buyers=await _known_buyers(db, me), selected="",
        code="", error="", found="", kinds=list(KIND_LABELS.items()), products=list(PRODUCT_LABELS.items()),
        today=china_today().isoformat(),
    )


async def _lookup(db: Db, me: Principal, raw: str, lang: str) -> tuple[uuid.UUID | None, str, str]:
    """A buyer by credit code: (id, name, "") when it may buy, else (None, "", why not, in `lang`)."""
    try:
        code = check_credit_code(raw)
    except CheckFailed as exc:
        return None, "", exc.message_en if lang == "en" else exc.message_zh
    org_id = await organisations.id_by_credit_code(db, credit_code=code)
    if org_id is None:
        return None, "", translate("ctr.new.buyer.notFound", lang)
    brief = (await organisations.briefs(db, org_ids={org_id}))[org_id]
    if org_id in _seller_ids(me):
        return None, "", translate("ctr.new.buyer.self", lang)
    if brief.kind in NON_BUYER_KINDS:
        zh, en = ORG_KIND_LABELS.get(brief.kind, (brief.kind, brief.kind))
        return None, "", translate("ctr.new.buyer.badKind", lang, kind=en.lower() if lang == "en" else zh)
    if brief.status != "active":
        return None, "", translate("ctr.new.buyer.inactive", lang)
    return org_id, (await organisations.org_names(db, org_ids={org_id}))[org_id], ""


@get("/contracts/buyers")
async def buyer_lookup(request: Request[Any, Any, Any], db: Db, credit_code: FromQuery[str | None] = None) -> Template | Redirect:
    """The buyer field again (htmx swaps it), with the organisation found by its credit code selected."""
    me = _staff(request)
    if not _seller_ids(me):
        return no_access(request, "enterprise")
    code = (credit_code or "").strip()[:32]
    buyers = await _known_buyers(db, me)
    org_id, name, error = await _lookup(db, me, code, lang_of(request))
    if org_id is not None and org_id not in dict(buyers):
        buyers.append((org_id, name))
    return render(request, "enterprise/_contract_buyer.html", app="enterprise", buyers=buyers,
                  selected=str(org_id or ""), code=code, found=name, error=error)


ROUTES = [contract_list, contract_new, buyer_lookup, contract_page]

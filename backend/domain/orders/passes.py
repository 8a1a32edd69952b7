"""The one-code pass (一码通行) of a pickup order: the driver's pass and a site gate's offline bundle.

The driver's phone gets the platform-signed token and the order's TOTP secret once, and from then
on draws `token.<6-digit code>` as a QR every 30 s by itself, so the pass works without signal and a
screenshot is stale within a minute (DESIGN §6). Phones without JavaScript fetch the current QR as
an SVG instead; a printed static pass is the token alone, which gates accept only with a plate match.

A site's gates get the day's open orders with their TOTP secrets in an offline bundle, sealed for
the requesting device's own secret and signed with the platform key (devices.passcode.bundle).
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.domain.machines import service as machines
from backend.domain.machines.schemas import MachineCaller
from backend.domain.orders import errors
from backend.domain.orders.access import own_order
from backend.domain.orders.gate_schemas import DriverPassOut
from backend.domain.orders.issuing import totp_context
from backend.domain.orders.models import GatePassage, PickupOrder
from backend.domain.orders.rules import PASS_STATUSES
from backend.domain.orders.schemas import OrderStatus
from backend.domain.passes import service as passes
from backend.domain.sites import service as sites
from backend.errors import Forbidden
from devices.passcode import STEP_S, BundleEntry, PassClaims, render_qr_text, seal_bundle

# A bundle carries the orders valid now or starting within this horizon: a day offline at most.
BUNDLE_HORIZON = timedelta(hours=24)


def epoch_s(value: datetime) -> int:
    return int(value.timestamp())


def totp_secret(ctx: Context, order: PickupOrder) -> str:
    return ctx.vault.decrypt(order.totp_secret_enc, context=totp_context(order.id))


def token_for(ctx: Context, order: PickupOrder) -> str:
    """The signed token `MT1.<payload>.<signature>` for the order's truck, site and validity."""
    assert order.plate is not None  # every order in PASS_STATUSES was dispatched to a truck
    signer = passes.signer(ctx.settings)
    return signer.sign(PassClaims(order_id=order.id, plate=order.plate, site_ids=(order.site_id,),
                                  valid_from_s=epoch_s(order.valid_from), valid_until_s=epoch_s(order.valid_until),
                                  kid=signer.kid))


async def _left(session: AsyncSession, order_id: uuid.UUID) -> bool:
    row = await session.execute(select(GatePassage.id).where(GatePassage.order_id == order_id,
                                                             GatePassage.transition == "out"))
    return row.first() is not None


async def _passable(session: AsyncSession, actor: Principal, order_id: uuid.UUID) -> PickupOrder:
    order = await own_order(session, actor, order_id)
    if order.status == OrderStatus.COMPLETED and order.plate is not None and not await _left(session, order.id):
        return order  # weighed and ticketed, still inside: the pass opens the out-gate
    if order.status not in PASS_STATUSES or order.plate is None:
        raise errors.pass_unavailable(order.status)
    return order


async def driver_pass(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID) -> DriverPassOut:
    """The order's pass for its driver (anyone else: 404), while it is dispatched or entered (else 409)."""
    order = await _passable(session, actor, order_id)
    assert order.plate is not None
    names = await sites.site_names(session, site_ids={order.site_id})
    return DriverPassOut(
        order_id=order.id, order_no=order.order_no, token=token_for(ctx, order), totp_secret=totp_secret(ctx, order),
        step_s=STEP_S, plate=order.plate, site_id=order.site_id, site_name=names.get(order.site_id, ""),
        valid_from=order.valid_from, valid_until=order.valid_until, server_time=utcnow(),
    )


def qr_svg(text: str) -> bytes:
    """`text` as a QR code in SVG (paths only: no Pillow needed), level M, 4-module quiet zone."""
    image = qrcode.make(text, image_factory=SvgPathImage, error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


async def pass_qr_svg(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID,
                      static: bool = False) -> bytes:
    """The QR the phone would show now (token + current code), or the printed static pass (token only)."""
    order = await _passable(session, actor, order_id)
    token = token_for(ctx, order)
    text = token if static else render_qr_text(token, totp_secret=totp_secret(ctx, order), at_s=epoch_s(utcnow()))
    return qr_svg(text)


def bundle_device_only() -> Forbidden:
    return Forbidden("pass_bundle_device_only", "离线数据包只发给本场站设备的密钥",
                     "The offline bundle is issued only to a key bound to a device of this site")


async def pass_bundle(session: AsyncSession, *, ctx: Context, machine: MachineCaller, site_id: uuid.UUID) -> bytes:
    """The sealed offline bundle of `site_id` for the calling device: its open orders valid now or
    within BUNDLE_HORIZON, with their TOTP secrets, encrypted under the device key's current secret.

    Another organisation's site (or none) is 404; a key not bound to a device of this site is 403.
    """
    site = await sites.site_brief(session, site_id=site_id)
    if site is None or site.org_id != machine.org_id:
        raise errors.gate_site_not_found()
    if machine.device_id is None or await sites.device_site(session, device_id=machine.device_id) != site_id:
        raise bundle_device_only()
    key = await machines.signing_key(session, ctx=ctx, key_id=machine.key_id)
    if key is None:  # revoked since the signature was checked
        raise bundle_device_only()
    now = utcnow()
    rows = (await session.execute(
        select(PickupOrder).where(
            PickupOrder.site_id == site_id, PickupOrder.status.in_(PASS_STATUSES), PickupOrder.plate.is_not(None),
            PickupOrder.valid_until > now, PickupOrder.valid_from < now + BUNDLE_HORIZON,
        ).order_by(PickupOrder.valid_from, PickupOrder.order_no)
    )).scalars().all()
    entries = [BundleEntry(order_id=o.id, plate=o.plate or "", totp_secret=totp_secret(ctx, o),
                           valid_until_s=epoch_s(o.valid_until)) for o in rows]
    # The current secret: after a rotation the gate must switch within the grace to open new bundles.
    return seal_bundle(entries=entries, site_id=site_id, device_secret=key.secrets[0], issued_at_s=epoch_s(now),
                       signer=passes.signer(ctx.settings))

"""What the gateway does with each decoded message (JT/T 808 session rules).

Before a successful 0x0102 only 0x0100 and 0x0102 are served; anything else is refused with
0x8001 result 1 and dropped, and too many such messages close the connection. Positions are
acknowledged only after the GPS stream holds them, so a terminal whose fix was not stored re-sends.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from backend.db.unit import unit_of_work
from backend.domain.terminals import service as terminals
from backend.domain.terminals.schemas import REGISTER_OK
from backend.workers.jt808.connection import FAIL, OK, UNSUPPORTED, Close, Connection
from backend.workers.jt808.positions import publish, to_positions
from geo.protocols.jt808 import (
    Authentication,
    Header,
    LocationBatch,
    Payload,
    Registration,
    RegistrationReply,
)
from geo.protocols.jt808.codec import (
    AUTHENTICATE,
    HEARTBEAT,
    LOCATION,
    LOCATION_BATCH,
    LOGOUT,
    REGISTER,
    REGISTER_REPLY,
    TERMINAL_REPLY,
)
from geo.protocols.jt808.location import Location

if TYPE_CHECKING:
    from backend.workers.jt808.server import Gateway

log = logging.getLogger("meitong.jt808")


async def dispatch(gateway: Gateway, conn: Connection, header: Header, payload: Payload) -> None:
    msg_id = header.msg_id
    if conn.authenticated and header.terminal_id != conn.phone:
        # One socket, one terminal: another phone in the header is refused, never attributed.
        await conn.refuse_unauthenticated(header)
        return
    if msg_id == REGISTER and isinstance(payload, Registration):
        await _register(gateway, conn, header, payload)
    elif msg_id == AUTHENTICATE and isinstance(payload, Authentication):
        await _authenticate(gateway, conn, header, payload)
    elif not conn.authenticated:
        await conn.refuse_unauthenticated(header)
    elif msg_id == HEARTBEAT:
        gateway.seen(header.terminal_id)
        await conn.reply(header, OK)
    elif msg_id == LOCATION and isinstance(payload, Location):
        await _positions(gateway, conn, header, (payload,), archive=False)
    elif msg_id == LOCATION_BATCH and isinstance(payload, LocationBatch):
        await _positions(gateway, conn, header, payload.items, archive=payload.blind_area)
    elif msg_id == LOGOUT:
        await _logout(gateway, conn, header)
    elif msg_id == TERMINAL_REPLY:
        gateway.seen(header.terminal_id)  # the terminal's answer to our 0x8300: nothing to reply
    else:
        await conn.reply(header, UNSUPPORTED)  # e.g. a platform message id sent by a terminal


async def _register(gateway: Gateway, conn: Connection, header: Header, reg: Registration) -> None:
    conn.counts["register"] += 1
    if conn.counts["register"] > gateway.limits.max_registrations:
        raise Close("registrations")
    async with unit_of_work(gateway.ctx) as session:
        outcome = await terminals.register(session, phone=header.terminal_id, registration=reg, version=reg.layout)
    gateway.counts[f"register_{outcome.result}"] += 1
    log.info("jt808 register", extra={"peer": conn.peer, "phone": header.terminal_id, "result": outcome.result,
                                      "layout": reg.layout})
    reply = RegistrationReply(header.seq, outcome.result, outcome.auth_code if outcome.result == REGISTER_OK else None)
    await conn.send(REGISTER_REPLY, reply, like=header)


async def _authenticate(gateway: Gateway, conn: Connection, header: Header, auth: Authentication) -> None:
    async with unit_of_work(gateway.ctx) as session:
        outcome = await terminals.authenticate(session, phone=header.terminal_id, code=auth.auth_code)
    if outcome.vehicle_id is None:
        conn.counts["auth_failed"] += 1
        gateway.counts["auth_failed"] += 1
        log.info("jt808 auth refused", extra={"peer": conn.peer, "phone": header.terminal_id})
        await conn.reply(header, FAIL)
        if conn.counts["auth_failed"] >= gateway.limits.max_auth_failures:
            raise Close("auth_failures")
        return
    conn.phone, conn.vehicle_id, conn.plate = header.terminal_id, str(outcome.vehicle_id), outcome.plate
    conn.version_2019 = header.version_2019
    gateway.bind(conn)
    gateway.counts["authenticated"] += 1
    log.info("jt808 authenticated", extra={"peer": conn.peer, "phone": conn.phone, "plate": conn.plate})
    await conn.reply(header, OK)


async def _positions(
    gateway: Gateway, conn: Connection, header: Header, locations: tuple[Location, ...], *, archive: bool,
) -> None:
    assert conn.vehicle_id is not None and conn.phone is not None
    positions = to_positions(locations, vehicle_id=conn.vehicle_id, phone=conn.phone, archive=archive)
    if positions:
        try:
            await publish(gateway.ctx.redis, stream=gateway.stream, positions=positions,
                          maxlen=gateway.limits.stream_maxlen)
        except Exception:  # Redis down or full: no ack, so the terminal keeps the fix and re-sends it
            gateway.counts["publish_failed"] += 1
            log.exception("jt808 positions not stored", extra={"phone": conn.phone, "n": len(positions)})
            return
    conn.counts["positions"] += len(positions)
    gateway.counts["positions"] += len(positions)
    gateway.seen(conn.phone)
    await conn.reply(header, OK)


async def _logout(gateway: Gateway, conn: Connection, header: Header) -> None:
    async with unit_of_work(gateway.ctx) as session:
        await terminals.unregister(session, phone=header.terminal_id)
    log.info("jt808 unregistered", extra={"peer": conn.peer, "phone": header.terminal_id})
    gateway.unbind(conn)
    conn.phone = conn.vehicle_id = None
    await conn.reply(header, OK)

"""Confirmation by the other party, corrections as new versions (never an overwrite), withdrawal
while pending, the evidence chain, the PDF and the events."""

from __future__ import annotations

import re
import uuid
import zlib

from sqlalchemy import select

from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from backend.domain.settlements.models import SettlementLine
from tests.settlements import helpers as h

NETS = [30_000, 28_000, 27_500]


async def test_confirm_rules(ctx, client):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=NETS))
    url = f"/api/enterprise/settlements/{s['id']}"
    assert s["buyerConfirmedAt"] and s["sellerConfirmedAt"] is None and not s["canConfirm"]
    own = await client.post(f"{url}/confirm", headers=w.p.buyer)
    assert own.status_code == 403 and own.json()["code"] == "settlement_confirm_other_party"
    staff = await client.post(f"{url}/confirm", headers=w.p.buyer_staff)
    assert staff.status_code == 403
    seen = (await client.get(url, headers=w.p.sales)).json()
    assert seen["canConfirm"] and not seen["canWithdraw"] and not seen["canCorrect"]
    done = await client.post(f"{url}/confirm", headers=w.p.sales)
    assert (
        done.status_code == 200 and done.json()["status"] == "confirmed" and done.json()["sellerConfirmedAt"]
    )
    again = await client.post(f"{url}/confirm", headers=w.p.sales)
    assert again.status_code == 409 and again.json()["code"] == "settlement_not_pending"
    late = await client.post(f"{url}/withdraw", headers=w.buyer_finance)
    assert late.status_code == 409


async def test_a_correction_is_a_new_version_and_the_old_one_stays(ctx, client):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    first = await h.issue(client, w.buyer_finance, h.body(w, tickets[:2], nets=NETS[:2], no="JS-V"))
    url = f"/api/enterprise/settlements/{first['id']}"
    seller_try = await client.post(
        f"{url}/versions", json=h.body(w, tickets, nets=NETS, no="JS-V"), headers=w.p.sales
    )
    assert seller_try.status_code == 403 and seller_try.json()["code"] == "settlement_not_issuer"
    renamed = await client.post(
        f"{url}/versions", json=h.body(w, tickets, nets=NETS, no="JS-W"), headers=w.p.buyer
    )
    assert renamed.status_code == 422 and renamed.json()["field"] == "settlementNo"
    r = await client.post(f"{url}/versions", json=h.body(w, tickets, nets=NETS, no="JS-V"), headers=w.p.buyer)
    assert r.status_code == 201, r.text
    second = r.json()
    assert (second["version"], second["supersedesId"], second["loadCount"]) == (2, first["id"], 3)
    old = (await client.get(url, headers=w.p.seller)).json()
    assert old["status"] == "superseded" and old["settledKg"] == sum(NETS[:2])  # kept as it was
    assert not any(x["live"] for x in old["lines"]) and all(x["live"] for x in second["lines"])
    assert second["evidenceSeq"] > first["evidenceSeq"]
    assert second["previousSettledKg"] == 0  # its own number's earlier version is no previous settlement
    stale = await client.post(
        f"{url}/versions", json=h.body(w, tickets, nets=NETS, no="JS-V"), headers=w.p.buyer
    )
    assert stale.status_code == 409
    async with unit_of_work(ctx) as session:
        for s in (first, second):
            entry = await evidence.entry_for(session, kind="settlement", ref=s["id"])
            assert entry is not None and entry.seq == s["evidenceSeq"]
            report = await evidence.verify_entry(
                session,
                settings=ctx.settings,
                kind="settlement",
                ref=s["id"],
                resolvers=evidence.default_resolvers(),
            )
            assert report is not None and report.ok, report
        live = (
            await session.execute(select(SettlementLine.ticket_no).where(SettlementLine.live.is_(True)))
        ).scalars()
        assert sorted(x for x in live if x in tickets) == sorted(tickets)


async def test_withdraw_frees_the_loads(ctx, client):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=NETS))
    other = await client.post(f"/api/enterprise/settlements/{s['id']}/withdraw", headers=w.p.sales)
    assert other.status_code == 403
    r = await client.post(f"/api/enterprise/settlements/{s['id']}/withdraw", headers=w.p.buyer)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    again = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=NETS))
    assert again["loadCount"] == 3 and again["previousSettledKg"] == 0


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _literals(content: bytes) -> list[bytes]:
    """The PDF literal strings shown with Tj: (…) with backslash escapes (octal too)."""
    found, i = [], 0
    while (i := content.find(b"(", i)) != -1:
        buf, i, depth = bytearray(), i + 1, 1
        while i < len(content):
            c = content[i]
            if c == 0x5C:  # backslash
                nxt = content[i + 1]
                if 0x30 <= nxt <= 0x37:
                    digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4]).group(0)  # type: ignore[union-attr]
                    buf.append(int(digits, 8) & 0xFF)
                    i += 1 + len(digits)
                    continue
                buf.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    break
            buf.append(c)
            i += 1
        i += 1
        if content[i : i + 4].lstrip().startswith(b"Tj"):
            found.append(bytes(buf))
    return found


def _text_of(pdf: bytes) -> str:
    """The text a reader extracts: the 2-byte glyph codes of each shown string mapped back through the
    font's ToUnicode CMap, so a missing or wrong CJK font (or none embedded) shows as "?"."""
    streams = _streams(pdf)
    cmap: dict[int, str] = {}
    for s in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", s, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                cmap[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", s, re.S):
            for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    cmap[code] = chr(int(dst, 16) + i)
    lines = []
    for s in streams:
        if b"Tj" not in s:
            continue
        for raw in _literals(s):
            lines.append(
                "".join(
                    cmap.get(int.from_bytes(raw[i : i + 2], "big"), "?") for i in range(0, len(raw) - 1, 2)
                )
            )
    return "\n".join(lines)


async def test_the_pdf_shows_the_settlement_in_chinese(ctx, client):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=NETS, no="JS-PDF-0001"))
    r = await client.get(f"/api/enterprise/settlements/{s['id']}/pdf", headers=w.p.seller)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf")
    assert r.content.startswith(b"%PDF") and b"JS-PDF-0001" in r.content
    text = _text_of(r.content)
    assert "煤炭结算单" in text and "JS-PDF-0001" in text and "人民币" in text, text[:400]
    assert "大写" in text and w.contract["contractNo"] in text and f"{s['evidenceSeq']}" in text


async def test_the_issued_and_confirmed_events_carry_the_orders(ctx, client):
    from backend.domain.settlements.events import SettlementConfirmed, SettlementIssued
    from backend.events import subscriber

    seen: list[object] = []

    @subscriber(SettlementIssued)
    async def _issued(session, ctx_, event):
        seen.append(event)

    @subscriber(SettlementConfirmed)
    async def _confirmed(session, ctx_, event):
        seen.append(event)

    try:
        w = await h.world(ctx, client)
        tickets = await h.loads(ctx, client, w, NETS[:2])
        s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=NETS[:2]))
        await client.post(f"/api/enterprise/settlements/{s['id']}/confirm", headers=w.p.sales)
        assert [type(e).__name__ for e in seen] == ["SettlementIssued", "SettlementConfirmed"]
        assert all(set(e.order_ids) == {uuid.UUID(x["orderId"]) for x in s["lines"]} for e in seen)  # type: ignore[attr-defined]
    finally:
        from backend import events as ev

        for kind, fn in ((SettlementIssued, _issued), (SettlementConfirmed, _confirmed)):
            ev._IN_TRANSACTION[kind].remove(fn)

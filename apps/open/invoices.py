"""Transport invoices and payments through the signed machine interface (docs/machine-interface.md).

    PUT /open/v1/transport-invoices/{invoiceNo}   the invoice's content (its 20-digit number in the path);
                                                  201 stored, 200 the same content again (no new row),
                                                  409 invoice_number_duplicate (another party or other content)
    PUT /open/v1/payments/{flowNo}                a bank flow (amountFen integer; cash refused); 201, 200 again,
                                                  409 payment_flow_taken with other content
The key's organisation must be the invoice's seller (the carrier) or buyer (the payer), the payment's
payer or payee.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from backend.domain.invoices import service as invoices
from backend.domain.invoices.schemas import InvoiceIn
from backend.domain.payments import service as payments
from backend.domain.payments.schemas import PaymentIn
from backend.http.deps import Db
from backend.http.signing import MachineActor, provide_machine, provide_machine_actor, signed_machine


@put(
    "/transport-invoices/{invoice_no:str}",
    summary="Upload a transport invoice (idempotent by number and content)",
)
async def put_invoice(
    invoice_no: FromPath[str], data: JSONBody[InvoiceIn], caller: MachineActor, db: Db
) -> Response[Any]:
    out, created = await invoices.record_invoice(
        db, actor=caller, invoice_no=invoice_no, data=data, source="open_api"
    )
    return Response(content=out, status_code=201 if created else 200)


@put("/payments/{flow_no:str}", summary="Record a payment (idempotent by payer, flow number and content)")
async def put_payment(
    flow_no: FromPath[str], data: JSONBody[PaymentIn], caller: MachineActor, db: Db
) -> Response[Any]:
    out, created = await payments.record_payment(
        db, actor=caller, flow_no=flow_no, data=data, source="open_api"
    )
    return Response(content=out, status_code=201 if created else 200)


router = Router(
    path="/open/v1",
    route_handlers=[put_invoice, put_payment],
    tags=["open", "invoices", "payments"],
    guards=[signed_machine],
    dependencies={"machine": Provide(provide_machine), "caller": Provide(provide_machine_actor)},
)

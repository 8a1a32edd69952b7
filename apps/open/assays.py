"""Assays through the signed machine interface (docs/machine-interface.md).

PUT /open/v1/assays/{reportNo}   {contractNo, scope, ticketNo | batchDate, lab, testedOn, values…}: a party's
                                 laboratory system records or corrects an assay by its report number
                                 (201 created; 200 the same or corrected)
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response, Router, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from backend.domain.assays import service as assays
from backend.domain.assays.schemas import AssayPut
from backend.http.deps import Db
from backend.http.signing import MachineActor, provide_machine, provide_machine_actor, signed_machine

ReportNo = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


@put("/assays/{report_no:str}", summary="Record or correct an assay by its report number (idempotent)")
async def upsert(
    caller: MachineActor, report_no: FromPath[ReportNo], data: JSONBody[AssayPut], db: Db
) -> Response[Any]:
    out, created = await assays.upsert_assay(db, actor=caller, report_no=report_no, data=data)
    return Response(content=out, status_code=201 if created else 200)


router = Router(
    path="/open/v1",
    route_handlers=[upsert],
    tags=["open", "assays"],
    guards=[signed_machine],
    dependencies={"machine": Provide(provide_machine), "caller": Provide(provide_machine_actor)},
)

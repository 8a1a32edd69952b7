"""An assay row as the wire shows it, with its values back as a Quality for the pricing engine."""

from __future__ import annotations

from decimal import Decimal

from backend.domain.assays.models import Assay
from backend.domain.assays.schemas import AssayOut
from backend.domain.pricing.schemas import Quality


def _pct(bp: int | None) -> Decimal | None:
    # 1650 bp -> Decimal("16.5"): exact, no float on the way.
    return None if bp is None else Decimal(bp) / 100


def quality_of(a: Assay) -> Quality:
    return Quality(
        qnet_ar_kcal_per_kg=None if a.qnet_ar_kcal_per_kg is None else Decimal(a.qnet_ar_kcal_per_kg),
        mt_pct=_pct(a.mt_bp),
        mad_pct=_pct(a.mad_bp),
        ad_pct=_pct(a.ad_bp),
        vdaf_pct=_pct(a.vdaf_bp),
        st_d_pct=_pct(a.st_d_bp),
    )


def assay_out(a: Assay) -> AssayOut:
    return AssayOut(
        id=a.id,
        contract_id=a.contract_id,
        contract_no=a.contract_no,
        scope=a.scope,
        ticket_no=a.ticket_no,
        batch_date=a.batch_date,
        lab=a.lab,
        lab_name=a.lab_name,
        sample_no=a.sample_no,
        report_no=a.report_no,
        standard=a.standard,
        qnet_ar_kcal_per_kg=a.qnet_ar_kcal_per_kg,
        qnet_input_value=a.qnet_input_value,
        qnet_input_unit=a.qnet_input_unit,
        mt_bp=a.mt_bp,
        mad_bp=a.mad_bp,
        ad_bp=a.ad_bp,
        vdaf_bp=a.vdaf_bp,
        st_d_bp=a.st_d_bp,
        size_mm=a.size_mm,
        quality=quality_of(a),
        scan_sha256=a.scan_sha256,
        scan_media_type=a.scan_media_type,
        source=a.source,
        uploaded_by_org_id=a.uploaded_by_org_id,
        tested_on=a.tested_on,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )

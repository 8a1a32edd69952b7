"""Pure checks of a driver's data."""

from __future__ import annotations

import pytest

from backend.domain.drivers import rules
from backend.errors import Invalid


@pytest.mark.parametrize("raw, stored", [
    ("王建国", "王建国"), ("  李 四 ", "李 四"), ("阿卜杜•热合曼", "阿卜杜·热合曼"), ("John Smith", "John Smith"),
    ("买买提・艾力", "买买提·艾力"),
])
def test_names_accepted_and_normalised(raw, stored):
    assert rules.check_name(raw) == stored


@pytest.mark.parametrize("raw", ["王", "王1", "王_五", "<b>王</b>", "王" * 33, "·", "  "])
def test_names_refused(raw):
    with pytest.raises(Invalid) as err:
        rules.check_name(raw)
    assert err.value.field == "name"


def test_document_numbers():
    assert rules.check_licence_no("1506 0219 8506 1200 1x") == "15060219850612001X"
    with pytest.raises(Invalid):
        rules.check_licence_no("12345678901")  # 11: too short
    with pytest.raises(Invalid):
        rules.check_cert_no("QC-123456")
    assert rules.check_cert_no("qc123456") == "QC123456"


@pytest.mark.parametrize("number, masked", [
    ("15060219850612001X", "1506**********001X"), ("150602123456", "1506****3456"), ("QC123456", "******56"),
    ("ABCD", "****"),
])
def test_masks_never_show_the_middle(number, masked):
    assert rules.mask_number(number) == masked

from __future__ import annotations

import pickle

from backend.checks.errors import CheckFailed


def test_attributes_and_pickling() -> None:
    error = CheckFailed("id_card_format", "格式错误", "Bad format")
    assert isinstance(error, ValueError)
    assert (error.code, error.message_zh, error.message_en) == ("id_card_format", "格式错误", "Bad format")
    assert "Bad format" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message_zh, copy.message_en) == ("id_card_format", "格式错误", "Bad format")

"""Every UI string exists in both languages, and every key the templates use exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from backend.http.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*ROOT.glob("backend/http/templates/**/*.html"), *ROOT.glob("apps/*/web/templates/**/*.html")]
# t("key") or t('key', ...) with a literal key; keys built at run time are listed below instead.
LITERAL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.]+)["']\s*[,)]""")
# Families of keys the templates and page modules build from data (t("status.org." ~ status)).
FAMILIES = {
    "app.{}": ["driver", "mine", "enterprise", "regulator"],
    "landing.{}.desc": ["driver", "mine", "enterprise", "regulator"],
    "login.lead.{}": ["driver", "mine", "enterprise", "regulator"],
    "pwa.{}.name": ["driver", "mine", "enterprise", "regulator"],
    "pwa.{}.short": ["driver", "mine", "enterprise", "regulator"],
    "landing.chain.{}": ["contract", "order", "gate", "weigh", "waybill", "settle"],
    "status.org.{}": ["active", "suspended", "blacklisted"],
    "reg.status.to.{}": ["active", "suspended", "blacklisted"],
    "driver.realName.{}": ["verified", "submitted", "rejected"],
    "vehicle.status.{}": ["active", "retired", "blacklisted"],
    "site.status.{}": ["active", "closed"],
    "dir.{}": ["in", "out", "both"],
    "device.kind.{}": ["camera", "weighbridge", "barrier", "io_module", "led", "speaker", "edge_agent", "qr_scanner",
                       "belt_scale", "rail_scale"],
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_chinese_and_english():
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        # The same placeholders in both languages, or one of them fails to format.
        assert fields(zh) == fields(en), key


def test_every_key_used_in_a_template_exists():
    assert len(TEMPLATES) >= 10
    used = {key for path in TEMPLATES for key in LITERAL.findall(path.read_text())}
    assert len(used) > 100
    missing = sorted(used - MESSAGES.keys())
    assert missing == [], f"keys used in templates but missing from messages.py: {missing}"


def test_every_key_built_from_data_exists():
    missing = [pattern.format(v) for pattern, values in FAMILIES.items() for v in values
               if pattern.format(v) not in MESSAGES]
    assert missing == []


def test_page_modules_nav_keys_exist():
    from backend.http import pages

    keys = [key for items in pages.NAV.values() for key, _, _ in items]
    assert keys and all(k in MESSAGES for k in keys)


def test_chinese_texts_are_chinese():
    # An English text pasted into the Chinese column would leak into the Chinese pages.
    latin_only = [k for k, (zh, _) in MESSAGES.items()
                  if not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", zh) and k not in ALLOWED_LATIN]
    assert latin_only == []


# Keys whose Chinese text is legitimately without Chinese characters.
ALLOWED_LATIN = {"nav.lang"}

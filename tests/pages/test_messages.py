"""Every UI string exists in both languages, every key the templates use exists, each app's templates
use only its own strings and the shared ones, and a key defined twice stops the start-up."""

from __future__ import annotations

import re
import string
import types
from pathlib import Path

import pytest

from backend import app as composition
from backend.http import i18n

ROOT = Path(__file__).resolve().parents[2]
SHARED_TEMPLATES = list(ROOT.glob("backend/http/templates/**/*.html"))
TEMPLATES = [*SHARED_TEMPLATES, *ROOT.glob("apps/*/web/templates/**/*.html")]
MESSAGES = i18n.merge(i18n.tables_of(*i18n.SHARED, *composition.APP_MESSAGES))
SHARED = i18n.merge(i18n.tables_of(*i18n.SHARED))
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
    "inv.kind.{}": ["81", "82"], "inv.payerSide.{}": ["buyer", "seller"], "inv.source.{}": ["hand", "open_api"],
    "device.kind.{}": ["camera", "weighbridge", "barrier", "io_module", "led", "speaker", "edge_agent", "qr_scanner",
                       "belt_scale", "rail_scale"],
    "qp.qb.{}": ["mine_ticket", "buyer_gate"],
    "qp.mode.{}": ["batch", "monthly_weighted"],
    "assay.lab.{}": ["mine", "buyer", "third_party"],
    "assay.scope.{}": ["load", "batch"],
    "assay.source.{}": ["hand", "open_api"],
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
    assert missing == [], f"keys used in templates but in no messages table: {missing}"


def test_each_app_shows_its_own_strings_and_the_shared_ones():
    # A shared template reading an app's string, or one app reading another's, would work only
    # because the tables are merged: the string would then live with the wrong owner.
    apps = {module.__name__.split(".")[1] for module in composition.APP_MESSAGES}
    assert apps == {"driver", "mine", "enterprise", "regulator"}
    misplaced: list[str] = []
    for path in TEMPLATES:
        rel = path.relative_to(ROOT)
        own = {key for m in composition.APP_MESSAGES if rel.parts[0] == "apps" and m.__name__.split(".")[1] == rel.parts[1]
               for key in m.MESSAGES}
        misplaced += [f"{rel}: {key}" for key in LITERAL.findall(path.read_text()) if key not in SHARED and key not in own]
    assert misplaced == []


def test_every_key_built_from_data_exists():
    missing = [pattern.format(v) for pattern, values in FAMILIES.items() for v in values
               if pattern.format(v) not in MESSAGES]
    assert missing == []


def test_page_modules_nav_keys_exist():
    from backend.http import pages

    keys = [key for items in pages.NAV.values() for key, _, _ in items]
    assert keys and all(k in SHARED for k in keys)


def test_chinese_texts_are_chinese():
    # An English text pasted into the Chinese column would leak into the Chinese pages.
    latin_only = [k for k, (zh, _) in MESSAGES.items()
                  if not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", zh) and k not in ALLOWED_LATIN]
    assert latin_only == []


def test_the_started_app_translates_every_table(app):
    # The fixture's app was built by create_app, which loaded the apps' tables beside the shared ones.
    assert i18n.CATALOGUE == MESSAGES
    assert i18n.translate("ctr.new.buyer.self", "en") == MESSAGES["ctr.new.buyer.self"][1]


def test_a_key_defined_by_two_tables_stops_the_start_up(monkeypatch, ctx, app):
    stray = types.ModuleType("apps.stray.messages")
    stray.MESSAGES = {"wb.updated": ("又一个", "Another")}  # type: ignore[attr-defined]
    monkeypatch.setattr(composition, "APP_MESSAGES", (*composition.APP_MESSAGES, stray))
    with pytest.raises(i18n.DuplicateMessage, match=r"'wb.updated'.*apps\.mine\.messages.*apps\.stray\.messages"):
        composition.create_app(ctx=ctx)
    # The refused tables changed nothing: the running catalogue is still whole.
    assert i18n.CATALOGUE == MESSAGES


# Keys whose Chinese text is legitimately without Chinese characters.
ALLOWED_LATIN = {"nav.lang"}

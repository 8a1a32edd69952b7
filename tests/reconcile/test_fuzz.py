"""Random query strings on every reconciliation route: a 4xx or a 2xx, never a 5xx."""

from __future__ import annotations

import random

from tests.reconcile.test_http import _chains
from tests.sites import helpers as sh

ROUTES = ("/api/enterprise/reconcile/board", "/api/enterprise/reconcile/board.xlsx", "/api/enterprise/reconcile/orders",
          "/api/regulator/reconcile/board", "/api/regulator/reconcile/board.xlsx", "/api/regulator/reconcile/mismatches",
          "/api/trace", "/enterprise/reconcile", "/enterprise/trace", "/regulator/reconcile", "/regulator/trace")
VALUES = ("", "0", "-1", "1e9", "99999999999999999999", "2026-02-30", "0001-01-01", "9999-12-31", "2000-01-01",
          "2099-12-31", "day", "month", "mismatch", "all", "150623", "150000", "999999", "abc", "\u0000", "蒙K12345",
          "' OR 1=1 --", "%", "x" * 70, "00000000-0000-0000-0000-000000000000", "🚚", " ", "\ud800")
KEYS = ("contract_id", "group", "from", "to", "state", "offset", "limit", "district", "no")


async def test_random_queries_never_answer_500(ctx, client) -> None:
    c, numbers = await _chains(ctx, client)
    _, regulator = await sh.regulator(ctx, client, "150623")
    rng = random.Random(14)
    for i in range(300):
        route = ROUTES[i % len(ROUTES)]
        headers = regulator if "regulator" in route or i % 3 == 0 else c.w.parties.buyer
        params = {k: rng.choice((*VALUES, *numbers.values())) for k in rng.sample(KEYS, rng.randint(0, 4))}
        params = {k: v.encode("utf-8", "replace").decode("utf-8", "replace") for k, v in params.items()}
        r = await client.get(route, params=params, headers=headers)
        assert r.status_code < 500, (route, params, r.status_code, r.text[:300])

"""`meitong evidence verify`, run as an operator would: the installed command, in its own process."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.evidence import helpers as h

MEITONG = Path(sys.executable).parent / "meitong"


async def _cli(ctx, *args: str) -> tuple[int, str]:
    # Same database and var dir (hence the same evidence key) as the test's own settings.
    env = {**os.environ, "DATABASE_URL": ctx.settings.database_url}
    if not ctx.settings.redis_url.startswith("memory://"):
        env["REDIS_URL"] = ctx.settings.redis_url  # this xdist worker's Redis database
    proc = await asyncio.create_subprocess_exec(str(MEITONG), "evidence", "verify", *args, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_the_cli_exits_0_on_a_sound_chain_and_1_at_the_first_bad_entry(ctx):
    await h.append_notes(ctx, 4)
    code, out = await _cli(ctx)
    assert code == 0, out
    assert out.strip().splitlines() == ["存证链完整：已核验 4 条 / evidence chain intact: 4 entries verified"]

    await h.sql(ctx, "UPDATE evidence_entries SET payload = :p WHERE seq = 2", p='{"n":2,"text":"改"}')
    await h.sql(ctx, "UPDATE evidence_entries SET signature = :s WHERE seq = 4", s="00" * 64)
    code, out = await _cli(ctx)
    assert code == 1, out
    assert "第 2 条" in out and "seq 2 (payload_hash_mismatch)" in out and len(out.strip().splitlines()) == 1

    code, out = await _cli(ctx, "--from-seq", "3")
    assert code == 1 and "seq 4 (bad_signature)" in out, out

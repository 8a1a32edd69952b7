"""DESIGN §3, checked on the real import graph (grimp, the library under import-linter).

What import-linter's contracts in pyproject.toml hold: the package layers (1), only backend.app
imports apps (1b), apps independent (2), geo/devices pure (3), no foreign models from apps (4), the
domain free of the web layer (5), the features in layers (6) and the demo out of production (7).
What this file adds, because a contract cannot say it generically:
- no two features import each other, directly or through others (and the check can fail);
- a feature, an app, the web layer or a worker reaches another feature only through its public
  face: `service`, `schemas` or `events` (with the models' registry and the composition root's
  wiring as the only exceptions);
- every feature has a public face with `__all__`, and everything in `__all__` exists;
- no domain module commits: the owner of the unit of work does (backend/db/unit.py).
"""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

from backend import features

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = {"service", "schemas", "events"}
# Modules allowed to reach inside every feature: the table registry for Alembic and the wiring.
INSIDE_ALLOWED = {"backend.db.models", "backend.db.migrations.env", "backend.features"}


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("backend", "apps")


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) >= 3 and parts[:2] == ["backend", "domain"] else None


def feature_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        own = _feature(module)
        if own is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = _feature(imported)
            if other is not None and other != own:
                edges[own].add(other)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A path a → … → a if the feature graph has one (depth-first, colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def test_no_import_circle_between_features() -> None:
    assert find_cycle(feature_edges(_graph())) is None


def test_the_circle_check_fails_when_the_gate_imports_waybills_again() -> None:
    """The check can fail: put back the import the events replaced (orders.gate → waybills)."""
    graph = _graph()
    graph.add_import(importer="backend.domain.orders.gate", imported="backend.domain.waybills.service")
    cycle = find_cycle(feature_edges(graph))
    assert cycle is not None and "orders" in cycle and "waybills" in cycle


def test_every_feature_is_registered_and_has_a_public_face_with_all() -> None:
    on_disk = {p.name for p in (ROOT / "backend" / "domain").iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(features.FEATURES), "backend/features.py FEATURES must list every feature folder"
    missing = []
    for name in sorted(on_disk):
        service = importlib.import_module(f"backend.domain.{name}.service")
        exported = getattr(service, "__all__", None)
        if not exported:
            missing.append(f"{name}: no __all__")
            continue
        missing += [f"{name}.service.{n}: in __all__ but missing" for n in exported if not hasattr(service, n)]
    assert missing == []


def _reaches_inside(importer: str, imported: str) -> bool:
    target = _feature(imported)
    if target is None or importer in INSIDE_ALLOWED or _feature(importer) == target:
        return False
    parts = imported.split(".")
    return len(parts) >= 4 and parts[3] not in PUBLIC


def test_features_are_reached_only_through_their_public_face() -> None:
    graph = _graph()
    offenders = sorted(
        f"{module} -> {imported}"
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if _reaches_inside(module, imported)
    )
    assert offenders == [], "use the feature's service, schemas or events:\n" + "\n".join(offenders)


def test_the_public_face_check_fails_on_a_reach_inside() -> None:
    assert _reaches_inside("apps.mine.orders", "backend.domain.orders.issuing")
    assert _reaches_inside("backend.domain.waybills.gps", "backend.domain.tracking.positions")
    assert not _reaches_inside("apps.mine.orders", "backend.domain.orders.service")
    assert not _reaches_inside("backend.domain.orders.gate", "backend.domain.orders.lifecycle")


def _commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def test_no_domain_service_commits() -> None:
    found = {str(p.relative_to(ROOT)): lines for p in sorted((ROOT / "backend" / "domain").rglob("*.py"))
             if (lines := _commits(p))}
    assert found == {}, "services flush; the request, job or worker owns the commit (backend/db/unit.py)"


@pytest.mark.parametrize("source", ["await session.commit()", "await self.session.commit()"])
def test_the_commit_check_sees_a_commit(tmp_path: Path, source: str) -> None:
    module = tmp_path / "m.py"
    module.write_text(f"async def f(session):\n    {source}\n", encoding="utf-8")
    assert _commits(module) == [2]

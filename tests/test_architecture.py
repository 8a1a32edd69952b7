"""DESIGN §3 rule 4, which import-linter cannot say generically: a feature never imports another
feature's models (only its service and schemas). The other four rules are import-linter contracts."""

from __future__ import annotations

import grimp


def test_features_use_each_other_only_through_service_and_schemas() -> None:
    graph = grimp.build_graph("backend")
    features = {m.split(".")[2] for m in graph.modules if m.startswith("backend.domain.") and m.count(".") >= 2}
    violations = []
    for module in sorted(graph.modules):
        if not module.startswith("backend.domain."):
            continue
        own = module.split(".")[2]
        for imported in graph.find_modules_directly_imported_by(module):
            parts = imported.split(".")
            if (
                len(parts) == 4 and parts[:2] == ["backend", "domain"] and parts[3] == "models"
                and parts[2] != own and parts[2] in features
            ):
                violations.append(f"{module} -> {imported}")
    assert violations == [], "features must use each other through service/schemas:\n" + "\n".join(violations)


def test_only_the_composition_root_and_registry_import_models_from_outside() -> None:
    graph = grimp.build_graph("backend")
    allowed = {"backend.db.models", "backend.db.migrations.env"}
    offenders = sorted(
        f"{module} -> {imported}"
        for module in graph.modules
        if not module.startswith("backend.domain.") and module not in allowed
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("backend.domain.") and imported.endswith(".models")
    )
    assert offenders == []

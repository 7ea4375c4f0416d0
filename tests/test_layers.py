"""The layers hold: who imports whom, where Streamlit lives, and that every service is scoped.

Read from the source (ast), so a new module is checked without being listed here.
- data_access, scoring and seed_data never import Streamlit: they run from the command line, a
  notebook or a scheduler; only pages/, ui/, services/ and dashboard.py do.
- The top-level packages form no cycle. The `__main__` modules are the command lines, which
  compose packages as dashboard.py does, and are left out of the graph.
- Pages reach data through services only (no data_access, scoring or seed_data import).
- Every public function of services/ is a registered service: scoped by subject (it refuses a
  role the policy refuses, before any read or cache) or declared reference/transform.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import services
from data_access.scope import POLICY, Scope
from services.base import SERVICES

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "reference_data",
    "data_access",
    "scoring",
    "jobs",
    "seed_data",
    "services",
    "ui",
    "pages",
)


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "heldout" not in p.parts)


def _imports(path: Path) -> set[str]:
    """Top-level names of every module the file imports (at any depth of the file)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_interface_imports_streamlit():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("data_access", "scoring", "seed_data")
        for path in _modules(package)
        if "streamlit" in _imports(path)
    ]
    assert offenders == []


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for package in PACKAGES:
        for path in _modules(package):
            if path.name == "__main__.py":
                continue  # a command line composes packages, like dashboard.py
            graph[package] |= (_imports(path) & set(PACKAGES)) - {package}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*trail, node, nxt]
            if nxt not in state and (found := visit(nxt, [*trail, node])):
                return found
        state[node] = 2
        return None

    for start in graph:
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_the_packages_form_no_cycle():
    graph = package_graph()
    assert _cycle(graph) is None, _cycle(graph)
    assert graph["reference_data"] == set()  # published files and their paths
    assert graph["data_access"] == {"reference_data"}  # no scoring, services, ui or generator
    assert graph["scoring"] == {"data_access"}
    assert graph["jobs"] == {"data_access", "scoring"}
    assert "seed_data" not in graph["data_access"] | graph["services"] | graph["ui"]
    assert "pages" not in set().union(*graph.values())


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_pages_reach_data_through_services_only():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            _imports(path) & {"data_access", "scoring", "seed_data"}
        )
        for path in _modules("pages")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


INFRASTRUCTURE = ("base", "refresh")  # the convention itself, and clearing caches after a write


def _service_modules() -> list:
    return [
        importlib.import_module(f"services.{info.name}")
        for info in pkgutil.iter_modules(services.__path__)
    ]


def _public_functions() -> list[tuple[str, object]]:
    """Every public callable a services module defines or re-exports as its own."""
    found = []
    for module in _service_modules():
        exported = set(getattr(module, "__all__", ()))
        for name, value in vars(module).items():
            if name.startswith("_") or name in exported or inspect.isclass(value):
                continue
            if inspect.ismodule(value) or not callable(value):
                continue
            defined_here = getattr(value, "__module__", "") == module.__name__
            if defined_here or value in SERVICES:
                found.append((f"{module.__name__}.{name}", value))
    return found


def test_every_public_service_function_is_registered():
    unregistered = [
        name
        for name, fn in _public_functions()
        if fn not in SERVICES and name.split(".")[1] not in INFRASTRUCTURE
    ]
    assert unregistered == []
    assert len(_public_functions()) > 50


SCOPED = [(name, fn) for name, fn in _public_functions() if SERVICES.get(fn) in POLICY]


def test_the_scoped_services_cover_every_page_subject():
    assert {SERVICES[fn] for _, fn in SCOPED} >= {
        "coverage", "reporting", "repair", "city", "oversight", "person_files", "submissions",
        "accounts",
    }  # fmt: skip


@pytest.mark.parametrize("name, fn", SCOPED, ids=[name for name, _ in SCOPED])
def test_a_service_refuses_a_role_the_policy_refuses_before_reading(name, fn):
    """Called with a database that does not exist and a role the policy refuses for the
    service's subject, the service raises PermissionError: the scope was checked first."""
    subject = SERVICES[fn]
    refused = [role for role in ("leading_office", "department_head", "privacy_officer", "admin")
               if role not in POLICY[subject]]  # fmt: skip
    if not refused:
        pytest.skip(f"every role may read {subject}")
    parameters = list(inspect.signature(fn).parameters)
    assert parameters[:2] == ["url", "scope"], name
    missing = [None] * sum(
        1
        for p in list(inspect.signature(fn).parameters.values())[2:]
        if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    )
    keywords = {
        p.name: None
        for p in inspect.signature(fn).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }
    for role in refused:
        with pytest.raises(PermissionError):
            fn("postgresql+psycopg://nobody@127.0.0.1:1/none", Scope(role, "EDU"), *missing,
               **keywords)  # fmt: skip


def test_a_service_takes_the_users_scope_not_loose_strings():
    from services import coverage

    with pytest.raises(TypeError):
        coverage.domains_in_scope("sqlite://", ("department_head", "EDU"))  # type: ignore[arg-type]

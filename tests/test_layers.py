"""The package's modules form layers: no module imports, at run time, one that imports it back.

A cycle makes import order matter (a half-initialised module hands out missing names) and ties
the modules on it into one unit that cannot be understood or tested alone. Imports that only
type checkers see (``if TYPE_CHECKING:``) are not run, so they may point anywhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import simplicate

PACKAGE = Path(simplicate.__file__).parent
NAME = "simplicate"


def module_name(path: Path) -> str:
    parts = [NAME, *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every Python module of the package, by name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_nodes(tree: ast.AST, *, typing: bool = False) -> Iterator[ast.AST]:
    """Every node that can run: ``if TYPE_CHECKING:`` bodies left out (their ``else`` kept),
    unless ``typing`` asks for what type checkers see too."""
    for node in ast.iter_child_nodes(tree):
        if not typing and isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield child
                yield from runtime_nodes(child, typing=typing)
            continue
        yield node
        yield from runtime_nodes(node, typing=typing)


def imported(name: str, path: Path, known: set[str], *, typing: bool = False) -> set[str]:
    """The package's modules that ``name`` imports at run time (with ``typing``, for type
    checkers too), at module level or inside functions. ``from . import _core`` imports the
    module ``_core``; ``from ._x import y`` imports ``_x`` (or ``_x.y`` when that is a
    module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in runtime_nodes(ast.parse(path.read_text(), str(path)), typing=typing):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.add(sub if sub in known else source)
    return {m for m in found if m == NAME or m.startswith(f"{NAME}.")} - {name}


def import_graph(*, typing: bool = False) -> dict[str, set[str]]:
    paths = modules()
    # The native `_core` has a stub but no source; it imports nothing of ours.
    known = set(paths) | {module_name(stub) for stub in PACKAGE.rglob("*.pyi")}
    return {name: imported(name, path, known, typing=typing) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as ``[a, b, ..., a]``, or None (depth-first, three colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_walk_sees_the_imports_it_should() -> None:
    graph = import_graph()
    assert "simplicate._base_client" in graph["simplicate._client"]
    assert "simplicate._core" in graph["simplicate._base_client"]  # `from . import _core`
    assert "simplicate._tables" in graph["simplicate._pager"]
    assert "simplicate._client" in graph["simplicate.testing._fake"]  # `from .._client import`
    assert "simplicate._export" in graph["simplicate.__main__"]  # inside a function
    # Under `if TYPE_CHECKING:` only: not a run-time import.
    assert "simplicate._pager" not in graph["simplicate._export"]


CLIENTS = {"simplicate._client", "simplicate._async_client"}

# What the clients are built from: each takes what it needs as arguments (a native transport,
# a protocol), never a client, not even for type checking.
HELPERS = [
    "simplicate._base_client",
    "simplicate._files",
    "simplicate._incremental",
    "simplicate._pager",
    "simplicate._async_pager",
    "simplicate._tables",
    "simplicate._export",
    "simplicate._progress",
]


@pytest.mark.parametrize("helper", HELPERS)
def test_helpers_do_not_know_the_clients(helper: str) -> None:
    assert not import_graph(typing=True)[helper] & CLIENTS


def test_find_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_import_graph_has_no_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])

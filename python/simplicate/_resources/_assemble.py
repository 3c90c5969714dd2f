"""Assembling the tree's classes from the registry's plan and the capability bases.

A resource's class is named for it (``CrmOrganization``, ``AsyncCrmOrganization``), inherits
one base per operation and holds nothing of its own but its plan and its docstring; a module's
class (``CrmModule``) has one cached property per resource. Both are made on first use and
belong to the API module's file (``_resources/crm.py``), whose stub (``crm.pyi``,
``scripts/generate_stubs.py``) declares the same classes from the same plan.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from .._registry import (
    ResourceSpec,
    attribute_doc,
    module_class_name,
    module_doc,
    modules,
    resource_doc,
)
from . import _actions as actions
from . import _capabilities as cap
from ._base import AsyncModule, Module, Resource

__all__ = ["ASYNC", "FLAVORS", "SYNC", "Flavor", "bases", "class_by_name", "module_getattr"]

PACKAGE = __name__.rpartition(".")[0]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key
class Flavor:
    """The sync tree or the async one: the class-name prefix and the bases to build from."""

    prefix: str
    kinds: Mapping[str, type[Resource]]
    """``Operation.kind`` → its capability base."""
    actions: Mapping[tuple[str, str], type[Resource]]
    """(action's URL segment, HTTP method) → its action base."""
    module_base: type[Module]
    callable_modules: Mapping[str, type[Module]]
    """Modules whose class is callable too, by module name: ``client.upload(source)``."""


SYNC = Flavor(
    prefix="",
    kinds={
        "list": cap.Listable,
        "get_one": cap.GettableOne,
        "create": cap.Creatable,
        "command": cap.Command,
        "put": cap.Puttable,
        "get": cap.Gettable,
        "call": cap.CallableItem,
        "update": cap.Updatable,
        "delete": cap.Deletable,
    },
    actions={
        ("duplicate", "POST"): actions.Duplicable,
        ("planningBudget", "GET"): actions.PlanningBudget,
    },
    module_base=Module,
    callable_modules={"upload": actions.Uploads},
)
ASYNC = Flavor(
    prefix="Async",
    kinds={
        "list": cap.AsyncListable,
        "get_one": cap.AsyncGettableOne,
        "create": cap.AsyncCreatable,
        "command": cap.AsyncCommand,
        "put": cap.AsyncPuttable,
        "get": cap.AsyncGettable,
        "call": cap.AsyncCallableItem,
        "update": cap.AsyncUpdatable,
        "delete": cap.AsyncDeletable,
    },
    actions={
        ("duplicate", "POST"): actions.AsyncDuplicable,
        ("planningBudget", "GET"): actions.AsyncPlanningBudget,
    },
    module_base=AsyncModule,
    callable_modules={"upload": actions.AsyncUploads},
)
FLAVORS = (SYNC, ASYNC)


def bases(flavor: Flavor, spec: ResourceSpec) -> tuple[type[Resource], ...]:
    """The bases of a resource's class, one per operation, in the registry's order."""
    out = []
    for op in spec.operations:
        if op.action is None:
            out.append(flavor.kinds[op.kind])
            continue
        base = flavor.actions.get((op.action, op.method))
        if base is None:
            raise NotImplementedError(
                f"{op.method} {op.template}: no action base for it in _resources/_actions.py"
            )
        out.append(base)
    return tuple(out)


def module_base(flavor: Flavor, module: str) -> type[Module]:
    return flavor.callable_modules.get(module, flavor.module_base)


def _once(make: F) -> F:
    """``functools.cache`` under a lock: two threads asking for a class at once get the same
    one, so ``isinstance`` checks hold."""
    cached = functools.cache(make)
    lock = threading.Lock()

    @functools.wraps(make)
    def get(*key: Any) -> Any:
        with lock:
            return cached(*key)

    return cast(F, get)


@_once
def resource_class(flavor: Flavor, module: str, attr: str) -> type[Resource]:
    spec = modules()[module][attr]
    namespace = {
        "__slots__": (),
        "__module__": f"{PACKAGE}.{module}",
        "__doc__": resource_doc(spec),
        "_spec": spec,
    }
    return type(flavor.prefix + spec.class_name, bases(flavor, spec), namespace)


def _resource_property(flavor: Flavor, module: str, attr: str) -> functools.cached_property[Any]:
    def resource(self: Module) -> Resource:
        return resource_class(flavor, module, attr)(self._client)

    resource.__name__ = attr
    resource.__qualname__ = f"{flavor.prefix}{module_class_name(module)}.{attr}"
    resource.__doc__ = attribute_doc(modules()[module][attr])
    return functools.cached_property(resource)


@_once
def module_class(flavor: Flavor, module: str) -> type[Module]:
    namespace: dict[str, Any] = {
        attr: _resource_property(flavor, module, attr) for attr in modules()[module]
    }
    namespace.update(__module__=f"{PACKAGE}.{module}", __doc__=module_doc(module), _module=module)
    name = flavor.prefix + module_class_name(module)
    return type(name, (module_base(flavor, module),), namespace)


def plant_modules(tree: type, flavor: Flavor) -> None:
    """Give a tree class (``ResourceTree``, ``AsyncResourceTree``) one cached property per API
    module."""
    for module in modules():

        def make(self: Any, module: str = module) -> Module:
            return module_class(flavor, module)(self)

        make.__name__ = module
        make.__qualname__ = f"{tree.__name__}.{module}"
        make.__doc__ = module_doc(module)
        prop = functools.cached_property(make)
        setattr(tree, module, prop)
        prop.__set_name__(tree, module)


def class_by_name(module: str, name: str) -> type:
    """A class of API module ``module`` by name (``CrmOrganization``, ``AsyncCrmModule``), made
    on demand; AttributeError for any other name."""
    for flavor in FLAVORS:
        if name == flavor.prefix + module_class_name(module):
            return module_class(flavor, module)
        for attr, spec in modules()[module].items():
            if name == flavor.prefix + spec.class_name:
                return resource_class(flavor, module, attr)
    raise AttributeError(f"module '{PACKAGE}.{module}' has no attribute {name!r}")


def module_getattr(qualified: str) -> Callable[[str], type]:
    """The ``__getattr__`` of an API module's file (``_resources/crm.py``): its classes by
    name, for ``isinstance`` checks, pickling by name and stubtest."""
    module = qualified.rpartition(".")[2]

    def __getattr__(name: str) -> type:
        return class_by_name(module, name)

    return __getattr__

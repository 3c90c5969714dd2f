"""The base classes of the tree's objects, and what they do with names the API lacks.

A resource, a module and a tree each answer ``dir()`` with the real names only, and a missing
name with an AttributeError that suggests the closest real one. The arguments every method
checks before sending anything (``id``, ``data``) are checked here too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from .._registry import CRUD, ResourceSpec, modules

if TYPE_CHECKING:
    from .._requester import AsyncRequester, Requester

__all__ = ["AsyncModule", "AsyncResource", "Module", "Resource", "TreeBase"]


# ---- arguments ---------------------------------------------------------------------------------


def check_id(id: object) -> str:
    """``id`` as one path segment, or TypeError/ValueError before anything is sent."""
    if not isinstance(id, str):
        raise TypeError(f"id must be a str, got {type(id).__name__}")
    if not id.strip():
        raise ValueError("id must not be empty")
    if id != id.strip() or id in (".", "..") or any(c in id for c in "/?#"):
        raise ValueError(f"id={id!r} is not one path segment (no '/', '?', '#' or spaces around)")
    return id


def check_data(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError(f"data must be a dict, got {type(data).__name__}")
    return data


def new_id(data: Any) -> Any:
    """A create's answer is ``{"id": ...}``; an answer without one is returned whole."""
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return data


# ---- attribute errors --------------------------------------------------------------------------


def _suggest(message: str, name: str, names: Iterable[str], label: str, *, always: bool) -> str:
    """``message``, then the closest of ``names`` to ``name`` if one is close, and all of
    ``names`` when there is none (or ``always``)."""
    names = list(names)
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    if always or not close:
        message += f"{' ' if close else '; '}{label}: {', '.join(names)}"
    return message


def _plain_attribute_error(obj: object, name: str) -> NoReturn:
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r}")


def _action_names() -> frozenset[str]:
    # Only asked on the way to an AttributeError, so not worth a cache.
    return frozenset(
        op.attr
        for resources in modules().values()
        for spec in resources.values()
        for op in spec.operations
        if op.action
    )


def _missing_method(spec: ResourceSpec, name: str) -> str:
    available = spec.methods
    if name in CRUD:
        method, level = CRUD[name]
        where = "items" if level == "item" else "the collection"
        message = f"{spec.dotted} does not allow {method} on {where}"
        if name == "update" and "put" in available:
            message += " (a PUT on the collection is put(data), with the id in data)"
        elif name == "put" and "update" in available:
            message += " (use update(id, data))"
    elif name in _action_names():
        message = f"{spec.dotted} has no {name} action"
    else:
        message = f"{spec.dotted} has no method {name!r}"
        return _suggest(message, name, available, "available", always=True)
    return f"{message}; available: {', '.join(available)}"


# ---- resources ---------------------------------------------------------------------------------


class Resource:
    """One resource of the API, bound to a client. Its class (one per resource, assembled on
    first use from the capability bases in ``_capabilities.py``) has exactly the methods the
    API allows on it."""

    __slots__ = ("_client",)
    _spec: ResourceSpec
    # Narrowed by the sync and the async capability bases.
    _client: Requester | AsyncRequester

    def __init__(self, client: Requester | AsyncRequester) -> None:
        self._client = client

    @property
    def path(self) -> str:
        """Below the API root: ``crm/organization``."""
        return self._spec.path

    def _item(self, id: object, action: str | None = None) -> str:
        """The path of record ``id`` (or of one of its actions), once ``id`` is checked."""
        item = f"{self._spec.path}/{check_id(id)}"
        return f"{item}/{action}" if action else item

    if not TYPE_CHECKING:
        # Hidden from type checkers, which would otherwise accept any name on the class.
        def __getattr__(self, name: str) -> NoReturn:
            if name.startswith("_"):
                _plain_attribute_error(self, name)
            raise AttributeError(_missing_method(self._spec, name))

    def __dir__(self) -> list[str]:
        return sorted({*self._spec.methods, "path"})

    def __repr__(self) -> str:
        return f"<simplicate resource {self._spec.dotted}: {', '.join(self._spec.methods)}>"


class AsyncResource(Resource):
    """One resource of the API, bound to an :class:`AsyncClient`: the methods are coroutines
    (``list`` returns an :class:`AsyncPager`)."""

    __slots__ = ()
    _client: AsyncRequester

    def __repr__(self) -> str:
        return f"<simplicate async resource {self._spec.dotted}: {', '.join(self._spec.methods)}>"


# ---- modules -----------------------------------------------------------------------------------


class Module:
    """One module of the API (``client.crm``), bound to a client; its resources are attributes
    (typed cached properties, one class per module)."""

    _module: str
    _client: Requester | AsyncRequester

    def __init__(self, client: Requester | AsyncRequester) -> None:
        self._client = client

    if not TYPE_CHECKING:
        # Hidden from type checkers, which would otherwise accept any name on the class.
        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                _plain_attribute_error(self, name)
            if hasattr(type(self), name):
                # Making the resource raised AttributeError: let that error show, not ours.
                return object.__getattribute__(self, name)
            message = f"{self._module} has no resource {name!r}"
            names = modules()[self._module]
            raise AttributeError(_suggest(message, name, names, "resources", always=False))

    def __dir__(self) -> list[str]:
        return sorted(modules()[self._module])

    def __repr__(self) -> str:
        return f"<simplicate module {self._module}: {len(modules()[self._module])} resources>"


class AsyncModule(Module):
    """One module of the API (``client.crm``), bound to an :class:`AsyncClient`."""

    _client: AsyncRequester

    def __repr__(self) -> str:
        return f"<simplicate async module {self._module}>"


# ---- trees -------------------------------------------------------------------------------------


class TreeBase:
    """Attribute errors for a client's resource tree: the closest module name, or them all."""

    __slots__ = ()

    if not TYPE_CHECKING:
        # Hidden from type checkers, which would otherwise accept any name on the class.
        def __getattr__(self, name: str) -> Any:
            cls = type(self)
            if name.startswith("_"):
                _plain_attribute_error(self, name)
            if hasattr(cls, name):
                # A property of the class raised AttributeError: let that error show, not ours.
                return object.__getattribute__(self, name)
            public = [n for n in dir(cls) if not n.startswith("_")]
            close = difflib.get_close_matches(name, public, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"modules: {', '.join(modules())}"
            raise AttributeError(f"{cls.__name__} has no module or attribute {name!r}; {hint}")

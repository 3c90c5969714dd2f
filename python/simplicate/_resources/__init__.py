"""The resource tree: ``client.crm.organization.list(...)`` for every resource of the API.

Built from the plan in ``_registry.py``, itself derived from ``_core.registry()`` (the endpoint
table the fake server routes by), so the tree offers exactly the operations each path takes.

    _base.py           Resource, Module and the tree's base: ``dir()``, reprs, AttributeErrors
                       that suggest the closest real name, the checks of ``id`` and ``data``
    _capabilities.py   one base per CRUD operation (``Listable.list``, ``Gettable.get``, ...)
                       and its async twin: every method body and docstring, once
    _actions.py        one base per action (``duplicate``, ``planning_budget``); the upload call
    _assemble.py       a class per module and resource, from its bases, on first use
    _tree.py           ``ResourceTree`` and ``AsyncResourceTree``, which the clients subclass
    crm.py, hrm.py...  one file per API module: its classes by name, typed by its stub
                       (``crm.pyi``: ``CrmOrganization`` and ``AsyncCrmOrganization`` side by
                       side), which ``scripts/generate_stubs.py`` writes from the same plan

Resources call their client through the protocols of ``_requester.py`` only; no module here
imports a client.
"""

from ._base import AsyncModule, AsyncResource, Module, Resource
from ._tree import AsyncResourceTree, ResourceTree

__all__ = [
    "AsyncModule",
    "AsyncResource",
    "AsyncResourceTree",
    "Module",
    "Resource",
    "ResourceTree",
]

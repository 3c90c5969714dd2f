"""The async resource tree, where ``AsyncClient`` finds it; it lives in ``_resources/`` beside
its sync twin (``AsyncCrmOrganization`` next to ``CrmOrganization``)."""

from ._resources import AsyncModule, AsyncResource, AsyncResourceTree

__all__ = ["AsyncModule", "AsyncResource", "AsyncResourceTree"]

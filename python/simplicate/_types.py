"""Type aliases shared by the public signatures."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeAlias, Union

Scalar: TypeAlias = Union[str, int, float, bool, date, datetime, Decimal, None]  # noqa: UP007
ParamValue: TypeAlias = Union[Scalar, Sequence[Scalar]]  # noqa: UP007
Params: TypeAlias = Union[dict[str, ParamValue], Sequence[tuple[str, ParamValue]]]  # noqa: UP007
PathLike: TypeAlias = Union[str, "os.PathLike[str]"]

"""Canonical JSON: sorted keys, no whitespace, exact numbers, so equal payloads hash equally.

The text is built from per-value fragments so that :class:`Coercer` can encode a whole
column at once (repeated texts are encoded once) and join the fragments per row; the
result is the same as :func:`canonical_json` of the row's payload.
"""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring  # the C encoder when available
from typing import Any


def json_fragment(value: Any) -> str:
    """Encode one payload value: a str, int, Decimal, bool, None, list or dict."""
    if value.__class__ is str:
        return str(encode_basestring(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, dict):
        return canonical_json(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_fragment(item) for item in value) + "]"
    if isinstance(value, str):  # a str subclass
        return str(encode_basestring(str(value)))
    raise TypeError(f"cannot encode {type(value).__name__} as canonical JSON")


def member_fragment(name: str, value: Any) -> str:
    return f"{encode_basestring(name)}:{json_fragment(value)}"


def canonical_json(value: Any) -> str:
    """Serialise ``value`` with sorted keys and no spaces; Decimals keep their exact digits."""
    if isinstance(value, dict):
        members = [member_fragment(name, value[name]) for name in sorted(value)]
        return "{" + ",".join(members) + "}"
    return json_fragment(value)

"""Decide when a mapping's ``pattern`` may run in polars' regex engine instead of ``re``.

The two engines agree on a plain subset of the syntax over ASCII text without line
breaks: literals, ``.``, simple character classes, ``\\d \\D \\w \\W \\s \\b \\B``,
groups, alternation, anchors and the quantifiers ``* + ? {n} {n,} {n,m}`` (lazy or not).
:func:`portable_pattern` returns the pattern for polars only when it stays inside that
subset. Anything else is left to ``re``: flags, look-arounds, back-references, POSIX
classes and ``\\S``, which differ or fail in one of the engines. The caller applies the
polars pattern only to ASCII cells.
"""

from __future__ import annotations

import re

# Escapes with one meaning in both engines for ASCII text. \S is not here: re counts
# U+001C..U+001F as space, polars does not.
_CLASS_ESCAPES = frozenset("dDwWs")
_ANCHOR_ESCAPES = frozenset("bB")
# Punctuation that both engines read as itself when escaped; polars reads \< and \> as
# word boundaries, and rejects some other escapes.
_ESCAPED_LITERALS = frozenset(".^$*+?()[]{}|\\/-")
_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")
_PLAIN_LITERAL = re.compile(r"[A-Za-z0-9 _,:;'\"<>=!%&~`#/@-]")


def portable_pattern(pattern: str) -> str | None:
    """Return ``pattern`` as a polars regex with ``re.fullmatch`` semantics, or None."""
    if not pattern.isascii():
        return None
    position = 0
    depth = 0
    previous_quantifiable = False
    while position < len(pattern):
        character = pattern[position]
        step, quantifiable = 1, True
        if character == "\\":
            step = _escape_length(pattern, position, in_class=False)
            quantifiable = pattern[position + 1 : position + 2] not in _ANCHOR_ESCAPES
        elif character == "[":
            step = _class_length(pattern, position)
        elif character == "(":
            if pattern.startswith("(?", position) and not pattern.startswith("(?:", position):
                return None
            step = 3 if pattern.startswith("(?:", position) else 1
            depth += 1
            quantifiable = False
        elif character == ")":
            depth -= 1
            if depth < 0:
                return None
        elif character in "*+?{":
            if not previous_quantifiable:
                return None
            step = _quantifier_length(pattern, position)
            quantifiable = False
        elif character in "|^$":
            quantifiable = False
        elif character != "." and not _PLAIN_LITERAL.fullmatch(character):
            return None
        if step <= 0:
            return None
        position += step
        previous_quantifiable = quantifiable
    if depth != 0:
        return None
    return f"^(?:{pattern})$"


def _escape_length(pattern: str, position: int, *, in_class: bool) -> int:
    """Return the length of the escape at ``position``, or 0 when it is not portable."""
    escaped = pattern[position + 1 : position + 2]
    if not escaped:
        return 0
    if escaped in _CLASS_ESCAPES or (escaped in _ANCHOR_ESCAPES and not in_class):
        return 2
    if escaped in _ESCAPED_LITERALS:
        return 2
    return 0


def _class_length(pattern: str, position: int) -> int:
    """Return the length of the character class at ``position``, or 0 when not portable."""
    index = position + 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):
        return 0  # a leading "]" is a literal in re only
    while index < len(pattern):
        character = pattern[index]
        if character == "]":
            return index + 1 - position
        if character == "\\":
            length = _escape_length(pattern, index, in_class=True)
            if length == 0:
                return 0
            index += length
            continue
        if character == "[" or pattern.startswith(("&&", "--", "~~"), index):
            return 0  # nested classes and set operations exist in polars only
        if not (_PLAIN_LITERAL.fullmatch(character) or character in ".*+?(){}|$^"):
            return 0
        index += 1
    return 0


def _quantifier_length(pattern: str, position: int) -> int:
    """Return the length of the quantifier at ``position`` with an optional lazy ``?``."""
    if pattern[position] == "{":
        match = _QUANTIFIER.match(pattern, position)
        if match is None:
            return 0
        length = match.end() - position
    else:
        length = 1
    following = pattern[position + length : position + length + 1]
    if following == "?":
        return length + 1
    if following in ("+", "*", "{"):
        return 0  # a possessive or a repeated quantifier: an error in one engine
    return length

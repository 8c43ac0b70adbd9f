"""The boolean and choice types: values looked up in word lists, never guessed."""

from __future__ import annotations

from typing import Any

from tas_import.coercion.cells import CellRejected, whole_number_text
from tas_import.i18n import _
from tas_import.mapping import BooleanVariable, ChoiceVariable, Defaults


class BooleanConverter:
    """Match words case-insensitively; send ``output.true`` / ``output.false``."""

    def __init__(self, variable: BooleanVariable, defaults: Defaults) -> None:
        true_words = variable.true if variable.true is not None else defaults.true_words()
        false_words = variable.false if variable.false is not None else defaults.false_words()
        self.outputs: dict[bool, str | int] = {
            True: variable.output.true,
            False: variable.output.false,
        }
        self.words: dict[str, str | int] = {}
        for word in false_words:
            self.words[word.casefold()] = self.outputs[False]
        for word in true_words:
            self.words[word.casefold()] = self.outputs[True]
        self.allowed = ", ".join([*true_words, *false_words])

    def from_text(self, text: str) -> str | int:
        value = self.words.get(text.casefold())
        if value is None:
            raise CellRejected(_("is not a yes/no value; allowed words: {words}",
                                 words=self.allowed))
        return value

    def from_native(self, value: Any) -> str | int:
        if isinstance(value, bool):
            return self.outputs[value]
        return self.from_text(whole_number_text(value))


class ChoiceConverter:
    """Accept a value of ``values``, or a synonym of ``map``; case-insensitive on request."""

    def __init__(self, variable: ChoiceVariable) -> None:
        self.lookup: dict[str, str] = {value: value for value in variable.values}
        self.lookup.update(variable.map)
        self.ignore_case = variable.ignore_case
        self.folded = {key.casefold(): value for key, value in self.lookup.items()}
        self.allowed = ", ".join(variable.values)

    def from_text(self, text: str) -> str:
        value = self.lookup.get(text)
        if value is None and self.ignore_case:
            value = self.folded.get(text.casefold())
        if value is None:
            raise CellRejected(
                _("is not one of the allowed values: {values}", values=self.allowed)
            )
        return value

    def from_native(self, value: Any) -> str:
        return self.from_text(whole_number_text(value))

"""A form for any command, made from its pydantic model: the dashboard's actions need no
hand-written form per command, and a new command of the routing table gets one too.

What a person types is read the way they type it: amounts the Belgian way
(`accelerator.amounts`, `2.500,50`), textareas with their Windows line ends turned into
plain ones (the models refuse control characters), empty optional fields left out. The
field errors are the API's and the CLI's (`field: rule`).
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from accelerator import amounts
from accelerator.web.problems import FieldError
from services.kernel import Command
from services.rules import RULES

LONG = frozenset({"description", "proposal", "reason", "evaluation", "deliverable", "note"})
"""Fields written as a paragraph: a textarea."""


@dataclass
class Input:
    name: str
    """The form field's name: the model's, nested ones dotted (`contact.email`)."""
    label: str
    widget: str
    """text, textarea, date, number, amount, select, checkbox, lines, scores."""
    required: bool
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    error: str | None = None
    readonly: bool = False


def unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside `X | None`, and whether None is allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    return annotation, False


def bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for item in info.metadata:
        low = getattr(item, "ge", None) if getattr(item, "ge", None) is not None else low
        high = getattr(item, "le", None) if getattr(item, "le", None) is not None else high
    return low, high


def widget(name: str, annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if name == "scores":
        return "scores"
    if annotation is date:
        return "date"
    if annotation is Decimal:
        return "amount"
    if annotation in (int, float):
        return "number"
    if annotation is bool:
        return "checkbox"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "select"
    if origin in (tuple, list):
        return "lines"
    if origin is dict:
        return "pairs"
    return "textarea" if name in LONG else "text"


def inputs(model: type[BaseModel], prefix: str = "") -> list[Input]:
    """The form's inputs, nested models flattened into dotted names."""
    found: list[Input] = []
    for name, info in model.model_fields.items():
        annotation, optional = unwrap(info.annotation)
        dotted = f"{prefix}{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += inputs(annotation, f"{dotted}.")
            continue
        kind = widget(name, annotation)
        low, high = bounds(info)
        item = Input(
            dotted, dotted.replace("_", " ").replace(".", ": "), kind, info.is_required() and not optional
        )
        item.minimum, item.maximum = low, high
        if kind == "select":
            item.options = [(member.value, member.value) for member in annotation]
        if (
            info.default not in (None, ...)
            and not info.is_required()
            and not isinstance(info.default, (tuple, list, dict))
        ):
            item.value = str(info.default)
        found.append(item)
    return found


def text(raw: str) -> str:
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def read(
    items: list[Input], form: Mapping[str, Any], getlist: Any
) -> tuple[dict[str, Any], list[FieldError]]:
    """The command's data from a submitted form, and what could not even be read."""
    data: dict[str, Any] = {}
    errors: list[FieldError] = []
    for item in items:
        raw = text(str(form.get(item.name, "")))
        item.value = raw
        try:
            value = convert(item, raw, getlist(item.name), form)
        except amounts.NotAnAmount as error:
            errors.append(FieldError(field=item.name, rule=str(error)))
            continue
        if value is None:
            continue
        target = data
        *parents, last = item.name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = value
    return data, errors


def convert(item: Input, raw: str, many: list[str], form: Mapping[str, Any]) -> Any:
    """One input's value for the model (None: left out, the model's default applies)."""
    match item.widget:
        case "checkbox":
            return raw in ("on", "true", "1")
        case "scores":
            return {
                c: form.get(f"scores.{c}", "").strip()
                for c in RULES.criteria
                if form.get(f"scores.{c}", "").strip()
            }
        case "lines":
            chosen = [text(v).strip() for v in many if v.strip()]
            lines = chosen if len(chosen) > 1 else [line.strip() for line in raw.split("\n") if line.strip()]
            return lines or None
        case "pairs":
            pairs = [line.partition("=") for line in raw.split("\n") if line.strip()]
            return {k.strip(): v.strip() for k, _, v in pairs} or None
    if raw.strip() == "" and not item.required:
        return None
    if item.widget == "amount" and raw.strip():
        return amounts.euros(raw)
    return raw


def mark(items: list[Input], errors: list[FieldError]) -> None:
    """Put each error next to its input (a nested or criterion error next to its parent)."""
    by_name = {item.name: item for item in items}
    for error in errors:
        name = error.field
        while name and name not in by_name:
            name = name.rpartition(".")[0]
        if name in by_name and by_name[name].error is None:
            by_name[name].error = error.rule


def prefill(items: list[Input], values: Mapping[str, str]) -> None:
    for item in items:
        if item.name in values:
            item.value = values[item.name]


def described(command: type[Command]) -> str:
    doc = (command.__doc__ or "").strip()
    inherited = next((b.__doc__ for b in command.__mro__[1:] if b.__doc__), None)
    return "" if doc == (inherited or "").strip() else doc.split("\n\n")[0]

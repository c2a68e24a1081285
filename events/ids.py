"""Identifiers with structure: a payment id says whose grant, which milestone, which request."""

from __future__ import annotations

import re
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_PAYMENT = re.compile(
    r"^(?P<startup>[^/\s]+)/(?P<milestone>[a-z0-9][a-z0-9-]{1,62})/(?P<number>[1-9][0-9]{0,5})$"
)


class PaymentId(str):
    """`<startup>/<milestone>/<n>`: the n-th tranche requested for a startup's milestone.

    The startup's grant stream owns it, so the id alone routes finance's answer to its one
    writer. It is the plain string on the wire and compares equal to it.
    """

    __slots__ = ()

    def __new__(cls, raw: str) -> PaymentId:
        if _PAYMENT.match(raw) is None:
            raise ValueError(
                f"{raw!r} is not a payment id (startup/milestone/number, e.g. st-0d881f90/kick-off/1)"
            )
        return super().__new__(cls, raw)

    @classmethod
    def of(cls, startup_id: str, milestone_key: str, number: int) -> PaymentId:
        return cls(f"{startup_id}/{milestone_key}/{number}")

    @property
    def startup_id(self) -> str:
        return self.rsplit("/", 2)[0]

    @property
    def milestone_key(self) -> str:
        return self.rsplit("/", 2)[1]

    @property
    def number(self) -> int:
        return int(self.rsplit("/", 2)[2])

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            lambda value: value if isinstance(value, PaymentId) else cls(value),
            core_schema.str_schema(),
            serialization=core_schema.to_string_ser_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string"}

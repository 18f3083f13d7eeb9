"""Adding up agencies: one instance whose cells are the sums of theirs."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from baobiao.instance.load import CellValue, Instance
from baobiao.model import Form


def aggregate(form: Form, instances: list[Instance], name: str) -> Instance:
    """One instance whose every cell is the sum over the instances (blank when any is blank)."""
    totals: dict[str, Decimal | None] = {}
    for item in form.indicators:
        numbers = [inst.values[item.id].number if item.id in inst.values else None for inst in instances]
        given = [n for n in numbers if n is not None]
        totals[item.id] = sum(given, Decimal(0)) if numbers and len(given) == len(numbers) else None
    cells = {i: CellValue(i, v, "" if v is None else str(v), f"$.values.{i}", None) for i, v in totals.items()}
    years = {inst.year for inst in instances if inst.year is not None}
    meta = {"agency": name, "form": form.id} | ({"year": str(years.pop())} if len(years) == 1 else {})
    return Instance(
        "<aggregate>", MappingProxyType(meta), int(meta["year"]) if "year" in meta else None, MappingProxyType(cells)
    )

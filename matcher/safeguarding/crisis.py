"""Crisis numbers by region (pure)."""
import re
from collections.abc import Mapping

_DIGITS_ONLY = re.compile(r"[0-9 ]{2,20}")


def resources_for(region: str | None, table: Mapping[str, list[dict]]) -> list[dict]:
    """Return the crisis resources for a region, falling back to the general list."""
    if region and region in table:
        return list(table[region])
    return list(table.get("OTHER", []))


def dial(resource: Mapping) -> str | None:
    """Return what a phone dials for a resource (its `tel`, or a contact that is only digits), else None."""
    number = resource.get("tel") or ""
    if not number and _DIGITS_ONLY.fullmatch(resource.get("contact") or ""):
        number = resource["contact"]
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return digits or None


def footer_region(person_region: str | None, default_region: str | None, table: Mapping[str, list[dict]]) -> str:
    """Return whose numbers a footer shows: the person's region if known, else the organisation's default."""
    for region in (person_region, default_region):
        if region and region in table:
            return region
    return "OTHER"


def emergency_dial(resources: list[dict]) -> str | None:
    """Return what to dial in immediate danger: the first of a region's resources that can be dialled."""
    for resource in resources:
        number = dial(resource)
        if number:
            return number
    return None

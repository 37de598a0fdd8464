"""Crisis numbers by region (pure)."""
from collections.abc import Mapping


def resources_for(region: str | None, table: Mapping[str, list[dict]]) -> list[dict]:
    """Return the crisis resources for a region, falling back to the general list."""
    if region and region in table:
        return list(table[region])
    return list(table.get("OTHER", []))

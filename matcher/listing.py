"""Paging, sorting and filtering a console list from query arguments, by allow-list only (pure)."""
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
# Deep pages are never needed by a person; the bound keeps OFFSET cheap.
MAX_PAGE = 1000


@dataclass(frozen=True)
class Listing:
    """One list's view: a sort key from its allow-list, direction, page, page size and chosen filters."""

    sort: str
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE
    filters: Mapping[str, str] = field(default_factory=dict)

    def args(self, **changes) -> dict:
        """Return the query arguments of this view with some changed (for links)."""
        view = replace(self, **changes)
        return {**view.filters, "sort": view.sort, "order": "desc" if view.descending else "asc",
                "page": view.page, "per_page": view.per_page}

    def sorted_by(self, key: str) -> dict:
        """Return the query arguments for sorting by key (flipping the direction if already sorted by it)."""
        flip = not self.descending if key == self.sort else False
        return self.args(sort=key, descending=flip, page=1)


def read_listing(args: Mapping[str, str], sorts: Collection[str], default_sort: str,
                 filters: Mapping[str, Collection[str]] | None = None, descending: bool = False) -> Listing:
    """Read a list view from query arguments; anything not on an allow-list falls back to the default."""
    sort = args.get("sort", default_sort)
    sort = sort if sort in sorts else default_sort
    order = args.get("order")
    chosen = {name: args[name] for name, allowed in (filters or {}).items()
              if args.get(name) and args[name] in allowed}
    return Listing(sort=sort, descending=descending if order not in ("asc", "desc") else order == "desc",
                   page=_bounded(args.get("page"), 1, MAX_PAGE, 1),
                   per_page=_page_size(args.get("per_page")), filters=chosen)


def _bounded(text: str | None, low: int, high: int, default: int) -> int:
    if not text or not text.isascii() or not text.isdigit():
        return default
    # A long string of digits is simply past the end; int() of it is never attempted.
    return high if len(text) > 6 else min(max(int(text), low), high)


def _page_size(text: str | None) -> int:
    size = _bounded(text, 1, max(PAGE_SIZES), DEFAULT_PAGE_SIZE)
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE

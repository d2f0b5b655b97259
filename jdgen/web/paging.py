"""Lists of posts that stay usable at hundreds of posts: search, sort and paging from the query
string (so they work without JavaScript and their links can be shared)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..workflow import Book, Entry, Status
from .state import PostState

PER_PAGE = 25
SORTS = {"title": "Title", "status": "Status", "name": "File name"}
_STATUS_ORDER = {Status.DRAFT: 0, Status.IN_REVIEW: 1, Status.APPROVED: 2}


@dataclass(frozen=True)
class Row:
    """A post with its status, as the Posts and Compare pages list it."""

    post: PostState
    entry: Entry

    @property
    def name(self) -> str:
        return self.post.name

    @property
    def title(self) -> str:
        return self.post.title


@dataclass(frozen=True)
class Paged:
    rows: list[Row]
    q: str
    sort: str
    page: int
    pages: int
    total: int  # rows that match the search
    everything: int  # rows before the search

    def query(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view with `changes` (for paging and sorting links)."""
        args: dict[str, Any] = {"q": self.q, "sort": self.sort, "page": self.page}
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None) and not (k == "page" and v == 1)
                and not (k == "sort" and v == "title")}


def rows_of(posts: list[PostState], book: Book) -> list[Row]:
    return [Row(p, book.get(p.name)) for p in posts]


def paged(rows: list[Row], q: str = "", sort: str = "title", page: Any = 1, per: int = PER_PAGE) -> Paged:
    """The `page`th page of `rows` matching `q` (in the title, file name, status or who set it)."""
    q = " ".join(q.split())[:200]
    sort = sort if sort in SORTS else "title"
    needle = q.casefold()
    found = [r for r in rows if not needle or needle in
             f"{r.title} {r.name} {r.entry.status} {r.entry.by}".casefold()]
    if sort == "status":
        found.sort(key=lambda r: (_STATUS_ORDER[r.entry.status], r.title.casefold(), r.name))
    elif sort == "name":
        found.sort(key=lambda r: r.name)
    else:
        found.sort(key=lambda r: (r.title.casefold(), r.name))
    pages = max(1, -(-len(found) // per))
    try:
        number = min(max(1, int(page)), pages)
    except (TypeError, ValueError):
        number = 1
    return Paged(found[(number - 1) * per:number * per], q, sort, number, pages, len(found), len(rows))

"""Cursor pagination for every list of the API (a ninja pagination class).

A page is `{"items": [...], "next": url or null}`; `next` carries an opaque
`cursor`. For lists in a fixed order the cursor holds the last item's
ordering key and the next page is a keyset, `WHERE (published_at, id) <
(...)`: it costs the same at page 500 as at page 1, and an item published
meanwhile neither repeats nor skips one. Search results come ranked, at most
search.MAX_MATCHES of them, found once per request (`Ranked`): their cursor is
a position in that ranking.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as FieldValidationError
from django.db.models import F, Value
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase

from ..expressions import RowsAfter

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
BAD_CURSOR = "This cursor was not given out by this list: start again without one."


@dataclass
class Ranked:
    """Items in an order only the search knows: their ids, best first, and
    `load(ids)`, which reads the rows of one page."""

    ids: list
    load: Any


def encode(position):
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode(cursor):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise HttpError(400, BAD_CURSOR) from None


class PageInput(Schema):
    cursor: str | None = Field(None, description="From a page's `next`; none for the first.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


class CursorPagination(PaginationBase):
    """Keyset pages over `ordering` (fields that all run one way, the last
    one unique), or positions in a `Ranked` list."""

    Input = PageInput

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(description="The next page, or null on the last one.")

    def __init__(self, ordering, **kwargs):
        directions = {name.startswith("-") for name in ordering}
        if len(directions) != 1:
            raise ValueError("A keyset ordering runs one way: all ascending or all descending.")
        self.ordering = ordering
        self.descending = directions.pop()
        self.fields = [name.lstrip("-") for name in ordering]
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        if isinstance(queryset, Ranked):
            return self.paginate_ranked(queryset, pagination, request)
        rows = queryset.order_by(*self.ordering)
        if pagination.cursor is not None:
            rows = rows.filter(self.after(queryset, decode(pagination.cursor)))
        page = list(rows[: pagination.limit + 1])
        more, page = len(page) > pagination.limit, page[: pagination.limit]
        last = [self.key_value(page[-1], name) for name in self.fields] if more else None
        return {"items": page, "next": next_url(request, last and {"after": last})}

    def after(self, queryset, position):
        """The condition for the rows after `position`, checked against the fields' types."""
        values = position.get("after") if isinstance(position, dict) else None
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise HttpError(400, BAD_CURSOR)
        try:
            typed = [
                Value(model_field.to_python(value), output_field=model_field)
                for model_field, value in zip(self.model_fields(queryset), values, strict=True)
            ]
        except (FieldValidationError, TypeError):
            raise HttpError(400, BAD_CURSOR) from None
        return RowsAfter([F(name) for name in self.fields], typed, self.descending)

    def model_fields(self, queryset):
        meta, annotations = queryset.model._meta, queryset.query.annotations
        return [
            annotations[name].output_field
            if name in annotations
            else (meta.pk if name == "pk" else meta.get_field(name))
            for name in self.fields
        ]

    @staticmethod
    def key_value(row, name):
        value = getattr(row, name)
        return value.isoformat() if hasattr(value, "isoformat") else value

    def paginate_ranked(self, ranked, pagination, request):
        start = 0
        if pagination.cursor is not None:
            position = decode(pagination.cursor)
            start = position.get("offset") if isinstance(position, dict) else None
            if not isinstance(start, int) or isinstance(start, bool) or start < 0:
                raise HttpError(400, BAD_CURSOR)
        end = start + pagination.limit
        ids = ranked.ids[start:end]
        rows = {row.pk: row for row in ranked.load(ids)} if ids else {}
        more = end < len(ranked.ids)
        return {
            "items": [rows[pk] for pk in ids if pk in rows],
            "next": next_url(request, more and {"offset": end}),
        }


def next_url(request, position):
    """This request's URL at `position`, on the site's own address; None without one."""
    if not position:
        return None
    query = request.GET.copy()
    query["cursor"] = encode(position)
    return f"{settings.SITE_URL}{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"

"""Paging through answers found once.

A filtered list (answers to a question carrying two lessons, a search) shows
a count, one page, and the lessons found among all the results. Asking
PostgreSQL for the set three times means filtering tens of thousands of
rows three times; instead the views collect the matching ids once, in page
order, and this paginator loads the rows of one page only.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class IdPaginator(Paginator):
    """Pages through a list of ids; `load(ids)` returns the rows of one page."""

    def __init__(self, ids, per_page, load, **kwargs):
        super().__init__(ids, per_page, **kwargs)
        self.load = load

    def _get_page(self, ids, number, paginator):
        # Django's documented hook for what a page holds: here, its rows.
        rows = {row.pk: row for row in self.load(list(ids))} if ids else {}
        return super()._get_page([rows[pk] for pk in ids if pk in rows], number, paginator)


class CountedPaginator(Paginator):
    """Pages through rows whose number is known without counting them: a stored
    count (no COUNT(*) over the tens of thousands of rows it pages through),
    or a function that counts more cheaply than the rows would (a sitemap
    section, whose per-row dates would all be computed just to be counted).
    """

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count() if callable(self.known_count) else self.known_count


class LoadingPaginator(Paginator):
    """Pages through a QuerySet of ids (`.values("pk")`); `load(page_ids)` gets
    the page's slice of it, still a subquery, and returns that page's rows.

    For rows whose columns cost something to compute (a subquery a row):
    PostgreSQL computes them for every row an OFFSET skips, so the page's
    ids are chosen from the index alone and only their rows computed.
    """

    def __init__(self, ids, per_page, load, **kwargs):
        super().__init__(ids, per_page, **kwargs)
        self.load = load

    def _get_page(self, ids, number, paginator):
        return super()._get_page(list(self.load(ids)), number, paginator)

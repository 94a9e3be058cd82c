"""SQL the ORM does not spell by itself."""

from django.db.models import BooleanField, Func
from django.db.models.expressions import RawSQL


class IsAnyOf(Func):
    """`value = ANY(array)`: a condition PostgreSQL can answer from an index.

    Unlike `IN (subquery)`, it can be OR-ed with the full-text match in one
    bitmap scan, so the GIN index still serves a search that also looks at
    mentors' names. Given a list, it is one array parameter however long the
    list (`IN (%s, %s, ...)` would be a parameter an id).
    """

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (value, value_params), (array, array_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"{value} = ANY({array})", (*value_params, *array_params)


def id_array(ids):
    """`ids` as one bigint[] parameter, for IsAnyOf.

    Passed to psycopg as it is: a Value with an ArrayField would prepare
    every element in Python, a thousand calls for a thousand ids.
    """
    return RawSQL("%s::bigint[]", (list(ids),))


class RowsAfter(Func):
    """`(a, b) < (x, y)` (or `>`): the rows after a position in an ordering
    whose columns all run one way, as a keyset page starts.

    A row comparison, where `a < x OR (a = x AND b < y)` would do: PostgreSQL
    starts an index scan on (a, b) at the position itself, so page 500 reads
    no more of the index than page 1.
    """

    output_field = BooleanField()

    def __init__(self, columns, values, descending):
        self.operator = "<" if descending else ">"
        self.width = len(columns)
        super().__init__(*columns, *values)

    def as_sql(self, compiler, connection, **extra_context):
        sqls, params = [], []
        for expression in self.get_source_expressions():
            sql, sql_params = compiler.compile(expression)
            sqls.append(sql)
            params.extend(sql_params)
        columns, values = ", ".join(sqls[: self.width]), ", ".join(sqls[self.width :])
        return f"({columns}) {self.operator} ({values})", params

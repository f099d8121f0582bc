"""``field__any=[...]``: membership in a list passed as one array parameter.

A sweep batch names hundreds of ids in a dozen statements. ``__in`` makes one placeholder per
id, which Django prepares one by one and the driver splits into the query text each time;
``= ANY(%s)`` sends the list as a single PostgreSQL array. Elsewhere (SQLite) it is ``IN``.
"""

from django.db import models


@models.Field.register_lookup
class Any(models.Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]


# Relations keep their own lookup table (Django's RelatedIn and friends).
models.ForeignObject.register_lookup(Any)

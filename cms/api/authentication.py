"""Token authentication for the API in one precompiled query.

DRF's `TokenAuthentication` asks the ORM for the token with its user on every request; compiling that query
cost more than running it. The same lookup here is plain SQL built once per process from the models' columns,
with the same answers and errors.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

_SQL: dict[str, str] = {}


def _token_sql(connection) -> str:
    quote = connection.ops.quote_name
    user_model = get_user_model()
    columns = [f"t.{quote(f.column)}" for f in Token._meta.concrete_fields]
    columns += [f"u.{quote(f.column)}" for f in user_model._meta.concrete_fields]
    return (f"SELECT {', '.join(columns)} FROM {quote(Token._meta.db_table)} t "
            f"JOIN {quote(user_model._meta.db_table)} u "
            f"ON u.{quote(user_model._meta.pk.column)} = t.{quote('user_id')} "
            f"WHERE t.{quote('key')} = %s")


class FastTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        connection = connections[Token.objects.db]
        sql = _SQL.get(connection.alias) or _SQL.setdefault(connection.alias, _token_sql(connection))
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token_fields = [f.attname for f in Token._meta.concrete_fields]
        user_model = get_user_model()
        token = Token.from_db(connection.alias, token_fields, row[: len(token_fields)])
        user = user_model.from_db(connection.alias, [f.attname for f in user_model._meta.concrete_fields],
                                  row[len(token_fields):])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token

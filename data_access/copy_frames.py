"""Large query results as polars frames: on PostgreSQL through COPY ... TO STDOUT.

A SELECT of a few hundred thousand rows (the detector reads one row per operator and person a
week: about 410,000 on the city) costs more in the driver's rows than in the database: psycopg
makes a Python tuple of objects per row. COPY sends the same rows as CSV, which polars parses in
native code (a city week's 410,000 rows: 2.8 s with the query, 3.8 s before). The statement is still a SQLAlchemy Core select
with bound parameters: it is compiled for the connection's dialect and psycopg binds the
parameters into the COPY itself.

`copy_rows` returns None where COPY is not available (SQLite): the caller reads the rows as
usual. Every column comes back as text (or null); the caller casts.
"""

from __future__ import annotations

import io

import polars as pl
from sqlalchemy import Connection
from sqlalchemy.sql import Select


def copy_rows(conn: Connection, stmt: Select, columns: list[str]) -> pl.DataFrame | None:
    """The statement's rows as a frame of text columns named `columns`, read through COPY on
    PostgreSQL (in the connection's transaction); None on other engines."""
    if conn.dialect.name != "postgresql":
        return None
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    driver = conn.connection.driver_connection
    buffer = io.BytesIO()
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        copy_sql = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)"
        with cursor.copy(copy_sql, compiled.params) as copy:
            for chunk in copy:
                buffer.write(chunk)
    if buffer.tell() == 0:
        return pl.DataFrame(schema={c: pl.String for c in columns})
    buffer.seek(0)
    # COPY's CSV writes NULL as an empty field and an empty text as "": polars reads them so
    return pl.read_csv(
        buffer,
        has_header=False,
        new_columns=columns,
        schema={c: pl.String for c in columns},
        quote_char='"',
    )


def cast_text(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame of copy_rows' text columns cast to `schema`: PostgreSQL's booleans (t, f), its
    timestamps (with or without fractional seconds) and numbers."""
    casts = []
    for name, dtype in schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            casts.append(col.replace_strict({"t": True, "f": False}, default=None,
                                            return_dtype=pl.Boolean))  # fmt: skip
        elif dtype == pl.Datetime("us"):
            casts.append(col.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us"))
        elif dtype.is_integer():
            # EXTRACT gives numeric on PostgreSQL: '23' or '23.000000' both read as 23
            casts.append(col.cast(pl.Float64).cast(dtype))
        else:
            casts.append(col.cast(dtype))
    return frame.with_columns(casts)

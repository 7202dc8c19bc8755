"""The benchmarks' own PostgreSQL databases: made on first use, so a rerun needs one command."""

from __future__ import annotations


def is_postgres(url: str) -> bool:
    import dj_database_url

    return "postgresql" in dj_database_url.parse(url)["ENGINE"]


def ensure_database(url: str, *, emptied: bool = False) -> None:
    """Create the PostgreSQL database ``url`` names when it does not exist yet.

    ``emptied``: the benchmark deletes rows, so the name must contain ``bench``; a database
    of real orders is never a benchmark's scratch space.
    """
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if emptied and "bench" not in cfg["NAME"]:
        raise SystemExit(f"refusing to empty '{cfg['NAME']}': use a database named *bench*")
    with psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"] or "postgres",
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if found.fetchone() is None:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')

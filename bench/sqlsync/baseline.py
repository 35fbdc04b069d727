"""The approaches Syncplane is compared with, fetching the same pages over HTTP.

    baseline.py upsert|copy postgres|sqlite TARGET TABLE URL

upsert  the naive approach seed 003 replaced: every row written on every run, one
        INSERT ... ON CONFLICT DO UPDATE per page of records (batched), one transaction.
copy    the physical limit for writing everything: the table emptied and the whole set written
        in one transaction, with COPY on PostgreSQL and one executemany INSERT on SQLite.
TARGET is a libpq connection string (postgres) or a file (sqlite). Prints the rows the database
reports written (SQLite's total_changes; on PostgreSQL the caller reads pg_stat_user_tables).
"""
import io
import json
import sqlite3
import sys
import urllib.request

mode, engine, target, table, url = sys.argv[1:6]
COLUMNS = ["id", "date_start", "spend", "impressions", "clicks", "conversions", "revenue"]


def pages():
    next_url = url
    while next_url:
        with urllib.request.urlopen(next_url) as response:
            body = json.load(response)
        yield [tuple(r[c] for c in COLUMNS) for r in body["data"]]
        next_url = body.get("paging", {}).get("next")


def create(cur, numeric, integer, date):
    cur.execute(f"CREATE TABLE IF NOT EXISTS {table} (id text PRIMARY KEY, date_start {date}, spend {numeric}, "
                f"impressions {integer}, clicks {integer}, conversions {integer}, revenue {numeric})")


updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
if engine == "postgres":
    import psycopg2
    from psycopg2.extras import execute_values
    conn = psycopg2.connect(target)
    with conn, conn.cursor() as cur:
        create(cur, "numeric", "integer", "date")
        if mode == "copy":
            cur.execute(f"TRUNCATE {table}")
        for rows in pages():
            if mode == "upsert":
                execute_values(cur, f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES %s "
                                    f"ON CONFLICT (id) DO UPDATE SET {updates}", rows, page_size=len(rows))
            else:
                buf = io.StringIO("".join("\t".join(r) + "\n" for r in rows))
                cur.copy_expert(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN", buf)
    conn.close()
else:
    conn = sqlite3.connect(target)
    cur = conn.cursor()
    create(cur, "NUMERIC", "INTEGER", "TEXT")
    conn.commit()
    before = conn.total_changes
    cur.execute("BEGIN")
    if mode == "copy":
        cur.execute(f"DELETE FROM {table}")
    placeholders = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    if mode == "upsert":
        sql += f" ON CONFLICT (id) DO UPDATE SET {updates}"
    for rows in pages():
        cur.executemany(sql, rows)
    conn.commit()
    print(f"rows_written {conn.total_changes - before}")
    conn.close()

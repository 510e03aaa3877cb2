import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from psycopg import sql


def ensure_database(db: dict) -> bool:
    """Create the configured database when it does not exist; True when it was created."""
    conninfo = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "dbname": "postgres",
    }
    if db.get("PASSWORD"):
        conninfo["password"] = db["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if exists:
            return False
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(db["NAME"]))
        )
        return True


class Command(BaseCommand):
    help = "設定されたデータベースがなければ作成します。"

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        if ensure_database(db):
            self.stdout.write(f"データベース {db['NAME']} を作成しました。")

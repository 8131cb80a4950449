"""The SQLite store: schema and migrations, the repositories, the writer lock, backups and recovery. All SQL lives here."""

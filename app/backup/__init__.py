"""Backups: `flask backup create`, `verify` and `restore` (pg_dump/pg_restore for PostgreSQL,
the online backup API for SQLite), each file with its SHA-256 beside it."""

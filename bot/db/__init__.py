"""App database: SQLAlchemy 2 models, session factory, queries, Alembic migrations."""

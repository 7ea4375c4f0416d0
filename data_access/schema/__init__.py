"""The database schema: SQLAlchemy models of every table, the reference catalogues kept in the database, and schema creation and upgrade."""

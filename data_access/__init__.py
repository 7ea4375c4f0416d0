"""Data access: the schema, the engine, imports, and every query the pages need."""

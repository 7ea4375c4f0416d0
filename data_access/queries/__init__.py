"""The queries of each subject, scoped in SQL by data_access.scope, and the stored results and rollups they read; pure measures over their frames."""

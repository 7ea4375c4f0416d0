"""Scheduled jobs: the nightly work that keeps the dashboard's stored figures current.

`python -m data_access jobs run [nightly|JOB ...]` runs, in order, the coverage rollups for today,
the integrity points for today, the anomaly detector over the 90 days to yesterday (the range
horizon; yesterday's lookups are the new ones), the standing display check and the digests due
today (jobs.digest, sent by jobs.channels); each run is recorded in job_run (start, end, status,
rows, message) whatever its outcome, and one job's failure does not stop the others. The seed
build (all but the digests, which it leaves to the first nightly run) and an administrator on
the dashboard start the same functions.
"""

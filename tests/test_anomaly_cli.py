"""`python -m scoring anomalies`: exit codes, the --out columns, idempotent storage, triage kept."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from anomaly_world import build_world
from sqlalchemy import func, insert, select, update

from data_access.schema import models as m
from scoring.__main__ import main

RANGE = ["--from", "2026-10-26", "--to", "2026-11-22"]


def _alerts(engine) -> dict[str, dict]:
    """Every operator's alert for the final week (range alerts name their episode instead)."""
    a = m.Alert.__table__
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(a).where(
                    a.c.window_start == dt.datetime(2026, 11, 16),
                    a.c.window_end == dt.datetime(2026, 11, 23),
                )  # fmt: skip
            )
            .mappings()
            .all()
        )
    return {r["operator_id"]: dict(r) for r in rows}


def test_cli_stores_writes_csv_and_reruns_idempotently(engine, db_url, tmp_path, capsys):
    build_world(engine)
    out = tmp_path / "alerts.csv"
    assert main(["--db", db_url, "anomalies", *RANGE, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "week 2026-11-16" in err and "8 alerts" in err  # progress and summary on stderr
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:5] == ["operator_id", "window_start", "window_end", "score", "reasons"]
    assert {r["horizon"] for r in rows} == {"week", "range"}
    assert all(int(r["lookups"]) > 0 for r in rows if r["horizon"] == "range")
    assert {r["operator_id"] for r in rows} == {"psb0001", "psb0002", "psb0003", "psb0004"}
    assert all(r["reasons"].strip() and r["reasons_zh"].strip() for r in rows)
    assert [float(r["score"]) for r in rows] == sorted(
        (float(r["score"]) for r in rows), reverse=True
    )
    # on top: the kin episode (six of the village's residents, against next to none by chance),
    # from the first to the day after the last kin lookup
    assert (rows[0]["operator_id"], rows[0]["horizon"]) == ("psb0001", "range")
    assert rows[0]["window_start"] == "2026-11-16T00:00:00"
    assert rows[0]["window_end"] == "2026-11-20T00:00:00"

    with engine.connect() as conn:
        runs = conn.execute(select(m.AnomalyRun.__table__)).mappings().all()
        logged = conn.scalar(  # a night shift of the last day runs into the next morning
            select(func.count()).where(m.QueryLog.queried_at < dt.datetime(2026, 11, 23))
        )
    assert len(runs) == 1  # the run is recorded: the oversight page says when and over what
    assert (runs[0]["date_from"], runs[0]["date_to"]) == (
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 22),
    )
    assert runs[0]["alerts"] == 8 and runs[0]["operators_alerted"] == 4
    assert runs[0]["lookups"] == logged and runs[0]["detector_version"].startswith("anomaly-2")
    # stamped by the city's clock (Asia/Shanghai), whatever the server's time zone
    city = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=8)
    assert abs(runs[0]["ran_at"] - city) < dt.timedelta(minutes=2)

    first = _alerts(engine)
    assert set(first) == {"psb0001", "psb0002", "psb0003", "psb0004"}
    assert all(
        a["status"] == "open" and a["reasons_zh"] and a["reasons_en"] for a in first.values()
    )

    # a privacy officer confirms one alert; an open one gets a stale score
    kin = first["psb0001"]
    with engine.begin() as conn:
        conn.execute(insert(m.DashboardUser), [{"username": "po", "display_name": "PO",
                     "role": "privacy_officer", "password_hash": "x"}])  # fmt: skip
        conn.execute(update(m.Alert).where(m.Alert.alert_id == kin["alert_id"]).values(
            status="confirmed", score=1.0, reasons_en="checked by hand", reasons_zh="人工核查"))  # fmt: skip
        conn.execute(insert(m.AlertEvent), [{"alert_id": kin["alert_id"], "username": "po",
                     "at": dt.datetime(2026, 11, 25, 10), "action": "confirm", "note": "kin"}])  # fmt: skip
        conn.execute(update(m.Alert).where(m.Alert.operator_id == "psb0002").values(score=0.5))
    assert main(["--db", db_url, "anomalies", *RANGE]) == 0
    second = _alerts(engine)
    assert set(second) == set(first)
    assert second["psb0001"]["status"] == "confirmed"
    assert (
        second["psb0001"]["score"] == 1.0 and second["psb0001"]["reasons_en"] == "checked by hand"
    )
    assert second["psb0002"]["score"] == first["psb0002"]["score"]  # open alert rescored
    for op in first:
        assert second[op]["alert_id"] == first[op]["alert_id"]
    with engine.connect() as conn:
        events = conn.execute(select(m.AlertEvent.note)).scalars().all()
    assert events == ["kin"]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--from", "2026-13-01", "--to", "2026-11-22"], 2, "--from must be a date"),
        (["--from", "2026-11-22", "--to", "2026-11-01"], 2, "is before --from"),
        (["--from", "2026-11-01", "--to", "2026-11-22", "--out", "/no/such/dir/a.csv"], 2,
         "folder of --out"),
    ],
)  # fmt: skip
def test_cli_bad_usage(sqlite_url, capsys, args, code, message):
    assert main(["--db", sqlite_url, "anomalies", *args]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_missing_argument_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["anomalies", "--from", "2026-11-01"])
    assert exc.value.code == 2


def test_cli_database_without_schema_is_bad_data(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["--db", url, "anomalies", "--from", "2026-11-01", "--to", "2026-11-22"]) == 1
    err = capsys.readouterr().err
    assert "python -m data_access init" in err and "Traceback" not in err


def test_csv_cells_from_imported_data_never_start_a_formula(tmp_path):
    from scoring.anomaly import Alert
    from scoring.anomaly_cli import write_csv

    at = dt.datetime(2026, 11, 16)
    alerts = [Alert("=HYPERLINK(\"http://x\")", at, at + dt.timedelta(days=7), 9.5, ["甲"], ["a"],
                    ["kin"]), Alert("+cmd|' /C calc'!A0", at, at, 5.0, ["乙"], ["b"], ["kin"])]  # fmt: skip
    write_csv(tmp_path / "a.csv", alerts)
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["operator_id"] for r in rows] == ['\'=HYPERLINK("http://x")', "'+cmd|' /C calc'!A0"]

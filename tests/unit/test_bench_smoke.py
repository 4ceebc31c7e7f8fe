"""The 100k-order benchmark still runs (on 300 orders): it must not rot between releases."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_order_benchmark_runs_and_prints_every_case():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "orders_100k.py"), "--orders", "300", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "median" in line]
    assert len(lines) == 15 and all("rows" in line for line in lines)
    assert "search: serial SN000077777" in done.stdout


def test_the_upload_lag_benchmark_runs_and_prints_both_ways():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "upload_loop_lag.py"), "--photos", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "worker thread (now)" in done.stdout and "event loop (before)" in done.stdout
    assert done.stdout.count("other users' lag: worst") == 2


def test_the_webhook_benchmark_runs_and_records_each_payment_once():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "webhooks.py"), "--payments", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "payments recorded: 3 (expected 3" in done.stdout
    assert sum("median" in line for line in done.stdout.splitlines()) == 3


def test_the_pdf_first_byte_benchmark_runs_every_pdf_route_cold_and_warm():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pdf_first_byte.py"), "--requests", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("staff:", "link:", "portal:"))]
    assert len(rows) == 16 and not any("FAILED" in row for row in rows)
    assert "cold p50 / p95 / worst" in done.stdout and "warm p50 / p95 / worst" in done.stdout

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import repair_portal.models  # noqa: F401
from repair_portal.migrations import current_revision, head_revision, upgrade_to_head
from repair_portal.settings import PROJECT_ROOT

EXPECTED_TABLES = {
    "sms_message",
    "sms_consent",
    "sms_template_text",
    "payment_attempt",
    "payment_attempt_line",
    "provider_event",
    "shop_settings",
    "location",
    "staff_user",
    "staff_session",
    "customer",
    "device",
    "repair_order",
    "stage",
    "status_event",
    "quote",
    "quote_line",
    "payment",
    "attachment",
    "signature",
    "message",
    "portal_link",
    "audit_event",
    "rate_limit_event",
    "counter",
    "invoice",
    "invoice_line",
    "invoice_payment",
    "store_credit_entry",
    "asset_test",
    "defect",
    "defect_photo",
    "service_report",
    "resource_folder",
    "resource_file",
    "resource_share",
}


def _drift(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()


def test_empty_database_upgrades_to_head_with_every_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert current_revision(url) is None
    upgrade_to_head(url)
    assert current_revision(url) == head_revision(url)
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    engine.dispose()


def test_models_match_the_migrated_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade_to_head(url)
    assert _drift(url) == []


def test_alembic_cli_upgrade_head_works_from_the_project_root(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "DATA_DIR": str(tmp_path)}
    alembic = Path(sys.executable).parent / "alembic"
    done = subprocess.run([str(alembic), "upgrade", "head"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert current_revision(env["DATABASE_URL"]) == head_revision(env["DATABASE_URL"])


def test_reflex_db_migrate_brings_an_empty_database_to_head(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rx.db'}",
        "DATA_DIR": str(tmp_path),
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    reflex = Path(sys.executable).parent / "reflex"
    done = subprocess.run(
        [str(reflex), "db", "migrate"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert current_revision(env["DATABASE_URL"]) == head_revision(env["DATABASE_URL"])


def test_downgrade_to_base_and_back(tmp_path):
    from alembic import command
    from repair_portal.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade_to_head(url)
    command.downgrade(alembic_config(url), "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade_to_head(url)
    assert _drift(url) == []


def test_postgresql_upgrades_to_head_without_drift(pg_url):
    upgrade_to_head(pg_url)
    assert current_revision(pg_url) == head_revision(pg_url)
    assert _drift(pg_url) == []


def test_0007_gives_an_existing_workflow_the_default_decision_targets(tmp_path):
    from sqlalchemy import text

    from alembic import command
    from repair_portal.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0006")
    engine = create_engine(url)
    stages = [  # id, position, name, kind, explanation (None: internal)
        (1, 1, "Booked in", "normal", "In the queue"),
        (2, 2, "Awaiting approval", "awaiting_approval", "We sent a quote"),
        (3, 3, "Awaiting parts", "normal", None),
        (4, 4, "Repairing", "normal", "Under way"),
        (5, 5, "Ready", "ready", "Come and collect"),
        (6, 6, "Collected", "collected", "Thanks"),
    ]
    with engine.begin() as conn:
        for sid, position, name, kind, explanation in stages:
            conn.execute(
                text(
                    "INSERT INTO stage (id, position, name, customer_label, customer_explanation, kind, is_terminal,"
                    " notify_customer, active, color) VALUES (:id, :p, :n, '', :e, :k, false, false, true, 'gray')"
                ),
                {"id": sid, "p": position, "n": name, "e": explanation, "k": kind},
            )
    upgrade_to_head(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, approve_to_stage_id, decline_to_stage_id FROM stage WHERE kind != 'requested' ORDER BY id")
        ).all()
    engine.dispose()
    # approval → the next public plain stage (the internal one is skipped); decline → ready
    assert [tuple(r) for r in rows] == [
        (1, None, None),
        (2, 4, 5),
        (3, None, None),
        (4, None, None),
        (5, None, None),
        (6, None, None),
    ]


def test_0021_puts_a_requested_stage_first_in_an_existing_workflow_once(tmp_path):
    from sqlalchemy import text

    from alembic import command
    from repair_portal.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0020")
    engine = create_engine(url)
    with engine.begin() as conn:
        for sid, position, name, kind, active in [
            (1, 1, "Booked in", "normal", True),
            (2, 2, "Requested", "normal", True),  # the name is taken: the new stage gets another
            (3, 3, "Collected", "collected", True),
            (4, 4, "Old", "normal", False),
        ]:
            conn.execute(
                text(
                    "INSERT INTO stage (id, position, name, customer_label, customer_explanation, kind, is_terminal,"
                    " notify_customer, active, color) VALUES (:id, :p, :n, '', 'x', :k, false, false, :a, 'gray')"
                ),
                {"id": sid, "p": position, "n": name, "k": kind, "a": active},
            )
    upgrade_to_head(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT position, name, kind, active FROM stage ORDER BY position")).all()
    assert [tuple(r) for r in rows] == [
        (1, "Requested online", "requested", 1),
        (2, "Booked in", "normal", 1),
        (3, "Requested", "normal", 1),
        (4, "Collected", "collected", 1),
        (5, "Old", "normal", 0),
    ]
    command.downgrade(alembic_config(url), "0020")
    with engine.connect() as conn:
        names = conn.execute(text("SELECT position, name FROM stage ORDER BY position")).all()
    engine.dispose()
    assert [tuple(r) for r in names] == [(1, "Booked in"), (2, "Requested"), (3, "Collected"), (4, "Old")]
    empty = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade_to_head(empty)  # a new database: no stages yet (the default workflow brings the stage)
    fresh = create_engine(empty)
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM stage")).scalar() == 0
    fresh.dispose()


def test_0024_gives_the_visitor_group_what_links_already_did_and_keeps_the_shop_s_choices(tmp_path):
    import json

    from sqlalchemy import text

    from alembic import command
    from repair_portal.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0023")
    engine = create_engine(url)
    with engine.begin() as conn:  # a shop that unticked "Messages: send" (it had no effect before 0024)
        conn.execute(
            text("UPDATE permission_group SET permissions_json = :p WHERE builtin = 'visitor'"),
            {"p": '["files.view", "invoices.view", "payments.view", "quotes.decide"]'},
        )
        conn.execute(text("INSERT INTO customer (first_name, last_name, email, phone, company, kind, email_updates,"
                          " sms_updates, created_at, updated_at) VALUES ('Ada', 'Nowak', '', '', '', 'person', 1, 0,"
                          " '2026-12-01 10:00:00', '2026-12-01 10:00:00')"))  # fmt: skip
    upgrade_to_head(url)
    with engine.connect() as conn:
        visitor = conn.execute(text("SELECT permissions_json FROM permission_group WHERE builtin = 'visitor'")).scalar()
        admin = conn.execute(text("SELECT permissions_json FROM permission_group WHERE builtin = 'admin'")).scalar()
        enabled = conn.execute(text("SELECT portal_enabled FROM customer")).scalar()
    engine.dispose()
    assert json.loads(visitor) == [
        "files.view",
        "invoices.pay",
        "invoices.view",
        "payments.view",
        "privacy.manage",
        "quotes.decide",
    ]
    assert "messages.send" in json.loads(admin) and enabled == 1
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade_to_head(fresh)
    fresh_engine = create_engine(fresh)
    with fresh_engine.connect() as conn:
        stored = conn.execute(text("SELECT permissions_json FROM permission_group WHERE builtin = 'visitor'")).scalar()
    fresh_engine.dispose()
    from repair_portal.services.portal_permissions import VISITOR_PERMS, parse

    assert parse(stored) == VISITOR_PERMS  # a new shop's link does everything it did before the group governed it

"""the Non-portal visitor group governs order links: its stored default gains what links already did (pay
online, the texts switch); a customer account's portal access switch

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# Order links have always let the customer pay online and switch texts on or off. Until now the visitor
# group had no effect; from now on it decides, so it gains these two to keep every link doing what it did.
LINKS_ALREADY_DID = ("invoices.pay", "privacy.manage")


def upgrade() -> None:
    with op.batch_alter_table("customer", recreate="never") as batch:
        batch.add_column(sa.Column("portal_enabled", sa.Boolean(), nullable=False, server_default=sa.true()))
    conn = op.get_bind()
    group = sa.table("permission_group", sa.column("id"), sa.column("builtin"), sa.column("permissions_json"))
    rows = conn.execute(sa.select(group.c.id, group.c.permissions_json).where(group.c.builtin == "visitor")).all()
    for group_id, stored in rows:
        try:
            perms = json.loads(stored or "[]")
        except ValueError:
            perms = []
        perms = perms if isinstance(perms, list) else []
        merged = sorted({p for p in perms if isinstance(p, str)} | set(LINKS_ALREADY_DID))
        conn.execute(group.update().where(group.c.id == group_id).values(permissions_json=json.dumps(merged)))


def downgrade() -> None:
    # The visitor group keeps the two permissions: before 0024 the group governed nothing, so they change nothing.
    if op.get_bind().dialect.name == "sqlite":  # in place: recreating the table would lose its expression indexes
        op.execute("ALTER TABLE customer DROP COLUMN portal_enabled")
    else:
        op.drop_column("customer", "portal_enabled")

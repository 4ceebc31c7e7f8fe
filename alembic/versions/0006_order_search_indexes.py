"""indexes for the order board's filters and prefix search at 100k orders

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_repair_order_booked_in", "repair_order", ["booked_in_at"])
    op.create_index("ix_customer_last_name_lower", "customer", [sa.text("lower(last_name)")])
    op.create_index("ix_customer_first_name_lower", "customer", [sa.text("lower(first_name)")])
    op.create_index("ix_customer_company_lower", "customer", [sa.text("lower(company)")])
    op.create_index("ix_device_serial_upper", "device", [sa.text("upper(serial)")])


def downgrade() -> None:
    op.drop_index("ix_device_serial_upper", table_name="device")
    op.drop_index("ix_customer_company_lower", table_name="customer")
    op.drop_index("ix_customer_first_name_lower", table_name="customer")
    op.drop_index("ix_customer_last_name_lower", table_name="customer")
    op.drop_index("ix_repair_order_booked_in", table_name="repair_order")

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image
from sqlalchemy import func
from sqlmodel import select

from repair_portal.db import make_engine, session_scope, write_session
from repair_portal.models import (
    Attachment,
    Customer,
    Location,
    Order,
    Payment,
    PermissionGroup,
    PortalUser,
    Quote,
    StaffUser,
    Stage,
)
from repair_portal.services import invoice_views, portal_links, portal_permissions, price_list, staff_auth, store_credit
from repair_portal.services.demo import seed_demo
from repair_portal.services.order_lookup import Outcome, look_up
from repair_portal.services.passwords import verify_password
from repair_portal.services.portal_permissions import Perm
from repair_portal.settings import PROJECT_ROOT, Settings

from ..conftest import TEST_SECRET_KEY


def _count(s, model) -> int:
    return s.exec(select(func.count()).select_from(model)).one()


def test_demo_shop_is_believable_and_complete(engine, settings, tmp_path):
    with write_session(engine) as s:
        result = seed_demo(s, TEST_SECRET_KEY, tmp_path / "files")
    with session_scope(engine) as s:
        assert _count(s, Location) == 2
        assert _count(s, Customer) == result.customers == 21
        assert _count(s, Order) == result.orders == 50  # 40 walk-ins, Northwind's 9 and its request
        assert _count(s, StaffUser) >= 2
        stages_used = s.exec(select(func.count(func.distinct(Order.stage_id)))).one()
        assert stages_used == _count(s, Stage) == 8  # the Requested stage holds Northwind's request
        assert s.exec(select(func.count()).select_from(Quote).where(Quote.status == "sent")).one() >= 3
        assert _count(s, Payment) >= 5
        assert len(price_list.list_items(s)) >= 8  # staff can quote from the price list at once
        assert any(item.optional_by_default for item in price_list.list_items(s))
        photos = s.exec(select(Attachment)).all()
        assert len(photos) >= 3
        for photo in photos:
            data = (tmp_path / "files" / photo.storage_name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == photo.sha256
            with Image.open(tmp_path / "files" / photo.storage_name) as img:
                img.verify()
        # links: several stages, one awaiting approval, each resolves to the printed reference
        assert len(result.links) >= 3
        assert len({link.stage for link in result.links}) == len(result.links)
        assert result.links[0].stage == "Waiting for your approval"
        for link in result.links:
            resolved = portal_links.resolve(s, link.code)
            assert s.get(Order, resolved.order_id).reference == link.reference
            assert s.get(Customer, s.get(Order, resolved.order_id).customer_id).last_name == link.last_name
    login = staff_auth.sign_in(engine, settings, email=result.owner_email, password=result.owner_password)
    assert login.ok


def test_demo_business_account_has_sites_orders_quotes_payments_and_two_portal_users(engine, tmp_path):
    with write_session(engine) as s:
        result = seed_demo(s, TEST_SECRET_KEY, tmp_path / "files")
    account = result.account
    with session_scope(engine) as s:
        business = s.exec(select(Customer).where(Customer.kind == "business")).one()
        assert business.company == account.company == "Northwind Facilities Ltd"
        orders = s.exec(select(Order).where(Order.customer_id == business.id)).all()
        assert len(orders) == account.orders >= 8
        assert len({o.stage_id for o in orders}) == _count(s, Stage)  # every stage of the workflow
        assert len({o.site_id for o in orders}) == account.sites >= 2  # several sites, each order at one
        assert all(o.po_number and o.job_type for o in orders)  # as the shop (or the request) entered them
        assert len([o for o in orders if o.scheduled_at is not None]) == 3  # two visits staff booked, the request
        order_ids = [o.id for o in orders]
        waiting = s.exec(select(Quote).where(Quote.order_id.in_(order_ids)).where(Quote.status == "sent")).all()
        assert len(waiting) == 1  # one quote awaiting the account's approval
        assert s.exec(select(func.count()).select_from(Payment).where(Payment.order_id.in_(order_ids))).one() >= 2
        users = {u.email: u for u in s.exec(select(PortalUser).where(PortalUser.customer_id == business.id))}
        assert set(users) == {account.portal_email, account.other_user_email}
        first, other = users[account.portal_email], users[account.other_user_email]
        assert first.group_id == portal_permissions.builtin_group(s, "admin").id
        assert verify_password(account.portal_password, first.password_hash)
        assert first.password_hash and account.portal_password not in first.password_hash
        group = s.get(PermissionGroup, other.group_id)
        assert group.name == "Site manager" and group.builtin is None
        assert portal_permissions.parse(group.permissions_json) == {
            Perm.ORDERS_VIEW_MINE,
            Perm.QUOTES_DECIDE,
            Perm.MESSAGES_SEND,
        }
        assert not verify_password(account.portal_password, other.password_hash)


def test_demo_business_account_has_sites_assets_tests_and_defects(engine, tmp_path):
    from repair_portal.models import AssetTest, Defect, Device, Site
    from repair_portal.services import asset_portal

    with write_session(engine) as s:
        result = seed_demo(s, TEST_SECRET_KEY, tmp_path / "files")
    with session_scope(engine) as s:
        business = s.exec(select(Customer).where(Customer.kind == "business")).one()
        assert len(s.exec(select(Site).where(Site.customer_id == business.id)).all()) == 3
        devices = s.exec(select(Device).where(Device.customer_id == business.id)).all()
        assert len(devices) == result.account.assets >= 8 and all(d.asset_tag and d.site_id for d in devices)
        orders = s.exec(select(Order).where(Order.customer_id == business.id)).all()
        assert all(o.site_id and o.device_id for o in orders)  # each order on an asset at a site
        tests = s.exec(select(AssetTest)).all()
        assert {t.result for t in tests} == {"pass", "fail"} and all(t.certificate_name for t in tests)
        assert all((tmp_path / "files" / t.certificate_name).is_file() for t in tests)
        assert sorted(d.status for d in s.exec(select(Defect))) == ["fixed", "open", "open"]
        listed = asset_portal.asset_list(s, business.id)
        assert {"passed", "failed", "untested", "open_defects"} <= {c.value for c in listed.statuses}
        assert asset_portal.asset_list(s, business.id, status="failed").total == 1
        assert asset_portal.asset_list(s, business.id, status="untested").total >= 1


def test_the_demo_lookup_example_finds_its_order(engine, tmp_path):
    with write_session(engine) as s:
        result = seed_demo(s, TEST_SECRET_KEY, tmp_path / "files")
    first = result.links[0]
    with write_session(engine) as s:
        found = look_up(s, TEST_SECRET_KEY, first.reference, first.last_name, "demo-device-token-000000001")
    assert found.outcome == Outcome.FOUND and found.code == first.code


def _cli(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "PUBLIC_URL": "http://counter-pc:3000", "DEMO_MODE": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "repair_portal", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_bootstrap_seeds_once_and_prints_credentials_only_the_first_time(tmp_path):
    first = _cli(tmp_path, "bootstrap")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "DEMO SHOP CREATED" in out
    email = re.search(r"Email:\s+(\S+)", out).group(1)
    password = re.search(r"Password:\s+(\S+)", out).group(1)
    links = re.findall(r"http://counter-pc:3000/track/(\S+)", out)
    assert "http://counter-pc:3000/staff/login" in out
    assert len(links) >= 3
    assert "http://counter-pc:3000/lookup" in out and "http://counter-pc:3000/portal/sign-in" in out
    portal_email = re.search(r"Portal email:\s+(\S+)", out).group(1)
    portal_password = re.search(r"Portal password:\s+(\S+)", out).group(1)
    reference, last_name = re.search(r"Try:\s+(R-\d+), last name (\S+)", out).groups()
    assert portal_password != password
    second = _cli(tmp_path, "bootstrap")
    assert second.returncode == 0
    assert "Password" not in second.stdout and password not in second.stdout
    assert "password" not in second.stdout.lower() and portal_password not in second.stdout
    assert "http://counter-pc:3000/staff/login" in second.stdout
    # the printed credentials and links work against the database the app will use
    data = tmp_path / "data"
    engine = make_engine(f"sqlite:///{data / 'repair_portal.db'}")
    key = (data / "secret_key").read_text()
    assert oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"
    settings = Settings(data_dir=data, database_url=str(engine.url), public_url="x", secret_key=key, demo_mode=True)
    assert staff_auth.sign_in(engine, settings, email=email, password=password).ok
    with write_session(engine) as s:
        for code in links:
            assert portal_links.resolve(s, code).status == "ok"
        portal_user = s.exec(select(PortalUser).where(PortalUser.email == portal_email)).one()
        assert verify_password(portal_password, portal_user.password_hash)
        assert look_up(s, key, reference, last_name, "cli-device-token-00000000001").outcome == Outcome.FOUND
        # the banner's "Pay online" order has a balance the demo's stand-in takes
        from repair_portal.models import Order
        from repair_portal.services import pay_view

        payable = re.search(r"Pay online:\s+open (R-\d+)'s link", out).group(1)
        order = s.exec(select(Order).where(Order.reference == payable)).one()
        offer = pay_view.for_order(s, order, settings)
        assert offer.can_pay and offer.demo
    # nothing secret is kept in readable form
    db_bytes = (data / "repair_portal.db").read_bytes()
    assert password.encode() not in db_bytes and portal_password.encode() not in db_bytes
    assert all(code.encode() not in db_bytes for code in links)
    engine.dispose()
    # seed-demo refuses a database that already has orders
    again = _cli(tmp_path, "seed-demo")
    assert again.returncode == 1 and "already has orders" in again.stderr


def test_create_admin_for_a_real_shop_without_demo_data(tmp_path):
    weak = _cli(
        tmp_path, "create-admin", "--email", "me@myshop.com", "--name", "Me", "--password-stdin", stdin="password1234\n"
    )
    assert weak.returncode == 1 and "too common" in weak.stderr
    made = _cli(
        tmp_path,
        "create-admin",
        "--email",
        "Me@MyShop.com",
        "--name",
        "Me",
        "--shop-name",
        "My Shop",
        "--password-stdin",
        stdin="river-lamp-orchard-77\n",
    )
    assert made.returncode == 0, made.stderr
    assert "river-lamp-orchard-77" not in made.stdout + made.stderr
    boot = _cli(tmp_path, "bootstrap")
    assert "DEMO SHOP CREATED" not in boot.stdout and "staff sign-in" in boot.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'repair_portal.db'}")
    with session_scope(engine) as s:
        assert _count(s, Order) == 0
        user = s.exec(select(StaffUser)).one()
        assert (user.email, user.role) == ("me@myshop.com", "owner")
        assert user.verify_password("river-lamp-orchard-77")
        assert _count(s, Stage) == 8  # the default workflow, with the stage customer requests start at
    engine.dispose()


def test_backup_and_restore_round_trip(tmp_path):
    assert _cli(tmp_path, "bootstrap").returncode == 0
    backup = tmp_path / "backups" / "shop.db"
    done = _cli(tmp_path, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    db_path = tmp_path / "data" / "repair_portal.db"
    engine = make_engine(f"sqlite:///{db_path}")
    with write_session(engine) as s:
        for order in s.exec(select(Order)).all():
            order.problem = "overwritten by mistake"
            s.add(order)
    engine.dispose()
    restored = _cli(tmp_path, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    engine = make_engine(f"sqlite:///{db_path}")
    with session_scope(engine) as s:
        problems = {o.problem for o in s.exec(select(Order))}
        assert "overwritten by mistake" not in problems and len(problems) > 1
        from sqlalchemy import text

        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    refused = _cli(tmp_path, "restore", str(junk))
    assert refused.returncode == 1 and "not a healthy SQLite database" in refused.stderr


def test_demo_business_account_has_paid_part_paid_and_overdue_invoices_and_store_credit(engine, tmp_path):
    pass


def test_demo_has_an_approved_service_report_and_shared_files_for_northwind(engine, tmp_path):
    from repair_portal.models import ResourceFile, ServiceReport
    from repair_portal.services import resources, service_report_document, service_reports

    with write_session(engine) as s:
        seed_demo(s, TEST_SECRET_KEY, tmp_path / "files")
    with session_scope(engine) as s:
        business = s.exec(select(Customer).where(Customer.kind == "business")).one()
        rows, total = invoice_views.list_invoices(s, business.id)
        assert total == 3 and {r.status for r in rows} == {"paid", "part_paid", "overdue"}
        assert all(r.number.startswith("INV-") for r in rows)
        methods = {p.method for p in invoice_views.account_payments(s, business.id, limit=50)[0]}
        assert "Store credit" in methods
        assert store_credit.balance(s, business.id) == 3500
        summary = invoice_views.account_summary(s, business.id)
        assert summary.invoice_balance_minor > 0 and len(summary.invoices_due) == 2
        northwind = s.exec(select(Customer).where(Customer.kind == "business")).one()
        walk_in = s.exec(select(Customer).where(Customer.kind == "person")).first()
        [report] = s.exec(select(ServiceReport)).all()
        assert s.get(Order, report.order_id).customer_id == northwind.id and report.status == "approved"
        assert len(service_reports.photos_of(s, report)) == 1
        body, _, _ = service_report_document.render(s, report, tmp_path / "files", "http://shop.test", TEST_SECRET_KEY)
        assert body.startswith(b"%PDF-")
        seen = {f.name: [x.title for x in f.files] for f in resources.account_folders(s, northwind.id)}
        assert set(seen) == {"Certificates", "Manuals"} and len(seen["Manuals"]) == 2
        others = {f.name for f in resources.account_folders(s, walk_in.id)}
        assert others == {"Manuals"}  # the certificate is Northwind's alone
        for folder in resources.staff_folders(s):
            for item in folder.files:
                stored = s.get(ResourceFile, item.id)
                assert (resources.storage_dir(tmp_path / "files") / stored.storage_name).is_file()

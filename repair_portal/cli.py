"""`python -m repair_portal <command>`: set-up and maintenance for a shop's machine."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from . import routes
from .cli_backup import cmd_backup, cmd_restore
from .settings import SettingsError, data_paths, get_settings

BANNER_WIDTH = 78


def _banner(lines: list[str]) -> str:
    bar = "=" * BANNER_WIDTH
    return "\n".join([bar, *lines, bar])


def cmd_migrate(_args) -> int:
    from .migrations import upgrade_to_head

    upgrade_to_head(data_paths()[1])  # needs no keys
    print("Database schema is up to date.")
    return 0


def _ensure_keys(*, accept_loss: bool = False) -> list[str]:
    """The explicit first-time step for the installation keys (repair_portal/keys.py): a missing key is
    created only while the database holds nothing it protects (`accept_loss`: knowingly, regardless)."""
    from .keys import ensure_keys

    data_dir, database_url = data_paths()
    created = ensure_keys(
        data_dir, database_url, secret_in_env=os.environ.get("SECRET_KEY") is not None, accept_loss=accept_loss
    )
    if created:
        names = " and ".join(str(data_dir / name) for name in created)
        it = "them" if len(created) > 1 else "it"
        print(f"Created {names} (mode 600). Keep {it} with the database's backups.", flush=True)
    return created


def cmd_create_keys(args) -> int:
    created = _ensure_keys(accept_loss=args.accept_loss)
    if not created:
        print("The installation keys are in place; nothing was created.")
    return 0


def _print_demo(result, settings) -> None:
    lines = [
        "  REPAIR PORTAL — DEMO SHOP CREATED (shown once; the passwords are not stored anywhere readable)",
        "",
        f"  Staff sign-in:  {settings.staff_url()}",
        f"  Email:          {result.owner_email}",
        f"  Password:       {result.owner_password}",
        "",
        "  Customer tracking links (open on a phone; last name for the portal's check):",
    ]
    for link in result.links:
        lines.append(f"  - {link.reference}  {link.stage:<26} last name: {link.last_name}")
        lines.append(f"    {settings.track_url(link.code)}")
    if result.links:
        first, ready = result.links[0], result.links[-1]
        lines += [
            f"  Pay online:     open {ready.reference}'s link and press Pay (demo: no money moves; a test card)",
            "",
            "  Find my repair (the lookup for the shop's website: order reference + last name):",
            f"  Lookup page:      {settings.staff_url(routes.LOOKUP)}",
            f"  Try:              {first.reference}, last name {first.last_name}",
        ]
    if result.account is not None:
        account = result.account
        lines += [
            "",
            f"  Customer account: {account.company} ({account.orders} orders from {account.sites} sites)",
            f"  Portal sign-in:   {settings.staff_url(routes.PORTAL_SIGN_IN)}",
            f"  Portal email:     {account.portal_email} (Admin group)",
            f"  Portal password:  {account.portal_password}",
            f"  Also a user:      {account.other_user_email} (Site manager group; send a reset link to try it)",
        ]
    lines += [
        "",
        f"  {result.orders} orders for {result.customers} customers at 2 locations.",
        "  The app is ready when Reflex prints 'App running at'.",
    ]
    print(_banner(lines), flush=True)


def _seed(settings) -> int:
    from .db import write_session
    from .services.demo import seed_demo

    with write_session() as session:
        result = seed_demo(session, settings.secret_key, settings.uploads_dir)
    _print_demo(result, settings)
    return 0


def cmd_bootstrap(_args) -> int:
    """What `make run` does before starting the app: migrate, seed an empty database."""
    from .db import session_scope
    from .migrations import upgrade_to_head
    from .services.demo import database_is_empty

    _ensure_keys()  # before anything reads them: a fresh machine gets them, a shop that lost one is stopped
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    with session_scope() as session:
        empty = database_is_empty(session)
    if empty and settings.demo_mode:
        return _seed(settings)
    if empty:
        print(
            _banner(
                ["  No staff account yet. Create the owner with:", "    .venv/bin/python -m repair_portal create-admin"]
            ),
            flush=True,
        )
        return 0
    print(_banner([f"  Repair Portal staff sign-in: {settings.staff_url()}"]), flush=True)
    return 0


def cmd_seed_demo(_args) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from .db import session_scope
    from .migrations import upgrade_to_head
    from .models import Order

    _ensure_keys()
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    with session_scope() as session:
        if session.exec(select(func.count()).select_from(Order)).one():
            print(
                "This database already has orders; demo data goes into an empty database "
                "(point DATA_DIR or DATABASE_URL somewhere new).",
                file=sys.stderr,
            )
            return 1
    return _seed(settings)


def _read_new_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12+ characters): ")
    second = getpass.getpass("Repeat password: ")
    if first != second:
        raise SystemExit("The passwords don't match.")
    return first


def cmd_create_admin(args) -> int:
    from .db import write_session
    from .migrations import upgrade_to_head
    from .models import Role
    from .services import audit
    from .services.passwords import PasswordPolicyError
    from .services.staff_auth import AccountError, create_staff_user

    _ensure_keys()
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    email = args.email or input("Email: ").strip()
    name = args.name or input("Name: ").strip()
    password = _read_new_password(args)
    try:
        with write_session() as session:
            _ensure_shop_basics(session, args.shop_name)
            user = create_staff_user(session, email=email, name=name, password=password, role=Role.OWNER)
            audit.record(session, audit.Actor("system", label="cli"), "staff.created", target=user.email, role="owner")
    except (PasswordPolicyError, AccountError) as exc:
        print(f"Not created: {exc}", file=sys.stderr)
        return 1
    print(f"Owner account {user.email} created. Sign in at {settings.staff_url()}")
    return 0


def _ensure_shop_basics(session, shop_name: str | None) -> None:
    """A real shop starts with its name, one location and the default workflow."""
    from sqlmodel import select

    from .models import Location, ShopSettings, Stage
    from .services import workflow

    if session.get(ShopSettings, 1) is None:
        session.add(ShopSettings(id=1, name=shop_name or "My Repair Shop"))
    if not session.exec(select(Location)).first():
        session.add(Location(name=shop_name or "Main shop"))
    if not session.exec(select(Stage)).first():
        workflow.create_default_stages(session)


def cmd_reset_mfa(args) -> int:
    """For a staff member who lost their phone and recovery codes: TOTP off, passkeys gone, signed out."""
    from sqlmodel import select

    from .db import write_session
    from .models import StaffUser
    from .services import audit, staff_mfa
    from .services.emails import normalise_email

    with write_session() as session:
        user = session.exec(select(StaffUser).where(StaffUser.email == normalise_email(args.email))).first()
        if user is None:
            print(f"No staff account with the email {args.email}.", file=sys.stderr)
            return 1
        staff_mfa.reset(session, user.id, audit.Actor("system", label="cli"))
    print(f"Two-step sign-in and passkeys of {user.email} removed; they are signed out everywhere.")
    return 0


def cmd_set_logo(args) -> int:
    from .db import write_session
    from .integrations.images import ImageRejected
    from .services import audit
    from .services.branding import set_logo

    settings = get_settings()
    try:
        data = Path(args.file).read_bytes()
        with write_session() as session:
            set_logo(session, settings.uploads_dir, data, audit.Actor("system", label="cli"), location_id=args.location)
    except (OSError, ImageRejected, ValueError) as exc:
        print(f"Logo not changed: {exc}", file=sys.stderr)
        return 1
    print("Logo updated. Open a tracking link to see it.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m repair_portal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(fn=cmd_migrate)
    sub.add_parser("bootstrap", help="migrate; seed the demo shop into an empty database").set_defaults(
        fn=cmd_bootstrap
    )
    sub.add_parser("seed-demo", help="fill an empty database with the demo shop").set_defaults(fn=cmd_seed_demo)
    keys = sub.add_parser(
        "create-keys", help="create the installation keys (secret_key, passcode_key) in DATA_DIR where missing"
    )
    keys.add_argument(
        "--accept-loss",
        action="store_true",
        help="also replace a lost key the database's data needs (its links or encrypted values stop working)",
    )
    keys.set_defaults(fn=cmd_create_keys)
    admin = sub.add_parser("create-admin", help="create an owner account for a real shop (no demo data)")
    admin.add_argument("--email")
    admin.add_argument("--name")
    admin.add_argument("--shop-name")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    admin.set_defaults(fn=cmd_create_admin)
    reset = sub.add_parser("reset-mfa", help="turn off a staff member's two-step sign-in and passkeys (lost phone)")
    reset.add_argument("email")
    reset.set_defaults(fn=cmd_reset_mfa)
    backup = sub.add_parser("backup", help="copy the SQLite database safely while the app runs")
    backup.add_argument("dest")
    backup.set_defaults(fn=cmd_backup)
    restore = sub.add_parser("restore", help="replace the database with a backup (refused while the app runs)")
    restore.add_argument("source")
    restore.set_defaults(fn=cmd_restore)
    logo = sub.add_parser("set-logo", help="set the shop's logo (or one location's) from an image file")
    logo.add_argument("file")
    logo.add_argument("--location", type=int, help="location id for a location-specific logo")
    logo.set_defaults(fn=cmd_set_logo)
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except SettingsError as exc:  # a missing key, a running app, a misspelt setting: the message says what to do
        print(exc, file=sys.stderr)
        return 1

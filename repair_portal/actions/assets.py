"""What staff do about a business account's sites and assets, and an asset's tests and defects. The
handler has checked the staff member's role; the customer or asset is the one of the page's URL. Files
are checked and stored before the transaction and removed again when the write doesn't happen."""

from __future__ import annotations

from pathlib import Path

from ..db import write_session
from ..services import asset_fields, asset_records, assets, audit, sites
from ..services.asset_records import DefectForm, RecordError, TestForm
from ..services.assets import AssetError, AssetForm
from . import Outcome, done, refused


def _refused(exc: Exception) -> Outcome:
    """A field's problem (level "form": shown beside the field, no toast), or the whole action's."""
    field = getattr(exc, "field", "")
    if field:
        return Outcome(False, str(exc), "form", errors={field: str(exc)})
    return refused(str(exc))


def save_site(customer_id: int, site_id: int | None, name: str, address: str, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            site = sites.save_site(session, customer_id, site_id, name, address, actor)
            saved = site.name
    except sites.SiteError as exc:
        return _refused(exc)
    return done(f"{saved} saved." if site_id else f"Site {saved} added.")


def set_site_active(customer_id: int, site_id: int | None, active: bool, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            name = sites.set_active(session, customer_id, site_id, active, actor).name
    except sites.SiteError as exc:
        return _refused(exc)
    if active:
        return done(f"{name} is active again.")
    return done(f"{name} deactivated: its assets and orders keep it, new work can't choose it.")


def save_asset(customer_id: int, asset_id: int | None, form: AssetForm, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            device = assets.save_asset(session, customer_id, asset_id, form, actor)
            name = device.asset_tag or device.label
    except AssetError as exc:
        return _refused(exc)
    return done(f"{name} saved." if asset_id else f"Asset {name} added.")


def record_test(
    files_dir: Path, asset_id: int, form: TestForm, upload: tuple[str, bytes] | None, actor: audit.Actor
) -> Outcome:
    """A test, with its certificate PDF when one was chosen (blocking: run it in a worker thread)."""
    try:
        certificate = asset_records.prepare_certificate(files_dir, *upload) if upload else None
    except RecordError as exc:
        return _refused(exc)
    try:
        with write_session() as session:
            asset_records.record_test(session, asset_id, form, certificate, actor)
    except RecordError as exc:
        asset_records.discard(files_dir, [certificate.storage_name if certificate else ""])
        return _refused(exc)
    except BaseException:
        asset_records.discard(files_dir, [certificate.storage_name if certificate else ""])
        raise
    return done("Test recorded" + (" with its certificate." if certificate else "."))


def _with_photos(files_dir: Path, received: list[tuple[str, bytes]], write) -> Outcome:
    """Store the photos, run `write(session, photos)`; the files go again when it fails."""
    photos, errors = asset_records.prepare_photos(files_dir, received)
    names = [p.storage_name for p in photos]
    try:
        with write_session() as session:
            message = write(session, photos)
    except (RecordError, AssetError) as exc:
        asset_records.discard(files_dir, names)
        return _refused(exc)
    except BaseException:
        asset_records.discard(files_dir, names)
        raise
    if errors:
        return Outcome(True, message + " Some files were not taken.", "warning", detail=" ".join(errors))
    return done(message)


def record_defect(
    files_dir: Path, asset_id: int, form: DefectForm, received: list[tuple[str, bytes]], actor: audit.Actor
) -> Outcome:
    def write(session, photos) -> str:
        asset_records.record_defect(session, asset_id, form, photos, actor)
        return "Defect recorded" + (f" with {len(photos)} photo{'s' if len(photos) != 1 else ''}." if photos else ".")

    return _with_photos(files_dir, received, write)


def mark_defect_fixed(asset_id: int, defect_id: int | None, fixed_on: str, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            asset_records.mark_fixed(session, asset_id, defect_id, fixed_on, actor)
    except RecordError as exc:
        return _refused(exc)
    return done("Defect marked fixed.")


def save_asset_settings(label: str, keys, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            changed = asset_fields.save(session, label, keys, actor)
    except asset_fields.AssetSettingsError as exc:
        return Outcome(False, str(exc), "form", errors={"asset_label": str(exc)})
    return done("Asset settings saved.") if changed else done("Nothing to save.", level="info")

"""An asset's tests (date, pass/fail, number, notes, the certificate PDF if any) and defects (severity,
description, found on, open/fixed, photos). Files are checked by content and stored privately under
server-chosen names, like an order's files (services/attachments.py): a certificate must parse as a PDF,
a photo is decoded and re-encoded without its metadata (integrations/images.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from ..integrations.images import ImageRejected, store_photo
from ..models import AssetTest, Defect, DefectPhoto, DefectStatus, Device, Severity, TestResult
from . import attachments, audit, clock, timefmt
from .assets import parse_date

MAX_CERTIFICATE_BYTES = attachments.MAX_FILE_BYTES
MAX_PHOTOS_PER_DEFECT = 12
SEVERITY_LABELS = {
    Severity.LOW.value: "Low",
    Severity.MEDIUM.value: "Medium",
    Severity.HIGH.value: "High",
    Severity.CRITICAL.value: "Critical",
}
RESULT_LABELS = {TestResult.PASS.value: "Pass", TestResult.FAIL.value: "Fail"}


class RecordError(ValueError):
    """A message safe to show; `field` names the form field it is about ('' for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


# --- files (prepared before the transaction: parsing and re-encoding take a while) ---------------------


@dataclass(frozen=True)
class StoredCertificate:
    storage_name: str
    filename: str
    size_bytes: int
    sha256: str


def prepare_certificate(files_dir: Path, filename: str, data: bytes) -> StoredCertificate:
    """A PDF by its content (magic bytes and pypdf finding a page), within the size cap, stored privately."""
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise RecordError(f"“{filename}” is larger than {MAX_CERTIFICATE_BYTES // (1024 * 1024)} MB.", "certificate")
    if not attachments.is_real_pdf(data):
        raise RecordError(f"“{filename}” is not a readable PDF document.", "certificate")
    name, digest = attachments.store_pdf(data, files_dir)
    stem = "".join(ch for ch in Path(filename or "certificate").stem if ch.isprintable())[:100] or "certificate"
    return StoredCertificate(name, f"{stem}.pdf", len(data), digest)


def prepare_photos(files_dir: Path, received: list[tuple[str, bytes]]) -> tuple[list, list[str]]:
    """(stored photos, messages for the files refused): every photo decoded, EXIF stripped, re-encoded."""
    stored, errors = [], []
    for filename, data in received:
        try:
            stored.append(store_photo(data, files_dir))
        except ImageRejected as exc:
            errors.append(f"“{filename}”: {exc} Upload photos (JPEG, PNG, WebP).")
    return stored, errors


def discard(files_dir: Path, names) -> None:
    """Files stored for a write that didn't happen."""
    for name in names:
        if name:
            (files_dir / name).unlink(missing_ok=True)


# --- tests ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestForm:
    __test__ = False  # (not a pytest test class)

    tested_on: str = ""
    result: str = ""
    number: str = ""
    notes: str = ""


def today(session: Session) -> date:
    """The shop's date now (its time zone, not UTC's)."""
    return timefmt.local(clock.now(), timefmt.shop_timezone(session)).date()


def _date(session: Session, text: str, field: str, what: str) -> date:
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise RecordError(f"Enter the date {what}.", field)
    if value > today(session):
        raise RecordError("That date is in the future.", field)
    return value


def record_test(
    session: Session,
    asset_id: int,
    form: TestForm,
    certificate: StoredCertificate | None,
    actor: audit.Actor,
) -> AssetTest:
    """A test of the asset; run it in `write_session`. The certificate was prepared beforehand."""
    device = session.get(Device, asset_id) if asset_id else None
    if device is None:
        raise RecordError("That asset no longer exists.")
    tested_on = _date(session, form.tested_on, "tested_on", "of the test")
    if form.result not in RESULT_LABELS:
        raise RecordError("Choose pass or fail.", "result")
    number, notes = " ".join(form.number.split()), form.notes.strip()
    if len(number) > 60:
        raise RecordError("Keep the number under 60 characters.", "number")
    if len(notes) > 2000:
        raise RecordError("Keep the notes under 2,000 characters.", "notes")
    test = AssetTest(
        device_id=device.id,
        tested_on=tested_on,
        result=form.result,
        number=number,
        notes=notes,
        staff_id=actor.id if actor.kind == "staff" else None,
        created_at=clock.now(),
    )
    if certificate is not None:
        test.certificate_name = certificate.storage_name
        test.certificate_filename = certificate.filename
        test.certificate_bytes = certificate.size_bytes
        test.certificate_sha256 = certificate.sha256
    session.add(test)
    session.flush()
    audit.record(
        session,
        actor,
        "asset.test_recorded",
        asset_id=device.id,
        test_id=test.id,
        result=test.result,
        number=number,
        certificate=certificate is not None,
    )
    return test


def tests_of(session: Session, asset_id: int) -> list[AssetTest]:
    return list(
        session.exec(
            select(AssetTest)
            .where(AssetTest.device_id == asset_id)
            .order_by(AssetTest.tested_on.desc(), AssetTest.id.desc())
        ).all()
    )


def certificate_of(session: Session, asset_id: int | None, test_id: int | None) -> AssetTest | None:
    """The test's certificate, if the test is this asset's and has one."""
    test = session.get(AssetTest, test_id) if test_id and asset_id else None
    if test is None or test.device_id != asset_id or not test.certificate_name:
        return None
    return test


# --- defects ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefectForm:
    severity: str = ""
    description: str = ""
    found_on: str = ""


def record_defect(session: Session, asset_id: int, form: DefectForm, photos: list, actor: audit.Actor) -> Defect:
    """An open defect with its (prepared) photos; run it in `write_session`."""
    device = session.get(Device, asset_id) if asset_id else None
    if device is None:
        raise RecordError("That asset no longer exists.")
    if form.severity not in SEVERITY_LABELS:
        raise RecordError("Choose how serious it is.", "severity")
    description = form.description.strip()
    if not description:
        raise RecordError("Describe the defect.", "description")
    if len(description) > 2000:
        raise RecordError("Keep the description under 2,000 characters.", "description")
    found_on = _date(session, form.found_on, "found_on", "it was found")
    defect = Defect(
        device_id=device.id,
        severity=form.severity,
        description=description,
        found_on=found_on,
        staff_id=actor.id if actor.kind == "staff" else None,
        created_at=clock.now(),
    )
    session.add(defect)
    session.flush()
    _add_photos(session, defect, photos, actor)
    audit.record(
        session,
        actor,
        "asset.defect_recorded",
        asset_id=device.id,
        defect_id=defect.id,
        severity=defect.severity,
        photos=len(photos),
    )
    return defect


def _add_photos(session: Session, defect: Defect, photos: list, actor: audit.Actor) -> None:
    have = len(session.exec(select(DefectPhoto.id).where(DefectPhoto.defect_id == defect.id)).all())
    if have + len(photos) > MAX_PHOTOS_PER_DEFECT:
        raise RecordError(f"A defect holds at most {MAX_PHOTOS_PER_DEFECT} photos.", "photos")
    for photo in photos:
        session.add(
            DefectPhoto(
                defect_id=defect.id,
                uploaded_by_id=actor.id if actor.kind == "staff" else None,
                created_at=clock.now(),
                **photo.__dict__,
            )
        )
    session.flush()


def defect_of(session: Session, asset_id: int | None, defect_id: int | None) -> Defect | None:
    defect = session.get(Defect, defect_id) if defect_id and asset_id else None
    return defect if defect is not None and defect.device_id == asset_id else None


def add_defect_photos(
    session: Session, asset_id: int, defect_id: int | None, photos: list, actor: audit.Actor
) -> Defect:
    defect = defect_of(session, asset_id, defect_id)
    if defect is None:
        raise RecordError("That defect isn't on this asset.")
    _add_photos(session, defect, photos, actor)
    audit.record(session, actor, "asset.defect_photos", asset_id=asset_id, defect_id=defect.id, photos=len(photos))
    return defect


def mark_fixed(session: Session, asset_id: int, defect_id: int | None, fixed_on: str, actor: audit.Actor) -> Defect:
    defect = defect_of(session, asset_id, defect_id)
    if defect is None:
        raise RecordError("That defect isn't on this asset.")
    if defect.status == DefectStatus.FIXED.value:
        raise RecordError("That defect is already marked fixed.")
    day = _date(session, fixed_on, "fixed_on", "it was fixed")
    if day < defect.found_on:
        raise RecordError("It can't be fixed before it was found.", "fixed_on")
    defect.status, defect.fixed_on = DefectStatus.FIXED.value, day
    session.add(defect)
    audit.record(session, actor, "asset.defect_fixed", asset_id=asset_id, defect_id=defect.id, fixed_on=day)
    return defect


def defects_of(session: Session, asset_ids: list[int]) -> list[tuple[Defect, list[int]]]:
    """(defect, its photo ids) of these assets: open ones first, then the newest."""
    if not asset_ids:
        return []
    defects = session.exec(
        select(Defect)
        .where(Defect.device_id.in_(asset_ids))
        .order_by((Defect.status == DefectStatus.OPEN.value).desc(), Defect.found_on.desc(), Defect.id.desc())
    ).all()
    photos: dict[int, list[int]] = {}
    if defects:
        for photo_id, defect_id in session.exec(
            select(DefectPhoto.id, DefectPhoto.defect_id)
            .where(DefectPhoto.defect_id.in_([d.id for d in defects]))
            .order_by(DefectPhoto.id)
        ):
            photos.setdefault(defect_id, []).append(photo_id)
    return [(d, photos.get(d.id, [])) for d in defects]


def photo_of(session: Session, asset_id: int | None, photo_id: int | None) -> DefectPhoto | None:
    """The photo, if it belongs to a defect of this asset."""
    photo = session.get(DefectPhoto, photo_id) if photo_id and asset_id else None
    if photo is None:
        return None
    defect = session.get(Defect, photo.defect_id)
    return photo if defect is not None and defect.device_id == asset_id else None

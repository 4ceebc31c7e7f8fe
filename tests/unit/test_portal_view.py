"""The portal's view object: progress and contact details are computed once, in the service."""

import dataclasses

from repair_portal.services import portal_view
from repair_portal.services.portal_view import Step

from .. import factories


def _steps(*states):
    return [Step(f"s{i}", "", st, "") for i, st in enumerate(states)]


def test_progress_counts_the_current_step_from_one():
    assert portal_view.progress(_steps("done", "current", "upcoming", "upcoming")) == (2, 33)
    assert portal_view.progress(_steps("current", "upcoming")) == (1, 0)
    assert portal_view.progress(_steps("done", "done")) == (2, 100)  # all done: the last step
    assert portal_view.progress(_steps("current")) == (1, 100)
    assert portal_view.progress([]) == (0, 100)


def test_the_view_carries_the_location_contact_and_every_day_of_its_hours(session):
    _, location = factories.shop(session)
    location.phone, location.email = "020 7946 0000", "high@example.com"
    location.opening_hours_json = '{"mon": "09:00–17:30", "sat": "10:00–14:00"}'
    session.add(location)
    new = factories.order(session, location)
    view = portal_view.portal_view(session, new.order.id)
    contact = view.contact
    assert (contact.name, contact.phone, contact.phone_href) == (location.name, "020 7946 0000", "tel:+442079460000")
    assert [h.day for h in contact.hours][:2] == ["Monday", "Tuesday"] and len(contact.hours) == 7
    assert contact.hours[1].hours == "Closed" and contact.hours[5].hours == "10:00–14:00"
    assert view.stage_position >= 1 and 0 <= view.progress_percent <= 100
    assert portal_view.contact_view(None, "GB") == portal_view.ContactView()


def test_the_contact_card_shows_the_number_as_the_shops_country_writes_it(session):
    shop, location = factories.shop(session)
    location.phone = "+442079460000"
    new = factories.order(session, location)
    assert portal_view.portal_view(session, new.order.id).contact.phone == "020 7946 0000"
    shop.country = "IE"  # a shop in Ireland with a location line in London
    session.add(shop)
    contact = portal_view.portal_view(session, new.order.id).contact
    assert (contact.phone, contact.phone_href) == ("+44 20 7946 0000", "tel:+442079460000")


def test_the_files_tab_says_documents_once_one_is_shared(session):
    from repair_portal.models import Attachment

    _, location = factories.shop(session)
    new = factories.order(session, location)

    def share(kind: str, name: str) -> None:
        session.add(
            Attachment(
                order_id=new.order.id,
                kind=kind,
                storage_name=name,
                content_type="image/jpeg" if kind == "photo" else "application/pdf",
                size_bytes=10,
                sha256="0" * 64,
                visible_to_customer=True,
            )
        )
        session.flush()

    share("photo", "a.jpg")
    assert portal_view.portal_view(session, new.order.id).files_tab == "Photos"
    share("document", "b.pdf")
    assert portal_view.portal_view(session, new.order.id).files_tab == "Photos & documents"


def test_a_page_holds_the_view_in_three_parts_that_join_back_whole():
    from repair_portal.services import portal_view
    from repair_portal.services.messages import ThreadItem

    steps = [portal_view.Step("Booked in", "", "current", "")]
    view = portal_view.PortalView(
        reference="R-1",
        stage_label="Booked in",
        steps=steps,
        stage_position=1,
        progress_percent=0,
        thread=[ThreadItem(1, True, "Ann", "Hello", "today", False)],
    )
    rest, stage, thread = portal_view.split(view)
    assert rest.stage_label == "" and rest.steps == [] and rest.thread == [] and rest.reference == "R-1"
    assert (stage.stage_label, stage.steps, thread[0].body) == ("Booked in", steps, "Hello")
    assert portal_view.join(rest, stage, thread) == view
    # the stage part is exactly the fields a live stage change reads
    assert set(portal_view.STAGE_FIELDS) == {f.name for f in dataclasses.fields(portal_view.StageView)}

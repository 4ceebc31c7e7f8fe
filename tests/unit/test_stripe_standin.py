"""The Stripe stand-in answers the real `stripe` client (16.1.0) as Stripe would for the calls the app makes,
and its hosted page sends webhooks that stripe.Webhook.construct_event accepts."""

from __future__ import annotations

import json

import httpx
import pytest
import stripe

from repair_portal.integrations.stripe_standin_params import decode_form

from ..stripe_standin import WEBHOOK_SECRET, StripeStandInServer, WebhookInbox


@pytest.fixture
def inbox() -> WebhookInbox:
    return WebhookInbox()


@pytest.fixture
def server(inbox):
    """Mounted under /stripe beside its webhook receiver on one server, as in the demo."""
    with StripeStandInServer(prefix="/stripe", routes=[inbox.route()], webhook_path="/webhook") as running:
        yield running


@pytest.fixture
def client(server) -> stripe.StripeClient:
    return server.client()


def checkout_params(**changes) -> dict:
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": "GBP", "unit_amount": 1000, "product_data": {"name": "Screen repair"}},
                "quantity": 1,
            },
            {"price_data": {"currency": "gbp", "unit_amount": 125, "product_data": {"name": "Cable"}}, "quantity": 2},
        ],
        "success_url": "http://shop.test/paid?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/order",
        "client_reference_id": "order-42",
        "metadata": {"attempt": "7"},
        "payment_intent_data": {"metadata": {"attempt": "7", "order": "42"}},
        "customer_email": "ann@example.com",
    }
    return params | changes


def verified(delivery: dict) -> stripe.Event:
    return stripe.Webhook.construct_event(delivery["body"], delivery["headers"]["stripe-signature"], WEBHOOK_SECRET)


def test_create_retrieve_and_expire_a_session(client, server):
    created = client.v1.checkout.sessions.create(params=checkout_params(), options={"idempotency_key": "attempt-7"})
    assert isinstance(created, stripe.checkout.Session)
    assert created.id.startswith("cs_test_") and created.object == "checkout.session"
    assert (created.status, created.payment_status, created.mode) == ("open", "unpaid", "payment")
    assert (created.amount_total, created.currency) == (1250, "gbp")
    assert created.client_reference_id == "order-42" and created.metadata.to_dict() == {"attempt": "7"}
    assert created.payment_intent is None and created.customer_email == "ann@example.com"
    assert created.url == f"{server.url}/checkout/{created.id}"
    assert created.expires_at - created.created == 24 * 3600

    assert client.v1.checkout.sessions.retrieve(created.id).to_dict() == created.to_dict()
    expired = client.v1.checkout.sessions.expire(created.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.checkout.sessions.expire(created.id)
    assert again.value.http_status == 400 and '"expired"' in again.value.user_message


def test_an_idempotency_key_replays_its_session_and_refuses_other_parameters(client, server):
    first = client.v1.checkout.sessions.create(params=checkout_params(), options={"idempotency_key": "k-1"})
    second = client.v1.checkout.sessions.create(params=checkout_params(), options={"idempotency_key": "k-1"})
    assert second.id == first.id and len(server.standin.sessions) == 1
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(
            params=checkout_params(client_reference_id="order-43"), options={"idempotency_key": "k-1"}
        )
    assert len(server.standin.sessions) == 1


def test_a_wrong_or_missing_key_is_refused(server):
    with pytest.raises(stripe.AuthenticationError) as refused:
        server.client("sk_test_wrong_key_123456").v1.checkout.sessions.create(params=checkout_params())
    assert refused.value.http_status == 401 and "sk_test_" in refused.value.user_message
    bare = httpx.post(server.url + "/v1/checkout/sessions", data={"mode": "payment"})
    assert bare.status_code == 401 and bare.json()["error"]["type"] == "invalid_request_error"
    assert server.standin.sessions == {}


def test_unknown_ids_and_urls_are_resource_missing(client, server):
    for call in (
        lambda: client.v1.checkout.sessions.retrieve("cs_test_nope"),
        lambda: client.v1.checkout.sessions.expire("cs_test_nope"),
        lambda: client.v1.payment_intents.retrieve("pi_nope"),
        lambda: client.v1.refunds.retrieve("re_nope"),
        lambda: client.v1.refunds.create(params={"payment_intent": "pi_nope"}),
    ):
        with pytest.raises(stripe.InvalidRequestError) as missing:
            call()
        assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")
    unknown = httpx.get(server.url + "/v1/customers", headers={"Authorization": f"Bearer {server.standin.secret_key}"})
    assert unknown.status_code == 404 and "Unrecognized request URL" in unknown.json()["error"]["message"]


@pytest.mark.parametrize(
    ("changes", "param", "code"),
    [
        ({"automatic_tax": {"enabled": True}}, "automatic_tax", "parameter_unknown"),
        ({"mode": None}, "mode", "parameter_missing"),
        ({"success_url": "javascript:alert(1)"}, "success_url", "url_invalid"),
        ({"expires_at": 1}, "expires_at", None),
        (
            {
                "line_items": [
                    {"price_data": {"currency": "gbp", "unit_amount": 10, "product_data": {"name": "x"}}, "quantity": 1}
                ]
            },
            "line_items",
            "amount_too_small",
        ),
    ],
)
def test_parameters_stripe_would_refuse_are_refused(client, server, changes, param, code):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.checkout.sessions.create(params=checkout_params(**changes), options={"idempotency_key": "k-2"})
    assert (refused.value.http_status, refused.value.param, refused.value.code) == (400, param, code)
    # a parameter error is not stored under the key: the corrected call goes through with it
    assert client.v1.checkout.sessions.create(params=checkout_params(), options={"idempotency_key": "k-2"}).id


def test_pay_on_the_hosted_page_sends_a_signed_completed_event_then_returns_the_customer(client, server, inbox):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    paid = httpx.post(session.url + "/pay")
    assert paid.status_code == 303
    assert paid.headers["location"] == f"http://shop.test/paid?session={session.id}"

    assert len(inbox.received) == 1 and server.standin.events[0]["status"] == 200
    assert inbox.received[0]["body"] == server.standin.events[0]["payload"]
    assert inbox.received[0]["headers"]["stripe-signature"] == server.standin.events[0]["headers"]["Stripe-Signature"]
    event = verified(inbox.received[0])
    assert event.type == "checkout.session.completed" and event.api_version == stripe.api_version
    completed = event.data.object
    assert (completed.id, completed.status, completed.payment_status) == (session.id, "complete", "paid")
    assert completed.amount_total == 1250 and completed.metadata.to_dict() == {"attempt": "7"}

    intent = client.v1.payment_intents.retrieve(completed.payment_intent)
    assert (intent.status, intent.amount, intent.amount_received, intent.currency) == ("succeeded", 1250, 1250, "gbp")
    assert intent.metadata.to_dict() == {"attempt": "7", "order": "42"} and intent.latest_charge.startswith("ch_")

    again = httpx.post(session.url + "/pay")
    assert again.status_code == 303 and len(inbox.received) == 1
    assert "This checkout is paid" in httpx.get(session.url).text
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(session.id)


def test_decline_sends_payment_failed_and_says_nothing_was_taken(client, server, inbox):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    declined = httpx.post(session.url + "/decline")
    assert declined.status_code == 200
    assert '<p class="alert" role="alert">Your card was declined. Nothing was taken — try again or go back.</p>' in (
        declined.text
    )
    event = verified(inbox.received[0])
    assert event.type == "payment_intent.payment_failed"
    assert event.data.object.metadata.to_dict() == {"attempt": "7", "order": "42"}
    assert event.data.object.last_payment_error.message == "Your card was declined."
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"

    paid = server.standin.pay(session.id)
    assert paid["payment_status"] == "paid" and paid["payment_intent"] == event.data.object.id
    assert [r["type"] for r in server.standin.events] == ["payment_intent.payment_failed", "checkout.session.completed"]


def test_held_events_go_out_later_and_a_replay_is_byte_identical(client, server, inbox):
    standin = server.standin
    session = client.v1.checkout.sessions.create(params=checkout_params())
    standin.hold_webhooks = True
    assert httpx.post(session.url + "/pay").status_code == 303
    assert inbox.received == [] and [r["type"] for r in standin.held] == ["checkout.session.completed"]

    delivered = standin.deliver_held()
    assert standin.held == [] and len(inbox.received) == 1 and delivered[0]["status"] == 200
    replay = standin.resend(delivered[0]["id"])
    assert replay["replay"] and replay["status"] == 200
    assert inbox.received[1]["body"] == inbox.received[0]["body"]
    assert inbox.received[1]["headers"]["stripe-signature"] == inbox.received[0]["headers"]["stripe-signature"]
    assert verified(inbox.received[1]).id == delivered[0]["id"]
    retried = standin.resend(delivered[0]["id"], fresh_signature=True)
    assert verified(inbox.received[2]).id == retried["id"]

    standin.hold_webhooks = False
    custom = standin.send_event("charge.dispute.created", {"id": "dp_1", "object": "dispute"})
    assert verified(inbox.received[3]).data.object.id == "dp_1" and custom["status"] == 200
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(inbox.received[3]["body"], custom["signature"], "whsec_someone_else")
    inbox.status = 500
    assert standin.send_event("ping", {"id": "x"})["status"] == 500


def test_without_a_webhook_url_events_are_only_recorded():
    with StripeStandInServer() as bare:
        session = bare.client().v1.checkout.sessions.create(params=checkout_params())
        bare.standin.decline(session.id)
        bare.standin.pay(session.id)
        assert [(r["type"], r["status"]) for r in bare.standin.events] == [
            ("payment_intent.payment_failed", None),
            ("checkout.session.completed", None),
        ]
        event = json.loads(bare.standin.events[1]["payload"])
        assert event["data"]["object"]["id"] == session.id and event["livemode"] is False
        assert bare.standin.sign(bare.standin.events[1]["payload"], timestamp=1) != bare.standin.events[1]["signature"]


def test_refunds_partial_rest_and_over_refund(client, server):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    intent_id = server.standin.pay(session.id)["payment_intent"]
    params = {"payment_intent": intent_id, "amount": 250, "reason": "requested_by_customer", "metadata": {"r": "1"}}
    first = client.v1.refunds.create(params=params, options={"idempotency_key": "refund-1"})
    assert (first.object, first.status, first.amount, first.currency) == ("refund", "succeeded", 250, "gbp")
    assert first.payment_intent == intent_id and first.metadata.to_dict() == {"r": "1"}
    assert client.v1.refunds.create(params=params, options={"idempotency_key": "refund-1"}).id == first.id

    with pytest.raises(stripe.InvalidRequestError) as too_large:
        client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 1001})
    assert (too_large.value.code, too_large.value.http_status) == ("amount_too_large", 400)
    rest = client.v1.refunds.create(params={"payment_intent": intent_id})
    assert rest.amount == 1000 and client.v1.refunds.retrieve(rest.id).amount == 1000
    with pytest.raises(stripe.InvalidRequestError) as nothing_left:
        client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 1})
    assert nothing_left.value.code == "charge_already_refunded"
    with pytest.raises(stripe.InvalidRequestError) as bad_reason:
        client.v1.refunds.create(params={"payment_intent": intent_id, "reason": "because"})
    assert bad_reason.value.param == "reason"


def test_a_pending_refund_settles_with_a_refund_updated_event(client, server, inbox):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    intent_id = server.standin.pay(session.id)["payment_intent"]
    server.standin.refund_status = "pending"
    refund = client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    assert refund.status == "pending"
    server.standin.settle_refund(refund.id)
    event = verified(inbox.received[-1])
    assert event.type == "refund.updated" and event.data.object.status == "succeeded"
    assert event.data.previous_attributes.to_dict() == {"status": "pending"}
    assert client.v1.refunds.retrieve(refund.id).status == "succeeded"

    failing = client.v1.refunds.create(params={"payment_intent": intent_id})
    assert failing.amount == 750
    server.standin.settle_refund(failing.id, status="failed")
    assert client.v1.refunds.create(params={"payment_intent": intent_id}).amount == 750  # refundable again


def test_the_hosted_page_is_marked_demo_shows_the_amount_and_escapes_what_it_shows(client, server):
    hostile = '<script>alert("x")</script>'
    item = {"price_data": {"currency": "gbp", "unit_amount": 1250, "product_data": {"name": hostile}}, "quantity": 1}
    session = client.v1.checkout.sessions.create(
        params=checkout_params(line_items=[item], payment_intent_data={"description": f"Order {hostile}"})
    )
    page = httpx.get(session.url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert "Demo checkout — no money moves" in html and "Pay £12.50" in html
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert f'action="/stripe/checkout/{session.id}/pay"' in html
    assert f'action="/stripe/checkout/{session.id}/decline"' in html
    assert ">Pay (test card)</button>" in html and ">Decline</button>" in html
    assert '<a class="btn secondary" href="http://shop.test/order">Back</a>' in html

    client.v1.checkout.sessions.expire(session.id)
    assert "This checkout has expired" in httpx.get(session.url).text
    assert httpx.post(session.url + "/pay").status_code == 409
    assert httpx.get(server.url + "/checkout/cs_test_nope").status_code == 404


VALID_FORM = (
    "mode=payment&line_items[0][price_data][currency]=gbp&line_items[0][price_data][unit_amount]=500"
    "&line_items[0][price_data][product_data][name]=A&line_items[0][quantity]=1"
)


def post_form(server, path: str, body: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.standin.secret_key}"}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return httpx.post(server.url + path, content=body, headers=headers)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/checkout/sessions", VALID_FORM + "&currency[x]=gbp"),
        ("/v1/checkout/sessions", VALID_FORM + "&client_reference_id[x]=1"),
        ("/v1/checkout/sessions", VALID_FORM + "&customer_email[x]=a"),
        ("/v1/checkout/sessions", VALID_FORM + "&payment_intent_data[description][x]=d"),
        ("/v1/checkout/sessions", VALID_FORM + "&metadata[a][b]=1"),
        ("/v1/checkout/sessions", VALID_FORM.replace("[name]=A", "[name][x]=A")),
        ("/v1/checkout/sessions", VALID_FORM.replace("[quantity]=1", "[quantity][x]=1")),
        ("/v1/checkout/sessions", VALID_FORM.replace("line_items[0]", "line_items[a]")),
        ("/v1/checkout/sessions", VALID_FORM + "&mode[x]=1"),
        ("/v1/checkout/sessions", VALID_FORM + "&a]=1"),
        ("/v1/refunds", "payment_intent[x]=pi_1"),
        ("/v1/refunds", "charge[x]=ch_1"),
        ("/v1/checkout/sessions/cs_x/expire", "expand[0]=x"),
    ],
)
def test_malformed_parameters_get_400_never_500(server, path, body):
    assert post_form(server, "/v1/checkout/sessions", VALID_FORM).status_code == 200
    answer = post_form(server, path, body)
    assert answer.status_code == 400 and answer.json()["error"]["type"] == "invalid_request_error"


def test_form_decoding_reads_stripe_python_nested_keys():
    raw = "line_items[0][price_data][unit_amount]=5&line_items[1][quantity]=2&metadata[attempt]=7&expand[]=a"
    assert decode_form(raw) == {
        "line_items": {"0": {"price_data": {"unit_amount": "5"}}, "1": {"quantity": "2"}},
        "metadata": {"attempt": "7"},
        "expand": {"0": "a"},
    }

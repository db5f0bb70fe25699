"""The People flow through the official Python SDK (python-intercom), unchanged:
contacts are created, fetched, updated, searched, listed with the SDK's pagers to the
end, merged and deleted, asserting the values that come back. The SDK sends no
Intercom-Version header, so this exercises the default version. Tests run in file order.
"""

import time

import pytest
from intercom import (
    CreateContactRequestWithEmail,
    CreateContactRequestWithRole,
    Intercom,
)
from intercom.core.api_error import ApiError

RUN = str(time.time_ns())
CREATED: list = []


def test_create_then_find_returns_what_was_sent(client: Intercom):
    contact = client.contacts.create(
        request=CreateContactRequestWithEmail(
            email=f"py.{RUN}@acme.example", name="Py Example", signed_up_at=1_700_000_000
        )
    )
    CREATED.append(contact.id)
    assert contact.role == "user"
    assert contact.email_domain == "acme.example"
    found = client.contacts.find(contact.id)
    assert found.id == contact.id
    assert found.name == "Py Example"
    assert found.signed_up_at == 1_700_000_000


def test_update_changes_only_what_it_sends(client: Intercom):
    updated = client.contacts.update(CREATED[0], phone="+15550123")
    assert updated.phone == "+15550123"
    assert updated.name == "Py Example"


def test_list_pager_visits_every_contact_once(client: Intercom):
    for i in range(3):
        lead = client.contacts.create(
            request=CreateContactRequestWithRole(role="lead", name=f"Py lead {i} {RUN}")
        )
        CREATED.append(lead.id)
    ids = [c.id for c in client.contacts.list(per_page=2)]
    assert len(ids) == len(set(ids)), "no contact twice"
    for contact_id in CREATED:
        assert contact_id in ids


def test_search_pages_walk_to_the_end_by_cursor(client: Intercom):
    # python-intercom 5.x's search pager asks for the first page again instead of the next
    # (its get_next drops the new starting_after), so it never ends, against Intercom as
    # against Confab; walk the cursor the way a client must.
    query = {
        "operator": "AND",
        "value": [
            {"field": "role", "operator": "=", "value": "lead"},
            {"field": "name", "operator": "~", "value": RUN},
        ],
    }
    found, cursor = [], None
    for _ in range(10):
        pagination = {"per_page": 2, **({"starting_after": cursor} if cursor else {})}
        page = client.contacts.search(query=query, pagination=pagination)
        found += [c.id for c in page.items]
        nxt = page.response.pages.next if page.response.pages else None
        cursor = nxt.starting_after if nxt else None
        if not cursor:
            break
    assert sorted(found) == sorted(CREATED[1:])


def test_bad_search_is_a_400(client: Intercom):
    with pytest.raises(ApiError) as raised:
        client.contacts.search(query={"field": "shoe_size", "operator": "=", "value": "9"})
    assert raised.value.status_code == 400


def test_segments_count_their_contacts(client: Intercom):
    segments = client.segments.list(include_count=True)
    leads = next(s for s in segments.segments if s.name == "All Leads")
    assert leads.count >= 3
    mine = client.contacts.list_attached_segments(CREATED[1])
    assert [s.name for s in mine.data] == ["All Leads"]


def test_tags_companies_notes_and_events(client: Intercom):
    user = CREATED[0]
    tag = client.tags.create(request={"name": f"PyTag {RUN}"})
    applied = client.tags.tag_contact(user, tag_id=tag.id)
    assert applied.id == tag.id
    assert [t.id for t in client.contacts.list_attached_tags(user).data] == [tag.id]

    company = client.companies.create_or_update(
        request={"company_id": f"py-{RUN}", "name": "Py Co", "monthly_spend": 10.9}
    )
    assert company.monthly_spend == 10
    attached = client.companies.attach_contact(user, company_id=company.id)
    assert attached.id == company.id
    assert company.id in [c.id for c in client.companies.list(per_page=2)]

    for i in range(3):
        note = client.notes.create(user, body=f"py note {i}", admin_id="1")
        assert note.contact.id == user
    assert len(list(client.notes.list(user, per_page=2))) == 3

    # Recent: events older than 90 days are not listed.
    event = {"id": user, "event_name": "py-ordered", "created_at": int(time.time()) - 60}
    client.events.create(request=event)
    client.events.create(request=event)
    listed = client.events.list(type="user", intercom_user_id=user)
    assert [e.event_name for e in listed.events] == ["py-ordered"], "duplicates are ignored"


def test_merge_then_delete(client: Intercom):
    merged = client.contacts.merge_lead_in_user(lead_id=CREATED[1], contact_id=CREATED[0])
    assert merged.id == CREATED[0]
    # The SDK types only a 401 from contacts.find; a 404 comes as a plain ApiError.
    with pytest.raises(ApiError) as raised:
        client.contacts.find(CREATED[1])
    assert raised.value.status_code == 404
    deleted = client.contacts.delete(CREATED[2])
    assert deleted.deleted is True

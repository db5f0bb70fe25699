"""Drives a running Confab server (started with --demo) through the official
Intercom Python SDK (python-intercom), unchanged.

python-intercom sends no Intercom-Version header, so every call here exercises
the server's default version (2.14). Tests run in file order.
"""

import httpx
import pytest
from intercom import Intercom
from intercom.core.api_error import ApiError
from intercom.errors import NotFoundError, UnauthorizedError

OWNER = {"id": "1", "name": "Workspace Owner", "email": "owner@example.com"}
AGENT = {"id": "2", "name": "Alex Agent", "email": "alex@example.com"}


def as_dict(body):
    """Error bodies come back as a dict or as the SDK's Error model."""
    if isinstance(body, dict):
        return body
    return body.model_dump(mode="json", exclude_unset=True)


def away_changes_for(client: Intercom, admin_name: str):
    logs = client.admins.list_all_activity_logs(created_at_after="0")
    assert logs.type == "activity_log.list"
    assert logs.activity_logs is not None
    return [
        entry
        for entry in logs.activity_logs
        if entry.activity_type == "admin_away_mode_change"
        and admin_name in (entry.activity_description or "")
    ]


def test_sdk_sends_no_intercom_version_and_server_defaults_to_2_14(base_url, token):
    seen = []
    http = httpx.Client(event_hooks={"request": [seen.append]})
    recording = Intercom(token=token, base_url=base_url, httpx_client=http)

    admin = recording.admins.find(admin_id=2)

    assert len(seen) == 1
    request = seen[0]
    assert str(request.url) == base_url.rstrip("/") + "/admins/2"
    assert "intercom-version" not in request.headers
    assert request.headers["authorization"] == f"Bearer {token}"
    # away_status_reason_id only exists from 2.14 on: the server defaulted to 2.14.
    assert "away_status_reason_id" in admin.model_fields_set
    assert admin.away_status_reason_id is None


def test_identify_returns_owner_with_workspace(client, workspace_id):
    me = client.admins.identify()
    assert me is not None
    assert me.type == "admin"
    assert me.id == OWNER["id"]
    assert me.name == OWNER["name"]
    assert me.email == OWNER["email"]
    assert me.email_verified is True
    assert me.app is not None
    assert me.app.type == "app"
    assert isinstance(me.app.id_code, str) and me.app.id_code
    if workspace_id:
        assert me.app.id_code == workspace_id


def test_admins_list_has_both_demo_admins(client):
    result = client.admins.list()
    assert result.type == "admin.list"
    by_id = {admin.id: admin for admin in result.admins}
    for expected in (OWNER, AGENT):
        admin = by_id.get(expected["id"])
        assert admin is not None, f"admin {expected['id']} is listed"
        assert admin.type == "admin"
        assert admin.name == expected["name"]
        assert admin.email == expected["email"]
    assert by_id[AGENT["id"]].has_inbox_seat is True


def test_find_admin_2(client):
    admin = client.admins.find(admin_id=2)
    assert admin is not None
    assert admin.type == "admin"
    assert admin.id == AGENT["id"]
    assert admin.name == AGENT["name"]
    assert admin.email == AGENT["email"]
    assert admin.has_inbox_seat is True
    assert admin.away_mode_enabled is False
    assert admin.team_ids == [1]


def test_away_then_back_is_reflected_by_find_and_activity_logs(client):
    before = len(away_changes_for(client, AGENT["name"]))
    try:
        updated = client.admins.away(
            admin_id=2,
            away_mode_enabled=True,
            away_mode_reassign=True,
            away_status_reason_id=2,
        )
        assert updated is not None
        assert updated.id == AGENT["id"]
        assert updated.away_mode_enabled is True
        assert updated.away_mode_reassign is True
        assert updated.away_status_reason_id == 2

        found = client.admins.find(admin_id=2)
        assert found.away_mode_enabled is True
        assert found.away_mode_reassign is True
        assert found.away_status_reason_id == 2

        changes = away_changes_for(client, AGENT["name"])
        assert len(changes) == before + 1
        entry = next((e for e in changes if e.metadata and e.metadata.away_mode is True), None)
        assert entry is not None, "an admin_away_mode_change entry with away_mode true"
        assert entry.performed_by.id == OWNER["id"]
        assert entry.performed_by.email == OWNER["email"]
        assert entry.metadata.reassign_conversations is True
        assert isinstance(entry.id, str) and entry.id
        assert isinstance(entry.created_at, int)
    finally:
        # Always restore, so later tests (and reruns) see admin 2 available.
        client.admins.away(admin_id=2, away_mode_enabled=False, away_mode_reassign=False)

    back = client.admins.find(admin_id=2)
    assert back.away_mode_enabled is False
    assert back.away_mode_reassign is False
    assert back.away_status_reason_id is None

    changes = away_changes_for(client, AGENT["name"])
    assert len(changes) == before + 2
    assert any(e.metadata and e.metadata.away_mode is False for e in changes)


def test_teams_list_has_support_with_both_admins(client):
    result = client.teams.list()
    assert result.type == "team.list"
    support = next((team for team in result.teams if team.name == "Support"), None)
    assert support is not None, "team Support is listed"
    assert support.type == "team"
    assert sorted(support.admin_ids) == [1, 2]


def test_find_support_team(client):
    team_id = next(team.id for team in client.teams.list().teams if team.name == "Support")
    team = client.teams.find(team_id=team_id)
    assert team.type == "team"
    assert team.id == team_id
    assert team.name == "Support"
    assert sorted(team.admin_ids) == [1, 2]


def test_list_away_status_reasons(client):
    result = client.away_status_reasons.list_away_status_reasons()
    # python-intercom 5.0.1 declares List[AwayStatusReason] (generated from an older
    # 2.14 spec that declared a bare array). Intercom's current 2.14 spec
    # (away_status_reason_list) and Confab answer {"type":"list","data":[...]}; the
    # SDK's lenient construct_type then hands back that body as a plain dict.
    assert isinstance(result, dict)
    assert result["type"] == "list"
    reasons = result["data"]
    assert [r["id"] for r in reasons] == ["1", "2", "3", "4", "5"]
    on_break = reasons[0]
    assert on_break["type"] == "away_status_reason"
    assert on_break["label"] == "On a break"
    assert on_break["deleted"] is False


def test_find_unknown_admin_raises_not_found(client):
    with pytest.raises(NotFoundError) as excinfo:
        client.admins.find(admin_id=999999)
    err = excinfo.value
    assert err.status_code == 404
    body = as_dict(err.body)
    assert body["type"] == "error.list"
    assert body["errors"][0]["code"] == "admin_not_found"


def test_find_unknown_team_raises_not_found(client):
    with pytest.raises(NotFoundError) as excinfo:
        client.teams.find(team_id="999999")
    err = excinfo.value
    assert err.status_code == 404
    body = as_dict(err.body)
    assert body["errors"][0]["code"] == "team_not_found"


def test_wrong_token_gets_401(base_url, token):
    bad = Intercom(token=token + "-wrong", base_url=base_url)

    with pytest.raises(UnauthorizedError) as excinfo:
        bad.admins.list()
    assert excinfo.value.status_code == 401
    body = as_dict(excinfo.value.body)
    assert body["type"] == "error.list"
    assert body["errors"][0]["code"] == "unauthorized"

    # The SDK declares no 401 for /me, so identify() raises the generic ApiError.
    with pytest.raises(ApiError) as excinfo:
        bad.admins.identify()
    assert excinfo.value.status_code == 401
    body = as_dict(excinfo.value.body)
    assert body["errors"][0]["code"] == "unauthorized"

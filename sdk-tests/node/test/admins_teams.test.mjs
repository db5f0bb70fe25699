// Drives a running Confab server (started with --demo) through the official
// Intercom Node SDK, unchanged. run.sh starts a fresh server and passes:
//   CONFAB_URL           base URL, e.g. http://127.0.0.1:40123
//   CONFAB_TOKEN         the workspace access token given to --token
//   CONFAB_WORKSPACE_ID  (optional) the workspace id printed at start-up
//
// Top-level tests run one after another, in file order.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Intercom, IntercomClient, IntercomError } from "intercom-client";

const baseUrl = requireEnv("CONFAB_URL");
const token = requireEnv("CONFAB_TOKEN");
const workspaceId = process.env.CONFAB_WORKSPACE_ID || null;

function requireEnv(name) {
    const value = process.env[name];
    if (!value) {
        throw new Error(`${name} must be set (run sdk-tests/run.sh)`);
    }
    return value;
}

// maxRetries: 0 so that an unexpected 429/5xx fails at once instead of being retried.
const client = new IntercomClient({ token, baseUrl, maxRetries: 0 });

const OWNER = { id: "1", name: "Workspace Owner", email: "owner@example.com" };
const AGENT = { id: "2", name: "Alex Agent", email: "alex@example.com" };

async function awayChangesFor(adminName) {
    const logs = await client.admins.listAllActivityLogs({ created_at_after: "0" });
    assert.equal(logs.type, "activity_log.list");
    assert.ok(Array.isArray(logs.activity_logs), "activity_logs is an array");
    return logs.activity_logs.filter(
        (entry) =>
            entry.activity_type === "admin_away_mode_change" &&
            (entry.activity_description ?? "").includes(adminName),
    );
}

test("the SDK sends Intercom-Version 2.14 and hits the base URL", async () => {
    const seen = [];
    const recording = new IntercomClient({
        token,
        baseUrl,
        maxRetries: 0,
        fetch: async (input, init) => {
            seen.push({ url: String(input instanceof Request ? input.url : input), headers: new Headers(init?.headers) });
            return fetch(input, init);
        },
    });
    await recording.admins.identify();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].url, new URL("/me", baseUrl).toString());
    assert.equal(seen[0].headers.get("intercom-version"), "2.14");
    assert.equal(seen[0].headers.get("authorization"), `Bearer ${token}`);
});

test("admins.identify() returns the token's admin with its workspace", async () => {
    const me = await client.admins.identify();
    assert.ok(me, "identify returned a body");
    assert.equal(me.type, "admin");
    assert.equal(me.id, OWNER.id);
    assert.equal(me.name, OWNER.name);
    assert.equal(me.email, OWNER.email);
    assert.equal(me.email_verified, true);
    assert.equal(me.app.type, "app");
    assert.equal(typeof me.app.id_code, "string");
    assert.ok(me.app.id_code.length > 0, "app.id_code is not empty");
    if (workspaceId) {
        assert.equal(me.app.id_code, workspaceId);
    }
});

test("admins.list() contains both demo admins", async () => {
    const list = await client.admins.list();
    assert.equal(list.type, "admin.list");
    const byId = new Map(list.admins.map((a) => [a.id, a]));
    for (const expected of [OWNER, AGENT]) {
        const admin = byId.get(expected.id);
        assert.ok(admin, `admin ${expected.id} is listed`);
        assert.equal(admin.type, "admin");
        assert.equal(admin.name, expected.name);
        assert.equal(admin.email, expected.email);
    }
    assert.equal(byId.get(AGENT.id).has_inbox_seat, true);
});

test("admins.find() returns admin 2", async () => {
    const admin = await client.admins.find({ admin_id: 2 });
    assert.equal(admin.type, "admin");
    assert.equal(admin.id, AGENT.id);
    assert.equal(admin.name, AGENT.name);
    assert.equal(admin.email, AGENT.email);
    assert.equal(admin.has_inbox_seat, true);
    assert.equal(admin.away_mode_enabled, false);
    assert.deepEqual(admin.team_ids, [1]);
});

test("admins.away() sets admin 2 away and back; find and activity logs reflect it", async (t) => {
    const awayBefore = (await awayChangesFor(AGENT.name)).length;
    try {
        await t.test("away on (with a status reason)", async () => {
            const updated = await client.admins.away({
                admin_id: 2,
                away_mode_enabled: true,
                away_mode_reassign: true,
                away_status_reason_id: 2,
            });
            assert.equal(updated.id, AGENT.id);
            assert.equal(updated.away_mode_enabled, true);
            assert.equal(updated.away_mode_reassign, true);
            assert.equal(updated.away_status_reason_id, 2);

            const found = await client.admins.find({ admin_id: 2 });
            assert.equal(found.away_mode_enabled, true);
            assert.equal(found.away_mode_reassign, true);
            assert.equal(found.away_status_reason_id, 2);
        });

        await t.test("activity log has an admin_away_mode_change entry", async () => {
            const changes = await awayChangesFor(AGENT.name);
            assert.equal(changes.length, awayBefore + 1);
            const entry = changes.find((e) => e.metadata?.away_mode === true);
            assert.ok(entry, "an entry with metadata.away_mode true");
            assert.equal(entry.performed_by.id, OWNER.id);
            assert.equal(entry.performed_by.email, OWNER.email);
            assert.equal(entry.metadata.reassign_conversations, true);
            assert.equal(typeof entry.id, "string");
            assert.equal(typeof entry.created_at, "number");
        });
    } finally {
        // Always restore, so later tests (and reruns) see admin 2 available.
        await client.admins.away({ admin_id: 2, away_mode_enabled: false, away_mode_reassign: false });
    }

    const back = await client.admins.find({ admin_id: 2 });
    assert.equal(back.away_mode_enabled, false);
    assert.equal(back.away_mode_reassign, false);
    assert.equal(back.away_status_reason_id ?? null, null);

    const changes = await awayChangesFor(AGENT.name);
    assert.equal(changes.length, awayBefore + 2);
    assert.ok(
        changes.some((e) => e.metadata?.away_mode === false),
        "an entry with metadata.away_mode false (set back)",
    );
});

test("teams.list() contains Support with both admins", async () => {
    const list = await client.teams.list();
    assert.equal(list.type, "team.list");
    const support = list.teams.find((team) => team.name === "Support");
    assert.ok(support, "team Support is listed");
    assert.equal(support.type, "team");
    assert.deepEqual([...support.admin_ids].sort(), [1, 2]);
});

test("teams.find() returns the Support team", async () => {
    const { teams } = await client.teams.list();
    const id = teams.find((team) => team.name === "Support").id;
    const team = await client.teams.find({ team_id: id });
    assert.equal(team.type, "team");
    assert.equal(team.id, id);
    assert.equal(team.name, "Support");
    assert.deepEqual([...team.admin_ids].sort(), [1, 2]);
});

test("awayStatusReasons.listAwayStatusReasons() lists the built-in reasons", async () => {
    const result = await client.awayStatusReasons.listAwayStatusReasons();
    // intercom-client 7.0.3 types this as AwayStatusReason[] (generated from an older
    // 2.14 spec that declared a bare array). Intercom's current 2.14 spec
    // (away_status_reason_list) and Confab answer {"type":"list","data":[...]}, and
    // the SDK hands back the body unchanged, so that is what is checked here.
    assert.equal(result.type, "list");
    assert.ok(Array.isArray(result.data), "data is an array");
    const reasons = result.data;
    assert.deepEqual(
        reasons.map((r) => r.id),
        ["1", "2", "3", "4", "5"],
    );
    const onBreak = reasons.find((r) => r.id === "1");
    assert.equal(onBreak.type, "away_status_reason");
    assert.equal(onBreak.label, "On a break");
    assert.equal(onBreak.deleted, false);
    assert.equal(typeof onBreak.emoji, "string");
});

test("a client pinned to Intercom-Version 2.13 gets the 2.13 admin shape", async () => {
    const old = new IntercomClient({ token, baseUrl, maxRetries: 0, version: "2.13" });
    const admin = await old.admins.find({ admin_id: 2 });
    assert.equal(admin.id, AGENT.id);
    assert.ok(!("away_status_reason_id" in admin), "away_status_reason_id is 2.14+ only");
});

test("admins.find() of an unknown admin throws NotFoundError (404)", async () => {
    await assert.rejects(client.admins.find({ admin_id: 999999 }), (err) => {
        assert.ok(err instanceof Intercom.NotFoundError, `got ${err?.constructor?.name}: ${err}`);
        assert.equal(err.statusCode, 404);
        assert.equal(err.body.type, "error.list");
        assert.equal(err.body.errors[0].code, "admin_not_found");
        return true;
    });
});

test("teams.find() of an unknown team throws NotFoundError (404)", async () => {
    await assert.rejects(client.teams.find({ team_id: "999999" }), (err) => {
        assert.ok(err instanceof Intercom.NotFoundError, `got ${err?.constructor?.name}: ${err}`);
        assert.equal(err.statusCode, 404);
        assert.equal(err.body.errors[0].code, "team_not_found");
        return true;
    });
});

test("a client with a wrong token gets 401", async (t) => {
    const bad = new IntercomClient({ token: `${token}-wrong`, baseUrl, maxRetries: 0 });

    await t.test("admins.list() throws UnauthorizedError", async () => {
        await assert.rejects(bad.admins.list(), (err) => {
            assert.ok(err instanceof Intercom.UnauthorizedError, `got ${err?.constructor?.name}: ${err}`);
            assert.equal(err.statusCode, 401);
            assert.equal(err.body.type, "error.list");
            assert.equal(err.body.errors[0].code, "unauthorized");
            return true;
        });
    });

    await t.test("admins.identify() throws IntercomError with status 401", async () => {
        // The SDK declares no 401 for /me, so it raises the generic IntercomError.
        await assert.rejects(bad.admins.identify(), (err) => {
            assert.ok(err instanceof IntercomError, `got ${err?.constructor?.name}: ${err}`);
            assert.equal(err.statusCode, 401);
            assert.equal(err.body.errors[0].code, "unauthorized");
            return true;
        });
    });
});

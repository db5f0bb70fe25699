// The People flow through the official Node SDK (intercom-client), unchanged: contacts are
// created, fetched, updated, searched, listed with the SDK's pagers to the end, archived,
// merged and deleted, asserting the values that come back. run.sh starts a fresh server
// (--demo) and passes CONFAB_URL and CONFAB_TOKEN.
import assert from "node:assert/strict";
import { test } from "node:test";

import { IntercomClient, IntercomError } from "intercom-client";

const baseUrl = process.env.CONFAB_URL;
const token = process.env.CONFAB_TOKEN;
if (!baseUrl || !token) {
    throw new Error("CONFAB_URL and CONFAB_TOKEN must be set (run sdk-tests/run.sh)");
}
const client = new IntercomClient({ token, baseUrl, maxRetries: 0 });

// A run-unique suffix so the flow never collides with the demo data.
const run = `${Date.now()}`;
const created = [];

async function collect(page) {
    const items = [];
    for await (const item of page) {
        items.push(item);
    }
    return items;
}

test("contacts.create() stores what was sent and contacts.find() returns it", async () => {
    const contact = await client.contacts.create({
        email: `ann.${run}@acme.example`,
        external_id: `ann-${run}`,
        name: "Ann Example",
        phone: "+15550100",
        signed_up_at: 1_700_000_000,
    });
    created.push(contact.id);
    assert.equal(contact.type, "contact");
    assert.equal(contact.role, "user");
    assert.equal(contact.email_domain, "acme.example");
    const found = await client.contacts.find({ contact_id: contact.id });
    assert.equal(found.id, contact.id);
    assert.equal(found.name, "Ann Example");
    assert.equal(found.external_id, `ann-${run}`);
    assert.equal(found.signed_up_at, 1_700_000_000);
    assert.equal(found.tags.total_count, 0);
});

test("contacts.update() changes only what it sends", async () => {
    const updated = await client.contacts.update({ contact_id: created[0], phone: "+15550199" });
    assert.equal(updated.phone, "+15550199");
    assert.equal(updated.name, "Ann Example");
});

test("a duplicate external_id is a 409 conflict the SDK raises", async () => {
    await assert.rejects(
        client.contacts.create({ external_id: `ann-${run}` }),
        (err) => err instanceof IntercomError && err.statusCode === 409,
    );
});

test("contacts.list() pages through every contact exactly once and stops", async () => {
    for (let i = 0; i < 4; i++) {
        const lead = await client.contacts.create({ role: "lead", name: `Lead ${i} ${run}` });
        created.push(lead.id);
    }
    const all = await collect(await client.contacts.list({ per_page: 2 }));
    const ids = all.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, "no contact twice");
    for (const id of created) {
        assert.ok(ids.includes(id), `${id} listed`);
    }
});

test("contacts.search() finds by nested query and its pager walks to the end", async () => {
    const page = await client.contacts.search({
        query: {
            operator: "AND",
            value: [
                { field: "role", operator: "=", value: "lead" },
                { field: "name", operator: "~", value: run },
            ],
        },
        pagination: { per_page: 3 },
    });
    const leads = await collect(page);
    assert.equal(leads.length, 4);
    assert.ok(leads.every((c) => c.role === "lead"));
    assert.deepEqual(new Set(leads.map((c) => c.id)), new Set(created.slice(1)));
});

test("a bad search query is a 400 the SDK raises", async () => {
    await assert.rejects(
        client.contacts.search({ query: { field: "shoe_size", operator: "=", value: "9" } }),
        (err) => err instanceof IntercomError && err.statusCode === 400,
    );
});

test("segments count the contacts they hold", async () => {
    const segments = await client.segments.list({ include_count: true });
    const leads = segments.segments.find((s) => s.name === "All Leads");
    assert.ok(leads, "the default All Leads segment exists");
    assert.ok(leads.count >= 4, `All Leads counts the leads (${leads.count})`);
    const mine = await client.contacts.listAttachedSegments({ contact_id: created[1] });
    assert.deepEqual(
        mine.data.map((s) => s.name),
        ["All Leads"],
    );
});

test("merging a lead into a user leaves only the user", async () => {
    const merged = await client.contacts.mergeLeadInUser({ from: created[1], into: created[0] });
    assert.equal(merged.id, created[0]);
    await assert.rejects(
        client.contacts.find({ contact_id: created[1] }),
        (err) => err instanceof IntercomError && err.statusCode === 404,
    );
});

test("archive, unarchive and delete answer their small objects", async () => {
    const id = created[2];
    assert.equal((await client.contacts.archive({ contact_id: id })).archived, true);
    assert.equal((await client.contacts.unarchive({ contact_id: id })).archived, false);
    const deleted = await client.contacts.delete({ contact_id: id });
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.id, id);
});

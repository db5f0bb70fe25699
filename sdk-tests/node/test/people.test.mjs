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

// Walks an SDK pager to the end; a pager that never ends fails instead of hanging.
async function collect(page, limit = 500) {
    const items = [];
    for await (const item of page) {
        items.push(item);
        assert.ok(items.length <= limit, "the pager stops");
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

test("tags: create, tag a contact, list the contact's tags, untag", async () => {
    const tag = await client.tags.create({ name: `Gold ${run}` });
    assert.equal(tag.name, `Gold ${run}`);
    const again = await client.tags.create({ name: `GOLD ${run}` });
    assert.equal(again.id, tag.id, "tag names are case-insensitive");
    const applied = await client.tags.tagContact({ contact_id: created[0], id: tag.id });
    assert.equal(applied.id, tag.id);
    const tags = await client.contacts.listAttachedTags({ contact_id: created[0] });
    assert.deepEqual(tags.data.map((t) => t.id), [tag.id]);
    const contact = await client.contacts.find({ contact_id: created[0] });
    assert.equal(contact.tags.total_count, 1);
    await client.tags.untagContact({ contact_id: created[0], tag_id: tag.id });
    const after = await client.contacts.listAttachedTags({ contact_id: created[0] });
    assert.equal(after.data.length, 0);
});

test("companies: create or update, attach a contact, page them, detach, delete", async () => {
    const company = await client.companies.createOrUpdate({
        company_id: `co-${run}`,
        name: "Initial Name",
        monthly_spend: 155.98,
    });
    assert.equal(company.monthly_spend, 155, "monthly_spend is truncated");
    const renamed = await client.companies.createOrUpdate({ company_id: `co-${run}`, name: "Renamed" });
    assert.equal(renamed.id, company.id, "upsert by company_id");
    assert.equal(renamed.name, "Renamed");
    const attached = await client.companies.attachContact({ contact_id: created[0], id: company.id });
    assert.equal(attached.id, company.id);
    const mine = await collect(await client.contacts.listAttachedCompanies({ contact_id: created[0] }));
    assert.deepEqual(mine.map((c) => c.id), [company.id]);
    const all = await collect(await client.companies.list({ per_page: 1 }));
    assert.ok(all.some((c) => c.id === company.id), "the company is listed");
    assert.equal(new Set(all.map((c) => c.id)).size, all.length, "no company twice");
    await client.companies.detachContact({ contact_id: created[0], company_id: company.id });
    const deleted = await client.companies.delete({ company_id: company.id });
    assert.equal(deleted.deleted, true);
});

test("notes: create on a contact and page through them", async () => {
    for (let i = 0; i < 3; i++) {
        const note = await client.notes.create({ contact_id: created[0], body: `note ${i}`, admin_id: "1" });
        assert.equal(note.contact.id, created[0]);
        assert.equal(note.author.id, "1");
    }
    const notes = await collect(await client.notes.list({ contact_id: created[0], per_page: 2 }));
    assert.equal(notes.length, 3);
});

test("a new data attribute is usable at once and events are recorded", async () => {
    const attribute = await client.dataAttributes.create({
        name: `tier_${run}`,
        model: "contact",
        data_type: "string",
    });
    assert.equal(attribute.name, `tier_${run}`);
    const updated = await client.contacts.update({
        contact_id: created[0],
        custom_attributes: { [`tier_${run}`]: "gold" },
    });
    assert.equal(updated.custom_attributes[`tier_${run}`], "gold");
    // Recent: events older than 90 days are not listed.
    const orderedAt = Math.floor(Date.now() / 1000) - 60;
    await client.events.create({ id: created[0], event_name: "ordered", created_at: orderedAt });
    await client.events.create({ id: created[0], event_name: "ordered", created_at: orderedAt });
    const events = await client.events.list({ type: "user", intercom_user_id: created[0] });
    assert.equal(events.events.length, 1, "a duplicate event is ignored");
    assert.equal(events.events[0].event_name, "ordered");
});

test("archive, unarchive and delete answer their small objects", async () => {
    const id = created[2];
    assert.equal((await client.contacts.archive({ contact_id: id })).archived, true);
    assert.equal((await client.contacts.unarchive({ contact_id: id })).archived, false);
    const deleted = await client.contacts.delete({ contact_id: id });
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.id, id);
});

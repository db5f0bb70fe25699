// The support-desk flow through the official Node SDK (intercom-client), unchanged: a contact
// starts a conversation, Alex (admin 2) replies, assigns it to the Support team and snoozes
// it; the workspace clock moves past the snooze and the conversation is open again; Alex
// closes it, converts it to a customer ticket and moves the ticket through its states to
// resolved, replying and tagging on the way. Every step asserts the values that come back.
//
// Every call here exists in 2.14, the version the SDK sends (checked at the end). Only the
// clock is driven outside the SDK, through Confab's control plane. Tests run in file order.
import assert from "node:assert/strict";
import { test } from "node:test";

import { IntercomClient } from "intercom-client";

const baseUrl = process.env.CONFAB_URL;
const token = process.env.CONFAB_TOKEN;
if (!baseUrl || !token) {
    throw new Error("CONFAB_URL and CONFAB_TOKEN must be set (run sdk-tests/run.sh)");
}

// Records the Intercom-Version of every request the SDK makes in this file.
const versionsSent = new Set();
const client = new IntercomClient({
    token,
    baseUrl,
    maxRetries: 0,
    fetch: async (input, init) => {
        versionsSent.add(new Headers(init?.headers).get("Intercom-Version"));
        return fetch(input, init);
    },
});

const ALEX = "2";
const run = `${Date.now()}`;
const flow = {};

// POST or GET {CONFAB_URL}/_confab/clock; the answer carries the workspace's `now`.
async function clock(body) {
    const res = await fetch(`${baseUrl}/_confab/clock`, {
        method: body ? "POST" : "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
    });
    assert.equal(res.status, 200, `clock ${JSON.stringify(body)}`);
    return res.json();
}

const partsOf = (conversation) => conversation.conversation_parts.conversation_parts;
const lastPart = (conversation) => partsOf(conversation).at(-1);

test("a contact created here starts a conversation", async () => {
    const contact = await client.contacts.create({
        email: `desk.${run}@customer.example`,
        name: "Dana Desk",
    });
    flow.contact = contact.id;
    const message = await client.conversations.create({
        from: { type: "user", id: contact.id },
        body: "My invoice is wrong",
    });
    assert.equal(message.type, "user_message");
    assert.equal(message.body, "My invoice is wrong");
    assert.equal(message.message_type, "inapp");
    assert.match(message.conversation_id, /^\d+$/);
    flow.conversation = message.conversation_id;

    const conversation = await client.conversations.find({ conversation_id: flow.conversation });
    assert.equal(conversation.state, "open");
    assert.equal(conversation.open, true);
    assert.equal(conversation.source.body, "My invoice is wrong");
    assert.equal(conversation.source.author.type, "user");
    assert.equal(conversation.source.author.id, contact.id);
    assert.deepEqual(
        conversation.contacts.contacts.map((c) => c.id),
        [contact.id],
    );
    assert.equal(conversation.conversation_parts.total_count, 0);
    assert.equal(conversation.waiting_since, conversation.created_at, "waiting for an answer");
});

test("an admin reply appends a comment and stops the wait", async () => {
    const conversation = await client.conversations.reply({
        conversation_id: flow.conversation,
        body: { message_type: "comment", type: "admin", admin_id: ALEX, body: "Let me check that" },
    });
    const part = lastPart(conversation);
    assert.equal(part.part_type, "comment");
    assert.equal(part.body, "Let me check that");
    assert.deepEqual([part.author.type, part.author.id, part.author.name], ["admin", ALEX, "Alex Agent"]);
    assert.equal(conversation.conversation_parts.total_count, 1);
    assert.equal(conversation.waiting_since, null);
    assert.equal(conversation.statistics.first_admin_reply_at, part.created_at);
    assert.deepEqual(
        conversation.teammates.teammates.map((t) => t.id),
        [ALEX],
    );
});

test("assigning to the Support team sets the team and appends an assignment part", async () => {
    const { teams } = await client.teams.list();
    const support = teams.find((t) => t.name === "Support");
    assert.ok(support, "the demo Support team exists");
    flow.team = support.id;
    const conversation = await client.conversations.manage({
        conversation_id: flow.conversation,
        body: { message_type: "assignment", type: "team", admin_id: ALEX, assignee_id: support.id },
    });
    assert.equal(String(conversation.team_assignee_id), support.id);
    assert.equal(conversation.admin_assignee_id, null, "the admin assignee is left alone");
    const part = lastPart(conversation);
    assert.equal(part.part_type, "assignment");
    assert.deepEqual(part.assigned_to, { type: "team", id: support.id });
    assert.equal(part.author.id, ALEX);
    assert.equal(conversation.statistics.count_assignments, 1);
});

test("snoozing sets snoozed_until ahead of the workspace clock", async () => {
    const { now } = await clock();
    flow.snoozedUntil = now + 60;
    const conversation = await client.conversations.manage({
        conversation_id: flow.conversation,
        body: { message_type: "snoozed", admin_id: ALEX, snoozed_until: flow.snoozedUntil },
    });
    assert.equal(conversation.state, "snoozed");
    assert.equal(conversation.snoozed_until, flow.snoozedUntil);
    assert.equal(lastPart(conversation).part_type, "snoozed");
    assert.equal(lastPart(conversation).author.id, ALEX);
});

test("once the clock passes snoozed_until the conversation is open again", async () => {
    const before = await client.conversations.find({ conversation_id: flow.conversation });
    assert.equal(before.state, "snoozed", "still snoozed before the clock moves");
    const moved = await clock({ advance_seconds: 120 });
    assert.ok(moved.now > flow.snoozedUntil, "the clock is past the snooze");

    const conversation = await client.conversations.find({ conversation_id: flow.conversation });
    assert.equal(conversation.state, "open");
    assert.equal(conversation.open, true);
    assert.equal(conversation.snoozed_until, null);
    const part = lastPart(conversation);
    assert.equal(part.part_type, "timer_unsnooze");
    assert.equal(part.author.type, "bot");
    assert.ok(part.created_at >= flow.snoozedUntil, "woken at the workspace's time");
    assert.deepEqual(
        partsOf(conversation).map((p) => p.part_type),
        ["comment", "assignment", "snoozed", "timer_unsnooze"],
    );
});

test("closing it records who closed it", async () => {
    const conversation = await client.conversations.manage({
        conversation_id: flow.conversation,
        body: { message_type: "close", type: "admin", admin_id: ALEX, body: "Handing this to billing" },
    });
    assert.equal(conversation.state, "closed");
    assert.equal(conversation.open, false);
    const part = lastPart(conversation);
    assert.equal(part.part_type, "close");
    assert.equal(part.body, "Handing this to billing");
    assert.equal(conversation.statistics.last_closed_by_id, ALEX);
    assert.equal(conversation.statistics.first_close_at, part.created_at);
});

test("converting to the customer ticket type keeps the conversation's id and history", async () => {
    const { data: types } = await client.ticketTypes.list();
    const customer = types.filter((t) => t.category === "Customer");
    assert.deepEqual(
        customer.map((t) => t.name),
        ["Bug report"],
        "the demo has one customer ticket type",
    );
    flow.ticketType = customer[0].id;

    // The SDK types this path parameter as a number (the spec's integer), though
    // conversation ids come back as strings.
    const ticket = await client.conversations.convertToTicket({
        conversation_id: Number(flow.conversation),
        ticket_type_id: flow.ticketType,
    });
    assert.equal(ticket.type, "ticket");
    assert.equal(ticket.id, flow.conversation, "the ticket keeps the conversation's id");
    assert.notEqual(ticket.ticket_id, ticket.id, "the inbox number is its own sequence");
    assert.equal(ticket.category, "Customer");
    assert.equal(ticket.ticket_type.id, flow.ticketType);
    assert.equal(ticket.ticket_state.category, "submitted");
    assert.equal(ticket.open, false, "it was converted while closed");
    assert.equal(ticket.team_assignee_id, flow.team);
    assert.deepEqual(
        ticket.contacts.contacts.map((c) => c.id),
        [flow.contact],
    );
    assert.deepEqual(
        ticket.ticket_parts.ticket_parts.map((p) => p.part_type),
        ["comment", "assignment", "snoozed", "timer_unsnooze", "close"],
    );
    flow.ticket = ticket.id;
});

test("ticket states are listed with one state per category", async () => {
    const { data: states } = await client.ticketStates.listTicketStates();
    const byCategory = Object.fromEntries(states.map((s) => [s.category, s]));
    assert.deepEqual(Object.keys(byCategory).sort(), [
        "in_progress",
        "resolved",
        "submitted",
        "waiting_on_customer",
    ]);
    assert.equal(byCategory.resolved.internal_label, "Resolved");
    const usable = states[0].ticket_types.data.map((t) => t.id);
    assert.ok(usable.includes(flow.ticketType), "the customer type can use the states");
    flow.states = byCategory;
});

test("moving the closed ticket to in progress opens it again", async () => {
    const ticket = await client.tickets.update({
        ticket_id: flow.ticket,
        ticket_state_id: flow.states.in_progress.id,
        admin_id: Number(ALEX),
    });
    assert.equal(ticket.ticket_state.id, flow.states.in_progress.id);
    assert.equal(ticket.ticket_state.category, "in_progress");
    assert.equal(ticket.open, true);
    const part = ticket.ticket_parts.ticket_parts.at(-1);
    assert.equal(part.part_type, "ticket_state_updated");
    assert.equal(part.previous_ticket_state, "submitted");
    assert.equal(part.ticket_state, "in_progress");
    assert.equal(part.author.id, ALEX);
});

test("an admin reply on the ticket comes back as a ticket part", async () => {
    const reply = await client.tickets.reply({
        ticket_id: flow.ticket,
        body: { message_type: "comment", type: "admin", admin_id: ALEX, body: "A refund is on its way" },
    });
    assert.equal(reply.type, "ticket_part");
    assert.equal(reply.part_type, "comment");
    assert.equal(reply.body, "A refund is on its way");
    assert.deepEqual([reply.author.type, reply.author.id], ["admin", ALEX]);
    flow.replyPart = reply.id;
});

test("tagging the ticket applies the tag as Alex", async () => {
    const tag = await client.tags.create({ name: `Billing ${run}` });
    const applied = await client.tags.tagTicket({ ticket_id: flow.ticket, id: tag.id, admin_id: ALEX });
    assert.equal(applied.id, tag.id);
    assert.equal(applied.name, `Billing ${run}`);
    assert.deepEqual(applied.applied_by, { type: "admin", id: ALEX });
    // The 2.14 ticket has no `tags`; the same record read as a conversation lists them.
    const asConversation = await client.conversations.find({ conversation_id: flow.ticket });
    assert.deepEqual(
        asConversation.tags.tags.map((t) => t.name),
        [`Billing ${run}`],
    );
    flow.tag = tag.id;
});

test("waiting on the customer, then resolved: resolving closes the ticket", async () => {
    const waiting = await client.tickets.update({
        ticket_id: flow.ticket,
        ticket_state_id: flow.states.waiting_on_customer.id,
        admin_id: Number(ALEX),
    });
    assert.equal(waiting.ticket_state.category, "waiting_on_customer");
    assert.equal(waiting.open, true);

    const resolved = await client.tickets.update({
        ticket_id: flow.ticket,
        ticket_state_id: flow.states.resolved.id,
        admin_id: Number(ALEX),
    });
    assert.equal(resolved.ticket_state.category, "resolved");
    assert.equal(resolved.ticket_state.external_label, "Resolved");
    assert.equal(resolved.open, false);
    assert.equal(resolved.snoozed_until ?? null, null);
});

test("the fetched ticket carries every step as a part, in order", async () => {
    const ticket = await client.tickets.get({ ticket_id: flow.ticket });
    assert.equal(ticket.open, false);
    assert.equal(ticket.ticket_state.category, "resolved");
    const parts = ticket.ticket_parts.ticket_parts;
    assert.equal(ticket.ticket_parts.total_count, parts.length);
    assert.deepEqual(
        parts.map((p) => [p.part_type, p.author.type === "admin" ? p.author.id : p.author.type]),
        [
            ["comment", ALEX],
            ["assignment", ALEX],
            ["snoozed", ALEX],
            ["timer_unsnooze", "bot"],
            ["close", ALEX],
            ["ticket_state_updated", ALEX],
            ["comment", ALEX],
            ["ticket_state_updated", ALEX],
            ["ticket_state_updated", ALEX],
        ],
    );
    const moves = parts
        .filter((p) => p.part_type === "ticket_state_updated")
        .map((p) => [p.previous_ticket_state, p.ticket_state]);
    assert.deepEqual(moves, [
        ["submitted", "in_progress"],
        ["in_progress", "waiting_on_customer"],
        ["waiting_on_customer", "resolved"],
    ]);
    const reply = parts.find((p) => p.id === flow.replyPart);
    assert.equal(reply.body, "A refund is on its way");
    assert.equal(reply.ticket_state, "in_progress", "the reply was made while in progress");
});

test("every SDK call in the flow sent Intercom-Version 2.14", () => {
    assert.deepEqual([...versionsSent], ["2.14"]);
});

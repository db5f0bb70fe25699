//! The tables of the record resources, side by side, as the migrations create them
//! (`confab-store/migrations/*/0002_people.sql`). The generic store code reads and writes
//! through these; a test in the API suite proves each one matches the database.

use crate::record::relation::{
    COMPANY_TAG, CONTACT_COMPANY, CONTACT_CUSTOM_OBJECT, CONTACT_SUBSCRIPTION, CONTACT_TAG,
    CONVERSATION_CONTACT, CONVERSATION_CUSTOM_OBJECT, CONVERSATION_LINK, CONVERSATION_TAG,
};
use crate::record::{flag, int, json, text, IdStyle, Side, Table};

/// Contacts: users, leads, and visitors (role `visitor`, which contact lists leave out).
pub const CONTACTS: Table = Table {
    name: "contacts",
    id_style: IdStyle::Object,
    columns: &[
        text("role"),
        text("external_id"),
        text("user_id"),
        text("email"),
        text("email_domain"),
        text("phone"),
        text("formatted_phone"),
        text("name"),
        text("pseudonym"),
        int("owner_id"),
        text("avatar"),
        flag("has_hard_bounced"),
        flag("marked_email_as_spam"),
        flag("unsubscribed_from_emails"),
        flag("archived"),
        flag("blocked"),
        int("created_at"),
        int("updated_at"),
        int("signed_up_at"),
        int("last_seen_at"),
        int("last_replied_at"),
        int("last_contacted_at"),
        int("last_email_opened_at"),
        int("last_email_clicked_at"),
        text("language_override"),
        text("browser"),
        text("browser_version"),
        text("browser_language"),
        text("os"),
        text("android_app_name"),
        text("android_app_version"),
        text("android_device"),
        text("android_os_version"),
        text("android_sdk_version"),
        int("android_last_seen_at"),
        text("ios_app_name"),
        text("ios_app_version"),
        text("ios_device"),
        text("ios_os_version"),
        text("ios_sdk_version"),
        int("ios_last_seen_at"),
        text("location_country"),
        text("location_region"),
        text("location_city"),
        text("location_country_code"),
        text("location_continent_code"),
        json("social_profiles"),
        json("custom_attributes"),
    ],
    links: &[
        (CONTACT_TAG, Side::Left),
        (CONTACT_COMPANY, Side::Left),
        (CONTACT_SUBSCRIPTION, Side::Left),
        (CONTACT_CUSTOM_OBJECT, Side::Left),
        (CONVERSATION_CONTACT, Side::Right),
    ],
};

pub const COMPANIES: Table = Table {
    name: "companies",
    id_style: IdStyle::Object,
    columns: &[
        text("company_id"),
        text("name"),
        text("plan"),
        int("size"),
        text("website"),
        text("industry"),
        int("monthly_spend"),
        int("session_count"),
        int("remote_created_at"),
        int("last_request_at"),
        int("created_at"),
        int("updated_at"),
        json("custom_attributes"),
    ],
    links: &[(COMPANY_TAG, Side::Left), (CONTACT_COMPANY, Side::Right)],
};

/// Tags; `name_key` is the lowercased name, unique per workspace (names are
/// case-insensitive).
pub const TAGS: Table = Table {
    name: "tags",
    id_style: IdStyle::Serial,
    columns: &[
        text("name"),
        text("name_key"),
        int("created_at"),
        int("admin_id"),
    ],
    links: &[
        (CONTACT_TAG, Side::Right),
        (COMPANY_TAG, Side::Right),
        (CONVERSATION_TAG, Side::Right),
    ],
};

/// Notes on a contact or a company (`subject_type` `contact` | `company`).
pub const NOTES: Table = Table {
    name: "notes",
    id_style: IdStyle::Serial,
    columns: &[
        text("subject_type"),
        text("subject_id"),
        int("admin_id"),
        text("body"),
        int("created_at"),
    ],
    links: &[],
};

/// Segments; `query` is the search query (JSON) that defines membership.
pub const SEGMENTS: Table = Table {
    name: "segments",
    id_style: IdStyle::Object,
    columns: &[
        text("name"),
        text("person_type"),
        json("query"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[],
};

pub const SUBSCRIPTION_TYPES: Table = Table {
    name: "subscription_types",
    id_style: IdStyle::Serial,
    columns: &[
        text("state"),
        text("consent_type"),
        json("content_types"),
        text("name"),
        text("description"),
        text("locale"),
        json("translations"),
        int("created_at"),
    ],
    links: &[(CONTACT_SUBSCRIPTION, Side::Right)],
};

/// Custom data attributes (the built-in ones are not stored).
pub const DATA_ATTRIBUTES: Table = Table {
    name: "data_attributes",
    id_style: IdStyle::Serial,
    columns: &[
        text("model"),
        text("name"),
        text("label"),
        text("description"),
        text("data_type"),
        json("options"),
        flag("messenger_writable"),
        flag("archived"),
        int("admin_id"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[],
};

/// Data events; unique per (contact, event name, created_at), which is how duplicates are
/// recognised.
pub const DATA_EVENTS: Table = Table {
    name: "data_events",
    id_style: IdStyle::Object,
    columns: &[
        text("contact_id"),
        text("event_name"),
        int("created_at"),
        json("metadata"),
    ],
    links: &[],
};

/// Event summaries recorded through `POST /events/summaries` (migration 0005): one per contact
/// and event name, added to the contact's individual events when they are summarised.
pub const DATA_EVENT_SUMMARIES: Table = Table {
    name: "data_event_summaries",
    id_style: IdStyle::Serial,
    columns: &[
        text("contact_id"),
        text("event_name"),
        int("count"),
        int("first_at"),
        int("last_at"),
        int("updated_at"),
    ],
    links: &[],
};

pub const CUSTOM_OBJECT_TYPES: Table = Table {
    name: "custom_object_types",
    id_style: IdStyle::Serial,
    columns: &[text("identifier"), text("name"), int("created_at")],
    links: &[],
};

pub const CUSTOM_OBJECT_INSTANCES: Table = Table {
    name: "custom_object_instances",
    id_style: IdStyle::Serial,
    columns: &[
        text("type_identifier"),
        text("external_id"),
        int("external_created_at"),
        int("external_updated_at"),
        json("custom_attributes"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[
        (CONTACT_CUSTOM_OBJECT, Side::Right),
        (CONVERSATION_CUSTOM_OBJECT, Side::Right),
    ],
};

/// Open company scrolls (`GET /companies/scroll`), at most one per workspace; the id is the
/// `scroll_param`, `position` the `seq` of the last company returned.
pub const COMPANY_SCROLLS: Table = Table {
    name: "company_scrolls",
    id_style: IdStyle::Object,
    columns: &[int("position"), int("last_used_at"), int("created_at")],
    links: &[],
};

/// Conversations; the opening message (`source`) is part of the row.
pub const CONVERSATIONS: Table = Table {
    name: "conversations",
    id_style: IdStyle::Serial,
    columns: &[
        text("title"),
        text("state"),
        flag("read"),
        text("priority"),
        int("admin_assignee_id"),
        int("team_assignee_id"),
        int("snoozed_until"),
        int("waiting_since"),
        int("created_at"),
        int("updated_at"),
        text("source_id"),
        text("source_type"),
        text("delivered_as"),
        text("subject"),
        text("body"),
        text("author_type"),
        text("author_id"),
        flag("source_redacted"),
        json("source_attachments"),
        json("custom_attributes"),
        text("company_id"),
        int("ticket_type_id"),
        int("ticket_number"),
        int("ticket_state_id"),
        json("ticket_attributes"),
        flag("is_shared"),
        // An admin's message whose contact has not replied yet: hidden from every reader but
        // the contact's reply (decision 0022).
        flag("awaiting_reply"),
        text("message_template"),
    ],
    links: &[
        (CONVERSATION_CONTACT, Side::Left),
        (CONVERSATION_TAG, Side::Left),
        (CONVERSATION_LINK, Side::Left),
        (CONVERSATION_LINK, Side::Right),
        (CONVERSATION_CUSTOM_OBJECT, Side::Left),
    ],
};

/// The parts of conversations, in order of `seq`.
pub const CONVERSATION_PARTS: Table = Table {
    name: "conversation_parts",
    id_style: IdStyle::Serial,
    columns: &[
        text("conversation_id"),
        text("part_type"),
        text("body"),
        text("author_type"),
        text("author_id"),
        text("assigned_type"),
        text("assigned_id"),
        json("attachments"),
        flag("redacted"),
        text("external_id"),
        int("created_at"),
        int("updated_at"),
        int("notified_at"),
        text("ticket_state"),
        text("previous_ticket_state"),
        json("metadata"),
    ],
    links: &[],
};

/// Ticket types; `name_key` is the lowercased name, unique per workspace.
pub const TICKET_TYPES: Table = Table {
    name: "ticket_types",
    id_style: IdStyle::Serial,
    columns: &[
        text("name"),
        text("name_key"),
        text("description"),
        text("category"),
        text("icon"),
        flag("is_internal"),
        flag("archived"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[],
};

/// The attributes of a ticket type: `position` is the attribute's `order`, `is_default` its
/// `default`.
pub const TICKET_TYPE_ATTRIBUTES: Table = Table {
    name: "ticket_type_attributes",
    id_style: IdStyle::Serial,
    columns: &[
        int("ticket_type_id"),
        text("name"),
        text("description"),
        text("data_type"),
        json("input_options"),
        int("position"),
        flag("required_to_create"),
        flag("required_to_create_for_contacts"),
        flag("visible_on_create"),
        flag("visible_to_contacts"),
        flag("is_default"),
        flag("archived"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[],
};

/// The workspace's ticket states; every ticket type can use every state that is not archived.
pub const TICKET_STATES: Table = Table {
    name: "ticket_states",
    id_style: IdStyle::Serial,
    columns: &[
        text("category"),
        text("internal_label"),
        text("external_label"),
        flag("archived"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[],
};

/// Asynchronous work: `request` is what was asked, `resource_id` what it made.
pub const JOBS: Table = Table {
    name: "jobs",
    id_style: IdStyle::Serial,
    columns: &[
        text("kind"),
        text("status"),
        json("request"),
        text("resource_type"),
        text("resource_id"),
        int("created_at"),
        int("updated_at"),
    ],
    links: &[],
};

/// Every record table, for the test that compares them with the database.
pub const ALL: &[Table] = &[
    CONTACTS,
    COMPANIES,
    TAGS,
    NOTES,
    SEGMENTS,
    SUBSCRIPTION_TYPES,
    DATA_ATTRIBUTES,
    DATA_EVENTS,
    DATA_EVENT_SUMMARIES,
    CUSTOM_OBJECT_TYPES,
    CUSTOM_OBJECT_INSTANCES,
    COMPANY_SCROLLS,
    CONVERSATIONS,
    CONVERSATION_PARTS,
    TICKET_TYPES,
    TICKET_TYPE_ATTRIBUTES,
    TICKET_STATES,
    JOBS,
];

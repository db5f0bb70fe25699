//! The API test suite: every test drives a fresh server through HTTP the way clients do, and
//! every response is checked against the spec of the version asked for.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails by panicking, with the failing value"
)]

mod admins;
mod auth;
mod companies;
mod company_lists;
mod company_segments;
mod contacts;
mod contacts_search;
mod contacts_search_counts;
mod contacts_search_indexes;
mod conversation_routing;
mod conversations;
mod conversations_search_computed;
mod coverage;
mod custom_objects;
mod data_attributes;
mod data_events;
mod errors;
mod messages;
mod search_time_limit;
mod segments;
mod storage;
mod tags_notes;
mod teams;
mod tickets;
mod tickets_search;
mod versions;
mod visitors;

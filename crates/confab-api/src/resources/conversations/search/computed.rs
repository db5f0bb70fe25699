//! Search fields a conversation row does not store but the database computes from it: `open`,
//! the teammates who wrote parts, and the `statistics.*` Intercom reports — each the same
//! rule as `confab_domain::models::conversation::statistics` applies when rendering, written
//! as a correlated subquery on `conversation_parts` (served by the index on
//! `(workspace_id, conversation_id, seq)`) so a search never loads rows to filter them.
//!
//! `median_time_to_reply` is left out: a median has no portable SQL aggregate
//! (decision 0028).

use confab_domain::search::FieldType;
use confab_store::search::Target;

use crate::search::FieldSpec;

/// The alias of the related table, as a literal for `concat!` (it is
/// `confab_store::search::RELATED`; a test checks they agree).
macro_rules! related {
    () => {
        "search_related"
    };
}

/// `open`: every state but `closed` (snoozed conversations are open), as rendered.
pub const OPEN: Target =
    Target::Computed("CASE WHEN conversations.state = 'closed' THEN 0 ELSE 1 END");

/// `teammate_ids`: the admins who wrote a part, as rendered in `teammates` (authors of type
/// `admin` or `team`, the kinds `AuthorKind::Admin` covers).
pub const TEAMMATES: Target = Target::Related {
    table: "conversation_parts",
    owner: "conversation_id",
    value: "author_id",
    only: concat!(related!(), ".author_type IN ('admin', 'team')"),
};

/// A subquery over the searched conversation's parts (alias `search_part`), selecting
/// `$select` from the parts that also pass `$only`.
macro_rules! parts {
    ($select:expr, $only:expr) => {
        concat!(
            "SELECT ",
            $select,
            " FROM conversation_parts search_part",
            " WHERE search_part.workspace_id = conversations.workspace_id",
            " AND search_part.conversation_id = conversations.id",
            $only
        )
    };
}

macro_rules! of_type {
    ($part_type:literal) => {
        concat!(" AND search_part.part_type = '", $part_type, "'")
    };
}

/// A reply (comment or quick reply) by an admin, or by a contact (any author that is not an
/// admin, team or bot).
macro_rules! admin_reply {
    () => {
        " AND search_part.part_type IN ('comment', 'quick_reply') \
         AND search_part.author_type IN ('admin', 'team')"
    };
}
macro_rules! contact_reply {
    () => {
        " AND search_part.part_type IN ('comment', 'quick_reply') \
         AND search_part.author_type NOT IN ('admin', 'team', 'bot')"
    };
}

/// Whether a contact opened the conversation (its opening message counts as their reply).
macro_rules! contact_started {
    () => {
        "conversations.author_type NOT IN ('admin', 'team', 'bot')"
    };
}

macro_rules! first_contact_reply_at {
    () => {
        concat!(
            "CASE WHEN ",
            contact_started!(),
            " THEN conversations.created_at ELSE (",
            parts!("MIN(search_part.created_at)", contact_reply!()),
            ") END"
        )
    };
}

/// The parts after the last assignment (none when there was no assignment).
macro_rules! after_last_assignment {
    () => {
        " AND search_part.seq > (SELECT MAX(search_prior.seq) \
         FROM conversation_parts search_prior \
         WHERE search_prior.workspace_id = search_part.workspace_id \
         AND search_prior.conversation_id = search_part.conversation_id \
         AND search_prior.part_type = 'assignment')"
    };
}

/// An `open` part that reopened: the last close or open part before it is a close.
macro_rules! reopening {
    () => {
        " AND search_part.part_type = 'open' AND (SELECT search_prior.part_type \
         FROM conversation_parts search_prior \
         WHERE search_prior.workspace_id = search_part.workspace_id \
         AND search_prior.conversation_id = search_part.conversation_id \
         AND search_prior.seq < search_part.seq \
         AND search_prior.part_type IN ('close', 'open') \
         ORDER BY search_prior.seq DESC LIMIT 1) = 'close'"
    };
}

const fn computed(name: &'static str, ty: FieldType, sql: &'static str) -> FieldSpec {
    (name, ty, Target::Computed(sql))
}

/// The `statistics.*` fields. Times compare to the second, as the conversation's other
/// times do.
pub const STATISTICS: [FieldSpec; 17] = [
    computed(
        "statistics.count_conversation_parts",
        FieldType::Integer,
        parts!("COUNT(*)", ""),
    ),
    computed(
        "statistics.count_assignments",
        FieldType::Integer,
        parts!("COUNT(*)", of_type!("assignment")),
    ),
    computed(
        "statistics.count_reopens",
        FieldType::Integer,
        parts!("COUNT(*)", reopening!()),
    ),
    computed(
        "statistics.first_assignment_at",
        FieldType::Timestamp,
        parts!("MIN(search_part.created_at)", of_type!("assignment")),
    ),
    computed(
        "statistics.last_assignment_at",
        FieldType::Timestamp,
        parts!("MAX(search_part.created_at)", of_type!("assignment")),
    ),
    computed(
        "statistics.time_to_assignment",
        FieldType::Integer,
        parts!(
            "MIN(search_part.created_at) - conversations.created_at",
            of_type!("assignment")
        ),
    ),
    computed(
        "statistics.first_close_at",
        FieldType::Timestamp,
        parts!("MIN(search_part.created_at)", of_type!("close")),
    ),
    computed(
        "statistics.last_close_at",
        FieldType::Timestamp,
        parts!("MAX(search_part.created_at)", of_type!("close")),
    ),
    computed(
        "statistics.time_to_first_close",
        FieldType::Integer,
        parts!(
            "MIN(search_part.created_at) - conversations.created_at",
            of_type!("close")
        ),
    ),
    computed(
        "statistics.time_to_last_close",
        FieldType::Integer,
        parts!(
            "MAX(search_part.created_at) - conversations.created_at",
            of_type!("close")
        ),
    ),
    computed(
        "statistics.last_closed_by_id",
        FieldType::Id,
        parts!(
            "search_part.author_id",
            concat!(of_type!("close"), " ORDER BY search_part.seq DESC LIMIT 1")
        ),
    ),
    computed(
        "statistics.first_admin_reply_at",
        FieldType::Timestamp,
        parts!("MIN(search_part.created_at)", admin_reply!()),
    ),
    computed(
        "statistics.last_admin_reply_at",
        FieldType::Timestamp,
        parts!("MAX(search_part.created_at)", admin_reply!()),
    ),
    computed(
        "statistics.last_assignment_admin_reply_at",
        FieldType::Timestamp,
        parts!(
            "MIN(search_part.created_at)",
            concat!(admin_reply!(), after_last_assignment!())
        ),
    ),
    computed(
        "statistics.first_contact_reply_at",
        FieldType::Timestamp,
        first_contact_reply_at!(),
    ),
    computed(
        "statistics.last_contact_reply_at",
        FieldType::Timestamp,
        concat!(
            "COALESCE((",
            parts!("MAX(search_part.created_at)", contact_reply!()),
            "), CASE WHEN ",
            contact_started!(),
            " THEN conversations.created_at END)"
        ),
    ),
    // The first admin reply counts only if it came after the first contact message.
    computed(
        "statistics.time_to_admin_reply",
        FieldType::Integer,
        parts!(
            concat!(
                "CASE WHEN MIN(search_part.created_at) >= (",
                first_contact_reply_at!(),
                ") THEN MIN(search_part.created_at) - (",
                first_contact_reply_at!(),
                ") END"
            ),
            admin_reply!()
        ),
    ),
];

#[cfg(test)]
mod tests {
    use confab_store::search::RELATED;

    #[test]
    fn the_related_alias_is_the_stores() {
        assert_eq!(related!(), RELATED);
    }
}

//! `linked_objects`: the conversations and tickets linked to a conversation or ticket, seen
//! from either end of the link, each with its ticket category (none for a conversation).

use std::collections::HashMap;

use confab_domain::record::relation::CONVERSATION_LINK;
use confab_domain::record::{id_of, int_of, text_of, Side};
use confab_domain::tables::{CONVERSATIONS, TICKET_TYPES};
use confab_store::links::Link;
use confab_store::{Conn, Scope};
use serde_json::{json, Value};

use crate::error::ApiResult;

/// Intercom shows at most this many linked objects.
const MAX_LINKED: usize = 1000;

/// One linked conversation or ticket.
struct LinkedObject {
    id: String,
    /// The ticket type's category; `None` for a conversation.
    category: Option<String>,
}

/// The linked objects of a page of conversations or tickets, by their id.
#[derive(Default)]
pub(crate) struct Linked(HashMap<String, Vec<LinkedObject>>);

impl Linked {
    /// The objects linked to `ids`, given the links `ids` hold on the left (read with the
    /// other relations the render needs); the links naming them on the right are read here.
    pub(crate) async fn load<C: Conn>(
        scope: &mut Scope<C>,
        ids: &[String],
        held: HashMap<String, Vec<Link>>,
    ) -> ApiResult<Self> {
        let mut pairs: Vec<(String, String)> = held
            .into_values()
            .flatten()
            .map(|link| (link.left_id, link.right_id))
            .collect();
        for link in scope
            .links_of(CONVERSATION_LINK, Side::Right, ids)
            .await?
            .into_values()
            .flatten()
        {
            pairs.push((link.right_id, link.left_id));
        }
        if pairs.is_empty() {
            return Ok(Self::default());
        }
        let mut other_ids: Vec<String> = pairs.iter().map(|(_, other)| other.clone()).collect();
        other_ids.sort_unstable();
        other_ids.dedup();
        let others = scope.records_by_ids(&CONVERSATIONS, &other_ids).await?;
        let mut type_ids: Vec<String> = others
            .iter()
            .filter_map(|r| int_of(r, "ticket_type_id").map(|t| t.to_string()))
            .collect();
        type_ids.sort_unstable();
        type_ids.dedup();
        let categories: HashMap<String, String> = scope
            .records_by_ids(&TICKET_TYPES, &type_ids)
            .await?
            .into_iter()
            .map(|t| {
                (
                    id_of(&t).to_owned(),
                    text_of(&t, "category").unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let category_of: HashMap<String, Option<String>> = others
            .iter()
            .map(|r| {
                let category = int_of(r, "ticket_type_id")
                    .and_then(|t| categories.get(&t.to_string()).cloned());
                (id_of(r).to_owned(), category)
            })
            .collect();
        let mut by_owner: HashMap<String, Vec<LinkedObject>> = HashMap::new();
        for (owner, other) in pairs {
            // A link to something deleted since is not shown.
            if let Some(category) = category_of.get(&other) {
                by_owner.entry(owner).or_default().push(LinkedObject {
                    id: other,
                    category: category.clone(),
                });
            }
        }
        Ok(Self(by_owner))
    }

    /// The `linked_object_list` of one conversation or ticket.
    pub(crate) fn render(&self, id: &str) -> Value {
        let all = self.0.get(id).map(Vec::as_slice).unwrap_or_default();
        let data: Vec<Value> = all
            .iter()
            .take(MAX_LINKED)
            .map(|o| {
                json!({
                    "type": if o.category.is_some() { "ticket" } else { "conversation" },
                    "id": o.id,
                    "category": o.category,
                })
            })
            .collect();
        json!({
            "type": "list",
            "data": data,
            "total_count": all.len(),
            "has_more": all.len() > MAX_LINKED,
        })
    }
}

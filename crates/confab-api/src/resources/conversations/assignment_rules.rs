//! `POST /conversations/{id}/run_assignment_rules` (2.11 only). Confab keeps no assignment
//! rules, so running them applies what Intercom applies when no rule matches: the default
//! assignment, to nobody (decision 0023).

use axum::extract::State;
use confab_domain::models::conversation::part_type;
use confab_domain::record::Record;
use serde_json::Value;

use super::actions::{append, NewPart};
use super::find_conversation;
use crate::error::ApiResult;
use crate::extract::Path;
use crate::gate::Ctx;
use crate::render::Rendered;
use crate::state::AppState;

/// Appends the bot's `default_assignment` part (assigned to `nobody_admin`) and clears the
/// admin assignee; the team assignee stays, as team and admin assignment are independent.
pub(super) async fn run(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let conversation = find_conversation(&mut scope, &id).await?;
    let mut changes = Record::new();
    changes.insert("admin_assignee_id".into(), Value::Null);
    let part = NewPart {
        part_type: part_type::DEFAULT_ASSIGNMENT,
        body: None,
        author_type: "bot",
        author_id: "0".to_owned(),
        assigned: Some(("nobody_admin", None)),
        ticket_state: None,
        attachments: Vec::new(),
        metadata: Value::Null,
    };
    append(scope, &ctx, &conversation, part, changes).await
}

//! A conversation's participants: `POST /conversations/{id}/customers` adds a contact (named
//! by `intercom_user_id`, `user_id` or `email`; an unknown email becomes a new lead) and
//! `DELETE /conversations/{id}/customers/{contact_id}` removes one — never the last. Each
//! appends a `participant_added` / `participant_removed` part by the admin.

use axum::extract::State;
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{id_of, Record, Side};
use confab_domain::tables::CONTACTS;
use confab_domain::ErrorCode;
use serde_json::{json, Map, Value};

use super::actions::{admin_author, append, contact_author, NewPart};
use super::find_conversation;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::input::{is_email, object_field};
use crate::render::Rendered;
use crate::resources::contacts::find_contact;
use crate::state::AppState;

/// The contact `customer` names; an email nobody has becomes a new lead, as Intercom does.
pub(crate) async fn customer(
    scope: &mut confab_store::WriteScope,
    customer: &Map<String, Value>,
    now: i64,
) -> ApiResult<Record> {
    match contact_author(scope, customer).await {
        Err(err) if err.0.code == ErrorCode::NotFound => {
            let Some(email) = customer.get("email").and_then(Value::as_str) else {
                return Err(err);
            };
            if !is_email(email) {
                return Err(ApiError::with_message(
                    ErrorCode::ParameterInvalid,
                    "customer.email is not a valid email address",
                )
                .field("customer.email"));
            }
            let domain = email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
            let lead = json!({
                "role": "lead", "email": email, "email_domain": domain,
                "created_at": now, "updated_at": now,
            });
            let Value::Object(lead) = lead else {
                return Err(ApiError::new(ErrorCode::ServerError));
            };
            Ok(scope.insert_record(&CONTACTS, &lead, now).await?)
        }
        other => other,
    }
}

pub(super) async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let admin = admin_author(&mut scope, &body).await?;
    let named = object_field(&body, "customer")?.ok_or_else(|| {
        ApiError::with_message(ErrorCode::ParameterNotFound, "customer is required")
            .field("customer")
    })?;
    let conversation = find_conversation(&mut scope, &id).await?;
    let contact = customer(&mut scope, named, now).await?;
    scope
        .put_link(
            CONVERSATION_CONTACT,
            id_of(&conversation),
            id_of(&contact),
            &Value::Null,
            now,
        )
        .await?;
    let part = NewPart {
        part_type: "participant_added",
        body: None,
        author_type: "admin",
        author_id: admin.to_string(),
        assigned: None,
        ticket_state: None,
        attachments: Vec::new(),
        metadata: Value::Null,
    };
    append(scope, &ctx, &conversation, part, Record::new()).await
}

pub(super) async fn detach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, contact_id)): Path<(String, String)>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let admin = admin_author(&mut scope, &body).await?;
    let conversation = find_conversation(&mut scope, &id).await?;
    let contact = find_contact(&mut scope, &contact_id).await?;
    let participants = scope
        .count_links(CONVERSATION_CONTACT, Side::Left, id_of(&conversation))
        .await?;
    let linked = scope
        .link(CONVERSATION_CONTACT, id_of(&conversation), id_of(&contact))
        .await?
        .is_some();
    if linked && participants <= 1 {
        return Err(ApiError::with_message(
            ErrorCode::ParameterUnprocessable,
            "Removing the last customer is not allowed",
        ));
    }
    scope
        .remove_link(CONVERSATION_CONTACT, id_of(&conversation), id_of(&contact))
        .await?;
    let part = NewPart {
        part_type: "participant_removed",
        body: None,
        author_type: "admin",
        author_id: admin.to_string(),
        assigned: None,
        ticket_state: None,
        attachments: Vec::new(),
        metadata: Value::Null,
    };
    append(scope, &ctx, &conversation, part, Record::new()).await
}

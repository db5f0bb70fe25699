//! `POST /tags`, which is five operations told apart by the body: create `{name}`, rename
//! `{id, name}`, tag or untag companies `{name, companies: [{id | company_id, untag?}]}`,
//! and tag (or untag) contacts `{name, users: [{id, untag?}]}`. A missing tag is created
//! when something is tagged with it. The whole request happens or none of it does.

use axum::extract::State;
use confab_domain::record::relation::{COMPANY_TAG, CONTACT_TAG};
use confab_domain::record::{id_of, Record};
use confab_domain::tables::{COMPANIES, TAGS};
use confab_domain::ErrorCode;
use confab_store::records::Filter;
use confab_store::tags::tag_name_key;
use confab_store::WriteScope;
use serde_json::{json, Map, Value};

use super::{applied_meta, render_tag_basic, tag_or_404};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::Ctx;
use crate::resources::contacts::find_contact;
use crate::resources::subjects::resource_not_found;
use crate::state::AppState;

/// The longest tag name accepted.
const NAME_MAX: usize = 255;

/// Intercom's one answer to a `POST /tags` body it cannot read.
fn invalid(field: &str) -> ApiError {
    ApiError::with_message(ErrorCode::ParameterInvalid, "invalid tag parameters").field(field)
}

fn name_of(body: &Map<String, Value>) -> ApiResult<&str> {
    match body.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= NAME_MAX => Ok(s),
        _ => Err(invalid("name")),
    }
}

/// One entry of `companies` or `users`: the id it names (under `id`, or for companies also
/// `company_id`) and whether it is an untagging.
struct Target<'a> {
    key: &'static str,
    value: &'a str,
    untag: bool,
}

fn targets<'a>(list: &'a Value, field: &str, keys: &[&'static str]) -> ApiResult<Vec<Target<'a>>> {
    let items = list.as_array().ok_or_else(|| invalid(field))?;
    items
        .iter()
        .map(|item| {
            let item = item.as_object().ok_or_else(|| invalid(field))?;
            let (key, value) = keys
                .iter()
                .find_map(|k| item.get(*k).and_then(Value::as_str).map(|v| (*k, v)))
                .ok_or_else(|| invalid(field))?;
            let untag = match item.get("untag") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(invalid(field)),
            };
            Ok(Target { key, value, untag })
        })
        .collect()
}

pub(super) async fn create_or_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let name = name_of(&body)?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let (tag, applied) = if let Some(companies) = body.get("companies") {
        let targets = targets(companies, "companies", &["id", "company_id"])?;
        apply(&mut scope, &ctx, name, &targets, Subject::Company).await?
    } else if let Some(users) = body.get("users") {
        let targets = targets(users, "users", &["id"])?;
        apply(&mut scope, &ctx, name, &targets, Subject::Contact).await?
    } else if let Some(id) = body.get("id") {
        (rename(&mut scope, id, name).await?, None)
    } else {
        let admin = Some(ctx.principal.admin_id);
        (scope.tag_for_name(name, admin, ctx.now()).await?.0, None)
    };
    scope.commit().await?;
    Ok(axum::Json(render_tag_basic(
        &tag,
        applied.as_ref(),
        ctx.version,
    )))
}

/// `{id, name}`: the tag gets the new name, unless another tag already has it.
async fn rename(scope: &mut WriteScope, id: &Value, name: &str) -> ApiResult<Record> {
    let id = match id {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) if n.is_u64() => n.to_string(),
        _ => return Err(invalid("id")),
    };
    let tag = tag_or_404(scope, &id).await?;
    if let Some(other) = scope.tag_named(name).await? {
        if id_of(&other) != id_of(&tag) {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "a tag with this name already exists",
            )
            .field("name"));
        }
    }
    let values = json!({ "name": name.trim(), "name_key": tag_name_key(name) });
    let values = values.as_object().cloned().unwrap_or_default();
    scope.update_record(&TAGS, id_of(&tag), &values).await?;
    tag_or_404(scope, id_of(&tag)).await
}

#[derive(Clone, Copy)]
enum Subject {
    Company,
    Contact,
}

/// Tags or untags each target. The tag is created when something is tagged with it; a
/// request that only untags needs it to exist. Answers the tag and, when something was
/// tagged, the link of the last target tagged (who applied the tag and when).
async fn apply(
    scope: &mut WriteScope,
    ctx: &Ctx,
    name: &str,
    targets: &[Target<'_>],
    subject: Subject,
) -> ApiResult<(Record, Option<confab_store::links::Link>)> {
    let now = ctx.now();
    let tag = if targets.iter().any(|t| !t.untag) {
        scope
            .tag_for_name(name, Some(ctx.principal.admin_id), now)
            .await?
            .0
    } else {
        scope
            .tag_named(name)
            .await?
            .ok_or_else(resource_not_found)?
    };
    let relation = match subject {
        Subject::Company => COMPANY_TAG,
        Subject::Contact => CONTACT_TAG,
    };
    let meta = applied_meta(ctx.principal.admin_id);
    let mut applied = None;
    for target in targets {
        let owner = match subject {
            Subject::Contact => find_contact(scope, target.value).await?,
            Subject::Company => company(scope, target).await?,
        };
        let (owner, tag_id) = (id_of(&owner), id_of(&tag));
        if target.untag {
            scope.remove_link(relation, owner, tag_id).await?;
        } else {
            if scope.link(relation, owner, tag_id).await?.is_none() {
                scope.put_link(relation, owner, tag_id, &meta, now).await?;
            }
            applied = scope.link(relation, owner, tag_id).await?;
        }
    }
    Ok((tag, applied))
}

/// The company an entry names by Intercom `id` or by the workspace's own `company_id`.
async fn company(scope: &mut WriteScope, target: &Target<'_>) -> ApiResult<Record> {
    let filter = match target.key {
        "company_id" => Filter::Eq("company_id", Value::from(target.value)),
        _ => Filter::Eq("id", Value::from(target.value)),
    };
    scope
        .record_where(&COMPANIES, &[filter])
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::CompanyNotFound))
}

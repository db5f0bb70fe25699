//! Admins: `GET /me`, `GET /admins`, `GET /admins/{id}`, `PUT /admins/{id}/away`,
//! `GET /admins/activity_logs`.

use axum::routing::{get, put};
use axum::Router;
use confab_domain::models::{ActivityLog, ActivityType, Admin, AwayUpdate, NewActivity, Workspace};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::activity_logs::ActivityWindow;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::Ctx;
use crate::paging::{cursor_pages, cursor_request, PageSize};
use crate::render::{before, versioned, Change};
use crate::resources::numeric_id;
use crate::state::AppState;
use axum::extract::State;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/admins", get(list))
        .route("/admins/activity_logs", get(activity_logs))
        .route("/admins/{id}", get(retrieve))
        .route("/admins/{id}/away", put(set_away))
}

const ADMIN_CHANGES: &[Change] = &[
    Change {
        versions: before(ApiVersion::V2_14),
        apply: |admin| {
            admin.remove("away_status_reason_id");
        },
    },
    Change {
        // 2.11 renders the avatar as an object; later versions as the URL itself.
        versions: before(ApiVersion::V2_13),
        apply: |admin| {
            if let Some(avatar) = admin.get_mut("avatar") {
                if let Value::String(url) = avatar {
                    *avatar = json!({ "image_url": url });
                }
            }
        },
    },
];

fn canonical_admin(admin: &Admin) -> Map<String, Value> {
    let value = json!({
        "type": "admin",
        "id": admin.id.to_string(),
        "name": admin.name,
        "email": admin.email,
        "job_title": admin.job_title.clone().unwrap_or_default(),
        "away_mode_enabled": admin.away_mode_enabled,
        "away_mode_reassign": admin.away_mode_reassign,
        "away_status_reason_id": admin.away_status_reason_id,
        "has_inbox_seat": admin.has_inbox_seat,
        "team_ids": admin.team_ids,
        "avatar": admin.avatar_url,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// An admin as `GET /admins/{id}` renders it in `version`.
pub fn render_admin(admin: &Admin, version: ApiVersion) -> Value {
    versioned(
        Value::Object(canonical_admin(admin)),
        version,
        ADMIN_CHANGES,
    )
}

fn render_app(workspace: &Workspace) -> Value {
    json!({
        "type": "app",
        "id_code": workspace.id.as_str(),
        "name": workspace.name,
        "created_at": workspace.created_at,
        "secure": workspace.secure,
        "identity_verification": workspace.identity_verification,
        "timezone": workspace.timezone,
        "region": workspace.region,
    })
}

/// `GET /me`: the token's admin with the `app` object. Its avatar stays an object in every
/// version, and it has no away status reason.
async fn me(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let admin = scope
        .admin(ctx.principal.admin_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
    let mut body = canonical_admin(&admin);
    body.remove("away_status_reason_id");
    body.insert(
        "avatar".into(),
        json!({ "type": "avatar", "image_url": admin.avatar_url }),
    );
    body.insert("email_verified".into(), json!(admin.email_verified));
    body.insert("app".into(), render_app(ctx.workspace()));
    Ok(axum::Json(Value::Object(body)))
}

#[derive(Debug, Deserialize)]
struct ListParams {
    display_avatar: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<Value>> {
    // Unstable dropped the parameter and always shows avatars.
    let display_avatar = ctx.version == ApiVersion::Unstable
        || match params.display_avatar.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(ApiError::with_message(
                    ErrorCode::ParameterInvalid,
                    "display_avatar must be true or false",
                )
                .field("display_avatar"))
            }
        };
    let admins = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .admins()
        .await?;
    let admins: Vec<Value> = admins
        .iter()
        .map(|admin| {
            let mut rendered = render_admin(admin, ctx.version);
            if let (false, Some(obj)) = (display_avatar, rendered.as_object_mut()) {
                obj.remove("avatar");
            }
            rendered
        })
        .collect();
    Ok(axum::Json(
        json!({ "type": "admin.list", "admins": admins }),
    ))
}

fn admin_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::AdminNotFound, "Admin for admin_id not found")
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let id = numeric_id(&id, admin_not_found)?;
    let admin = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .admin(id)
        .await?
        .ok_or_else(admin_not_found)?;
    Ok(axum::Json(render_admin(&admin, ctx.version)))
}

#[derive(Debug, Deserialize)]
struct AwayRequest {
    away_mode_enabled: bool,
    away_mode_reassign: bool,
    #[serde(default)]
    away_status_reason_id: Option<i64>,
}

async fn set_away(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<AwayRequest>,
) -> ApiResult<axum::Json<Value>> {
    let id = numeric_id(&id, admin_not_found)?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let target = scope.admin(id).await?.ok_or_else(admin_not_found)?;
    // Away status reasons exist from 2.14; older versions never send or see them.
    let reasons_apply = ctx.version >= ApiVersion::V2_14;
    let reason = match body
        .away_status_reason_id
        .filter(|_| reasons_apply && body.away_mode_enabled)
    {
        Some(reason_id) => {
            let reason = scope.away_status_reason(reason_id).await?.ok_or_else(|| {
                ApiError::with_message(ErrorCode::ParameterInvalid, "Away status reason not found")
                    .field("away_status_reason_id")
            })?;
            if reason.deleted {
                return Err(ApiError::with_message(
                    ErrorCode::ParameterInvalid,
                    "Away status reason is deleted",
                )
                .field("away_status_reason_id"));
            }
            Some(reason)
        }
        None if reasons_apply && body.away_mode_enabled && ctx.workspace().away_reason_required => {
            return Err(
                ApiError::new(ErrorCode::AwayStatusReasonMandatory).field("away_status_reason_id")
            );
        }
        None => None,
    };
    let update = AwayUpdate {
        away_mode_enabled: body.away_mode_enabled,
        away_mode_reassign: body.away_mode_reassign,
        away_status_reason_id: reason.as_ref().map(|r| r.id),
    };
    scope.set_away(id, update).await?;
    let performer = if ctx.principal.admin_id == id {
        target.clone()
    } else {
        scope
            .admin(ctx.principal.admin_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?
    };
    let state_word = if body.away_mode_enabled {
        "away"
    } else {
        "back"
    };
    scope
        .log_activity(
            &NewActivity {
                admin_id: performer.id,
                ip: ctx.ip.clone(),
                activity_type: ActivityType::AdminAwayModeChange,
                description: format!("{} set {} as {state_word}.", performer.name, target.name),
                metadata: json!({
                    "away_mode": body.away_mode_enabled,
                    "away_status_reason": reason.as_ref().map(|r| format!("{} {}", r.emoji, r.label)),
                    "reassign_conversations": body.away_mode_reassign,
                    "source": "api",
                    "update_by": performer.id,
                    "update_by_name": performer.name,
                }),
            },
            now,
        )
        .await?;
    let updated = scope.admin(id).await?.ok_or_else(admin_not_found)?;
    scope.commit().await?;
    Ok(axum::Json(render_admin(&updated, ctx.version)))
}

#[derive(Debug, Deserialize)]
struct ActivityParams {
    created_at_after: Option<String>,
    created_at_before: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

fn timestamp_param(name: &str, raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse::<i64>().map_err(|_| {
        ApiError::with_message(
            ErrorCode::ParameterInvalid,
            format!("{name} must be a UNIX timestamp"),
        )
        .field(name)
    })
}

/// Activity logs are paged 20 to a page, newest first.
const ACTIVITY_PAGE: PageSize = PageSize {
    default: 20,
    max: 150,
};

fn render_activity(log: &ActivityLog) -> Value {
    let mut performed_by =
        json!({ "type": "admin", "id": log.admin_id.to_string(), "email": log.admin_email });
    if let (Some(ip), Some(obj)) = (&log.ip, performed_by.as_object_mut()) {
        obj.insert("ip".into(), json!(ip));
    }
    json!({
        "id": log.id,
        "performed_by": performed_by,
        "metadata": log.metadata,
        "created_at": log.created_at,
        "activity_type": log.activity_type,
        "activity_description": log.description,
    })
}

async fn activity_logs(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ActivityParams>,
) -> ApiResult<axum::Json<Value>> {
    let after = params.created_at_after.as_deref().ok_or_else(|| {
        ApiError::with_message(ErrorCode::ParameterNotFound, "created_at_after is required")
            .field("created_at_after")
    })?;
    let window = ActivityWindow {
        after: timestamp_param("created_at_after", after)?,
        before: params
            .created_at_before
            .as_deref()
            .map(|raw| timestamp_param("created_at_before", raw))
            .transpose()?,
    };
    let request = cursor_request(
        params.per_page.as_deref(),
        params.starting_after.as_deref(),
        ACTIVITY_PAGE,
    )?;
    let page = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .activity_logs(window, &request)
        .await?;
    Ok(axum::Json(json!({
        "type": "activity_log.list",
        "pages": cursor_pages(&page),
        "activity_logs": page.items.iter().map(render_activity).collect::<Vec<_>>(),
    })))
}

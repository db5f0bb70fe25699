//! Jobs: work a request asked for and a worker does (`POST /tickets/enqueue` creates a
//! ticket this way), reported by `GET /jobs/status/{id}` (2.14+). A job is stored before it is
//! answered, so a restart does not lose it: the server's ticker runs whatever is pending.

use confab_domain::models::WorkspaceId;
use confab_domain::record::{id_of, text_of, Record};
use confab_domain::tables::JOBS;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::{Store, StoreError, WriteScope};
use serde_json::{json, Map, Value};

use axum::extract::State;

use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::gate::Ctx;
use crate::state::AppState;

const PENDING: &str = "pending";
const SUCCESS: &str = "success";
const FAILED: &str = "failed";
const CREATE_TICKET: &str = "create_ticket";

/// Stores a pending job that creates the ticket `body` describes, as `version` reads it.
pub(super) async fn enqueue_ticket(
    scope: &mut WriteScope,
    version: ApiVersion,
    now: i64,
    body: Map<String, Value>,
) -> ApiResult<Record> {
    let job = json!({
        "kind": CREATE_TICKET, "status": PENDING,
        "request": {"version": version.as_str(), "body": body},
        "resource_type": "ticket", "resource_id": Value::Null,
        "created_at": now, "updated_at": now,
    });
    let Value::Object(job) = job else {
        return Err(ApiError::new(ErrorCode::ServerError));
    };
    Ok(scope.insert_record(&JOBS, &job, now).await?)
}

/// A job as `GET /jobs/status/{id}` shows it.
pub(super) fn render_job(job: &Record) -> Value {
    let id = id_of(job);
    let resource_id = job.get("resource_id").cloned().unwrap_or(Value::Null);
    let resource_url = resource_id
        .as_str()
        .map(|r| json!(format!("/tickets/{r}")))
        .unwrap_or(Value::Null);
    json!({
        "type": "job",
        "id": id,
        "url": format!("/jobs/status/{id}"),
        "status": job.get("status"),
        "resource_type": job.get("resource_type"),
        "resource_id": resource_id,
        "resource_url": resource_url,
    })
}

/// `GET /jobs/status/{id}`.
pub(super) async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let job = scope
        .record(&JOBS, &id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::JobNotFound))?;
    Ok(axum::Json(render_job(&job)))
}

/// Runs the pending jobs of every workspace in the background, now.
pub(super) fn run_soon(store: Store) {
    tokio::spawn(async move {
        if let Err(err) = run_all(&store).await {
            tracing::warn!(error = %err, "running jobs failed");
        }
    });
}

/// Runs every workspace's pending jobs, each by its workspace's clock; answers how many ran.
pub async fn run_all(store: &Store) -> Result<usize, StoreError> {
    let mut ran = 0;
    for workspace in store.workspaces().await? {
        ran += run_pending(store, &workspace.id, workspace.clock.now()).await?;
    }
    Ok(ran)
}

/// Runs one workspace's pending jobs, oldest first.
async fn run_pending(
    store: &Store,
    workspace: &WorkspaceId,
    now: i64,
) -> Result<usize, StoreError> {
    let pending = store
        .read(workspace)
        .await?
        .records(&JOBS, &[Filter::Eq("status", json!(PENDING))])
        .await?;
    let mut ran = 0;
    for job in pending {
        let id = id_of(&job).to_owned();
        let mut scope = store.write(workspace).await?;
        // Touching the job first makes a second runner (another process on PostgreSQL) wait
        // for this one, then see the job done.
        let mut touch = Map::new();
        touch.insert("updated_at".into(), json!(now));
        scope.update_record(&JOBS, &id, &touch).await?;
        let still_pending = scope
            .record(&JOBS, &id)
            .await?
            .is_some_and(|j| text_of(&j, "status") == Some(PENDING));
        if !still_pending {
            continue;
        }
        let outcome = match text_of(&job, "kind") {
            Some(CREATE_TICKET) => create_ticket_for(&mut scope, &job, now).await,
            _ => Err(ApiError::new(ErrorCode::ServerError)),
        };
        let mut done = Map::new();
        done.insert("updated_at".into(), json!(now));
        match outcome {
            Ok(resource_id) => {
                done.insert("status".into(), json!(SUCCESS));
                done.insert("resource_id".into(), json!(resource_id));
                scope.update_record(&JOBS, &id, &done).await?;
                scope.commit().await?;
            }
            Err(err) => {
                // Nothing the job wrote is kept; only its failure is.
                tracing::info!(job = %id, error = ?err.0, "job failed");
                scope.rollback().await?;
                let mut scope = store.write(workspace).await?;
                done.insert("status".into(), json!(FAILED));
                scope.update_record(&JOBS, &id, &done).await?;
                scope.commit().await?;
            }
        }
        ran += 1;
    }
    Ok(ran)
}

async fn create_ticket_for(scope: &mut WriteScope, job: &Record, now: i64) -> ApiResult<String> {
    let request = job.get("request").cloned().unwrap_or(Value::Null);
    let version = request
        .get("version")
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<ApiVersion>().ok())
        .unwrap_or(ApiVersion::V2_14);
    let body = request
        .get("body")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let ticket = super::create::create_ticket(scope, version, now, &body).await?;
    Ok(id_of(&ticket).to_owned())
}

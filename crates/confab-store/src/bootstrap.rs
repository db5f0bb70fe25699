//! First start and the demo dataset.
//!
//! An empty store gets one workspace that looks like a fresh Intercom workspace. The demo
//! dataset (`confab seed demo`, `serve --demo`) adds records for trying things out and for the
//! SDK tests; it is documented in `docs/demo-data.md` and is safe to apply twice.

use confab_domain::models::{segment, ActivityType, NewActivity, Workspace};
use confab_domain::record::{id_of, relation};
use confab_domain::tables::{COMPANIES, CONTACTS, SEGMENTS};
use serde_json::{json, Value};

use crate::admins::NewAdmin;
use crate::tenancy::NewWorkspace;
use crate::{Store, StoreError, WriteScope};

/// What the first start did.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// The default workspace: the oldest one.
    pub workspace: Workspace,
    /// A token generated because the store was empty and none was configured; shown once.
    pub generated_token: Option<String>,
}

/// Makes sure a default workspace exists, and that `token` (if given) is one of its tokens.
pub async fn ensure_default_workspace(
    store: &Store,
    token: Option<&str>,
    now: i64,
) -> Result<Bootstrap, StoreError> {
    let existing = store.workspaces().await?.into_iter().next();
    let (workspace, fresh) = match existing {
        Some(ws) => (ws, false),
        None => (
            store
                .create_workspace(&NewWorkspace::default(), now)
                .await?,
            true,
        ),
    };
    let generated_token = match token {
        Some(token) => {
            store.ensure_token(&workspace.id, token, now).await?;
            None
        }
        None if fresh => Some(store.create_token(&workspace.id, "default", now).await?.1),
        None => None,
    };
    Ok(Bootstrap {
        workspace,
        generated_token,
    })
}

/// The demo team's name; the seed is keyed on it so that applying it twice changes nothing.
pub const DEMO_TEAM: &str = "Support";

/// Adds the demo dataset to a workspace: a second admin with an inbox seat and a team of both
/// admins. Returns `false` if the workspace already had it.
pub async fn seed_demo(store: &Store, workspace: &Workspace, now: i64) -> Result<bool, StoreError> {
    let mut scope = store.write(&workspace.id).await?;
    if scope.team_by_name(DEMO_TEAM).await?.is_some() {
        return Ok(false);
    }
    let owner = scope
        .admins()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Corrupt("workspace has no owner".into()))?;
    let agent = match scope.admin_by_email("alex@example.com").await? {
        Some(id) => id,
        None => {
            scope
                .insert_admin(&NewAdmin {
                    name: "Alex Agent",
                    email: "alex@example.com",
                    job_title: Some("Support Engineer"),
                    has_inbox_seat: true,
                    created_at: now,
                })
                .await?
        }
    };
    let team = scope
        .insert_team(DEMO_TEAM, &[owner.id, agent], now)
        .await?;
    scope
        .log_activity(
            &NewActivity {
                admin_id: owner.id,
                ip: None,
                activity_type: ActivityType::AppTeamCreation,
                description: format!("{} created a new team, {DEMO_TEAM}.", owner.name),
                metadata: json!({ "team": { "id": team, "name": DEMO_TEAM } }),
            },
            now,
        )
        .await?;
    crate::tags::seed_demo_tags_notes_subscriptions(&mut scope, now).await?;
    crate::dataplane::seed_demo_dataplane(&mut scope, now).await?;
    crate::companies::seed_demo_companies(&mut scope, now).await?;
    let contacts = seed_demo_contacts(&mut scope, now).await?;
    let cast = crate::demo_inbox::Cast {
        owner: owner.id,
        agent,
        team,
        contacts: &contacts,
    };
    crate::demo_inbox::seed_demo_inbox(&mut scope, &cast, now).await?;
    scope.commit().await?;
    Ok(true)
}

/// Demo contacts: two users with external ids (Jane tagged VIP), a lead, a segment of the
/// VIPs and one of the companies on the Pro plan; answers the contacts' ids (Jane, Sam, Lee).
async fn seed_demo_contacts(scope: &mut WriteScope, now: i64) -> Result<Vec<String>, StoreError> {
    let contacts = [
        json!({"role": "user", "external_id": "user-1001", "email": "jane@example.com",
               "email_domain": "example.com", "name": "Jane Customer", "signed_up_at": now,
               "last_seen_at": now}),
        json!({"role": "user", "external_id": "user-1002", "email": "sam@example.com",
               "email_domain": "example.com", "name": "Sam Buyer", "signed_up_at": now}),
        json!({"role": "lead", "email": "lee@prospect.example", "email_domain": "prospect.example",
               "name": "Lee Prospect"}),
    ];
    let mut ids = Vec::new();
    for contact in contacts {
        if let Value::Object(mut record) = contact {
            record.insert("created_at".into(), json!(now));
            record.insert("updated_at".into(), json!(now));
            ids.push(id_of(&scope.insert_record(&CONTACTS, &record, now).await?).to_owned());
        }
    }
    // Jane and Sam work at Acme, so it shows in company lists.
    let acme = scope
        .record_where(
            &COMPANIES,
            &[crate::records::Filter::Eq("company_id", json!("acme"))],
        )
        .await?;
    let plan_pro = json!({"name": "Pro plan companies", "person_type": segment::COMPANIES,
        "query": {"field": "plan", "operator": "=", "value": "Pro"},
        "created_at": now, "updated_at": now});
    if let Value::Object(record) = plan_pro {
        scope.insert_record(&SEGMENTS, &record, now).await?;
    }
    if let Some(acme) = acme {
        for contact in ids.iter().take(2) {
            scope
                .put_link(
                    relation::CONTACT_COMPANY,
                    contact,
                    id_of(&acme),
                    &Value::Null,
                    now,
                )
                .await?;
        }
    }
    if let (Some(vip), Some(jane)) = (scope.tag_named("VIP").await?, ids.first()) {
        let vip_id = id_of(&vip).to_owned();
        scope
            .put_link(
                relation::CONTACT_TAG,
                jane,
                &vip_id,
                &json!({"admin_id": 1}),
                now,
            )
            .await?;
        let segment = json!({"name": "VIP users", "person_type": "user",
            "query": {"field": "tag_id", "operator": "=", "value": vip_id},
            "created_at": now, "updated_at": now});
        if let Value::Object(record) = segment {
            scope.insert_record(&SEGMENTS, &record, now).await?;
        }
    }
    Ok(ids)
}

//! `confab seed bench`: a deterministic contacts dataset for the search benchmark (issue 5).
//!
//! N contacts, each with the 10 custom attributes of [`ATTRIBUTES`] (declared as contact data
//! attributes), 1–3 of the [`TAGS`] tags and one company out of N/100. The same N and seed
//! give the same contacts, attribute values, tags and companies; only the generated object ids
//! differ between runs. Contacts are written in transactions of [`BATCH`], and the planner's
//! statistics are refreshed (`ANALYZE`) at the end.
//!
//! The values the search benchmark relies on:
//! - contact `i` has `email` `user{i:07}@…`, `external_id` `ext-{i:07}` (users only; every
//!   10th contact is a lead without one), and a name from [`FIRST`] × [`LAST`];
//! - `custom_attributes.cohort` is `i % (N / 10,000)`, so `cohort = 0` matches exactly 10,000
//!   contacts when N is a multiple of 10,000;
//! - `created_at` lies in the 3 years from [`EPOCH`], `last_seen_at` after it.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use confab_domain::models::{DataModel, DataType, Workspace};
use confab_domain::record::relation::{CONTACT_COMPANY, CONTACT_TAG};
use confab_domain::record::{id_of, Record};
use confab_domain::tables::{COMPANIES, CONTACTS, DATA_ATTRIBUTES, TAGS};
use confab_store::records::Filter;
use confab_store::Store;
use serde_json::{json, Value};

/// Contacts per transaction.
pub const BATCH: u64 = 5_000;
/// 2023-01-01T00:00:00Z: the earliest `created_at`.
pub const EPOCH: i64 = 1_672_531_200;
const THREE_YEARS: u64 = 3 * 365 * 86_400;
/// The number of tags.
pub const TAGS_COUNT: usize = 20;
/// First and last names; `name ~ "smi"` matches the `Smith`, `Smithers` and `Smits` rows.
pub const FIRST: [&str; 12] = [
    "Ada", "Bob", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kemal", "Lea",
];
pub const LAST: [&str; 16] = [
    "Smith", "Jones", "Garcia", "Nguyen", "Müller", "Rossi", "Smithers", "Kowalski", "Tanaka",
    "Okafor", "Silva", "Dubois", "Smits", "Larsen", "Haddad", "Novak",
];
const DOMAINS: [&str; 4] = ["example.com", "example.org", "mail.test", "corp.test"];

/// The custom attributes: name and data type.
pub const ATTRIBUTES: [(&str, &str); 10] = [
    ("plan", "string"),
    ("seats", "integer"),
    ("mrr", "float"),
    ("vip", "boolean"),
    ("region", "string"),
    ("signup_source", "string"),
    ("cohort", "integer"),
    ("nps", "integer"),
    ("trial_ends_at", "date"),
    ("industry", "string"),
];

/// splitmix64: small, fast and the same everywhere, so the dataset depends only on the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

fn object(value: Value) -> anyhow::Result<Record> {
    match value {
        Value::Object(record) => Ok(record),
        _ => bail!("not a JSON object"),
    }
}

/// What a seed wrote, and how long it took.
pub struct Seeded {
    pub contacts: u64,
    pub companies: u64,
    pub elapsed: Duration,
}

/// The custom attribute values of contact `i`.
fn custom_attributes(rng: &mut Rng, i: u64, cohorts: u64, created_at: i64) -> Value {
    let plan = match rng.below(10) {
        0..=5 => "free",
        6..=8 => "pro",
        _ => "enterprise",
    };
    json!({
        "plan": plan,
        "seats": 1 + rng.below(500),
        "mrr": (rng.below(1_000_000) as f64) / 100.0,
        "vip": rng.below(20) == 0,
        "region": rng.pick(&["eu", "us", "apac", "latam"]),
        "signup_source": rng.pick(&["organic", "ads", "referral", "partner"]),
        "cohort": i % cohorts,
        "nps": rng.below(11),
        "trial_ends_at": created_at + 14 * 86_400,
        "industry": rng.pick(&["saas", "retail", "finance", "health", "media", "education"]),
    })
}

/// Declares the attributes and makes the tags and companies; returns their ids.
async fn prepare(
    store: &Store,
    workspace: &Workspace,
    companies: u64,
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let mut scope = store.write(&workspace.id).await?;
    if scope
        .record_where(
            &CONTACTS,
            &[Filter::Eq("external_id", Value::from("ext-0000000"))],
        )
        .await?
        .is_some()
    {
        bail!("workspace {} already has the bench dataset", workspace.id);
    }
    for (name, data_type) in ATTRIBUTES {
        let exists = scope
            .record_where(
                &DATA_ATTRIBUTES,
                &[
                    Filter::Eq("model", Value::from("contact")),
                    Filter::Eq("name", Value::from(name)),
                ],
            )
            .await?
            .is_some();
        if !exists {
            let record = object(json!({
                "model": "contact", "name": name, "label": name, "data_type": data_type,
                "created_at": EPOCH, "updated_at": EPOCH,
            }))?;
            scope
                .insert_record(&DATA_ATTRIBUTES, &record, EPOCH)
                .await?;
        }
    }
    let mut tags = Vec::new();
    for t in 0..TAGS_COUNT {
        let name = format!("bench-tag-{t:02}");
        let record = object(json!({"name": name, "name_key": name, "created_at": EPOCH}))?;
        tags.push(id_of(&scope.insert_record(&TAGS, &record, EPOCH).await?).to_owned());
    }
    let mut company_ids = Vec::new();
    for c in 0..companies {
        let record = object(json!({
            "company_id": format!("bench-co-{c:05}"), "name": format!("Bench Company {c}"),
            "created_at": EPOCH, "updated_at": EPOCH, "custom_attributes": {},
        }))?;
        company_ids.push(id_of(&scope.insert_record(&COMPANIES, &record, EPOCH).await?).to_owned());
    }
    scope.commit().await?;
    // As `POST /data_attributes` does: each attribute gets its search index.
    for (name, data_type) in ATTRIBUTES {
        let data_type = DataType::parse(data_type).context("a bench attribute's data type")?;
        confab_api::search::index_attribute(store, DataModel::Contact, name, data_type).await;
    }
    Ok((tags, company_ids))
}

/// Adds `contacts` bench contacts (and their tags, companies and attributes) to `workspace`.
pub async fn seed(
    store: &Store,
    workspace: &Workspace,
    contacts: u64,
    seed: u64,
) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let companies = (contacts / 100).clamp(1, 10_000);
    let (tags, company_ids) = prepare(store, workspace, companies).await?;
    let cohorts = (contacts / 10_000).max(1);
    let mut rng = Rng(seed);
    let mut i = 0;
    while i < contacts {
        let end = (i + BATCH).min(contacts);
        let mut scope = store.write(&workspace.id).await?;
        for n in i..end {
            let created_at = EPOCH + i64::try_from(rng.below(THREE_YEARS))?;
            let last_seen_at = created_at + i64::try_from(rng.below(THREE_YEARS / 3))?;
            let lead = n % 10 == 9;
            let name = format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));
            let domain = rng.pick(&DOMAINS);
            let record = object(json!({
                "role": if lead { "lead" } else { "user" },
                "external_id": if lead { Value::Null } else { Value::from(format!("ext-{n:07}")) },
                "email": format!("user{n:07}@{domain}"),
                "email_domain": domain,
                "name": name,
                "created_at": created_at,
                "updated_at": created_at,
                "signed_up_at": created_at,
                "last_seen_at": last_seen_at,
                "custom_attributes": custom_attributes(&mut rng, n, cohorts, created_at),
            }))?;
            let contact = scope.insert_record(&CONTACTS, &record, created_at).await?;
            let id = id_of(&contact).to_owned();
            // 1–3 distinct tags, skewed towards the first ones.
            let first = rng.below(TAGS_COUNT as u64) * rng.below(2);
            for k in 0..=rng.below(3) {
                let tag = &tags[usize::try_from((first + k * 7) % TAGS_COUNT as u64)?];
                scope
                    .put_link(CONTACT_TAG, &id, tag, &Value::Null, created_at)
                    .await?;
            }
            let company = &company_ids[usize::try_from(rng.below(companies))?];
            scope
                .put_link(CONTACT_COMPANY, &id, company, &Value::Null, created_at)
                .await?;
        }
        scope.commit().await.context("cannot commit a batch")?;
        i = end;
        if i % 50_000 == 0 || i == contacts {
            eprintln!("{i} contacts in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    // A bulk load leaves the planner's statistics far behind; search needs them to pick
    // each filter's own index over the order index.
    let loaded = [
        CONTACTS.name,
        "links",
        COMPANIES.name,
        TAGS.name,
        DATA_ATTRIBUTES.name,
    ];
    store
        .analyze(&loaded)
        .await
        .context("cannot refresh planner statistics")?;
    Ok(Seeded {
        contacts,
        companies,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::{custom_attributes, Rng, ATTRIBUTES, EPOCH};

    #[test]
    fn the_same_seed_gives_the_same_values() {
        let draw = |seed| {
            let mut rng = Rng(seed);
            (0..100)
                .map(|i| custom_attributes(&mut rng, i, 10, EPOCH))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let first = &draw(7)[3];
        assert_eq!(first["cohort"], 3);
        for (name, _) in ATTRIBUTES {
            assert!(first.get(name).is_some(), "{name} missing");
        }
    }
}

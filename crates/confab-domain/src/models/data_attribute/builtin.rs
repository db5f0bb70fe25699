//! The standard attributes every workspace has, as `GET /data_attributes` lists them.
//!
//! Companies follow the list Intercom's own example returns (names, types and which are
//! API-writable); contacts and conversations follow the fields of their schemas, API-writable
//! exactly where `create_contact_request`/`update_conversation_request` accept them.

use super::{DataAttribute, DataModel, DataType};

/// One standard attribute: full name, label, description, type, and whether the API, the UI
/// and the Messenger may write it.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    DataType,
    bool,
    bool,
    bool,
);

use DataType::{Boolean as B, Date as D, Float as F, Integer as I, String as S};

#[rustfmt::skip]
const CONTACT: &[Row] = &[
    ("id", "ID", "Intercom's id for the contact", S, false, false, false),
    ("role", "Role", "Whether the contact is a user or a lead", S, true, false, false),
    ("external_id", "User ID", "Your own id for the contact", S, true, true, true),
    ("name", "Name", "The contact's full name", S, true, true, true),
    ("email", "Email", "The contact's email address", S, true, true, true),
    ("email_domain", "Email domain", "The domain part of the email address", S, false, false, false),
    ("phone", "Phone", "The contact's phone number", S, true, true, true),
    ("avatar.image_url", "Avatar", "Address of the contact's avatar image", S, true, false, false),
    ("owner_id", "Owner", "The admin who owns the contact", I, true, true, false),
    ("unsubscribed_from_emails", "Unsubscribed from emails", "Whether the contact opted out of email", B, true, true, true),
    ("has_hard_bounced", "Hard bounced", "Whether email to the contact has hard bounced", B, false, false, false),
    ("marked_email_as_spam", "Marked email as spam", "Whether the contact reported an email as spam", B, false, false, false),
    ("language_override", "Language override", "The language the Messenger uses for the contact", S, false, true, true),
    ("signed_up_at", "Signed up", "When the contact signed up to your product", D, true, false, true),
    ("last_seen_at", "Last seen", "When the contact was last active", D, true, false, false),
    ("created_at", "First seen", "When the contact was added to Intercom", D, false, false, false),
    ("updated_at", "Last updated", "When the contact last changed", D, false, false, false),
    ("last_replied_at", "Last replied", "When the contact last wrote to you", D, false, false, false),
    ("last_contacted_at", "Last contacted", "When you last wrote to the contact", D, false, false, false),
    ("last_email_opened_at", "Last opened email", "When the contact last opened an email", D, false, false, false),
    ("last_email_clicked_at", "Last clicked on link in email", "When the contact last clicked an email link", D, false, false, false),
    ("browser", "Browser", "The contact's web browser", S, false, false, false),
    ("browser_language", "Browser language", "The language of the contact's browser", S, false, false, false),
    ("os", "OS", "The contact's operating system", S, false, false, false),
    ("location.city", "City", "The contact's city", S, false, false, false),
    ("location.region", "Region", "The contact's region", S, false, false, false),
    ("location.country", "Country", "The contact's country", S, false, false, false),
    ("location.country_code", "Country code", "The contact's country as a code", S, false, false, false),
    ("location.continent_code", "Continent code", "The contact's continent as a code", S, false, false, false),
];

#[rustfmt::skip]
const COMPANY: &[Row] = &[
    ("name", "Company name", "What the company is called", S, true, false, true),
    ("company_id", "Company ID", "Your own id for the company", S, false, false, true),
    ("last_request_at", "Company last seen", "When anyone from the company was last active", D, false, false, true),
    ("remote_created_at", "Company created at", "When the company was created on your side", D, true, false, true),
    ("user_count", "People", "How many contacts belong to the company", I, false, false, true),
    ("session_count", "Company web sessions", "Visits by the company's people to your product", I, false, false, true),
    ("plan.name", "Plan", "The plan the company is on", S, false, false, true),
    ("monthly_spend", "Monthly Spend", "Revenue from the company each month", F, true, false, true),
    ("size", "Company size", "How many people the company employs", I, true, false, true),
    ("industry", "Company industry", "The company's line of business", S, true, false, true),
    ("website", "Company website", "The company's main web address", S, true, false, true),
    ("id", "ID", "Intercom's id for the company", S, false, false, true),
    ("created_at", "Created at", "When the company was added to Intercom", D, false, false, true),
    ("updated_at", "Updated at", "When the company last changed", D, false, false, true),
    ("plan.id", "Plan ID", "Intercom's id for the company's plan", S, false, false, true),
    ("app_id", "App ID", "The code of the workspace the company belongs to", S, false, false, true),
];

#[rustfmt::skip]
const CONVERSATION: &[Row] = &[
    ("id", "ID", "Intercom's id for the conversation", S, false, false, false),
    ("title", "Title", "The conversation's title", S, true, true, false),
    ("state", "State", "Open, closed or snoozed", S, false, true, false),
    ("open", "Open", "Whether the conversation is open", B, false, true, false),
    ("read", "Read", "Whether an admin has read the conversation", B, true, true, false),
    ("priority", "Priority", "Whether the conversation is marked priority", S, false, true, false),
    ("admin_assignee_id", "Teammate assigned", "The admin the conversation is assigned to", I, false, true, false),
    ("team_assignee_id", "Team assigned", "The team the conversation is assigned to", I, false, true, false),
    ("created_at", "Created at", "When the conversation started", D, false, false, false),
    ("updated_at", "Last updated", "When the conversation last changed", D, false, false, false),
    ("waiting_since", "Waiting since", "When the contact's unanswered wait began", D, false, false, false),
    ("snoozed_until", "Snoozed until", "When a snoozed conversation reopens", D, false, true, false),
];

/// The standard (non-custom) attributes of `model`, in the order they are listed.
pub fn built_in(model: DataModel) -> Vec<DataAttribute> {
    let rows = match model {
        DataModel::Contact => CONTACT,
        DataModel::Company => COMPANY,
        DataModel::Conversation => CONVERSATION,
    };
    rows.iter()
        .map(
            |&(full_name, label, description, data_type, api, ui, messenger)| {
                let name = full_name.rsplit('.').next().unwrap_or(full_name);
                DataAttribute {
                    id: None,
                    model,
                    name: name.to_owned(),
                    full_name: full_name.to_owned(),
                    label: label.to_owned(),
                    description: Some(description.to_owned()),
                    data_type,
                    options: Vec::new(),
                    api_writable: api,
                    ui_writable: ui,
                    messenger_writable: messenger,
                    custom: false,
                    archived: false,
                    admin_id: None,
                    created_at: None,
                    updated_at: None,
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn find(model: DataModel, full_name: &str) -> Option<DataAttribute> {
        built_in(model)
            .into_iter()
            .find(|a| a.full_name == full_name)
    }

    #[test]
    fn built_ins_are_standard_and_have_no_id() {
        for model in DataModel::ALL {
            for a in built_in(model) {
                assert!(
                    !a.custom && !a.archived && a.id.is_none(),
                    "{}",
                    a.full_name
                );
                assert_eq!(a.model, model);
            }
        }
    }

    #[test]
    fn full_names_are_unique_within_a_model() {
        for model in DataModel::ALL {
            let all = built_in(model);
            let names: HashSet<_> = all.iter().map(|a| a.full_name.clone()).collect();
            assert_eq!(names.len(), all.len(), "{}", model.as_str());
        }
    }

    #[test]
    fn a_nested_attribute_is_named_by_its_last_segment() {
        let plan = find(DataModel::Company, "plan.name");
        assert_eq!(plan.map(|a| a.name), Some("name".to_owned()));
        let city = find(DataModel::Contact, "location.city");
        assert_eq!(city.map(|a| a.name), Some("city".to_owned()));
    }

    #[test]
    fn company_monthly_spend_is_a_writable_float() {
        let spend = find(DataModel::Company, "monthly_spend");
        assert_eq!(
            spend.map(|a| (a.data_type, a.api_writable)),
            Some((DataType::Float, true))
        );
    }

    #[test]
    fn contact_fields_the_api_accepts_are_api_writable() {
        for field in [
            "role",
            "external_id",
            "email",
            "phone",
            "name",
            "signed_up_at",
            "last_seen_at",
            "owner_id",
            "unsubscribed_from_emails",
        ] {
            let attr = find(DataModel::Contact, field);
            assert_eq!(attr.map(|a| a.api_writable), Some(true), "{field}");
        }
        let created = find(DataModel::Contact, "created_at");
        assert_eq!(created.map(|a| a.api_writable), Some(false));
    }
}

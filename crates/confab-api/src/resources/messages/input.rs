//! Reading a message request: its channel, its content and its recipients, each with the
//! error Intercom answers (decision 0022).

use confab_domain::models::Admin;
use confab_domain::record::{id_of, Record};
use confab_domain::tables::CONTACTS;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::WriteScope;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::input::required_str;
use crate::resources::contacts::contact_not_found;
use crate::resources::subjects::id_in_body;

/// How a message reaches its contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Channel {
    InApp,
    Email,
    Sms,
    WhatsApp,
}

impl Channel {
    /// `message_type`; absent means in-app, as Intercom defaults it.
    pub(super) fn parse(raw: Option<&Value>, version: ApiVersion) -> ApiResult<Self> {
        let channel = match raw {
            None | Some(Value::Null) => Some(Self::InApp),
            // `inapp` is the name the answer uses; `conversation` is in Intercom's examples.
            Some(Value::String(s)) => match s.as_str() {
                "in_app" | "inapp" | "conversation" => Some(Self::InApp),
                "email" => Some(Self::Email),
                "sms" if version == ApiVersion::Unstable => Some(Self::Sms),
                "whatsapp" if version == ApiVersion::Unstable => Some(Self::WhatsApp),
                _ => None,
            },
            Some(_) => None,
        };
        channel.ok_or_else(|| {
            let allowed = if version == ApiVersion::Unstable {
                "in_app, email, sms or whatsapp"
            } else {
                "in_app or email"
            };
            ApiError::invalid("message_type", format!("message_type must be {allowed}"))
        })
    }

    /// The message's `message_type`.
    pub(super) fn message_type(self) -> &'static str {
        match self {
            Self::InApp => "inapp",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::WhatsApp => "whatsapp",
        }
    }

    /// The `source.type` of the conversation it opens.
    pub(super) fn source_type(self) -> &'static str {
        match self {
            Self::InApp => "conversation",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::WhatsApp => "whatsapp",
        }
    }

    fn by_phone(self) -> bool {
        matches!(self, Self::Sms | Self::WhatsApp)
    }
}

/// What the message says, by channel.
pub(super) struct Content {
    pub(super) subject: Option<String>,
    pub(super) body: String,
    /// Email: `plain` or `personal`; WhatsApp: the template's name.
    pub(super) template: Option<String>,
}

fn non_blank<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

pub(super) fn content(body: &Map<String, Value>, channel: Channel) -> ApiResult<Content> {
    if channel == Channel::WhatsApp {
        let template = required_str(body, "template")?.to_owned();
        match body.get("components") {
            Some(Value::Array(_)) => {}
            None | Some(Value::Null) => {
                return Err(ApiError::with_message(
                    ErrorCode::ParameterNotFound,
                    "components is required",
                )
                .field("components"))
            }
            Some(_) => {
                return Err(ApiError::invalid(
                    "components",
                    "components must be an array",
                ))
            }
        }
        return Ok(Content {
            subject: None,
            body: String::new(),
            template: Some(template),
        });
    }
    let text = non_blank(body, "body")
        .ok_or_else(|| ApiError::invalid("body", "Body is required"))?
        .to_owned();
    match channel {
        Channel::Email => {
            let subject = non_blank(body, "subject").ok_or_else(|| {
                ApiError::with_message(
                    ErrorCode::ParameterMissingUnprocessable,
                    "No subject supplied for email message",
                )
                .field("subject")
            })?;
            let template = match body.get("template") {
                None | Some(Value::Null) => "plain",
                Some(Value::String(t)) if t == "plain" || t == "personal" => t.as_str(),
                Some(_) => {
                    return Err(ApiError::invalid(
                        "template",
                        "template must be plain or personal",
                    ))
                }
            };
            Ok(Content {
                subject: Some(subject.to_owned()),
                body: text,
                template: Some(template.to_owned()),
            })
        }
        Channel::Sms if !is_sms_text(&text) => {
            Err(ApiError::invalid("body", "Invalid SMS message body"))
        }
        // An in-app message may carry a subject; an SMS has none.
        _ => Ok(Content {
            subject: (channel == Channel::InApp)
                .then(|| non_blank(body, "subject").map(str::to_owned))
                .flatten(),
            body: text,
            template: None,
        }),
    }
}

/// An SMS carries plain text only: no markup, no links.
fn is_sms_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    !text.contains('<') && !lower.contains("http://") && !lower.contains("https://")
}

/// The sender: `from` must be an admin of the workspace.
pub(super) async fn sender(scope: &mut WriteScope, from: &Map<String, Value>) -> ApiResult<Admin> {
    let kind = required_str(from, "type").map_err(|e| e.field("from.type"))?;
    if kind != "admin" {
        return Err(ApiError::invalid("from.type", "from.type must be admin"));
    }
    let raw = id_in_body(from, "id").map_err(|e| e.field("from.id"))?;
    let missing = || ApiError::new(ErrorCode::AdminNotFound);
    let id = confab_domain::ids::parse_numeric(&raw).ok_or_else(missing)?;
    scope.admin(id).await?.ok_or_else(missing)
}

/// The recipients under `name`: one, or (from 2.14) a list.
fn recipients<'a>(
    body: &'a Map<String, Value>,
    name: &str,
    version: ApiVersion,
) -> ApiResult<Vec<&'a Map<String, Value>>> {
    let many = version >= ApiVersion::V2_14;
    let shape = if many {
        "a recipient or a list of recipients"
    } else {
        "a recipient object"
    };
    let wrong = || ApiError::invalid(name, format!("{name} must be {shape}"));
    match body.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(one)) => Ok(vec![one]),
        Some(Value::Array(list)) if many && !list.is_empty() => list
            .iter()
            .map(|r| r.as_object().ok_or_else(wrong))
            .collect(),
        Some(_) => Err(wrong()),
    }
}

/// The contact a recipient names by `id`, `user_id` or `email`.
async fn recipient(
    scope: &mut WriteScope,
    who: &Map<String, Value>,
    list: &str,
) -> ApiResult<Record> {
    match who.get("type").and_then(Value::as_str) {
        Some("user" | "lead" | "contact") => {}
        _ => {
            return Err(ApiError::invalid(
                &format!("{list}.type"),
                format!("{list}.type must be user or lead"),
            ))
        }
    }
    let (column, value) = if let Some(id) = non_blank(who, "id") {
        ("id", id)
    } else if let Some(id) = non_blank(who, "user_id") {
        ("external_id", id)
    } else if let Some(email) = non_blank(who, "email") {
        ("email", email)
    } else {
        return Err(ApiError::with_message(
            ErrorCode::ParameterNotFound,
            format!("{list}.id is required"),
        )
        .field(format!("{list}.id")));
    };
    scope
        .record_where(
            &CONTACTS,
            &[
                Filter::Eq(column, json!(value)),
                Filter::NotEq("role", json!("visitor")),
            ],
        )
        .await?
        .ok_or_else(contact_not_found)
}

/// Who receives a message: its participants (`to`, then `cc`) and the blind copies.
pub(super) struct Audience {
    pub(super) participants: Vec<Record>,
    pub(super) blind: Vec<Record>,
}

pub(super) async fn audience(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    channel: Channel,
    version: ApiVersion,
) -> ApiResult<Audience> {
    let to = recipients(body, "to", version)?;
    if to.is_empty() {
        return Err(
            ApiError::with_message(ErrorCode::ParameterNotFound, "to is required").field("to"),
        );
    }
    let (cc, bcc) = if version >= ApiVersion::V2_14 {
        (
            recipients(body, "cc", version)?,
            recipients(body, "bcc", version)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    if channel != Channel::Email && (to.len() > 1 || !cc.is_empty() || !bcc.is_empty()) {
        return Err(ApiError::invalid(
            "to",
            "only an email message can have several recipients, cc or bcc",
        ));
    }
    let mut seen = Vec::new();
    let mut audience = Audience {
        participants: Vec::new(),
        blind: Vec::new(),
    };
    for (list, people) in [("to", to), ("cc", cc), ("bcc", bcc)] {
        for who in people {
            let contact = recipient(scope, who, list).await?;
            if channel.by_phone() && non_blank(&contact, "phone").is_none() {
                return Err(ApiError::invalid(
                    &format!("{list}.id"),
                    "the recipient has no phone number",
                ));
            }
            let id = id_of(&contact).to_owned();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if list == "bcc" {
                audience.blind.push(contact);
            } else {
                audience.participants.push(contact);
            }
        }
    }
    Ok(audience)
}

//! The one table of Intercom error codes, their HTTP statuses and default messages.
//!
//! The domain and the store say *what* went wrong with an [`ErrorCode`]; the HTTP layer turns
//! it into Intercom's `error.list` body. Adding a code means adding one row here.

use std::fmt;

/// An Intercom error code. The wire name is [`ErrorCode::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    TokenNotFound,
    BadRequest,
    MissingParameter,
    ParameterInvalid,
    ParameterNotFound,
    ParameterMismatch,
    /// `parameter_invalid` answered with 422, as Intercom does for a request it understood but
    /// cannot carry out (removing a conversation's last contact).
    ParameterUnprocessable,
    /// `parameter_not_found` answered with 422: a message to send by email without a subject.
    ParameterMissingUnprocessable,
    NotFound,
    AdminNotFound,
    TeamNotFound,
    /// An admin or team named by a ticket update that does not exist.
    AssigneeNotFound,
    TicketNotFound,
    TicketStateIdInvalid,
    JobNotFound,
    CompanyNotFound,
    ConversationPartOrMessageNotFound,
    ConversationPartNotRedactable,
    ContactCompanyLimitExceeded,
    ScrollExists,
    FieldNotFound,
    TagHasDependentObjects,
    AwayStatusReasonMandatory,
    Conflict,
    DataInvalid,
    UnsupportedMediaType,
    MethodNotAllowed,
    RequestTooLarge,
    RateLimitExceeded,
    IntercomVersionInvalid,
    ServerError,
    ServiceUnavailable,
}

/// One row of the table: code, status, wire name, default message.
struct Row {
    status: u16,
    name: &'static str,
    message: &'static str,
}

impl ErrorCode {
    fn row(self) -> Row {
        use ErrorCode as C;
        let (status, name, message) = match self {
            C::Unauthorized => (401, "unauthorized", "Access Token Invalid"),
            C::Forbidden => (403, "forbidden", "Forbidden"),
            C::TokenNotFound => (401, "token_not_found", "Token not found"),
            C::BadRequest => (400, "bad_request", "Bad request"),
            C::MissingParameter => (400, "missing_parameter", "Missing parameter"),
            C::ParameterInvalid => (400, "parameter_invalid", "Parameter invalid"),
            C::ParameterNotFound => (400, "parameter_not_found", "Parameter not found"),
            C::ParameterMismatch => (400, "parameter_mismatch", "Parameter mismatch"),
            C::ParameterUnprocessable => (422, "parameter_invalid", "Parameter invalid"),
            C::ParameterMissingUnprocessable => (422, "parameter_not_found", "Parameter not found"),
            C::NotFound => (404, "not_found", "Resource Not Found"),
            C::AdminNotFound => (404, "admin_not_found", "Admin not found"),
            C::TeamNotFound => (404, "team_not_found", "Team not found"),
            C::AssigneeNotFound => (404, "assignee_not_found", "Assignee not found"),
            C::TicketNotFound => (404, "ticket_not_found", "Ticket not found"),
            C::TicketStateIdInvalid => (
                400,
                "ticket_state_id_invalid",
                "Ticket state id is not valid or is not associated with the ticket type",
            ),
            C::JobNotFound => (404, "job_not_found", "Job Not Found"),
            C::CompanyNotFound => (404, "company_not_found", "Company Not Found"),
            C::ConversationPartOrMessageNotFound => (
                404,
                "conversation_part_or_message_not_found",
                "Conversation part or message not found",
            ),
            C::ConversationPartNotRedactable => (
                400,
                "conversation_part_not_redactable",
                "Conversation part is not redactable",
            ),
            C::ContactCompanyLimitExceeded => (
                400,
                "contact_company_limit_exceeded",
                "Contact has reached the maximum of 1000 company associations",
            ),
            C::ScrollExists => (400, "scroll_exists", "scroll already exists for this app"),
            C::FieldNotFound => (404, "field_not_found", "Data attribute not found"),
            C::TagHasDependentObjects => (
                400,
                "tag_has_dependent_objects",
                "Unable to delete Tag with dependent objects",
            ),
            C::AwayStatusReasonMandatory => (
                400,
                "away_status_reason_mandatory",
                "Away status reason is mandatory",
            ),
            C::Conflict => (409, "conflict", "Conflict"),
            C::DataInvalid => (422, "data_invalid", "Data invalid"),
            C::UnsupportedMediaType => (
                415,
                "unsupported_media_type",
                "The Content-Type must be application/json",
            ),
            C::MethodNotAllowed => (405, "method_not_allowed", "Method not allowed"),
            C::RequestTooLarge => (413, "request_too_large", "Request body is too large"),
            C::RateLimitExceeded => (429, "rate_limit_exceeded", "Rate limit exceeded"),
            C::IntercomVersionInvalid => (
                400,
                "intercom_version_invalid",
                "Requested resource is not available in current API version",
            ),
            C::ServerError => (500, "server_error", "Internal server error"),
            C::ServiceUnavailable => (503, "service_unavailable", "Service unavailable"),
        };
        Row {
            status,
            name,
            message,
        }
    }

    /// The HTTP status Intercom answers with for this code.
    pub fn status(self) -> u16 {
        self.row().status
    }

    /// The code as it appears in `errors[].code`.
    pub fn as_str(self) -> &'static str {
        self.row().name
    }

    /// The message used when the caller gives none.
    pub fn default_message(self) -> &'static str {
        self.row().message
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client-visible failure: a code, a human message and optionally the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl DomainError {
    /// An error with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.default_message().to_owned(),
            field: None,
        }
    }

    /// An error with a specific message.
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// Names the request field or query parameter at fault.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl From<ErrorCode> for DomainError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

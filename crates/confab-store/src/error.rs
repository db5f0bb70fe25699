//! What can go wrong in the store, mapped so that constraint violations become client errors
//! in one place and everything else stays a server failure.

use confab_domain::{DomainError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    /// A request-level failure the client must see (unique violation, bad reference…).
    #[error(transparent)]
    Client(#[from] DomainError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("no database connection was free in time")]
    Busy,
    /// A read ran past the store's time limit and the database stopped it (decision 0047).
    #[error("a read ran past the time limit and was stopped")]
    TimeLimit,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

fn conflict() -> StoreError {
    StoreError::Client(DomainError::with_message(
        ErrorCode::Conflict,
        "A record with these details already exists",
    ))
}

fn dangling_reference() -> StoreError {
    StoreError::Client(DomainError::with_message(
        ErrorCode::ParameterInvalid,
        "A referenced record does not exist",
    ))
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        if let rusqlite::Error::SqliteFailure(failure, _) = &err {
            match failure.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    return conflict()
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return dangling_reference(),
                ffi::SQLITE_INTERRUPT => return Self::TimeLimit,
                _ => {}
            }
        }
        Self::Sqlite(err)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return conflict();
            }
            if db.is_foreign_key_violation() {
                return dangling_reference();
            }
            // `query_canceled`: the statement ran past `statement_timeout`.
            if db.code().as_deref() == Some("57014") {
                return Self::TimeLimit;
            }
        }
        Self::Database(err)
    }
}

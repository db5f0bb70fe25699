//! The workspace-scoped handle every data query goes through.

use std::ops::{Deref, DerefMut};

use confab_domain::models::WorkspaceId;

use crate::db::Db;
use crate::StoreError;

/// A connection the scoped queries can run on: a pooled connection or a transaction.
pub trait Conn: DerefMut<Target = Db> + Send {}
impl<T: DerefMut<Target = Db> + Send> Conn for T {}

/// One workspace's data, through connection `C`. Query methods live in the resource modules
/// (`admins.rs`, `teams.rs`, …); every one of them binds [`Scope::workspace`].
pub struct Scope<C> {
    workspace: WorkspaceId,
    conn: C,
}

/// Reads outside a transaction.
pub type ReadScope = Scope<ReadConn>;
/// Reads and writes inside one transaction.
pub type WriteScope = Scope<WriteTx>;

impl<C: Conn> Scope<C> {
    pub(crate) fn new(workspace: WorkspaceId, conn: C) -> Self {
        Self { workspace, conn }
    }

    /// The workspace every query of this scope is limited to.
    pub fn workspace(&self) -> &WorkspaceId {
        &self.workspace
    }

    /// The workspace id and the connection, split so queries can bind one while using the
    /// other.
    pub(crate) fn parts(&mut self) -> (&str, &mut Db) {
        (self.workspace.as_str(), &mut self.conn)
    }
}

impl Scope<WriteTx> {
    /// Makes every write of this scope durable and visible, or none of them.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.conn.0.commit().await
    }

    /// Undoes every write of this scope now (dropping it does the same).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        self.conn.0.rollback().await
    }
}

/// A pooled connection for reads.
pub struct ReadConn(pub(crate) Db);

/// A transaction. On SQLite it holds the process's one writer connection for as long as it
/// lives; dropped without a commit (a request that failed), it rolls back before the next
/// writer gets that connection.
pub struct WriteTx(pub(crate) Db);

macro_rules! deref_to_db {
    ($t:ty) => {
        impl Deref for $t {
            type Target = Db;
            fn deref(&self) -> &Db {
                &self.0
            }
        }

        impl DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Db {
                &mut self.0
            }
        }
    };
}

deref_to_db!(ReadConn);
deref_to_db!(WriteTx);

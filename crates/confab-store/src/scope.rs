//! The workspace-scoped handle every data query goes through.

use std::ops::{Deref, DerefMut};

use confab_domain::models::WorkspaceId;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::OwnedMutexGuard;

use crate::StoreError;

/// A connection the scoped queries can run on: a pooled connection or a transaction.
pub trait Conn: DerefMut<Target = AnyConnection> + Send {}
impl<T: DerefMut<Target = AnyConnection> + Send> Conn for T {}

/// One workspace's data, through connection `C`. Query methods live in the resource modules
/// (`admins.rs`, `teams.rs`, …); every one of them binds [`Scope::workspace`].
pub struct Scope<C> {
    workspace: WorkspaceId,
    conn: C,
}

/// Reads outside a transaction.
pub type ReadScope = Scope<PoolConnection<Any>>;
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
    pub(crate) fn parts(&mut self) -> (&str, &mut AnyConnection) {
        (self.workspace.as_str(), &mut self.conn)
    }
}

impl Scope<WriteTx> {
    /// Makes every write of this scope durable and visible, or none of them.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if let Some(tx) = self.conn.tx.take() {
            tx.commit().await?;
        }
        Ok(())
    }

    /// Undoes every write of this scope now (dropping it does the same, later).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        if let Some(tx) = self.conn.tx.take() {
            tx.rollback().await?;
        }
        Ok(())
    }
}

/// A transaction, holding SQLite's in-process writer lock for as long as it lives.
///
/// Dropped without a commit (a request that failed), it rolls back *before* it lets the next
/// writer in: sqlx only queues the rollback of a dropped transaction until its connection is
/// next used, and until then SQLite's write lock stays taken, so the next writer would fail
/// with "database is locked".
pub struct WriteTx {
    tx: Option<Transaction<'static, Any>>,
    writer: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) fn new(tx: Transaction<'static, Any>, writer: Option<OwnedMutexGuard<()>>) -> Self {
        Self {
            tx: Some(tx),
            writer,
        }
    }

    fn tx(&self) -> &Transaction<'static, Any> {
        // `tx` is only taken by `commit`, which consumes the scope.
        match &self.tx {
            Some(tx) => tx,
            None => unreachable!("a committed transaction is never used again"),
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let Some(tx) = self.tx.take() else {
            return;
        };
        let writer = self.writer.take();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(err) = tx.rollback().await {
                        tracing::warn!(error = %err, "rolling back a dropped write failed");
                    }
                    drop(writer);
                });
            }
            Err(_) => drop((tx, writer)),
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        self.tx()
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.tx {
            Some(tx) => tx,
            None => unreachable!("a committed transaction is never used again"),
        }
    }
}

//! What only contacts need beyond the generic record code: moving a merged lead's notes and
//! events onto the user it merges into.

use crate::scope::{Scope, WriteTx};
use crate::sql::Sql;
use crate::StoreError;

impl Scope<WriteTx> {
    /// Re-homes the notes and data events of contact `from` on contact `into`. Events `into`
    /// already has (same name and time) are dropped rather than duplicated.
    pub async fn move_contact_activity(
        &mut self,
        from: &str,
        into: &str,
    ) -> Result<(), StoreError> {
        let (ws, conn) = self.parts();
        let mut notes = Sql::new("UPDATE notes SET subject_id = ");
        notes
            .text_arg(into)
            .push(" WHERE workspace_id = ")
            .text_arg(ws)
            .push(" AND subject_type = 'contact' AND subject_id = ")
            .text_arg(from);
        notes.query().execute(&mut *conn).await?;
        let mut duplicates = Sql::new("DELETE FROM data_events WHERE workspace_id = ");
        duplicates
            .text_arg(ws)
            .push(" AND contact_id = ")
            .text_arg(from)
            .push(
                " AND EXISTS (SELECT 1 FROM data_events kept WHERE kept.workspace_id = \
                 data_events.workspace_id AND kept.contact_id = ",
            )
            .text_arg(into)
            .push(
                " AND kept.event_name = data_events.event_name \
                 AND kept.created_at = data_events.created_at)",
            );
        duplicates.query().execute(&mut *conn).await?;
        let mut events = Sql::new("UPDATE data_events SET contact_id = ");
        events
            .text_arg(into)
            .push(" WHERE workspace_id = ")
            .text_arg(ws)
            .push(" AND contact_id = ")
            .text_arg(from);
        events.query().execute(&mut *conn).await?;
        Ok(())
    }
}

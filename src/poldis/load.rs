//! Loading the rows the report needs, in one pass, into polars frames: one row per
//! registration, and one row per value of each multi-valued field. The rows are read
//! with `COPY … TO STDOUT` on PostgreSQL ([`postgres`]) and by rusqlite on SQLite
//! ([`sqlite`]), both into the same [`columns::Columns`].

use std::collections::HashMap;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::codes::Catalog;
use crate::db::{Db, Location};

/// The columns of `incidents` the report reads, in the order of [`columns::Fields`]
/// (by their names, in the SQL of both paths).
macro_rules! selection {
    () => {{
        use $crate::db::schema::incidents;
        (
            incidents::registration_number,
            incidents::version,
            incidents::registered_at,
            incidents::occurred_from,
            incidents::status,
            incidents::event_id,
            incidents::unit,
            incidents::municipality,
            incidents::registration_type,
            incidents::channel,
            incidents::grounds,
            incidents::domain,
            incidents::manifestations,
            incidents::victim_kind,
            incidents::suspect_known,
            incidents::articles,
        )
    }};
}

mod columns;
mod dict;
mod postgres;
mod sqlite;

pub use dict::Dict;

/// The key of a field left empty (no municipality, domain or victim kind).
pub const UNKNOWN: &str = "ONBEKEND";

/// The registrations read, as frames whose u32 columns are [`Dict`] numbers.
pub struct Frames {
    /// Per registration: idx, event, rdate (yyyymmdd), year, month, status, unit,
    /// municipality, registration_type, channel, domain, victim_kind, police,
    /// suspect, grounds_n.
    pub incidents: DataFrame,
    /// Per member of an event, what picks the event's representative: idx, event,
    /// status, rdate, registered (µs), number. (Kept apart: most registrations are in no
    /// event, and a number per row would cost more than all the codes together.)
    pub members: DataFrame,
    /// idx, code, trend_code (retired grounds mapped to their successor).
    pub grounds: DataFrame,
    /// idx, code.
    pub manifestations: DataFrame,
    /// idx, code.
    pub articles: DataFrame,
    /// SHA-256 over the registrations read (number, version, status), in storage
    /// order (SQLite) or id order (PostgreSQL): the two halves hashed apart (they are
    /// read in parallel), then both digests.
    pub fingerprint: String,
    /// What the u32 columns mean.
    pub dict: Dict,
}

/// Follows `replaced_by` to the current code (GELOOF → GODSDIENST).
pub(super) fn successors(catalog: &Catalog) -> HashMap<String, String> {
    catalog
        .list("ground")
        .iter()
        .filter(|c| c.replaced_by.is_some())
        .map(|c| {
            let current = catalog.successor("ground", &c.code);
            (c.code.clone(), current.to_owned())
        })
        .collect()
}

/// The fingerprint of [`Frames::fingerprint`] from the hashes of the two halves.
fn fingerprint(first: Sha256, second: Sha256) -> String {
    let mut both = Sha256::new();
    both.update(first.finalize());
    both.update(second.finalize());
    hex::encode(both.finalize())
}

/// Reads the registrations (all units, or one) in one pass into frames. On SQLite
/// the two halves of the table are read in parallel, each on its own connection.
pub fn load(db: &Db, catalog: &Catalog, unit: Option<&str>) -> anyhow::Result<Frames> {
    let successors = successors(catalog);
    let (columns, print) = match db.location() {
        Location::SqliteFile(path) => sqlite::load(path, unit),
        Location::Postgres(url) => postgres::load(url, unit),
    }?;
    Ok(columns.into_frames(print, &successors)?)
}

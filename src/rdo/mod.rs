//! The case overview ("zaaksoverzicht") for the Regional Discrimination Consultation
//! (RDO) with the prosecution service (OM) and the anti-discrimination bureau, and the
//! prosecution status that screeners and analysts keep current.
//!
//! The overview is shared outside the police: it never holds a narrative.

pub mod http;
mod overview;
mod prosecution;
mod write;
mod xlsx;

pub use overview::{
    overview, Count, Day, GroundForwarding, Overview, OverviewRequest, OverviewRow,
};
pub use prosecution::{check_forwarded_on, update_prosecution, ProsecutionUpdate, NOT_FORWARDED};
pub use write::write_csv;
pub use xlsx::{write_xlsx, SHEETS as XLSX_SHEETS, XLSX};

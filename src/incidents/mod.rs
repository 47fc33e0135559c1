//! Incidents: registration with the national codes, reading, listing, correcting,
//! and the history of every change.

pub mod draft;
mod fields;
pub mod http;
mod model;
pub mod store;

pub use draft::Draft;
pub use fields::IncidentFields;
pub use model::{split_codes as model_codes, HistoryEntry, Incident, IncidentRow, Status};
pub use store::{insert_rows, next_registration_number, set_counter};

//! Incidents: registration with the national codes, reading, listing, correcting,
//! and the history of every change.

mod correct;
pub mod draft;
mod fields;
pub mod http;
mod model;
mod register;
mod rules;
pub mod store;

pub use correct::correct;
pub use draft::Draft;
pub use fields::IncidentFields;
pub use model::{split_codes as model_codes, HistoryEntry, Incident, IncidentRow, Status};
pub use register::{idempotency_key, register, Registered};
pub use store::{get_in_scope, insert_rows, next_registration_number, set_counter};

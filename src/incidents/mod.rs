//! Incidents: registration with the national codes, reading, listing, correcting,
//! and the history of every change.

mod correct;
mod counter;
pub mod draft;
mod fields;
pub mod http;
mod model;
mod register;
mod rules;
pub mod store;

pub use correct::correct;
pub use counter::{next_registration_number, set_counter};
pub use draft::Draft;
pub use fields::IncidentFields;
pub use model::{split_codes as model_codes, HistoryEntry, Incident, IncidentRow, Status};
pub use register::{idempotency_key, register, Registered};
pub use store::{add_first_entries, get_in_scope, insert_rows};

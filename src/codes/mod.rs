//! The national code lists (with their validity) and the municipality reference:
//! loaded from `fixtures/` into the database, held in memory as a [`Catalog`] for
//! validation, and served at `GET /api/v1/codes`.

mod catalog;
mod fixtures;
pub mod http;

pub use catalog::{Catalog, Code, Municipality};
pub use fixtures::{is_other_source, load_fixtures, missing_fixtures};

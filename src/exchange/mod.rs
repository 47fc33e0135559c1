//! The national exchange CSV of contract.md: import (all or nothing, or skipping
//! invalid rows), export, and the same import over HTTP (`POST /api/v1/imports`).

mod columns;
pub mod export;
pub mod http;
pub mod import;
mod parse;

pub use columns::COLUMNS;
pub use export::{export, write_header, write_row, ExportFilter};
pub use import::{
    audit_summary, import, import_sqlite, ImportFailure, ImportOptions, ImportReport,
};

//! The annual Poldis report: every table of domain.md "The annual Poldis report",
//! counted by polars over the rows loaded from the database (the database is not asked
//! to aggregate).

mod count;
mod html;
pub mod http;
mod load;
mod publish;
mod report;

pub use html::{render as render_html, sections as html_sections, STYLE as HTML_STYLE};
pub use publish::{publish, since_publication, ChangedCell, SincePublication};
pub use report::{produce, Cell, Report, REPORT_YEARS, RULES_VERSION};

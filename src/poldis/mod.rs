//! The annual Poldis report: every table of domain.md "The annual Poldis report",
//! counted by polars over the rows loaded from the database (the database is not asked
//! to aggregate).

mod count;
mod html;
pub mod http;
mod incidents;
mod load;
mod publish;
mod report;
mod scope;
mod suppress;

pub use html::{render as render_html, sections as html_sections, STYLE as HTML_STYLE};
pub use incidents::{counted, Counted, CountedIncident};
pub use publish::{publish, since_publication, ChangedCell, SincePublication};
pub use report::{legend, produce, Cell, LegendEntry, Report, REPORT_YEARS, RULES_VERSION};
pub use scope::{check_year, report_unit};
pub use suppress::{exposed, protect, Links, Withheld};

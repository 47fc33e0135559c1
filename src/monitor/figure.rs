//! One figure of the monitor, as every format writes it.

use serde::{Serialize, Serializer};

use crate::poldis::Withheld;

/// A cell's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A number of incidents or reports.
    Count(u64),
    /// A share, 0 to 1 (written with three decimals).
    Share(f64),
    /// Not published (publication mode): `<5` or `x`.
    Withheld(Withheld),
    /// No counterpart in the other source, no figures delivered, or a share of
    /// nothing: written as `null` (JSON), left out (CSV), empty (the workbook), `–`.
    Absent,
}

impl Figure {
    /// The count, when the figure is one.
    pub fn count(self) -> Option<u64> {
        match self {
            Figure::Count(n) => Some(n),
            _ => None,
        }
    }

    /// The figure as text (`12`, `0.375`, `<5`, `x`); `None` when absent.
    pub fn text(self) -> Option<String> {
        match self {
            Figure::Count(n) => Some(n.to_string()),
            Figure::Share(s) => Some(format!("{s:.3}")),
            Figure::Withheld(w) => Some(w.mark().to_owned()),
            Figure::Absent => None,
        }
    }

    /// The figure as a Dutch reader expects it (`37,5%` for a share; `–` when absent).
    pub fn dutch(self) -> String {
        match self {
            Figure::Share(s) => format!("{:.1}%", s * 100.0).replace('.', ","),
            other => other.text().unwrap_or_else(|| "–".to_owned()),
        }
    }

    /// `part`'s share of `part + other` when both are counts and not both zero.
    pub fn share(part: Figure, other: Figure) -> Figure {
        match (part, other) {
            (Figure::Count(a), Figure::Count(b)) if a + b > 0 => {
                Figure::Share(((a as f64) / ((a + b) as f64) * 1000.0).round() / 1000.0)
            }
            (Figure::Withheld(_), _) | (_, Figure::Withheld(_)) => {
                Figure::Withheld(Withheld::Protecting)
            }
            _ => Figure::Absent,
        }
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Figure::Count(n) => s.serialize_u64(*n),
            Figure::Share(v) => s.serialize_f64(*v),
            Figure::Withheld(w) => s.serialize_str(w.mark()),
            Figure::Absent => s.serialize_none(),
        }
    }
}

//! The one clock of dira: now (UTC, to the microsecond both databases keep) and today
//! (the date in Europe/Amsterdam, where every date of the domain is counted, see
//! domain.md). Production runs on the system clock; a test sets a fixed instant and
//! moves it, instead of sleeping.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};

/// Where dira reads the time. Cheap to clone; clones of a set clock share its instant.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock standing at `at` until [`Clock::set`] moves it (for tests).
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(RwLock::new(at))),
        }
    }

    /// Moves a fixed clock (and its clones) to `at`; the system clock cannot be set,
    /// so this does nothing to it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            *fixed.write().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// The current instant in UTC, truncated to whole microseconds.
    pub fn now(&self) -> NaiveDateTime {
        let at = self.instant().naive_utc();
        at.with_nanosecond(at.nanosecond() / 1000 * 1000)
            .unwrap_or(at)
    }

    /// Today's date in Europe/Amsterdam.
    pub fn today(&self) -> NaiveDate {
        crate::dates::amsterdam_date(self.instant())
    }

    fn instant(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(fixed) => *fixed.read().unwrap_or_else(|e| e.into_inner()),
            None => Utc::now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_gives_its_instant_and_the_date_in_amsterdam() {
        let clock = Clock::fixed("2026-03-28T23:30:00.123456789Z".parse().expect("instant"));
        assert_eq!(clock.now().to_string(), "2026-03-28 23:30:00.123456");
        // 23:30 UTC is 00:30 the next day in Amsterdam (CET, UTC+1).
        assert_eq!(clock.today().to_string(), "2026-03-29");
        let shared = clock.clone();
        clock.set("2026-07-01T10:00:00Z".parse().expect("instant"));
        assert_eq!(shared.today().to_string(), "2026-07-01");
    }

    #[test]
    fn the_system_clock_moves() {
        let clock = Clock::system();
        clock.set("2000-01-01T00:00:00Z".parse().expect("instant"));
        assert!(clock.today().to_string().as_str() > "2026");
    }
}

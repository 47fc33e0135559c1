//! Realistic synthetic incidents for the demo and the benchmarks: every unit, every
//! code valid at the time, events with many registrations, a share screened, all
//! from a seed so runs can be repeated. Free texts never contain real names.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::codes::{Catalog, Code};
use crate::dates;
use crate::incidents::{IncidentRow, Status};

const SUMMARIES: &[&str] = &[
    "Uitgescholden op straat",
    "Beledigende leuzen bij voetbalwedstrijd",
    "Hakenkruis gekalkt op muur",
    "Bedreigd door buurman",
    "Geweigerd bij de ingang van een club",
    "Haatbericht op sociale media",
    "Mishandeld na opmerking over afkomst",
    "Agent uitgescholden tijdens aanhouding",
    "Discriminerende uitlating op het werk",
    "Vernieling van gebedshuis",
    "Kwetsende opmerkingen in het openbaar vervoer",
    "Pamfletten met oproep tot haat verspreid",
];

const NARRATIVES: &[&str] = &[
    "Melder verklaart dat hij op straat werd uitgescholden om zijn afkomst.",
    "Slachtoffer werd geweigerd bij de ingang; getuigen bevestigen het voorval.",
    "Bericht op sociale media met oproep tot geweld tegen een groep; schermafdruk bijgevoegd.",
    "Buurman roept al maanden scheldwoorden over de schutting.\nVandaag escaleerde het.",
    "Tijdens de aanhouding riep de verdachte herhaaldelijk beledigende termen naar de agenten.",
    "Op de gevel werden symbolen en leuzen aangebracht; foto's in het dossier.",
];

/// Generates incidents from `first_year` until `until`, evenly spread and in time order.
pub struct Generator<'a> {
    rng: StdRng,
    catalog: &'a Catalog,
    units: Vec<String>,
    municipalities: HashMap<String, Vec<String>>,
    start: NaiveDateTime,
    step_secs: f64,
    index: usize,
    total: usize,
    until: NaiveDateTime,
    counters: BTreeMap<(String, i32), i32>,
    event: Option<(String, NaiveDate, u32)>,
    events: u32,
}

impl<'a> Generator<'a> {
    pub fn new(
        catalog: &'a Catalog,
        total: usize,
        first_year: i32,
        until: NaiveDateTime,
        seed: u64,
    ) -> Self {
        let start = NaiveDate::from_ymd_opt(first_year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or(until);
        let span = (until - start).num_seconds().max(1) as f64;
        let mut municipalities: HashMap<String, Vec<String>> = HashMap::new();
        for m in catalog.municipalities() {
            municipalities
                .entry(m.unit.clone())
                .or_default()
                .push(m.code.clone());
        }
        Generator {
            rng: StdRng::seed_from_u64(seed),
            catalog,
            units: catalog
                .list("unit")
                .iter()
                .map(|c| c.code.clone())
                .collect(),
            municipalities,
            start,
            step_secs: span / total.max(1) as f64,
            index: 0,
            total,
            until,
            counters: BTreeMap::new(),
            event: None,
            events: 0,
        }
    }

    /// The last registration number used per unit and year.
    pub fn counters(&self) -> &BTreeMap<(String, i32), i32> {
        &self.counters
    }

    /// Picks from `codes`, earlier codes of the list more often than later ones.
    fn pick<'c>(&mut self, codes: &[&'c Code]) -> &'c Code {
        let weights: Vec<f64> = (0..codes.len())
            .map(|i| 1.0 / (i as f64 + 1.0).powf(0.7))
            .collect();
        let mut x = self.rng.gen::<f64>() * weights.iter().sum::<f64>();
        for (code, w) in codes.iter().zip(&weights) {
            if x < *w {
                return code;
            }
            x -= w;
        }
        codes[codes.len() - 1]
    }

    fn valid(&self, list: &str, on: NaiveDate) -> Vec<&'a Code> {
        self.catalog
            .list(list)
            .iter()
            .filter(|c| c.valid_on(on))
            .collect()
    }

    fn one(&mut self, list: &str, on: NaiveDate) -> String {
        let codes = self.valid(list, on);
        self.pick(&codes).code.clone()
    }

    fn some(&mut self, list: &str, on: NaiveDate, two: f64) -> Vec<String> {
        let codes = self.valid(list, on);
        let first = self.pick(&codes).code.clone();
        let mut out = vec![first];
        if self.rng.gen_bool(two) {
            let second = self.pick(&codes).code.clone();
            if !out.contains(&second) {
                out.push(second);
            }
        }
        out
    }

    fn text(&mut self, options: &[&str]) -> String {
        options[self.rng.gen_range(0..options.len())].to_owned()
    }

    /// The event of the next registration: a wave of registrations about one event
    /// ("aangiftegolf") starts now and then and takes about half of the next ones.
    fn next_event(&mut self, year: i32, on: NaiveDate) -> Option<(String, NaiveDate)> {
        if self.event.is_none() && self.rng.gen_bool(0.004) {
            self.events += 1;
            let size = self.rng.gen_range(5..60);
            self.event = Some((format!("EVT-{year}-{:04}", self.events), on, size));
        }
        match &mut self.event {
            Some((id, date, left)) if *left > 0 && self.rng.gen_bool(0.5) => {
                *left -= 1;
                Some((id.clone(), *date))
            }
            Some((_, _, 0)) => {
                self.event = None;
                None
            }
            _ => None,
        }
    }

    /// Screened (after three weeks, mostly), incomplete (now and then), and the status.
    fn next_status(&mut self, age_days: i64) -> (bool, bool, Status) {
        let screened = age_days > 21 && self.rng.gen_bool(0.85);
        let incomplete = !screened && self.rng.gen_bool(0.1);
        let status = match (screened, incomplete) {
            (true, _) if self.rng.gen_bool(0.88) => Status::Confirmed,
            (true, _) => Status::Rejected,
            (false, true) => Status::Incomplete,
            (false, false) if self.rng.gen_bool(0.06) => Status::NeedsInfo,
            _ => Status::Registered,
        };
        (screened, incomplete, status)
    }

    /// The prosecution status of most confirmed incidents, with the date they went to
    /// the OM when they did ([`crate::rdo::NOT_FORWARDED`] did not).
    fn next_prosecution(
        &mut self,
        status: Status,
        on: NaiveDate,
        today: NaiveDate,
    ) -> (Option<String>, Option<NaiveDate>) {
        if status == Status::Confirmed && self.rng.gen_bool(0.6) {
            let p = self.one("prosecution_status", on);
            let forwarded = p != crate::rdo::NOT_FORWARDED;
            let date = (on + Duration::days(self.rng.gen_range(3..60))).min(today);
            (Some(p), forwarded.then_some(date))
        } else {
            (None, None)
        }
    }

    fn next_row(&mut self) -> IncidentRow {
        let offset = (self.index as f64 + self.rng.gen::<f64>()) * self.step_secs;
        let registered_at =
            (self.start + Duration::milliseconds((offset * 1000.0) as i64)).min(self.until);
        self.index += 1;
        let on = dates::amsterdam_date(registered_at.and_utc());
        let today = dates::amsterdam_date(self.until.and_utc());
        let unit = self.units[self.rng.gen_range(0..self.units.len())].clone();
        let year = on.year();
        let counter = self.counters.entry((unit.clone(), year)).or_insert(0);
        *counter += 1;
        let registration_number = format!("{unit}-{year}-{:06}", *counter);

        let event = self.next_event(year, on);

        let occurred_from = match &event {
            Some((_, date)) => Some(*date),
            None if self.rng.gen_bool(0.7) => Some(on - Duration::days(self.rng.gen_range(0..10))),
            None => None,
        };
        let occurred_to = occurred_from.filter(|_| self.rng.gen_bool(0.2));
        let municipality = self
            .municipalities
            .get(&unit)
            .filter(|_| self.rng.gen_bool(0.85))
            .map(|ms| ms[self.rng.gen_range(0..ms.len())].clone());

        let age_days = (today - on).num_days();
        let (screened, incomplete, status) = self.next_status(age_days);
        let grounds = self.some("ground", on, 0.15);
        let manifestations = self.some("manifestation", on, 0.1);
        let articles = if self.rng.gen_bool(0.8) {
            self.some("article", on, 0.2)
        } else {
            Vec::new()
        };
        let domain = self.one("domain", on);
        let victim_kind = self.one("victim_kind", on);
        let registration_type = self.one("registration_type", on);
        let channel = self.one("channel", on);
        let screened_at = screened.then(|| {
            (registered_at + Duration::hours(self.rng.gen_range(2..24 * 40))).min(self.until)
        });
        let (prosecution_status, forwarded_on) = self.next_prosecution(status, on, today);
        let summary = self.text(SUMMARIES);
        let narrative = self.text(NARRATIVES);
        IncidentRow {
            id: uuid::Builder::from_random_bytes(self.rng.gen())
                .into_uuid()
                .to_string(),
            registration_number,
            source_reference: self
                .rng
                .gen_bool(0.6)
                .then(|| format!("BVH{year}{:08}", self.rng.gen_range(0..100_000_000))),
            registered_at,
            occurred_from,
            occurred_to,
            district: self
                .rng
                .gen_bool(0.5)
                .then(|| format!("{unit}-D{}", self.rng.gen_range(1..5))),
            unit,
            basic_team: None,
            municipality,
            registration_type,
            channel,
            grounds: grounds.join("|"),
            manifestations: if incomplete {
                String::new()
            } else {
                manifestations.join("|")
            },
            domain: (!incomplete).then_some(domain),
            articles: articles.join("|"),
            victim_kind: Some(victim_kind),
            suspect_known: Some(i32::from(self.rng.gen_bool(0.4))),
            summary: Some(summary),
            narrative: Some(narrative),
            status: status.as_str().to_owned(),
            rejection_reason: (status == Status::Rejected)
                .then(|| self.one("rejection_reason", on)),
            screened_at,
            prosecution_updated_on: forwarded_on,
            prosecution_status,
            forwarded_on,
            event_id: event.map(|(id, _)| id),
            version: 1,
            created_by: "synthetic".to_owned(),
            updated_at: screened_at.unwrap_or(registered_at),
        }
    }
}

impl Iterator for Generator<'_> {
    type Item = IncidentRow;

    fn next(&mut self) -> Option<IncidentRow> {
        (self.index < self.total).then(|| self.next_row())
    }
}

const GENERAL: &[&str] = &[
    "Melder belde over geluidsoverlast na middernacht bij de buren.",
    "Fietsendiefstal bij het station; het slot was doorgeknipt.",
    "Winkeldiefstal, verdachte aangehouden door de beveiliging.",
    "Ruzie tussen buren over parkeren op de stoep.",
    "Verkeersongeval met letselschade op de rotonde, ambulance ter plaatse.",
    "Inbraak in bedrijfspand, schade aan raam en deur.",
    "Hond zonder lijn in het park; de eigenaar werd aangesproken.",
    "Homogene groep jongeren hing rond bij de ingang van het winkelcentrum.",
    "Jodium flesje gevonden in het portiek van de flat.",
    "Melder zag een verdachte situatie bij het café aan de gracht.",
    "Vernieling van een bushokje, getuigen zagen twee personen wegrennen.",
    "Overlast van een verward persoon op het plein.",
];

const SIGNS: &[&str] = &[
    "Verdachte riep 'vuile jood' naar de voorbijganger.",
    "Er werd een hakenkruis op de gevel gekalkt.",
    "Het slachtoffer werd uitgemaakt voor homo en geduwd.",
    "Hij noemde de buurvrouw een vieze Marokkaan.",
    "Op de deur van de moskee stond een beledigende tekst.",
    "De bestuurder werd uitgescholden voor mongool.",
];

/// A general police incident (the candidate scan's input) as a CSV record.
pub fn general_incident(
    rng: &mut StdRng,
    catalog: &Catalog,
    index: usize,
    until: NaiveDateTime,
) -> [String; 6] {
    let units = catalog.list("unit");
    let unit = units[rng.gen_range(0..units.len())].code.clone();
    let at = until - Duration::minutes(rng.gen_range(0..60 * 24 * 365));
    let mut narrative = Vec::new();
    for _ in 0..rng.gen_range(2..5) {
        narrative.push(GENERAL[rng.gen_range(0..GENERAL.len())]);
    }
    if rng.gen_bool(0.03) {
        let at = rng.gen_range(0..=narrative.len());
        narrative.insert(at, SIGNS[rng.gen_range(0..SIGNS.len())]);
    }
    let codes = ["B100", "D110", "E300", "F120", "F200"];
    [
        format!("GEN{index:09}"),
        dates::to_rfc3339(at),
        unit,
        String::new(),
        codes[rng.gen_range(0..codes.len())].to_owned(),
        narrative.join(" "),
    ]
}

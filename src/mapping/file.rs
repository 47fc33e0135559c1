//! The mapping file: `scheme,version,source_list,source_code,target_list,target_code,note`,
//! one line per source code and target (an empty `target_code`: no counterpart). A
//! file replaces every scheme it holds, as a whole; it is checked whole first, and
//! every problem is named as `line N: FIELD: message`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use super::{Line, Mapping, Replacement, Scheme};
use crate::codes::Catalog;
use crate::csv_lines::{Problems, Table};
use crate::error::FieldError;

/// The columns, in order.
pub const HEADER: [&str; 7] = [
    "scheme",
    "version",
    "source_list",
    "source_code",
    "target_list",
    "target_code",
    "note",
];

/// The longest version name, in characters.
const MAX_VERSION: usize = 40;
/// The longest note, in characters.
const MAX_NOTE: usize = 500;

/// Reads and checks a mapping file against `catalog`: the header; each scheme known,
/// with one version; each pair of lists one the scheme maps; each code in its list;
/// no line twice; every code of each source list mapped; a code mapped to nothing not
/// also mapped to something. All problems, or the schemes to store.
pub fn parse(input: impl Read, catalog: &Catalog) -> Result<Vec<Replacement>, Vec<FieldError>> {
    let table = Table::read(input).map_err(|m| vec![FieldError::new("file", m)])?;
    if table.header != HEADER {
        return Err(vec![FieldError::new(
            "header",
            format!("must be {}", HEADER.join(",")),
        )
        .at_line(1)]);
    }
    let mut errors = Problems::default();
    let mut schemes: BTreeMap<Scheme, (String, Vec<Line>)> = BTreeMap::new();
    let mut seen = BTreeMap::new();
    for (line, record) in &table.records {
        let record = match record {
            Ok(r) => r,
            Err(m) => {
                errors.push(FieldError::new("row", m.clone()).at_line(*line));
                continue;
            }
        };
        let mut problems = Vec::new();
        if record.len() != HEADER.len() {
            problems.push(FieldError::new(
                "row",
                format!(
                    "has {} fields, the header has {}",
                    record.len(),
                    HEADER.len()
                ),
            ));
        } else if let Some((scheme, version, l)) = check_line(record, catalog, &mut problems) {
            let key = (
                scheme,
                l.source_list.clone(),
                l.source_code.clone(),
                l.target_code.clone(),
            );
            if let Some(first) = seen.insert(key, *line) {
                problems.push(FieldError::new(
                    "source_code",
                    format!("this mapping is on line {first} already"),
                ));
            }
            let entry = schemes
                .entry(scheme)
                .or_insert_with(|| (version.clone(), Vec::new()));
            if entry.0 != version {
                problems.push(FieldError::new(
                    "version",
                    format!(
                        "{version:?}: the {} lines have version {:?}; one version per scheme",
                        scheme.as_str(),
                        entry.0
                    ),
                ));
            }
            entry.1.push(l);
        }
        errors.extend(problems.into_iter().map(|e| e.at_line(*line)));
    }
    if table.records.is_empty() {
        errors.push(FieldError::new("file", "has no lines under the header"));
    }
    for (scheme, (_, lines)) in &schemes {
        errors.extend(completeness(*scheme, lines, catalog));
    }
    if !errors.is_empty() {
        return Err(errors.into_vec());
    }
    Ok(schemes
        .into_iter()
        .map(|(scheme, (version, lines))| Replacement {
            scheme,
            version,
            lines,
        })
        .collect())
}

/// One line's fields, checked; `None` when a field is wrong (`problems` says which).
fn check_line(
    record: &csv::StringRecord,
    catalog: &Catalog,
    problems: &mut Vec<FieldError>,
) -> Option<(Scheme, String, Line)> {
    let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
    let scheme_text = field(0);
    let Some(scheme) = Scheme::parse(&scheme_text) else {
        problems.push(
            FieldError::new("scheme", format!("unknown scheme {scheme_text:?}"))
                .allowed(Scheme::names()),
        );
        return None;
    };
    let version = field(1);
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if version.is_empty()
        || version.len() > MAX_VERSION
        || !version.chars().all(safe)
        || version.starts_with('-')
    {
        problems.push(FieldError::new(
            "version",
            format!("must be 1 to {MAX_VERSION} of A-Z a-z 0-9 . _ - (not first), e.g. 2026-1"),
        ));
    }
    let (source_list, target_list) = (field(2), field(4));
    if !scheme
        .pairs()
        .iter()
        .any(|(s, t)| *s == source_list && *t == target_list)
    {
        let allowed = scheme
            .pairs()
            .iter()
            .map(|(s, t)| format!("{s} → {t}"))
            .collect();
        problems.push(
            FieldError::new(
                "source_list",
                format!(
                    "{source_list} → {target_list} is not a pair of lists the {} scheme maps",
                    scheme.as_str()
                ),
            )
            .allowed(allowed),
        );
        return None;
    }
    let known = |list: &str, code: &str| catalog.list(list).iter().any(|c| c.code == code);
    let allowed = |list: &str| catalog.list(list).iter().map(|c| c.code.clone()).collect();
    let source_code = field(3);
    if !known(&source_list, &source_code) {
        problems.push(
            FieldError::new(
                "source_code",
                format!("{source_code:?} is not a code of {source_list}"),
            )
            .allowed(allowed(&source_list)),
        );
    }
    let target_code = Some(field(5)).filter(|c| !c.is_empty());
    if let Some(code) = target_code.as_deref().filter(|c| !known(&target_list, c)) {
        problems.push(
            FieldError::new(
                "target_code",
                format!(
                    "{code:?} is not a code of {target_list}; leave it empty for no counterpart"
                ),
            )
            .allowed(allowed(&target_list)),
        );
    }
    // A note the mapping file wrote neutralised for spreadsheets (`'=…`) reads back as
    // it was.
    let written = field(6);
    let note = match written.strip_prefix('\'') {
        Some(rest) if crate::spreadsheet::is_formula(rest) => rest.to_owned(),
        _ => written,
    };
    if note.chars().count() > MAX_NOTE || note.chars().any(char::is_control) {
        problems.push(FieldError::new(
            "note",
            format!("must be at most {MAX_NOTE} characters on one line"),
        ));
    }
    problems.is_empty().then(|| {
        let line = Line {
            source_list,
            source_code,
            target_list,
            target_code,
            note,
        };
        (scheme, version, line)
    })
}

/// Every code of each source list of `scheme` mapped, and none to both something and
/// nothing.
fn completeness(scheme: Scheme, lines: &[Line], catalog: &Catalog) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (source_list, _) in scheme.pairs() {
        let mut targets: BTreeMap<&str, BTreeSet<Option<&str>>> = BTreeMap::new();
        for l in lines.iter().filter(|l| l.source_list == *source_list) {
            targets
                .entry(l.source_code.as_str())
                .or_default()
                .insert(l.target_code.as_deref());
        }
        for code in catalog.list(source_list) {
            match targets.get(code.code.as_str()) {
                None => errors.push(FieldError::new(
                    "source_code",
                    format!(
                        "{} of {source_list} is not mapped in the {} scheme: map it, or give it an empty target_code for no counterpart",
                        code.code,
                        scheme.as_str()
                    ),
                )),
                Some(set) if set.contains(&None) && set.len() > 1 => errors.push(FieldError::new(
                    "target_code",
                    format!("{} of {source_list} is mapped both to nothing and to codes", code.code),
                )),
                Some(_) => {}
            }
        }
    }
    errors
}

/// `mapping` as a mapping file (the format [`parse`] reads).
pub fn write_csv(mapping: &Mapping, out: impl std::io::Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for l in &mapping.lines {
        w.write_record([
            mapping.scheme.as_str(),
            mapping.version.as_str(),
            l.source_list.as_str(),
            l.source_code.as_str(),
            l.target_list.as_str(),
            l.target_code.as_deref().unwrap_or_default(),
            crate::spreadsheet::neutralise(&l.note).as_ref(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

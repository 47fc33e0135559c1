//! Hand-made tables for the suppression rule: each case of docs/suppression.md,
//! "Cases covered".

mod cases;
mod check;
mod random;

use super::*;

type Table<'a> = (&'a str, &'a [(&'a str, &'a str, u64)]);

fn tables(list: &[Table]) -> Vec<(String, Vec<Cell>)> {
    list.iter()
        .map(|(name, cells)| {
            let cells = cells
                .iter()
                .map(|(key, subkey, count)| Cell {
                    key: (*key).into(),
                    subkey: (*subkey).into(),
                    incidents: (*count).into(),
                    label_nl: None,
                    label_en: None,
                    sublabel_nl: None,
                    count: *count,
                    withheld: None,
                })
                .collect();
            ((*name).to_owned(), cells)
        })
        .collect()
}

fn links() -> Links {
    Links {
        year: 2025,
        municipality_unit: [("GM0363", "AMS"), ("GM0362", "AMS"), ("GM0599", "RTM")]
            .iter()
            .map(|(m, u)| ((*m).to_owned(), (*u).to_owned()))
            .collect(),
        successor: HashMap::from([("GELOOF".to_owned(), "GODSDIENST".to_owned())]),
    }
}

/// Suppresses, checks that nothing can be worked out and that `<5` is only ever
/// written for a count of 1 to 4, and returns every cell as `table/key/subkey` →
/// what is printed.
fn publish(list: &[Table]) -> BTreeMap<String, String> {
    let mut t = tables(list);
    protect(&mut t, &links());
    assert_eq!(
        exposed(&t, &links()),
        Vec::<String>::new(),
        "no withheld cell can be worked out"
    );
    let mut printed = BTreeMap::new();
    for (name, cells) in &t {
        for c in cells {
            let small = PRIMARY_TABLES.contains(&name.as_str()) && (1..5).contains(&c.count);
            assert_eq!(
                c.withheld == Some(Withheld::Small),
                small,
                "{name}/{}/{}",
                c.key,
                c.subkey
            );
            let shown = c
                .withheld
                .map_or(c.count.to_string(), |w| w.mark().to_owned());
            let json = match c.withheld {
                Some(w) => serde_json::Value::from(w.mark()),
                None => c.count.into(),
            };
            assert_eq!(c.incidents, json, "the JSON value carries the mark");
            printed.insert(format!("{name}/{}/{}", c.key, c.subkey), shown);
        }
    }
    printed
}

fn withheld(printed: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
    printed
        .iter()
        .filter(|(_, v)| v.as_str() == "<5" || v.as_str() == "x")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

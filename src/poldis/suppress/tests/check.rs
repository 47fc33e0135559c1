//! The check on its own: marked tables, and the cells a reader can work out of them.

use super::*;

#[test]
fn the_check_finds_the_cell_the_old_rule_gave_away() {
    // Issue 14 as the old rule printed it: by_unit RTM = 2 beside a lone RTM cell.
    let mut t = tables(&[
        ("by_unit", &[("AMS", "", 10), ("RTM", "", 2)]),
        (
            "ground_by_unit",
            &[("HERKOMST", "AMS", 10), ("HERKOMST", "RTM", 2)],
        ),
    ]);
    for c in t[1].1.iter_mut() {
        c.withheld = Some(Withheld::Small);
    }
    let found = exposed(&t, &links());
    assert!(
        found.contains(&"ground_by_unit/HERKOMST/RTM".to_owned()),
        "{found:?}"
    );
}

/// A sheet of `(table, count, mark)` cells, for the check on its own.
fn sheet(cells: &[(&str, u64, Option<Withheld>)]) -> Sheet {
    Sheet {
        count: cells.iter().map(|c| c.1).collect(),
        hidden: cells.iter().map(|c| c.2.is_some()).collect(),
        small: cells.iter().map(|c| c.2 == Some(Withheld::Small)).collect(),
        table: cells.iter().map(|c| c.0.to_owned()).collect(),
        id: HashMap::new(),
        slack: BTreeMap::new(),
    }
}

#[test]
fn a_combination_of_relations_is_found_too() {
    // x + y = 5 and y + z = 6 and x + z = 7 give every cell although no relation
    // holds one withheld cell alone: x = 3, y = 2, z = 4.
    let x = Some(Withheld::Protecting);
    let s = sheet(&[
        ("by_ground", 3, x),
        ("by_ground", 2, x),
        ("by_ground", 4, x),
    ]);
    let relations = vec![
        vec![(0, 1.0), (1, 1.0)],
        vec![(1, 1.0), (2, 1.0)],
        vec![(0, 1.0), (2, 1.0)],
    ];
    assert_eq!(pinned(&s, &relations), vec![0, 1, 2]);
    // Without the third relation, and with no bound that pins: x is 1 to 4.
    let two = vec![vec![(0, 1.0), (1, 1.0)], vec![(1, 1.0), (2, 1.0)]];
    assert_eq!(pinned(&s, &two), Vec::<usize>::new());
}

/// `list` as the report would mark it by hand: every count 1 to 4 of a primary
/// table `<5`, the cells named in `x` (`table/key/subkey`) `x`.
fn marked(list: &[Table], x: &[&str]) -> Vec<(String, Vec<Cell>)> {
    let mut t = tables(list);
    for (name, cells) in t.iter_mut() {
        for c in cells.iter_mut() {
            let path = format!("{name}/{}/{}", c.key, c.subkey);
            if PRIMARY_TABLES.contains(&name.as_str()) && (1..5).contains(&c.count) {
                c.withheld = Some(Withheld::Small);
            } else if x.contains(&path.as_str()) {
                c.withheld = Some(Withheld::Protecting);
            }
        }
    }
    t
}

/// Tester, issue 14 item 4: two `<5` of AMS's municipalities and a summary of 8
/// give both away (two cells of at most 4 adding up to 8 are both 4).
const TWO_FOURS_IN_AMS: [Table; 8] = [
    ("summary", &[("incidents", "", 8)]),
    ("by_ground", &[("HERKOMST", "", 8)]),
    ("by_unit", &[("AMS", "", 8)]),
    ("by_municipality", &[("GM0362", "", 4), ("GM0363", "", 4)]),
    ("ground_by_unit", &[("HERKOMST", "AMS", 8)]),
    ("ground_by_police_victim", &[("HERKOMST", "false", 8)]),
    ("trend", &[("2025", "", 8)]),
    ("trend_by_ground", &[("2025", "HERKOMST", 8)]),
];

#[test]
fn the_check_uses_the_bounds_of_the_marks() {
    let two_fours = marked(&TWO_FOURS_IN_AMS, &[]);
    assert_eq!(
        exposed(&two_fours, &links()),
        ["by_municipality/GM0362/", "by_municipality/GM0363/"]
    );
    // Two units of 4 each: the old rule's six withheld cells are all 4.
    let two_units = marked(
        &[
            ("summary", &[("incidents", "", 8)]),
            ("by_ground", &[("HERKOMST", "", 8)]),
            ("by_unit", &[("AMS", "", 4), ("RTM", "", 4)]),
            ("by_municipality", &[("GM0363", "", 4), ("GM0599", "", 4)]),
            (
                "ground_by_unit",
                &[("HERKOMST", "AMS", 4), ("HERKOMST", "RTM", 4)],
            ),
        ],
        &["by_unit/AMS/", "by_unit/RTM/"],
    );
    assert_eq!(exposed(&two_units, &links()).len(), 6);
    // A year of `trend_by_ground` adds up to `trend` (at least): 4 and 4.
    let trend = marked(
        &[
            ("trend", &[("2023", "", 8)]),
            (
                "trend_by_ground",
                &[("2023", "ANTISEMITISME", 4), ("2023", "HERKOMST", 4)],
            ),
        ],
        &[],
    );
    assert_eq!(exposed(&trend, &links()).len(), 2);
    // 1 + 1: two cells of at least 1 adding up to 2.
    let ones = marked(
        &[
            ("by_ground", &[("HERKOMST", "", 2), ("LEEFTIJD", "", 20)]),
            (
                "ground_by_unit",
                &[
                    ("HERKOMST", "AMS", 1),
                    ("HERKOMST", "RTM", 1),
                    ("LEEFTIJD", "AMS", 10),
                    ("LEEFTIJD", "RTM", 10),
                ],
            ),
        ],
        &[
            "ground_by_unit/LEEFTIJD/AMS/",
            "ground_by_unit/LEEFTIJD/RTM/",
        ],
    );
    assert_eq!(
        exposed(&ones, &links()),
        ["ground_by_unit/HERKOMST/AMS", "ground_by_unit/HERKOMST/RTM"]
    );
    // `true` and `false` of a ground, `<5` each, beside `by_ground` 8.
    let victim = marked(
        &[
            ("by_ground", &[("ANTISEMITISME", "", 8)]),
            (
                "ground_by_police_victim",
                &[("ANTISEMITISME", "true", 4), ("ANTISEMITISME", "false", 4)],
            ),
        ],
        &[],
    );
    assert_eq!(exposed(&victim, &links()).len(), 2);
    // An `x` in a primary table is at least 5 (every 1 to 4 there is `<5`):
    // <5 + x = 6 gives 1 and 5.
    let year = |small: u64, other: u64| {
        let year = [
            ("2023", "ANTISEMITISME", small),
            ("2023", "HERKOMST", other),
        ];
        let trend = [("2023", "", small + other)];
        marked(
            &[("trend", &trend), ("trend_by_ground", &year)],
            &["trend_by_ground/2023/HERKOMST"],
        )
    };
    assert_eq!(exposed(&year(1, 5), &links()).len(), 2);
    // With room both ways the same shape holds: 3 + 7 = 10 leaves 1 to 4.
    let room = year(3, 7);
    assert_eq!(exposed(&room, &links()), Vec::<String>::new());
}

/// The summary stays exact, so two `<5` that are all of it cannot be protected:
/// the report is still produced (with a warning in the log).
#[test]
fn cells_that_only_the_summary_gives_away_stay_beyond_protection() {
    let mut t = tables(&TWO_FOURS_IN_AMS);
    protect(&mut t, &links());
    assert_eq!(
        exposed(&t, &links()),
        ["by_municipality/GM0362/", "by_municipality/GM0363/"]
    );
    assert_eq!(t[0].1[0].incidents, serde_json::Value::from(8));
}

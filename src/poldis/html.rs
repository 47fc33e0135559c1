//! The report as a page a person reads: headline figures, charts (SVG drawn here, no
//! scripts, no external assets) and every table; prints cleanly to PDF.

use std::fmt::Write;

use super::{Cell, Report};

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn shown(c: &Cell) -> String {
    match c.withheld {
        Some(w) => esc(w.mark()),
        None => c.count.to_string(),
    }
}

/// What `<5` and `x` mean, under the headline figures of a publication report.
fn legend(report: &Report) -> String {
    if report.legend.is_empty() {
        return String::new();
    }
    let mut html = String::from("<dl class=legend>");
    for entry in &report.legend {
        let _ = write!(
            html,
            "<dt>{}</dt><dd>{}</dd>",
            esc(&entry.mark),
            esc(&entry.meaning_nl)
        );
    }
    html.push_str("</dl>");
    html
}

fn cells<'a>(report: &'a Report, table: &str) -> &'a [Cell] {
    report
        .tables
        .iter()
        .find(|(n, _)| n == table)
        .map_or(&[], |(_, c)| c.as_slice())
}

/// Horizontal bars, one per cell, longest first.
fn bars(title: &str, items: &[(String, u64)]) -> String {
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let (row, label_w, bar_w) = (22.0, 260.0, 380.0);
    let height = row * items.len() as f64 + 10.0;
    let mut svg = format!(
        r#"<figure><figcaption>{}</figcaption><svg role="img" aria-label="{}" viewBox="0 0 {} {height}" width="100%">"#,
        esc(title),
        esc(title),
        label_w + bar_w + 60.0
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        // The full label is in the table below; the chart keeps to its margin.
        let label: String = match label.chars().count() {
            0..=40 => label.clone(),
            _ => label.chars().take(39).chain(std::iter::once('…')).collect(),
        };
        let w = *n as f64 / max * bar_w;
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text><rect x="{}" y="{y}" width="{w:.1}" height="{}" fill="#1f4e79"/><text x="{}" y="{}" font-size="12">{n}</text>"##,
            label_w - 6.0,
            y + 13.0,
            esc(&label),
            label_w,
            row - 6.0,
            label_w + w + 4.0,
            y + 13.0
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// The bars of a one-dimensional table; withheld cells have none (their size must
/// not show), the table below marks them.
fn one_dimensional(report: &Report, table: &str) -> Vec<(String, u64)> {
    let mut items: Vec<(String, u64)> = cells(report, table)
        .iter()
        .filter(|c| c.withheld.is_none())
        .map(|c| (c.label_nl.clone().unwrap_or_else(|| c.key.clone()), c.count))
        .collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    items
}

/// The Dutch title of a table of the report, with what its keys are (the contract
/// name stays beside it, as the CSV and JSON use it).
fn title(name: &str) -> (&str, &str, &str) {
    match name {
        "summary" => ("Samenvatting", "Kengetal", ""),
        "by_ground" => ("Per discriminatiegrond", "Grond", ""),
        "by_manifestation" => ("Per verschijningsvorm", "Verschijningsvorm", ""),
        "by_domain" => ("Per maatschappelijk terrein", "Terrein", ""),
        "by_article" => ("Per wetsartikel", "Artikel", ""),
        "by_registration_type" => ("Per soort registratie", "Soort", ""),
        "by_channel" => ("Per kanaal", "Kanaal", ""),
        "by_victim_kind" => ("Per soort slachtoffer", "Soort slachtoffer", ""),
        "by_unit" => ("Per eenheid", "Eenheid", ""),
        "by_municipality" => ("Per gemeente", "Gemeente", ""),
        "by_month" => ("Per maand", "Maand", ""),
        "ground_by_unit" => ("Grond per eenheid", "Grond", "Eenheid"),
        "ground_by_manifestation" => ("Grond per verschijningsvorm", "Grond", "Verschijningsvorm"),
        "ground_by_article" => ("Grond per wetsartikel", "Grond", "Artikel"),
        "ground_by_police_victim" => (
            "Grond en politiemedewerker als slachtoffer",
            "Grond",
            "Politiemedewerker slachtoffer",
        ),
        "trend" => ("Ontwikkeling over vijf jaar", "Jaar", ""),
        "trend_by_ground" => ("Ontwikkeling per grond", "Jaar", "Grond"),
        other => (other, "Code", "Subcode"),
    }
}

fn table_html(name: &str, cells: &[Cell]) -> String {
    let two_dimensional = cells.iter().any(|c| !c.subkey.is_empty());
    let (title, key, subkey) = title(name);
    let mut html = format!(
        "<section><h3>{} <small>({})</small></h3><table><thead><tr><th>{}</th>",
        esc(title),
        esc(name),
        esc(key)
    );
    if two_dimensional {
        let _ = write!(html, "<th>{}</th>", esc(subkey));
    }
    html.push_str("<th class=n>incidenten</th></tr></thead><tbody>");
    for c in cells.iter().filter(|c| c.count > 0 || !two_dimensional) {
        let label = c
            .label_nl
            .as_deref()
            .map(|l| format!(" <small>{}</small>", esc(l)))
            .unwrap_or_default();
        let _ = write!(html, "<tr><td>{}{label}</td>", esc(&c.key));
        if two_dimensional {
            let sub = c
                .sublabel_nl
                .as_deref()
                .map(|l| format!(" <small>{}</small>", esc(l)))
                .unwrap_or_default();
            let _ = write!(html, "<td>{}{sub}</td>", esc(&c.subkey));
        }
        let _ = write!(html, "<td class=n>{}</td></tr>", shown(c));
    }
    html.push_str("</tbody></table></section>");
    html
}

/// The report's content: headline figures, charts and every table.
pub fn sections(report: &Report) -> String {
    let summary = |key: &str| {
        cells(report, "summary")
            .iter()
            .find(|c| c.key == key)
            .map_or(0, |c| c.count)
    };
    let scope = report
        .unit
        .as_deref()
        .map_or("alle eenheden".to_owned(), |u| format!("eenheid {u}"));
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<h1>Criminaliteitsbeeld discriminatie {year}</h1>
<p>Door de politie geregistreerde discriminatie-incidenten, {scope}{publication}. Telregels {rules}; codelijsten {codes}; vingerafdruk van de getelde registraties <code>{fp}</code>.</p>
<div class=kpi><div><b>{inc}</b>incidenten</div><div><b>{reg}</b>registraties</div><div><b>{police}</b>met politie als slachtoffer</div><div><b>{multi}</b>met meer dan één grond</div><div><b>{pending}</b>nog niet gescreend</div></div>
"#,
        year = report.year,
        publication = if report.publication {
            " (publicatieversie: kleine aantallen weggelaten, zie de legenda)"
        } else {
            ""
        },
        rules = esc(&report.rules_version),
        codes = esc(&report.code_lists_version[..12.min(report.code_lists_version.len())]),
        fp = esc(&report.fingerprint),
        inc = summary("incidents"),
        reg = summary("registrations"),
        police = summary("police_victim"),
        multi = summary("multiple_grounds"),
        pending = summary("pending"),
    );
    html.push_str(&legend(report));
    html.push_str(&bars(
        "Incidenten per discriminatiegrond",
        &one_dimensional(report, "by_ground"),
    ));
    let trend: Vec<(String, u64)> = cells(report, "trend")
        .iter()
        .map(|c| (c.key.clone(), c.count))
        .collect();
    html.push_str(&bars("Ontwikkeling over vijf jaar", &trend));
    html.push_str(&bars(
        "Incidenten per eenheid",
        &one_dimensional(report, "by_unit"),
    ));
    html.push_str("<h2>Tabellen</h2>");
    for (name, cells) in &report.tables {
        html.push_str(&table_html(name, cells));
    }
    html
}

/// The report's own styles (the web page uses them too).
pub const STYLE: &str = ".poldis .kpi{display:flex;flex-wrap:wrap;gap:1rem} \
.poldis .kpi div{border:1px solid #888;padding:.6rem 1rem;min-width:9rem} \
.poldis .kpi b{display:block;font-size:1.8rem} \
.poldis table{border-collapse:collapse;margin:.5rem 0 1.5rem} \
.poldis td,.poldis th{border:1px solid #999;padding:.2rem .5rem;text-align:left} \
.poldis .n{text-align:right} .poldis small{color:#444} \
.poldis figure{margin:1rem 0;break-inside:avoid} .poldis figcaption{font-weight:bold} \
.poldis section{break-inside:avoid} \
.poldis .legend dt{float:left;clear:left;width:2rem;font-weight:bold} .poldis .legend dd{margin-left:2.5rem} \
@media print{.poldis .kpi div{border-color:#000}}";

/// The report as a document of its own: readable offline and printed to PDF.
pub fn render(report: &Report) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Poldis {year}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;color:#111;max-width:60rem;margin:2rem auto;\
         padding:0 1rem;line-height:1.4}} h1{{color:#1f4e79}} @media print{{body{{margin:0}}}} {STYLE}</style>\
         </head><body><div class=\"poldis\">\n{}</div></body></html>\n",
        sections(report),
        year = report.year,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(esc("<script>&\""), "&lt;script&gt;&amp;&quot;");
    }
}

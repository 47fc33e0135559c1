//! The monitor as a page a person reads: headline figures, charts (SVG drawn here,
//! police and ADV side by side; no scripts, no external assets) and every table, which
//! is also the charts' text alternative. Prints cleanly to PDF.

use std::fmt::Write;

use maud::{html, Markup, PreEscaped};

use super::{Figure, Monitor, Table};

const POLICE_COLOUR: &str = "#1f4e79";
const ADV_COLOUR: &str = "#b35900";

/// Paired horizontal bars (police, ADV) per row of `table`; a withheld or absent
/// figure has no bar (its size must not show), the table marks it.
fn paired_bars(title: &str, table: &Table) -> String {
    let rows: Vec<_> = table
        .rows
        .iter()
        .filter(|r| r.values.iter().take(2).any(|v| v.count().unwrap_or(0) > 0))
        .collect();
    let max = rows
        .iter()
        .flat_map(|r| r.values.iter().take(2).filter_map(|v| v.count()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (row_h, label_w, bar_w) = (34.0, 280.0, 360.0);
    let height = row_h * rows.len() as f64 + 30.0;
    let mut svg = format!(
        r#"<figure><figcaption>{title}</figcaption><svg role="img" aria-labelledby="{id}-t" viewBox="0 0 {} {height}" width="100%"><title id="{id}-t">{title}: politie (blauw) en ADV (oranje); de cijfers staan in de tabel eronder</title>"#,
        label_w + bar_w + 60.0,
        id = table.name,
        title = esc(title),
    );
    let _ = write!(
        svg,
        r#"<rect x="{label_w}" y="4" width="12" height="12" fill="{POLICE_COLOUR}"/><text x="{}" y="14" font-size="12">Politie</text><rect x="{}" y="4" width="12" height="12" fill="{ADV_COLOUR}"/><text x="{}" y="14" font-size="12">ADV</text>"#,
        label_w + 16.0,
        label_w + 80.0,
        label_w + 96.0
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 26.0 + i as f64 * row_h;
        let label: String = match r.label_nl.chars().count() {
            0..=40 => r.label_nl.clone(),
            _ => r
                .label_nl
                .chars()
                .take(39)
                .chain(std::iter::once('…'))
                .collect(),
        };
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>"#,
            label_w - 6.0,
            y + 17.0,
            esc(&label)
        );
        for (j, colour) in [POLICE_COLOUR, ADV_COLOUR].iter().enumerate() {
            if let Some(n) = r.values.get(j).and_then(|v| v.count()) {
                let w = n as f64 / max * bar_w;
                let top = y + j as f64 * 14.0;
                let _ = write!(
                    svg,
                    r#"<rect x="{label_w}" y="{top}" width="{w:.1}" height="12" fill="{colour}"/><text x="{}" y="{}" font-size="11">{n}</text>"#,
                    label_w + w + 4.0,
                    top + 10.0
                );
            }
        }
    }
    svg.push_str("</svg></figure>");
    svg
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table_markup(t: &Table) -> Markup {
    let two_keys = t.rows.iter().any(|r| !r.subkey.is_empty());
    html! {
        section id=(t.name) {
            @if !t.note_nl.is_empty() { p.hint id=(format!("{}-uitleg", t.name)) { (t.note_nl) } }
            table aria-describedby=[(!t.note_nl.is_empty()).then(|| format!("{}-uitleg", t.name))] {
                caption { (t.title_nl) }
                thead { tr {
                    th scope="col" { @if two_keys { "Gemeente" } @else { "Categorie" } }
                    @if two_keys { th scope="col" { "Grond" } }
                    @for c in &t.columns { th.n scope="col" { (c.label_nl) } }
                } }
                tbody {
                    @for r in &t.rows {
                        tr {
                            th scope="row" {
                                (r.label_nl)
                                @if !two_keys && !r.sublabel_nl.is_empty() { br; small { (r.sublabel_nl) } }
                            }
                            @if two_keys { td { (r.sublabel_nl) } }
                            @for v in &r.values { td.n { (v.dutch()) } }
                        }
                    }
                }
            }
        }
    }
}

fn summary_value(m: &Monitor, key: &str) -> String {
    m.table("summary")
        .and_then(|t| t.rows.iter().find(|r| r.key == key))
        .and_then(|r| r.values.first().copied())
        .unwrap_or(Figure::Absent)
        .dutch()
}

/// The monitor's title, as its page's `h1`.
pub fn heading(m: &Monitor) -> Markup {
    html! { h1 { "Discriminatiecijfers in " (m.year) ", " (m.unit_label) } }
}

/// The monitor's content under its heading: headline figures, charts and every table.
pub fn sections(m: &Monitor) -> Markup {
    html! {
        p {
            "Door de politie geregistreerde discriminatie-incidenten (telregels " (m.poldis_rules_version)
            ") en meldingen bij de antidiscriminatievoorzieningen (ADV) van de gemeenten in de eenheid, naast elkaar. "
            "ADV-categorieën zijn omgezet naar politiecodes volgens koppeling " (m.mapping_version) "; waar geen tegenhanger bestaat staat de categorie apart. "
            (m.adv_municipalities) " van de " (m.municipalities) " gemeenten leverden ADV-cijfers aan."
            @if m.publication { " Publicatieversie: kleine aantallen bij de politie weggelaten, zie de legenda." }
        }
        div.kpi {
            div { b { (summary_value(m, "police_incidents")) } " incidenten (politie)" }
            div { b { (summary_value(m, "police_registrations")) } " registraties (politie)" }
            div { b { (summary_value(m, "adv_reports")) } " meldingen (ADV)" }
        }
        @if !m.legend.is_empty() {
            dl.legend { @for e in &m.legend { dt { (e.mark) } dd { (e.meaning_nl) } } }
        }
        @if let Some(t) = m.table("by_ground") { (PreEscaped(paired_bars("Per discriminatiegrond", t))) }
        @if let Some(t) = m.table("trend") { (PreEscaped(paired_bars("Ontwikkeling over vijf jaar", t))) }
        h2 { "Tabellen" }
        @for t in &m.tables { (table_markup(t)) }
        p.hint { "Vingerafdruk van de getelde registraties: " code { (m.fingerprint) } }
    }
}

/// The monitor as a document of its own: readable offline and printed to PDF.
pub fn render(m: &Monitor) -> String {
    let body = html! {
        (maud::DOCTYPE)
        html lang="nl" {
            head {
                meta charset="utf-8";
                title { "Discriminatiecijfers " (m.year) " " (m.unit_label) }
                style { (PreEscaped("body{font-family:system-ui,sans-serif;color:#111;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4} h1{color:#1f4e79} .hint{color:#444} caption{text-align:left;font-weight:bold;font-size:1.1rem;padding:.3rem 0} @media print{body{margin:0}} ")) (PreEscaped(crate::poldis::HTML_STYLE.replace(".poldis", ".monitor"))) }
            }
            body { main.monitor { (heading(m)) (sections(m)) } }
        }
    };
    body.into_string()
}

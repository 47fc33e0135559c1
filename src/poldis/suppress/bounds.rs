//! The check: what a reader can work out of the withheld cells from the published
//! figures, every linear relation between them, and the bounds the marks give
//! (`<5` is 1 to 4, an `x` at least [`Sheet::floor`]): bound tightening (interval
//! propagation) over the relations and their Gauss–Jordan reduction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::sheet::Sheet;
use super::Relation;

/// The whole numbers a reader knows a cell to lie in, `lo..=hi` (`hi` may be
/// infinite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Range {
    pub(super) lo: f64,
    pub(super) hi: f64,
}

impl Range {
    fn is_exact(&self) -> bool {
        self.hi - self.lo < 0.5
    }
}

/// A relation over the withheld cells only: `Σ a·x = value`, the published cells
/// moved to the known side. A reader is taken to know every relation exactly, also
/// where the report only gives a bound (several grounds per incident): knowing more
/// can only narrow what they can work out, never widen it.
#[derive(Debug, Clone)]
pub(super) struct Equation {
    pub(super) terms: Vec<(usize, f64)>,
    pub(super) value: f64,
}

/// Small enough for counts up to millions, large enough for rounding in the
/// elimination.
pub(super) const EPS: f64 = 1e-6;

/// Bound tightening stops after this many passes even when it could go on (it
/// always ends: every pass moves a whole-number bound towards the true count).
pub(super) const MAX_PASSES: usize = 1000;

impl Sheet {
    /// What a reader knows of each cell before using any relation: a published cell
    /// is its count; a `<5` is 1 to 4 (the legend); an `x` is at least
    /// [`Sheet::floor`], with no upper bound.
    pub(super) fn bounds(&self) -> Vec<Range> {
        (0..self.count.len())
            .map(|i| match (self.hidden[i], self.small[i]) {
                (false, _) => Range {
                    lo: self.count[i] as f64,
                    hi: self.count[i] as f64,
                },
                (true, true) => Range { lo: 1.0, hi: 4.0 },
                (true, false) => Range {
                    lo: self.floor(i) as f64,
                    hi: f64::INFINITY,
                },
            })
            .collect()
    }

    /// The relations over the withheld cells (see [`Equation`]).
    pub(super) fn equations(&self, relations: &[Relation]) -> Vec<Equation> {
        relations
            .iter()
            .filter_map(|r| {
                let mut terms: BTreeMap<usize, f64> = BTreeMap::new();
                for (i, a) in r.iter().filter(|(i, _)| self.hidden[*i]) {
                    *terms.entry(*i).or_default() += a;
                }
                terms.retain(|_, a| a.abs() > EPS);
                let value = terms.iter().map(|(i, a)| a * self.count[*i] as f64).sum();
                (!terms.is_empty()).then(|| Equation {
                    terms: terms.into_iter().collect(),
                    value,
                })
            })
            .collect()
    }
}

/// Gauss–Jordan elimination of the equations: the reduced rows express each pivot
/// cell by the free ones, so a cell the relations determine on their own ends up
/// alone in its row, and bound tightening over the reduced rows also sees
/// combinations of relations in which a cell is never alone.
pub(super) fn reduce(equations: &[Equation]) -> Vec<Equation> {
    let unknowns: Vec<usize> = equations
        .iter()
        .flat_map(|e| e.terms.iter().map(|(i, _)| *i))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let column: HashMap<usize, usize> = unknowns.iter().enumerate().map(|(c, i)| (*i, c)).collect();
    let n = unknowns.len();
    // Each row: the coefficients, then the value.
    let mut rows: Vec<Vec<f64>> = equations
        .iter()
        .map(|e| {
            let mut row = vec![0.0; n + 1];
            for (i, a) in &e.terms {
                row[column[i]] += a;
            }
            row[n] = e.value;
            row
        })
        .collect();
    let mut next = 0;
    for c in 0..n {
        let Some(p) =
            (next..rows.len()).max_by(|a, b| rows[*a][c].abs().total_cmp(&rows[*b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < EPS {
            continue;
        }
        rows.swap(next, p);
        let pivot = rows[next][c];
        rows[next].iter_mut().for_each(|a| *a /= pivot);
        let pivot_row = rows[next].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            let factor = row[c];
            if r != next && factor.abs() > 1e-12 {
                for (a, p) in row.iter_mut().zip(&pivot_row) {
                    *a -= factor * p;
                }
            }
        }
        next += 1;
    }
    rows.truncate(next);
    rows.into_iter()
        .map(|row| Equation {
            terms: (0..n)
                .filter(|c| row[*c].abs() > EPS)
                .map(|c| (unknowns[c], row[c]))
                .collect(),
            value: row[n],
        })
        .collect()
}

/// One pass of bound tightening over `Σ a·x = value`: each term `a_i·x_i` lies
/// between `value` less the largest and `value` less the smallest the other terms
/// can add up to; cells are whole numbers, so the bounds round inwards.
pub(super) fn tighten_by(ranges: &mut [Range], e: &Equation) -> bool {
    let span = |(i, a): &(usize, f64), ranges: &[Range]| {
        let r = ranges[*i];
        if *a > 0.0 {
            (a * r.lo, a * r.hi)
        } else {
            (a * r.hi, a * r.lo)
        }
    };
    // The finite parts of the sums, and how many terms are unbounded.
    let (mut low, mut high, mut low_open, mut high_open) = (0.0, 0.0, 0, 0);
    for t in &e.terms {
        let (l, h) = span(t, ranges);
        if l.is_finite() {
            low += l
        } else {
            low_open += 1
        }
        if h.is_finite() {
            high += h
        } else {
            high_open += 1
        }
    }
    let mut changed = false;
    for t in &e.terms {
        let (l, h) = span(t, ranges);
        let others_low = match (low_open, l.is_finite()) {
            (0, _) | (1, false) => low - if l.is_finite() { l } else { 0.0 },
            _ => f64::NEG_INFINITY,
        };
        let others_high = match (high_open, h.is_finite()) {
            (0, _) | (1, false) => high - if h.is_finite() { h } else { 0.0 },
            _ => f64::INFINITY,
        };
        let (i, a) = *t;
        let (p, q) = ((e.value - others_high) / a, (e.value - others_low) / a);
        let (lo, hi) = if a > 0.0 { (p, q) } else { (q, p) };
        let r = &mut ranges[i];
        let (lo, hi) = ((lo - EPS).ceil(), (hi + EPS).floor());
        if lo > r.lo + 0.5 {
            r.lo = lo;
            changed = true;
        }
        if hi < r.hi - 0.5 {
            r.hi = hi;
            changed = true;
        }
    }
    changed
}

/// Bound tightening to a fixed point (interval propagation).
pub(super) fn tighten(ranges: &mut [Range], equations: &[Equation]) {
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        for e in equations {
            changed |= tighten_by(ranges, e);
        }
        if !changed {
            return;
        }
    }
    tracing::debug!("poldis: bound tightening stopped after {MAX_PASSES} passes");
}

/// The withheld cells a reader can work out exactly from the relations and the
/// bounds of [`Sheet::bounds`]: bound tightening over the relations and over their
/// Gauss–Jordan reduction ([`reduce`]), a cell being given away when its range
/// shrinks to one number. Sound (a cell it names is determined); as complete as
/// interval propagation, which may miss a cell only a full integer solve would pin.
pub(super) fn pinned(sheet: &Sheet, relations: &[Relation]) -> Vec<usize> {
    let mut equations = sheet.equations(relations);
    let reduced = reduce(&equations);
    equations.extend(reduced);
    let mut ranges = sheet.bounds();
    tighten(&mut ranges, &equations);
    (0..ranges.len())
        .filter(|i| sheet.hidden[*i] && !sheet.is_slack(*i) && ranges[*i].is_exact())
        .collect()
}

/// The cells a reader could work out even if every cell that may be withheld were
/// withheld as `x`: no suppression protects them, since the summary and `trend` stay
/// exact (domain.md "Publication"). Withholding a cell only widens what a reader
/// knows of it, so every other exposed cell can be protected by withholding more.
pub(super) fn beyond_protection(sheet: &Sheet, relations: &[Relation]) -> Vec<usize> {
    let mut most = sheet.clone();
    most.hidden = (0..sheet.count.len())
        .map(|i| sheet.hidden[i] || sheet.can_hide(i))
        .collect();
    pinned(&most, relations)
}

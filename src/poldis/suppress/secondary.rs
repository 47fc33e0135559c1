//! Secondary suppression outside the hypercube step: which cell to withhold next
//! when a relation gives a withheld cell away.

use std::collections::BTreeSet;

use super::sheet::Sheet;
use super::Relation;

/// A relation holding exactly one withheld cell gives it away: another cell of the
/// relation is withheld too ([`hide_one`]).
pub(super) fn pair(sheet: &mut Sheet, relation: &Relation) -> bool {
    // The unknowns of units are not withheld cells: a cell beside one is still paired
    // (more protection, never less).
    let withheld = relation
        .iter()
        .filter(|(i, _)| sheet.hidden[*i] && !sheet.is_slack(*i))
        .count();
    if withheld != 1 {
        return false;
    }
    hide_one(sheet, relation.iter().map(|(i, _)| *i))
}

/// Withholds the best of `candidates`: a cell inside a table before a margin (as the
/// hypercube step, τ-ARGUS: a margin is read most); then one that, once withheld,
/// can move down as well as up (its count above [`Sheet::floor`]), so that the
/// relation gets slack both ways; then the smallest count.
pub(super) fn hide_one(sheet: &mut Sheet, candidates: impl Iterator<Item = usize>) -> bool {
    let best = candidates.filter(|i| sheet.can_hide(*i)).min_by_key(|i| {
        let no_slack = sheet.count[*i] <= sheet.floor(*i);
        (sheet.is_margin(*i), no_slack, sheet.count[*i])
    });
    match best {
        Some(i) => {
            sheet.hidden[i] = true;
            true
        }
        None => false,
    }
}

/// A cell is exposed: withholds one more cell of a relation holding an exposed
/// cell ([`hide_one`] chooses among all such relations). False when none is left
/// to withhold: the exposed cells are then beyond protection (the summary stays
/// exact, domain.md "Publication").
pub(super) fn widen(sheet: &mut Sheet, relations: &[Relation], exposed: &[usize]) -> bool {
    let candidates: BTreeSet<usize> = relations
        .iter()
        .filter(|r| r.iter().any(|(i, _)| exposed.contains(i)))
        .flat_map(|r| r.iter().map(|(i, _)| *i))
        .collect();
    hide_one(sheet, candidates.into_iter())
}

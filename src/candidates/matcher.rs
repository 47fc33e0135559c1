//! Term matching for the candidate scan: case-insensitive, accents ignored, whole
//! words, `*` for prefixes; one Aho-Corasick automaton over normalised text.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lower case without accents: "Marokkaanse Zoë" → "marokkaanse zoe". Appends to `out`.
pub fn normalise_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            });
        }
    }
}

pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

struct Term {
    /// As written in the terms file, reported in `matched`.
    label: String,
    /// Matches any word that starts with the term.
    prefix: bool,
}

/// The compiled term list.
pub struct Matcher {
    /// Over normalised text.
    automaton: AhoCorasick,
    /// The same patterns, ASCII case folded by the automaton itself: ASCII text (most
    /// narratives) is searched as it is, without a normalised copy.
    ascii: AhoCorasick,
    terms: Vec<Term>,
    buffer: String,
}

impl Matcher {
    /// Terms one per line; `#` starts a comment; blank lines are skipped.
    pub fn from_list(list: &str) -> anyhow::Result<Matcher> {
        let mut patterns = Vec::new();
        let mut terms = Vec::new();
        for line in list.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (word, prefix) = match line.strip_suffix('*') {
                Some(w) => (w.trim(), true),
                None => (line, false),
            };
            anyhow::ensure!(
                !word.is_empty(),
                "the term {line:?} has nothing before its *"
            );
            patterns.push(normalise(word));
            terms.push(Term {
                label: line.to_owned(),
                prefix,
            });
        }
        let build = |fold: bool| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .ascii_case_insensitive(fold)
                .build(&patterns)
        };
        Ok(Matcher {
            automaton: build(false)?,
            ascii: build(true)?,
            terms,
            buffer: String::new(),
        })
    }

    /// The terms found in `text` as whole words (or word starts for `*` terms), in
    /// the order of the list, each once.
    pub fn find(&mut self, text: &str) -> Vec<&str> {
        let (automaton, hay) = if text.is_ascii() {
            (&self.ascii, text)
        } else {
            self.buffer.clear();
            normalise_into(text, &mut self.buffer);
            (&self.automaton, self.buffer.as_str())
        };
        let mut found: Vec<usize> = Vec::new();
        for m in automaton.find_overlapping_iter(hay) {
            let term = &self.terms[m.pattern().as_usize()];
            let starts_word = hay[..m.start()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let ends_word = term.prefix
                || hay[m.end()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
            if starts_word && ends_word && !found.contains(&m.pattern().as_usize()) {
                found.push(m.pattern().as_usize());
            }
        }
        found.sort_unstable();
        found
            .into_iter()
            .map(|i| self.terms[i].label.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(list: &str, text: &str) -> Vec<String> {
        let mut m = Matcher::from_list(list).expect("terms");
        m.find(text).into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(
            found("homo", "Het slachtoffer werd uitgemaakt voor homo."),
            ["homo"]
        );
        assert!(found("homo", "Homogene groep jongeren hing rond.").is_empty());
        assert!(found("jood", "Een joodsche kalender? nee: jodium.").is_empty());
    }

    #[test]
    fn case_and_accents_are_ignored() {
        assert_eq!(
            found("hakenkruis", "Een HAKENKRUIS op de gevel"),
            ["hakenkruis"]
        );
        assert_eq!(found("zoe", "getuige Zoë"), ["zoe"]);
        assert_eq!(found("café", "naar het CAFE"), ["café"]);
    }

    #[test]
    fn a_star_matches_word_starts() {
        assert_eq!(found("marokkaan*", "een vieze Marokkaan"), ["marokkaan*"]);
        assert_eq!(
            found("marokkaan*", "Marokkanen"),
            Vec::<String>::new(),
            "the word must start with the term"
        );
        assert_eq!(
            found("marokka*", "Marokkanen en een Marokkaan"),
            ["marokka*"]
        );
        assert!(
            found("marokkaan*", "anti-marokkaans").len() == 1,
            "a hyphen separates words"
        );
        assert!(found("nazi*", "denazificatie").is_empty());
    }

    #[test]
    fn several_terms_and_phrases() {
        let list = "# comment\nsieg heil\nhomo\nflikker*\n";
        assert_eq!(
            found(list, "Riep Sieg Heil en flikkers naar de homo"),
            ["sieg heil", "homo", "flikker*"]
        );
    }
}

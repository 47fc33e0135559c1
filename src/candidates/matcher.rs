//! Term matching for the candidate scan: case-insensitive, accents ignored, white
//! space of any kind as one space, invisible format characters ignored, whole words,
//! `*` for prefixes; one Aho-Corasick automaton over normalised text
//! (`docs/screening.md`, "Matching").

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lower case without accents, every run of white space (any Unicode space, tab, line
/// break) as one space, and format characters (zero-width spaces and joiners, soft
/// hyphens, bidirectional marks, byte order marks) left out:
/// "Sieg\u{a0}\u{a0}Heil, Zoë" → "sieg heil, zoe". Appends to `out`.
pub fn normalise_into(text: &str, out: &mut String) {
    if is_plain_ascii(text) {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    let mut space = false;
    for c in text.chars() {
        // ASCII first: most characters of most narratives.
        if c.is_ascii() {
            if c.is_ascii_whitespace() || c == '\u{b}' {
                space = true;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if is_ignored_format(c) {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.extend(d.to_lowercase());
            }
        });
    }
    if space {
        out.push(' ');
    }
}

/// ASCII text whose white space is single spaces: normalised by lower-casing alone.
/// (Most narratives; checked with SIMD searches, so the check costs little. A vertical
/// tab or form feed in otherwise plain ASCII text is not looked for: they separate
/// words there, but a phrase spanning one is not found.)
fn is_plain_ascii(text: &str) -> bool {
    static TWO_SPACES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    text.is_ascii()
        && memchr::memchr3(b'\t', b'\n', b'\r', text.as_bytes()).is_none()
        && TWO_SPACES.find(text.as_bytes()).is_none()
}

/// Format characters (Unicode category Cf) that text pasted from other programs
/// carries invisibly and that matching ignores.
pub fn is_ignored_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
    )
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
    /// Entries of the list that cannot match as written, as `line N: term …: …`.
    pub problems: Vec<String>,
}

impl Matcher {
    /// Terms one per line (a byte order mark at the start is skipped); `#` starts a
    /// comment; blank lines are skipped. Entries that cannot match as written are
    /// reported in [`Matcher::problems`] (`line N: term: …`): one that is empty once
    /// normalised is left out, one with characters matching ignores is kept without
    /// them.
    pub fn from_list(list: &str) -> anyhow::Result<Matcher> {
        let mut patterns = Vec::new();
        let mut terms = Vec::new();
        let mut problems = Vec::new();
        let list = list.strip_prefix('\u{feff}').unwrap_or(list);
        for (n, line) in list.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            // What matching ignores, and control characters no narrative holds, are
            // left out of the term (and of how the term is shown).
            let clean: String = line
                .chars()
                .filter(|&c| !is_ignored_format(c) && !c.is_control())
                .collect();
            let (word, prefix) = match clean.strip_suffix('*') {
                Some(w) => (w.trim(), true),
                None => (clean.as_str(), false),
            };
            let pattern = normalise(word);
            if pattern.trim().is_empty() {
                problems.push(format!(
                    "line {}: term {line:?}: nothing is left of it once normalised; left out",
                    n + 1
                ));
                continue;
            }
            if let Some(c) = line
                .chars()
                .find(|&c| is_ignored_format(c) || c.is_control())
            {
                problems.push(format!(
                    "line {}: term {line:?}: holds U+{:04X}, which matching ignores; matched and shown without it",
                    n + 1,
                    u32::from(c)
                ));
            }
            patterns.push(pattern.trim().to_owned());
            terms.push(Term {
                label: clean.trim().to_owned(),
                prefix,
            });
        }
        if terms.is_empty() {
            problems.push("the list holds no term: the scan matches codes only".to_owned());
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
            problems,
        })
    }

    /// The terms found in `text` as whole words (or word starts for `*` terms), in
    /// the order of the list, each once.
    pub fn find(&mut self, text: &str) -> Vec<&str> {
        let (automaton, hay) = if is_plain_ascii(text) {
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
    fn white_space_of_any_kind_and_invisible_characters_do_not_split_a_phrase() {
        for text in [
            "riep sieg  heil",
            "riep sieg\theil",
            "riep sieg\r\nheil",
            "riep Sieg\u{a0}Heil",
            "riep sieg\u{2003}\u{202f} heil",
            "riep sieg\u{200b} heil",
            "riep si\u{ad}eg heil",
            "riep \u{feff}sieg heil",
        ] {
            assert_eq!(found("sieg heil", text), ["sieg heil"], "{text:?}");
        }
        assert_eq!(found("sieg  heil", "Sieg Heil!"), ["sieg  heil"]);
        assert!(found("sieg heil", "siegheil").is_empty());
    }

    #[test]
    fn a_bom_and_unmatchable_entries_of_a_list_are_handled_and_reported() {
        let m =
            Matcher::from_list("\u{feff}hakenkruis\n\u{200b}\nne\u{200b}ger*\n").expect("terms");
        assert_eq!(m.terms.len(), 2);
        assert_eq!(m.terms[0].label, "hakenkruis");
        assert_eq!(m.problems.len(), 2, "{:?}", m.problems);
        assert!(
            m.problems[0].starts_with("line 2: term"),
            "{:?}",
            m.problems
        );
        assert!(m.problems[1].contains("U+200B"), "{:?}", m.problems);
        assert_eq!(
            found("\u{feff}hakenkruis", "Een hakenkruis"),
            ["hakenkruis"]
        );
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

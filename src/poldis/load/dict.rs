//! Codes as small numbers.

/// Codes (and other repeated texts) as small numbers: a million registrations hold
/// only a few hundred distinct values, and numbers are cheap to store and to group.
#[derive(Default)]
pub struct Dict {
    // FxHash: the keys are short codes hashed once per field per row; SipHash's
    // protection against crafted keys buys nothing here.
    index: rustc_hash::FxHashMap<String, u32>,
    pub values: Vec<String>,
}

impl Dict {
    pub fn code(&mut self, text: &str) -> u32 {
        if let Some(c) = self.index.get(text) {
            return *c;
        }
        let c = self.values.len() as u32;
        self.values.push(text.to_owned());
        self.index.insert(text.to_owned(), c);
        c
    }

    /// The number of a text, or one that matches nothing.
    pub fn get(&self, text: &str) -> u32 {
        self.index.get(text).copied().unwrap_or(u32::MAX)
    }

    pub fn text(&self, code: u32) -> &str {
        self.values.get(code as usize).map_or("", String::as_str)
    }
}

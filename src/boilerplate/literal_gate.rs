//! The `requires` gate of the gated rule patterns: which of a few dozen literals (ASCII
//! case-insensitive) a line holds.
//!
//! Every line up to the longest `max_chars` asks it, and ~89 % of syn50k's answer no, so
//! the yes/no is the hot part: ~10 % of a one-thread `chaff dedup` profile. An
//! Aho-Corasick DFA spends one dependent table load per byte, so one walk is bound by
//! load latency, not by work. [`LiteralGate::holds_any`] therefore walks a line as two or
//! four lanes side by side, each from the unanchored start state, overlapping by the
//! longest literal less one byte so that every occurrence lies whole inside some lane.
//! Measured on syn50k's 738,880 gate lines (85 MB, one core): 137 ms with
//! `AhoCorasick::is_match`, 80 ms with the lanes (a const-generic lane count ran at 97 ms,
//! hence the two written-out walks).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, Input};

/// Lines at least this long (bytes) are walked as four lanes, shorter ones from
/// [`TWO_LANES`] as two, the rest as one (fastest on syn50k's gate lines).
const FOUR_LANES: usize = 128;
/// See [`FOUR_LANES`].
const TWO_LANES: usize = 48;

/// A set of literals, searched ASCII case-insensitively.
pub struct LiteralGate {
    dfa: DFA,
    start: StateID,
    /// Bytes of the longest literal, less one: how far each lane runs into the next.
    overlap: usize,
}

impl LiteralGate {
    /// The gate of `literals`; literal `i` is pattern `i` of [`LiteralGate::found`].
    pub fn new(literals: &[String]) -> Result<Self, String> {
        let dfa = aho_corasick::dfa::Builder::new()
            .ascii_case_insensitive(true)
            .build(literals)
            .map_err(|e| e.to_string())?;
        let start = dfa.start_state(Anchored::No).map_err(|e| e.to_string())?;
        let overlap = literals.iter().map(String::len).max().unwrap_or(0);
        Ok(LiteralGate {
            dfa,
            start,
            overlap: overlap.saturating_sub(1),
        })
    }

    /// Whether `text` holds any of the literals.
    pub fn holds_any(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        // The lanes must be longer than their overlap to save anything.
        let n = bytes.len();
        if self.dfa.is_match(self.start) {
            return true;
        }
        if n >= FOUR_LANES && n / 4 > self.overlap {
            self.four_lanes(bytes)
        } else if n >= TWO_LANES && n / 2 > self.overlap {
            self.two_lanes(bytes)
        } else {
            self.walk(self.start, bytes)
        }
    }

    /// Pattern index of every occurrence of a literal in `text`, overlapping ones included.
    pub fn found<'a>(&'a self, text: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.dfa
            .try_find_overlapping_iter(Input::new(text))
            .ok()
            .into_iter()
            .flatten()
            .map(|m| m.pattern().as_usize())
    }

    /// Walks `bytes` on from state `s`: whether a match state is reached.
    #[inline(always)]
    fn walk(&self, mut s: StateID, bytes: &[u8]) -> bool {
        for &b in bytes {
            s = self.dfa.next_state(Anchored::No, s, b);
            if self.dfa.is_match(s) {
                return true;
            }
        }
        false
    }

    /// `bytes` as lanes [0, h + overlap) and [h, n), h = n / 2, walked in lockstep.
    fn two_lanes(&self, bytes: &[u8]) -> bool {
        let n = bytes.len();
        let h = n / 2;
        let (a, b) = (&bytes[..h + self.overlap], &bytes[h..]);
        let (mut sa, mut sb) = (self.start, self.start);
        let m = a.len().min(b.len());
        for (&x, &y) in a[..m].iter().zip(&b[..m]) {
            sa = self.dfa.next_state(Anchored::No, sa, x);
            sb = self.dfa.next_state(Anchored::No, sb, y);
            if self.dfa.is_match(sa) | self.dfa.is_match(sb) {
                return true;
            }
        }
        self.walk(sa, &a[m..]) || self.walk(sb, &b[m..])
    }

    /// `bytes` as lanes [kq, kq + q + overlap) for k < 3 and [3q, n), q = n / 4, walked in
    /// lockstep.
    fn four_lanes(&self, bytes: &[u8]) -> bool {
        let n = bytes.len();
        let q = n / 4;
        let lane = |k: usize| &bytes[k * q..(k * q + q + self.overlap).min(n)];
        let (a, b, c, d) = (lane(0), lane(1), lane(2), &bytes[3 * q..]);
        let mut s = [self.start; 4];
        let m = a.len().min(b.len()).min(c.len()).min(d.len());
        for i in 0..m {
            s[0] = self.dfa.next_state(Anchored::No, s[0], a[i]);
            s[1] = self.dfa.next_state(Anchored::No, s[1], b[i]);
            s[2] = self.dfa.next_state(Anchored::No, s[2], c[i]);
            s[3] = self.dfa.next_state(Anchored::No, s[3], d[i]);
            if self.dfa.is_match(s[0])
                | self.dfa.is_match(s[1])
                | self.dfa.is_match(s[2])
                | self.dfa.is_match(s[3])
            {
                return true;
            }
        }
        self.walk(s[0], &a[m..])
            || self.walk(s[1], &b[m..])
            || self.walk(s[2], &c[m..])
            || self.walk(s[3], &d[m..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals() -> Vec<String> {
        [
            "follow",
            "may not be",
            "الصحافة",
            "微信扫一扫",
            "(afp",
            ";",
            "©",
            "offre",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// The reference answer: the crate's own search.
    fn reference(lits: &[String]) -> aho_corasick::AhoCorasick {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(lits)
            .unwrap()
    }

    #[test]
    fn a_literal_across_every_lane_edge_is_found() {
        let lits = literals();
        let gate = LiteralGate::new(&lits).unwrap();
        let filler = "plain words of no interest ";
        for len in [0usize, 1, 47, 48, 49, 60, 127, 128, 129, 200, 333, 700] {
            let base: String = filler.chars().cycle().take(len).collect();
            assert!(!gate.holds_any(&base), "{len}: {base:?}");
            for lit in &lits {
                // The literal at every byte offset of the line (char boundaries only).
                for at in (0..=base.len()).filter(|&i| base.is_char_boundary(i)) {
                    let text = format!("{}{}{}", &base[..at], lit.to_uppercase(), &base[at..]);
                    assert!(gate.holds_any(&text), "{lit:?} at {at} of {len}");
                }
            }
        }
    }

    #[test]
    fn holds_any_agrees_with_aho_corasick_on_generated_lines() {
        let lits = literals();
        let gate = LiteralGate::new(&lits).unwrap();
        let ac = reference(&lits);
        // Pieces that make literals likely, nearly-literals and non-ASCII text.
        let pieces = [
            "fol",
            "low",
            "FOLLOW",
            "may not",
            " be",
            "الصح",
            "افة",
            "微信",
            "扫一扫",
            "(af",
            "p",
            "AFP",
            ";",
            "©",
            "off",
            "re",
            "words ",
            "é",
            "x",
            " ",
            "plain ",
            "text ",
            "of ",
            "no ",
            "interest ",
            "at ",
            "all ",
            "here ",
            "and ",
            "there ",
            "more ",
            "lines ",
        ];
        let mut next = crate::testutil::xorshift(0x2545_f491_4f6c_dd1d);
        let mut hits = 0;
        for _ in 0..20_000 {
            let count = (next() % 60) as usize;
            let text: String = (0..count)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let want = ac.is_match(&text);
            assert_eq!(gate.holds_any(&text), want, "{text:?}");
            hits += usize::from(want);
            let mut got: Vec<usize> = gate.found(&text).collect();
            let mut expected: Vec<usize> = ac
                .find_overlapping_iter(&text)
                .map(|m| m.pattern().as_usize())
                .collect();
            got.sort_unstable();
            expected.sort_unstable();
            assert_eq!(got, expected, "{text:?}");
        }
        assert!(
            hits > 1_000 && hits < 19_000,
            "both answers are exercised: {hits}"
        );
    }
}

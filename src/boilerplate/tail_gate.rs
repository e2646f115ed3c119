//! The `before_tail` gate of a line rule: a cheap test that a credit-like line
//! pattern (a name, then a chain of more credits, then the end of the line) could
//! match at all, so the pattern itself runs only on the few lines that pass.
//!
//! The gate holds a regex for the names (`before_tail`). A line passes when some
//! match of it ends right before optional whitespace and then a credit separator
//! (`/`, `,`, `;`, `via`, `عبر`) or the end of the line (optionally after a final
//! `.`, `)` or `）`). The candidate ends are found in one pass over the line's bytes,
//! and at each the names are matched backwards by a reverse lazy DFA, anchored there,
//! after a two-byte table has ruled out most of them.
//!
//! Why: the built-in photo-credit pattern ends with `$` and a chain of name runs, so
//! its reverse search walked back over most of every prose line, and its automaton,
//! rich in Unicode letter classes, kept building new states all run long. Measured on
//! syn50k (two threads): 12-13 % of `chaff dedup`'s time went to it; 1 % of the
//! lines pass this gate.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::util::start;
use regex_automata::{Anchored, Input};
use std::panic::{RefUnwindSafe, UnwindSafe};

/// Bit i set when byte i of `block` may start a credit separator (`/`, `,`, `;`, the `v`
/// of `via`), and whether any byte is not ASCII (zero bytes, the padding of a line's last
/// block, are neither). SSE2 (part of every x86-64 CPU) classifies the 16 bytes at once:
/// the byte-at-a-time loop, kept for other targets, was 4 % of `chaff dedup`'s
/// instructions on syn10k.
#[inline(always)]
fn separator_starts(block: &[u8; 16]) -> (u32, bool) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of every x86-64 CPU, and the load reads the 16 bytes of
        // `block` (unaligned).
        unsafe {
            let x = _mm_loadu_si128(block.as_ptr().cast());
            let is = |b: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8));
            let folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
            let v = _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'v' as i8));
            let hits = _mm_or_si128(_mm_or_si128(is(b'/'), is(b',')), _mm_or_si128(is(b';'), v));
            (_mm_movemask_epi8(hits) as u32, _mm_movemask_epi8(x) != 0)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    separator_starts_bytewise(block)
}

/// [`separator_starts`] a byte at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn separator_starts_bytewise(block: &[u8; 16]) -> (u32, bool) {
    let mut starts = 0u32;
    let mut high = false;
    for (i, &b) in block.iter().enumerate() {
        if matches!(b, b'/' | b',' | b';' | b'v' | b'V') {
            starts |= 1 << i;
        }
        high |= b >= 0x80;
    }
    (starts, high)
}

/// The Arabic separator "عبر" ("via").
const ARABIC_VIA: &str = "عبر";

/// How the pool makes a thread's DFA cache.
type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// A compiled `before_tail` gate. Send + Sync.
pub(super) struct TailGate {
    /// The names regex, reversed: searched backwards, anchored at a candidate end.
    names: DFA,
    caches: Pool<Cache, CacheFn>,
    /// Bit `b2 << 8 | b1` is set when a match can end with the bytes `b2 b1`.
    last_pairs: Box<[u64; 1024]>,
    /// The names regex matches the empty string: every line passes.
    always: bool,
}

impl TailGate {
    /// Compiles the names regex (the `regex` crate's syntax).
    pub(super) fn new(names: &str) -> Result<TailGate, String> {
        let dfa = DFA::builder()
            .syntax(regex_automata::util::syntax::Config::new().utf8(true))
            .thompson(
                thompson::Config::new()
                    .reverse(true)
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build(names)
            .map_err(|e| e.to_string())?;
        let mut cache = dfa.create_cache();
        let always = dfa
            .try_search_rev(&mut cache, &Input::new("").anchored(Anchored::Yes))
            .map_or(true, |m| m.is_some());
        let last_pairs = pairs_table(&dfa, &mut cache).unwrap_or_else(|| Box::new([!0; 1024]));
        let for_pool = dfa.clone();
        Ok(TailGate {
            names: dfa,
            caches: Pool::new(Box::new(move || for_pool.create_cache())),
            last_pairs,
            always,
        })
    }

    /// Whether the line could hold a name followed only by a credit tail (false: the
    /// gated pattern cannot match it).
    pub(super) fn admits(&self, text: &str) -> bool {
        if self.always {
            return true;
        }
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut cache = None;
        let mut name_before = |at: usize| self.name_ends_before(text, at, &mut cache);
        if name_before(n) {
            return true;
        }
        let final_closer = match bytes.last() {
            Some(b'.' | b')') => 1,
            _ if text.ends_with('）') => '）'.len_utf8(),
            _ => 0,
        };
        if final_closer > 0 && name_before(n - final_closer) {
            return true;
        }
        let mut non_ascii = false;
        // Whole blocks straight from the line; only the last, partial one is copied (a
        // copy of every block was a memcpy call each).
        let blocks = bytes.chunks_exact(16);
        let mut last = [0u8; 16];
        last[..blocks.remainder().len()].copy_from_slice(blocks.remainder());
        let blocks = blocks.map(|b| <&[u8; 16]>::try_from(b).expect("16 bytes"));
        for (base, block) in blocks.chain(std::iter::once(&last)).enumerate() {
            let (mut starts, high) = separator_starts(block);
            non_ascii |= high;
            while starts != 0 {
                let i = base * 16 + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let is_via = bytes.get(i + 1).is_some_and(|c| c | 0x20 == b'i')
                    && bytes.get(i + 2).is_some_and(|c| c | 0x20 == b'a');
                if (bytes[i] | 0x20 != b'v' || is_via) && name_before(i) {
                    return true;
                }
            }
        }
        non_ascii && memchr::memmem::find_iter(bytes, ARABIC_VIA.as_bytes()).any(&mut name_before)
    }

    /// Whether a match of the names regex ends at `at`, give or take whitespace.
    fn name_ends_before<'a>(
        &'a self,
        text: &str,
        at: usize,
        cache: &mut Option<regex_automata::util::pool::PoolGuard<'a, Cache, CacheFn>>,
    ) -> bool {
        // `\s` in the regex crate is Unicode White_Space, as `char::is_whitespace` is.
        let end = text[..at].trim_end_matches(char::is_whitespace).len();
        if end == 0 {
            return false;
        }
        if end >= 2 {
            let key =
                usize::from(text.as_bytes()[end - 2]) << 8 | usize::from(text.as_bytes()[end - 1]);
            if self.last_pairs[key >> 6] & (1 << (key & 63)) == 0 {
                return false;
            }
        }
        let cache = cache.get_or_insert_with(|| self.caches.get());
        let input = Input::new(text)
            .range(..end)
            .anchored(Anchored::Yes)
            .earliest(true);
        // A DFA that gives up (its cache kept filling) lets the pattern decide.
        self.names
            .try_search_rev(cache, &input)
            .map_or(true, |m| m.is_some())
    }
}

/// The two-byte endings of the reversed `dfa`'s matches: the pairs after which it is
/// not dead. None if the DFA gives up while building it.
fn pairs_table(dfa: &DFA, cache: &mut Cache) -> Option<Box<[u64; 1024]>> {
    let config = start::Config::new().anchored(Anchored::Yes);
    let start = dfa.start_state(cache, &config).ok()?;
    let mut table = Box::new([0u64; 1024]);
    for last in 0..=255u8 {
        let after_last = dfa.next_state(cache, start, last).ok()?;
        if after_last.is_dead() {
            continue;
        }
        for before in 0..=255u8 {
            let after = dfa.next_state(cache, after_last, before).ok()?;
            // A one-byte match shows as a match state one byte later (never dead).
            if !after.is_dead() || after_last.is_match() {
                let key = usize::from(before) << 8 | usize::from(last);
                table[key >> 6] |= 1 << (key & 63);
            }
        }
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The gate's promise, checked against the regex it stands for: on every line where
    /// `names` then a credit tail matches, the gate opens.
    fn tail_regex(names: &str) -> Regex {
        Regex::new(&format!(
            r"(?:{names})(\s*(/|(?i:via)|عبر|,|;).*|\s*[)）]|\s*\.?)$"
        ))
        .unwrap()
    }

    /// `via` is found by ASCII case folding: no other character folds to its letters.
    #[test]
    fn only_ascii_letters_fold_to_via() {
        let others: String = ('\u{80}'..=char::MAX).collect();
        assert!(Regex::new("(?i)[via]").unwrap().find(&others).is_none());
    }

    #[test]
    fn opens_on_names_before_separators_and_the_end() {
        let gate = TailGate::new(r"(?i)(afp|getty\s*images|d\.?\s?r\.?|reuters|رويترز)").unwrap();
        for yes in [
            "AFP",
            "Protesters in Paris. (Photo: AFP)",
            "march – AFP via Getty Images",
            "Jean Dupont/AFP",
            "credit: reuters , Jane",
            "© D.R.",
            "© d r",
            "a caption\u{a0}– Getty\u{2003}Images\u{a0}.",
            "afpVIA someone",
            "تصوير: رويترز عبر فلان",
            "photo: AFP）",
            "AFP; Jane Doe",
        ] {
            assert!(gate.admits(yes), "{yes:?}");
            assert!(
                tail_regex(r"(?i)(afp|getty\s*images|d\.?\s?r\.?|reuters|رويترز)").is_match(yes)
            );
        }
        for no in [
            "The agency said AFP reporters were there and left.",
            "told Reuters in an interview on Monday",
            "A caption without a credit.",
            "Vivian, a driver, arrived",
            "",
        ] {
            assert!(!gate.admits(no), "{no:?}");
        }
    }

    /// Generated lines: names, separators, whitespace and case variants in every order;
    /// wherever the tail regex matches, the gate opens.
    #[test]
    fn never_shuts_on_a_line_the_tail_regex_matches() {
        let names = r"(?i)(ap(\s+photo)?|pa|str|shutterstock|kcna|epa(-efe)?|أ\s?ف\s?ب)";
        let gate = TailGate::new(names).unwrap();
        let full = tail_regex(names);
        let parts = [
            "AP",
            "ap photo",
            "Pa",
            "STR",
            "SHUTTERſTOCK",
            "\u{212A}CNA",
            "epa-efe",
            "أ ف ب",
            "أفب",
            " ",
            "\u{a0}",
            ",",
            ";",
            "/",
            "via",
            "VIA",
            "عبر",
            ".",
            ")",
            "）",
            "x",
            "map",
            "strap",
            "Jane",
            "(",
            ":",
            "é",
        ];
        let mut next = crate::testutil::xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut matched = 0;
        for _ in 0..20_000 {
            let len = 1 + next() % 6;
            let line: String = (0..len)
                .map(|_| parts[(next() % parts.len() as u64) as usize])
                .collect();
            if full.is_match(&line) {
                matched += 1;
                assert!(gate.admits(&line), "{line:?}");
            }
        }
        assert!(matched > 2_000, "{matched}");
    }

    /// The vector classifier agrees with the byte loop on every byte value in every lane.
    #[test]
    fn separator_starts_agrees_with_the_byte_loop() {
        for b in 0..=255u8 {
            for len in 1..=16 {
                let mut chunk = [b'x'; 16];
                chunk[len - 1] = b;
                let mut padded = [0u8; 16];
                padded[..len].copy_from_slice(&chunk[..len]);
                assert_eq!(
                    separator_starts(&padded),
                    separator_starts_bytewise(&padded),
                    "{b} at {len}"
                );
            }
        }
    }

    #[test]
    fn a_names_regex_matching_the_empty_string_opens_everywhere() {
        let gate = TailGate::new("x?").unwrap();
        assert!(gate.admits("anything at all"));
        assert!(TailGate::new("(unclosed").is_err());
    }
}

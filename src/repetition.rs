//! In-document repetition in the Gopher / MassiveText family (Rae et al.
//! 2021, table A1; datatrove's GopherRepetitionFilter), kept as raw fractions
//! so reports can show distributions and filters can pick thresholds.
//!
//! Lines and paragraphs are hashed with xxh3; n-grams are hashed by chaining
//! the per-word hashes, one pass per n over the positions where a repeat is
//! still possible, with no per-n-gram allocation.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::xxh3_64;

/// In-document repetition fractions; all in [0,1], 0 for empty input.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Repetition {
    /// Non-empty (trimmed) lines identical to an earlier line / non-empty lines.
    pub dup_line_frac: f32,
    /// Characters in those duplicate lines / characters in all non-empty lines.
    pub dup_line_char_frac: f32,
    /// Paragraphs (split on blank lines) identical to an earlier one / paragraphs.
    pub dup_para_frac: f32,
    /// Characters in those duplicate paragraphs / characters in all paragraphs.
    pub dup_para_char_frac: f32,
    /// n = 2,3,4: characters of the most frequent n-gram × its count / characters of all words (0 unless it occurs more than once).
    pub top_ngram_char_frac: [f32; 3],
    /// n = 5..=10: characters of words covered by any n-gram occurring more than once / characters of all words.
    pub dup_ngram_char_frac: [f32; 6],
}

/// Gopher paper thresholds for each metric, used by reports and filters (name, threshold).
pub const GOPHER_THRESHOLDS: [(&str, f32); 13] = [
    ("dup_line_frac", 0.30),
    ("dup_para_frac", 0.30),
    ("dup_line_char_frac", 0.20),
    ("dup_para_char_frac", 0.20),
    ("top_2gram_char_frac", 0.20),
    ("top_3gram_char_frac", 0.18),
    ("top_4gram_char_frac", 0.16),
    ("dup_5gram_char_frac", 0.15),
    ("dup_6gram_char_frac", 0.14),
    ("dup_7gram_char_frac", 0.13),
    ("dup_8gram_char_frac", 0.12),
    ("dup_9gram_char_frac", 0.11),
    ("dup_10gram_char_frac", 0.10),
];

impl Repetition {
    /// The metrics in the order and under the names of [`GOPHER_THRESHOLDS`].
    pub fn values(&self) -> [f32; 13] {
        let t = &self.top_ngram_char_frac;
        let d = &self.dup_ngram_char_frac;
        [
            self.dup_line_frac,
            self.dup_para_frac,
            self.dup_line_char_frac,
            self.dup_para_char_frac,
            t[0],
            t[1],
            t[2],
            d[0],
            d[1],
            d[2],
            d[3],
            d[4],
            d[5],
        ]
    }

    /// Names of the metrics above their Gopher threshold (strictly greater, as in the paper's filter).
    pub fn exceeded(&self) -> impl Iterator<Item = &'static str> + '_ {
        GOPHER_THRESHOLDS
            .iter()
            .zip(self.values())
            .filter(|((_, limit), v)| v > limit)
            .map(|((name, _), _)| *name)
    }
}

/// Hasher for keys that are already xxh3 hashes: re-hashing them is wasted work.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for non-u64 keys, which this module never uses.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashedMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// Empties `map` for about `expected` keys. Clearing costs time in proportion
/// to capacity, so a table grown by one huge document is dropped rather than
/// cleared again for every small one after it.
fn reset<V>(map: &mut HashedMap<V>, expected: usize) {
    if map.capacity() > 4096 && map.capacity() > 8 * expected {
        *map = HashedMap::with_capacity_and_hasher(expected, Default::default());
    } else {
        map.clear();
    }
}

/// Reusable buffers for [`repetition_with`]; keep one per thread.
#[derive(Default)]
pub struct RepetitionScratch {
    seen: HashedMap<()>,
    /// n-gram hash → (occurrences, first position).
    counts: HashedMap<(u32, u32)>,
    word_hash: Vec<u64>,
    /// prefix_chars[k] = characters in words[..k].
    prefix_chars: Vec<u64>,
    gram_hash: Vec<u64>,
    /// Round n in which the n-gram at each position was seen repeated.
    dup_round: Vec<u8>,
    candidates: Vec<u32>,
    next_candidates: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<RepetitionScratch> = RefCell::new(RepetitionScratch::default());
}

/// Computes the metrics from the raw text (for lines/paragraphs) and its normalised words (for n-grams).
pub fn repetition(raw_text: &str, words: &[&str]) -> Repetition {
    SCRATCH.with(|s| repetition_with(&mut s.borrow_mut(), raw_text, words))
}

/// Same as [`repetition`], with caller-owned buffers.
pub fn repetition_with(
    scratch: &mut RepetitionScratch,
    raw_text: &str,
    words: &[&str],
) -> Repetition {
    let mut r = Repetition::default();
    // Lines are rarely shorter than 16 bytes; this only sizes the table.
    let expected = raw_text.len() / 16;
    let (dup, total, dup_chars, total_chars) =
        duplicate_units(&mut scratch.seen, lines(raw_text), expected);
    r.dup_line_frac = ratio(dup, total);
    r.dup_line_char_frac = ratio(dup_chars, total_chars);
    let (dup, total, dup_chars, total_chars) =
        duplicate_units(&mut scratch.seen, paragraphs(raw_text), expected);
    r.dup_para_frac = ratio(dup, total);
    r.dup_para_char_frac = ratio(dup_chars, total_chars);
    ngram_metrics(scratch, words, &mut r);
    r
}

#[inline]
fn ratio(num: u64, den: u64) -> f32 {
    if den == 0 {
        0.0
    } else {
        (num as f64 / den as f64).min(1.0) as f32
    }
}

/// Unicode scalar count without decoding: every byte that is not a UTF-8 continuation byte starts a character.
#[inline]
fn char_count(s: &str) -> u64 {
    s.bytes().filter(|&b| (b as i8) >= -0x40).count() as u64
}

/// Trimmed non-empty lines.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    // memchr's iterator beats `str::split`, which verifies each match with a
    // memcmp call.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    let mut start = 0;
    ends.map(move |end| {
        let line = &text[start..end];
        start = end + 1;
        line.trim()
    })
    .filter(|l| !l.is_empty())
}

/// Trimmed paragraphs: maximal runs of non-blank lines, as `\n\s*\n` splits them.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        // Skip blank lines, then take lines up to the next blank one.
        loop {
            if rest.is_empty() {
                return None;
            }
            let (line, tail) = split_line(rest);
            if line.trim().is_empty() {
                rest = tail;
            } else {
                break;
            }
        }
        let start = rest;
        let mut len = 0;
        while !rest.is_empty() {
            let (line, tail) = split_line(rest);
            if line.trim().is_empty() {
                break;
            }
            len = start.len() - tail.len();
            rest = tail;
        }
        Some(start[..len].trim())
    })
}

/// Splits off the first line including its `\n`.
#[inline]
fn split_line(s: &str) -> (&str, &str) {
    match memchr::memchr(b'\n', s.as_bytes()) {
        Some(i) => s.split_at(i + 1),
        None => (s, ""),
    }
}

/// (duplicate units, units, characters in duplicate units, characters in all units).
fn duplicate_units<'a>(
    seen: &mut HashedMap<()>,
    units: impl Iterator<Item = &'a str>,
    expected: usize,
) -> (u64, u64, u64, u64) {
    reset(seen, expected);
    let (mut dup, mut total, mut dup_chars, mut total_chars) = (0, 0, 0, 0);
    for unit in units {
        let chars = char_count(unit);
        total += 1;
        total_chars += chars;
        if seen.insert(xxh3_64(unit.as_bytes()), ()).is_some() {
            dup += 1;
            dup_chars += chars;
        }
    }
    (dup, total, dup_chars, total_chars)
}

/// Hash of an (n-1)-gram hash extended by one more word hash.
#[inline]
fn extend_hash(gram: u64, word: u64) -> u64 {
    let mut buf = [0u8; 16];
    buf[..8].copy_from_slice(&gram.to_le_bytes());
    buf[8..].copy_from_slice(&word.to_le_bytes());
    xxh3_64(&buf)
}

fn ngram_metrics(s: &mut RepetitionScratch, words: &[&str], r: &mut Repetition) {
    s.word_hash.clear();
    s.prefix_chars.clear();
    s.prefix_chars.push(0);
    let mut total_chars = 0u64;
    for w in words {
        s.word_hash.push(xxh3_64(w.as_bytes()));
        total_chars += char_count(w);
        s.prefix_chars.push(total_chars);
    }
    if total_chars == 0 || words.len() < 2 {
        return;
    }
    let n_words = words.len();
    // gram_hash[i] holds the hash of words[i..i + n] during round n.
    s.gram_hash.clear();
    s.gram_hash.extend_from_slice(&s.word_hash);
    s.dup_round.clear();
    s.dup_round.resize(n_words, 0);
    // An (n+1)-gram can only repeat where the n-grams at i and i+1 both
    // repeat, so each round only revisits those positions; after the first
    // rounds that is a small fraction of the document.
    s.candidates.clear();
    s.candidates.extend(0..(n_words - 1) as u32);
    for n in 2..=10usize {
        let round = n as u8;
        reset(&mut s.counts, s.candidates.len());
        // Most frequent n-gram as (count, first position); ties go to the one
        // seen first, like Python's Counter.most_common.
        let mut top = (1u32, 0u32);
        for &i in &s.candidates {
            let i = i as usize;
            let h = extend_hash(s.gram_hash[i], s.word_hash[i + n - 1]);
            s.gram_hash[i] = h;
            let entry = s.counts.entry(h).or_insert((0, i as u32));
            entry.0 += 1;
            let (count, first) = *entry;
            if count > 1 {
                s.dup_round[first as usize] = round;
                s.dup_round[i] = round;
                if count > top.0 || (count == top.0 && first < top.1) {
                    top = (count, first);
                }
            }
        }
        let span_chars = |from: usize, to: usize| s.prefix_chars[to] - s.prefix_chars[from];
        if n <= 4 {
            if top.0 > 1 {
                let first = top.1 as usize;
                let chars = span_chars(first, first + n);
                r.top_ngram_char_frac[n - 2] = ratio(chars * u64::from(top.0), total_chars);
            }
        } else {
            // Each covered word counts once, however many duplicate n-grams
            // overlap it.
            let mut covered_to = 0usize;
            let mut dup_chars = 0u64;
            for &i in &s.candidates {
                let i = i as usize;
                if s.dup_round[i] == round {
                    dup_chars += span_chars(covered_to.max(i), i + n);
                    covered_to = i + n;
                }
            }
            r.dup_ngram_char_frac[n - 5] = ratio(dup_chars, total_chars);
        }
        s.next_candidates.clear();
        for &i in &s.candidates {
            let i = i as usize;
            if i + n < n_words && s.dup_round[i] == round && s.dup_round[i + 1] == round {
                s.next_candidates.push(i as u32);
            }
        }
        if s.next_candidates.is_empty() {
            break;
        }
        std::mem::swap(&mut s.candidates, &mut s.next_candidates);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap as StdMap;

    fn close(a: f32, b: f64) -> bool {
        (f64::from(a) - b).abs() < 1e-6
    }

    /// The definitions written out naively, with String n-grams.
    fn naive(raw: &str, words: &[&str]) -> Repetition {
        fn units(items: Vec<&str>) -> (f32, f32) {
            let mut seen = std::collections::HashSet::new();
            let (mut dup, mut dup_chars, mut chars) = (0, 0, 0);
            for u in &items {
                let n = u.chars().count();
                chars += n;
                if !seen.insert(*u) {
                    dup += 1;
                    dup_chars += n;
                }
            }
            let frac = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f32 / b as f32 };
            (frac(dup, items.len()), frac(dup_chars, chars))
        }
        let lines: Vec<&str> = raw
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut paras = vec![];
        let mut current: Vec<&str> = vec![];
        for line in raw.split('\n') {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    paras.push(current.join("\n"));
                    current.clear();
                }
            } else {
                current.push(line);
            }
        }
        if !current.is_empty() {
            paras.push(current.join("\n"));
        }
        let paras: Vec<&str> = paras.iter().map(|p| p.trim()).collect();
        let mut r = Repetition::default();
        (r.dup_line_frac, r.dup_line_char_frac) = units(lines);
        (r.dup_para_frac, r.dup_para_char_frac) = units(paras);
        let total: usize = words.iter().map(|w| w.chars().count()).sum();
        if total == 0 {
            return r;
        }
        for n in 2..=10 {
            if words.len() < n {
                break;
            }
            let grams: Vec<String> = words.windows(n).map(|w| w.join("\u{0}")).collect();
            let mut counts: StdMap<&str, usize> = StdMap::new();
            for g in &grams {
                *counts.entry(g).or_default() += 1;
            }
            if n <= 4 {
                let mut best: Option<(usize, usize)> = None;
                for (i, g) in grams.iter().enumerate() {
                    let c = counts[g.as_str()];
                    if c > 1 && best.is_none_or(|(bc, _)| c > bc) {
                        best = Some((c, i));
                    }
                }
                if let Some((c, i)) = best {
                    let chars: usize = words[i..i + n].iter().map(|w| w.chars().count()).sum();
                    r.top_ngram_char_frac[n - 2] = ((chars * c) as f32 / total as f32).min(1.0);
                }
            } else {
                let mut covered = vec![false; words.len()];
                for (i, g) in grams.iter().enumerate() {
                    if counts[g.as_str()] > 1 {
                        covered[i..i + n].iter_mut().for_each(|c| *c = true);
                    }
                }
                let dup: usize = words
                    .iter()
                    .zip(&covered)
                    .filter(|(_, c)| **c)
                    .map(|(w, _)| w.chars().count())
                    .sum();
                r.dup_ngram_char_frac[n - 5] = dup as f32 / total as f32;
            }
        }
        r
    }

    fn assert_same(a: &Repetition, b: &Repetition, what: &str) {
        for (x, y) in a.values().iter().zip(b.values()) {
            assert!((x - y).abs() < 1e-5, "{what}: {a:?} vs {b:?}");
        }
    }

    #[test]
    fn empty_input_is_all_zero() {
        assert_eq!(repetition("", &[]), Repetition::default());
        assert_eq!(repetition(" \n\n \n", &[]), Repetition::default());
        assert_eq!(
            repetition("one line", &["one", "line"]),
            Repetition::default()
        );
    }

    #[test]
    fn duplicate_lines() {
        let r = repetition("hello\nx\n  hello \r\n\nhello world", &[]);
        // Lines: hello, x, hello, hello world -> one duplicate of 5 chars.
        assert!(close(r.dup_line_frac, 1.0 / 4.0), "{r:?}");
        assert!(close(r.dup_line_char_frac, 5.0 / 22.0), "{r:?}");
    }

    #[test]
    fn duplicate_paragraphs() {
        let raw = "p one\nline2\n\np two\n \t\np one\nline2\n";
        let r = repetition(raw, &[]);
        // Paragraphs: "p one\nline2" (11), "p two" (5), "p one\nline2" (11).
        assert!(close(r.dup_para_frac, 1.0 / 3.0), "{r:?}");
        assert!(close(r.dup_para_char_frac, 11.0 / 27.0), "{r:?}");
        // Lines: p one, line2, p two, p one, line2 -> 2 of 5 repeat.
        assert!(close(r.dup_line_frac, 2.0 / 5.0), "{r:?}");
        assert!(close(r.dup_line_char_frac, 10.0 / 25.0), "{r:?}");
    }

    #[test]
    fn top_ngrams() {
        let r = repetition("", &["the", "cat", "the", "cat", "sat"]);
        // "the cat" twice: 6 chars x 2 / 15; no 3- or 4-gram repeats.
        assert!(close(r.top_ngram_char_frac[0], 12.0 / 15.0), "{r:?}");
        assert_eq!(r.top_ngram_char_frac[1..], [0.0, 0.0]);
        // Tie between "aa b" and "b c" (2 each): the first seen wins.
        let r = repetition("", &["aa", "b", "c", "aa", "b", "c"]);
        assert!(close(r.top_ngram_char_frac[0], 6.0 / 8.0), "{r:?}");
        assert!(close(r.top_ngram_char_frac[1], 8.0 / 8.0), "{r:?}");
        assert_eq!(r.top_ngram_char_frac[2], 0.0);
        // A single occurrence never counts as "top".
        let r = repetition("", &["one", "two", "three", "four"]);
        assert_eq!(r.top_ngram_char_frac, [0.0; 3]);
    }

    #[test]
    fn duplicate_ngrams() {
        let a = ["alpha", "beta", "gamma", "delta", "eps"];
        let words: Vec<&str> = a
            .iter()
            .chain(&["x"])
            .chain(&a)
            .chain(&["yy"])
            .copied()
            .collect();
        let r = repetition("", &words);
        // The 5-gram repeats: 2 x 22 chars of 47; no 6-gram does.
        assert!(close(r.dup_ngram_char_frac[0], 44.0 / 47.0), "{r:?}");
        assert_eq!(r.dup_ngram_char_frac[1..], [0.0; 5]);
        // Overlapping repeats cover each word once: never above 1.
        let r = repetition("", &["a"; 6]);
        assert_eq!(r.dup_ngram_char_frac[0], 1.0);
        assert_eq!(r.dup_ngram_char_frac[1], 0.0);
        assert_eq!(r.top_ngram_char_frac[0], 1.0);
        let cycle: Vec<&str> = ["a", "b", "c", "d", "e"].repeat(3);
        let r = repetition("", &cycle);
        assert_eq!(r.dup_ngram_char_frac, [1.0; 6]);
    }

    /// Lines of the seed article: its headline is repeated as the second paragraph.
    const SEED_HEAD: &str = "بوتين يقدم لكيم جونغ أون هدايا فراق مع انتهاء جولته مبكرا\n\nبوتين يقدم لكيم جونغ أون هدايا فراق مع انتهاء جولته مبكرا\n\n[ad_1]\n\nأهدى فلاديمير بوتين قفاز رائد فضاء وبندقية للزعيم الكوري الشمالي كيم جونغ أون خلال زيارته لروسيا، والتي يبدو أنها انتهت مبكرا.\n";

    fn seed_text() -> String {
        let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(manifest.join("datasets/ar-seed/scraped-article-ar.txt"))
            .expect("shipped seed article")
    }

    #[test]
    fn seed_headline_repeat_is_caught() {
        for raw in [SEED_HEAD.to_string(), seed_text()] {
            let norm = crate::normalise::normalise(&raw);
            let mut words = vec![];
            crate::normalise::split_words(&norm, &mut words);
            let r = repetition(&raw, &words);
            assert!(r.dup_line_frac > 0.0 && r.dup_para_frac > 0.0, "{r:?}");
            assert!(
                r.dup_line_char_frac > 0.0 && r.dup_ngram_char_frac[5] > 0.0,
                "{r:?}"
            );
            assert_same(&r, &naive(&raw, &words), "seed");
        }
        let r = repetition(SEED_HEAD, &[]);
        // 4 lines, the second a copy of the first.
        assert!(close(r.dup_line_frac, 0.25), "{r:?}");
    }

    #[test]
    fn matches_naive_definition_on_synthetic_text() {
        // Small vocabularies make every kind of repeat and overlap common.
        let vocab = ["a", "bb", "ccc", "d", "ee", "ççç", "火", "كلمة"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for doc in 0..300 {
            let len = (next() % 80) as usize;
            let spread = 2 + doc % (vocab.len() - 1);
            let words: Vec<&str> = (0..len)
                .map(|_| vocab[(next() as usize) % spread])
                .collect();
            let raw: String = words
                .chunks(3 + doc % 4)
                .map(|c| c.join(" "))
                .collect::<Vec<_>>()
                .join(if doc % 2 == 0 { "\n" } else { "\n\n" });
            let fast = repetition(&raw, &words);
            assert_same(&fast, &naive(&raw, &words), &raw);
        }
    }

    #[test]
    fn matches_naive_definition_on_corpora() {
        use crate::normalise::tests::{corpus_dirs, corpus_texts, EXHAUSTIVE};
        let stride = if EXHAUSTIVE { 5 } else { 100 };
        for dir in corpus_dirs() {
            for raw in corpus_texts(&dir).iter().step_by(stride) {
                let norm = crate::normalise::normalise(raw);
                let mut words = vec![];
                crate::normalise::split_words(&norm, &mut words);
                assert_same(&repetition(raw, &words), &naive(raw, &words), raw);
            }
        }
    }

    #[test]
    fn thresholds_line_up_with_values() {
        assert_eq!(
            GOPHER_THRESHOLDS.len(),
            Repetition::default().values().len()
        );
        assert_eq!(GOPHER_THRESHOLDS[0], ("dup_line_frac", 0.30));
        assert_eq!(GOPHER_THRESHOLDS[12], ("dup_10gram_char_frac", 0.10));
        let r = Repetition {
            dup_line_frac: 0.31,
            top_ngram_char_frac: [0.2, 0.19, 0.0],
            ..Default::default()
        };
        let hit: Vec<_> = r.exceeded().collect();
        assert_eq!(hit, ["dup_line_frac", "top_3gram_char_frac"]);
    }
}

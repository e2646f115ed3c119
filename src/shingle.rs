//! Shingling of normalised documents into sorted sets of 64-bit hashes.
//!
//! Input contract: the text is already normalised (lower-cased, punctuation
//! removed, digits as ASCII digits) with words separated by exactly one ASCII space.
//! Unspaced scripts (Han, Japanese, Thai, ...) are shingled by characters.

use xxhash_rust::xxh3::xxh3_64;

/// Default word n-gram length for spaced scripts (the usual choice for web-scale dedup).
pub const DEFAULT_WORD_N: usize = 5;
/// Default character n-gram length for unspaced scripts.
pub const DEFAULT_CHAR_N: usize = 5;

/// Appends the xxh3-64 hashes of the distinct shingles of `normalised` to `out` (cleared first), sorted and deduplicated.
///
/// Word mode: n-grams of `word_n` words (the byte slice of the n words
/// including their single separating spaces is hashed: no allocation per
/// shingle). Char mode (`unspaced`): n-grams of `char_n` chars over the text
/// with spaces removed. A document shorter than one shingle gives one shingle
/// of all it has; an empty one gives none. An n of 0 is treated as 1.
pub fn shingle_hashes(
    normalised: &str,
    unspaced: bool,
    word_n: usize,
    char_n: usize,
    out: &mut Vec<u64>,
) {
    shingle_stream(normalised, unspaced, word_n, char_n, out);
    stream_to_set(out);
}

/// Turns a stream of [`shingle_stream`] hashes into the sorted set [`shingle_hashes`] gives.
pub fn stream_to_set(hashes: &mut Vec<u64>) {
    sort_uniform(hashes);
    hashes.dedup();
}

/// The hashes of [`shingle_hashes`] in text order, repeats included: all a MinHash
/// signature needs (a minimum ignores order and repeats), without the sort that only
/// set intersection needs. Count the set with [`count_distinct`].
pub fn shingle_stream(
    normalised: &str,
    unspaced: bool,
    word_n: usize,
    char_n: usize,
    out: &mut Vec<u64>,
) {
    out.clear();
    // Stray leading/trailing spaces would otherwise create an empty "word".
    // Trimming ASCII bytes keeps `text` valid UTF-8 (a space is never inside a sequence).
    let text = trim_spaces(normalised);
    if text.is_empty() {
        return;
    }
    if unspaced {
        char_shingles(text, char_n.max(1), out);
    } else {
        word_shingles(text.as_bytes(), word_n.max(1), out);
    }
}

/// Number of distinct values in `hashes`, counted in `table` (scratch, reused).
pub fn count_distinct(hashes: &[u64], table: &mut DistinctSet) -> usize {
    table.fill(hashes);
    table.len()
}

/// The distinct values of a stream of uniform 64-bit hashes (any order, repeats
/// allowed), in an open-addressing table at most a quarter full: one pass, no sort. It
/// counts them ([`count_distinct`]) and counts how many of another stream's distinct
/// values it holds (exact Jaccard without sorting either set). Crafted hashes that
/// crowd the table (more than 4 probes per value on average) fall back to a sorted
/// copy, so the worst case stays O(n log n).
#[derive(Default)]
pub struct DistinctSet {
    /// 0 marks an empty slot: the value 0 is kept in `zero` instead.
    slots: Vec<u64>,
    zero: bool,
    len: usize,
    /// For each slot, the [`shared_with`](Self::shared_with) round that last counted it
    /// (a repeated value counts once); sized by the first round after a fill.
    counted: Vec<u32>,
    zero_counted: u32,
    round: u32,
    /// Crafted hashes crowded the table: the values, sorted and distinct, instead.
    crowded: Option<Vec<u64>>,
}

impl DistinctSet {
    /// An empty set (no table allocated yet).
    pub const fn new() -> Self {
        DistinctSet {
            slots: Vec::new(),
            zero: false,
            len: 0,
            counted: Vec::new(),
            zero_counted: 0,
            round: 0,
            crowded: None,
        }
    }

    /// Loads the distinct values of `hashes` (the previous ones are dropped).
    pub fn fill(&mut self, hashes: &[u64]) {
        let n = hashes.len();
        // A quarter full at most: at half full, probing past an occupied slot (and the
        // mispredicted branch that ends it) made counting 1.55x slower (distinct_news
        // bench, fastest of 300: 266 vs 413 M shingles/s); an eighth full gained nothing.
        let bits = (4 * n.max(1)).next_power_of_two().trailing_zeros();
        let mask = (1usize << bits) - 1;
        self.slots.clear();
        self.slots.resize(1 << bits, 0);
        self.zero = false;
        self.len = 0;
        self.round = 0;
        self.crowded = None;
        let mut probes = 0usize;
        for &h in hashes {
            if h == 0 {
                self.len += usize::from(!self.zero);
                self.zero = true;
                continue;
            }
            let mut i = (h >> (64 - bits)) as usize;
            loop {
                let slot = self.slots[i];
                if slot == 0 {
                    self.slots[i] = h;
                    self.len += 1;
                    break;
                }
                if slot == h {
                    break;
                }
                i = (i + 1) & mask;
                probes += 1;
            }
            if probes > 4 * n {
                let mut sorted = hashes.to_vec();
                stream_to_set(&mut sorted);
                self.len = sorted.len();
                self.crowded = Some(sorted);
                return;
            }
        }
    }

    /// Number of distinct values loaded.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no value is loaded.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Memory held by the table, in slots (to drop one grown by a huge document).
    pub fn capacity(&self) -> usize {
        self.slots.capacity()
    }

    /// The distinct values loaded, in no particular order.
    pub fn values(&self) -> Vec<u64> {
        match &self.crowded {
            Some(sorted) => sorted.clone(),
            None => self
                .slots
                .iter()
                .copied()
                .filter(|&h| h != 0)
                .chain(self.zero.then_some(0))
                .collect(),
        }
    }

    /// How many distinct values of `other` (any order, repeats allowed) are loaded.
    pub fn shared_with(&mut self, other: &[u64]) -> usize {
        if let Some(sorted) = &self.crowded {
            let mut set = other.to_vec();
            stream_to_set(&mut set);
            return crate::minhash::intersection_size(sorted, &set);
        }
        if self.round == 0 || self.round == u32::MAX {
            self.counted.clear();
            self.counted.resize(self.slots.len(), 0);
            self.zero_counted = 0;
            self.round = 0;
        }
        self.round += 1;
        let bits = self.slots.len().trailing_zeros();
        let mask = self.slots.len() - 1;
        let mut shared = 0;
        for &h in other {
            if h == 0 {
                if self.zero && self.zero_counted != self.round {
                    self.zero_counted = self.round;
                    shared += 1;
                }
                continue;
            }
            let mut i = (h >> (64 - bits)) as usize;
            while self.slots[i] != 0 && self.slots[i] != h {
                i = (i + 1) & mask;
            }
            if self.slots[i] == h && self.counted[i] != self.round {
                self.counted[i] = self.round;
                shared += 1;
            }
        }
        shared
    }
}

/// `s` without leading and trailing ASCII spaces (byte-wise, cheaper than `trim_matches`).
fn trim_spaces(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b' ').map_or(start, |p| p + 1);
    &s[start..end]
}

/// Sorts uniformly distributed 64-bit hashes: one counting-sort pass on the
/// top bits into about one bucket per element, then an insertion sort that
/// only has to fix the few inversions inside buckets. Measured ~1.5× faster
/// than `sort_unstable` at the 100–2,000 elements of a document. Falls back to
/// `sort_unstable` when a bucket is crowded (non-uniform or crafted input), so
/// the worst case stays O(n log n).
fn sort_uniform(v: &mut Vec<u64>) {
    const MAX_BUCKET: u32 = 32;
    const STACK_BITS: u32 = 9;
    let n = v.len();
    if n <= 32 || n > u32::MAX as usize / 2 {
        v.sort_unstable();
        return;
    }
    let bits = n.next_power_of_two().trailing_zeros().min(20);
    let shift = 64 - bits;
    let buckets = 1usize << bits;
    // A small stack array for typical documents (up to ~512 shingles); a fixed
    // 16 KiB one, zeroed per document, was ~3 % of all instructions of `chaff dedup`.
    let mut stack = [0u32; (1 << STACK_BITS) + 1];
    let mut heap;
    let counts: &mut [u32] = if bits <= STACK_BITS {
        &mut stack[..buckets + 1]
    } else {
        heap = vec![0u32; buckets + 1];
        &mut heap
    };
    for &h in v.iter() {
        counts[(h >> shift) as usize + 1] += 1;
    }
    if counts.iter().any(|&c| c > MAX_BUCKET) {
        v.sort_unstable();
        return;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    // Scatter into the upper half of the same allocation, then move back.
    v.resize(2 * n, 0);
    let (src, dst) = v.split_at_mut(n);
    for &h in src.iter() {
        let c = &mut counts[(h >> shift) as usize];
        dst[*c as usize] = h;
        *c += 1;
    }
    // Elements are already in their bucket, so every shift is short.
    insertion_sort(dst);
    v.copy_within(n.., 0);
    v.truncate(n);
}

/// Sorts a slice in place by insertion: fast when every element is near its place.
pub(crate) fn insertion_sort<T: Ord + Copy>(v: &mut [T]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// Appends the position of every ASCII space in `bytes` to `out`, 64 bytes at a time:
/// each block becomes a bitmask (SWAR on eight u64 words, portable and branch-free)
/// whose set bits are then popped straight into `out`'s spare capacity. Words are short
/// (~6 bytes), where this beats a `memchr` call per word (measured: those calls were
/// ~30% of the time), and a pushing iterator (`shingle_stream_news` bench, fastest of
/// 300: 662 → 690-707 MB/s).
fn space_positions(bytes: &[u8], out: &mut Vec<u64>) {
    let mut base = 0;
    while base < bytes.len() {
        let mut spaces = space_mask(bytes, base);
        out.reserve(64);
        let spare = &mut out.spare_capacity_mut()[..64];
        let mut found = 0;
        while spaces != 0 {
            spare[found].write((base + spaces.trailing_zeros() as usize) as u64);
            found += 1;
            spaces &= spaces - 1;
        }
        // SAFETY: the `found` entries past the length were just written (a block of 64
        // bytes has at most 64 spaces, and `spare` holds 64).
        unsafe { out.set_len(out.len() + found) };
        base += 64;
    }
}

/// Bit i set iff byte i of the little-endian word `w` is an ASCII space.
#[inline(always)]
fn space_bits8(w: u64) -> u64 {
    const LO7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = w ^ 0x2020_2020_2020_2020; // space bytes become zero
                                       // High bit of each byte set iff that byte of x is zero (exact, no carries between bytes).
    let zero = !(((x & LO7) + LO7) | x | LO7);
    // Gather the eight flags (bits 7, 15, …, 63) into the top byte, then down.
    ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Bit i set iff `bytes[base + i] == b' '`, for the up-to-64 bytes from `base`.
#[inline(always)]
fn space_mask(bytes: &[u8], base: usize) -> u64 {
    let block = &bytes[base.min(bytes.len())..bytes.len().min(base + 64)];
    let mut m = 0u64;
    let mut words = block.chunks_exact(8);
    for (i, w) in (&mut words).enumerate() {
        let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        m |= space_bits8(w) << (8 * i);
    }
    let tail = words.remainder();
    let done = block.len() - tail.len();
    for (i, &c) in tail.iter().enumerate() {
        m |= ((c == b' ') as u64) << (done + i);
    }
    m
}

/// Word n-grams, in two passes over `out`: first the end of every word (the position of
/// each space, then the text's length), then each shingle's hash written over the entry
/// of its first word. Shingle i runs from the start of word i (one past the end of word
/// i − 1) to the end of word i + n − 1; entry i is read before it is overwritten, and
/// entry i + n − 1 is not overwritten yet. Every shingle is one byte slice of the text,
/// hashed without a copy. One loop that hashed as the space scanner went (a ring of the
/// last n word starts) kept less of its state in registers: `cargo bench --bench
/// signature -- shingle_stream_news`, fastest of 300, 650 → 680 MB/s.
fn word_shingles(bytes: &[u8], n: usize, out: &mut Vec<u64>) {
    let len = bytes.len();
    out.reserve(len / 6 + 2);
    space_positions(bytes, out);
    out.push(len as u64);
    let words = out.len();
    if words <= n {
        // At most n words: the whole text is the only shingle.
        out.clear();
        out.push(xxh3_64(bytes));
        return;
    }
    let shingles = words - n + 1;
    let mut start = 0usize;
    for i in 0..shingles {
        let end = out[i + n - 1] as usize;
        let next_start = out[i] as usize + 1;
        out[i] = xxh3_64(&bytes[start..end]);
        start = next_start;
    }
    out.truncate(shingles);
}

/// UTF-8 sequence length from its leading byte (input is a valid `&str`).
#[inline]
fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Character n-grams over the text with spaces removed. The spaces are
/// dropped into one scratch buffer per document (not per shingle) so every
/// n-gram is a contiguous byte slice that can be hashed directly.
fn char_shingles(text: &str, n: usize, out: &mut Vec<u64>) {
    let compact: std::borrow::Cow<[u8]> = if memchr::memchr(b' ', text.as_bytes()).is_some() {
        std::borrow::Cow::Owned(text.bytes().filter(|&b| b != b' ').collect())
    } else {
        std::borrow::Cow::Borrowed(text.as_bytes())
    };
    let bytes: &[u8] = &compact;
    let len = bytes.len();
    if len == 0 {
        return;
    }
    // Move `end` forward by n characters; fewer than n → one shingle of everything.
    let mut end = 0usize;
    for _ in 0..n {
        if end == len {
            out.push(xxh3_64(bytes));
            return;
        }
        end += utf8_width(bytes[end]);
    }
    out.reserve(len / 3 + 1);
    let mut start = 0usize;
    loop {
        out.push(xxh3_64(&bytes[start..end]));
        if end == len {
            return;
        }
        start += utf8_width(bytes[start]);
        end += utf8_width(bytes[end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str, unspaced: bool, wn: usize, cn: usize) -> Vec<u64> {
        let mut v = Vec::new();
        shingle_hashes(text, unspaced, wn, cn, &mut v);
        v
    }

    fn sorted(mut v: Vec<u64>) -> Vec<u64> {
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn stream_is_the_set_in_text_order_and_the_distinct_count_matches() {
        let text =
            "the cat sat on the mat the cat sat on the mat and then the cat sat on the mat again";
        for (unspaced, wn, cn) in [(false, 5, 5), (false, 2, 5), (true, 5, 3), (false, 40, 5)] {
            let set = hashes(text, unspaced, wn, cn);
            let mut stream = Vec::new();
            shingle_stream(text, unspaced, wn, cn, &mut stream);
            assert!(stream.len() > set.len() || wn == 40, "repeats are kept");
            assert_eq!(sorted(stream.clone()), set);
            assert_eq!(
                count_distinct(&stream, &mut DistinctSet::default()),
                set.len()
            );
        }
    }

    #[test]
    fn count_distinct_handles_zero_repeats_and_crowded_tables() {
        let mut table = DistinctSet::default();
        assert_eq!(count_distinct(&[], &mut table), 0);
        assert_eq!(count_distinct(&[7], &mut table), 1);
        assert_eq!(count_distinct(&[0, 0, 5, 5, 0], &mut table), 2);
        let spread: Vec<u64> = (1..=1000u64).map(|i| xxh3_64(&i.to_le_bytes())).collect();
        let doubled: Vec<u64> = spread.iter().chain(&spread).copied().collect();
        assert_eq!(count_distinct(&doubled, &mut table), 1000);
        // Values sharing their top bits all land in one slot: the fallback still counts them.
        let crowded: Vec<u64> = (1..=5000u64).chain(1..=100).collect();
        assert_eq!(count_distinct(&crowded, &mut table), 5000);
    }

    #[test]
    fn empty_gives_none() {
        assert!(hashes("", false, 5, 5).is_empty());
        assert!(hashes("   ", false, 5, 5).is_empty());
        assert!(hashes("", true, 5, 5).is_empty());
        assert!(hashes(" ", true, 5, 5).is_empty());
    }

    #[test]
    fn short_doc_is_one_shingle_of_everything() {
        assert_eq!(hashes("a b c", false, 5, 5), vec![xxh3_64(b"a b c")]);
        assert_eq!(hashes("word", false, 3, 5), vec![xxh3_64(b"word")]);
        // Exactly n words is also exactly one shingle.
        assert_eq!(hashes("a b c", false, 3, 5), vec![xxh3_64(b"a b c")]);
        assert_eq!(hashes("日本", true, 5, 3), vec![xxh3_64("日本".as_bytes())]);
    }

    #[test]
    fn word_ngrams_are_byte_slices_with_spaces() {
        let got = hashes("a bb c dd e", false, 3, 5);
        let want = sorted(vec![
            xxh3_64(b"a bb c"),
            xxh3_64(b"bb c dd"),
            xxh3_64(b"c dd e"),
        ]);
        assert_eq!(got, want);
        // Unigrams.
        let got = hashes("x y z", false, 1, 5);
        assert_eq!(
            got,
            sorted(vec![xxh3_64(b"x"), xxh3_64(b"y"), xxh3_64(b"z")])
        );
    }

    #[test]
    fn word_ngrams_match_naive_windows_for_any_n() {
        let text: Vec<String> = (0..300).map(|i| format!("w{}", i % 37)).collect();
        let text = text.join(" ");
        let words: Vec<&str> = text.split(' ').collect();
        for n in [1, 2, 5, 13, 16, 17, 40, 300, 301] {
            let want = if n > words.len() {
                vec![xxh3_64(text.as_bytes())]
            } else {
                sorted(
                    words
                        .windows(n)
                        .map(|w| xxh3_64(w.join(" ").as_bytes()))
                        .collect(),
                )
            };
            assert_eq!(hashes(&text, false, n, 5), want, "n = {n}");
        }
    }

    #[test]
    fn duplicates_are_removed_and_output_sorted() {
        let got = hashes("a b a b a b", false, 2, 5);
        assert_eq!(got, sorted(vec![xxh3_64(b"a b"), xxh3_64(b"b a")]));
        assert!(got.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn output_is_cleared_first() {
        let mut v = vec![1, 2, 3];
        shingle_hashes("", false, 5, 5, &mut v);
        assert!(v.is_empty());
    }

    #[test]
    fn char_mode_on_chinese_ignores_spaces() {
        // Three-char shingles of "我爱北京天安门" (7 chars) → 5 shingles.
        let got = hashes("我爱北京 天安门", true, 5, 3);
        let chars: Vec<char> = "我爱北京天安门".chars().collect();
        let want = sorted(
            chars
                .windows(3)
                .map(|w| xxh3_64(w.iter().collect::<String>().as_bytes()))
                .collect(),
        );
        assert_eq!(got.len(), 5);
        assert_eq!(got, want);
        // Same result whether or not the text carried spaces.
        assert_eq!(got, hashes("我爱北京天安门", true, 5, 3));
    }

    #[test]
    fn char_mode_mixed_widths() {
        // ASCII, 2-byte, 3-byte and 4-byte characters.
        let text = "aé中😀b";
        let chars: Vec<char> = text.chars().collect();
        let want = sorted(
            chars
                .windows(2)
                .map(|w| xxh3_64(w.iter().collect::<String>().as_bytes()))
                .collect(),
        );
        assert_eq!(hashes(text, true, 5, 2), want);
    }

    #[test]
    fn space_scanner_matches_naive() {
        let positions = |b: &[u8]| {
            let mut out = vec![7];
            space_positions(b, &mut out);
            assert_eq!(out.remove(0), 7, "appends");
            out.into_iter().map(|p| p as usize).collect::<Vec<_>>()
        };
        let text: String = (0..300)
            .map(|i| if i % 7 == 3 || i % 11 == 0 { ' ' } else { 'x' })
            .collect();
        for cut in [0, 1, 7, 8, 63, 64, 65, 128, 200, 300] {
            let b = &text.as_bytes()[..cut];
            let want: Vec<usize> = (0..b.len()).filter(|&i| b[i] == b' ').collect();
            assert_eq!(positions(b), want, "cut {cut}");
        }
        // Bytes that differ from a space by one bit, and high bytes.
        let tricky = [0x20u8, 0x21, 0xA0, 0x00, 0x60, 0x1F, 0x20, 0xFF, 0x20];
        let want: Vec<usize> = (0..tricky.len()).filter(|&i| tricky[i] == b' ').collect();
        assert_eq!(positions(&tricky), want);
        // Full blocks: 64 spaces each, exactly the room taken per block.
        for len in [63, 64, 65, 128, 130] {
            let all = vec![b' '; len];
            assert_eq!(
                positions(&all),
                (0..len).collect::<Vec<_>>(),
                "{len} spaces"
            );
        }
        let w = u64::from_le_bytes([0x20, 0x21, 0xA0, 0x00, 0x60, 0x20, 0x20, 0xFF]);
        assert_eq!(space_bits8(w), 0b0110_0001);
    }

    #[test]
    fn sort_uniform_sorts() {
        let mut s = 1u64;
        for n in [0, 1, 5, 33, 100, 1000, 5000, 70_000] {
            let mut v: Vec<u64> = (0..n)
                .map(|i| {
                    s = s
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    if i % 10 == 0 {
                        42
                    } else {
                        s
                    }
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            sort_uniform(&mut v);
            assert_eq!(v, want);
        }
        // Crowded buckets take the fallback path.
        let mut v: Vec<u64> = (0..500u64).rev().collect();
        sort_uniform(&mut v);
        assert_eq!(v, (0..500u64).collect::<Vec<_>>());
    }

    #[test]
    fn trims_stray_spaces() {
        assert_eq!(hashes(" a b c ", false, 2, 5), hashes("a b c", false, 2, 5));
    }
}

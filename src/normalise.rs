//! The shared text normaliser behind exact-duplicate hashing, shingling and
//! boilerplate line hashing, plus cheap script detection and word counting.
//!
//! Per character, in order: NFKC, lower-casing, digits of any script → `0`
//! ([`Digits::Fold`], for boilerplate line keys: time stamps and counters vary)
//! or → the ASCII digit of the same value ([`Digits::Value`], for exact hashes
//! and shingles: "12 cts" and "10 cts" are different reports, while "١٢" and
//! "12" are the same number), punctuation/symbols/whitespace → one ASCII
//! space, Arabic orthographic folding, and removal of invisible format
//! characters. The output is a fixed point: `normalise(normalise(x)) ==
//! normalise(x)`, and folding the digits of the `Value` form gives the `Fold`
//! form ([`fold_digits`]).

use std::iter::once;

use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
use unicode_script::{Script as UScript, UnicodeScript};

/// Marks a non-ASCII lead or continuation byte in [`BYTE_MAP`].
const NON_ASCII: u8 = 0xFF;

/// Output byte for each input byte: 0 is a word separator, [`NON_ASCII`] needs
/// the Unicode path, anything else is the (lower-cased, digit-folded) byte.
const BYTE_MAP: [u8; 256] = build_byte_map();

const fn build_byte_map() -> [u8; 256] {
    let mut map = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        map[i] = if b >= 0x80 {
            NON_ASCII
        } else if b.is_ascii_lowercase() {
            b
        } else if b.is_ascii_uppercase() {
            b + 32
        } else if b.is_ascii_digit() {
            b'0'
        } else {
            0
        };
        i += 1;
    }
    map
}

/// What the normaliser does with digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digits {
    /// Every digit (and other numeric character) becomes `0`.
    Fold,
    /// A decimal digit of any script becomes the ASCII digit of its value;
    /// other numeric characters (fractions, circled numbers NFKC leaves) become `0`.
    Value,
}

/// Appends the normalised form of `text` to `out` (cleared first), digits folded to `0`:
/// words separated by exactly one ASCII space, no leading/trailing space.
pub fn normalise_into(text: &str, out: &mut String) {
    normalise_with(text, Digits::Fold, out);
}

/// [`normalise_into`] with a choice of what happens to digits.
pub fn normalise_with(text: &str, digits: Digits, out: &mut String) {
    out.clear();
    normalise_append(text, digits, out);
}

/// Appends the normal form of `text` to `out` as it is, with nothing between the two:
/// `out[old_len..]` is exactly what [`normalise_with`] would give. Lets a caller build a
/// document's normalised text line by line without a copy per line. Returns whether
/// `text` is all ASCII, which its scan learns for free (its char count is then its length).
pub fn normalise_append(text: &str, digits: Digits, out: &mut String) -> bool {
    out.reserve(text.len());
    let keep = digits == Digits::Value;
    let map = if keep { &BYTE_MAP_VALUE } else { &BYTE_MAP };
    let base = out.len();
    let mut w = Writer {
        out,
        base,
        space: false,
        keep,
    };
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    let mut all_ascii = true;
    while i < n {
        if bytes[i] >= 0x80 {
            all_ascii = false;
            i = slow_run(text, i, &mut w);
            continue;
        }
        let stretch_end = i + ascii_prefix_len(&bytes[i..]);
        // The ASCII byte right before a non-ASCII one may be the base of a
        // composing sequence (e + U+0301), so it is left to the NFKC path.
        let fast_end = if stretch_end < n { stretch_end - 1 } else { n };
        w.ascii(&bytes[i..fast_end], map);
        i = if fast_end < n {
            all_ascii = false;
            slow_run(text, fast_end, &mut w)
        } else {
            n
        };
    }
    all_ascii
}

/// [`BYTE_MAP`] with ASCII digits kept as they are.
const BYTE_MAP_VALUE: [u8; 256] = {
    let mut map = BYTE_MAP;
    let mut d = b'0';
    while d <= b'9' {
        map[d as usize] = d;
        d += 1;
    }
    map
};

/// The bytes of the [`Digits::Fold`] form of a [`Digits::Value`] normal form (ASCII digits
/// 1-9 become `0`), written to `out` (cleared first).
pub fn fold_digits(normalised: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend(normalised.bytes().map(|b| match b {
        b'1'..=b'9' => b'0',
        _ => b,
    }));
}

/// Value of `c` if it is a decimal digit of a script whose digits the table below knows.
#[inline]
fn decimal_value(c: char) -> Option<u8> {
    // The code point of digit zero of every Unicode decimal-digit (Nd) block, from
    // Python's unicodedata (Unicode 14); each block holds the ten digits 0-9 in order.
    // A newer digit block missing here still folds to `0`, the safe direction.
    const ZEROS: [u32; 66] = [
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
        0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
        0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
        0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0,
        0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
    ];
    let u = c as u32;
    let i = ZEROS.partition_point(|&z| z <= u).checked_sub(1)?;
    let d = u - ZEROS[i];
    (d < 10).then_some(d as u8)
}

/// Eight bytes at a time (little-endian in a `u64`): 0x01 in every byte.
const ONES8: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HIGH8: u64 = 0x8080_8080_8080_8080;

/// Letters (lower-cased `w`) and ASCII digits among eight ASCII bytes: the high bit of
/// every letter byte and of every digit byte. Each byte is below 0x80, so adding a
/// constant below 0x80 never carries into the next byte, and a byte's high bit then
/// tells whether it passed a bound.
#[inline(always)]
fn letters_digits8(w: u64) -> (u64, u64) {
    let lower = w | (0x20 * ONES8);
    let letter = (lower + (0x80 - u64::from(b'a')) * ONES8)
        & !(lower + (0x7F - u64::from(b'z')) * ONES8)
        & HIGH8;
    let digit =
        (w + (0x80 - u64::from(b'0')) * ONES8) & !(w + (0x7F - u64::from(b'9')) * ONES8) & HIGH8;
    (letter, digit)
}

/// Eight ASCII bytes (little-endian in `w`) that are letters, digits (only when `digits`
/// keep their value) and spaces, never two spaces side by side: their normal form with
/// letters lower-cased, and the high bit of every space byte. None for anything else.
#[inline(always)]
fn plain_words8(w: u64, digits: bool) -> Option<(u64, u64)> {
    const LO7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const SPACES: u64 = 0x20 * ONES8;
    if w & HIGH8 != 0 {
        return None;
    }
    let (letter, digit) = letters_digits8(w);
    let x = w ^ SPACES;
    let space = !(((x & LO7) + LO7) | x | LO7) & HIGH8;
    let word = letter | if digits { digit } else { 0 };
    if word | space != HIGH8 || space & (space << 8) != 0 {
        return None;
    }
    Some((w | SPACES, space))
}

/// [`plain_words8`] for sixteen bytes: their normal form (little-endian) and a bit per
/// space byte (bit i for byte i). 70 % of the sixteen-byte blocks of the shipped BBC
/// slice are plain words (84 % of its eight-byte ones); SSE2 (every x86-64 CPU) tests
/// them at once, where the eight-byte test costs as much for half the bytes.
#[inline(always)]
fn plain_words16(block: &[u8; 16], digits: bool) -> Option<(u128, u32)> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of every x86-64 CPU; the load reads the 16 bytes of
        // `block` (unaligned) and the store writes a local of 16 bytes.
        unsafe {
            let x = _mm_loadu_si128(block.as_ptr().cast());
            if _mm_movemask_epi8(x) != 0 {
                return None;
            }
            // Every byte is below 0x80 now, so signed compares order them as bytes.
            let within = |v: __m128i, lo: u8, hi: u8| {
                _mm_and_si128(
                    _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                    _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
                )
            };
            let lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
            let mut word = within(lower, b'a', b'z');
            if digits {
                word = _mm_or_si128(word, within(x, b'0', b'9'));
            }
            let space = _mm_cmpeq_epi8(x, _mm_set1_epi8(b' ' as i8));
            let spaces = _mm_movemask_epi8(space) as u32;
            if _mm_movemask_epi8(_mm_or_si128(word, space)) != 0xFFFF || spaces & (spaces << 1) != 0
            {
                return None;
            }
            let mut out = [0u8; 16];
            _mm_storeu_si128(out.as_mut_ptr().cast(), lower);
            Some((u128::from_le_bytes(out), spaces))
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (block, digits);
        None
    }
}

/// Eight ASCII bytes (little-endian in `w`) mapped as [`BYTE_MAP`] / [`BYTE_MAP_VALUE`]
/// map them (letters lower-cased, digits kept or `0` by `digits`, anything else 0), and
/// a bit per byte (bit i for byte i) telling which are kept.
#[inline(always)]
fn mapped8(w: u64, digits: bool) -> (u64, u32) {
    let (letter, digit) = letters_digits8(w);
    // A high bit per flagged byte, spread to the whole byte.
    let bytes_of = |high: u64| (high >> 7) * 0xFF;
    let digit_bytes = if digits { w } else { u64::from(b'0') * ONES8 };
    let mapped = ((w | (0x20 * ONES8)) & bytes_of(letter)) | (digit_bytes & bytes_of(digit));
    // Gather the eight flags (bits 7, 15, …, 63) into one byte.
    let kept = (((letter | digit) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    (mapped, kept)
}

/// Length of the leading all-ASCII part of `bytes`, eight bytes at a time.
#[inline]
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut len = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
        let high = word & 0x8080_8080_8080_8080;
        if high != 0 {
            return len + (high.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    len + chunks
        .remainder()
        .iter()
        .position(|&b| b >= 0x80)
        .unwrap_or(chunks.remainder().len())
}

/// Convenience wrapper returning a new String.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

/// Receiver of folded characters: the output writer, or a buffer for
/// segments that must be renormalised.
trait Sink {
    /// A word break.
    fn sep(&mut self);
    /// An ASCII letter or digit.
    fn byte(&mut self, b: u8);
    /// Any other kept character.
    fn ch(&mut self, c: char);
    /// A decimal digit of value `d` (0-9): `0` or the ASCII digit, by [`Digits`].
    fn digit(&mut self, d: u8);
}

/// Folded characters of a segment, with `' '` standing for a word break.
struct Chars {
    v: Vec<char>,
    /// Digits keep their value ([`Digits::Value`]).
    keep: bool,
}

impl Sink for Chars {
    fn sep(&mut self) {
        self.v.push(' ');
    }
    fn byte(&mut self, b: u8) {
        self.v.push(char::from(b));
    }
    fn ch(&mut self, c: char) {
        self.v.push(c);
    }
    fn digit(&mut self, d: u8) {
        self.v
            .push(char::from(if self.keep { b'0' + d } else { b'0' }));
    }
}

/// Writes `N` bytes of plain words at `buf[*end..]`, for [`ascii8`] and the sixteen-byte
/// path of [`Writer::ascii`]: `lower` is their normal form and `moved` the same moved down
/// a byte (computed by shifting the whole word: copying a sub-slice was ~2 % slower on
/// `normalise_news`). `edges`: whether the first byte is a space, whether the last one
/// is, and whether anything was written before the stretch.
#[inline(always)]
fn put_plain<const N: usize>(
    (lower, moved): ([u8; N], [u8; N]),
    (first_space, last_space, nonempty_before): (bool, bool, bool),
    buf: &mut [u8],
    end: &mut usize,
    pending: &mut bool,
) {
    if first_space && !(nonempty_before | (*end != 0)) {
        // A leading separator of the text adds nothing.
        buf[*end..*end + N].copy_from_slice(&moved);
        *end += N - 1;
    } else {
        buf[*end] = b' ';
        *end += usize::from(*pending & !first_space);
        buf[*end..*end + N].copy_from_slice(&lower);
        *end += N;
    }
    // A trailing space is a separator still pending.
    *end -= usize::from(last_space);
    *pending = last_space;
}

/// Writes the normal form of eight ASCII bytes (little-endian in `w`) at `buf[*end..]`,
/// as [`Writer::ascii`] does for a whole stretch: `keep` digits, whether anything was
/// written before the stretch, and the separator still pending before the next word.
#[inline(always)]
fn ascii8(
    w: u64,
    keep: bool,
    nonempty_before: bool,
    buf: &mut [u8],
    end: &mut usize,
    pending: &mut bool,
) {
    // Letters and digits with single spaces between them (most of prose): the
    // normal form is the bytes themselves with letters lower-cased.
    if let Some((lower, spaces)) = plain_words8(w, keep) {
        let edges = (spaces & 0x80 != 0, spaces >> 63 != 0, nonempty_before);
        let bytes = (lower.to_le_bytes(), (lower >> 8).to_le_bytes());
        put_plain(bytes, edges, buf, end, pending);
        return;
    }
    // Any other eight ASCII bytes: each run of kept bytes is written as one
    // eight-byte store (the bytes past the run are overwritten next), with a space
    // before it when a separator came before it.
    let (mapped, mut kept) = mapped8(w, keep);
    let mut pos = 0u32;
    while kept != 0 {
        let start = kept.trailing_zeros();
        let len = (!(kept >> start)).trailing_zeros();
        let has_output = nonempty_before | (*end != 0);
        buf[*end] = b' ';
        *end += usize::from((*pending | (start > pos)) & has_output);
        buf[*end..*end + 8].copy_from_slice(&(mapped >> (8 * start)).to_le_bytes());
        *end += len as usize;
        *pending = false;
        pos = start + len;
        kept &= !(((1u32 << len) - 1) << start);
    }
    *pending |= (pos < 8) & (nonempty_before | (*end != 0));
}

/// Output sink that turns separator runs into a single space, never leading.
struct Writer<'a> {
    out: &'a mut String,
    /// Where this text's normal form starts in `out` (a separator before it adds nothing).
    base: usize,
    space: bool,
    /// Digits keep their value ([`Digits::Value`]).
    keep: bool,
}

impl Writer<'_> {
    #[inline(always)]
    fn pending_space(&mut self) {
        if self.space {
            self.out.push(' ');
            self.space = false;
        }
    }

    /// Maps a stretch of ASCII bytes through `map` (0 = separator) without a branch per
    /// byte: a space and the byte are written speculatively and the end only advances
    /// over what is kept. A `sep`/`byte` call per byte mispredicted at every word edge;
    /// this cut the normaliser's share of `chaff dedup` time on syn50k from 18% to 12%.
    #[inline]
    fn ascii(&mut self, bytes: &[u8], map: &[u8; 256]) {
        // SAFETY: only ASCII bytes are written, and the vector is cut back to `end`
        // (at or past its old length) before the borrow ends, so the String stays UTF-8.
        let v = unsafe { self.out.as_mut_vec() };
        let old_len = v.len();
        // At most one byte per input byte plus one pending space are kept; the
        // speculative writes (a space, then eight or sixteen bytes at `end`) need SLACK more.
        const SLACK: usize = 16;
        v.resize(old_len + bytes.len() + SLACK, 0);
        // A plain slice keeps its pointer and length in registers; writing through the
        // Vec reloaded both after every byte store (a store may alias the Vec's header).
        let buf = &mut v[old_len..];
        let nonempty_before = old_len > self.base;
        let mut end = 0;
        // A separator was seen since the last kept byte, after something was written
        // (the space is written only before the next kept byte).
        let mut pending = self.space;
        let keep = self.keep;
        let mut chunks16 = bytes.chunks_exact(16);
        for chunk in &mut chunks16 {
            let block: &[u8; 16] = chunk.try_into().expect("16 bytes");
            // Sixteen bytes of plain words at once (SSE2); anything else as two eights.
            if let Some((lower, spaces)) = plain_words16(block, keep) {
                let edges = (spaces & 1 != 0, spaces >> 15 != 0, nonempty_before);
                let bytes = (lower.to_le_bytes(), (lower >> 8).to_le_bytes());
                put_plain(bytes, edges, buf, &mut end, &mut pending);
                continue;
            }
            let w = u128::from_le_bytes(*block);
            ascii8(w as u64, keep, nonempty_before, buf, &mut end, &mut pending);
            ascii8(
                (w >> 64) as u64,
                keep,
                nonempty_before,
                buf,
                &mut end,
                &mut pending,
            );
        }
        let mut chunks = chunks16.remainder().chunks_exact(8);
        for chunk in &mut chunks {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            ascii8(w, keep, nonempty_before, buf, &mut end, &mut pending);
        }
        for &b in chunks.remainder() {
            let m = map[b as usize];
            let keep = m != 0;
            buf[end] = b' ';
            end += usize::from(pending & keep);
            buf[end] = m;
            end += usize::from(keep);
            pending = !keep & (pending | nonempty_before | (end != 0));
        }
        let end = old_len + end;
        v.truncate(end);
        self.space = pending;
    }

    #[inline(always)]
    fn str(&mut self, s: &str) {
        self.pending_space();
        self.out.push_str(s);
    }
}

impl Sink for Writer<'_> {
    #[inline(always)]
    fn sep(&mut self) {
        self.space = self.out.len() > self.base;
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.pending_space();
        self.out.push(char::from(b));
    }

    #[inline(always)]
    fn ch(&mut self, c: char) {
        self.pending_space();
        self.out.push(c);
    }

    #[inline(always)]
    fn digit(&mut self, d: u8) {
        self.byte(if self.keep { b'0' + d } else { b'0' });
    }
}

/// Format characters dropped without leaving a word break.
#[inline]
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{0640}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// NFKC status of one input character.
enum Norm {
    /// A stable starter that the output rules leave unchanged, so runs of them
    /// are copied as one slice.
    Identity,
    /// Canonical class 0 and NFKC_QC=Yes: nothing before it can combine with it,
    /// so NFKC may be applied independently on either side of it (UAX #15 §9).
    Stable,
    /// Punctuation or a space whose NFKC form is all separators and composes
    /// with nothing, so it acts as a segment boundary and a word break.
    Separator,
    /// A format character from [`is_ignorable`], dropped before NFKC.
    Ignorable,
    /// Anything else, with its combining class and whether NFKC_QC=Yes.
    Other(u8, bool),
}

#[inline(always)]
fn norm_class(c: char) -> Norm {
    // Hot blocks skip the two table lookups; the `fast_ranges_are_right` test
    // checks every code point listed here against the tables and `emit`.
    match c as u32 {
        0x0622 | 0x0623 | 0x0625 | 0x0629 | 0x0649 => Norm::Stable,
        0x0621..=0x063F
        | 0x0641..=0x064A
        | 0x4E00..=0x9FFF
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0xAC00..=0xD7A3
        | 0x00DF..=0x00F6
        | 0x00F8..=0x00FF => Norm::Identity,
        0x00A0..=0x00A7
        | 0x00A9
        | 0x00AB
        | 0x00AC
        | 0x00AE
        | 0x00B0
        | 0x00B1
        | 0x00B6
        | 0x00B7
        | 0x00BB
        | 0x00BF
        | 0x060C
        | 0x061B
        | 0x061F
        | 0x066A..=0x066D
        | 0x06D4
        | 0x2010..=0x2016
        | 0x2018..=0x2027
        | 0x3000..=0x3003
        | 0x3008..=0x3011
        | 0x3014..=0x301F
        | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65 => Norm::Separator,
        0x00C0..=0x00DE | 0x05D0..=0x05EA | 0x0E01..=0x0E30 => Norm::Stable,
        _ if is_ignorable(c) => Norm::Ignorable,
        _ => {
            let ccc = canonical_combining_class(c);
            let yes = is_nfkc_quick(once(c)) == IsNormalized::Yes;
            if ccc == 0 && yes {
                Norm::Stable
            } else {
                Norm::Other(ccc, yes)
            }
        }
    }
}

/// The characters between two stable starters, normalised as one unit.
struct Segment {
    start: usize,
    first: char,
    /// 0 = empty, 1 = only `first`, 2 = more characters follow `first`.
    state: u8,
    needs_nfkc: bool,
    last_ccc: u8,
}

impl Segment {
    #[inline(always)]
    fn flush(&mut self, text: &str, end: usize, w: &mut Writer) {
        match self.state {
            0 => {}
            1 => emit(self.first, w),
            _ => self.flush_multi(text, end, w),
        }
        self.state = 0;
    }

    #[inline(never)]
    fn flush_multi(&self, text: &str, end: usize, w: &mut Writer) {
        // Ignorables are filtered before NFKC so that a mark split from its
        // base by, say, a ZWSP composes now rather than on a second pass.
        let chars = text[self.start..end].chars().filter(|&c| !is_ignorable(c));
        if !self.needs_nfkc {
            chars.for_each(|c| emit(c, w));
            return;
        }
        let mut folded = Chars {
            v: Vec::new(),
            keep: w.keep,
        };
        chars.nfkc().for_each(|c| emit(c, &mut folded));
        for c in renormalise(folded) {
            if c == ' ' {
                w.sep();
            } else {
                w.ch(c);
            }
        }
    }

    #[inline]
    fn begin(&mut self, pos: usize, c: char) {
        self.start = pos;
        self.first = c;
        self.state = 1;
        self.needs_nfkc = false;
        self.last_ccc = 0;
    }

    #[inline]
    fn extend(&mut self, pos: usize, c: char, ccc: u8, qc_yes: bool) {
        if self.state == 0 {
            // A non-starter with no base: at the start of a text or after a
            // separator.
            self.begin(pos, c);
            self.needs_nfkc = true;
        }
        self.state = 2;
        if !qc_yes || (ccc != 0 && self.last_ccc > ccc) {
            self.needs_nfkc = true;
        }
        self.last_ccc = ccc;
    }
}

/// Normalises the non-ASCII stretch starting at byte `start`; returns where the
/// ASCII fast path can resume.
fn slow_run(text: &str, start: usize, w: &mut Writer) -> usize {
    let bytes = text.as_bytes();
    let mut seg = Segment {
        start,
        first: ' ',
        state: 0,
        needs_nfkc: false,
        last_ccc: 0,
    };
    // Open run of `Norm::Identity` characters [copy_start, copy_end) whose last
    // character starts at `copy_last`; at most one of it and `seg` is open.
    let (mut copy_start, mut copy_end, mut copy_last) = (0, 0, 0);
    for (off, c) in text[start..].char_indices() {
        let pos = start + off;
        if c.is_ascii() {
            if copy_end > copy_start {
                w.str(&text[copy_start..copy_end]);
                copy_start = copy_end;
            }
            seg.flush(text, pos, w);
            if pos + 1 == bytes.len() || bytes[pos + 1] < 0x80 {
                return pos;
            }
            seg.begin(pos, c);
            continue;
        }
        match norm_class(c) {
            Norm::Identity => {
                if copy_end > copy_start && copy_end == pos {
                    copy_end = pos + c.len_utf8();
                } else {
                    if copy_end > copy_start {
                        w.str(&text[copy_start..copy_end]);
                    }
                    seg.flush(text, pos, w);
                    copy_start = pos;
                    copy_end = pos + c.len_utf8();
                }
                copy_last = pos;
            }
            Norm::Stable => {
                if copy_end > copy_start {
                    w.str(&text[copy_start..copy_end]);
                    copy_start = copy_end;
                }
                seg.flush(text, pos, w);
                seg.begin(pos, c);
            }
            Norm::Separator => {
                if copy_end > copy_start {
                    w.str(&text[copy_start..copy_end]);
                    copy_start = copy_end;
                }
                seg.flush(text, pos, w);
                w.sep();
            }
            Norm::Ignorable => {}
            Norm::Other(ccc, yes) => {
                if copy_end > copy_start {
                    // The mark may compose with the run's last character, so
                    // that character moves into the NFKC segment.
                    if copy_last > copy_start {
                        w.str(&text[copy_start..copy_last]);
                    }
                    copy_start = copy_end;
                    let base = text[copy_last..].chars().next().unwrap_or(' ');
                    seg.begin(copy_last, base);
                }
                seg.extend(pos, c, ccc, yes);
            }
        }
    }
    if copy_end > copy_start {
        w.str(&text[copy_start..copy_end]);
    }
    seg.flush(text, text.len(), w);
    text.len()
}

/// Repeats NFKC + folding until stable: removing a mark or a tatweel, or
/// lower-casing İ, can leave marks that compose or reorder afresh, and the
/// output must be a fixed point. Only reached for segments with marks.
fn renormalise(mut folded: Chars) -> Vec<char> {
    // Folding only removes or simplifies, so this settles in one or two rounds.
    for _ in 0..4 {
        if is_nfkc_quick(folded.v.iter().copied()) == IsNormalized::Yes
            || folded.v.iter().copied().nfkc().eq(folded.v.iter().copied())
        {
            break;
        }
        let mut next = Chars {
            v: Vec::with_capacity(folded.v.len()),
            keep: folded.keep,
        };
        folded
            .v
            .iter()
            .copied()
            .nfkc()
            .for_each(|c| emit(c, &mut next));
        folded = next;
    }
    folded.v
}

/// Case folding, digit, punctuation and Arabic rules for one NFKC character.
#[inline(always)]
fn emit<S: Sink>(c: char, w: &mut S) {
    let u = c as u32;
    if u < 0x80 {
        let m = BYTE_MAP[u as usize];
        if m == 0 {
            w.sep();
        } else if m == b'0' {
            w.digit(u as u8 - b'0');
        } else {
            w.byte(m);
        }
        return;
    }
    match u {
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => w.ch(c),
        0x0600..=0x06FF => emit_arabic(c, w),
        // Latin-1 capitals sit exactly 0x20 below their lower-case forms.
        0x00C0..=0x00DE if u != 0xD7 => w.ch(char::from_u32(u + 0x20).unwrap_or(c)),
        0x00DF..=0x00FF if u != 0xF7 => w.ch(c),
        _ => emit_generic(c, w),
    }
}

#[inline]
fn emit_arabic<S: Sink>(c: char, w: &mut S) {
    match c {
        // Harakat, superscript alef and the hamza/madda marks: spelling
        // variants that scraped text uses inconsistently. Dropping the
        // leftover U+0653–U+0655 also keeps the output a fixed point, since a
        // folded ا/ي followed by one would compose on a second pass.
        '\u{064B}'..='\u{0655}' | '\u{0670}' | '\u{0640}' | '\u{061C}' => {}
        'آ' | 'أ' | 'إ' | 'ٱ' => w.ch('ا'),
        'ى' | 'ی' => w.ch('ي'),
        'ة' => w.ch('ه'),
        'ک' => w.ch('ك'),
        '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' => w.ch(c),
        '\u{0660}'..='\u{0669}' => w.digit((c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => w.digit((c as u32 - 0x06F0) as u8),
        _ => emit_generic(c, w),
    }
}

#[inline(never)]
fn emit_generic<S: Sink>(c: char, w: &mut S) {
    if is_ignorable(c) {
        return;
    }
    if c.is_alphabetic() {
        match c {
            // Per-character lower-casing cannot see word ends, so final sigma
            // is folded to σ to make "ΟΔΟΣ" and "οδος" agree.
            'ς' => w.ch('σ'),
            // The default mapping adds U+0307 (i̇); in practice İ is Turkish
            // and means plain i, which also keeps "İstanbul" = "Istanbul".
            'İ' => w.ch('i'),
            _ => c.to_lowercase().for_each(|l| w.ch(l)),
        }
    } else if c.is_numeric() {
        match decimal_value(c) {
            Some(d) => w.digit(d),
            None => w.byte(b'0'),
        }
    } else if is_combining_mark(c) {
        w.ch(c);
    } else {
        w.sep();
    }
}

/// Writing system of a document, decided by the letters it contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin alphabet.
    Latin,
    /// Cyrillic alphabet.
    Cyrillic,
    /// Greek alphabet.
    Greek,
    /// Arabic script (Arabic, Persian, Urdu, ...).
    Arabic,
    /// Hebrew script.
    Hebrew,
    /// Han ideographs without kana (Chinese).
    Han,
    /// Han with a noticeable share of kana.
    Japanese,
    /// Korean Hangul.
    Hangul,
    /// Thai script.
    Thai,
    /// Lao script.
    Lao,
    /// Khmer script.
    Khmer,
    /// Myanmar script.
    Myanmar,
    /// Devanagari script.
    Devanagari,
    /// Any other script.
    Other,
    /// No letters at all.
    Unknown,
}

impl Script {
    /// Every variant, in declaration order.
    pub const ALL: [Script; 15] = [
        Script::Latin,
        Script::Cyrillic,
        Script::Greek,
        Script::Arabic,
        Script::Hebrew,
        Script::Han,
        Script::Japanese,
        Script::Hangul,
        Script::Thai,
        Script::Lao,
        Script::Khmer,
        Script::Myanmar,
        Script::Devanagari,
        Script::Other,
        Script::Unknown,
    ];

    /// Lower-case stable name used in tables ("latin", "arabic", "han", ...).
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Cyrillic => "cyrillic",
            Script::Greek => "greek",
            Script::Arabic => "arabic",
            Script::Hebrew => "hebrew",
            Script::Han => "han",
            Script::Japanese => "japanese",
            Script::Hangul => "hangul",
            Script::Thai => "thai",
            Script::Lao => "lao",
            Script::Khmer => "khmer",
            Script::Myanmar => "myanmar",
            Script::Devanagari => "devanagari",
            Script::Other => "other",
            Script::Unknown => "unknown",
        }
    }

    /// True for scripts written without spaces between words (Han, Japanese, Thai, Lao, Khmer, Myanmar): shingling uses characters for these.
    pub fn is_unspaced(self) -> bool {
        matches!(
            self,
            Script::Han
                | Script::Japanese
                | Script::Thai
                | Script::Lao
                | Script::Khmer
                | Script::Myanmar
        )
    }

    /// True for scripts with upper/lower case (Latin, Cyrillic, Greek): capitalised-name heuristics apply.
    pub fn is_cased(self) -> bool {
        matches!(self, Script::Latin | Script::Cyrillic | Script::Greek)
    }
}

/// Letters sampled by [`dominant_script`]; enough to be stable, cheap on huge documents.
const SCRIPT_SAMPLE_LETTERS: u32 = 4096;

/// Dominant script of `text` (majority of letters; Japanese if kana are a noticeable share of Han+kana). Samples at most the first ~4 KB of letters so it stays cheap.
pub fn dominant_script(text: &str) -> Script {
    // Indexed like Script::ALL; the Japanese slot counts kana.
    let mut counts = [0u32; 15];
    let mut letters = 0u32;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && letters < SCRIPT_SAMPLE_LETTERS {
        // A stretch of at most as many characters as letters still to sample cannot
        // overshoot the sample, so it is counted whole: ASCII letters (all Latin) in one
        // vectorised pass, and only the non-ASCII characters decoded one by one.
        let mut end = (i + (SCRIPT_SAMPLE_LETTERS - letters) as usize).min(bytes.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let stretch = &bytes[i..end];
        let ascii = crate::analyse::count_bytes(stretch, |b| b.is_ascii_alphabetic()) as u32;
        counts[Script::Latin as usize] += ascii;
        letters += ascii;
        // The non-ASCII characters, reached by skipping ASCII eight bytes at a time: a
        // byte-by-byte search for lead bytes was half of this function's time on English
        // news, whose few curly quotes make most stretches non-ASCII.
        let mut k = ascii_prefix_len(stretch);
        while k < stretch.len() {
            let c = text[i + k..].chars().next().expect("char at a lead byte");
            if let Some(script) = letter_script(c) {
                counts[script as usize] += 1;
                letters += 1;
            }
            k += c.len_utf8();
            k += ascii_prefix_len(&stretch[k..]);
        }
        i = end;
    }
    if letters == 0 {
        return Script::Unknown;
    }
    let han = counts[Script::Han as usize];
    let kana = counts[Script::Japanese as usize];
    let mut best = Script::Unknown;
    let mut best_count = 0;
    for script in Script::ALL {
        let count = match script {
            Script::Han => han + kana,
            Script::Japanese => continue,
            _ => counts[script as usize],
        };
        if count > best_count {
            best = script;
            best_count = count;
        }
    }
    // Japanese prose is rarely under ~20 % kana, while Chinese has none, so a
    // 10 % share separates them even in kanji-heavy headlines.
    if best == Script::Han && kana * 10 >= han + kana {
        Script::Japanese
    } else {
        best
    }
}

/// Script bucket of `c` if it is a letter; kana are reported as `Japanese`.
#[inline]
fn letter_script(c: char) -> Option<Script> {
    // Common letter blocks first: `is_alphabetic` and `script` are table
    // searches, too slow to run on every character.
    let script = match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F => Script::Latin,
        0..=0x7F => return None,
        0x0621..=0x064A => Script::Arabic,
        0x0410..=0x044F => Script::Cyrillic,
        0x3041..=0x3096 | 0x30A1..=0x30FA => Script::Japanese,
        0x4E00..=0x9FFF => Script::Han,
        0xAC00..=0xD7A3 => Script::Hangul,
        _ if !c.is_alphabetic() => return None,
        _ => match c.script() {
            UScript::Latin => Script::Latin,
            UScript::Cyrillic => Script::Cyrillic,
            UScript::Greek => Script::Greek,
            UScript::Arabic => Script::Arabic,
            UScript::Hebrew => Script::Hebrew,
            UScript::Han => Script::Han,
            UScript::Hiragana | UScript::Katakana => Script::Japanese,
            UScript::Hangul => Script::Hangul,
            UScript::Thai => Script::Thai,
            UScript::Lao => Script::Lao,
            UScript::Khmer => Script::Khmer,
            UScript::Myanmar => Script::Myanmar,
            UScript::Devanagari => Script::Devanagari,
            _ => Script::Other,
        },
    };
    Some(script)
}

/// True for a letter of a script written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar), which counts as a word on its own.
#[inline]
pub fn is_unspaced_char(c: char) -> bool {
    match c as u32 {
        0x3005..=0x3007 // 々 〆 〇
        | 0x3041..=0x3096
        | 0x309D..=0x309F
        | 0x30A1..=0x30FF
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F => true,
        // Vowel signs and tone marks belong to the preceding letter.
        0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF => !is_combining_mark(c),
        _ => false,
    }
}

/// Calls `f` with the byte range of each word: space-separated runs, except
/// that each unspaced-script letter (with any marks after it) is its own word.
#[inline]
fn for_each_word(s: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for end in memchr::memchr_iter(b' ', bytes).chain(once(bytes.len())) {
        if end > start {
            // Unspaced scripts all lie above U+0800, so a word without 3- or
            // 4-byte characters needs no per-character look.
            if bytes[start..end].iter().all(|&b| b < 0xE0) {
                f(start, end);
            } else {
                split_unspaced(s, start, end, &mut f);
            }
        }
        start = end + 1;
    }
}

/// Splits the space-free word `s[start..end]` around its unspaced-script letters.
fn split_unspaced(s: &str, start: usize, end: usize, f: &mut impl FnMut(usize, usize)) {
    // Start of the open word and whether it is a single unspaced letter.
    let mut open: Option<(usize, bool)> = None;
    for (off, c) in s[start..end].char_indices() {
        let pos = start + off;
        if is_unspaced_char(c) {
            if let Some((from, _)) = open {
                f(from, pos);
            }
            open = Some((pos, true));
        } else {
            match open {
                None => open = Some((pos, false)),
                Some((from, true)) if !is_combining_mark(c) => {
                    f(from, pos);
                    open = Some((pos, false));
                }
                Some(_) => {}
            }
        }
    }
    if let Some((from, _)) = open {
        f(from, end);
    }
}

/// Number of words in a normalised string, counting each character of unspaced scripts as a word (UAX #29 behaviour for Han).
pub fn count_words(normalised: &str) -> usize {
    let mut count = 0;
    for_each_word(normalised, |_, _| count += 1);
    count
}

/// Appends the words of a normalised string to `out` (not cleared), one word per unspaced-script letter, consistent with [`count_words`].
pub fn split_words<'a>(normalised: &'a str, out: &mut Vec<&'a str>) {
    for_each_word(normalised, |s, e| out.push(&normalised[s..e]));
}

// Visible to the crate so other modules' tests can share the corpus loader.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The normal form of ASCII text by its definition, one character at a time.
    fn ascii_reference(text: &str, digits: Digits) -> String {
        let mapped: String = text
            .chars()
            .map(|c| match c {
                'A'..='Z' | 'a'..='z' => c.to_ascii_lowercase(),
                '0'..='9' if digits == Digits::Value => c,
                '0'..='9' => '0',
                _ => ' ',
            })
            .collect();
        mapped.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn append_tells_whether_the_text_is_ascii() {
        // Non-ASCII characters at every position around the eight-byte chunks, including
        // right after an ASCII base they compose with (e + U+0301).
        let pieces = [
            "a",
            " ",
            "é",
            "\u{301}",
            "ي",
            "中",
            ".",
            "7",
            "e",
            "\u{1F600}",
            "  ",
        ];
        let mut next = crate::testutil::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let mut out = String::from("x");
            assert_eq!(
                normalise_append(&text, Digits::Value, &mut out),
                text.is_ascii(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn eight_byte_fast_path_matches_the_definition() {
        // Every alignment of words, single and double spaces, punctuation and digits
        // around the eight-byte chunks, appended after text or at the start.
        // Bytes on both sides of every range the SWAR tests check, several times over.
        let alphabet = b"aZ7 .  q  zA09@[`{/:\x7f\x00\n-_ bcXY";
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..20000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 48) as usize;
            let text: String = (0..len)
                .map(|j| {
                    let r = state.rotate_left(j as u32 * 5) ^ (j as u64).wrapping_mul(0x9E37);
                    alphabet[(r % alphabet.len() as u64) as usize] as char
                })
                .collect();
            for digits in [Digits::Value, Digits::Fold] {
                let mut out = String::new();
                normalise_append(&text, digits, &mut out);
                assert_eq!(out, ascii_reference(&text, digits), "{text:?}");
                // After earlier text a separator carries over as one space.
                let mut out = String::from("head");
                let base = out.len();
                normalise_append(&text, digits, &mut out);
                assert_eq!(
                    &out[base..],
                    ascii_reference(&text, digits),
                    "{text:?} round {round}"
                );
            }
        }
    }

    #[test]
    fn sixteen_byte_fast_path_matches_the_definition() {
        // Mostly letters and single spaces, so that whole sixteen-byte blocks of plain
        // words occur at every alignment, with their edges (a leading or trailing space,
        // a digit, a capital, a double space, punctuation) now and then; an `é` puts
        // ASCII stretches after written text.
        let alphabet = b"abcdefghijklmnopqrstuvwxyzABCXYZ   09.";
        let mut next = crate::testutil::xorshift(0x51_7CC1_B727_220A);
        for round in 0..20000 {
            let len = (next() % 80) as usize;
            let mut text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
                .collect();
            if round % 3 == 0 && len > 0 {
                let at = (next() % len as u64) as usize;
                text.insert(at, '\u{e9}');
            }
            for digits in [Digits::Value, Digits::Fold] {
                let want = reference_with(&text, digits);
                let mut out = String::new();
                normalise_append(&text, digits, &mut out);
                assert_eq!(out, want, "{text:?} round {round}");
                let mut out = String::from("head");
                normalise_append(&text, digits, &mut out);
                assert_eq!(&out[4..], want, "{text:?} round {round}");
            }
        }
    }

    /// The rules applied the slow, obvious way: whole-string NFKC, then `emit`.
    fn reference(text: &str) -> String {
        reference_with(text, Digits::Fold)
    }

    /// [`reference`] with a choice of digit handling.
    fn reference_with(text: &str, digits: Digits) -> String {
        let keep = digits == Digits::Value;
        let mut out = String::new();
        let mut w = Writer {
            out: &mut out,
            base: 0,
            space: false,
            keep,
        };
        let mut folded = Chars { v: vec![], keep };
        for c in text.chars().filter(|&c| !is_ignorable(c)).nfkc() {
            emit(c, &mut folded);
        }
        for c in renormalise(folded) {
            if c == ' ' {
                w.sep();
            } else {
                w.ch(c);
            }
        }
        out
    }

    #[test]
    fn appending_gives_each_part_its_own_normal_form() {
        let parts = [
            "  Hello, World! ",
            "",
            "  ",
            "Ça va? 42",
            "  العَرَبِيَّة ١٢٣ ",
            "e\u{301}tude x",
        ];
        let mut out = String::from("prefix");
        for p in parts {
            let start = out.len();
            normalise_append(p, Digits::Value, &mut out);
            let mut alone = String::new();
            normalise_with(p, Digits::Value, &mut alone);
            assert_eq!(&out[start..], alone, "{p:?}");
        }
    }

    fn check(input: &str, expected: &str) {
        let got = normalise(input);
        assert_eq!(got, expected, "normalise({input:?})");
        assert_eq!(normalise(&got), got, "not idempotent on {input:?}");
        assert_eq!(
            reference(input),
            got,
            "differs from whole-string NFKC on {input:?}"
        );
        check_value_form(input, &got);
    }

    /// The `Digits::Value` form: a fixed point, equal to the reference, and
    /// folding its digits gives the `Digits::Fold` form `folded`.
    fn check_value_form(input: &str, folded: &str) {
        let mut value = String::new();
        normalise_with(input, Digits::Value, &mut value);
        let mut twice = String::new();
        normalise_with(&value, Digits::Value, &mut twice);
        assert_eq!(twice, value, "value form not idempotent on {input:?}");
        assert_eq!(reference_with(input, Digits::Value), value, "{input:?}");
        let mut bytes = Vec::new();
        fold_digits(&value, &mut bytes);
        assert_eq!(bytes, folded.as_bytes(), "fold(value) != fold on {input:?}");
    }

    #[test]
    fn digits_keep_their_value() {
        let value = |s: &str| {
            let mut out = String::new();
            normalise_with(s, Digits::Value, &mut out);
            out
        };
        assert_eq!(value("Shr 12 cts vs 10 cts"), "shr 12 cts vs 10 cts");
        // Arabic-Indic and Persian digits are the same numbers as ASCII ones.
        assert_eq!(value("رقم ١٢٣ و ۴۵"), "رقم 123 و 45");
        assert_eq!(value("रु ४२"), "रु 42");
        // NFKC already maps full-width and superscript digits; ½ is 1⁄2.
        assert_eq!(value("１２ x² ½"), "12 x2 1 2");
        // Numerals that are not decimal digits still fold.
        assert_eq!(value("௰"), "0");
        for input in ["Shr 12 cts", "رقم ۱۲۳ و 45", "٢٠٢٣-٠١-٠٥", "\u{1D7D9}"] {
            check_value_form(input, &normalise(input));
        }
    }

    #[test]
    fn digit_table_matches_unicode() {
        for c in ('\0'..=char::MAX).filter(|c| c.is_numeric()) {
            if let Some(d) = decimal_value(c) {
                // Each listed block is ten consecutive numeric code points.
                let zero = char::from_u32(c as u32 - d as u32).expect("zero digit");
                assert!(zero.is_numeric(), "{c:?}");
            }
        }
        assert_eq!(decimal_value('7'), Some(7));
        assert_eq!(decimal_value('٧'), Some(7));
        assert_eq!(decimal_value('a'), None);
        assert_eq!(decimal_value('½'), None);
    }

    #[test]
    fn english() {
        // bbc_news, bbc/business/001
        check(
            "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months to December, from $639m year-earlier.",
            "quarterly profits at us media giant timewarner jumped 00 to 0 00bn 000m for the three months to december from 000m year earlier",
        );
        check("don't  stop\tthe\r\n--music--", "don t stop the music");
        check("  \n\t ", "");
        check("", "");
        check("under_score", "under score");
    }

    #[test]
    fn arabic_folding() {
        check("قالَ الرئيسُ ـــ إنّ ٢٠٢٣؟", "قال الرئيس ان 0000");
        // First line of the seed article, then one of its quotes.
        check(
            "بوتين يقدم لكيم جونغ أون هدايا فراق مع انتهاء جولته مبكرا",
            "بوتين يقدم لكيم جونغ اون هدايا فراق مع انتهاء جولته مبكرا",
        );
        check("وقال: “هذا من صلاحياتهم”.", "وقال هذا من صلاحياتهم");
        check("آمنة ٱلله مصطفى", "امنه الله مصطفي");
        check("عامـــــل", "عامل");
        check("رقم ۱۲۳ و 45", "رقم 000 و 00");
        check("نعم، لا؛ هل؟ نعم۔", "نعم لا هل نعم");
        // Decomposed alef + madda / hamza compose first, then fold.
        check("\u{0627}\u{0653}\u{0645}\u{0646}", "امن");
        check("\u{0648}\u{0654}", "ؤ");
    }

    #[test]
    fn persian_in_arabic_news() {
        // saudinewsnet/2015-08-08/00001 mixes Persian yeh and keheh in.
        check(
            "الحافلة الایرانیة التي كانت تقل رکابا، تعرضت للهجوم المسلح علی الطریق",
            "الحافله الايرانيه التي كانت تقل ركابا تعرضت للهجوم المسلح علي الطريق",
        );
        // ZWNJ joins the Persian plural without a space.
        check("کتاب\u{200C}های فارسی", "كتابهاي فارسي");
    }

    #[test]
    fn french() {
        // gilets_jaunes_fr/ca/0000
        check(
            "PARIS | Après les nombreuses manifestations d’opposition qui ont marqué son mandat, Emmanuel Macron fait face samedi à une nouvelle fronde populaire avec le mouvement des «gilets jaunes»",
            "paris après les nombreuses manifestations d opposition qui ont marqué son mandat emmanuel macron fait face samedi à une nouvelle fronde populaire avec le mouvement des gilets jaunes",
        );
        check(
            "Paris |\u{a0}Près de 283 000 manifestants",
            "paris près de 000 000 manifestants",
        );
        check("ÉCOLE Œuvre ÇA", "école œuvre ça");
        check("le ﬁnancement", "le financement");
        // Decomposed accents compose to the same form as precomposed ones.
        check("e\u{301}te\u{301} été", "été été");
        check("Straße STRASSE", "straße strasse");
    }

    #[test]
    fn chinese() {
        // gilets_jaunes_zh/zh/0000
        check(
            "大火、照明弹和催泪瓦斯，漆黑的汽车残骸，散落一地的橱窗玻璃，凯旋门上“马克龙下台”的涂鸦赫然醒目。",
            "大火 照明弹和催泪瓦斯 漆黑的汽车残骸 散落一地的橱窗玻璃 凯旋门上 马克龙下台 的涂鸦赫然醒目",
        );
        check("已引发巴黎10年来最严重骚乱！", "已引发巴黎00年来最严重骚乱");
        check("「东京」《人民日报》【新华社】", "东京 人民日报 新华社");
    }

    #[test]
    fn fullwidth_and_compatibility() {
        check("ＡＢＣ１２３ ｘｙｚ", "abc000 xyz");
        check("ｶﾞｷﾞ", "ガギ");
        check("① ½ ² Ⅻ ™ ㎏", "0 0 0 0 xii tm kg");
        check("ΟΔΟΣ οδος", "οδοσ οδοσ");
        check("İstanbul Istanbul", "istanbul istanbul");
    }

    #[test]
    fn invisible_characters() {
        check("abc\u{200F}def\u{202B}ghi\u{202C}", "abcdefghi");
        check("\u{FEFF}Hello wo\u{200B}rld", "hello world");
        check("Ver\u{AD}sion \u{2066}x\u{2069}", "version x");
        // A zero-width space between a base and its accent must not stop them
        // composing, or a second pass would compose them.
        check("e\u{200B}\u{301}", "é");
        check("\u{301}abc", "\u{301}abc");
        check(". \u{301}", "\u{301}");
    }

    #[test]
    fn fast_ranges_are_right() {
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            if c.is_ascii() {
                continue;
            }
            let ccc = canonical_combining_class(c);
            let qc = is_nfkc_quick(once(c)) == IsNormalized::Yes;
            let single = || normalise(c.encode_utf8(&mut [0; 4]));
            match norm_class(c) {
                Norm::Identity => {
                    assert!(ccc == 0 && qc && !is_ignorable(c), "{u:04X}");
                    assert_eq!(single(), c.to_string(), "{u:04X}");
                }
                Norm::Stable => assert!(ccc == 0 && qc, "{u:04X}"),
                Norm::Separator => {
                    assert!(ccc == 0, "{u:04X}");
                    assert_eq!(single(), "", "{u:04X}");
                    // Its NFKC form must not compose with a following mark.
                    let with_mark: String = [c, '\u{301}'].iter().collect();
                    assert_eq!(normalise(&with_mark), "\u{301}", "{u:04X}");
                }
                Norm::Ignorable => assert!(is_ignorable(c)),
                Norm::Other(..) => assert!(ccc != 0 || !qc, "{u:04X}"),
            }
        }
    }

    /// Debug builds are ~20x slower, so the exhaustive checks below thin out
    /// there; a release test run (`cargo test --release`) checks everything.
    pub(crate) const EXHAUSTIVE: bool = !cfg!(debug_assertions);

    #[test]
    fn every_code_point_matches_reference_and_is_idempotent() {
        let mut buf = String::new();
        let mut once_out = String::new();
        let mut twice = String::new();
        let mut checked = 0;
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            // Each code point alone, after a base letter, and before marks
            // that compose with Latin, Arabic, kana and Hangul bases. Debug
            // runs skip unassigned code points and the uniform ideograph
            // blocks, and test Identity ones alone.
            let uniform = !unicode_normalization::char::is_public_assigned(c)
                || matches!(u, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF);
            let patterns: &[[Option<char>; 3]] = if uniform && !EXHAUSTIVE {
                continue;
            } else if matches!(norm_class(c), Norm::Identity) && !EXHAUSTIVE {
                &[[None, Some(c), None]]
            } else {
                &[
                    [None, Some(c), None],
                    [Some('a'), Some(c), Some('\u{301}')],
                    [Some('ا'), Some(c), Some('\u{654}')],
                    [Some('か'), Some(c), Some('\u{3099}')],
                    [Some(c), Some('\u{11A8}'), Some('x')],
                ]
            };
            for pattern in patterns {
                buf.clear();
                buf.extend(pattern.iter().flatten());
                normalise_into(&buf, &mut once_out);
                normalise_into(&once_out, &mut twice);
                assert_eq!(once_out, twice, "not idempotent on {buf:?}");
                assert_eq!(
                    once_out,
                    reference(&buf),
                    "differs from reference on {buf:?}"
                );
                if c.is_numeric() {
                    check_value_form(&buf, &once_out);
                }
                checked += 1;
            }
        }
        assert!(checked > 100_000);
    }

    /// Corpus folders the data-driven tests read: the shipped `datasets/` samples, or
    /// the folders under `$CHAFF_CORPORA` (e.g. the full shared corpora) when set.
    pub(crate) fn corpus_dirs() -> Vec<std::path::PathBuf> {
        let root = std::env::var("CHAFF_CORPORA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets")
            });
        let mut dirs: Vec<_> = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        assert!(
            !dirs.is_empty(),
            "no corpus folders under {}",
            root.display()
        );
        dirs
    }

    /// The `text` field of each document of a corpus directory (all its `.jsonl`
    /// files; a `.txt` file is one document), parsed once per test process.
    pub(crate) fn corpus_texts(dir: &std::path::Path) -> &'static [String] {
        use std::sync::{Mutex, OnceLock};
        type Cache = Mutex<Vec<(std::path::PathBuf, &'static [String])>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, texts)) = cache.iter().find(|(d, _)| d == dir) {
            return texts;
        }
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        let mut texts: Vec<String> = Vec::new();
        for f in files {
            let data = std::fs::read_to_string(&f).unwrap_or_default();
            match f.extension().and_then(|e| e.to_str()) {
                Some("jsonl") => texts.extend(data.lines().filter_map(json_text_field)),
                Some("txt") => texts.push(data),
                _ => {}
            }
        }
        let texts: &'static [String] = Box::leak(texts.into_boxed_slice());
        cache.push((dir.to_path_buf(), texts));
        texts
    }

    /// The `text` string of one JSONL record (enough JSON for these files).
    fn json_text_field(line: &str) -> Option<String> {
        let start = line.find("\"text\": \"")? + 9;
        let mut rest = &line[start..];
        let mut out = String::new();
        loop {
            let i = memchr::memchr2(b'"', b'\\', rest.as_bytes())?;
            out.push_str(&rest[..i]);
            if rest.as_bytes()[i] == b'"' {
                return Some(out);
            }
            let esc = rest[i + 1..].chars().next()?;
            rest = &rest[i + 1 + esc.len_utf8()..];
            match esc {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let mut code = u32::from_str_radix(rest.get(..4)?, 16).ok()?;
                    rest = &rest[4..];
                    if (0xD800..0xDC00).contains(&code) && rest.starts_with("\\u") {
                        let low = u32::from_str_radix(rest.get(2..6)?, 16).ok()?;
                        rest = &rest[6..];
                        code =
                            0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                    }
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
                other => out.push(other),
            }
        }
    }

    #[test]
    fn corpora_are_idempotent_and_match_reference() {
        let mut docs = 0;
        let (mut once_out, mut twice) = (String::new(), String::new());
        let stride = if EXHAUSTIVE { 1 } else { 10 };
        for dir in corpus_dirs() {
            for text in corpus_texts(&dir).iter().step_by(stride) {
                normalise_into(text, &mut once_out);
                normalise_into(&once_out, &mut twice);
                assert_eq!(once_out, twice, "not idempotent in {dir:?}");
                assert_eq!(
                    once_out,
                    reference(text),
                    "differs from reference in {dir:?}"
                );
                check_value_form(text, &once_out);
                docs += 1;
            }
        }
        eprintln!("checked {docs} corpus documents");
    }

    /// [`dominant_script`]'s sample, counted the obvious way: the first
    /// `SCRIPT_SAMPLE_LETTERS` letters, one character at a time.
    fn script_counts_reference(text: &str) -> Script {
        let mut counts = [0u32; 15];
        let mut letters = 0u32;
        for c in text.chars() {
            if letters >= SCRIPT_SAMPLE_LETTERS {
                break;
            }
            if let Some(script) = letter_script(c) {
                counts[script as usize] += 1;
                letters += 1;
            }
        }
        // Same decision as `dominant_script` on a text made of exactly the sampled letters.
        let sample: String = Script::ALL
            .iter()
            .flat_map(|&s| {
                let c = match s {
                    Script::Latin => 'a',
                    Script::Cyrillic => 'б',
                    Script::Greek => 'λ',
                    Script::Arabic => 'ب',
                    Script::Hebrew => 'ש',
                    Script::Han => '中',
                    Script::Japanese => 'か',
                    Script::Hangul => '한',
                    Script::Thai => 'ก',
                    Script::Lao => 'ກ',
                    Script::Khmer => 'ក',
                    Script::Myanmar => 'က',
                    Script::Devanagari => 'क',
                    Script::Other => 'ა',
                    Script::Unknown => ' ',
                };
                std::iter::repeat_n(c, counts[s as usize] as usize)
            })
            .collect();
        if letters == 0 {
            Script::Unknown
        } else {
            dominant_script(&sample)
        }
    }

    #[test]
    fn script_sample_matches_char_by_char_count() {
        let mut texts: Vec<String> = vec![
            "a".repeat(5000) + &"ب".repeat(5000),
            "ب ".repeat(3000) + &"a".repeat(5000),
            "x—".repeat(4000),
            "é".repeat(4095) + "ab" + &"б".repeat(10),
            "a".repeat(4095) + "ب" + &"б".repeat(10),
            "a".repeat(4096) + "ب",
            "1234 ,.".repeat(100),
        ];
        for dir in corpus_dirs() {
            texts.extend(corpus_texts(&dir).iter().step_by(7).cloned());
        }
        for t in &texts {
            assert_eq!(dominant_script(t), script_counts_reference(t));
        }
    }

    #[test]
    fn scripts_of_corpora_languages() {
        let cases = [
            ("Ad sales boost Time Warner profit", Script::Latin),
            (
                "PARIS | Après les nombreuses manifestations d’opposition",
                Script::Latin,
            ),
            (
                "أحالت أمانة منطقة المدينة المنورة، ثلاثة قياديين إلى التحقيق",
                Script::Arabic,
            ),
            (
                "大火、照明弹和催泪瓦斯，漆黑的汽车残骸，巴黎10年来",
                Script::Han,
            ),
            ("東京都は今日、新しい計画を発表しました。", Script::Japanese),
            ("カタカナだけのテキスト", Script::Japanese),
            ("서울에서 열린 회의", Script::Hangul),
            ("Москва — столица России", Script::Cyrillic),
            ("Η Αθήνα είναι η πρωτεύουσα", Script::Greek),
            ("שלום עולם", Script::Hebrew),
            ("ภาษาไทยไม่มีช่องว่าง", Script::Thai),
            ("नमस्ते दुनिया", Script::Devanagari),
            ("Բարեւ աշխարհ", Script::Other),
            ("2019 — 12.5% !!!", Script::Unknown),
            ("", Script::Unknown),
            // Majority wins: a Chinese sentence quoting a Latin name.
            ("马克龙表示，Emmanuel 将继续改革", Script::Han),
        ];
        for (text, script) in cases {
            assert_eq!(dominant_script(text), script, "{text}");
        }
        assert!(Script::Japanese.is_unspaced() && Script::Han.is_unspaced());
        assert!(!Script::Arabic.is_unspaced() && !Script::Latin.is_unspaced());
        assert!(Script::Cyrillic.is_cased() && !Script::Arabic.is_cased());
        let names: std::collections::HashSet<_> = Script::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), Script::ALL.len());
        assert_eq!(Script::Han.name(), "han");
    }

    #[test]
    fn scripts_of_whole_corpora() {
        let expected = [
            ("bbc_news", Script::Latin),
            ("gilets_jaunes_fr", Script::Latin),
            ("gilets_jaunes_zh", Script::Han),
            ("saudinewsnet", Script::Arabic),
        ];
        for dir in corpus_dirs() {
            let name = dir.file_name().unwrap().to_string_lossy().to_string();
            let Some(&(_, script)) = expected.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let found: Vec<Script> = corpus_texts(&dir)
                .iter()
                .map(|t| dominant_script(t))
                .filter(|&s| s != Script::Unknown)
                .collect();
            let hits = found.iter().filter(|&&s| s == script).count();
            assert!(
                hits * 1000 >= found.len() * 999,
                "{name}: {hits}/{}",
                found.len()
            );
        }
    }

    #[test]
    fn word_counts() {
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("don t stop"), 3);
        assert_eq!(count_words("大火 照明弹和"), 6);
        assert_eq!(count_words("巴黎00年来"), 5);
        assert_eq!(count_words("iphone手机 price"), 4);
        assert_eq!(count_words("東京都はtokyo"), 5);
        // Thai vowel signs and tone marks stay with their consonant.
        assert_eq!(count_words("ไม่มี"), 3);
        assert_eq!(count_words("قال الرئيس ان 0000"), 4);
        let mut words = vec![];
        split_words("大火 照明弹 iphone手机 ok", &mut words);
        assert_eq!(
            words,
            ["大", "火", "照", "明", "弹", "iphone", "手", "机", "ok"]
        );
        words.clear();
        split_words("ไม่มี", &mut words);
        assert_eq!(words, ["ไ", "ม่", "มี"]);
        for text in ["a b c", "大火 照明弹和", "x\u{301} 火\u{301}y", "ไม่มี abc"]
        {
            words.clear();
            split_words(text, &mut words);
            assert_eq!(words.len(), count_words(text), "{text}");
        }
    }
}

//! Analyse each document: pure functions of one record, run in parallel.
//!
//! Two passes share this module. The *scan* pass ([`scan`]) measures the raw
//! document and hashes each line for the corpus-wide boilerplate stage. The
//! *content* pass ([`content`]) sees which lines were judged boilerplate,
//! rebuilds the content text from the rest and derives what depends on it:
//! language, shingles and MinHash signature, entities.

use crate::boilerplate::rules::RuleSet;
use crate::normalise::{
    count_words, dominant_script, fold_digits, normalise_append, split_words, Digits, Script,
};
use crate::record::{domain_of, Record, Status};
use crate::repetition::{repetition, Repetition};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// Lines this close to the top or bottom of a document count as "at the edge" (where templates live).
pub const EDGE_LINES: usize = 3;

/// A line of a document, reduced to what the boilerplate stage needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineKey {
    /// xxh3 of the normalised line with its digits folded to 0 (time stamps and
    /// counters vary between copies of one boilerplate line).
    pub hash: u64,
    /// Characters of the raw line.
    pub chars: u32,
    /// Words of the normalised line.
    pub words: u16,
    /// Within `EDGE_LINES` of the first or last non-empty line.
    pub at_edge: bool,
    /// Percentage of the normalised line's non-space characters that are digits (folded to 0):
    /// data rows of tables look alike once digits are folded.
    pub digit_pct: u8,
    /// The line starts with a lower-case letter: the tail of a wrapped sentence, not a line of its own.
    pub starts_lower: bool,
    /// Index of the marker rule that matched the raw line, if any.
    pub rule: Option<u16>,
}

/// What the scan pass learns about one record.
#[derive(Clone, Debug)]
pub struct DocScan {
    /// Id as given (or the source when the record had none); moved out (and made unique)
    /// into the corpus's `doc_ids` once every record is scanned.
    pub doc_id: String,
    /// `<path>:<line or record number>`.
    pub source: Box<str>,
    /// Read outcome.
    pub status: Status,
    /// Why the status is not `ok`.
    pub error: Option<Box<str>>,
    /// URL field.
    pub url: Option<Box<str>>,
    /// Host of the URL, without `www.`.
    pub domain: Option<Box<str>>,
    /// Title field.
    pub title: Option<Box<str>>,
    /// Date field.
    pub date: Option<Box<str>>,
    /// Bytes of the record as stored.
    pub bytes: u64,
    /// Characters of the text.
    pub chars: u64,
    /// Words of the normalised text.
    pub words: u64,
    /// Non-empty lines.
    pub lines: u32,
    /// Dominant script.
    pub script: Script,
    /// xxh3 of the normalised text (digits keep their value); 0 for documents without text.
    pub exact_hash: u64,
    /// In-document repetition (Gopher family); boxed, and None when not computed
    /// (`chaff dedup`), as it was a sixth of a record's fixed size. Read it with
    /// [`DocScan::repetition`].
    pub repetition_stats: Option<Box<Repetition>>,
    /// One key per non-empty line, in order (empty in the scan of [`scan_for_dedup`]).
    pub line_keys: Vec<LineKey>,
    /// Indices of the lines a marker rule matched; filled only by [`scan_for_dedup`],
    /// whose scan has no line keys.
    pub rule_lines: Vec<u32>,
}

impl DocScan {
    /// In-document repetition (all zero when it was not computed).
    pub fn repetition(&self) -> Repetition {
        self.repetition_stats
            .as_deref()
            .copied()
            .unwrap_or_default()
    }
}

/// Appends a normalised line to normalised text, one space between them; empty lines add nothing.
pub fn append_words(out: &mut String, words: &str) {
    if words.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(words);
}

/// Appends the normal form of `line` (digits keep their value) to normalised text, one
/// space between them; a line with no words adds nothing. Returns where the line's words
/// start in `out`, and whether the line is all ASCII (see [`char_count`]). Normalises in
/// place: no copy of the line.
pub fn append_normalised(out: &mut String, line: &str) -> (usize, bool) {
    let before = out.len();
    if before > 0 {
        out.push(' ');
    }
    let start = out.len();
    let ascii = normalise_append(line, Digits::Value, out);
    if out.len() == start {
        out.truncate(before);
        return (before, ascii);
    }
    (start, ascii)
}

/// Length of `line` in chars, `ascii` telling that it is all ASCII (as its normalisation
/// learnt): most lines are, and their length is then the count, with no second pass.
#[inline]
pub fn char_count(line: &str, ascii: bool) -> usize {
    match ascii {
        true => line.len(),
        false => line.chars().count(),
    }
}

/// Number of bytes for which `f` holds. Counting into a `u8` per chunk of 255 bytes
/// lets the loop vectorise 16 bytes per step (a `usize` sum did not vectorise).
#[inline(always)]
pub(crate) fn count_bytes(b: &[u8], f: impl Fn(u8) -> bool) -> usize {
    b.chunks(255)
        .map(|chunk| chunk.iter().fold(0u8, |n, &c| n + u8::from(f(c))) as usize)
        .sum()
}

/// Byte statistics of a normalised line, counted in one branch-free pass.
struct LineStats {
    /// ASCII digits (every digit is ASCII once normalised).
    digits: usize,
    /// Digits other than 0: the line's key must fold them.
    nonzero_digits: usize,
    /// Spaces (one between each two words).
    spaces: usize,
    /// Characters (bytes that do not continue a UTF-8 sequence).
    chars: usize,
}

impl LineStats {
    fn of(normalised: &str) -> Self {
        // Separate counting passes over a line in L1 cache: each one vectorises, while
        // one loop with four counters did not (14 instructions per byte).
        let b = normalised.as_bytes();
        let digits = count_bytes(b, |c| c.is_ascii_digit());
        let nonzero_digits = if digits == 0 {
            0
        } else {
            count_bytes(b, |c| (b'1'..=b'9').contains(&c))
        };
        LineStats {
            digits,
            nonzero_digits,
            spaces: count_bytes(b, |c| c == b' '),
            chars: normalised.chars().count(),
        }
    }

    /// Share of digits among the non-space characters, in percent.
    fn digit_pct(&self) -> u8 {
        let non_space = self.chars - self.spaces;
        (self.digits * 100 / non_space.max(1)) as u8
    }
}

impl LineKey {
    /// The line has digits.
    pub fn has_digit(&self) -> bool {
        self.digit_pct > 0
    }
}

/// Non-empty lines of a text, trimmed, in order: the line model shared by both passes.
///
/// Hard-wrapped text (newswire copy broken at ~70 columns) is re-flowed first: its
/// physical lines are joined into paragraphs, so a wrapped fragment such as
/// "said." is not mistaken for a line that recurs across the corpus.
pub fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    // Re-flowing can only join a line to a non-empty line right above it. Most texts
    // separate their lines with blank ones (syn50k and BBC News: all of them), so the
    // split is made once as if unwrapped, and the wrap test (a char count of every
    // line) runs only when some line could continue the one before.
    let (units, could_join) = split_units(text, false);
    if could_join && is_hard_wrapped(text) {
        split_units(text, true).0
    } else {
        units
    }
    .into_iter()
}

/// The lines of `text` between its newlines (newline excluded, `\r` kept) with their byte
/// offsets, found by one SIMD `memchr` scan; no empty line after a final newline.
fn newline_split(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let last = (!bytes.is_empty() && bytes.last() != Some(&b'\n')).then_some(bytes.len());
    let mut here = 0;
    memchr::memchr_iter(b'\n', bytes)
        .chain(last)
        .map(move |end| {
            let line = (here, &text[here..end]);
            here = end + 1;
            line
        })
}

/// The line units of `text`, hard-wrapped paragraphs joined when `wrapped`; and whether
/// a non-indented line directly followed a non-empty one (what `wrapped` would join).
///
/// Lines are found with one SIMD `memchr` scan and trimmed once from each end (newswire
/// text has ~70-byte lines, where `split_inclusive` and a second `trim` made this 15 % of
/// all instructions of a reuters21578 dedup).
fn split_units(text: &str, wrapped: bool) -> (Vec<&str>, bool) {
    let mut could_join = false;
    // Room for a typical article's paragraphs: growing from empty reallocated a few
    // times per document.
    let mut units = Vec::with_capacity(32);
    let mut start: Option<usize> = None;
    let mut end = 0;
    for (line_start, line) in newline_split(text) {
        // Every `\r` before the newline is cut, as `trim_end_matches` did.
        let line = line.trim_end_matches('\r');
        let body = line.trim_start();
        let lead = line.len() - body.len();
        let trimmed = body.trim_end();
        if trimmed.is_empty() {
            if let Some(s) = start.take() {
                units.push(&text[s..end]);
            }
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        // In wrapped text a new paragraph is an indented or blank-separated line; a short
        // line can still be mid-paragraph when the next word did not fit.
        let joinable = start.is_some() && !indented;
        could_join |= joinable;
        let continues = wrapped && joinable;
        if !continues {
            if let Some(s) = start.take() {
                units.push(&text[s..end]);
            }
        }
        if start.is_none() {
            start = Some(line_start + lead);
        }
        end = line_start + lead + trimmed.len();
    }
    if let Some(s) = start {
        units.push(&text[s..end]);
    }
    (units, could_join)
}

/// Shortest line length that counts as a full line of hard-wrapped text.
const WRAP_MIN: usize = 50;

/// True when at least half the lines are 50–80 characters long: the text was wrapped at a fixed width.
fn is_hard_wrapped(text: &str) -> bool {
    let mut lines = 0;
    let mut wrapped = 0;
    // Lines as `str::lines` gives them, but for a `\r` before the newline, which every
    // test below trims away anyway.
    for (_, l) in newline_split(text) {
        let body = l.trim();
        if body.is_empty() {
            continue;
        }
        lines += 1;
        if lines > 200 {
            lines = 200;
            break;
        }
        let end = l.trim_end();
        // A char is 1-4 bytes: only lines of 50-320 bytes can be 50-80 chars long, and
        // counting bytes first skips the char count (and the space count) for the rest.
        if !(WRAP_MIN..=4 * 80).contains(&end.len()) {
            continue;
        }
        let chars = if end.is_ascii() {
            end.len()
        } else {
            end.chars().count()
        };
        if !(WRAP_MIN..=80).contains(&chars) {
            continue;
        }
        // Word-wrapped lines have several spaces; lines of Chinese or Japanese text do not.
        if memchr::memchr_iter(b' ', body.as_bytes()).nth(4).is_some() {
            wrapped += 1;
        }
    }
    lines >= 4 && wrapped * 2 >= lines
}

/// A copy of an optional field, sized exactly (these are kept for every record).
fn boxed(field: &Option<String>) -> Option<Box<str>> {
    field.as_deref().map(Into::into)
}

/// The fields of a scan that come straight from the record; the measures start at zero.
fn blank_scan(rec: &Record, url_and_title: bool) -> DocScan {
    DocScan {
        doc_id: rec.id.clone().unwrap_or_else(|| rec.source.clone()),
        source: rec.source.as_str().into(),
        status: rec.status,
        error: boxed(&rec.error),
        url: boxed(&rec.url).filter(|_| url_and_title),
        domain: rec.url.as_deref().and_then(domain_of).map(Into::into),
        title: boxed(&rec.title).filter(|_| url_and_title),
        date: boxed(&rec.date),
        bytes: rec.bytes,
        chars: 0,
        words: 0,
        lines: 0,
        script: Script::Unknown,
        exact_hash: 0,
        repetition_stats: None,
        line_keys: Vec::new(),
        rule_lines: Vec::new(),
    }
}

/// xxh3 of a document's normalised lines joined by single spaces, streamed line by line
/// (no copy of the whole text); 0 for a document without words.
#[derive(Default)]
struct ExactHash {
    state: Xxh3,
    any: bool,
}

impl ExactHash {
    /// Adds one normalised line; an empty one adds nothing.
    fn add(&mut self, norm: &str) {
        if norm.is_empty() {
            return;
        }
        if self.any {
            self.state.update(b" ");
        }
        self.state.update(norm.as_bytes());
        self.any = true;
    }

    fn digest(&self) -> u64 {
        if self.any {
            self.state.digest()
        } else {
            0
        }
    }
}

/// Scan pass: measures one record and keys its lines; `stats` adds the repetition metrics.
pub fn scan(rec: &Record, rules: &RuleSet, stats: bool) -> DocScan {
    let mut scan = blank_scan(rec, true);
    if !rec.status.has_text() || rec.text.is_empty() {
        return scan;
    }
    let text = &rec.text;
    scan.chars = text.chars().count() as u64;
    scan.script = dominant_script(text);
    // Each line is normalised into a scratch buffer and measured there. The exact hash
    // streams over every line, so no second copy of the whole text is needed.
    let mut full = stats.then(|| String::with_capacity(text.len()));
    let mut exact = ExactHash::default();
    let mut line_buf = String::new();
    let mut folded = Vec::new();
    let lines = content_lines(text);
    let mut keys = Vec::with_capacity(lines.size_hint().0);
    let unspaced = scan.script.is_unspaced();
    for line in lines {
        line_buf.clear();
        // One normalisation serves both uses: digits keep their value for the exact
        // hash and shingles, and are folded to 0 only for the line's boilerplate key.
        let (start, ascii) = append_normalised(&mut line_buf, line);
        let norm = &line_buf[start..];
        let stats = LineStats::of(norm);
        let hash = if stats.nonzero_digits > 0 {
            fold_digits(norm, &mut folded);
            xxh3_64(&folded)
        } else {
            xxh3_64(norm.as_bytes())
        };
        exact.add(norm);
        if let Some(f) = full.as_mut() {
            append_words(f, norm);
        }
        let rule = rules.match_line(line).map(|i| i as u16);
        keys.push(LineKey {
            hash,
            chars: char_count(line, ascii) as u32,
            words: if unspaced {
                count_words(norm)
            } else {
                stats.spaces + usize::from(!norm.is_empty())
            }
            .min(u16::MAX as usize) as u16,
            at_edge: false,
            digit_pct: stats.digit_pct(),
            starts_lower: line.chars().next().is_some_and(char::is_lowercase),
            rule,
        });
    }
    let n = keys.len();
    for (i, k) in keys.iter_mut().enumerate() {
        k.at_edge = i < EDGE_LINES || i + EDGE_LINES >= n;
    }
    scan.lines = n as u32;
    scan.line_keys = keys;
    if let Some(normalised) = &full {
        let mut words: Vec<&str> = Vec::new();
        split_words(normalised, &mut words);
        scan.words = words.len() as u64;
        scan.repetition_stats = Some(Box::new(repetition(text, &words)));
    } else {
        scan.words = scan.line_keys.iter().map(|k| k.words as u64).sum();
    }
    scan.exact_hash = exact.digest();
    scan
}

/// Line counts of the one-read dedup scan: content lines versus marker-rule lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarkerTally {
    /// Characters of the raw lines no marker rule matched.
    pub content_chars: u64,
    /// Lines a marker rule matched.
    pub rule_lines: u32,
    /// Characters of those lines.
    pub rule_chars: u64,
    /// Rules that fired, sorted, each once.
    pub rules: Vec<u16>,
}

/// The `chaff dedup` scan: only what near-duplicate detection needs, in one read. The
/// normal form of the lines no marker rule matched is written to `content` (for
/// shingling); the scan comes back compact (marker-rule line indices, no line keys),
/// with the exact hash of the whole normalised text, as [`scan`] computes it. Line keys,
/// word counts and repetition are not computed: nothing in the dedup tables uses them.
pub fn scan_for_dedup(
    rec: &Record,
    rules: &RuleSet,
    content: &mut String,
) -> (DocScan, MarkerTally) {
    let mut scan = blank_scan(rec, false);
    let mut tally = MarkerTally::default();
    if !rec.status.has_text() || rec.text.is_empty() {
        return (scan, tally);
    }
    let text = &rec.text;
    scan.script = dominant_script(text);
    // The exact hash is over every normalised line, `content` over the ones no rule
    // matched, both joined by single spaces: a stretch of `content` goes to the hash only
    // when a rule line is about to be cut from it (or at the end), so the streaming hasher
    // takes a few long inputs instead of copying every line through its buffer.
    debug_assert!(content.is_empty(), "a fresh buffer per document");
    let mut exact = ExactHash::default();
    let mut hashed = 0;
    let mut lines = 0u32;
    for line in content_lines(text) {
        let before = content.len();
        let (_, ascii) = append_normalised(content, line);
        let chars = char_count(line, ascii) as u64;
        if let Some(rule) = rules.match_line(line) {
            exact.add(content[hashed..].trim_start_matches(' '));
            content.truncate(before);
            hashed = before;
            scan.rule_lines.push(lines);
            tally.rule_lines += 1;
            tally.rule_chars += chars;
            tally.rules.push(rule as u16);
        } else {
            tally.content_chars += chars;
        }
        lines += 1;
    }
    tally.rules.sort_unstable();
    tally.rules.dedup();
    scan.lines = lines;
    exact.add(content[hashed..].trim_start_matches(' '));
    scan.exact_hash = exact.digest();
    (scan, tally)
}

/// The content of a document: its lines minus the boilerplate ones, joined by newlines.
pub fn content_text(text: &str, boilerplate: &[bool]) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in content_lines(text).enumerate() {
        if boilerplate.get(i).copied().unwrap_or(false) {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line splitter as first written (`split_inclusive` and `trim`), for comparison.
    fn split_units_reference(text: &str, wrapped: bool) -> (Vec<&str>, bool) {
        let mut could_join = false;
        let mut units = Vec::new();
        let mut start: Option<usize> = None;
        let mut end = 0;
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let line = raw.trim_end_matches(['\n', '\r']);
            let trimmed = line.trim();
            let here = offset;
            offset += raw.len();
            if trimmed.is_empty() {
                if let Some(s) = start.take() {
                    units.push(&text[s..end]);
                }
                continue;
            }
            let joinable = start.is_some() && !line.starts_with([' ', '\t']);
            could_join |= joinable;
            if !(wrapped && joinable) {
                if let Some(s) = start.take() {
                    units.push(&text[s..end]);
                }
            }
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(here + lead);
            }
            end = here + lead + trimmed.len();
        }
        if let Some(s) = start {
            units.push(&text[s..end]);
        }
        (units, could_join)
    }

    /// The wrap test as first written (`str::lines`), for comparison.
    fn is_hard_wrapped_reference(text: &str) -> bool {
        let mut lines = 0;
        let mut wrapped = 0;
        for l in text.lines().filter(|l| !l.trim().is_empty()).take(200) {
            lines += 1;
            let end = l.trim_end();
            if !(WRAP_MIN..=80).contains(&end.chars().count()) {
                continue;
            }
            if l.trim().bytes().filter(|&b| b == b' ').count() >= 5 {
                wrapped += 1;
            }
        }
        lines >= 4 && wrapped * 2 >= lines
    }

    #[test]
    fn wrap_test_agrees_with_the_reference() {
        let line = "Shares of the company rose sharply on Tuesday after the";
        let pieces = [
            line,
            "\n",
            "\r\n",
            "\n\n",
            "  ",
            "\r",
            "short line",
            "é",
            "中文中文中文",
            "a b c d e f",
            "\u{a0}",
        ];
        let mut state = 3u64;
        let mut seen = [0usize; 2];
        for _ in 0..6_000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let expected = is_hard_wrapped_reference(&text);
            seen[usize::from(expected)] += 1;
            assert_eq!(is_hard_wrapped(&text), expected, "{text:?}");
            state = state.wrapping_add(11);
        }
        assert!(
            seen[0] > 100 && seen[1] > 100,
            "both answers covered: {seen:?}"
        );
        let many: String = (0..300).map(|_| format!("{line}\n")).collect();
        assert_eq!(is_hard_wrapped(&many), is_hard_wrapped_reference(&many));
    }

    #[test]
    fn line_splitter_agrees_with_the_reference_on_awkward_text() {
        let pieces = [
            "",
            "\n",
            "\r\n",
            "\r\r\n",
            "\r",
            " ",
            "\t",
            "\u{a0}",
            "\u{3000}",
            "word",
            "two words",
            "  indented",
            "العربية",
            "中文",
            "x\u{2028}y",
            "\n\n",
            " \n",
            "end.",
        ];
        let mut state = 1u64;
        for _ in 0..4_000 {
            let mut text = String::new();
            for _ in 0..(state % 9) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            for wrapped in [false, true] {
                assert_eq!(
                    split_units(&text, wrapped),
                    split_units_reference(&text, wrapped),
                    "{text:?} wrapped={wrapped}"
                );
            }
            state = state.wrapping_add(7);
        }
    }

    #[test]
    fn the_dedup_scan_hashes_like_the_full_scan_wherever_the_rule_lines_are() {
        let rules = RuleSet::builtin();
        let lines = [
            "[ad_1]",
            "Source link",
            "A headline here",
            "",
            "  ",
            "...",
            "Body text 42.",
        ];
        // Every sequence of up to four of these lines.
        let mut texts = vec![String::new()];
        for len in 1..=4u32 {
            for code in 0..lines.len().pow(len) {
                let picked: Vec<&str> = (0..len as usize)
                    .map(|i| lines[code / lines.len().pow(i as u32) % lines.len()])
                    .collect();
                texts.push(picked.join("\n"));
            }
        }
        for text in &texts {
            let rec = Record::with_text("t.jsonl:1".into(), text.clone(), text.len() as u64);
            let mut content = String::new();
            let (fast, _) = scan_for_dedup(&rec, &rules, &mut content);
            assert_eq!(
                fast.exact_hash,
                scan(&rec, &rules, false).exact_hash,
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_scan_mode_gives_the_same_hash_and_counts() {
        let rules = RuleSet::builtin();
        let text =
            "Breaking: Prices ٣٢ up\n\n[ad_1]\n\nالعَرَبِيَّة   text here, 2024.\n\n  \nSource link";
        let rec = Record::with_text("t.jsonl:1".into(), text.into(), text.len() as u64);
        let with_stats = scan(&rec, &rules, true);
        let plain = scan(&rec, &rules, false);
        let mut content = String::new();
        let (fast, tally) = scan_for_dedup(&rec, &rules, &mut content);
        let value_form = |l: &str| {
            let mut out = String::new();
            crate::normalise::normalise_with(l, Digits::Value, &mut out);
            out
        };
        let whole: Vec<String> = content_lines(text)
            .map(value_form)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(with_stats.exact_hash, xxh3_64(whole.join(" ").as_bytes()));
        assert_eq!(plain.words, with_stats.words);
        assert_eq!(plain.line_keys, with_stats.line_keys);
        for other in [&plain, &fast] {
            assert_eq!(other.exact_hash, with_stats.exact_hash);
            assert_eq!(other.lines, with_stats.lines);
        }
        // The dedup scan keeps only the indices of the marker-rule lines.
        let rule_lines: Vec<u32> = (0..with_stats.line_keys.len() as u32)
            .filter(|&i| with_stats.line_keys[i as usize].rule.is_some())
            .collect();
        assert_eq!(fast.rule_lines, rule_lines);
        assert_eq!(fast.rule_lines, vec![1, 3]);
        assert!(fast.line_keys.is_empty() && fast.url.is_none());
        let rule_chars: u64 = with_stats
            .line_keys
            .iter()
            .filter(|k| k.rule.is_some())
            .map(|k| k.chars as u64)
            .sum();
        assert_eq!(tally.rule_lines, 2);
        assert_eq!(tally.rule_chars, rule_chars);
        assert_eq!(
            tally.content_chars + rule_chars,
            with_stats
                .line_keys
                .iter()
                .map(|k| k.chars as u64)
                .sum::<u64>()
        );
        // The content keeps every line but the two marker-rule ones.
        assert_eq!(content, format!("{} {}", whole[0], whole[2]));
    }

    #[test]
    fn hard_wrapped_text_is_reflowed() {
        let text = "Showers continued throughout the week in the Bahia cocoa zone,\nalleviating the drought since early January and improving\nprospects for the coming temporao, Comissaria Smith said.\n    The dry period means the temporao will be late this year, and\nthe arrivals for the week ended February 22 were 155,221 bags,\nthe company said.\n    Reuter\n";
        let units: Vec<&str> = content_lines(text).collect();
        assert_eq!(units.len(), 3, "{units:?}");
        assert!(units[0].ends_with("Smith said."));
        assert!(units[1].starts_with("The dry period") && units[1].ends_with("company said."));
        assert_eq!(units[2], "Reuter");
    }

    #[test]
    fn ordinary_lines_stay_lines() {
        let text = "Headline\n\n[ad_1]\n\nFirst paragraph of the story, one line.\nSecond line.\nSource link";
        let units: Vec<&str> = content_lines(text).collect();
        assert_eq!(
            units,
            vec![
                "Headline",
                "[ad_1]",
                "First paragraph of the story, one line.",
                "Second line.",
                "Source link"
            ]
        );
    }
}

//! JSON Lines: splits the stream into lines (reader thread) and parses one line into a record (parallel stage).

use super::decompress::{describe_error, Stream};
use super::{BlockSink, InputFile, LoadOptions};
use crate::record::{decode_utf8_lossy, Record, Status};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::io::{self, BufRead};

/// Outcome of reading one line with a size limit.
struct Line {
    /// Bytes the line had (without the newline), even when not kept.
    len: usize,
    /// True when the line was longer than the limit and was not kept.
    oversized: bool,
}

/// Reads the next line into `buf` (without the newline), keeping at most `limit` bytes; None at end of stream.
fn next_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
    consumed: &mut u64,
) -> io::Result<Option<Line>> {
    buf.clear();
    let mut len = 0usize;
    let mut oversized = false;
    let mut started = false;
    loop {
        let avail = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(started.then_some(Line { len, oversized }));
        }
        started = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        len += chunk.len();
        if !oversized {
            if len > limit {
                oversized = true;
                buf.clear();
                buf.shrink_to(1 << 20);
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        reader.consume(used);
        *consumed += used as u64;
        if done {
            return Ok(Some(Line { len, oversized }));
        }
    }
}

/// Reads a JSONL file (or one `.json` array) into the sink; Ok(false) when the consumer has gone.
pub(crate) fn read(
    index: u32,
    file: &InputFile,
    mut reader: Stream,
    opts: &LoadOptions,
    sink: &mut BlockSink,
) -> io::Result<bool> {
    let mut consumed: u64 = 0;
    let head = (|| {
        // Editors on Windows start files with a byte-order mark; it is not part of the first record.
        if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            consumed += 3;
        }
        array_start(file, &mut *reader)
    })();
    match head {
        Ok(Some(at)) => {
            reader.consume(at);
            return super::json_array::read(index, file, &mut *reader, opts, sink);
        }
        Ok(None) => {}
        Err(e) => {
            let msg = describe_error(file, &e, consumed);
            return Ok(sink.push_ready(Record::problem(
                format!("{}:1", file.display),
                Status::Unreadable,
                msg,
                0,
            )));
        }
    }
    let mut buf = Vec::with_capacity(64 << 10);
    let mut line_no: u64 = 0;
    let mut records: u64 = 0;
    loop {
        let line = match next_line(&mut *reader, &mut buf, opts.max_doc_bytes, &mut consumed) {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(e) => {
                // The partial line is covered by this row; every complete line before it was kept.
                let msg = describe_error(file, &e, consumed);
                return Ok(sink.push_ready(Record::problem(
                    format!("{}:{}", file.display, line_no + 1),
                    Status::Unreadable,
                    msg,
                    0,
                )));
            }
        };
        line_no += 1;
        if line.oversized {
            records += 1;
            let rec = Record::problem(
                format!("{}:{}", file.display, line_no),
                Status::Oversized,
                format!(
                    "record of {} bytes exceeds --max-doc-bytes ({}); not loaded",
                    line.len, opts.max_doc_bytes
                ),
                line.len as u64,
            );
            if !sink.push_ready(rec) {
                return Ok(false);
            }
            continue;
        }
        let trimmed = trim_ascii(&buf);
        if trimmed.is_empty() {
            continue;
        }
        records += 1;
        if !sink.push_json(index, line_no, trimmed) {
            return Ok(false);
        }
    }
    if records == 0 {
        return Ok(sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Empty,
            "empty file: no records".into(),
            0,
        )));
    }
    Ok(true)
}

/// Offset of the `[` that opens a file holding one JSON array, or None for JSON lines.
///
/// Only the first buffer is looked at (leading whitespace longer than that means lines).
/// Files named `.jsonl`/`.ndjson` are always lines: there a first line starting with `[`
/// is one malformed record, and must not swallow the records after it.
fn array_start(file: &InputFile, reader: &mut dyn BufRead) -> io::Result<Option<usize>> {
    let name = file.display.to_ascii_lowercase();
    let stem = [".gz", ".zst", ".zstd"]
        .iter()
        .find_map(|c| name.strip_suffix(c))
        .unwrap_or(&name);
    if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        return Ok(None);
    }
    let head = reader.fill_buf()?;
    Ok(head
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .filter(|&i| head[i] == b'['))
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end]
}

/// Parses one JSON line into a record; problems become the record's status, never a panic.
pub(crate) fn parse_record(bytes: &[u8], source: String, opts: &LoadOptions) -> Record {
    let len = bytes.len() as u64;
    let (decoded, mut utf8_error) = match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), None),
        Err(_) => {
            let (s, err) = decode_utf8_lossy(bytes.to_vec());
            (std::borrow::Cow::Owned(s), err)
        }
    };
    let mut fields = parse_fields(&decoded, opts);
    if fields.is_err() {
        // JavaScript and Python write lone UTF-16 surrogates (`\ud800`) that strict JSON
        // parsers reject: treat them like other invalid text (U+FFFD, flagged) rather than
        // losing the whole record as malformed.
        if let Some(fixed) = replace_lone_surrogates(&decoded) {
            if let Ok(f) = parse_fields(&fixed, opts) {
                fields = Ok(f);
                let note = "lone UTF-16 surrogate escape replaced with U+FFFD";
                utf8_error = Some(match utf8_error {
                    Some(e) => format!("{e}; {note}"),
                    None => note.to_string(),
                });
            }
        }
    }
    let mut rec = Record::problem(source, Status::Malformed, String::new(), len);
    rec.error = None;
    if opts.keep_raw {
        rec.raw = Some(bytes.to_vec());
    }
    let fields = match fields {
        Ok(f) => f,
        Err(e) => {
            rec.error = Some(match utf8_error {
                Some(u) => format!("malformed JSON: {e} (also {u})"),
                None => format!("malformed JSON: {e}"),
            });
            return rec;
        }
    };
    rec.id = fields.id.and_then(Value::into_scalar);
    rec.url = fields.url.and_then(Value::into_scalar);
    rec.title = fields.title.and_then(Value::into_scalar);
    rec.date = fields.date.and_then(Value::into_scalar);
    match fields.text {
        None => {
            rec.error = Some(format!("missing text field '{}'", opts.text_field));
        }
        Some(Value::Str(text)) => {
            rec.status = if text.trim().is_empty() {
                Status::Empty
            } else if utf8_error.is_some() {
                Status::InvalidUtf8
            } else {
                Status::Ok
            };
            rec.error = utf8_error.or_else(|| {
                (rec.status == Status::Empty).then(|| "text is empty or whitespace".to_string())
            });
            rec.text = text;
        }
        Some(Value::Null) => {
            rec.status = Status::Empty;
            rec.error = Some(format!("text field '{}' is null", opts.text_field));
        }
        Some(_) => {
            rec.error = Some(format!("text field '{}' is not a string", opts.text_field));
        }
    }
    rec
}

/// The JSON text with every `\uXXXX` escape of an unpaired UTF-16 surrogate replaced by
/// `\ufffd`; None when there was none.
fn replace_lone_surrogates(json: &str) -> Option<String> {
    let b = json.as_bytes();
    let escape_at = |i: usize| -> Option<u32> {
        let hex = b.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut out = String::with_capacity(json.len());
    let mut copied = 0;
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(i) else {
            i += 2; // any other escape, `\\` included: its second byte is never a new escape
            continue;
        };
        let high = (0xD800..0xDC00).contains(&unit);
        let paired = high && escape_at(i + 6).is_some_and(|u| (0xDC00..0xE000).contains(&u));
        if paired {
            i += 12;
        } else if (0xD800..0xE000).contains(&unit) {
            out.push_str(&json[copied..i]);
            out.push_str("\\ufffd");
            changed = true;
            i += 6;
            copied = i;
        } else {
            i += 6;
        }
    }
    changed.then(|| {
        out.push_str(&json[copied..]);
        out
    })
}

/// The fields chaff reads from a JSON record; everything else is skipped without being built.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Fields {
    text: Option<Value>,
    /// A text [`decode_json_string`] left alone: parse the line again the plain way.
    text_left_to_serde: bool,
    id: Option<Value>,
    url: Option<Value>,
    title: Option<Value>,
    date: Option<Value>,
}

/// A field's value, reduced to what chaff uses.
#[cfg_attr(test, derive(Debug, PartialEq))]
enum Value {
    Str(String),
    Scalar(String),
    Null,
    Nested,
}

impl Value {
    fn into_scalar(self) -> Option<String> {
        match self {
            Value::Str(s) | Value::Scalar(s) => Some(s),
            Value::Null | Value::Nested => None,
        }
    }
}

/// Parses an already validated line: a flat object (most records) by
/// [`parse_flat_object`], anything else with serde_json, whose `from_str` skips a second
/// UTF-8 check of every string (the text is most of the line).
///
/// In the serde_json path the text field is taken raw and decoded by
/// [`decode_json_string`] into a string of the right size: serde_json decodes an escaped
/// string into a scratch buffer that starts empty for every line and doubles as it goes,
/// then copies it out, and the texts of scraped records are long and escaped (`\n` at
/// least). Anything that decoder leaves
/// alone, and any error, is parsed again the plain way, so results and messages are
/// serde_json's own.
fn parse_fields(line: &str, opts: &LoadOptions) -> Result<Fields, serde_json::Error> {
    if let Some(fields) = parse_flat_object(line, opts) {
        return Ok(fields);
    }
    let fast = parse_fields_with(line, opts, true);
    match fast {
        Ok(fields) if !fields.text_left_to_serde => Ok(fields),
        _ => parse_fields_with(line, opts, false),
    }
}

fn parse_fields_with(
    line: &str,
    opts: &LoadOptions,
    decode_text: bool,
) -> Result<Fields, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(line);
    let fields = RecordSeed { opts, decode_text }.deserialize(&mut de)?;
    de.end()?;
    Ok(fields)
}

/// The fields of a line that is one flat JSON object (keys without escapes; values that
/// are strings, non-negative integers, `true`, `false` or `null`), read in one pass; None
/// for anything else, which serde_json then parses (and judges) as before.
///
/// Scraped records are such objects, and serde_json read their text twice: once to find
/// where the string ends (`RawValue`), once more to decode it (1.8 % and 1.4 % of a
/// one-thread syn50k profile). Here each string is scanned once, sixteen bytes at a time,
/// and copied a segment at a time. Whatever this accepts, serde_json accepts with the
/// same values (a test compares the two on corpus lines and crafted ones).
fn parse_flat_object(line: &str, opts: &LoadOptions) -> Option<Fields> {
    let b = line.as_bytes();
    let mut i = skip_ws(b, 0);
    if *b.get(i)? != b'{' {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut fields = Fields::default();
    if *b.get(i)? == b'}' {
        i += 1;
    } else {
        loop {
            if *b.get(i)? != b'"' {
                return None;
            }
            let key_end = i + 1 + string_special(&b[i + 1..])?;
            if b[key_end] != b'"' {
                return None;
            }
            let key = key_of(&line[i + 1..key_end], opts);
            i = skip_ws(b, key_end + 1);
            if *b.get(i)? != b':' {
                return None;
            }
            i = skip_ws(b, i + 1);
            let capacity = match key {
                Key::Text => b.len() - i,
                _ => 0,
            };
            let (value, next) = flat_value(line, i, matches!(key, Key::Other), capacity)?;
            match key {
                Key::Text => fields.text = Some(value),
                Key::Id => fields.id = Some(value),
                Key::Url => fields.url = Some(value),
                Key::Title => fields.title = Some(value),
                Key::Date => fields.date = Some(value),
                Key::Other => {}
            }
            i = skip_ws(b, next);
            match *b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                b'}' => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(b, i) == b.len()).then_some(fields)
}

/// The index of the first byte at or after `i` that is not JSON whitespace.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// A flat value starting at `line[i]` and the index right after it; `skip` values are only
/// checked, not built. None for objects, arrays, and numbers other than plain non-negative
/// integers (serde_json's own reading of those is kept). A string gets `capacity` bytes
/// up front (the text is most of its line: growing it from empty reallocated it often).
fn flat_value(line: &str, i: usize, skip: bool, capacity: usize) -> Option<(Value, usize)> {
    let b = line.as_bytes();
    match *b.get(i)? {
        b'"' => {
            let mut out = String::with_capacity(if skip { 0 } else { capacity });
            let mut at = i + 1;
            loop {
                let k = string_special(&b[at..])?;
                if !skip {
                    out.push_str(&line[at..at + k]);
                }
                at += k;
                if b[at] == b'"' {
                    break;
                }
                let (c, next) = decode_escape(b, at)?;
                if !skip {
                    out.push(c);
                }
                at = next;
            }
            Some((Value::Str(out), at + 1))
        }
        b'0'..=b'9' => {
            let len = b[i..].iter().take_while(|d| d.is_ascii_digit()).count();
            let digits = &line[i..i + len];
            // A leading zero is not JSON; past u64 serde_json reads a float.
            if (len > 1 && digits.starts_with('0')) || digits.parse::<u64>().is_err() {
                return None;
            }
            Some((Value::Scalar(digits.to_string()), i + len))
        }
        _ if b[i..].starts_with(b"true") => Some((Value::Scalar("true".into()), i + 4)),
        _ if b[i..].starts_with(b"false") => Some((Value::Scalar("false".into()), i + 5)),
        _ if b[i..].starts_with(b"null") => Some((Value::Null, i + 4)),
        _ => None,
    }
}

/// Bytes of `s` before the first `"` or `\\`; None when a control character (below 0x20,
/// which a JSON string may not hold raw) comes first, or neither does (the string does
/// not end).
#[inline]
fn string_special(s: &[u8]) -> Option<usize> {
    let mut at = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while at + 16 <= s.len() {
            // SAFETY: SSE2 is part of every x86-64 CPU; the load reads s[at..at + 16].
            let mask = unsafe {
                let x = _mm_loadu_si128(s.as_ptr().add(at).cast());
                let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
                let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
                // x <= 0x1F as unsigned bytes: the minimum of the two is x itself.
                let control = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x);
                _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control))
            };
            if mask != 0 {
                at += mask.trailing_zeros() as usize;
                return (s[at] >= 0x20).then_some(at);
            }
            at += 16;
        }
    }
    let k = at
        + s[at..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
    (s[k] >= 0x20).then_some(k)
}

/// The value of a JSON string literal (`raw`, quotes included, already checked by
/// serde_json), decoded in one pass; None when it is not a string or holds what only
/// serde_json should judge (a lone surrogate escape).
fn decode_json_string(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    while let Some(k) = memchr::memchr(b'\\', &bytes[at..]) {
        // `at` only ever stops on ASCII bytes, so these slices are on char boundaries.
        out.push_str(&body[at..at + k]);
        let (c, next) = decode_escape(bytes, at + k)?;
        out.push(c);
        at = next;
    }
    out.push_str(&body[at..]);
    Some(out)
}

/// The char of the escape sequence starting with the backslash at `bytes[at]`, and where
/// the text goes on; None for an invalid escape or a lone surrogate (left to serde_json).
#[inline]
fn decode_escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let at = at + 2;
    let c = match *bytes.get(at - 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex4(bytes.get(at..at + 4)?)?;
            let code = match unit {
                0xD800..=0xDBFF => {
                    if bytes.get(at + 4..at + 6)? != b"\\u" {
                        return None;
                    }
                    let low = hex4(bytes.get(at + 6..at + 10)?)?;
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return None;
                    }
                    return Some((
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?,
                        at + 10,
                    ));
                }
                0xDC00..=0xDFFF => return None,
                _ => unit,
            };
            return Some((char::from_u32(code)?, at + 4));
        }
        _ => return None,
    };
    Some((c, at))
}

/// The value of four hex digits.
fn hex4(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |v, &d| Some(v * 16 + char::from(d).to_digit(16)?))
}

struct RecordSeed<'a> {
    opts: &'a LoadOptions,
    /// Take the text raw and decode it with [`decode_json_string`].
    decode_text: bool,
}

#[derive(Clone, Copy)]
enum Key {
    Text,
    Id,
    Url,
    Title,
    Date,
    Other,
}

struct KeySeed<'a> {
    opts: &'a LoadOptions,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, k: &str) -> Result<Key, E> {
        Ok(key_of(k, self.opts))
    }
}

/// Which field a (decoded) key names.
fn key_of(k: &str, opts: &LoadOptions) -> Key {
    if k == opts.text_field {
        Key::Text
    } else if k == opts.id_field {
        Key::Id
    } else {
        match k {
            "url" | "URL" | "link" => Key::Url,
            "title" | "headline" => Key::Title,
            "date" | "published" | "timestamp" => Key::Date,
            _ => Key::Other,
        }
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Fields;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Fields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Fields;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key_seed(KeySeed { opts: self.opts })? {
            // Duplicate keys: the last value wins, as in most JSON parsers.
            match key {
                Key::Text if self.decode_text => {
                    let raw = map.next_value::<&serde_json::value::RawValue>()?;
                    match decode_json_string(raw.get()) {
                        Some(text) => fields.text = Some(Value::Str(text)),
                        None => fields.text_left_to_serde = true,
                    }
                }
                Key::Text => fields.text = Some(map.next_value::<Value>()?),
                Key::Id => fields.id = Some(map.next_value::<Value>()?),
                Key::Url => fields.url = Some(map.next_value::<Value>()?),
                Key::Title => fields.title = Some(map.next_value::<Value>()?),
                Key::Date => fields.date = Some(map.next_value::<Value>()?),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }
}

impl<'de> de::Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Nested)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Nested)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &[u8]) -> Record {
        parse_record(line, "f.jsonl:1".into(), &LoadOptions::default())
    }

    #[test]
    fn fields_are_extracted() {
        let r = parse(br#"{"id": 7, "text": "Hello \"world\"", "url": "https://x.org/a", "extra": {"deep": [1,2]}, "title": null}"#);
        assert_eq!(r.status, Status::Ok);
        assert_eq!(r.id.as_deref(), Some("7"));
        assert_eq!(r.text, "Hello \"world\"");
        assert_eq!(r.url.as_deref(), Some("https://x.org/a"));
        assert_eq!(r.title, None);
    }

    #[test]
    fn problems_are_statuses() {
        assert_eq!(parse(b"{\"text\": 1}").status, Status::Malformed);
        assert_eq!(parse(b"{\"id\": \"a\"}").status, Status::Malformed);
        assert!(parse(b"{\"id\": \"a\"}")
            .error
            .unwrap()
            .contains("missing text field"));
        assert_eq!(parse(b"[1,2]").status, Status::Malformed);
        assert_eq!(
            parse(b"{\"text\": \"a\"} trailing").status,
            Status::Malformed
        );
        assert_eq!(parse(b"{\"text\": \"  \"}").status, Status::Empty);
        assert_eq!(parse(b"{\"text\": null}").status, Status::Empty);
        let bad = parse(b"{\"text\": \"caf\xe9 au lait\"}");
        assert_eq!(bad.status, Status::InvalidUtf8);
        assert!(bad.text.contains('\u{fffd}'));
        // Deeply nested fields chaff skips are parsed without recursion, so they cannot overflow the stack.
        let deep = format!(
            "{{\"text\":\"x\",\"a\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(parse(deep.as_bytes()).status, Status::Ok);
        let deep_text = format!(
            "{{\"text\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(parse(deep_text.as_bytes()).status, Status::Malformed);
    }

    #[test]
    fn lone_surrogates_are_replaced_and_flagged() {
        let r = parse(br#"{"text": "emoji cut \ud83d here and \udc00 there", "id": "a\\ud800"}"#);
        assert_eq!(r.status, Status::InvalidUtf8);
        assert_eq!(r.text, "emoji cut \u{fffd} here and \u{fffd} there");
        // An escaped backslash followed by `ud800` is text, not an escape.
        assert_eq!(r.id.as_deref(), Some("a\\ud800"));
        assert!(r.error.unwrap().contains("surrogate"));
        let pair = parse(br#"{"text": "ok \ud83d\ude00"}"#);
        assert_eq!(pair.status, Status::Ok);
        assert_eq!(pair.text, "ok \u{1F600}");
        assert_eq!(replace_lone_surrogates(r#"{"a":"\ud83d\ude00"}"#), None);
    }

    /// [`parse_flat_object`]'s answer must be serde_json's whenever it gives one.
    fn agrees_with_serde(line: &str) -> bool {
        let opts = LoadOptions::default();
        let Some(fast) = parse_flat_object(line, &opts) else {
            return false;
        };
        match parse_fields_with(line, &opts, false) {
            Ok(plain) => assert_eq!(fast, plain, "{line:?}"),
            Err(e) => panic!("serde_json rejects what the flat reader took: {e}: {line:?}"),
        }
        true
    }

    #[test]
    fn flat_reader_agrees_with_serde_on_shipped_lines() {
        let mut lines = 0;
        let mut flat = 0;
        for dir in crate::normalise::tests::corpus_dirs() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "jsonl") {
                    for line in std::fs::read_to_string(&path).unwrap().lines() {
                        lines += 1;
                        flat += usize::from(agrees_with_serde(line.trim()));
                    }
                }
            }
        }
        // The shipped records are flat objects: the fast reader is what reads them.
        assert!(
            lines > 1000 && flat == lines,
            "{flat} of {lines} lines read flat"
        );
    }

    #[test]
    fn flat_reader_agrees_with_serde_on_crafted_lines() {
        let fixed = [
            r#"{}"#,
            r#"  { "text" : "x" , "id" : 0 }  "#,
            r#"{"id": 18446744073709551615, "text": "max"}"#,
            r#"{"id": 18446744073709551616, "text": "past u64"}"#,
            r#"{"id": 01, "text": "leading zero"}"#,
            r#"{"id": -1, "text": "negative"}"#,
            r#"{"id": -0, "text": "minus zero"}"#,
            r#"{"id": 1.5, "text": "float"}"#,
            r#"{"id": 1e3, "text": "exponent"}"#,
            r#"{"id": true, "title": false, "url": null, "text": "literals"}"#,
            r#"{"id": tru, "text": "bad literal"}"#,
            r#"{"id": nullx, "text": "bad literal"}"#,
            r#"{"text": "x",}"#,
            r#"{"text": "x"} x"#,
            r#"{"text": "x"}{}"#,
            r#"{"text": "first", "text": "second"}"#,
            r#"{"te\u0078t": "escaped key"}"#,
            r#"{"text": "x", "meta": {"a": [1, 2]}}"#,
            r#"{"text": ["not", "a", "string"]}"#,
            r#"{"text": 42}"#,
            r#"{"text": null}"#,
            r#"{"text": "unterminated"#,
            r#"{"text": "escapes \" \\ \/ \b \f \n \r \t \u00e9 \u4e2d \ud83d\ude00 end"}"#,
            r#"{"text": "lone \ud83d surrogate"}"#,
            r#"{"text": "bad \x escape"}"#,
            r#"{"text": "short \u12 escape"}"#,
            "{\"text\": \"raw\u{1}control\"}",
            "{\"text\": \"raw\ttab\"}",
            "{\"text\": \"del\u{7f} é 中 😀\"}",
            "{\"text\"\n:\r\"whitespace\"\t}",
        ];
        for line in fixed {
            agrees_with_serde(line);
        }
        // Strings built from pieces that put quotes, escapes, control and multi-byte
        // characters at every offset of the sixteen-byte scan.
        let pieces = [
            "a",
            "bc",
            " ",
            r"\n",
            r#"\""#,
            r"\\",
            r"\u00e9",
            r"\ud83d\ude00",
            "é",
            "中",
            "😀",
            "\u{1}",
            r"\ud800",
            r"\q",
            "\u{7f}",
            "0123456789abcdef",
        ];
        let mut next = crate::testutil::xorshift(0x2F69_3A0B_DD41_7C35);
        let mut piece = |len: u64| -> String {
            let n = next() % len;
            (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect()
        };
        let mut flat = 0;
        for _ in 0..5000 {
            let (text, other) = (piece(24), piece(6));
            let line = format!(r#"{{"id": "{other}", "text": "{text}", "x": "{other}"}}"#);
            flat += usize::from(agrees_with_serde(&line));
        }
        assert!(flat > 500, "only {flat} of 5000 random lines read flat");
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let r = parse(br#"{"text": "first", "text": "second"}"#);
        assert_eq!(r.text, "second");
    }

    #[test]
    fn line_limit() {
        let data = b"short\nthis line is too long\nend";
        let mut reader: &[u8] = data;
        let mut buf = Vec::new();
        let mut consumed = 0;
        let l = next_line(&mut reader, &mut buf, 10, &mut consumed)
            .unwrap()
            .unwrap();
        assert!(!l.oversized);
        assert_eq!(buf, b"short");
        let l = next_line(&mut reader, &mut buf, 10, &mut consumed)
            .unwrap()
            .unwrap();
        assert!(l.oversized);
        assert_eq!(l.len, 21);
        let l = next_line(&mut reader, &mut buf, 10, &mut consumed)
            .unwrap()
            .unwrap();
        assert_eq!(buf, b"end");
        assert!(!l.oversized);
        assert!(next_line(&mut reader, &mut buf, 10, &mut consumed)
            .unwrap()
            .is_none());
    }

    /// JSON string literals built from pieces that cover every escape, surrogate pairs,
    /// lone surrogates, bad escapes and multi-byte text.
    fn generated_literals() -> Vec<String> {
        let pieces = [
            "plain",
            " ",
            "é",
            "عربي",
            "漢字",
            "😀",
            r"\n",
            r"\t",
            r"\r",
            r"\b",
            r"\f",
            r"\/",
            r"\\",
            r#"\""#,
            r"\u0041",
            r"\u00e9",
            r"\u0000",
            r"\u20ac",
            r"\ud83d\ude00",
            r"\ud83d",
            r"\ude00",
            r"\ud83d\u0041",
            r"\uZZZZ",
            r"\x",
            r"\u12",
            "\u{7f}",
            "\t",
        ];
        let mut next = crate::testutil::xorshift(0x9e37_79b9_7f4a_7c15);
        (0..20_000)
            .map(|_| {
                let count = (next() % 12) as usize;
                let body: String = (0..count)
                    .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                    .collect();
                format!("\"{body}\"")
            })
            .collect()
    }

    #[test]
    fn the_text_decoder_gives_serde_jsons_string_or_leaves_it_to_serde() {
        let (mut decoded, mut left) = (0, 0);
        for raw in generated_literals() {
            // What serde_json hands the decoder: a string it has already checked.
            if serde_json::from_str::<&serde_json::value::RawValue>(&raw).is_err() {
                continue;
            }
            let want = serde_json::from_str::<String>(&raw).ok();
            match decode_json_string(&raw) {
                Some(got) => {
                    // Where the decoder answers, serde_json accepts the same text.
                    assert_eq!(Some(&got), want.as_ref(), "{raw}");
                    decoded += 1;
                }
                None => left += 1,
            }
        }
        assert!(
            decoded > 5_000 && left > 1_000,
            "{decoded} decoded, {left} left"
        );
        assert_eq!(decode_json_string("42"), None, "not a string");
    }

    #[test]
    fn records_parse_the_same_through_the_text_decoder_as_through_serde() {
        let opts = LoadOptions::default();
        let mut raws = generated_literals();
        raws.truncate(5_000);
        raws.extend(["7", "null", "true", "[1, \"a\"]", "{\"a\": \"b\"}"].map(String::from));
        for raw in &raws {
            for line in [
                format!(r#"{{"id": 1, "text": {raw}}}"#),
                format!(r#"{{"text": {raw}, "text": "second wins"}}"#),
                format!(r#"{{"text": "first", "text": {raw}, "url": "u"}}"#),
            ] {
                let fast = parse_fields(&line, &opts);
                let plain = parse_fields_with(&line, &opts, false);
                match (fast, plain) {
                    (Ok(a), Ok(b)) => {
                        let text = |f: Fields| match f.text {
                            Some(Value::Str(s)) => format!("str {s}"),
                            Some(Value::Scalar(s)) => format!("scalar {s}"),
                            Some(Value::Null) => "null".into(),
                            Some(Value::Nested) => "nested".into(),
                            None => "none".into(),
                        };
                        assert_eq!(text(a), text(b), "{line}");
                    }
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{line}"),
                    (a, b) => panic!("{line}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
                }
            }
        }
    }
}

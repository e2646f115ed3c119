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

/// Parses an already validated line: `from_str` skips serde_json's second UTF-8 check of
/// every string (the text is most of the line).
///
/// The text field is taken raw and decoded by [`decode_json_string`] into a string of the
/// right size: serde_json decodes an escaped string into a scratch buffer that starts
/// empty for every line and doubles as it goes, then copies it out, and the texts of
/// scraped records are long and escaped (`\n` at least). Anything that decoder leaves
/// alone, and any error, is parsed again the plain way, so results and messages are
/// serde_json's own.
fn parse_fields(line: &str, opts: &LoadOptions) -> Result<Fields, serde_json::Error> {
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
        at += k + 2;
        match *bytes.get(at - 1)? {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let unit = hex4(bytes.get(at..at + 4)?)?;
                at += 4;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        if bytes.get(at..at + 2)? != b"\\u" {
                            return None;
                        }
                        let low = hex4(bytes.get(at + 2..at + 6)?)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        at += 6;
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => unit,
                };
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    out.push_str(&body[at..]);
    Some(out)
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
        Ok(if k == self.opts.text_field {
            Key::Text
        } else if k == self.opts.id_field {
            Key::Id
        } else {
            match k {
                "url" | "URL" | "link" => Key::Url,
                "title" | "headline" => Key::Title,
                "date" | "published" | "timestamp" => Key::Date,
                _ => Key::Other,
            }
        })
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

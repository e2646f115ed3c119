//! A `.json` file holding one array of records, split element by element as it streams in.
//!
//! The array is never held whole: a single-line array of millions of records, or a small
//! `.json.gz` that expands to gigabytes, is read with memory bounded by `--max-doc-bytes`
//! per element. The splitter only tracks strings, escapes and bracket depth (a counter,
//! not recursion, so `[[[[…` cannot overflow the stack); each element is then parsed like
//! a JSON line, so a broken element is one `malformed` row and its neighbours still load.

use super::decompress::describe_error;
use super::{BlockSink, InputFile, LoadOptions};
use crate::record::{Record, Status};
use std::io::{self, BufRead};

/// Where the splitter is in the array.
struct Splitter {
    /// Bytes of the current element kept so far (at most `limit`).
    buf: Vec<u8>,
    /// Bytes the current element has, kept or not.
    len: u64,
    /// The current element is longer than `limit`: its bytes are counted, not kept.
    oversized: bool,
    /// Bracket depth inside the current element (0 = between elements of the array).
    depth: u64,
    in_string: bool,
    escaped: bool,
    /// A separating comma was seen since the last element ended.
    after_comma: bool,
    limit: usize,
}

impl Splitter {
    fn push(&mut self, b: u8) {
        self.len += 1;
        if self.oversized {
            return;
        }
        if self.buf.len() >= self.limit {
            self.oversized = true;
            self.buf = Vec::new();
        } else {
            self.buf.push(b);
        }
    }

    fn started(&self) -> bool {
        self.len > 0
    }
}

/// Reads the elements of a JSON array whose opening `[` is the next byte of `reader`.
pub(crate) fn read(
    index: u32,
    file: &InputFile,
    reader: &mut dyn BufRead,
    opts: &LoadOptions,
    sink: &mut BlockSink,
) -> io::Result<bool> {
    reader.consume(1); // the `[`
    let mut s = Splitter {
        buf: Vec::with_capacity(64 << 10),
        len: 0,
        oversized: false,
        depth: 0,
        in_string: false,
        escaped: false,
        after_comma: false,
        limit: opts.max_doc_bytes,
    };
    let mut elements: u64 = 0;
    let mut consumed: u64 = 1;
    let source = |n: u64| format!("{}:{}", file.display, n);
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let msg = describe_error(file, &e, consumed);
                return Ok(sink.push_ready(Record::problem(
                    source(elements + 1),
                    Status::Unreadable,
                    msg,
                    s.len,
                )));
            }
        };
        if chunk.is_empty() {
            // End of input before the closing `]`: the unfinished element (or the missing
            // rest of the array) gets one row that says so; every element before it has its own.
            let what = if s.started() {
                format!("input ended inside element {} of the JSON array (after {consumed} bytes): array not closed", elements + 1)
            } else {
                format!("input ended after {consumed} bytes: JSON array not closed")
            };
            return Ok(sink.push_ready(Record::problem(
                source(elements + 1),
                Status::Malformed,
                what,
                s.len,
            )));
        }
        let n = chunk.len();
        let mut closed_at = None;
        for (i, &b) in chunk.iter().enumerate() {
            if s.in_string {
                s.push(b);
                if s.escaped {
                    s.escaped = false;
                } else if b == b'\\' {
                    s.escaped = true;
                } else if b == b'"' {
                    s.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => {
                    s.in_string = true;
                    s.push(b);
                }
                b'[' | b'{' => {
                    s.depth += 1;
                    s.push(b);
                }
                b']' | b'}' if s.depth > 0 => {
                    s.depth -= 1;
                    s.push(b);
                }
                b',' | b']' if s.depth == 0 => {
                    let end_of_array = b == b']';
                    // `[]` is an empty array, not an empty element.
                    if s.started() || s.after_comma || elements > 0 || !end_of_array {
                        elements += 1;
                        if !emit(index, file, &mut s, elements, opts, sink) {
                            return Ok(false);
                        }
                    }
                    s.after_comma = !end_of_array;
                    if end_of_array {
                        closed_at = Some(i + 1);
                        break;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' if s.depth == 0 && !s.started() => {}
                _ => s.push(b),
            }
        }
        let used = closed_at.unwrap_or(n);
        reader.consume(used);
        consumed += used as u64;
        if closed_at.is_some() {
            return finish(file, reader, elements, consumed, sink);
        }
    }
}

/// Hands one finished element to the sink as a JSON record (or an oversized/malformed row).
fn emit(
    index: u32,
    file: &InputFile,
    s: &mut Splitter,
    number: u64,
    opts: &LoadOptions,
    sink: &mut BlockSink,
) -> bool {
    let alive = if s.oversized {
        sink.push_ready(Record::problem(
            format!("{}:{}", file.display, number),
            Status::Oversized,
            format!(
                "record of {} bytes exceeds --max-doc-bytes ({}); not loaded",
                s.len, opts.max_doc_bytes
            ),
            s.len,
        ))
    } else {
        let end = s
            .buf
            .iter()
            .rposition(|c| !c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        if end == 0 {
            sink.push_ready(Record::problem(
                format!("{}:{}", file.display, number),
                Status::Malformed,
                "empty element in the JSON array (two commas, or a trailing comma)".into(),
                0,
            ))
        } else {
            sink.push_json(index, number, &s.buf[..end])
        }
    };
    s.buf.clear();
    s.len = 0;
    s.oversized = false;
    s.depth = 0;
    s.in_string = false;
    s.escaped = false;
    alive
}

/// After the closing `]`: only whitespace may follow; anything else is one `malformed` row.
fn finish(
    file: &InputFile,
    reader: &mut dyn BufRead,
    elements: u64,
    consumed: u64,
    sink: &mut BlockSink,
) -> io::Result<bool> {
    let mut trailing: u64 = 0;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let msg = describe_error(file, &e, consumed);
                return Ok(sink.push_ready(Record::problem(
                    format!("{}:{}", file.display, elements + 1),
                    Status::Unreadable,
                    msg,
                    0,
                )));
            }
        };
        if chunk.is_empty() {
            break;
        }
        trailing += chunk.iter().filter(|c| !c.is_ascii_whitespace()).count() as u64;
        let n = chunk.len();
        reader.consume(n);
    }
    if trailing > 0 {
        return Ok(sink.push_ready(Record::problem(
            format!("{}:{}", file.display, elements + 1),
            Status::Malformed,
            format!("{trailing} bytes of data after the closing ']' of the JSON array"),
            trailing,
        )));
    }
    if elements == 0 {
        return Ok(sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Empty,
            "empty JSON array: no records".into(),
            0,
        )));
    }
    Ok(true)
}

//! WARC and WET: one document per `response`, `resource` or `conversion` record, URL kept.

use super::decompress::{describe_error, Stream};
use super::text::read_limited;
use super::{BlockSink, InputFile, LoadOptions};
use crate::record::{decode_utf8_lossy, Record, Status};
use std::io::{self, BufRead, Read};

/// Header fields of one WARC record that chaff uses.
#[derive(Default)]
struct Header {
    kind: String,
    uri: Option<String>,
    date: Option<String>,
    id: Option<String>,
    length: Option<u64>,
}

/// Reads the header block; Ok(None) at a clean end of file.
fn read_header(reader: &mut dyn BufRead, consumed: &mut u64) -> io::Result<Option<Header>> {
    let mut line = String::new();
    // Skip the blank lines that separate records.
    loop {
        line.clear();
        let n = read_header_line(reader, &mut line)?;
        *consumed += n as u64;
        if n == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    if !line.starts_with("WARC/") {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "expected a WARC version line, found {:?}",
                truncate(&line, 60)
            ),
        ));
    }
    let mut h = Header::default();
    loop {
        line.clear();
        let n = read_header_line(reader, &mut line)?;
        *consumed += n as u64;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "WARC header not terminated",
            ));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim().to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "warc-type" => h.kind = v.to_ascii_lowercase(),
                "warc-target-uri" => h.uri = Some(v.trim_matches(['<', '>']).to_string()),
                "warc-date" => h.date = Some(v),
                "warc-record-id" => h.id = Some(v.trim_matches(['<', '>']).to_string()),
                "content-length" => h.length = v.parse().ok(),
                _ => {}
            }
        }
    }
    Ok(Some(h))
}

/// Reads one header line, at most 64 KiB, lossily decoded.
fn read_header_line(reader: &mut dyn BufRead, out: &mut String) -> io::Result<usize> {
    let mut buf = Vec::new();
    let n = reader.take(64 << 10).read_until(b'\n', &mut buf)?;
    out.push_str(&String::from_utf8_lossy(&buf));
    Ok(n)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Reads every record of a WARC/WET file.
pub(crate) fn read(
    file: &InputFile,
    mut reader: Stream,
    opts: &LoadOptions,
    sink: &mut BlockSink,
) -> io::Result<bool> {
    let mut number: u64 = 0;
    let mut documents: u64 = 0;
    let mut consumed: u64 = 0;
    loop {
        let header = match read_header(&mut *reader, &mut consumed) {
            Ok(Some(h)) => h,
            Ok(None) => break,
            Err(e) => {
                let msg = if e.kind() == io::ErrorKind::InvalidData {
                    format!("malformed WARC after {consumed} bytes: {e}")
                } else {
                    describe_error(file, &e, consumed)
                };
                return Ok(sink.push_ready(Record::problem(
                    format!("{}:{}", file.display, number + 1),
                    Status::Unreadable,
                    msg,
                    0,
                )));
            }
        };
        number += 1;
        let source = format!("{}:{}", file.display, number);
        let Some(length) = header.length else {
            return Ok(sink.push_ready(Record::problem(
                source,
                Status::Unreadable,
                "WARC record without Content-Length; cannot continue".into(),
                0,
            )));
        };
        let mut body = Vec::new();
        let mut limited = (&mut *reader).take(length);
        let (more, total) = match read_limited(&mut limited, &mut body, opts.max_doc_bytes) {
            Ok(r) => r,
            Err(e) => {
                let msg = describe_error(file, &e, consumed + body.len() as u64);
                return Ok(sink.push_ready(Record::problem(
                    source,
                    Status::Unreadable,
                    msg,
                    body.len() as u64,
                )));
            }
        };
        consumed += total;
        if total < length {
            let msg = format!("truncated WARC record: Content-Length {length} but only {total} bytes before end of input");
            return Ok(sink.push_ready(Record::problem(source, Status::Unreadable, msg, total)));
        }
        let is_document = matches!(header.kind.as_str(), "response" | "resource" | "conversion");
        if !is_document {
            continue;
        }
        documents += 1;
        let text_bytes = if header.kind == "response" {
            http_body(&body)
        } else {
            (&body[..], false)
        };
        let (payload, is_html) = text_bytes;
        let (mut text, utf8_error) = decode_utf8_lossy(payload.to_vec());
        if is_html || looks_like_html(&text) {
            text = html_to_text(&text);
        }
        let mut rec = Record::with_text(source, text, total);
        rec.id = header.id;
        rec.url = header.uri;
        rec.date = header.date;
        if more {
            rec.status = Status::Oversized;
            rec.error = Some(format!("record of {total} bytes exceeds --max-doc-bytes ({}); only the first bytes were analysed", opts.max_doc_bytes));
        } else if rec.status == Status::Empty {
            rec.error = Some("record has no text".into());
        } else if let Some(e) = utf8_error {
            rec.status = Status::InvalidUtf8;
            rec.error = Some(e);
        }
        if !sink.push_ready(rec) {
            return Ok(false);
        }
    }
    if documents == 0 {
        return Ok(sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Empty,
            format!("no response/resource/conversion records among {number} WARC records"),
            0,
        )));
    }
    Ok(true)
}

/// Splits an HTTP response into its body and whether the headers declare HTML.
fn http_body(block: &[u8]) -> (&[u8], bool) {
    if !block.starts_with(b"HTTP/") {
        return (block, false);
    }
    let end = memchr::memmem::find(block, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(block, b"\n\n").map(|i| i + 2));
    match end {
        Some(i) => {
            let headers = String::from_utf8_lossy(&block[..i]).to_ascii_lowercase();
            (
                &block[i..],
                headers.contains("text/html") || headers.contains("xhtml"),
            )
        }
        None => (&[], false),
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// Crude but robust HTML to text: drops script/style, turns block tags into line breaks, decodes common entities.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let rest = &lower[i..];
            let skip_to = |close: &str| {
                rest.find(close)
                    .map(|j| i + j + close.len())
                    .unwrap_or(bytes.len())
            };
            if rest.starts_with("<script") {
                i = skip_to("</script>");
                continue;
            }
            if rest.starts_with("<style") {
                i = skip_to("</style>");
                continue;
            }
            if rest.starts_with("<!--") {
                i = skip_to("-->");
                continue;
            }
            // A tag cut off by the end of the text (a truncated record) runs to the end; the
            // name is read up to the `>` or the end, never one byte before the end, which
            // can be inside a multi-byte character.
            let (tag_end, end) = match rest.find('>') {
                Some(j) => (i + j, i + j + 1),
                None => (bytes.len(), bytes.len()),
            };
            let tag = lower[i + 1..tag_end.max(i + 1)].trim_start_matches('/');
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let block = matches!(
                name.as_str(),
                "p" | "div"
                    | "br"
                    | "li"
                    | "tr"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "section"
                    | "article"
                    | "header"
                    | "footer"
                    | "blockquote"
                    | "title"
                    | "ul"
                    | "ol"
                    | "table"
                    | "hr"
            );
            out.push(if block { '\n' } else { ' ' });
            i = end;
        } else {
            let next = html[i..].find('<').map(|j| i + j).unwrap_or(bytes.len());
            decode_entities(&html[i..next], &mut out);
            i = next;
        }
    }
    // Collapse the runs of blank lines and spaces that markup leaves behind.
    let mut cleaned = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !cleaned.is_empty() {
            cleaned.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        cleaned.push_str(&line);
        blank = 0;
    }
    cleaned
}

fn decode_entities(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        // Look for the `;` in the first 12 bytes; searching bytes, not slicing the str,
        // because byte 12 may fall inside a multi-byte character (`&العربية`).
        let semi = after.as_bytes()[..after.len().min(12)]
            .iter()
            .position(|&b| b == b';');
        let decoded = semi.and_then(|j| {
            let name = &after[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_flattened() {
        let t = html_to_text("<html><head><style>p{}</style><script>var x=1;</script></head><body><h1>Title</h1><p>One &amp; two&#33;</p><p>Three</p></body></html>");
        assert_eq!(t, "Title\n\nOne & two!\n\nThree");
    }

    #[test]
    fn ampersand_before_multibyte_text_is_kept() {
        // Found by fuzzing (tests/fuzz-regressions/warc-entity-boundary): a panic.
        assert_eq!(
            html_to_text("<p>أخبار &العربية اليوم</p>"),
            "أخبار &العربية اليوم"
        );
        assert_eq!(html_to_text("a &#x41;&eacute€;"), "a A&eacute€;");
        // Found by fuzzing (warc-unclosed-tag): a tag cut off by the end of the text.
        assert_eq!(html_to_text("<html><p>نص</p><a title=\"مرحبا"), "نص");
    }

    #[test]
    fn http_headers_are_stripped() {
        let (body, html) = http_body(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>");
        assert_eq!(body, b"<p>x</p>");
        assert!(html);
    }
}

//! The unit every stage works on: one input record, however it was stored.

use std::fmt;

/// What became of an input record when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Read and decoded; has text.
    Ok,
    /// Read, but its text is empty or whitespace (or the file was empty).
    Empty,
    /// Bytes were not valid UTF-8: decoded lossily (U+FFFD) and analysed anyway.
    InvalidUtf8,
    /// Not a valid record: bad JSON, not an object, text field missing or not a string.
    Malformed,
    /// Larger than `--max-doc-bytes`: only the first bytes (or nothing, for JSON) were analysed.
    Oversized,
    /// Could not be read at all: I/O error, truncated compressed stream, binary file.
    Unreadable,
}

impl Status {
    /// Stable lower-case name used in tables and reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Empty => "empty",
            Status::InvalidUtf8 => "invalid_utf8",
            Status::Malformed => "malformed",
            Status::Oversized => "oversized",
            Status::Unreadable => "unreadable",
        }
    }

    /// Every status, in report order.
    pub const ALL: [Status; 6] = [
        Status::Ok,
        Status::Empty,
        Status::InvalidUtf8,
        Status::Malformed,
        Status::Oversized,
        Status::Unreadable,
    ];

    /// True when the record has text worth analysing.
    pub fn has_text(self) -> bool {
        matches!(self, Status::Ok | Status::InvalidUtf8 | Status::Oversized)
    }

    /// True for the statuses that `--strict` turns into a failing exit code.
    pub fn is_problem(self) -> bool {
        !matches!(self, Status::Ok)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One input record after loading: text plus the metadata chaff keeps.
#[derive(Clone, Debug)]
pub struct Record {
    /// `<path>:<line or record number>` — where the record came from.
    pub source: String,
    /// The id field's value, when the record had one.
    pub id: Option<String>,
    /// The document text ("" when the record has none).
    pub text: String,
    /// URL field (or WARC-Target-URI).
    pub url: Option<String>,
    /// Title field.
    pub title: Option<String>,
    /// Date field, as given.
    pub date: Option<String>,
    /// Outcome of reading the record.
    pub status: Status,
    /// Why the status is not `ok`.
    pub error: Option<String>,
    /// Size of the record as stored (decompressed bytes).
    pub bytes: u64,
    /// The record's original bytes (a JSON line), kept only when a sink needs to rewrite it.
    pub raw: Option<Vec<u8>>,
}

impl Record {
    /// A record with no text that only reports a problem.
    pub fn problem(source: String, status: Status, error: String, bytes: u64) -> Self {
        Record {
            source,
            id: None,
            text: String::new(),
            url: None,
            title: None,
            date: None,
            status,
            error: Some(error),
            bytes,
            raw: None,
        }
    }

    /// A record with text and nothing else known yet.
    pub fn with_text(source: String, text: String, bytes: u64) -> Self {
        let status = if text.trim().is_empty() {
            Status::Empty
        } else {
            Status::Ok
        };
        Record {
            source,
            id: None,
            text,
            url: None,
            title: None,
            date: None,
            status,
            error: None,
            bytes,
            raw: None,
        }
    }
}

/// Decodes bytes as UTF-8, replacing bad sequences; returns the error to flag when any were replaced.
pub fn decode_utf8_lossy(bytes: Vec<u8>) -> (String, Option<String>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let s = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (
                s,
                Some(format!(
                    "invalid UTF-8 at byte {at}; bad bytes replaced with U+FFFD"
                )),
            )
        }
    }
}

/// Host part of a URL, lower-cased, without `www.` and port; None when the URL has no host.
pub fn domain_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None if url.starts_with("//") => &url[2..],
        None => url,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut host = &rest[..end];
    if let Some(at) = host.rfind('@') {
        host = &host[at + 1..];
    }
    if let Some(colon) = host.rfind(':') {
        if !host.ends_with(']') && host[colon + 1..].bytes().all(|b| b.is_ascii_digit()) {
            host = &host[..colon];
        }
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    if host.is_empty() || !host.contains('.') && !host.starts_with('[') && host != "localhost" {
        return None;
    }
    Some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(
            domain_of("https://www.BBC.co.uk/news/x?y=1").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            domain_of("http://user@example.com:8080/").as_deref(),
            Some("example.com")
        );
        assert_eq!(domain_of("not a url"), None);
        assert_eq!(domain_of("").as_deref(), None);
    }

    #[test]
    fn lossy_utf8_is_flagged() {
        let (s, err) = decode_utf8_lossy(b"ab\xffcd".to_vec());
        assert_eq!(s, "ab\u{fffd}cd");
        assert!(err.unwrap().contains("byte 2"));
        let (s, err) = decode_utf8_lossy("مرحبا".as_bytes().to_vec());
        assert_eq!(s, "مرحبا");
        assert!(err.is_none());
    }
}

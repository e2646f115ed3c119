//! Plain text and Markdown: the whole file is one document whose id is its path.

use super::decompress::{describe_error, Stream};
use super::{BlockSink, InputFile, LoadOptions};
use crate::record::{decode_utf8_lossy, Record, Status};
use std::io::{self, Read};

/// Reads at most `limit` bytes into `buf`; returns whether more bytes followed (and how many in all).
pub(crate) fn read_limited(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<(bool, u64)> {
    reader.take(limit as u64).read_to_end(buf)?;
    let mut total = buf.len() as u64;
    let mut more = false;
    let mut sink = [0u8; 64 << 10];
    loop {
        let n = reader.read(&mut sink)?;
        if n == 0 {
            break;
        }
        more = true;
        total += n as u64;
    }
    Ok((more, total))
}

/// Reads one text file as one record.
pub(crate) fn read(
    file: &InputFile,
    mut reader: Stream,
    opts: &LoadOptions,
    sink: &mut BlockSink,
) -> io::Result<bool> {
    let source = format!("{}:1", file.display);
    let mut buf = Vec::new();
    let (more, total) = match read_limited(&mut reader, &mut buf, opts.max_doc_bytes) {
        Ok(r) => r,
        Err(e) => {
            let msg = describe_error(file, &e, buf.len() as u64);
            return Ok(sink.push_ready(Record::problem(
                source,
                Status::Unreadable,
                msg,
                buf.len() as u64,
            )));
        }
    };
    if buf.iter().take(8192).any(|&b| b == 0) {
        return Ok(sink.push_ready(Record::problem(
            source,
            Status::Unreadable,
            "binary file: NUL bytes in the first 8 KiB".into(),
            total,
        )));
    }
    let (text, utf8_error) = decode_utf8_lossy(buf);
    let mut rec = Record::with_text(source, text, total);
    rec.id = Some(file.display.clone());
    if rec.status == Status::Empty {
        rec.error = Some(if total == 0 {
            "empty file".into()
        } else {
            "text is whitespace only".into()
        });
    } else if more {
        rec.status = Status::Oversized;
        rec.error = Some(format!(
            "document of {total} bytes exceeds --max-doc-bytes ({}); only the first bytes were analysed",
            opts.max_doc_bytes
        ));
    } else if let Some(e) = utf8_error {
        rec.status = Status::InvalidUtf8;
        rec.error = Some(e);
    }
    Ok(sink.push_ready(rec))
}

//! Opens an input file as a buffered stream of decompressed bytes.

use super::{Compression, Counters, InputFile};
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Counts the bytes read from disk so progress bars can show compressed progress.
struct Counting<R> {
    inner: R,
    counters: Arc<Counters>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counters
            .bytes_read
            .fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Decompressed, buffered reader of a file (or of standard input for `-`).
pub type Stream = Box<dyn BufRead + Send>;

/// Opens `file`, wrapping it in the decoder its extension calls for.
pub fn open(file: &InputFile, counters: Arc<Counters>) -> io::Result<Stream> {
    let raw: Box<dyn Read + Send> = Box::new(std::fs::File::open(&file.path)?);
    let counted = Counting {
        inner: raw,
        counters,
    };
    const BUF: usize = 1 << 20;
    Ok(match file.compression {
        Compression::None => Box::new(BufReader::with_capacity(BUF, counted)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF,
            flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF, counted)),
        )),
        Compression::Zstd => {
            let decoder = zstd::stream::read::Decoder::new(counted)?;
            Box::new(BufReader::with_capacity(BUF, decoder))
        }
    })
}

/// Explains a read error in terms of the file's compression, naming truncation when that is what it is.
pub fn describe_error(file: &InputFile, err: &io::Error, decompressed_bytes: u64) -> String {
    let codec = match file.compression {
        Compression::None => return format!("read error after {decompressed_bytes} bytes: {err}"),
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
    };
    let msg = err.to_string();
    let truncated = err.kind() == io::ErrorKind::UnexpectedEof
        || msg.contains("incomplete")
        || msg.contains("unexpected end")
        || msg.contains("truncated");
    if truncated {
        format!("truncated {codec} stream: input ended after {decompressed_bytes} decompressed bytes ({msg})")
    } else {
        format!("corrupt {codec} stream after {decompressed_bytes} decompressed bytes: {msg}")
    }
}

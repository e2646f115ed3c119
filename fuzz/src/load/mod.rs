//! The readers of the main crate's `src/load/`, with a sink that collects what they emit.

#[path = "../../../src/load/decompress.rs"]
mod decompress;
#[path = "../../../src/load/discover.rs"]
mod discover;
#[path = "../../../src/load/json_array.rs"]
mod json_array;
#[path = "../../../src/load/jsonl.rs"]
pub mod jsonl;
#[path = "../../../src/load/text.rs"]
mod text;
#[path = "../../../src/load/warc.rs"]
pub mod warc;

pub use decompress::Stream;
pub use discover::{Compression, Format, InputFile};

use crate::record::Record;
use std::sync::atomic::AtomicU64;

/// Mirror of the main crate's `LoadOptions` (fields the readers use).
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub format: Option<Format>,
    pub text_field: String,
    pub id_field: String,
    pub max_doc_bytes: usize,
    pub block_bytes: usize,
    pub keep_raw: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            format: None,
            text_field: "text".into(),
            id_field: "id".into(),
            max_doc_bytes: 16 << 20,
            block_bytes: 8 << 20,
            keep_raw: false,
        }
    }
}

/// Mirror of the main crate's progress counters.
#[derive(Default, Debug)]
pub struct Counters {
    pub bytes_read: AtomicU64,
    pub files_done: AtomicU64,
}

/// What a reader emitted, in order: a JSON record's bytes (parsed later, in parallel, in
/// the main crate) or a record read whole.
pub enum Emitted {
    Json { line: u64, bytes: Vec<u8> },
    Ready(Record),
}

/// Collects what the readers emit (the main crate's `BlockSink` batches it into blocks).
#[derive(Default)]
pub struct BlockSink {
    pub items: Vec<Emitted>,
}

impl BlockSink {
    pub(crate) fn push_json(&mut self, _file: u32, line: u64, bytes: &[u8]) -> bool {
        self.items.push(Emitted::Json {
            line,
            bytes: bytes.to_vec(),
        });
        true
    }

    pub(crate) fn push_ready(&mut self, rec: Record) -> bool {
        self.items.push(Emitted::Ready(rec));
        true
    }
}

/// Runs the reader for `format` over `data` as if it were the file `name`.
pub fn read_bytes(name: &str, format: Format, data: &[u8], opts: &LoadOptions) -> BlockSink {
    let file = InputFile {
        path: name.into(),
        display: name.into(),
        format,
        compression: Compression::None,
        size: data.len() as u64,
    };
    let stream: Stream = Box::new(std::io::Cursor::new(data.to_vec()));
    let mut sink = BlockSink::default();
    let alive = match format {
        Format::Jsonl => jsonl::read(0, &file, stream, opts, &mut sink),
        Format::Warc => warc::read(&file, stream, opts, &mut sink),
        Format::Text => text::read(&file, stream, opts, &mut sink),
        Format::Parquet => unreachable!("Parquet is not fuzzed"),
    };
    assert!(alive.expect("readers report problems as rows, not errors"));
    sink
}

/// Parses one JSON record as the main crate's parallel stage does.
pub fn parse_json(bytes: &[u8], opts: &LoadOptions) -> Record {
    jsonl::parse_record(bytes, "fuzz:1".into(), opts)
}

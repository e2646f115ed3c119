//! Load: turns the paths a user gives into an ordered stream of records.
//!
//! One reader thread walks the files in order and decompresses them, handing out
//! blocks of a few MB; each block's records are parsed in parallel by the caller
//! (rayon), so order is the input order whatever the thread count and memory
//! stays at a few blocks however large the input is.

mod decompress;
mod discover;
mod json_array;
mod jsonl;
mod parquet;
mod text;
mod warc;

pub use discover::{discover, Compression, Format, InputFile};

use crate::record::{Record, Status};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

/// How records are read: field names, limits, format override.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Format forced by `--format` instead of the file extension.
    pub format: Option<Format>,
    /// JSON field holding the text.
    pub text_field: String,
    /// JSON field holding the id.
    pub id_field: String,
    /// Records larger than this are flagged `oversized` and not loaded whole.
    pub max_doc_bytes: usize,
    /// Target size of a block handed to the parallel stage.
    pub block_bytes: usize,
    /// Keep each JSON record's original bytes (for rewriting it in `clean`).
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

/// A record not yet parsed: a JSON line's bytes inside its block, or a record read already.
pub(crate) enum Item {
    /// A JSON line: byte range in `Block::data`, file index and 1-based line number.
    Json {
        file: u32,
        line: u64,
        start: usize,
        end: usize,
    },
    /// A record the reader thread produced whole (text files, WARC, Parquet, errors).
    Ready(Box<Record>),
}

/// A batch of records in input order.
pub struct Block {
    pub(crate) data: Vec<u8>,
    pub(crate) items: Vec<Item>,
}

impl Block {
    fn new() -> Self {
        Block {
            data: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Number of records in the block.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the block has no records.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The files of a run, with their display names, and the options to read them.
pub struct Loader {
    files: Arc<Vec<InputFile>>,
    opts: Arc<LoadOptions>,
    walk_errors: Vec<Record>,
    counters: Arc<Counters>,
    spooled: Option<PathBuf>,
    /// Data buffers of processed blocks, for the reader to fill again.
    spare: SpareBuffers,
}

/// Block data buffers handed back by the consumer. Reusing them keeps a pass from
/// faulting in fresh pages for every block (blocks are above glibc's mmap threshold, so
/// each new one was mapped, zeroed by the kernel and unmapped again).
type SpareBuffers = Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

/// Spare buffers kept. The reader takes a returned buffer as soon as it starts its next
/// block, so two suffice; each kept one is 8 MB resident (measured: 4 added ~20 MB to the
/// peak RSS of a syn50k dedup).
const SPARE_BUFFERS: usize = 2;

impl Drop for Loader {
    fn drop(&mut self) {
        if let Some(p) = &self.spooled {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Progress counters the reader thread updates as it goes.
#[derive(Default, Debug)]
pub struct Counters {
    /// Bytes read from disk (compressed bytes for compressed files).
    pub bytes_read: AtomicU64,
    /// Files read to the end.
    pub files_done: AtomicU64,
}

impl Loader {
    /// Keep each record's original fields (`Record::raw`) from now on: `clean`'s write pass.
    pub fn keep_raw(&mut self, keep: bool) {
        Arc::make_mut(&mut self.opts).keep_raw = keep;
    }

    /// Discovers the files behind `inputs` (files, folders, `-`).
    pub fn new(inputs: &[PathBuf], opts: LoadOptions) -> anyhow::Result<Self> {
        let (mut files, walk_errors) = discover(inputs, opts.format)?;
        // Standard input can be read only once but the pipeline reads twice: spool it to a temp file.
        let mut spooled = None;
        for f in files.iter_mut().filter(|f| f.path.as_os_str() == "-") {
            let path =
                std::env::temp_dir().join(format!("chaff-stdin-{}.jsonl", std::process::id()));
            if spooled.is_none() {
                let mut out = std::fs::File::create(&path)?;
                std::io::copy(&mut std::io::stdin().lock(), &mut out)?;
                spooled = Some(path.clone());
            }
            f.size = std::fs::metadata(&path)?.len();
            f.path = path;
        }
        Ok(Loader {
            files: Arc::new(files),
            opts: Arc::new(opts),
            walk_errors,
            counters: Arc::default(),
            spooled,
            spare: SpareBuffers::default(),
        })
    }

    /// Live progress counters of the reader thread.
    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// The input files in reading order.
    pub fn files(&self) -> &[InputFile] {
        &self.files
    }

    /// Total size of the input files on disk (compressed size for compressed files).
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// Starts the reader thread; blocks arrive in input order. Walk errors come first.
    pub fn blocks(&self) -> Receiver<Block> {
        let (tx, rx) = sync_channel::<Block>(2);
        let files = Arc::clone(&self.files);
        let opts = Arc::clone(&self.opts);
        let spare = Arc::clone(&self.spare);
        let walk_errors = self.walk_errors.clone();
        let counters = Arc::clone(&self.counters);
        counters.bytes_read.store(0, Ordering::Relaxed);
        counters.files_done.store(0, Ordering::Relaxed);
        std::thread::Builder::new()
            .name("chaff-reader".into())
            .spawn(move || {
                let mut sink = BlockSink::new(tx, opts.block_bytes);
                sink.spare = Some(spare);
                for rec in walk_errors {
                    if !sink.push_ready(rec) {
                        return;
                    }
                }
                for (index, file) in files.iter().enumerate() {
                    if !read_file(index as u32, file, &opts, &counters, &mut sink) {
                        return;
                    }
                    counters.files_done.fetch_add(1, Ordering::Relaxed);
                }
                sink.flush();
            })
            .expect("spawn reader thread");
        rx
    }

    /// Parses a block's records in parallel and maps each with `f(index in block, record)`, keeping input order.
    pub fn process<T, F>(&self, block: Block, f: F) -> Vec<T>
    where
        T: Send,
        F: Fn(usize, Record) -> T + Sync + Send,
    {
        let Block { data, items } = block;
        // Collected straight into the result: results are large (a document's scan and
        // content), and a pass through `Option`s copied each one once more.
        let out = items
            .into_par_iter()
            .with_min_len(16)
            .enumerate()
            .map(|(i, item)| f(i, self.record(&data, item)))
            .collect();
        self.recycle(data);
        out
    }

    /// [`Loader::process`] for the records whose index in the block `keep` accepts; the
    /// others are not parsed (None). A re-read that needs a few documents skips the JSON
    /// parsing of all the rest.
    pub fn process_some<T, K, F>(&self, block: Block, keep: K, f: F) -> Vec<Option<T>>
    where
        T: Send,
        K: Fn(usize) -> bool + Sync + Send,
        F: Fn(usize, Record) -> T + Sync + Send,
    {
        let Block { data, items } = block;
        let out = items
            .into_par_iter()
            .with_min_len(16)
            .enumerate()
            .map(|(i, item)| keep(i).then(|| f(i, self.record(&data, item))))
            .collect();
        self.recycle(data);
        out
    }

    /// The record of a block's item (`data` is the block's bytes).
    fn record(&self, data: &[u8], item: Item) -> Record {
        match item {
            Item::Ready(rec) => *rec,
            Item::Json {
                file,
                line,
                start,
                end,
            } => {
                let source = format!("{}:{}", self.files[file as usize].display, line);
                jsonl::parse_record(&data[start..end], source, &self.opts)
            }
        }
    }

    /// Keeps a finished block's buffer for the reader to fill again.
    fn recycle(&self, mut data: Vec<u8>) {
        // A buffer grown far past the block size by one huge record is not kept.
        if data.capacity() <= 2 * self.opts.block_bytes {
            let mut spare = self.spare.lock().unwrap_or_else(|e| e.into_inner());
            if spare.len() < SPARE_BUFFERS {
                data.clear();
                spare.push(data);
            }
        }
    }
}

/// Collects items into blocks and sends full blocks to the consumer.
pub(crate) struct BlockSink {
    tx: std::sync::mpsc::SyncSender<Block>,
    block: Block,
    block_bytes: usize,
    /// Text bytes of `Ready` records, which live outside `data` but count toward the block size.
    ready_bytes: usize,
    /// Buffers the consumer handed back (none in tests that drive a sink directly).
    spare: Option<SpareBuffers>,
}

impl BlockSink {
    fn new(tx: std::sync::mpsc::SyncSender<Block>, block_bytes: usize) -> Self {
        BlockSink {
            tx,
            block: Block::new(),
            block_bytes,
            ready_bytes: 0,
            spare: None,
        }
    }

    /// Adds a JSON line; returns false when the consumer has gone away.
    pub(crate) fn push_json(&mut self, file: u32, line: u64, bytes: &[u8]) -> bool {
        let start = self.block.data.len();
        self.block.data.extend_from_slice(bytes);
        self.block.items.push(Item::Json {
            file,
            line,
            start,
            end: self.block.data.len(),
        });
        self.maybe_send()
    }

    /// Adds a record read whole; returns false when the consumer has gone away.
    pub(crate) fn push_ready(&mut self, rec: Record) -> bool {
        self.ready_bytes += rec.text.len() + 64;
        self.block.items.push(Item::Ready(Box::new(rec)));
        self.maybe_send()
    }

    fn maybe_send(&mut self) -> bool {
        if self.block.data.len() + self.ready_bytes >= self.block_bytes
            || self.block.items.len() >= 65_536
        {
            return self.send();
        }
        true
    }

    fn send(&mut self) -> bool {
        let mut next = Block::new();
        if let Some(spare) = &self.spare {
            if let Some(data) = spare.lock().unwrap_or_else(|e| e.into_inner()).pop() {
                next.data = data;
            }
        }
        let block = std::mem::replace(&mut self.block, next);
        self.ready_bytes = 0;
        self.tx.send(block).is_ok()
    }

    fn flush(&mut self) {
        if !self.block.items.is_empty() {
            let _ = self.send();
        }
    }
}

/// Reads one file into the sink; returns false when the consumer has gone away.
///
/// A panic in a reader (a chaff bug) must not end the reader thread quietly: the
/// consumer would take the closed channel for the end of the input and lose every later
/// record without a row. It becomes an `unreadable` row for this file instead, and
/// reading goes on with the next file.
fn read_file(
    index: u32,
    file: &InputFile,
    opts: &LoadOptions,
    counters: &Arc<Counters>,
    sink: &mut BlockSink,
) -> bool {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_file_inner(index, file, opts, counters, sink)
    }));
    match caught {
        Ok(alive) => alive,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            sink.push_ready(Record::problem(
                format!("{}:0", file.display),
                Status::Unreadable,
                format!("internal error while reading this file (a chaff bug; please report it): {what}"),
                0,
            ))
        }
    }
}

fn read_file_inner(
    index: u32,
    file: &InputFile,
    opts: &LoadOptions,
    counters: &Arc<Counters>,
    sink: &mut BlockSink,
) -> bool {
    let result = match file.format {
        Format::Parquet => parquet::read(file, opts, counters, sink),
        _ => match decompress::open(file, Arc::clone(counters)) {
            Err(e) => Err(e),
            Ok(reader) => match file.format {
                Format::Jsonl => jsonl::read(index, file, reader, opts, sink),
                Format::Text => text::read(file, reader, opts, sink),
                Format::Warc => warc::read(file, reader, opts, sink),
                Format::Parquet => unreachable!("handled above"),
            },
        },
    };
    match result {
        Ok(alive) => alive,
        Err(e) => sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Unreadable,
            format!("cannot read file: {e}"),
            0,
        )),
    }
}

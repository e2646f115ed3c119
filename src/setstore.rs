//! Verification sets kept out of memory: sorted shingle sets spilled to an unlinked
//! temporary file, read back per candidate pair.
//!
//! Held in memory these sets were the largest per-document cost of `--verify auto`
//! (~1.4 KB per record on syn50k, where 31 % of the documents are in borderline pairs).
//! In a file they cost 16 bytes of index per set; verifying a pair reads its two sets
//! back (from the page cache, in practice).
//!
//! Two ways in: [`SetSpill`] takes every document's set from the threads that sign
//! them (no third read of the input), and gives up when its file cannot be written, so
//! the caller re-reads instead; [`SetStore::new`] takes the few sets a re-read rebuilt,
//! and keeps them in memory when no file can be written, so verification never fails
//! for want of disk.

use std::fs::File;
use std::io;
use std::path::PathBuf;

/// Bytes gathered before one write to the file.
const WRITE_CHUNK: usize = 1 << 20;

/// Where the set bytes live.
enum Backing {
    /// An unlinked temporary file, written at `flushed` and read at any offset.
    File {
        file: File,
        path: PathBuf,
        flushed: u64,
    },
    /// In memory (no temporary file could be created or written).
    Memory,
}

/// Which document each span of a [`SetStore`] holds, and in what form.
enum Index {
    /// The sorted sets of these documents, ascending ([`SetStore::push`]).
    Pushed(Vec<u32>),
    /// Every document's shingle stream (repeats, text order), span `i` for document `i`
    /// ([`SetSpill`]); [`crate::shingle::stream_to_set`] turns it into the set.
    EveryStream,
}

/// Shingle sets (or streams) by document index, written once (in ascending document order) and read many times.
pub struct SetStore {
    /// Which document each span holds.
    index: Index,
    /// Byte offset and number of hashes of each stored set, in [`Index`] order.
    spans: Vec<(u64, u32)>,
    /// Bytes not yet written to the file (all bytes when in memory).
    pending: Vec<u8>,
    backing: Backing,
}

impl SetStore {
    /// A store spilling to a new temporary file (in memory when none can be created).
    pub fn new() -> Self {
        let backing = match create_temp() {
            Ok((file, path)) => Backing::File {
                file,
                path,
                flushed: 0,
            },
            Err(_) => Backing::Memory,
        };
        Self::with(backing)
    }

    /// A store that keeps every set in memory.
    pub fn in_memory() -> Self {
        Self::with(Backing::Memory)
    }

    fn with(backing: Backing) -> Self {
        SetStore {
            index: Index::Pushed(Vec::new()),
            spans: Vec::new(),
            pending: Vec::new(),
            backing,
        }
    }

    /// Number of sets stored.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no set is stored.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether the sets live in a temporary file.
    pub fn is_spilled(&self) -> bool {
        matches!(self.backing, Backing::File { .. })
    }

    /// Drops the store, on a thread of its own where nothing can be left behind by a
    /// process that ends first (the file is unlinked already): closing it frees its page
    /// cache, 8.5 ms for syn50k's 150 MB and ~9x that at 400,000 records, which the
    /// clustering and table writing after verification need not wait for.
    pub fn release(self) {
        if cfg!(unix) && self.is_spilled() {
            // A thread that cannot be started hands the closure back dropped: inline.
            let _ = std::thread::Builder::new()
                .name("chaff-release-sets".into())
                .spawn(move || drop(self));
        }
    }

    /// Adds the set of `doc`; documents must come in ascending order.
    pub fn push(&mut self, doc: u32, set: &[u64]) {
        let Index::Pushed(docs) = &mut self.index else {
            panic!("a spill's store is complete");
        };
        assert!(
            docs.last().is_none_or(|&last| last < doc),
            "sets must be pushed in ascending document order"
        );
        docs.push(doc);
        let offset = self.flushed() + self.pending.len() as u64;
        self.spans.push((offset, set.len() as u32));
        if self.pending.capacity() == 0 && self.is_spilled() {
            // One chunk and the set that crosses its end, without doubling past it.
            self.pending.reserve_exact(2 * WRITE_CHUNK);
        }
        append_le(&mut self.pending, set);
        if self.pending.len() >= WRITE_CHUNK {
            self.flush();
        }
    }

    /// Writes the pending bytes; call once after the last [`push`](Self::push).
    pub fn finish(&mut self) {
        self.flush();
        // A store that stays in memory keeps its bytes exactly sized.
        self.pending.shrink_to_fit();
    }

    /// Reads the members of `doc`'s set into `out` (cleared first), in any order and
    /// possibly repeated (a spilled stream is not sorted); false when `doc` was not stored.
    pub fn read_members(
        &self,
        doc: u32,
        bytes: &mut Vec<u8>,
        out: &mut Vec<u64>,
    ) -> io::Result<bool> {
        out.clear();
        let at = match &self.index {
            Index::EveryStream if (doc as usize) < self.spans.len() => doc as usize,
            Index::EveryStream => return Ok(false),
            Index::Pushed(docs) => match docs.binary_search(&doc) {
                Ok(at) => at,
                Err(_) => return Ok(false),
            },
        };
        let (offset, count) = self.spans[at];
        let len = count as usize * 8;
        let flushed = self.flushed();
        let raw: &[u8] = if offset >= flushed {
            let start = (offset - flushed) as usize;
            &self.pending[start..start + len]
        } else {
            let Backing::File { file, .. } = &self.backing else {
                unreachable!("only a file store has flushed bytes");
            };
            bytes.resize(len, 0);
            read_exact_at(file, bytes, offset)?;
            bytes
        };
        out.extend(
            raw.chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8-byte chunk"))),
        );
        Ok(true)
    }

    fn flushed(&self) -> u64 {
        match self.backing {
            Backing::File { flushed, .. } => flushed,
            Backing::Memory => 0,
        }
    }

    /// Moves the pending bytes to the file; on a write error, back into memory for good.
    fn flush(&mut self) {
        let Backing::File { file, flushed, .. } = &mut self.backing else {
            return;
        };
        if self.pending.is_empty() {
            return;
        }
        match write_all_at(file, &self.pending, *flushed) {
            Ok(()) => {
                *flushed += self.pending.len() as u64;
                self.pending.clear();
            }
            Err(_) => {
                // Disk full or the like: what the file holds is read back (it was
                // written whole) and everything stays in memory from now on.
                let mut all = vec![0u8; *flushed as usize];
                if read_exact_at(file, &mut all, 0).is_ok() {
                    all.append(&mut self.pending);
                    self.pending = all;
                    self.drop_file();
                    self.backing = Backing::Memory;
                }
            }
        }
    }

    fn drop_file(&mut self) {
        if let Backing::File { path, .. } = &self.backing {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Where one document's set went in a [`SetSpill`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SetSpan {
    offset: u64,
    count: u32,
}

/// One thread's part of the file: a region reserved for it and the bytes gathered there.
#[derive(Default)]
struct Region {
    /// File offset of `bytes[0]`.
    start: u64,
    /// Bytes reserved at `start` (0 before the first reservation).
    reserved: usize,
    bytes: Vec<u8>,
}

/// Every document's verification set, as the shingle stream it is signed from, written
/// by the threads that sign them (sorting waits until a pair needs the set: most never do).
///
/// Each thread fills its own region of one temporary file (reserved [`WRITE_CHUNK`] bytes
/// at a time from a shared atomic end) and writes it when full, so no set waits for a
/// single writer; where a set went comes back as a [`SetSpan`] that the caller keeps in
/// document order. The layout depends on scheduling, the sets read back do not. A failed
/// write abandons the spill: [`SetSpill::finish`] then gives None and the caller
/// rebuilds the sets it needs another way.
pub struct SetSpill {
    file: File,
    path: PathBuf,
    /// End of the reserved part of the file.
    end: std::sync::atomic::AtomicU64,
    /// One region per rayon worker of the pool it was made in, and one for any other thread.
    regions: Vec<std::sync::Mutex<Region>>,
    failed: std::sync::atomic::AtomicBool,
}

impl SetSpill {
    /// A spill for the current rayon pool; None when no temporary file can be created.
    pub fn new() -> Option<Self> {
        let (file, path) = create_temp().ok()?;
        let regions = (0..=rayon::current_num_threads())
            .map(|_| std::sync::Mutex::new(Region::default()))
            .collect();
        Some(SetSpill {
            file,
            path,
            end: std::sync::atomic::AtomicU64::new(0),
            regions,
            failed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Writes one document's shingle stream (from any thread; read back as its sorted
    /// set); its span, for [`SetSpill::finish`].
    pub fn write(&self, set: &[u64]) -> SetSpan {
        use std::sync::atomic::Ordering;
        let len = set.len() * 8;
        let slot = rayon::current_thread_index()
            .map_or(self.regions.len() - 1, |i| i.min(self.regions.len() - 1));
        let mut region = self.regions[slot].lock().unwrap_or_else(|e| e.into_inner());
        if region.bytes.len() + len > region.reserved {
            self.write_region(&mut region);
            let reserve = len.max(WRITE_CHUNK);
            region.start = self.end.fetch_add(reserve as u64, Ordering::Relaxed);
            region.reserved = reserve;
            // Empty after the write: room for the whole region, allocated once.
            region.bytes.reserve_exact(reserve);
        }
        let span = SetSpan {
            offset: region.start + region.bytes.len() as u64,
            count: set.len() as u32,
        };
        append_le(&mut region.bytes, set);
        span
    }

    /// Writes a region's gathered bytes and empties it (nothing once a write has failed).
    fn write_region(&self, region: &mut Region) {
        use std::sync::atomic::Ordering;
        if !region.bytes.is_empty()
            && !self.failed.load(Ordering::Relaxed)
            && write_all_at(&self.file, &region.bytes, region.start).is_err()
        {
            self.failed.store(true, Ordering::Relaxed);
        }
        region.start += region.bytes.len() as u64;
        region.reserved -= region.bytes.len();
        region.bytes.clear();
    }

    /// The store of every set, `spans` in document order; None if a write failed
    /// (the file is removed).
    pub fn finish(self, spans: Vec<SetSpan>) -> Option<SetStore> {
        use std::sync::atomic::Ordering;
        for region in &self.regions {
            self.write_region(&mut region.lock().unwrap_or_else(|e| e.into_inner()));
        }
        let flushed = self.end.load(Ordering::Relaxed);
        let SetSpill {
            file, path, failed, ..
        } = self;
        if failed.into_inner() {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        let mut store = SetStore::with(Backing::File {
            file,
            path,
            flushed,
        });
        store.index = Index::EveryStream;
        store.spans = spans.into_iter().map(|s| (s.offset, s.count)).collect();
        Some(store)
    }
}

impl Default for SetStore {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for SetStore {
    fn drop(&mut self) {
        self.drop_file();
    }
}

/// Appends the hashes to `bytes`, little-endian: the file format of both ways in.
fn append_le(bytes: &mut Vec<u8>, set: &[u64]) {
    #[cfg(target_endian = "little")]
    {
        // SAFETY: any u64 is 8 initialised bytes, u8 needs no alignment, and the slice
        // covers exactly the `set.len()` hashes. One copy, where zero-filling the room
        // first and then copying into it took a memset as well (0.4 % of a run).
        let raw = unsafe { std::slice::from_raw_parts(set.as_ptr().cast::<u8>(), set.len() * 8) };
        bytes.extend_from_slice(raw);
    }
    #[cfg(not(target_endian = "little"))]
    for h in set {
        bytes.extend_from_slice(&h.to_le_bytes());
    }
}

/// Creates a temporary file for the sets, already unlinked where the platform allows it
/// (nothing is left behind if the process is killed).
fn create_temp() -> io::Result<(File, PathBuf)> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static SEQUENCE: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        ".chaff-sets-{}-{}",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    if cfg!(unix) {
        std::fs::remove_file(&path)?;
    }
    Ok((file, path))
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets() -> Vec<(u32, Vec<u64>)> {
        (0..2_000u32)
            .filter(|d| d % 3 != 1)
            .map(|d| {
                let n = (d as usize * 7) % 1_000;
                (
                    d,
                    (0..n as u64).map(|x| x * 0x9E37_79B9 + d as u64).collect(),
                )
            })
            .collect()
    }

    fn check(store: &mut SetStore) {
        let sets = sets();
        for (d, s) in &sets {
            store.push(*d, s);
        }
        store.finish();
        assert_eq!(store.len(), sets.len());
        let (mut bytes, mut out) = (Vec::new(), Vec::new());
        for (d, s) in sets.iter().rev() {
            assert!(store.read_members(*d, &mut bytes, &mut out).unwrap());
            assert_eq!(&out, s, "set of doc {d}");
        }
        assert!(!store.read_members(1, &mut bytes, &mut out).unwrap());
        assert!(out.is_empty());
    }

    #[test]
    fn spilled_sets_read_back_whole() {
        let mut store = SetStore::new();
        assert!(store.is_spilled(), "the temp dir is writable here");
        check(&mut store);
        let bytes: usize = sets().iter().map(|(_, s)| s.len() * 8).sum();
        assert!(store.pending.is_empty(), "finish writes everything");
        assert_eq!(store.flushed(), bytes as u64);
    }

    #[test]
    fn memory_sets_read_back_whole() {
        let mut store = SetStore::in_memory();
        assert!(!store.is_spilled());
        check(&mut store);
    }

    #[test]
    fn spilled_file_is_unlinked_at_once() {
        let store = SetStore::new();
        if let Backing::File { path, .. } = &store.backing {
            assert_eq!(path.exists(), !cfg!(unix));
        }
    }

    /// Streams as a signing pass writes them: repeats, in no order; one is longer than a
    /// thread's region.
    fn streams() -> Vec<Vec<u64>> {
        (0..3_000u64)
            .map(|d| {
                let n = (d * 37) % 700 + u64::from(d == 7) * 150_000;
                (0..n)
                    .map(|x| x.wrapping_mul(0x9E37_79B9_7F4A_7C15) % (n / 2 + 1) + d)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_spill_written_from_many_threads_reads_back_every_set() {
        use rayon::prelude::*;
        let streams = streams();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let store = pool.install(|| {
            let spill = SetSpill::new().expect("the temp dir is writable here");
            let spans: Vec<SetSpan> = streams.par_iter().map(|s| spill.write(s)).collect();
            spill.finish(spans).expect("nothing failed")
        });
        assert!(store.is_spilled());
        assert_eq!(store.len(), streams.len());
        let (mut bytes, mut out) = (Vec::new(), Vec::new());
        for (d, s) in streams.iter().enumerate().rev() {
            assert!(store.read_members(d as u32, &mut bytes, &mut out).unwrap());
            crate::shingle::stream_to_set(&mut out);
            let mut set = s.clone();
            set.sort_unstable();
            set.dedup();
            assert_eq!(out, set, "set of doc {d}");
        }
        let past_the_end = streams.len() as u32;
        assert!(!store
            .read_members(past_the_end, &mut bytes, &mut out)
            .unwrap());
    }

    #[test]
    fn a_spill_that_cannot_write_gives_no_store() {
        let mut spill = SetSpill::new().expect("the temp dir is writable here");
        // A handle opened read-only makes every write fail, as a full disk would.
        let path = std::env::temp_dir().join(format!(".chaff-ro-{}", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        spill.file = File::open(&path).unwrap();
        let spans: Vec<SetSpan> = streams().iter().map(|s| spill.write(s)).collect();
        assert!(spill.finish(spans).is_none());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    #[should_panic(expected = "ascending")]
    fn out_of_order_push_is_a_bug() {
        let mut store = SetStore::in_memory();
        store.push(5, &[1]);
        store.push(5, &[2]);
    }
}

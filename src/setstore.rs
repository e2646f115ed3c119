//! Verification sets kept out of memory: the sorted shingle sets of the documents whose
//! candidate pairs need their true Jaccard, spilled to an unlinked temporary file.
//!
//! Held in memory these sets were the largest per-document cost of `--verify auto`
//! (~1.4 KB per record on syn50k, where 31 % of the documents are in borderline pairs).
//! In a file they cost 16 bytes of index per set; verifying a pair reads its two sets
//! back (from the page cache, in practice). When no temporary file can be written the
//! store keeps the sets in memory instead, so verification never fails for want of disk.

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

/// Sorted shingle sets by document index, written once (in ascending document order) and read many times.
pub struct SetStore {
    /// Documents stored, ascending.
    docs: Vec<u32>,
    /// Byte offset and number of hashes of each stored set, parallel to `docs`.
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
            docs: Vec::new(),
            spans: Vec::new(),
            pending: Vec::new(),
            backing,
        }
    }

    /// Number of sets stored.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no set is stored.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Whether the sets live in a temporary file.
    pub fn is_spilled(&self) -> bool {
        matches!(self.backing, Backing::File { .. })
    }

    /// Adds the set of `doc`; documents must come in ascending order.
    pub fn push(&mut self, doc: u32, set: &[u64]) {
        assert!(
            self.docs.last().is_none_or(|&last| last < doc),
            "sets must be pushed in ascending document order"
        );
        let offset = self.flushed() + self.pending.len() as u64;
        self.docs.push(doc);
        self.spans.push((offset, set.len() as u32));
        if self.pending.capacity() == 0 && self.is_spilled() {
            // One chunk and the set that crosses its end, without doubling past it.
            self.pending.reserve_exact(2 * WRITE_CHUNK);
        }
        self.pending.reserve(set.len() * 8);
        for h in set {
            self.pending.extend_from_slice(&h.to_le_bytes());
        }
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

    /// Reads the set of `doc` into `out` (cleared first); false when `doc` was not stored.
    pub fn read(&self, doc: u32, bytes: &mut Vec<u8>, out: &mut Vec<u64>) -> io::Result<bool> {
        out.clear();
        let Ok(at) = self.docs.binary_search(&doc) else {
            return Ok(false);
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
            assert!(store.read(*d, &mut bytes, &mut out).unwrap());
            assert_eq!(&out, s, "set of doc {d}");
        }
        assert!(!store.read(1, &mut bytes, &mut out).unwrap());
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

    #[test]
    #[should_panic(expected = "ascending")]
    fn out_of_order_push_is_a_bug() {
        let mut store = SetStore::in_memory();
        store.push(5, &[1]);
        store.push(5, &[2]);
    }
}

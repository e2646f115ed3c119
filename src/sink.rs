//! Sinks: every output file is written to a temporary name beside its target and renamed
//! into place, so a crash or kill never leaves a half-written file under a final name.

use polars::prelude::*;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Temporary path used while `target` is being written.
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes a file atomically through `write`, which gets a buffered writer on the temp file.
pub fn write_atomic(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_path(target);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes bytes atomically.
pub fn write_bytes(target: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(target, |w| w.write_all(bytes))
}

/// Writes a DataFrame as Parquet atomically (zstd-compressed, one chunk so bytes don't depend on threads).
pub fn write_parquet(target: &Path, df: &mut DataFrame) -> io::Result<()> {
    df.rechunk_mut();
    write_atomic(target, |w| {
        ParquetWriter::new(w)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ())
            .map_err(io::Error::other)
    })
}

/// Creates the output directory (and parents); refuses a path that is an existing file.
pub fn prepare_dir(dir: &Path) -> io::Result<()> {
    if dir.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is a file, not a directory", dir.display()),
        ));
    }
    fs::create_dir_all(dir)?;
    remove_stale_temps(dir);
    // Prove the directory is writable before hours of work, not after.
    let probe = temp_path(&dir.join("probe"));
    File::create(&probe)?;
    fs::remove_file(&probe)
}

/// Removes temp files that killed runs left behind (`.<name>.tmp-<pid>` whose process is
/// gone), so crashed runs do not pile up half-written tables. A temp file of a process
/// that is still running — another chaff writing here — is left alone. Needs /proc to
/// tell; elsewhere nothing is removed.
fn remove_stale_temps(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let pid = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".tmp-"))
            // `clean`'s Parquet spool is `.<name>.tmp-<pid>.spool`.
            .and_then(|(_, pid)| pid.trim_end_matches(".spool").parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

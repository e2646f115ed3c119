//! Subcommands: each file parses its own arguments and chooses stages and sinks.

pub mod audit;
pub mod clean;
pub mod dedup;
pub mod report;

use crate::pipeline::Corpus;
use crate::record::Status;
use std::fmt;
use std::path::{Path, PathBuf};

/// A failure to write output (exit code 2), as opposed to bad usage or input (exit code 1).
#[derive(Debug)]
pub struct OutputError(pub String);

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

/// Process exit status of a finished run.
pub const EXIT_OK: u8 = 0;
/// Bad usage, or nothing in the input could be read.
pub const EXIT_USAGE: u8 = 1;
/// Output could not be written.
pub const EXIT_OUTPUT: u8 = 2;
/// `--strict` and some records were not `ok`.
pub const EXIT_STRICT: u8 = 3;
/// Stopped because memory passed `--memory-limit`.
pub const EXIT_MEMORY: u8 = 4;

/// Refuses an output folder that is an input file, an input folder or inside one.
pub fn check_output(out: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let abs = |p: &Path| std::fs::canonicalize(p).ok();
    // The output may not exist yet: compare through its nearest existing ancestor.
    let mut probe = out.to_path_buf();
    let mut tail = Vec::new();
    let out_abs = loop {
        if let Some(a) = abs(&probe) {
            break tail
                .iter()
                .rev()
                .fold(a, |acc: PathBuf, t: &std::ffi::OsString| acc.join(t));
        }
        match (probe.file_name().map(|f| f.to_os_string()), probe.parent()) {
            (Some(f), Some(parent)) => {
                tail.push(f);
                probe = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return Ok(()),
        }
    };
    for input in inputs {
        let Some(in_abs) = abs(input) else { continue };
        if in_abs.is_file() && out_abs == in_abs {
            anyhow::bail!(
                "output {} is an input file; refusing to overwrite it",
                out.display()
            );
        }
        if in_abs.is_dir() && out_abs.starts_with(&in_abs) {
            anyhow::bail!(
                "output {} is inside input folder {}; its tables would be read as input next time",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// Exit status for a finished run: 1 when nothing was readable, 3 under `--strict` with problems.
pub fn finish_status(corpus: &Corpus, strict: bool, quiet: bool) -> u8 {
    let readable = corpus.docs.iter().filter(|d| d.status.has_text()).count();
    let problems = corpus
        .docs
        .iter()
        .filter(|d| d.status != Status::Ok)
        .count();
    if readable == 0 {
        if !quiet {
            eprintln!("chaff: no readable document with text in the input");
        }
        return EXIT_USAGE;
    }
    if strict && problems > 0 {
        if !quiet {
            eprintln!("chaff: --strict: {problems} records are not ok (see documents.parquet status/error)");
        }
        return EXIT_STRICT;
    }
    EXIT_OK
}

/// Wraps an output write error with the file name and marks it for exit code 2.
pub fn output_err(path: &Path, e: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(OutputError(format!("cannot write {}: {e}", path.display())))
}

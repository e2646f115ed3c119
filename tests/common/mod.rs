//! Helpers shared by the integration tests: run the binary, read its tables.
#![allow(dead_code)]

use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chaff-test-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs chaff with arguments; returns its output.
pub fn chaff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chaff"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run chaff")
}

/// Runs chaff and asserts it exits with `code`.
pub fn chaff_ok(args: &[&str], code: i32) -> Output {
    let out = chaff(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "chaff {:?} exited {:?}\nstderr: {}",
        args,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Reads a Parquet table.
pub fn table(path: &Path) -> DataFrame {
    ParquetReader::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .finish()
    .unwrap()
}

/// A string column as a Vec.
pub fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

/// A boolean column as a Vec.
pub fn bools(df: &DataFrame, name: &str) -> Vec<bool> {
    df.column(name)
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect()
}

/// A numeric column as f64s.
pub fn floats(df: &DataFrame, name: &str) -> Vec<f64> {
    df.column(name)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect()
}

/// Non-blank lines of a JSONL file, parsed: counted independently of chaff.
pub fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Rows of an output folder's documents.parquet, as (source, status, error, doc_id).
pub fn doc_rows(out: &Path) -> Vec<DocRow> {
    let docs = table(&out.join("documents.parquet"));
    let source = strings(&docs, "source");
    let status = strings(&docs, "status");
    let error = strings(&docs, "error");
    let id = strings(&docs, "doc_id");
    (0..docs.height())
        .map(|i| DocRow {
            source: source[i].clone().unwrap(),
            status: status[i].clone().unwrap(),
            error: error[i].clone(),
            doc_id: id[i].clone().unwrap(),
        })
        .collect()
}

/// One row of documents.parquet, reduced to what accounting checks need.
#[derive(Clone, Debug)]
pub struct DocRow {
    pub source: String,
    pub status: String,
    pub error: Option<String>,
    pub doc_id: String,
}

impl DocRow {
    /// The error text, "" when none.
    pub fn err(&self) -> &str {
        self.error.as_deref().unwrap_or("")
    }
}

/// Runs chaff and polls the child's peak resident memory (VmHWM) until it exits.
/// Returns its output and the last peak seen, in bytes (0 where /proc is unavailable).
pub fn chaff_with_peak_rss(args: &[&str]) -> (Output, u64) {
    let child = Command::new(env!("CARGO_BIN_EXE_chaff"))
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run chaff");
    let status_path = format!("/proc/{}/status", child.id());
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            use std::sync::atomic::Ordering;
            while !done.load(Ordering::Relaxed) {
                if let Ok(s) = std::fs::read_to_string(&status_path) {
                    let kb = s
                        .lines()
                        .find_map(|l| l.strip_prefix("VmHWM:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
                    if let Some(kb) = kb {
                        peak.fetch_max(kb * 1024, Ordering::Relaxed);
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        })
    };
    let out = child.wait_with_output().expect("wait for chaff");
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    poller.join().unwrap();
    (out, peak.load(std::sync::atomic::Ordering::Relaxed))
}

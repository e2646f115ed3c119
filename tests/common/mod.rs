//! Helpers shared by the integration tests: run the binary, read its tables.
#![allow(dead_code)]

use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A test's scratch folder: removed when the test passes, kept for a look when it fails.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Every `cargo test` would otherwise leave ~100 folders (tens of MB) in the temp dir.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A fresh, empty scratch folder for one test.
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("chaff-test-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
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

/// Asserts two output folders hold the same files with the same bytes; summary.json is
/// compared as JSON without its `timings` (the only run-dependent value).
pub fn assert_same_outputs(a: &Path, b: &Path) {
    let names = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b), "{} vs {}", a.display(), b.display());
    for name in names(a) {
        let (x, y) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        if name == "summary.json" {
            let strip = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v.as_object_mut().unwrap().remove("timings");
                v
            };
            assert_eq!(strip(&x), strip(&y), "summary.json differs");
        } else {
            assert!(
                x == y,
                "{name} differs between {} and {}",
                a.display(),
                b.display()
            );
        }
    }
}

/// Output files chaff may leave under their final names.
pub const FINAL_NAMES: [&str; 13] = [
    "removed.parquet",
    "clean_summary.json",
    "clean_report.md",
    "documents.parquet",
    "clusters.parquet",
    "pairs.parquet",
    "boilerplate.parquet",
    "entities.parquet",
    "document_entities.parquet",
    "summary.json",
    "report.md",
    "report.html",
    "examples.parquet",
];

/// Checks an output folder after a crash: every file under a final name is complete
/// (Parquet reads to the end, JSON parses, Markdown is whole); anything else is a
/// temp file named `.<final name>.tmp-<pid>`. Returns the temp files found.
pub fn assert_only_complete_outputs(dir: &Path, extra_names: &[&str]) -> Vec<String> {
    // Charts are named per kind: `chart-<kind>.svg`.
    let chart = |n: &str| n.starts_with("chart-") && n.ends_with(".svg");
    let known = |n: &str| FINAL_NAMES.contains(&n) || extra_names.contains(&n) || chart(n);
    let mut temps = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return temps; // killed before the folder was made
    };
    for e in entries {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let path = dir.join(&name);
        if let Some(rest) = name.strip_prefix('.') {
            let (base, pid) = rest
                .split_once(".tmp-")
                .unwrap_or_else(|| panic!("stray file {name}"));
            assert!(
                known(base) || base == "probe",
                "temp file {name} for an unknown output"
            );
            let pid = pid.strip_suffix(".spool").unwrap_or(pid);
            assert!(pid.parse::<u32>().is_ok(), "temp file {name}");
            temps.push(name);
            continue;
        }
        assert!(known(&name), "unexpected file {name}");
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".parquet") {
            let df = ParquetReader::new(std::io::Cursor::new(bytes))
                .finish()
                .unwrap_or_else(|e| {
                    panic!("{name} is visible but not a complete Parquet file: {e}")
                });
            assert!(df.width() > 0, "{name}");
        } else if name.contains(".jsonl") {
            // A cleaned corpus: the compressed stream ends properly and every line is JSON.
            let text: Vec<u8> = if name.ends_with(".zst") {
                zstd::decode_all(&bytes[..]).unwrap_or_else(|e| panic!("{name} is cut short: {e}"))
            } else if name.ends_with(".gz") {
                let mut v = Vec::new();
                std::io::Read::read_to_end(
                    &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
                    &mut v,
                )
                .unwrap_or_else(|e| panic!("{name} is cut short: {e}"));
                v
            } else {
                bytes
            };
            for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                serde_json::from_slice::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("{name} has a cut line: {e}"));
            }
        } else if chart(&name) {
            let text = String::from_utf8(bytes).expect("SVG is UTF-8");
            assert!(text.trim_end().ends_with("</svg>"), "{name} is cut short");
        } else if name.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name} is visible but not complete JSON: {e}"));
        } else {
            let text = String::from_utf8(bytes).expect("reports are UTF-8");
            if name.ends_with(".html") {
                assert!(text.trim_end().ends_with("</html>"), "{name} is cut short");
            } else {
                assert!(
                    text.starts_with("# ") && text.ends_with('\n'),
                    "{name} is cut short"
                );
            }
        }
    }
    temps
}

/// When to SIGKILL a run.
#[derive(Clone, Debug)]
pub enum KillPoint {
    /// After this many milliseconds.
    After(u64),
    /// As soon as a temp file (`.<name>.tmp-<pid>`) appears in the output folder.
    WhenTemp,
    /// As soon as a file with exactly this name appears in the output folder.
    WhenFinal(String),
}

/// Starts `chaff <args>`, kills it with SIGKILL at `point`; returns true when it was
/// killed (false when it finished first).
pub fn run_and_kill(args: &[&str], out: &Path, point: &KillPoint) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chaff"))
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run chaff");
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let fire = match *point {
            KillPoint::After(ms) => start.elapsed().as_millis() as u64 >= ms,
            KillPoint::WhenTemp | KillPoint::WhenFinal(_) => std::fs::read_dir(out)
                .map(|d| {
                    d.flatten().any(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        match &point {
                            KillPoint::WhenFinal(want) => &name == want,
                            _ => name.contains(".tmp-") && !name.starts_with(".probe"),
                        }
                    })
                })
                .unwrap_or(false),
        };
        if fire {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            return true;
        }
        std::thread::sleep(std::time::Duration::from_micros(300));
    }
}

/// xorshift64: seeded delays, the same on every run.
pub fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Kills `chaff <cmd> <input> -o <out>` at seeded random moments and when its first
/// outputs appear, checking after each kill that only complete files carry final names;
/// then reruns into the same place and checks the result equals a clean run.
///
/// `out_file` None: `-o` is a folder of tables (audit, dedup). Some(name): `-o` is the
/// file `<folder>/<name>` (e.g. `chaff clean … -o <folder>/cleaned.jsonl.zst`), checked
/// the same way: `interrupted_runs_leave_no_partial_outputs("clean", &input,
/// Some("cleaned.jsonl.zst"), &[], seed)` is the whole test for a command writing one file.
pub fn interrupted_runs_leave_no_partial_outputs(
    cmd: &str,
    input: &Path,
    out_file: Option<&str>,
    extra: &[&str],
    seed: u64,
) {
    let base = scratch(&format!("kill-{cmd}"));
    let (clean, killed) = (base.join("clean"), base.join("killed"));
    let target = |dir: &Path| match out_file {
        Some(name) => {
            std::fs::create_dir_all(dir).unwrap();
            dir.join(name)
        }
        None => dir.to_path_buf(),
    };
    let args = |dir: &Path| -> Vec<String> {
        let mut a = vec![cmd.to_string(), input.display().to_string(), "-o".into()];
        a.push(target(dir).display().to_string());
        a.push("-q".into());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let names: Vec<&str> = out_file.into_iter().collect();
    let t = std::time::Instant::now();
    let a = args(&clean);
    chaff_ok(&a.iter().map(String::as_str).collect::<Vec<_>>(), 0);
    let clean_ms = t.elapsed().as_millis() as u64;
    let a = args(&killed);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut state = seed | 1;
    let mut points: Vec<KillPoint> = (0..3)
        .map(|_| KillPoint::After(clean_ms / 10 + xorshift(&mut state) % (clean_ms * 4 / 5).max(1)))
        .collect();
    // Mid-write (a temp file exists), and after the first output got its final name.
    points.push(KillPoint::WhenTemp);
    points.push(KillPoint::WhenFinal(
        out_file.unwrap_or("documents.parquet").to_string(),
    ));
    let mut n_killed = 0;
    for point in &points {
        // Each run starts without final outputs (so "documents.parquet appeared" means this
        // run wrote it) but keeps the temp files earlier kills left behind.
        for name in FINAL_NAMES.iter().chain(&names) {
            let _ = std::fs::remove_file(target(&killed).with_file_name(name));
            let _ = std::fs::remove_file(killed.join(name));
        }
        let was_killed = run_and_kill(&a, &killed, point);
        n_killed += was_killed as usize;
        let temps = assert_only_complete_outputs(&killed, &names);
        let finals = std::fs::read_dir(&killed).map(|d| d.count()).unwrap_or(0) - temps.len();
        eprintln!(
            "{cmd}: {point:?}: killed {was_killed}, {finals} final files, temp files {temps:?}"
        );
    }
    assert!(
        n_killed >= 3,
        "only {n_killed} of 5 runs were killed before finishing"
    );
    chaff_ok(&a, 0);
    let temps = assert_only_complete_outputs(&killed, &names);
    assert!(
        temps.is_empty(),
        "temp files of killed runs left behind: {temps:?}"
    );
    assert_same_outputs(&clean, &killed);
}

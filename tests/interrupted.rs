//! Interrupted runs: `chaff audit`, `chaff dedup` and `chaff clean` are killed with SIGKILL at seeded
//! random moments and in the middle of writing; afterwards no file under a final name is
//! incomplete, and a rerun into the same folder matches a clean run byte for byte.

mod common;

use common::*;

/// The first `n` records of a shipped dataset, so each run takes a few seconds in debug; the
/// folder holding them lives as long as the returned guard.
fn slice(name: &str, file: &str, n: usize, test: &str) -> (Scratch, std::path::PathBuf) {
    let dir = scratch(&format!("slice-{test}"));
    let text = std::fs::read_to_string(root().join("datasets").join(name).join(file)).unwrap();
    let lines: Vec<&str> = text.lines().take(n).collect();
    let path = dir.join(file);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (dir, path)
}

#[test]
fn killed_audit_leaves_only_complete_outputs_and_reruns_identically() {
    let (_dir, input) = slice(
        "fr-gilets-jaunes",
        "gilets_jaunes_fr-slice.jsonl",
        300,
        "audit",
    );
    interrupted_runs_leave_no_partial_outputs("audit", &input, None, &[], 0x6b11_0a0d);
}

#[test]
fn killed_dedup_leaves_only_complete_outputs_and_reruns_identically() {
    let (_dir, input) = slice("en-bbc", "bbc_news-slice.jsonl", 600, "dedup");
    interrupted_runs_leave_no_partial_outputs("dedup", &input, None, &[], 0xdead_beef);
}

#[test]
fn killed_clean_leaves_only_complete_outputs_and_reruns_identically() {
    let (_dir, input) = slice(
        "fr-gilets-jaunes",
        "gilets_jaunes_fr-slice.jsonl",
        300,
        "clean",
    );
    interrupted_runs_leave_no_partial_outputs(
        "clean",
        &input,
        Some("cleaned.jsonl.zst"),
        &[],
        0xc1ea_0000,
    );
}

//! `chaff dedup` end to end: planted reposts in every language of the samples are
//! clustered with their original, unrelated stories are not, and the tables agree.

mod common;

use common::*;
use std::collections::HashMap;
use std::path::Path;

/// A small deterministic generator (xorshift) so the planted edits are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Arabic presentation variants that the normaliser must fold: harakat, tatweel, alef forms, Arabic-Indic digits.
fn arabic_variants(text: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            'ا' if rng.below(4) == 0 => out.push('أ'),
            'ي' if rng.below(6) == 0 => out.push('ى'),
            '0'..='9' => out.push(char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap()),
            _ => out.push(c),
        }
        if ('\u{0621}'..='\u{064A}').contains(&c) {
            match rng.below(12) {
                0 => out.push('\u{064E}'), // fatha
                1 => out.push('\u{0640}'), // tatweel
                _ => {}
            }
        }
    }
    out
}

/// A repost: a different site wrapper, reflowed lines, and word edits at `rate` (unspaced scripts: character edits).
fn repost(text: &str, site: usize, rate: f64, arabic: bool, rng: &mut Rng) -> String {
    let unspaced = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count()
        * 3
        > text.chars().count();
    let body = if unspaced {
        let mut chars: Vec<char> = text.chars().collect();
        let edits = ((chars.len() as f64) * rate) as usize;
        for _ in 0..edits {
            let i = rng.below(chars.len());
            chars[i] = '的';
        }
        chars.into_iter().collect::<String>()
    } else {
        let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        let edits = ((words.len() as f64) * rate).round() as usize;
        for _ in 0..edits {
            let i = rng.below(words.len());
            if rng.below(2) == 0 {
                words[i] = "indeed".into();
            } else {
                words.remove(i);
            }
        }
        // Reflow: new line breaks every 12 words instead of the original paragraphs.
        words
            .chunks(12)
            .map(|c| c.join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let body = if arabic {
        arabic_variants(&body, rng)
    } else {
        body
    };
    format!("Posted on site{site}.example\n\n{body}\n\nMore stories at site{site}.example")
}

fn run_language(dataset: &str, file: &str, arabic: bool, rate: f64) -> (usize, usize, usize) {
    let records = jsonl(&root().join("datasets").join(dataset).join(file));
    // Distinct stories only: the samples carry real copies and agency rewrites, which
    // would rightly merge. A story sharing a tenth of its 8-character grams with an
    // earlier one is left out (computed here, independently of chaff).
    let grams = |t: &str| -> std::collections::HashSet<String> {
        let c: Vec<char> = t.chars().filter(|c| c.is_alphanumeric()).collect();
        c.windows(8).map(|w| w.iter().collect()).collect()
    };
    let mut kept: Vec<std::collections::HashSet<String>> = Vec::new();
    let texts: Vec<String> = records
        .iter()
        .map(|r| r["text"].as_str().unwrap_or("").to_string())
        .filter(|t| t.chars().count() > 1200)
        .filter(|t| {
            let g = grams(t);
            let novel = kept
                .iter()
                .all(|k| g.intersection(k).count() * 10 < g.len());
            if novel {
                kept.push(g);
            }
            novel
        })
        .take(110)
        .collect();
    let originals: Vec<&String> = texts.iter().take(30).collect();
    let others: Vec<&String> = texts.iter().skip(30).take(80).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut lines = String::new();
    let mut push = |id: String, text: &str| {
        lines.push_str(&serde_json::json!({"id": id, "text": text}).to_string());
        lines.push('\n');
    };
    for (i, t) in originals.iter().enumerate() {
        push(format!("orig{i}"), t);
    }
    for (i, t) in others.iter().enumerate() {
        push(format!("other{i}"), t);
    }
    for (i, t) in originals.iter().enumerate() {
        push(
            format!("repost{i}"),
            &repost(t, i % 5, rate, arabic, &mut rng),
        );
    }
    let dir = scratch(&format!("dedup-{dataset}-in"));
    let out = scratch(&format!("dedup-{dataset}-out"));
    std::fs::write(dir.join("planted.jsonl"), lines).unwrap();
    chaff_ok(
        &[
            "dedup",
            dir.join("planted.jsonl").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let d = table(&out.join("documents.parquet"));
    let ids = strings(&d, "doc_id");
    let cluster = strings(&d, "cluster_id");
    let of: HashMap<String, String> = ids
        .iter()
        .zip(&cluster)
        .map(|(i, c)| (i.clone().unwrap(), c.clone().unwrap()))
        .collect();
    let found = (0..originals.len())
        .filter(|i| of[&format!("repost{i}")] == of[&format!("orig{i}")])
        .count();
    // False merges: an "other" story in the cluster of a planted original.
    let planted: std::collections::HashSet<&String> = (0..originals.len())
        .map(|i| &of[&format!("orig{i}")])
        .collect();
    let false_merges = (0..others.len())
        .filter(|i| planted.contains(&of[&format!("other{i}")]))
        .count();
    // Tables agree: every near/exact duplicate appears in clusters.parquet with its representative.
    let c = table(&out.join("clusters.parquet"));
    let sizes = floats(&c, "size");
    let dups = bools(&d, "is_duplicate").iter().filter(|&&x| x).count();
    assert_eq!(sizes.iter().sum::<f64>() as usize - c.height(), dups);
    (found, originals.len(), false_merges)
}

#[test]
fn planted_reposts_cluster_with_their_original_in_every_language() {
    for (dataset, file, arabic) in [
        ("en-bbc", "bbc_news-slice.jsonl", false),
        ("ar-saudinewsnet", "saudinewsnet-slice.jsonl", true),
        ("fr-gilets-jaunes", "gilets_jaunes_fr-slice.jsonl", false),
        ("zh-gilets-jaunes", "gilets_jaunes_zh.jsonl", false),
    ] {
        let (found, planted, false_merges) = run_language(dataset, file, arabic, 0.01);
        assert!(planted >= 25, "{dataset}: only {planted} long documents");
        assert!(
            found as f64 >= 0.97 * planted as f64,
            "{dataset}: {found}/{planted} reposts clustered with their original"
        );
        assert_eq!(false_merges, 0, "{dataset}: unrelated stories merged");
    }
}

#[test]
fn near_duplicates_found_in_real_agency_copy_and_tables_written() {
    let out = scratch("dedup-fr");
    let input = root().join("datasets/fr-gilets-jaunes");
    chaff_ok(
        &[
            "dedup",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
            "--verify",
            "exact",
        ],
        0,
    );
    let c = table(&out.join("clusters.parquet"));
    let kinds: Vec<String> = strings(&c, "kind").into_iter().flatten().collect();
    assert!(
        kinds.iter().filter(|k| *k == "near").count() >= 10,
        "La DH / La Libre near copies: {kinds:?}"
    );
    let p = table(&out.join("pairs.parquet"));
    let exact = floats(&p, "exact_jaccard");
    let relation = strings(&p, "relation");
    for (j, r) in exact.iter().zip(&relation) {
        if r.as_deref() == Some("near") {
            assert!(*j >= 0.8, "verified pair below threshold: {j}");
        }
    }
    // Same clusters whatever the thread count.
    let one = scratch("dedup-fr-1");
    chaff_ok(
        &[
            "dedup",
            input.to_str().unwrap(),
            "-o",
            one.to_str().unwrap(),
            "-q",
            "--threads",
            "1",
            "--verify",
            "exact",
        ],
        0,
    );
    for name in ["documents.parquet", "clusters.parquet", "pairs.parquet"] {
        assert!(
            std::fs::read(out.join(name)).unwrap() == std::fs::read(one.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn without_a_temp_dir_verification_rereads_the_input_and_gives_the_same_tables() {
    // The signing pass spills every verification set to a temporary file; where none can
    // be made, a re-read rebuilds the sets instead. Both must verify alike, in both paths.
    let input = root().join("datasets/fr-gilets-jaunes");
    for (mode, extra) in [("fast", None), ("corpus", Some("--corpus-boilerplate"))] {
        let run = |name: &str, tmp: Option<&Path>| {
            let dir = scratch(&format!("dedup-tmp-{mode}-{name}"));
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chaff"));
            cmd.args([
                "dedup",
                input.to_str().unwrap(),
                "-o",
                dir.to_str().unwrap(),
            ])
            .args(["-q", "--verify", "exact"])
            .args(extra);
            if let Some(tmp) = tmp {
                cmd.env("TMPDIR", tmp);
            }
            let out = cmd.output().expect("run chaff");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            dir
        };
        let spilled = run("spilled", None);
        let missing = scratch(&format!("dedup-tmp-{mode}-none")).join("no-such-dir");
        let reread = run("reread", Some(&missing));
        assert!(!missing.exists());
        for name in ["documents.parquet", "clusters.parquet", "pairs.parquet"] {
            assert!(
                std::fs::read(spilled.join(name)).unwrap()
                    == std::fs::read(reread.join(name)).unwrap(),
                "{mode}: {name}"
            );
        }
        // Every pair got its true Jaccard: the sets were there to read.
        let exact = table(&reread.join("pairs.parquet"))
            .column("exact_jaccard")
            .unwrap()
            .clone();
        assert!(!exact.is_empty(), "{mode}: pairs to verify");
        assert_eq!(exact.null_count(), 0, "{mode}: unverified pairs");
    }
}

#[test]
fn dedup_output_is_identical_across_thread_counts_and_runs() {
    // The whole folder, byte for byte: --threads 1, --threads 2, and --threads 2 again,
    // in both the one-read fast path and the two-read --corpus-boilerplate path.
    let input = root().join("datasets/en-bbc");
    for (mode, extra) in [("fast", None), ("corpus", Some("--corpus-boilerplate"))] {
        let dirs: Vec<_> = [("1", "a"), ("2", "b"), ("2", "c")]
            .iter()
            .map(|(threads, run)| {
                let dir = scratch(&format!("dedup-det-{mode}-{run}"));
                let mut args = vec![
                    "dedup",
                    input.to_str().unwrap(),
                    "-o",
                    dir.to_str().unwrap(),
                    "-q",
                    "--threads",
                    threads,
                ];
                args.extend(extra);
                chaff_ok(&args, 0);
                dir
            })
            .collect();
        assert_same_outputs(&dirs[0], &dirs[1]);
        assert_same_outputs(&dirs[1], &dirs[2]);
    }
}

//! `chaff clean` end to end on a shipped dataset with planted problems: every input record
//! is either in the output or in removed.parquet, the planted duplicate and boilerplate are
//! gone, the kept representative follows `--keep`, and every output format reads back.

mod common;

use common::*;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

const BBC: &str = "datasets/en-bbc/bbc_news-slice.jsonl";
const FOOTER: &str = "Source link";

/// The BBC slice plus planted records: a reworded repost of the first story (longer, so it
/// is the `longest` representative), a record without text, and a malformed line. The
/// first three stories get a `Source link` footer, a marker-rule boilerplate line.
fn corpus(dir: &Path) -> (PathBuf, Vec<Map<String, Value>>) {
    let text = std::fs::read_to_string(common::root().join(BBC)).unwrap();
    let mut records: Vec<Map<String, Value>> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for r in records.iter_mut().take(3) {
        let t = r["text"].as_str().unwrap().to_string();
        r.insert("text".into(), Value::from(format!("{t}\n\n{FOOTER}")));
    }
    let original = records[0]["text"].as_str().unwrap().replace(FOOTER, "");
    let repost = format!("{original}\n\nThis story was first published elsewhere today.");
    let mut planted = Map::new();
    planted.insert("id".into(), Value::from("planted/repost"));
    planted.insert("text".into(), Value::from(repost));
    planted.insert("site".into(), Value::from("spam.example"));
    planted.insert(
        "meta".into(),
        serde_json::json!({"rank": 3, "tags": ["x", "y"]}),
    );
    records.push(planted);
    let mut empty = Map::new();
    empty.insert("id".into(), Value::from("planted/empty"));
    empty.insert("text".into(), Value::from("   "));
    records.push(empty);
    let mut lines: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    lines.push("{\"id\": \"broken\", \"text\": ".into());
    let path = dir.join("bbc-planted.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (path, records)
}

/// A distinct word for every number, in letters (digits would be folded by normalisation).
fn letters(mut n: usize) -> String {
    let mut s = String::from("w");
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

fn read_jsonl_bytes(bytes: &[u8]) -> Vec<Map<String, Value>> {
    std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn read_output(path: &Path) -> Vec<Map<String, Value>> {
    let name = path.to_string_lossy().to_string();
    let raw = std::fs::read(path).unwrap();
    if name.ends_with(".jsonl.zst") {
        read_jsonl_bytes(&zstd::decode_all(&raw[..]).unwrap())
    } else if name.ends_with(".jsonl.gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        read_jsonl_bytes(&out)
    } else if name.ends_with(".parquet") {
        let df = table(path);
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        (0..df.height())
            .map(|i| {
                let mut m = Map::new();
                for n in &names {
                    let v = df.column(n).unwrap().get(i).unwrap();
                    let v = match v {
                        polars::prelude::AnyValue::Null => Value::Null,
                        polars::prelude::AnyValue::String(s) => Value::from(s),
                        polars::prelude::AnyValue::Int64(x) => Value::from(x),
                        polars::prelude::AnyValue::Float64(x) => Value::from(x),
                        polars::prelude::AnyValue::Boolean(x) => Value::from(x),
                        other => panic!("unexpected {other:?}"),
                    };
                    if !v.is_null() {
                        m.insert(n.clone(), v);
                    }
                }
                m
            })
            .collect()
    } else {
        read_jsonl_bytes(&raw)
    }
}

fn removed_ids(dir: &Path) -> Vec<(String, String, Option<String>)> {
    let df = table(&dir.join("removed.parquet"));
    let ids = strings(&df, "doc_id");
    let reasons = strings(&df, "reason");
    let dup = strings(&df, "duplicate_of");
    ids.into_iter()
        .zip(reasons)
        .zip(dup)
        .map(|((i, r), d)| (i.unwrap(), r.unwrap(), d))
        .collect()
}

#[test]
fn every_record_is_kept_or_removed_with_a_reason() {
    let dir = scratch("clean-account");
    let (input, records) = corpus(&dir);
    let out = dir.join("out").join("clean.jsonl");
    let input_s = input.to_str().unwrap();
    chaff_ok(&["clean", input_s, "-o", out.to_str().unwrap(), "-q"], 0);
    let kept = read_output(&out);
    let removed = removed_ids(&dir.join("out"));

    // Every input record exactly once in output ∪ removed (the malformed line by its source).
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &kept {
        *seen
            .entry(r["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for (id, _, _) in &removed {
        *seen.entry(id.clone()).or_default() += 1;
    }
    assert_eq!(kept.len() + removed.len(), records.len() + 1);
    for r in &records {
        let id = r["id"].as_str().unwrap();
        assert_eq!(seen.get(id), Some(&1), "{id} should appear exactly once");
    }
    let reason_of: HashMap<&str, &str> = removed
        .iter()
        .map(|(i, r, _)| (i.as_str(), r.as_str()))
        .collect();
    assert_eq!(reason_of["planted/empty"], "empty");
    assert!(
        removed
            .iter()
            .any(|(i, r, _)| i.ends_with(":504") && r == "malformed"),
        "{removed:?}"
    );

    // The repost is longer, so under `--keep longest` it is kept and the original goes.
    let first_id = records[0]["id"].as_str().unwrap();
    assert_eq!(reason_of[first_id], "near_duplicate");
    let (_, _, dup_of) = removed.iter().find(|(i, _, _)| i == first_id).unwrap();
    assert_eq!(dup_of.as_deref(), Some("planted/repost"));

    // The footer is stripped, other fields survive untouched, in their order.
    for r in &kept {
        let text = r["text"].as_str().unwrap();
        assert!(!text.lines().any(|l| l.trim() == FOOTER), "{}", r["id"]);
    }
    let repost = kept.iter().find(|r| r["id"] == "planted/repost").unwrap();
    let keys: Vec<&String> = repost.keys().collect();
    assert_eq!(keys, ["id", "text", "site", "meta"]);
    assert_eq!(
        repost["meta"],
        serde_json::json!({"rank": 3, "tags": ["x", "y"]})
    );
    let second = kept.iter().find(|r| r["id"] == records[1]["id"]).unwrap();
    let original = records[1]["text"].as_str().unwrap().replace(FOOTER, "");
    assert_eq!(second["text"].as_str().unwrap(), original.trim_end());

    // The account is also in clean_report.md and clean_summary.json.
    let md = std::fs::read_to_string(dir.join("out/clean_report.md")).unwrap();
    assert!(md.contains("| near_duplicate |"), "{md}");
    let summary: Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/clean_summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        summary["tally"]["kept_documents"].as_u64(),
        Some(kept.len() as u64)
    );
}

#[test]
fn keep_first_keeps_the_earlier_copy() {
    let dir = scratch("clean-keep-first");
    let (input, records) = corpus(&dir);
    let out = dir.join("first.jsonl");
    chaff_ok(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--keep",
            "first",
            "-q",
        ],
        0,
    );
    let kept = read_output(&out);
    let first_id = records[0]["id"].as_str().unwrap();
    assert!(kept.iter().any(|r| r["id"] == first_id));
    let removed = removed_ids(&dir);
    let (_, reason, dup_of) = removed
        .iter()
        .find(|(i, _, _)| i == "planted/repost")
        .expect("the later copy is removed");
    assert_eq!(reason, "near_duplicate");
    assert_eq!(dup_of.as_deref(), Some(first_id));
}

#[test]
fn every_output_format_reads_back_the_same_records() {
    let dir = scratch("clean-formats");
    let (input, _) = corpus(&dir);
    let input_s = input.to_str().unwrap();
    let mut results: Vec<(String, Vec<Map<String, Value>>)> = Vec::new();
    for ext in ["jsonl", "jsonl.gz", "jsonl.zst", "parquet"] {
        let out = dir.join(ext).join(format!("clean.{ext}"));
        chaff_ok(&["clean", input_s, "-o", out.to_str().unwrap(), "-q"], 0);
        results.push((ext.to_string(), read_output(&out)));
    }
    // Shards: 100 records each, zstd JSON lines by default.
    let shards = dir.join("shards");
    chaff_ok(
        &[
            "clean",
            input_s,
            "-o",
            shards.to_str().unwrap(),
            "--shard-size",
            "100",
            "-q",
        ],
        0,
    );
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&shards)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("part-"))
        .collect();
    parts.sort();
    assert!(parts.len() >= 4, "{parts:?}");
    assert!(parts[0].ends_with("part-00000.jsonl.zst"));
    let sharded: Vec<_> = parts.iter().flat_map(|p| read_output(p)).collect();
    assert_eq!(read_output(&parts[0]).len(), 100);
    results.push(("shards".into(), sharded));

    let (_, reference) = &results[0];
    assert!(reference.len() > 400);
    for (name, recs) in &results[1..] {
        assert_eq!(recs.len(), reference.len(), "{name}");
        for (a, b) in reference.iter().zip(recs) {
            assert_eq!(a["id"], b["id"], "{name}");
            assert_eq!(a["text"], b["text"], "{name}");
            if name == "parquet" {
                // Nested values are kept as their JSON text in Parquet.
                if let Some(meta) = a.get("meta") {
                    assert_eq!(b["meta"].as_str().unwrap(), meta.to_string());
                }
            } else {
                assert_eq!(a, b, "{name}");
            }
        }
    }
}

#[test]
fn dry_run_writes_nothing_and_reruns_are_identical() {
    let dir = scratch("clean-dry");
    let (input, _) = corpus(&dir);
    let input_s = input.to_str().unwrap();
    let dry = dir.join("dry");
    let out = chaff_ok(
        &[
            "clean",
            input_s,
            "-o",
            dry.join("x.jsonl").to_str().unwrap(),
            "--dry-run",
            "-q",
        ],
        0,
    );
    assert!(!dry.exists(), "dry run must not write");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("malformed: 1 records"), "{text}");
    assert!(text.contains("empty: 1 records"), "{text}");
    assert!(text.contains("near_duplicate: "), "{text}");
    assert!(text.contains("e.g. "), "{text}");

    let mut bytes = Vec::new();
    for (name, threads) in [("a", "1"), ("b", "2"), ("c", "2")] {
        let out = dir.join(name).join("clean.jsonl.zst");
        chaff_ok(
            &[
                "clean",
                input_s,
                "-o",
                out.to_str().unwrap(),
                "--threads",
                threads,
                "-q",
            ],
            0,
        );
        bytes.push((
            std::fs::read(&out).unwrap(),
            std::fs::read(dir.join(name).join("removed.parquet")).unwrap(),
        ));
    }
    assert!(bytes[0] == bytes[1] && bytes[1] == bytes[2]);
    let leftovers: BTreeSet<String> = std::fs::read_dir(dir.join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        [
            "clean.jsonl.zst",
            "clean_report.md",
            "clean_summary.json",
            "removed.parquet"
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
}

#[test]
fn filters_and_parquet_input() {
    let dir = scratch("clean-filters");
    let (input, _) = corpus(&dir);
    // A Parquet copy of the Arabic sample: every column survives the round trip to JSONL.
    let pq_out = dir.join("ar.jsonl");
    let ar = "datasets/ar-saudinewsnet/saudinewsnet-slice.jsonl";
    let pq = dir.join("ar.parquet");
    chaff_ok(
        &[
            "clean",
            ar,
            "-o",
            pq.to_str().unwrap(),
            "--min-words",
            "0",
            "-q",
        ],
        0,
    );
    chaff_ok(
        &[
            "clean",
            pq.to_str().unwrap(),
            "-o",
            pq_out.to_str().unwrap(),
            "--lang",
            "ar",
            "--add-stats",
            "-q",
        ],
        0,
    );
    let first_pass = read_output(&pq);
    let second = read_output(&pq_out);
    assert!(!second.is_empty());
    for r in &second {
        assert_eq!(r["chaff_lang"], "ar");
        let before = first_pass.iter().find(|b| b["id"] == r["id"]).unwrap();
        for (k, v) in before {
            assert_eq!(&r[k], v, "{k}");
        }
    }
    // An English-only allow-list removes every Arabic story for `lang`.
    let lang_dir = dir.join("lang");
    chaff_ok(
        &[
            "clean",
            pq.to_str().unwrap(),
            "-o",
            lang_dir.join("en.jsonl").to_str().unwrap(),
            "--lang",
            "en",
            "--keep-duplicates",
            "--min-words",
            "0",
            "-q",
        ],
        0,
    );
    assert!(read_output(&lang_dir.join("en.jsonl")).is_empty());
    let removed = removed_ids(&lang_dir);
    assert_eq!(removed.len(), first_pass.len());
    assert!(removed.iter().all(|(_, r, _)| r == "lang"));

    // --min-words 400 drops short stories as too_short; --repeated-spans drops nothing new
    // from a corpus whose duplicates are already removed, except true repeated spans.
    let strict = dir.join("strict");
    chaff_ok(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            strict.join("s.jsonl").to_str().unwrap(),
            "--min-words",
            "400",
            "-q",
        ],
        0,
    );
    let removed = removed_ids(&strict);
    let short = removed.iter().filter(|(_, r, _)| r == "too_short").count();
    assert!(short > 100, "{short}");
    let df = table(&strict.join("removed.parquet"));
    let reasons = strings(&df, "reason");
    let values = floats(&df, "value");
    for (r, v) in reasons.iter().zip(&values) {
        if r.as_deref() == Some("too_short") {
            assert!(*v < 400.0, "{v}");
        }
    }

    // C4-style spans: the second story repeats three paragraphs of the first.
    let paras: Vec<String> = (0..9)
        .map(|p| {
            (0..30)
                .map(|w| letters(p * 100 + w))
                .collect::<Vec<_>>()
                .join(" ")
                + "."
        })
        .collect();
    let first = paras[0..5].join("\n\n");
    let second = [&paras[1..4], &paras[5..9]].concat().join("\n\n");
    let spans_in = dir.join("spans.jsonl");
    std::fs::write(
        &spans_in,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "a", "text": first}),
            serde_json::json!({"id": "b", "text": second})
        ),
    )
    .unwrap();
    let spans_out = dir.join("spans").join("out.jsonl");
    chaff_ok(
        &[
            "clean",
            spans_in.to_str().unwrap(),
            "-o",
            spans_out.to_str().unwrap(),
            "--repeated-spans",
            "-q",
        ],
        0,
    );
    let kept = read_output(&spans_out);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0]["text"].as_str().unwrap(), first);
    assert_eq!(kept[1]["text"].as_str().unwrap(), paras[5..9].join("\n\n"));
}

//! Hostile inputs: every case must finish with the documented exit status, give every
//! input record exactly one row of documents.parquet (status + an error naming the
//! problem), and say what went wrong in words.
//!
//! Inputs are generated here, in temp folders, never committed. The big cases are small
//! by default so the debug suite stays quick; `CHAFF_HOSTILE_SCALE=1` runs them at the
//! sizes of issue 8 (a 200 MB line, 100,000 files, a 1 GB repeated document):
//! `scripts/hostile_full.sh` does that against the release binary and prints time and
//! peak memory (`CHAFF_HOSTILE_TIME=1`).

mod common;

use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

/// `full` scaled by `CHAFF_HOSTILE_SCALE` when it is set, else the quick default size.
fn scaled(full: usize, quick: usize) -> usize {
    match std::env::var("CHAFF_HOSTILE_SCALE") {
        Ok(s) => {
            let f: f64 = s.parse().expect("CHAFF_HOSTILE_SCALE must be a number");
            ((full as f64 * f) as usize).max(1)
        }
        Err(_) => quick,
    }
}

/// Runs chaff; returns its output and peak memory. With `CHAFF_HOSTILE_TIME` set the run
/// goes through `/usr/bin/time -v` and its wall time and peak RSS are printed.
fn run(label: &str, args: &[&str]) -> (Output, u64) {
    if std::env::var_os("CHAFF_HOSTILE_TIME").is_none() {
        return chaff_with_peak_rss(args);
    }
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_chaff"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run /usr/bin/time -v chaff");
    let err = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| {
        err.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let rss_kb: u64 = field("Maximum resident set size (kbytes):")
        .parse()
        .unwrap_or(0);
    println!(
        "HOSTILE {label}: wall {} , peak RSS {:.0} MB, exit {:?}",
        field("Elapsed (wall clock) time (h:mm:ss or m:ss):"),
        rss_kb as f64 / 1024.0,
        out.status.code()
    );
    (out, rss_kb * 1024)
}

/// Runs `chaff <cmd> <inputs> -o <out> -q <extra>` and checks the exit status.
fn audit(
    label: &str,
    cmd: &str,
    inputs: &[&Path],
    out: &Path,
    extra: &[&str],
    code: i32,
) -> Output {
    let mut args: Vec<&str> = vec![cmd];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["-o", out.to_str().unwrap(), "-q"]);
    args.extend(extra);
    let (o, _) = run(label, &args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{label}: chaff {args:?} exited {:?}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Rows whose source is `<file>:<n>`, in order.
fn rows_of<'a>(rows: &'a [DocRow], file: &str) -> Vec<&'a DocRow> {
    let prefix = format!("{file}:");
    rows.iter()
        .filter(|r| r.source.starts_with(&prefix))
        .collect()
}

/// Asserts a row's status and that its error mentions `needle`.
#[track_caller]
fn expect(row: &DocRow, status: &str, needle: &str) {
    assert_eq!(row.status, status, "{row:?}");
    assert!(
        row.err().contains(needle),
        "{}: error {:?} should mention {needle:?}",
        row.source,
        row.error
    );
}

/// A JSON line with an id and a text.
fn line(id: &str, text: &str) -> String {
    format!("{}\n", serde_json::json!({"id": id, "text": text}))
}

/// A gzip file whose members are `head`, `body` repeated `copies` times, then `tail`:
/// a few hundred KB on disk that expand to `copies × body` bytes (one stream to a reader).
fn gzip_bomb(head: &[u8], body: &[u8], copies: usize, tail: &[u8]) -> Vec<u8> {
    let gz = |b: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    };
    let member = gz(body);
    let mut out = gz(head);
    for _ in 0..copies {
        out.extend_from_slice(&member);
    }
    out.extend_from_slice(&gz(tail));
    out
}

#[test]
fn huge_single_line_is_flagged_oversized_and_not_loaded() {
    let dir = scratch("hostile-hugeline");
    // Above the default --max-doc-bytes (16 MiB) even in the quick run.
    let size = scaled(200_000_000, 17 << 20);
    let path = dir.join("huge.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(line("before", "a normal record before the huge one").as_bytes())
            .unwrap();
        f.write_all(b"{\"id\":\"huge\",\"text\":\"").unwrap();
        let chunk = "word ".repeat(1 << 16);
        let mut written = 0;
        while written < size {
            f.write_all(chunk.as_bytes()).unwrap();
            written += chunk.len();
        }
        f.write_all(b"\"}\n").unwrap();
        f.write_all(line("after", "a normal record after the huge one").as_bytes())
            .unwrap();
    }
    let out = scratch("hostile-hugeline-out");
    let (o, peak) = run(
        "huge line",
        &[
            "dedup",
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = doc_rows(&out);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0].status, "ok");
    expect(
        &rows[1],
        "oversized",
        "--max-doc-bytes (16777216); not loaded",
    );
    assert!(rows[1].source.ends_with("huge.jsonl:2"), "{:?}", rows[1]);
    assert_eq!(rows[2].status, "ok");
    assert_eq!(rows[2].doc_id, "after");
    // Not loaded: the process never held the line (the limit is 16 MiB; the line is larger).
    if peak > 0 {
        assert!(
            peak < (size as u64).max(64 << 20) + (160 << 20),
            "peak RSS {peak} for a {size}-byte line"
        );
    }

    // A one-line JSON array bigger than --max-doc-bytes is still split into its records.
    let arr = dir.join("one-line.json");
    let elements: Vec<String> = (0..300)
        .map(|i| serde_json::json!({"id": format!("e{i}"), "text": format!("element {i} of a one-line array")}).to_string())
        .collect();
    std::fs::write(&arr, format!("[{}]", elements.join(","))).unwrap();
    let out2 = scratch("hostile-hugeline-out2");
    audit(
        "one-line array",
        "dedup",
        &[&arr],
        &out2,
        &["--max-doc-bytes", "4096"],
        0,
    );
    let rows = doc_rows(&out2);
    assert_eq!(rows.len(), 300);
    assert!(
        rows.iter().all(|r| r.status == "ok"),
        "{:?}",
        rows.iter().find(|r| r.status != "ok")
    );
    assert!(rows[299].source.ends_with("one-line.json:300"));
    assert_eq!(rows[299].doc_id, "e299");
}

#[test]
fn many_tiny_files_each_get_a_row_in_path_order() {
    let dir = scratch("hostile-tiny");
    let n = scaled(100_000, 1_500);
    let input = dir.join("in");
    for i in 0..n {
        let sub = input.join(format!("d{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        std::fs::write(
            sub.join(format!("f{i:06}.txt")),
            format!("tiny file number {i}\n"),
        )
        .unwrap();
    }
    let out = scratch("hostile-tiny-out");
    audit("tiny files", "audit", &[&input], &out, &[], 0);
    let rows = doc_rows(&out);
    assert_eq!(rows.len(), n);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.source, format!("d{:03}/f{i:06}.txt:1", i / 1000));
        assert_eq!(r.status, "ok", "{r:?}");
    }
}

#[test]
fn one_document_repeated_is_one_exact_cluster_without_pairwise_work() {
    let dir = scratch("hostile-repeat");
    let doc = line(
        "same",
        &"The same story about the harbour, told again by every site that copied it. ".repeat(12),
    );
    let n = scaled(1_000_000_000, 3_000_000) / doc.len();
    let path = dir.join("repeated.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for _ in 0..n {
            f.write_all(doc.as_bytes()).unwrap();
        }
    }
    let out = scratch("hostile-repeat-out");
    audit("repeated doc", "dedup", &[&path], &out, &[], 0);
    let docs = table(&out.join("documents.parquet"));
    assert_eq!(docs.height(), n);
    let cluster = strings(&docs, "cluster_id");
    assert!(cluster.iter().all(|c| c.as_deref() == Some("same")));
    let kind = strings(&docs, "duplicate_kind");
    assert_eq!(
        kind.iter()
            .filter(|k| k.as_deref() == Some("exact"))
            .count(),
        n - 1
    );
    let clusters = table(&out.join("clusters.parquet"));
    assert_eq!(clusters.height(), 1);
    assert_eq!(floats(&clusters, "size"), vec![n as f64]);
    // Exact copies are linked to their group's first member, never compared pairwise:
    // at most one pair row per copy, no LSH candidates among them.
    let pairs = table(&out.join("pairs.parquet"));
    assert!(
        pairs.height() < n,
        "{} pairs for {n} copies",
        pairs.height()
    );
}

#[test]
fn invalid_utf8_in_every_position_is_flagged_not_lost() {
    let dir = scratch("hostile-utf8");
    let lines: Vec<&[u8]> = vec![
        b"\xff{\"id\":\"line-start\",\"text\":\"bad byte before the record\"}",
        b"{\"id\":\"text-start\",\"text\":\"\xfebad byte at the start of the text\"}",
        b"{\"id\":\"text-middle\",\"text\":\"caf\xe9 au lait in the middle\"}",
        b"{\"id\":\"text-end\",\"text\":\"bad byte at the end of the text\xc0\"}",
        b"{\"id\":\"line-end\",\"text\":\"bad byte after the record\"}\xff",
        b"{\"id\":\"in-id-\xff\",\"text\":\"the id field is broken\"}",
        b"{\"id\":\"in-url\",\"url\":\"https://ex\xfeample.com/\",\"text\":\"the url field is broken\"}",
        b"{\"id\":\"in-key\",\"ti\xfftle\":\"x\",\"text\":\"a key is broken\"}",
        b"{\"id\":\"cut-2-of-3\",\"text\":\"euro sign cut short \xe2\x82\"}",
        b"{\"id\":\"cut-1-of-4\",\"text\":\"emoji cut short \xf0\"}",
        b"{\"id\":\"overlong\",\"text\":\"overlong slash \xc0\xaf and surrogate \xed\xa0\x80\"}",
        b"{\"id\":\"lone-surrogate\",\"text\":\"escaped half emoji \\ud83d here\"}",
        // Last line: no newline, ends inside a multi-byte sequence.
        b"{\"id\":\"eof\",\"text\":\"fine\"}\xe2\x82",
    ];
    std::fs::write(dir.join("a.jsonl"), lines.join(&b"\n"[..])).unwrap();
    std::fs::write(
        dir.join("b-start.txt"),
        b"\xff\xfestarts with bad bytes and then text",
    )
    .unwrap();
    std::fs::write(dir.join("c-middle.txt"), b"text with \xe9 in the middle").unwrap();
    std::fs::write(dir.join("d-end.txt"), b"text that ends cut short \xe2\x82").unwrap();
    std::fs::write(
        dir.join("e-bom.jsonl"),
        "\u{feff}{\"id\":\"bom\",\"text\":\"a byte-order mark starts the file\"}\n",
    )
    .unwrap();
    let out = scratch("hostile-utf8-out");
    audit("utf8", "audit", &[&dir], &out, &[], 0);
    let rows = doc_rows(&out);
    let a = rows_of(&rows, "a.jsonl");
    assert_eq!(a.len(), lines.len(), "{a:?}");
    for (i, r) in a.iter().enumerate() {
        assert_eq!(r.source, format!("a.jsonl:{}", i + 1));
    }
    // Bytes outside the JSON text break the JSON: malformed, and the error says both.
    expect(a[0], "malformed", "invalid UTF-8");
    expect(a[4], "malformed", "trailing characters");
    expect(a[12], "malformed", "invalid UTF-8");
    // Bytes inside strings: decoded with U+FFFD, analysed, flagged.
    for &i in &[1, 2, 3, 5, 6, 7, 8, 9, 10] {
        expect(a[i], "invalid_utf8", "invalid UTF-8 at byte");
    }
    expect(a[11], "invalid_utf8", "surrogate");
    let id = rows
        .iter()
        .find(|r| r.doc_id.starts_with("in-id-"))
        .unwrap();
    assert_eq!(id.doc_id, "in-id-\u{fffd}");
    for (file, at) in [
        ("b-start.txt", "byte 0"),
        ("c-middle.txt", "byte 10"),
        ("d-end.txt", "byte 25"),
    ] {
        let r = rows_of(&rows, file);
        assert_eq!(r.len(), 1);
        expect(r[0], "invalid_utf8", at);
    }
    let bom = rows_of(&rows, "e-bom.jsonl");
    assert_eq!(bom.len(), 1);
    assert_eq!(
        (bom[0].doc_id.as_str(), bom[0].status.as_str()),
        ("bom", "ok")
    );
}

#[test]
fn nul_bytes_are_flagged_or_kept_never_fatal() {
    let dir = scratch("hostile-nul");
    std::fs::write(
        dir.join("a.jsonl"),
        b"{\"id\":\"raw\",\"text\":\"raw nul \x00 inside a string\"}\n\
{\"id\":\"escaped\",\"text\":\"escaped nul \\u0000 inside a string\"}\n\
{\"id\":\"outside\",\"text\":\"nul outside\"}\x00\n\
\x00\x00\x00\x00\n\
{\"id\":\"fine\",\"text\":\"a fine record after the nuls\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b-binary.txt"),
        b"starts like text \x00 but is binary",
    )
    .unwrap();
    let mut late = vec![b'a'; 9000];
    late.extend_from_slice(b" a nul after 8 KiB \x00 is kept as text");
    std::fs::write(dir.join("c-late.txt"), &late).unwrap();
    let out = scratch("hostile-nul-out");
    audit("nul", "audit", &[&dir], &out, &[], 0);
    let rows = doc_rows(&out);
    let a = rows_of(&rows, "a.jsonl");
    assert_eq!(a.len(), 5, "{a:?}");
    expect(a[0], "malformed", "control character");
    assert_eq!(a[1].status, "ok");
    expect(a[2], "malformed", "trailing characters");
    expect(a[3], "malformed", "malformed JSON");
    assert_eq!(a[4].status, "ok");
    expect(rows_of(&rows, "b-binary.txt")[0], "unreadable", "NUL bytes");
    assert_eq!(rows_of(&rows, "c-late.txt")[0].status, "ok");
}

#[test]
fn deep_nesting_and_duplicate_keys() {
    let dir = scratch("hostile-deep");
    let deep = "[".repeat(100_000);
    let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut a = String::new();
    // A first line that opens 100,000 arrays must not swallow the records after it.
    a.push_str(&deep);
    a.push('\n');
    a.push_str(&line(
        "after-deep",
        "the record after a hundred thousand brackets",
    ));
    a.push_str(&format!(
        "{{\"id\":\"deep-other\",\"text\":\"deep in another field\",\"x\":{closed}}}\n"
    ));
    a.push_str(&format!("{{\"id\":\"deep-text\",\"text\":{closed}}}\n"));
    a.push_str(&format!(
        "{{\"id\":\"deep-open\",\"text\":\"never closed\",\"x\":{deep}\n"
    ));
    a.push_str("{\"id\":\"first-id\",\"id\":\"dup\",\"text\":\"first text\",\"text\":\"second text wins\"}\n");
    a.push_str("{\"id\":\"null-last\",\"text\":\"shadowed\",\"text\":null}\n");
    std::fs::write(dir.join("a.jsonl"), &a).unwrap();
    // A `.json` array that opens 100,000 arrays and never closes them.
    std::fs::write(dir.join("b-open.json"), &deep).unwrap();
    // An array whose second element is deep but closed, and whose third is broken.
    std::fs::write(
        dir.join("c-array.json"),
        format!("[{{\"id\":\"c1\",\"text\":\"one\"}}, {closed}, {{\"id\":\"c3\" \"text\":\"no colon\"}}, {{\"id\":\"c4\",\"text\":\"four\"}}]"),
    )
    .unwrap();
    let out = scratch("hostile-deep-out");
    audit("deep", "audit", &[&dir], &out, &[], 0);
    let rows = doc_rows(&out);
    let a = rows_of(&rows, "a.jsonl");
    assert_eq!(a.len(), 7, "{a:?}");
    expect(a[0], "malformed", "expected a JSON object");
    assert_eq!(
        (a[1].doc_id.as_str(), a[1].status.as_str()),
        ("after-deep", "ok")
    );
    assert_eq!(a[2].status, "ok");
    expect(a[3], "malformed", "is not a string");
    expect(a[4], "malformed", "malformed JSON");
    assert_eq!((a[5].doc_id.as_str(), a[5].status.as_str()), ("dup", "ok"));
    let docs = table(&out.join("documents.parquet"));
    let excerpts = strings(&docs, "excerpt");
    let i5 = rows.iter().position(|r| r.doc_id == "dup").unwrap();
    assert_eq!(excerpts[i5].as_deref(), Some("second text wins"));
    expect(a[6], "empty", "is null");
    let b = rows_of(&rows, "b-open.json");
    assert_eq!(b.len(), 1);
    expect(b[0], "malformed", "array not closed");
    let c = rows_of(&rows, "c-array.json");
    assert_eq!(c.len(), 4, "{c:?}");
    assert_eq!(c[0].status, "ok");
    expect(c[1], "malformed", "malformed JSON");
    expect(c[2], "malformed", "malformed JSON");
    assert_eq!((c[3].doc_id.as_str(), c[3].status.as_str()), ("c4", "ok"));
}

#[test]
fn gzip_bomb_is_truncated_and_flagged_while_streaming() {
    let dir = scratch("hostile-bomb");
    let expanded = scaled(1 << 30, 128 << 20);
    let body = vec![b'a'; 1 << 20];
    let copies = expanded / body.len();
    let limit = "1048576";
    // JSON lines: the bomb is one record between two ordinary ones.
    let jl = gzip_bomb(
        line("before", "an ordinary record")
            .as_bytes()
            .iter()
            .chain(b"{\"id\":\"bomb\",\"text\":\"")
            .copied()
            .collect::<Vec<_>>()
            .as_slice(),
        &body,
        copies,
        format!(
            "\"}}\n{}",
            line("after", "an ordinary record after the bomb")
        )
        .as_bytes(),
    );
    assert!(jl.len() < expanded / 100, "{} bytes on disk", jl.len());
    std::fs::write(dir.join("a.jsonl.gz"), &jl).unwrap();
    // Plain text: one document; the first --max-doc-bytes are analysed, the rest counted.
    std::fs::write(
        dir.join("b.txt.gz"),
        gzip_bomb(b"A text that goes on ", &body, copies / 2, b" and ends."),
    )
    .unwrap();
    // A JSON array whose first element explodes and whose second is small.
    std::fs::write(
        dir.join("c.json.gz"),
        gzip_bomb(
            b"[{\"id\":\"c1\",\"text\":\"",
            &body,
            copies / 4,
            b"\"}, {\"id\":\"c2\",\"text\":\"small\"}]",
        ),
    )
    .unwrap();
    let out = scratch("hostile-bomb-out");
    let (o, peak) = run(
        "gzip bomb",
        &[
            "dedup",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
            "--max-doc-bytes",
            limit,
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = doc_rows(&out);
    let a = rows_of(&rows, "a.jsonl.gz");
    assert_eq!(a.len(), 3, "{a:?}");
    assert_eq!(a[0].status, "ok");
    expect(a[1], "oversized", "not loaded");
    assert!(
        a[1].err()
            .contains(&format!("{} bytes", 21 + copies * body.len() + 2)),
        "{:?}",
        a[1]
    );
    assert_eq!(
        (a[2].doc_id.as_str(), a[2].status.as_str()),
        ("after", "ok")
    );
    let b = rows_of(&rows, "b.txt.gz");
    assert_eq!(b.len(), 1);
    expect(b[0], "oversized", "only the first bytes were analysed");
    let c = rows_of(&rows, "c.json.gz");
    assert_eq!(c.len(), 2, "{c:?}");
    expect(c[0], "oversized", "not loaded");
    assert_eq!((c[1].doc_id.as_str(), c[1].status.as_str()), ("c2", "ok"));
    // Streaming: the process never held an expanded record (each is 32+ MB; the limit is 1 MiB).
    if peak > 0 {
        assert!(
            peak < (copies as u64 * body.len() as u64) / 4 + (100 << 20),
            "peak RSS {} MB while expanding {} MB records",
            peak >> 20,
            copies
        );
    }
}

#[test]
fn truncated_compressed_files_keep_their_complete_records() {
    let dir = scratch("hostile-trunc");
    let mut lines = String::new();
    for i in 0..5_000 {
        lines.push_str(&line(
            &format!("z{i}"),
            &format!("record {i} of a compressed file that was cut short"),
        ));
    }
    let zst = zstd::encode_all(lines.as_bytes(), 3).unwrap();
    std::fs::write(dir.join("a.jsonl.zst"), &zst[..zst.len() * 2 / 3]).unwrap();
    std::fs::write(dir.join("b.jsonl.zst"), &zst[..7]).unwrap();
    let txt = zstd::encode_all(&b"one text document, cut short ".repeat(2000)[..], 3).unwrap();
    std::fs::write(dir.join("c.txt.zst"), &txt[..txt.len() / 2]).unwrap();
    std::fs::write(dir.join("d.jsonl.zst"), b"").unwrap();
    let out = scratch("hostile-trunc-out");
    audit("truncated zst", "audit", &[&dir], &out, &[], 0);
    let rows = doc_rows(&out);
    let a = rows_of(&rows, "a.jsonl.zst");
    let (last, complete) = a.split_last().unwrap();
    assert!(
        complete.len() > 1000 && complete.len() < 5000,
        "{} complete",
        complete.len()
    );
    for (i, r) in complete.iter().enumerate() {
        assert_eq!(
            (r.doc_id.as_str(), r.status.as_str()),
            (format!("z{i}").as_str(), "ok")
        );
    }
    expect(last, "unreadable", "truncated zstd stream");
    assert_eq!(last.source, format!("a.jsonl.zst:{}", complete.len() + 1));
    let b = rows_of(&rows, "b.jsonl.zst");
    assert_eq!(b.len(), 1);
    expect(b[0], "unreadable", "zstd");
    let c = rows_of(&rows, "c.txt.zst");
    assert_eq!(c.len(), 1);
    expect(c[0], "unreadable", "truncated zstd stream");
    let d = rows_of(&rows, "d.jsonl.zst");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].status == "empty" || d[0].status == "unreadable",
        "{d:?}"
    );
}

#[test]
fn symlink_loops_are_rows() {
    let dir = scratch("hostile-loop");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(
        input.join("sub/a.jsonl"),
        line("a", "a record beside the loops"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&input, input.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("self.jsonl", input.join("self.jsonl")).unwrap();
    let out = scratch("hostile-loop-out");
    audit("loop", "audit", &[&input], &out, &[], 0);
    let rows = doc_rows(&out);
    assert_eq!(rows.len(), 3, "{rows:?}");
    let a = rows_of(&rows, "sub/a.jsonl");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].status, "ok");
    expect(rows_of(&rows, "sub/up")[0], "unreadable", "symlink loop");
    let s = rows_of(&rows, "self.jsonl");
    assert_eq!(s.len(), 1);
    expect(s[0], "unreadable", "cannot walk self.jsonl");
}

/// True when this process runs as root, where permission bits do not stop reads.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

#[test]
fn unreadable_files_are_rows() {
    let dir = scratch("hostile-unreadable");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("a.jsonl"), line("a", "a readable record")).unwrap();
    // A file that opens but fails on read, for any user: /proc/self/mem of the reader
    // itself fails with EIO at offset 0 (nothing is mapped there).
    std::os::unix::fs::symlink("/proc/self/mem", input.join("b-mem.jsonl")).unwrap();
    let mut expected = vec![
        ("a.jsonl", "ok", ""),
        ("b-mem.jsonl", "unreadable", "read error after 0 bytes"),
    ];
    // Permission bits stop only non-root users; as root (CI, containers) the EIO file
    // above is the unreadable-file case.
    let locked = input.join("c-locked.jsonl");
    if !is_root() {
        std::fs::write(&locked, line("c", "locked away")).unwrap();
        std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000))
            .unwrap();
        expected.push(("c-locked.jsonl", "unreadable", "ermission denied"));
    }
    let out = scratch("hostile-unreadable-out");
    audit("unreadable", "audit", &[&input], &out, &[], 0);
    let rows = doc_rows(&out);
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (file, status, needle) in expected {
        let r = rows_of(&rows, file);
        assert_eq!(r.len(), 1, "{file}: {rows:?}");
        expect(r[0], status, needle);
    }
}

#[test]
fn unwritable_output_exits_2_before_reading_input() {
    let dir = scratch("hostile-unwritable");
    let input = dir.join("a.jsonl");
    std::fs::write(
        &input,
        line("a", "a record that will not be written anywhere"),
    )
    .unwrap();
    let plain = dir.join("plain-file");
    std::fs::write(&plain, b"x").unwrap();
    let mut outs = vec![
        plain.join("out"),
        PathBuf::from("/proc/chaff-cannot-exist/out"),
    ];
    if !is_root() {
        let ro = dir.join("read-only");
        std::fs::create_dir_all(&ro).unwrap();
        std::fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
        outs.push(ro.join("out"));
        outs.push(ro.clone());
    }
    // A FIFO input blocks whoever opens it: chaff must find out the output is unwritable
    // before it starts reading (otherwise this test times out).
    let fifo = dir.join("pipe.jsonl");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    for cmd in ["audit", "dedup"] {
        for out in &outs {
            let o = audit("unwritable", cmd, &[&input], out, &[], 2);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("cannot write"), "{err}");
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chaff"))
            .args([
                cmd,
                fifo.to_str().unwrap(),
                "-o",
                outs[0].to_str().unwrap(),
                "-q",
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if start.elapsed().as_secs() > 60 {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(2),
            "{cmd} should refuse the output before opening the input"
        );
    }
}

#[test]
fn output_pointing_at_an_input_is_refused() {
    let dir = scratch("hostile-outin");
    let input = dir.join("in.jsonl");
    let original = line("a", "do not overwrite me");
    std::fs::write(&input, &original).unwrap();
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("b.jsonl"), line("b", "neither me")).unwrap();
    for cmd in ["audit", "dedup"] {
        let o = audit("out=in", cmd, &[&input], &input, &[], 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("is an input file"));
        // Through another spelling of the same path.
        let dotted = dir.join(".").join("in.jsonl");
        let o = audit("out=in", cmd, &[&input], &dotted, &[], 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("is an input file"));
        let o = audit(
            "out in folder",
            cmd,
            &[&folder],
            &folder.join("report"),
            &[],
            1,
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("inside input folder"));
        let o = audit("out=folder", cmd, &[&folder], &folder, &[], 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("inside input folder"));
    }
    assert_eq!(std::fs::read_to_string(&input).unwrap(), original);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
}

#[test]
fn report_on_a_broken_folder_is_an_error_not_a_crash() {
    let dir = scratch("hostile-report");
    let o = chaff(&["report", dir.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("summary.json"));
    // A real audit folder whose documents table was cut short.
    let out = scratch("hostile-report-out");
    let input = root().join("datasets/ar-seed");
    audit("report", "audit", &[&input], &out, &[], 0);
    let docs = out.join("documents.parquet");
    let bytes = std::fs::read(&docs).unwrap();
    std::fs::write(&docs, &bytes[..bytes.len() / 2]).unwrap();
    let before = std::fs::read(out.join("report.md")).unwrap();
    let o = chaff(&["report", out.to_str().unwrap(), "-q"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("reading the tables"));
    assert_eq!(std::fs::read(out.join("report.md")).unwrap(), before);
}

#[test]
fn fuzz_crashers_are_rows_not_crashes() {
    // Every input the fuzzers (fuzz/, scripts/fuzz.sh) found a crash with, fed to chaff as
    // the format its target reads: named `<target>-<what>`.
    let dir = scratch("hostile-fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("tests/fuzz-regressions")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ext = match name.split('-').next().unwrap() {
            "warc" => "warc",
            "jsonl" => "jsonl",
            _ => "txt",
        };
        let input = dir.join(format!("{name}.{ext}"));
        std::fs::copy(&path, &input).unwrap();
        let out = dir.join(format!("{name}.out"));
        let (o, _) = run(
            &name,
            &[
                "audit",
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)) && !err.contains("panicked"),
            "{name}: exit {:?}\n{err}",
            o.status.code()
        );
        let rows = doc_rows(&out);
        assert!(!rows.is_empty());
        assert!(
            rows.iter().all(|r| !r.err().contains("internal error")),
            "{name}: {rows:?}"
        );
        n += 1;
    }
    assert!(n >= 1, "no regression inputs found");
}

#[test]
fn memory_limit_stops_early_with_exit_4() {
    // A limit below what chaff needs to start: the first check (after the first block)
    // stops the run with exit status 4 and says why, before the rest is read.
    let dir = scratch("hostile-memlimit");
    let input = root().join("datasets/en-bbc");
    for cmd in ["audit", "dedup"] {
        let out = dir.join(cmd);
        let (o, _) = run(
            "memory limit",
            &[
                cmd,
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "-q",
                "--memory-limit",
                "20M",
            ],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(4), "{cmd}: {err}");
        assert!(err.contains("above --memory-limit 20 MB"), "{err}");
        assert!(!out.join("documents.parquet").exists());
    }
    let o = chaff(&[
        "audit",
        input.to_str().unwrap(),
        "--memory-limit",
        "12 parsecs",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

//! `chaff audit` end to end on the shipped datasets and on deliberately broken inputs.

mod common;

use common::*;
use std::collections::HashMap;
use std::io::Write;

#[test]
fn audit_bbc_sample_one_row_per_record_in_order() {
    let out = scratch("bbc");
    let input = root().join("datasets/en-bbc");
    chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--quiet",
        ],
        0,
    );
    let docs = table(&out.join("documents.parquet"));
    let records = jsonl(&root().join("datasets/en-bbc/bbc_news-slice.jsonl"));
    assert_eq!(docs.height(), records.len());
    let ids = strings(&docs, "doc_id");
    let sources = strings(&docs, "source");
    for (i, r) in records.iter().enumerate() {
        assert_eq!(ids[i].as_deref(), r["id"].as_str());
        assert_eq!(
            sources[i].as_deref(),
            Some(format!("bbc_news-slice.jsonl:{}", i + 1).as_str())
        );
    }
    // cluster_id is never null and points at a document of the table.
    let cluster = strings(&docs, "cluster_id");
    let known: std::collections::HashSet<_> = ids.iter().flatten().collect();
    assert!(cluster
        .iter()
        .all(|c| c.as_ref().is_some_and(|c| known.contains(c))));
    // Hand-checked: bbc/tech/003 and bbc/tech/036 are the same article.
    let row = |id: &str| ids.iter().position(|x| x.as_deref() == Some(id)).unwrap();
    let group = strings(&docs, "exact_group");
    assert_eq!(group[row("bbc/tech/036")].as_deref(), Some("bbc/tech/003"));
    assert_eq!(group[row("bbc/tech/003")].as_deref(), Some("bbc/tech/003"));
    assert_eq!(cluster[row("bbc/tech/036")], cluster[row("bbc/tech/003")]);
    let dup = bools(&docs, "is_duplicate");
    assert_ne!(dup[row("bbc/tech/036")], dup[row("bbc/tech/003")]);
    // Byte-identical texts always share an exact group (which may start earlier: the
    // hash is over normalised text, so case/punctuation variants join it too).
    let mut group_of: HashMap<&str, Option<String>> = HashMap::new();
    let mut identical = 0;
    for (i, r) in records.iter().enumerate() {
        let text = r["text"].as_str().unwrap();
        if text.trim().is_empty() {
            continue;
        }
        match group_of.get(text) {
            Some(g) => {
                identical += 1;
                assert_eq!(&group[i], g, "row {i}");
            }
            None => {
                group_of.insert(text, group[i].clone());
            }
        }
    }
    assert_eq!(identical, 54);
    // Language: the sample is English.
    let langs = strings(&docs, "lang");
    let en = langs.iter().filter(|l| l.as_deref() == Some("en")).count();
    assert!(en as f64 > 0.95 * records.len() as f64, "{en} English docs");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for section in [
        "## Summary",
        "## What was scanned",
        "## Duplicates",
        "## Boilerplate",
        "## Languages and scripts",
        "## Document length",
        "## Repetition inside documents",
        "## Problems in the input",
    ] {
        assert!(report.contains(section), "report lacks {section}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["documents"], records.len());
    assert!(summary["exact_duplicates"].as_u64().unwrap() >= 54);
}

/// Writes the broken-input folder and returns how many rows each file must give.
fn broken_inputs(dir: &std::path::Path) -> Vec<(&'static str, usize)> {
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w(
        "a-mixed.jsonl",
        b"{\"id\":\"ok1\",\"text\":\"A perfectly good record about the harbour.\"}\n\
{\"id\":\"bad-json\",\"text\":\"unterminated\n\
\n\
{\"id\":\"no-text\",\"body\":\"wrong field\"}\n\
{\"id\":\"utf8\",\"text\":\"caf\xe9 au lait\"}\n\
{\"id\":\"empty\",\"text\":\"\"}\n\
{\"id\":\"num\",\"text\":42}\n\
[1,2,3]\n\
{\"id\":\"ok2\",\"text\":\"Another good record.\"}",
    );
    let mut lines = String::new();
    for i in 0..20_000 {
        lines.push_str(&format!(
            "{{\"id\":\"z{i}\",\"text\":\"record number {i} of a compressed file with enough words\"}}\n"
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(lines.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    w("b-truncated.jsonl.gz", &gz[..gz.len() / 2]);
    let zst = zstd::encode_all(lines.as_bytes(), 3).unwrap();
    w("c-truncated.jsonl.zst", &zst[..zst.len() / 2]);
    w("d-empty.jsonl", b"");
    w("e-binary.txt", b"\x7fELF\x00\x00\x01binary junk\x00");
    w("f-note.md", "# A note\n\nشيء مكتوب بالعربية.\n".as_bytes());
    w(
        "g-array.json",
        br#"[{"id":"arr1","text":"first element"},{"id":"arr2","text":"second element"}]"#,
    );
    let mut warc = Vec::new();
    let mut record = |kind: &str, uri: &str, body: &[u8]| {
        warc.extend_from_slice(
            format!(
                "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        warc.extend_from_slice(body);
        warc.extend_from_slice(b"\r\n\r\n");
    };
    record("warcinfo", "", b"software: test");
    record(
        "response",
        "https://www.example.com/a",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Hello from the web.</p><script>x()</script></body></html>",
    );
    record(
        "conversion",
        "https://example.org/b",
        b"Plain converted text.",
    );
    w("h-crawl.warc", &warc);
    let mut big =
        String::from("{\"id\":\"small\",\"text\":\"fits\"}\n{\"id\":\"huge\",\"text\":\"");
    big.push_str(&"x".repeat(5000));
    big.push_str("\"}\n");
    w("i-big.jsonl", big.as_bytes());
    std::os::unix::fs::symlink(dir, dir.join("j-loop")).unwrap();
    vec![
        // ok1, bad-json, no-text, utf8, empty, num, [1,2,3], ok2 (the blank line is not a record)
        ("a-mixed.jsonl", 8),
        ("b-truncated.jsonl.gz", usize::MAX),
        ("c-truncated.jsonl.zst", usize::MAX),
        ("d-empty.jsonl", 1),
        ("e-binary.txt", 1),
        ("f-note.md", 1),
        ("g-array.json", 2),
        ("h-crawl.warc", 2),
        ("i-big.jsonl", 2),
        ("j-loop", 1),
    ]
}

#[test]
fn broken_inputs_are_rows_not_crashes() {
    let dir = scratch("broken-in");
    let expected = broken_inputs(&dir);
    let out = scratch("broken-out");
    chaff_ok(
        &[
            "audit",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--quiet",
            "--max-doc-bytes",
            "1000",
        ],
        0,
    );
    let docs = table(&out.join("documents.parquet"));
    let sources = strings(&docs, "source");
    let status = strings(&docs, "status");
    let error = strings(&docs, "error");
    let ids = strings(&docs, "doc_id");
    let rows_of = |file: &str| -> Vec<usize> {
        (0..docs.height())
            .filter(|&i| {
                sources[i]
                    .as_deref()
                    .unwrap()
                    .starts_with(&format!("{file}:"))
            })
            .collect()
    };
    for (file, n) in &expected {
        let rows = rows_of(file);
        if *n != usize::MAX {
            assert_eq!(
                rows.len(),
                *n,
                "{file}: rows {:?}",
                rows.iter().map(|&i| &sources[i]).collect::<Vec<_>>()
            );
        }
    }
    let by_id = |id: &str| {
        ids.iter()
            .position(|x| x.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    assert_eq!(status[by_id("ok1")].as_deref(), Some("ok"));
    assert_eq!(status[by_id("ok2")].as_deref(), Some("ok"));
    assert_eq!(status[by_id("no-text")].as_deref(), Some("malformed"));
    assert!(error[by_id("no-text")]
        .as_deref()
        .unwrap()
        .contains("missing text field"));
    assert_eq!(status[by_id("utf8")].as_deref(), Some("invalid_utf8"));
    assert_eq!(status[by_id("empty")].as_deref(), Some("empty"));
    assert_eq!(status[by_id("num")].as_deref(), Some("malformed"));
    let huge = rows_of("i-big.jsonl")[1];
    assert_eq!(status[huge].as_deref(), Some("oversized"));
    assert!(error[huge].as_deref().unwrap().contains("--max-doc-bytes"));
    assert_eq!(status[by_id("small")].as_deref(), Some("ok"));
    assert_eq!(status[by_id("arr2")].as_deref(), Some("ok"));
    let bad_json = rows_of("a-mixed.jsonl")[1];
    assert_eq!(status[bad_json].as_deref(), Some("malformed"));
    assert_eq!(sources[bad_json].as_deref(), Some("a-mixed.jsonl:2"));
    // Truncated compressed files: complete records, then one unreadable row naming the truncation.
    for (file, codec) in [
        ("b-truncated.jsonl.gz", "gzip"),
        ("c-truncated.jsonl.zst", "zstd"),
    ] {
        let rows = rows_of(file);
        assert!(rows.len() > 5, "{file}: only {} rows", rows.len());
        let (last, complete) = rows.split_last().unwrap();
        assert!(
            complete.iter().all(|&i| status[i].as_deref() == Some("ok")),
            "{file}"
        );
        assert_eq!(status[*last].as_deref(), Some("unreadable"), "{file}");
        let e = error[*last].as_deref().unwrap();
        assert!(e.contains(&format!("truncated {codec}")), "{file}: {e}");
    }
    let empty_file = rows_of("d-empty.jsonl")[0];
    assert_eq!(status[empty_file].as_deref(), Some("empty"));
    let binary = rows_of("e-binary.txt")[0];
    assert_eq!(status[binary].as_deref(), Some("unreadable"));
    assert!(error[binary].as_deref().unwrap().contains("binary"));
    let note = rows_of("f-note.md")[0];
    assert_eq!(ids[note].as_deref(), Some("f-note.md"));
    let warc = rows_of("h-crawl.warc");
    let urls = strings(&docs, "url");
    let domains = strings(&docs, "domain");
    assert_eq!(urls[warc[0]].as_deref(), Some("https://www.example.com/a"));
    assert_eq!(domains[warc[0]].as_deref(), Some("example.com"));
    let excerpt = strings(&docs, "excerpt");
    assert_eq!(excerpt[warc[0]].as_deref(), Some("Hello from the web."));
    let looped = rows_of("j-loop")[0];
    assert_eq!(status[looped].as_deref(), Some("unreadable"));
    assert!(error[looped].as_deref().unwrap().contains("loop"));
    // The report counts the problems and cites their sources.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("b-truncated.jsonl.gz:"));
    assert!(report.contains("truncated gzip"));
    // --strict turns problems into a failing exit code.
    chaff_ok(
        &[
            "audit",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--quiet",
            "--strict",
        ],
        3,
    );
}

#[test]
fn output_is_identical_across_thread_counts_and_runs() {
    // Every file of the folder (all Parquet bytes, report.md; summary.json without its
    // timings) is the same for --threads 1, --threads 2 and a second --threads 2 run.
    let input = root().join("datasets/fr-gilets-jaunes");
    let runs = [
        ("threads1", "1"),
        ("threads2", "2"),
        ("threads2-again", "2"),
    ];
    let dirs: Vec<_> = runs
        .iter()
        .map(|(name, threads)| {
            let dir = scratch(name);
            chaff_ok(
                &[
                    "audit",
                    input.to_str().unwrap(),
                    "-o",
                    dir.to_str().unwrap(),
                    "-q",
                    "--threads",
                    threads,
                ],
                0,
            );
            dir
        })
        .collect();
    assert!(dirs[0].join("entities.parquet").exists());
    assert!(dirs[0].join("chart-lengths.svg").exists());
    assert_same_outputs(&dirs[0], &dirs[1]);
    assert_same_outputs(&dirs[1], &dirs[2]);
}

#[test]
fn exit_codes() {
    let out = scratch("exit");
    // Bad usage and missing input: 1.
    chaff_ok(&["audit"], 1);
    chaff_ok(
        &[
            "audit",
            "no/such/input.jsonl",
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        1,
    );
    // Output that cannot be created (a path under a regular file): 2.
    let file = out.join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let input = root().join("datasets/ar-seed");
    chaff_ok(
        &[
            "audit",
            input.to_str().unwrap(),
            "-o",
            file.join("sub").to_str().unwrap(),
            "-q",
        ],
        2,
    );
    // Output pointing at an input file is refused, and the input is untouched.
    let src = out.join("in.jsonl");
    std::fs::write(&src, b"{\"text\":\"hello there\"}\n").unwrap();
    chaff_ok(
        &[
            "audit",
            src.to_str().unwrap(),
            "-o",
            src.to_str().unwrap(),
            "-q",
        ],
        1,
    );
    assert_eq!(
        std::fs::read(&src).unwrap(),
        b"{\"text\":\"hello there\"}\n"
    );
    // Nothing readable: 1, but the tables are still written.
    let empty = out.join("empty.jsonl");
    std::fs::write(&empty, b"").unwrap();
    let o2 = out.join("o2");
    chaff_ok(
        &[
            "audit",
            empty.to_str().unwrap(),
            "-o",
            o2.to_str().unwrap(),
            "-q",
        ],
        1,
    );
    assert_eq!(table(&o2.join("documents.parquet")).height(), 1);
}

#[test]
fn stdin_is_read_as_jsonl() {
    let out = scratch("stdin");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chaff"))
        .args(["audit", "-", "-o", out.to_str().unwrap(), "-q"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"a\",\"text\":\"one two three four five six\"}\n{\"id\":\"b\",\"text\":\"one two three four five six\"}\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let docs = table(&out.join("documents.parquet"));
    assert_eq!(
        strings(&docs, "source"),
        vec![Some("-:1".into()), Some("-:2".into())]
    );
    assert_eq!(
        strings(&docs, "cluster_id"),
        vec![Some("a".into()), Some("a".into())]
    );
}

#[test]
fn entities_tables_and_masked_pii() {
    let out = scratch("entities-bbc");
    chaff_ok(
        &[
            "audit",
            root().join("datasets/en-bbc").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let e = table(&out.join("entities.parquet"));
    let kind = strings(&e, "kind");
    let entity = strings(&e, "entity");
    let top = |k: &str, n: usize| -> Vec<String> {
        (0..e.height())
            .filter(|&i| kind[i].as_deref() == Some(k))
            .take(n)
            .map(|i| entity[i].clone().unwrap())
            .collect()
    };
    let people = top("person", 10);
    assert!(
        people.contains(&"Tony Blair".to_string()) && people.contains(&"Gordon Brown".to_string()),
        "{people:?}"
    );
    let countries = top("country", 5);
    assert!(
        countries.contains(&"United Kingdom".to_string())
            && countries.contains(&"United States".to_string()),
        "{countries:?}"
    );
    let de = table(&out.join("document_entities.parquet"));
    assert!(de.height() > e.height());

    // Personal data is counted per document and masked in the report.
    let dir = scratch("pii-in");
    std::fs::write(
        dir.join("pii.jsonl"),
        "{\"id\":\"p1\",\"text\":\"Contact the press office at jane.doe@example.org or call +44 20 7946 0958 for details about the merger.\"}\n{\"id\":\"p2\",\"text\":\"Nothing personal in this one, only a story about the harbour and its boats.\"}\n",
    )
    .unwrap();
    let o = scratch("pii-out");
    chaff_ok(
        &[
            "audit",
            dir.to_str().unwrap(),
            "-o",
            o.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let d = table(&o.join("documents.parquet"));
    assert_eq!(floats(&d, "pii_emails"), vec![1.0, 0.0]);
    assert_eq!(floats(&d, "pii_phones"), vec![1.0, 0.0]);
    let report = std::fs::read_to_string(o.join("report.md")).unwrap();
    assert!(report.contains("### Personal data"));
    assert!(
        !report.contains("jane.doe@example.org"),
        "full e-mail in the report"
    );
    assert!(
        !report.contains("7946 0958") && !report.contains("79460958"),
        "full phone in the report"
    );
    // Masked as j***@e***.org (asterisks escaped for Markdown).
    assert!(report.contains(r"j\*\*\*@e\*\*\*.org"));
}

#[test]
fn user_gazetteer_names_the_canonical_entity() {
    let dir = scratch("gaz-in");
    std::fs::write(
        dir.join("docs.jsonl"),
        "{\"id\":\"a\",\"text\":\"The Harbour Authority of Valletta met today. Officials of the harbour authority said the port would reopen.\"}\n{\"id\":\"b\",\"text\":\"هيئة الميناء في فاليتا أعلنت اليوم إعادة فتح الميناء أمام السفن التجارية بعد أسبوع من الإغلاق.\"}\n",
    )
    .unwrap();
    let gaz = dir.join("gazetteer.tsv");
    std::fs::write(
        &gaz,
        "Valletta Port Authority\torg\tharbour authority|هيئة الميناء\n",
    )
    .unwrap();
    let out = scratch("gaz-out");
    chaff_ok(
        &[
            "audit",
            dir.join("docs.jsonl").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
            "--gazetteer",
            gaz.to_str().unwrap(),
        ],
        0,
    );
    let de = table(&out.join("document_entities.parquet"));
    let doc = strings(&de, "doc_id");
    let entity = strings(&de, "entity");
    for d in ["a", "b"] {
        assert!(
            (0..de.height()).any(|i| doc[i].as_deref() == Some(d)
                && entity[i].as_deref() == Some("Valletta Port Authority")),
            "{d}: {entity:?}"
        );
    }
}

#[test]
fn report_rerenders_from_the_tables_alone() {
    let out = scratch("rerender");
    chaff_ok(
        &[
            "audit",
            root().join("datasets/zh-gilets-jaunes").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let original = std::fs::read(out.join("report.md")).unwrap();
    std::fs::remove_file(out.join("report.md")).unwrap();
    chaff_ok(
        &["report", out.to_str().unwrap(), "-q", "--threads", "1"],
        0,
    );
    assert!(
        std::fs::read(out.join("report.md")).unwrap() == original,
        "re-rendered report differs"
    );
    // A folder that is not an audit output is a clear usage error.
    let empty = scratch("rerender-empty");
    let r = chaff_ok(&["report", empty.to_str().unwrap(), "-q"], 1);
    assert!(String::from_utf8_lossy(&r.stderr).contains("summary.json"));
}

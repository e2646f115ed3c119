//! Report: `report.md`, rendered only from the output tables and `summary.json`,
//! so `chaff report DIR` can re-render it without recomputing anything.

pub mod format;

use crate::entities::{is_pii, mask_pii};
use crate::repetition::GOPHER_THRESHOLDS;
use crate::summary::Summary;
use format::{bar, bytes, cell, count, mask_personal, pct, text_cell};
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// The tables a report is rendered from.
pub struct Tables {
    /// documents.parquet
    pub documents: DataFrame,
    /// clusters.parquet
    pub clusters: DataFrame,
    /// pairs.parquet
    pub pairs: DataFrame,
    /// boilerplate.parquet (absent for `chaff dedup` output)
    pub boilerplate: Option<DataFrame>,
    /// entities.parquet (absent with `--no-entities`)
    pub entities: Option<DataFrame>,
    /// document_entities.parquet (absent with `--no-entities`)
    pub document_entities: Option<DataFrame>,
}

impl Tables {
    /// Reads the tables of an output directory.
    pub fn read(dir: &Path) -> PolarsResult<Tables> {
        let read = |name: &str| -> PolarsResult<DataFrame> {
            ParquetReader::new(std::fs::File::open(dir.join(name))?).finish()
        };
        Ok(Tables {
            documents: read("documents.parquet")?,
            clusters: read("clusters.parquet")?,
            pairs: read("pairs.parquet")?,
            boilerplate: read("boilerplate.parquet").ok(),
            entities: read("entities.parquet").ok(),
            document_entities: read("document_entities.parquet").ok(),
        })
    }
}

fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    match df.column(name).and_then(|c| c.cast(&DataType::String)) {
        Ok(c) => c
            .str()
            .map(|s| s.iter().map(|v| v.map(str::to_string)).collect())
            .unwrap_or_default(),
        Err(_) => vec![None; df.height()],
    }
}

fn f64s(df: &DataFrame, name: &str) -> Vec<f64> {
    match df.column(name).and_then(|c| c.cast(&DataType::Float64)) {
        Ok(c) => c
            .f64()
            .map(|s| s.iter().map(|v| v.unwrap_or(0.0)).collect())
            .unwrap_or_default(),
        Err(_) => vec![0.0; df.height()],
    }
}

fn bools(df: &DataFrame, name: &str) -> Vec<bool> {
    match df.column(name) {
        Ok(c) => c
            .bool()
            .map(|s| s.iter().map(|v| v.unwrap_or(false)).collect())
            .unwrap_or_default(),
        Err(_) => vec![false; df.height()],
    }
}

/// Renders the Markdown report.
pub fn render(t: &Tables, s: &Summary) -> String {
    let mut md = String::new();
    let docs = &t.documents;
    let n = docs.height();
    let title = s.inputs.join(", ");
    let _ = writeln!(md, "# chaff {}: {}\n", s.command, cell(&title, 120));
    let _ = writeln!(
        md,
        "_chaff {} · {} input files · {} · {} records_\n",
        s.chaff_version,
        count(s.files as u64),
        bytes(s.input_bytes),
        count(n as u64)
    );

    let status = strs(docs, "status");
    let is_dup = bools(docs, "is_duplicate");
    let kind = strs(docs, "duplicate_kind");
    let chars = f64s(docs, "chars");
    let bp_frac = f64s(docs, "boilerplate_char_frac");
    let with_text = status
        .iter()
        .filter(|s| matches!(s.as_deref(), Some("ok" | "invalid_utf8" | "oversized")))
        .count();
    let dups = is_dup.iter().filter(|&&d| d).count();
    let exact = kind
        .iter()
        .filter(|k| k.as_deref() == Some("exact"))
        .count();
    let near = kind.iter().filter(|k| k.as_deref() == Some("near")).count();
    let problems = n - status.iter().filter(|s| s.as_deref() == Some("ok")).count();
    let dup_chars: f64 = chars
        .iter()
        .zip(&is_dup)
        .filter(|(_, &d)| d)
        .map(|(c, _)| c)
        .sum();
    let all_chars: f64 = chars.iter().sum();

    // Executive summary.
    md.push_str("## Summary\n\n");
    let _ = writeln!(
        md,
        "- **{}** records were read from {} files ({}); **{}** have text to analyse.",
        count(n as u64),
        count(s.files as u64),
        bytes(s.input_bytes),
        count(with_text as u64)
    );
    let _ = writeln!(
        md,
        "- **{} of documents are duplicates** ({} exact copies, {} near copies at Jaccard ≥ {}), in {} clusters; removing them drops {} of all characters.",
        pct(dups as f64 / n.max(1) as f64),
        count(exact as u64),
        count(near as u64),
        s.dedup_params.threshold,
        count(s.clusters as u64),
        pct(dup_chars / all_chars.max(1.0))
    );
    if t.boilerplate.is_some() {
        let mostly = bp_frac.iter().filter(|&&f| f >= 0.5).count();
        let _ = writeln!(
            md,
            "- **{} of all line characters are boilerplate** ({} lines: ads, share/subscribe lines, credits, repeated template lines); {} documents are mostly boilerplate.",
            pct(s.boilerplate_char_share),
            count(s.boilerplate_lines),
            count(mostly as u64)
        );
    }
    if let Some((lang, c)) = s.languages.iter().max_by_key(|(_, &c)| c) {
        let _ = writeln!(
            md,
            "- The main language is `{}` ({} of documents with text); {} languages in all.",
            lang,
            pct(*c as f64 / with_text.max(1) as f64),
            s.languages.len()
        );
    }
    let _ = writeln!(
        md,
        "- **{}** records had a problem when read (empty, malformed, invalid UTF-8, oversized or unreadable): see [Problems in the input](#problems-in-the-input).",
        count(problems as u64)
    );
    let _ = writeln!(
        md,
        "- To get a training-ready copy without the duplicates and the boilerplate: `chaff clean {} -o cleaned.jsonl.zst`.\n",
        s.inputs.join(" ")
    );

    section_input(&mut md, t, s);
    section_duplicates(&mut md, t, s);
    if t.boilerplate.is_some() {
        section_boilerplate(&mut md, t, s);
    }
    section_entities(&mut md, t);
    section_languages(&mut md, t);
    section_lengths(&mut md, t);
    section_repetition(&mut md, t);
    section_problems(&mut md, t);
    section_parameters(&mut md, s);
    md
}

fn section_input(md: &mut String, t: &Tables, s: &Summary) {
    md.push_str("## What was scanned\n\n| status | records | share |\n|---|---:|---:|\n");
    let n = t.documents.height().max(1) as f64;
    for (status, c) in &s.by_status {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            status,
            count(*c as u64),
            pct(*c as f64 / n)
        );
    }
    let _ = writeln!(
        md,
        "\n{} characters of text in all. Status meanings: `ok` read and analysed; `empty` no text; `invalid_utf8` decoded with U+FFFD replacements and analysed; `malformed` not a valid record; `oversized` larger than `--max-doc-bytes`; `unreadable` could not be read (I/O error, truncated compressed stream, binary file).\n",
        count(s.chars)
    );
}

fn section_duplicates(md: &mut String, t: &Tables, s: &Summary) {
    md.push_str("## Duplicates\n\n");
    let n = t.documents.height().max(1) as f64;
    let _ = writeln!(
        md,
        "Exact duplicates share the same normalised text (`exact_hash`). Near duplicates have a Jaccard similarity ≥ {} between their {}-word shingle sets (MinHash, {} permutations, LSH {} bands × {} rows; {} candidate pairs checked, verification `{}`: pairs whose estimate is close to the threshold are checked on the true shingle sets).\n",
        s.dedup_params.threshold,
        s.dedup_params.ngram,
        s.dedup_params.num_perm,
        s.bands,
        s.rows,
        count(s.candidate_pairs as u64),
        s.dedup_params.verify
    );
    let _ = writeln!(
        md,
        "| | documents | share of records |\n|---|---:|---:|\n| exact duplicates (removable) | {} | {} |\n| near duplicates (removable) | {} | {} |\n| clusters (2+ documents) | {} | |\n",
        count(s.exact_duplicates as u64),
        pct(s.exact_duplicates as f64 / n),
        count(s.near_duplicates as u64),
        pct(s.near_duplicates as f64 / n),
        count(s.clusters as u64)
    );
    let c = &t.clusters;
    if c.height() == 0 {
        md.push_str("No duplicate clusters were found.\n\n");
        return;
    }
    // Cluster sizes, as a small text histogram.
    let sizes = f64s(c, "size");
    let buckets = [
        (2.0, 2.0, "2"),
        (3.0, 4.0, "3–4"),
        (5.0, 9.0, "5–9"),
        (10.0, 99.0, "10–99"),
        (100.0, f64::MAX, "100+"),
    ];
    md.push_str("Cluster sizes:\n\n| size | clusters | |\n|---|---:|---|\n");
    let counts: Vec<usize> = buckets
        .iter()
        .map(|(lo, hi, _)| sizes.iter().filter(|&&x| x >= *lo && x <= *hi).count())
        .collect();
    let max = *counts.iter().max().unwrap_or(&1) as f64;
    for ((_, _, label), k) in buckets.iter().zip(&counts) {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            label,
            count(*k as u64),
            bar(*k as f64, max, 30)
        );
    }
    md.push('\n');
    // Largest clusters with an excerpt of the representative.
    let docs = &t.documents;
    let ids = strs(docs, "doc_id");
    let excerpt = strs(docs, "excerpt");
    let index: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.as_deref().map(|id| (id, i)))
        .collect();
    let cid = strs(c, "cluster_id");
    let kind = strs(c, "kind");
    let doms = f64s(c, "domains");
    let srcs = f64s(c, "sources");
    let minsim = f64s(c, "min_similarity");
    let mut order: Vec<usize> = (0..c.height()).collect();
    order.sort_by(|&a, &b| sizes[b].total_cmp(&sizes[a]).then(a.cmp(&b)));
    md.push_str("Largest clusters:\n\n| representative | size | kind | domains / sources | min similarity | representative begins |\n|---|---:|---|---:|---:|---|\n");
    for &i in order.iter().take(10) {
        let id = cid[i].clone().unwrap_or_default();
        let ex = index
            .get(id.as_str())
            .and_then(|&j| excerpt[j].clone())
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} / {} | {:.2} | {} |",
            cell(&id, 40),
            sizes[i],
            kind[i].as_deref().unwrap_or(""),
            doms[i],
            srcs[i],
            minsim[i],
            text_cell(&ex, 100)
        );
    }
    md.push('\n');
    near_pair_example(md, t, &index, &excerpt);
}

/// One near-duplicate pair side by side, words missing from the other document in bold.
fn near_pair_example(
    md: &mut String,
    t: &Tables,
    index: &std::collections::HashMap<&str, usize>,
    excerpt: &[Option<String>],
) {
    let p = &t.pairs;
    let a = strs(p, "doc_a");
    let b = strs(p, "doc_b");
    let rel = strs(p, "relation");
    let est = f64s(p, "estimated_jaccard");
    let text_of = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| index.get(id))
            .and_then(|&j| excerpt[j].clone())
            .unwrap_or_default()
    };
    // The least similar near pair whose openings differ shows the most.
    let mut best: Option<usize> = None;
    for i in 0..p.height() {
        if rel[i].as_deref() != Some("near") {
            continue;
        }
        let (ta, tb) = (text_of(&a[i]), text_of(&b[i]));
        let words = |t: &str| {
            t.split_whitespace()
                .map(str::to_string)
                .collect::<std::collections::HashSet<_>>()
        };
        if ta.is_empty() || words(&ta) == words(&tb) {
            continue;
        }
        if best.is_none_or(|j| est[i] < est[j]) {
            best = Some(i);
        }
    }
    let Some(i) = best else {
        let near = rel.iter().filter(|r| r.as_deref() == Some("near")).count();
        if near > 0 {
            let _ = writeln!(
                md,
                "The {} near-duplicate pairs agree on their first {} characters; `pairs.parquet` lists them with their similarities.\n",
                count(near as u64),
                crate::pipeline::EXCERPT_CHARS
            );
        }
        return;
    };
    let (ta, tb) = (
        mask_personal(&text_of(&a[i])),
        mask_personal(&text_of(&b[i])),
    );
    let marked = |x: &str, other: &str| -> String {
        let others: std::collections::HashSet<&str> = other.split_whitespace().collect();
        x.split_whitespace()
            .map(|w| {
                let c = cell(w, 60);
                if others.contains(w) {
                    c
                } else {
                    format!("**{c}**")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = writeln!(
        md,
        "A near-duplicate pair (estimated Jaccard {:.2}), first {} characters, words not in the other in **bold**:\n\n| {} | {} |\n|---|---|\n| {} | {} |\n",
        est[i],
        crate::pipeline::EXCERPT_CHARS,
        cell(a[i].as_deref().unwrap_or(""), 50),
        cell(b[i].as_deref().unwrap_or(""), 50),
        marked(&ta, &tb),
        marked(&tb, &ta)
    );
}

fn section_boilerplate(md: &mut String, t: &Tables, s: &Summary) {
    let Some(b) = &t.boilerplate else { return };
    md.push_str("## Boilerplate\n\n");
    let p = &s.boilerplate_params;
    let _ = writeln!(
        md,
        "**{} of all line characters** ({} lines) are boilerplate. A line is boilerplate when a marker rule matches it (`marker:<rule>` rows: ad placeholders, source links, share/subscribe, cookie and copyright notices, photo credits, read-more lines) or when it recurs in at least {} distinct stories (exact and near copies count once) and is short (≤ {} words), or sits at the top/bottom of the documents in ≥ {} of its occurrences with ≤ {} words, or recurs in ≥ {} distinct texts; lines that are ≥ {} % digits (table rows, scores) and lines mostly found in tabular documents are data, not boilerplate. Content lines are what dedup, language ID and entities see.\n",
        pct(s.boilerplate_char_share),
        count(s.boilerplate_lines),
        p.min_docs,
        p.short_words,
        pct(p.edge_share),
        p.edge_max_words,
        p.long_min_docs,
        p.max_digit_pct
    );
    if b.height() == 0 {
        md.push_str("No boilerplate lines were found.\n\n");
    } else {
        let kind = strs(b, "kind");
        let example = strs(b, "example");
        let docs = f64s(b, "docs");
        let share = f64s(b, "share_docs");
        let chars = f64s(b, "share_chars");
        let doms = f64s(b, "domains");
        let mut order: Vec<usize> = (0..b.height()).collect();
        order.sort_by(|&x, &y| docs[y].total_cmp(&docs[x]).then(x.cmp(&y)));
        md.push_str("Top boilerplate lines:\n\n| line (example) | kind | documents | share of docs | share of chars | domains / sources |\n|---|---|---:|---:|---:|---:|\n");
        for &i in order.iter().take(20) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                text_cell(example[i].as_deref().unwrap_or(""), 90),
                kind[i].as_deref().unwrap_or(""),
                count(docs[i] as u64),
                pct(share[i]),
                pct(chars[i]),
                doms[i]
            );
        }
        md.push('\n');
    }
    // Documents that are mostly boilerplate.
    let d = &t.documents;
    let frac = f64s(d, "boilerplate_char_frac");
    let ids = strs(d, "doc_id");
    let src = strs(d, "source");
    let mut mostly: Vec<usize> = (0..d.height()).filter(|&i| frac[i] >= 0.5).collect();
    mostly.sort_by(|&a, &b| frac[b].total_cmp(&frac[a]).then(a.cmp(&b)));
    let _ = writeln!(
        md,
        "{} documents are at least half boilerplate.",
        count(mostly.len() as u64)
    );
    if !mostly.is_empty() {
        md.push_str("\n| document | source | boilerplate share |\n|---|---|---:|\n");
        for &i in mostly.iter().take(5) {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                cell(ids[i].as_deref().unwrap_or(""), 40),
                cell(src[i].as_deref().unwrap_or(""), 60),
                pct(frac[i])
            );
        }
    }
    md.push('\n');
    per_domain(md, t);
}

fn per_domain(md: &mut String, t: &Tables) {
    let d = &t.documents;
    let Ok(domain) = d.column("domain") else {
        return;
    };
    if domain.null_count() == d.height() {
        return;
    }
    let agg = d
        .clone()
        .lazy()
        .filter(col("domain").is_not_null())
        .group_by([col("domain")])
        .agg([
            len().alias("docs"),
            col("bytes").sum().alias("bytes"),
            col("is_duplicate")
                .cast(DataType::Float64)
                .mean()
                .alias("dup_rate"),
            col("boilerplate_char_frac")
                .cast(DataType::Float64)
                .mean()
                .alias("bp_share"),
        ])
        .sort(
            ["docs", "domain"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(20)
        .collect();
    let Ok(agg) = agg else { return };
    md.push_str("Per domain (top 20 by documents):\n\n| domain | documents | bytes | duplicate rate | mean boilerplate share |\n|---|---:|---:|---:|---:|\n");
    let dom = strs(&agg, "domain");
    let docs = f64s(&agg, "docs");
    let b = f64s(&agg, "bytes");
    let dup = f64s(&agg, "dup_rate");
    let bp = f64s(&agg, "bp_share");
    for i in 0..agg.height() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            cell(dom[i].as_deref().unwrap_or(""), 50),
            count(docs[i] as u64),
            bytes(b[i] as u64),
            pct(dup[i]),
            pct(bp[i])
        );
    }
    md.push('\n');
}

fn section_languages(md: &mut String, t: &Tables) {
    md.push_str("## Languages and scripts\n\nLanguage is identified (whatlang) on each document's content lines, boilerplate set aside; `und` means too short or unsure.\n\n");
    let d = &t.documents;
    let agg = d
        .clone()
        .lazy()
        .filter(
            col("status")
                .eq(lit("ok"))
                .or(col("status").eq(lit("invalid_utf8")))
                .or(col("status").eq(lit("oversized"))),
        )
        .group_by([col("lang"), col("script")])
        .agg([len().alias("docs"), col("chars").sum().alias("chars")])
        .sort(
            ["docs", "lang", "script"],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
        )
        .collect();
    let Ok(agg) = agg else { return };
    let total: f64 = f64s(&agg, "docs").iter().sum();
    md.push_str(
        "| language | script | documents | share | characters |\n|---|---|---:|---:|---:|\n",
    );
    let lang = strs(&agg, "lang");
    let script = strs(&agg, "script");
    let docs = f64s(&agg, "docs");
    let chars = f64s(&agg, "chars");
    for i in 0..agg.height().min(25) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            lang[i].as_deref().unwrap_or(""),
            script[i].as_deref().unwrap_or(""),
            count(docs[i] as u64),
            pct(docs[i] / total.max(1.0)),
            count(chars[i] as u64)
        );
    }
    md.push('\n');
}

fn section_lengths(md: &mut String, t: &Tables) {
    md.push_str("## Document length\n\nWords per document (normalised words; each Han/Kana character counts as a word), documents with text only.\n\n| words | documents | |\n|---|---:|---|\n");
    let d = &t.documents;
    let words = f64s(d, "words");
    let status = strs(d, "status");
    let edges = [
        0.0,
        10.0,
        50.0,
        100.0,
        250.0,
        500.0,
        1000.0,
        2500.0,
        10000.0,
        f64::MAX,
    ];
    let labels = [
        "1–9",
        "10–49",
        "50–99",
        "100–249",
        "250–499",
        "500–999",
        "1,000–2,499",
        "2,500–9,999",
        "10,000+",
    ];
    let mut counts = [0usize; 9];
    let mut lens = Vec::new();
    for (w, s) in words.iter().zip(&status) {
        if !matches!(s.as_deref(), Some("ok" | "invalid_utf8" | "oversized")) || *w < 1.0 {
            continue;
        }
        lens.push(*w);
        for b in 0..9 {
            if *w >= edges[b].max(1.0) && *w < edges[b + 1] {
                counts[b] += 1;
            }
        }
    }
    let max = *counts.iter().max().unwrap_or(&1) as f64;
    for (label, c) in labels.iter().zip(counts) {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            label,
            count(c as u64),
            bar(c as f64, max, 30)
        );
    }
    if !lens.is_empty() {
        lens.sort_by(f64::total_cmp);
        let q = |p: f64| lens[((lens.len() - 1) as f64 * p).round() as usize];
        let _ = writeln!(
            md,
            "\nMedian {} words; 10th percentile {}; 90th percentile {}; longest {}.",
            q(0.5),
            q(0.1),
            q(0.9),
            lens[lens.len() - 1]
        );
    }
    md.push('\n');
}

/// Plain-language definitions of the repetition columns, in `GOPHER_THRESHOLDS` order.
const REPETITION_DEFINITIONS: [&str; 13] = [
    "non-empty lines identical to an earlier line / non-empty lines",
    "paragraphs (blank-line separated) identical to an earlier one / paragraphs",
    "characters in duplicate lines / characters in all lines",
    "characters in duplicate paragraphs / characters in all paragraphs",
    "characters of the most frequent word 2-gram × its count / characters of all words",
    "same for the most frequent 3-gram",
    "same for the most frequent 4-gram",
    "characters of words covered by a 5-gram that occurs more than once / characters of all words",
    "same for 6-grams",
    "same for 7-grams",
    "same for 8-grams",
    "same for 9-grams",
    "same for 10-grams",
];

fn section_repetition(md: &mut String, t: &Tables) {
    md.push_str("## Repetition inside documents\n\nThe Gopher (MassiveText) repetition metrics, stored as raw fractions in `documents.parquet`; thresholds are the Gopher paper's. A repeated headline or a scraped page that loops its content shows up here.\n\n| column | definition | Gopher threshold | documents above | mean |\n|---|---|---:|---:|---:|\n");
    let d = &t.documents;
    let ids = strs(d, "doc_id");
    let excerpt = strs(d, "excerpt");
    let mut score = vec![0.0f64; d.height()];
    let n = d.height().max(1) as f64;
    for (j, (name, threshold)) in GOPHER_THRESHOLDS.iter().enumerate() {
        let v = f64s(d, name);
        let threshold = *threshold as f64;
        let above = v.iter().filter(|&&x| x > threshold).count();
        let mean = v.iter().sum::<f64>() / n;
        for (s, x) in score.iter_mut().zip(&v) {
            *s += (x / threshold).min(5.0);
        }
        let _ = writeln!(
            md,
            "| `{}` | {} | {:.2} | {} | {} |",
            name,
            REPETITION_DEFINITIONS[j],
            threshold,
            count(above as u64),
            pct(mean)
        );
    }
    let line = f64s(d, "dup_line_frac");
    let para = f64s(d, "dup_para_char_frac");
    let top2 = f64s(d, "top_2gram_char_frac");
    let mut order: Vec<usize> = (0..d.height()).filter(|&i| score[i] > 0.0).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    if !order.is_empty() {
        md.push_str("\nDocuments with the most repetition:\n\n| document | dup lines | dup paragraph chars | top 2-gram chars | begins |\n|---|---:|---:|---:|---|\n");
        for &i in order.iter().take(10) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                cell(ids[i].as_deref().unwrap_or(""), 40),
                pct(line[i]),
                pct(para[i]),
                pct(top2[i]),
                text_cell(excerpt[i].as_deref().unwrap_or(""), 80)
            );
        }
    }
    md.push('\n');
}

fn section_problems(md: &mut String, t: &Tables) {
    md.push_str("## Problems in the input\n\n");
    let d = &t.documents;
    let status = strs(d, "status");
    let error = strs(d, "error");
    let source = strs(d, "source");
    let bad: Vec<usize> = (0..d.height())
        .filter(|&i| status[i].as_deref() != Some("ok"))
        .collect();
    if bad.is_empty() {
        md.push_str("None: every record was read and had text.\n\n");
        return;
    }
    let _ = writeln!(
        md,
        "{} records are not `ok`. Every one still has its row in `documents.parquet` with `status` and `error`. The first 15:\n\n| source | status | error |\n|---|---|---|",
        count(bad.len() as u64)
    );
    for &i in bad.iter().take(15) {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            cell(source[i].as_deref().unwrap_or(""), 60),
            status[i].as_deref().unwrap_or(""),
            cell(error[i].as_deref().unwrap_or(""), 120)
        );
    }
    md.push('\n');
}

fn section_parameters(md: &mut String, s: &Summary) {
    let p = &s.dedup_params;
    let _ = writeln!(
        md,
        "## Parameters and files\n\n- Near duplicates: threshold {}, {} permutations, {}-word shingles ({}-character shingles for unspaced scripts), LSH {} × {}, verification `{}`, containment {}, keep `{}`.\n- Tables: `documents.parquet` (one row per record, input order), `clusters.parquet`, `pairs.parquet`, `boilerplate.parquet`; totals and timings in `summary.json`.\n",
        p.threshold, p.num_perm, p.ngram, p.char_ngram, s.bands, s.rows, p.verify, if p.containment > 0.0 { p.containment.to_string() } else { "off".into() }, p.keep
    );
}

fn section_entities(md: &mut String, t: &Tables) {
    let (Some(e), Some(de)) = (&t.entities, &t.document_entities) else {
        return;
    };
    md.push_str("## Entities\n\nWho and what the content lines talk about: names (capitalised sequences in cased scripts; statistically recurring word units in Arabic, Chinese and other uncased scripts), countries from the ISO 3166 gazetteer in 158 languages (so روسيا, Russia and Russie count as one), and patterns (URLs, e-mails, phones, dates, money, percentages, handles, hashtags). Boilerplate lines are excluded.\n\n");
    if e.height() == 0 {
        md.push_str("No entities were found.\n\n");
        return;
    }
    let kind = strs(e, "kind");
    let entity = strs(e, "entity");
    let docs = f64s(e, "docs");
    let share = f64s(e, "share_docs");
    let mentions = f64s(e, "mentions");
    let domains = strs(e, "top_domains");
    let named =
        |k: &str| matches!(k, "person" | "org" | "name" | "country") || !PATTERN_KINDS.contains(&k);
    md.push_str("Top entities (names, organisations, places):\n\n| entity | kind | documents | share of docs | mentions | top domains |\n|---|---|---:|---:|---:|---|\n");
    let mut shown = 0;
    for i in 0..e.height() {
        let k = kind[i].as_deref().unwrap_or("");
        if !named(k) {
            continue;
        }
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            cell(entity[i].as_deref().unwrap_or(""), 60),
            k,
            count(docs[i] as u64),
            pct(share[i]),
            count(mentions[i] as u64),
            cell(domains[i].as_deref().unwrap_or(""), 60)
        );
        shown += 1;
        if shown == 20 {
            break;
        }
    }
    md.push_str("\nTop five per kind (documents in brackets):\n\n| kind | entities |\n|---|---|\n");
    let mut kinds: Vec<&str> = kind.iter().flatten().map(String::as_str).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for k in kinds {
        if is_pii(k) {
            continue;
        }
        let top: Vec<String> = (0..e.height())
            .filter(|&i| kind[i].as_deref() == Some(k))
            .take(5)
            .map(|i| {
                format!(
                    "{} ({})",
                    cell(entity[i].as_deref().unwrap_or(""), 40),
                    count(docs[i] as u64)
                )
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", k, top.join(", "));
    }
    md.push('\n');
    entities_by_language(md, t, de);
    entities_by_duplication(md, t, de, e);
    pii_summary(md, t, de);
}

/// Pattern kinds, shown in the per-kind table but not among the top names.
const PATTERN_KINDS: [&str; 10] = [
    "url", "domain", "email", "phone", "ip", "handle", "hashtag", "date", "money", "percent",
];

fn entities_by_language(md: &mut String, t: &Tables, de: &DataFrame) {
    let joined = de
        .clone()
        .lazy()
        .join(
            t.documents
                .clone()
                .lazy()
                .select([col("doc_id"), col("lang")]),
            [col("doc_id")],
            [col("doc_id")],
            JoinArgs::new(JoinType::Left),
        )
        .filter(
            ["url", "domain", "date", "email", "phone", "ip"]
                .into_iter()
                .fold(lit(true), |keep, k| keep.and(col("kind").eq(lit(k)).not())),
        )
        .group_by([col("lang"), col("entity"), col("kind")])
        .agg([len().alias("docs")])
        .sort(
            ["lang", "docs", "entity"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .collect();
    let Ok(j) = joined else { return };
    let lang = strs(&j, "lang");
    let entity = strs(&j, "entity");
    let docs = f64s(&j, "docs");
    let mut by_lang: Vec<(String, Vec<String>, f64)> = Vec::new();
    for i in 0..j.height() {
        let l = lang[i].clone().unwrap_or_default();
        if by_lang.last().map(|(x, _, _)| x != &l).unwrap_or(true) {
            by_lang.push((l.clone(), Vec::new(), 0.0));
        }
        let last = by_lang.last_mut().expect("just pushed");
        last.2 += docs[i];
        if last.1.len() < 6 {
            last.1.push(format!(
                "{} ({})",
                cell(entity[i].as_deref().unwrap_or(""), 30),
                count(docs[i] as u64)
            ));
        }
    }
    by_lang.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    md.push_str(
        "Per language (documents in brackets):\n\n| language | top entities |\n|---|---|\n",
    );
    for (l, top, _) in by_lang.iter().take(6) {
        let _ = writeln!(md, "| {} | {} |", l, top.join(", "));
    }
    md.push('\n');
}

fn entities_by_duplication(md: &mut String, t: &Tables, de: &DataFrame, e: &DataFrame) {
    let dup = bools(&t.documents, "is_duplicate");
    let dup_docs = dup.iter().filter(|&&d| d).count();
    if dup_docs == 0 {
        return;
    }
    let unique_docs = dup.len() - dup_docs;
    let kind = strs(e, "kind");
    let entity = strs(e, "entity");
    let docs = f64s(e, "docs");
    let dups = f64s(e, "duplicate_docs");
    let _ = de;
    md.push_str("What the duplicates are about: share of duplicate documents vs unique documents that mention each of the most mentioned names.\n\n| entity | kind | in duplicates | in unique documents |\n|---|---|---:|---:|\n");
    let mut shown = 0;
    for i in 0..e.height() {
        let k = kind[i].as_deref().unwrap_or("");
        if PATTERN_KINDS.contains(&k) {
            continue;
        }
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            cell(entity[i].as_deref().unwrap_or(""), 50),
            k,
            pct(dups[i] / dup_docs as f64),
            pct((docs[i] - dups[i]) / unique_docs.max(1) as f64)
        );
        shown += 1;
        if shown == 10 {
            break;
        }
    }
    md.push('\n');
}

fn pii_summary(md: &mut String, t: &Tables, de: &DataFrame) {
    let d = &t.documents;
    md.push_str("### Personal data\n\n");
    let mut any = false;
    for (column, label) in [
        ("pii_emails", "e-mail addresses"),
        ("pii_phones", "phone numbers"),
        ("pii_ips", "IP addresses"),
    ] {
        let v = f64s(d, column);
        let n = v.iter().filter(|&&x| x > 0.0).count();
        let total: f64 = v.iter().sum();
        any |= n > 0;
        let _ = writeln!(
            md,
            "- {} documents ({}) carry {} ({} occurrences).",
            count(n as u64),
            pct(n as f64 / d.height().max(1) as f64),
            label,
            count(total as u64)
        );
    }
    if any {
        let kind = strs(de, "kind");
        let entity = strs(de, "entity");
        let doc = strs(de, "doc_id");
        md.push_str("\nFirst examples, masked:\n\n| document | kind | value |\n|---|---|---|\n");
        let mut shown = 0;
        for i in 0..de.height() {
            let k = kind[i].as_deref().unwrap_or("");
            if !is_pii(k) {
                continue;
            }
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                cell(doc[i].as_deref().unwrap_or(""), 40),
                k,
                cell(&mask_pii(k, entity[i].as_deref().unwrap_or("")), 40)
            );
            shown += 1;
            if shown == 5 {
                break;
            }
        }
    }
    md.push('\n');
}

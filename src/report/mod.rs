//! Report: `report.md` with its SVG charts (and optionally `report.html`), rendered only
//! from the output tables and `summary.json`, so `chaff report DIR` can re-render it without
//! recomputing anything.
//!
//! The Markdown is the one source of the content: the HTML page is converted from it, with
//! the charts inlined. `charts.rs` draws the charts, `diff.rs` aligns the words of a
//! near-duplicate pair, `baseline.rs` compares two audits, `format.rs` escapes document text.

pub mod baseline;
pub mod charts;
pub mod diff;
pub mod format;
pub mod html;

use crate::entities::{is_pii, mask_pii};
use crate::repetition::GOPHER_THRESHOLDS;
use crate::summary::Summary;
use format::{bytes, cell, count, mask_personal, pct, plural, text_cell};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};
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
    /// examples.parquet (absent in older audit folders and for `chaff dedup`)
    pub examples: Option<DataFrame>,
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
            examples: read("examples.parquet").ok(),
        })
    }
}

/// A rendered report: the Markdown and the chart files it links to.
pub struct Rendered {
    /// report.md
    pub markdown: String,
    /// (file name, SVG) for every chart the Markdown links to, in order.
    pub charts: Vec<(String, String)>,
}

/// Every chart file name the report may write (stale ones are removed on re-render).
pub const CHART_FILES: [&str; 7] = [
    "chart-lengths.svg",
    "chart-clusters.svg",
    "chart-domains.svg",
    "chart-languages.svg",
    "chart-entities.svg",
    "chart-repetition.svg",
    "chart-baseline.svg",
];

/// Writes report.md and its charts into `dir` (and report.html when `html`), atomically,
/// removing chart files of an earlier render that this one no longer has.
pub fn write(dir: &Path, r: &Rendered, html: bool) -> std::io::Result<()> {
    for (name, svg) in &r.charts {
        crate::sink::write_bytes(&dir.join(name), svg.as_bytes())?;
    }
    for name in CHART_FILES {
        if !r.charts.iter().any(|(n, _)| n == name) {
            match std::fs::remove_file(dir.join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    crate::sink::write_bytes(&dir.join("report.md"), r.markdown.as_bytes())?;
    if html {
        crate::sink::write_bytes(&dir.join("report.html"), html::page(r).as_bytes())?;
    }
    Ok(())
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

/// Whether a status means the record has text that was analysed.
fn has_text(status: Option<&str>) -> bool {
    matches!(status, Some("ok" | "invalid_utf8" | "oversized"))
}

/// Where each document came from: its domain, else its file (the source without `:<record>`),
/// the same origin the boilerplate stage counts.
fn origins(docs: &DataFrame) -> Vec<String> {
    let domain = strs(docs, "domain");
    let source = strs(docs, "source");
    domain
        .into_iter()
        .zip(source)
        .map(|(d, s)| match d {
            Some(d) => d,
            None => {
                let s = s.unwrap_or_default();
                s.rsplit_once(':').map(|(p, _)| p.to_string()).unwrap_or(s)
            }
        })
        .collect()
}

/// The report's examples table as rows: role → [(key, text, count, unit)] in table order.
struct Examples {
    rows: HashMap<String, Vec<(String, String, f64, String)>>,
}

impl Examples {
    fn of(t: &Tables) -> Examples {
        let mut rows: HashMap<String, Vec<(String, String, f64, String)>> = HashMap::new();
        if let Some(e) = &t.examples {
            let role = strs(e, "role");
            let key = strs(e, "key");
            let text = strs(e, "text");
            let n = f64s(e, "count");
            let unit = strs(e, "unit");
            for i in 0..e.height() {
                rows.entry(role[i].clone().unwrap_or_default())
                    .or_default()
                    .push((
                        key[i].clone().unwrap_or_default(),
                        text[i].clone().unwrap_or_default(),
                        n[i],
                        unit[i].clone().unwrap_or_default(),
                    ));
            }
        }
        Examples { rows }
    }

    fn role(&self, role: &str) -> &[(String, String, f64, String)] {
        self.rows.get(role).map(Vec::as_slice).unwrap_or(&[])
    }

    fn find(&self, role: &str, key: &str) -> Option<&(String, String, f64, String)> {
        self.role(role).iter().find(|r| r.0 == key)
    }
}

/// Escapes a line of document text for a Markdown paragraph or quote: as a table cell, and
/// a leading list or quote marker is neutralised.
fn line_md(text: &str, max: usize) -> String {
    // Not isolated: a line of its own is its own bidi paragraph, and a viewer that sets
    // the direction from the text (GitHub, the HTML page) right-aligns an Arabic one.
    let c = format::escape(&mask_personal(text), max);
    let starts_block = c.starts_with(['-', '+', '>', '='])
        || c.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() < 10 && n.bytes().all(|b| b.is_ascii_digit())
        });
    if starts_block {
        format!("\\{c}")
    } else {
        c
    }
}

/// Facts about the whole corpus several sections use.
struct Facts {
    n: usize,
    with_text: usize,
    problems: usize,
    dups: usize,
    exact: usize,
    near: usize,
    repetitive: usize,
    largest_cluster: f64,
}

fn facts(t: &Tables) -> Facts {
    let docs = &t.documents;
    let status = strs(docs, "status");
    let kind = strs(docs, "duplicate_kind");
    let mut above = vec![false; docs.height()];
    for (name, th) in GOPHER_THRESHOLDS {
        for (a, v) in above.iter_mut().zip(f64s(docs, name)) {
            *a |= v > th as f64;
        }
    }
    let repetitive = above.iter().filter(|&&a| a).count();
    Facts {
        n: docs.height(),
        with_text: status.iter().filter(|s| has_text(s.as_deref())).count(),
        problems: status.iter().filter(|s| s.as_deref() != Some("ok")).count(),
        dups: bools(docs, "is_duplicate").iter().filter(|&&d| d).count(),
        exact: kind
            .iter()
            .filter(|k| k.as_deref() == Some("exact"))
            .count(),
        near: kind.iter().filter(|k| k.as_deref() == Some("near")).count(),
        repetitive,
        largest_cluster: f64s(&t.clusters, "size").into_iter().fold(0.0, f64::max),
    }
}

/// A baseline audit to compare with: its tables, summary and how to name it.
pub struct Baseline<'a> {
    /// The folder as given on the command line.
    pub label: String,
    /// Its tables.
    pub tables: &'a Tables,
    /// Its summary.
    pub summary: &'a Summary,
}

/// Renders the Markdown report and its charts.
pub fn render(t: &Tables, s: &Summary, baseline: Option<&Baseline>) -> Rendered {
    let mut md = String::new();
    let mut charts = Vec::new();
    let title = s.inputs.join(", ");
    let _ = writeln!(md, "# chaff {}: {}\n", s.command, cell(&title, 120));
    let _ = writeln!(
        md,
        "_chaff {} · {} input files · {} · {} records_\n",
        s.chaff_version,
        count(s.files as u64),
        bytes(s.input_bytes),
        count(t.documents.height() as u64)
    );
    let f = facts(t);
    section_summary(&mut md, t, s, &f);
    if let Some(b) = baseline {
        baseline::section(&mut md, &mut charts, t, s, b);
    }
    section_input(&mut md, t, s);
    section_duplicates(&mut md, &mut charts, t, s);
    if t.boilerplate.is_some() {
        section_boilerplate(&mut md, t, s);
    }
    section_origins(&mut md, &mut charts, t);
    section_entities(&mut md, &mut charts, t);
    section_languages(&mut md, &mut charts, t);
    section_lengths(&mut md, &mut charts, t);
    section_repetition(&mut md, &mut charts, t);
    section_problems(&mut md, t);
    section_parameters(&mut md, t, s);
    Rendered {
        markdown: md,
        charts,
    }
}

/// Embeds a chart: the image link and, below it, what to read from it.
fn embed(
    md: &mut String,
    charts: &mut Vec<(String, String)>,
    name: &str,
    alt: &str,
    svg: Option<String>,
) {
    if let Some(svg) = svg {
        let _ = writeln!(md, "![{alt}]({name})\n");
        charts.push((name.to_string(), svg));
    }
}

/// Reason names of the clean preview, in the order the summary lists them, with plain words.
const REASONS: [(&str, &str); 9] = [
    ("exact_duplicate", "exact duplicates"),
    ("near_duplicate", "near duplicates"),
    ("partial_duplicate", "partial duplicates"),
    ("too_short", "too short"),
    ("empty", "empty"),
    ("unreadable", "unreadable"),
    ("malformed", "malformed"),
    ("invalid_utf8", "invalid UTF-8"),
    ("oversized", "oversized"),
];

fn section_summary(md: &mut String, t: &Tables, s: &Summary, f: &Facts) {
    md.push_str("## Summary\n\n");
    let mut sentences: Vec<String> = Vec::new();
    sentences.push(format!(
        "chaff read **{}** ({}) from {}; {} text to analyse and {} a problem when read (see [Problems in the input](#problems-in-the-input)).",
        plural(f.n as u64, "record", "records"),
        bytes(s.input_bytes),
        plural(s.files as u64, "file", "files"),
        plural(f.with_text as u64, "has", "have"),
        plural(f.problems as u64, "had", "had")
    ));
    let docs = &t.documents;
    let chars = f64s(docs, "chars");
    let is_dup = bools(docs, "is_duplicate");
    let dup_chars: f64 = chars
        .iter()
        .zip(&is_dup)
        .filter(|(_, &d)| d)
        .map(|(c, _)| c)
        .sum();
    let all_chars: f64 = chars.iter().sum();
    if f.dups == 0 {
        sentences.push(format!(
            "No document duplicates another (exact copies, or near copies at Jaccard ≥ {}).",
            s.dedup_params.threshold
        ));
    } else {
        sentences.push(format!(
            "**{} of the records are duplicates** — {} exact copies and {} near copies (Jaccard ≥ {}) in {} clusters, the largest of {} documents — holding {} of all characters.",
            pct(f.dups as f64 / f.n.max(1) as f64),
            count(f.exact as u64),
            count(f.near as u64),
            s.dedup_params.threshold,
            count(s.clusters as u64),
            f.largest_cluster,
            pct(dup_chars / all_chars.max(1.0))
        ));
    }
    if let Some(b) = &t.boilerplate {
        let docs_col = f64s(b, "docs");
        let example = strs(b, "example");
        let top =
            (0..b.height()).max_by(|&x, &y| docs_col[x].total_cmp(&docs_col[y]).then(y.cmp(&x)));
        let top_line = top
            .map(|i| {
                format!(
                    "; the most widespread is “{}” in {}",
                    format::isolate(line_md(example[i].as_deref().unwrap_or(""), 60)),
                    plural(docs_col[i] as u64, "document", "documents")
                )
            })
            .unwrap_or_default();
        sentences.push(format!(
            "**{} of all line characters are boilerplate** ({} lines: ads, share and subscribe lines, credits, repeated template lines){}.",
            pct(s.boilerplate_char_share),
            count(s.boilerplate_lines),
            top_line
        ));
    }
    if let Some((lang, c)) = s
        .languages
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
    {
        sentences.push(format!(
            "The main language is `{}` ({} of the documents with text; {} in all).",
            lang,
            pct(*c as f64 / f.with_text.max(1) as f64),
            plural(s.languages.len() as u64, "language", "languages")
        ));
    }
    sentences.push(format!(
        "{} ({}) {} at least one Gopher repetition threshold (a page that repeats its own lines or phrases).",
        plural(f.repetitive as u64, "document", "documents"),
        pct(f.repetitive as f64 / f.n.max(1) as f64),
        if f.repetitive == 1 { "exceeds" } else { "exceed" }
    ));
    let inputs = s
        .inputs
        .iter()
        .map(|i| shell_word(i))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(p) = &s.clean_preview {
        let removed_docs: usize = p.removed.values().map(|r| r.documents).sum();
        let removed_bytes: u64 = p.removed.values().map(|r| r.bytes).sum();
        let mut why: Vec<String> = Vec::new();
        for (name, words) in REASONS {
            if let Some(r) = p.removed.get(name).filter(|r| r.documents > 0) {
                let words = if name == "too_short" {
                    format!("under {} content words", p.min_words)
                } else {
                    words.to_string()
                };
                why.push(format!("{} {}", count(r.documents as u64), words));
            }
        }
        for (name, r) in &p.removed {
            if r.documents > 0 && !REASONS.iter().any(|(n, _)| n == name) {
                why.push(format!(
                    "{} {}",
                    count(r.documents as u64),
                    name.replace('_', " ")
                ));
            }
        }
        let total_bytes = (p.kept_bytes + removed_bytes).max(1) as f64;
        let why = match why.len() {
            0 => String::new(),
            1 => format!(" ({})", why[0]),
            k => format!(" ({} and {})", why[..k - 1].join(", "), why[k - 1]),
        };
        if removed_docs == 0 {
            sentences.push(format!(
                "**`chaff clean` would remove no record**; it would strip {} characters of boilerplate lines from the {} it keeps.",
                count(p.stripped_chars),
                plural(p.kept_documents as u64, "record", "records")
            ));
        } else {
            sentences.push(format!(
            "**`chaff clean` would remove {}**{}, {} of the input bytes ({}), and strip {} characters of boilerplate lines from the {} it keeps ({}).",
            plural(removed_docs as u64, "record", "records"),
            why,
            pct(removed_bytes as f64 / total_bytes),
            bytes(removed_bytes),
            count(p.stripped_chars),
            plural(p.kept_documents as u64, "record", "records"),
            bytes(p.kept_bytes)
        ));
        }
    }
    sentences.push(format!(
        "To write that training-ready copy (duplicates dropped keeping each cluster's representative, boilerplate lines stripped, documents under {} content words dropped): `chaff clean {} -o cleaned.jsonl.zst`.",
        s.clean_preview.as_ref().map(|p| p.min_words).unwrap_or(crate::clean::DEFAULT_MIN_WORDS),
        inputs
    ));
    md.push_str(&sentences.join(" "));
    md.push_str("\n\n");
}

/// A path as one shell word inside a Markdown code span: quoted when it holds anything but
/// safe characters; backticks and control characters (which a code span cannot hold) dropped.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@=".contains(c))
    {
        s.to_string()
    } else {
        let inner: String = s
            .chars()
            .filter(|&c| {
                c != '`'
                    && !c.is_control()
                    && !('\u{2066}'..='\u{2069}').contains(&c)
                    && !('\u{202A}'..='\u{202E}').contains(&c)
            })
            .take(200)
            .collect();
        format!("'{}'", inner.replace('\'', "'\\''"))
    }
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

fn section_duplicates(
    md: &mut String,
    charts: &mut Vec<(String, String)>,
    t: &Tables,
    s: &Summary,
) {
    md.push_str("## Duplicates\n\n");
    let n = t.documents.height().max(1) as f64;
    let _ = writeln!(
        md,
        "Exact duplicates share the same normalised text (`exact_hash`). Near duplicates have a Jaccard similarity ≥ {} between their {}-word shingle sets (MinHash, {} permutations, LSH {} bands × {} rows; {} candidate pairs checked, verification `{}`: pairs whose estimate is close to the threshold are checked on the true shingle sets). A cluster keeps one representative; the other members are the removable duplicates.\n",
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
    let sizes = f64s(c, "size");
    let mut by_size: BTreeMap<u64, u64> = BTreeMap::new();
    for &x in &sizes {
        *by_size.entry(x as u64).or_insert(0) += 1;
    }
    let points: Vec<(f64, f64)> = by_size
        .iter()
        .map(|(&k, &v)| (k as f64, v as f64))
        .collect();
    embed(
        md,
        charts,
        "chart-clusters.svg",
        "Cluster sizes: number of clusters of each size, log-log",
        charts::log_log(
            "Cluster sizes (log-log)",
            "cluster size (documents per cluster, log scale)",
            "clusters (log scale)",
            &points,
        ),
    );
    let pairs_of_two = by_size.get(&2).copied().unwrap_or(0);
    let _ = writeln!(
        md,
        "{} of the {} clusters are pairs; the largest holds {} documents.\n",
        count(pairs_of_two),
        count(c.height() as u64),
        sizes.iter().copied().fold(0.0, f64::max)
    );
    largest_clusters(md, t);
    near_pair_example(md, t);
}

/// The largest clusters: how big, how alike, where from, and how the representative begins.
fn largest_clusters(md: &mut String, t: &Tables) {
    let c = &t.clusters;
    let docs = &t.documents;
    let ids = strs(docs, "doc_id");
    let excerpt = strs(docs, "excerpt");
    let origin = origins(docs);
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.as_deref().map(|id| (id, i)))
        .collect();
    let examples = Examples::of(t);
    let sizes = f64s(c, "size");
    let cid = strs(c, "cluster_id");
    let kind = strs(c, "kind");
    let minsim = f64s(c, "min_similarity");
    let members = c
        .column("members")
        .ok()
        .and_then(|m| m.list().ok().cloned());
    let mut order: Vec<usize> = (0..c.height()).collect();
    order.sort_by(|&a, &b| sizes[b].total_cmp(&sizes[a]).then(a.cmp(&b)));
    match order.len() {
        1 => md.push_str("### The largest cluster\n\n"),
        k => {
            let _ = writeln!(md, "### The {} largest clusters\n", k.min(5));
        }
    }
    for (rank, &i) in order.iter().take(5).enumerate() {
        let id = cid[i].clone().unwrap_or_default();
        // Where the members come from, most common first.
        let mut from: BTreeMap<&str, usize> = BTreeMap::new();
        if let Some(Some(list)) = members.as_ref().map(|m| m.get_as_series(i)) {
            if let Ok(list) = list.str() {
                for m in list.iter().flatten() {
                    if let Some(&j) = index.get(m) {
                        *from.entry(origin[j].as_str()).or_insert(0) += 1;
                    }
                }
            }
        }
        let mut from: Vec<(&str, usize)> = from.into_iter().collect();
        from.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut listed: Vec<String> = from
            .iter()
            .take(6)
            .map(|(o, k)| format!("{} ({})", cell(o, 50), k))
            .collect();
        if from.len() > 6 {
            listed.push(format!("and {} more", from.len() - 6));
        }
        let _ = writeln!(
            md,
            "{}. **{} documents**, {} copies (lowest similarity to the representative {:.2}), from {}. Representative {} begins:\n",
            rank + 1,
            sizes[i],
            kind[i].as_deref().unwrap_or(""),
            minsim[i],
            listed.join(", "),
            cell(&id, 60)
        );
        let first = examples
            .find("cluster", &id)
            .map(|r| r.1.clone())
            .or_else(|| index.get(id.as_str()).and_then(|&j| excerpt[j].clone()))
            .unwrap_or_default();
        for line in first.lines().filter(|l| !l.trim().is_empty()).take(3) {
            let _ = writeln!(md, "   > {}\n   >", line_md(line, 240));
        }
        md.push('\n');
    }
}

/// One near-duplicate pair side by side: the passages where they differ, words only in the
/// first struck through, words only in the second in bold.
fn near_pair_example(md: &mut String, t: &Tables) {
    let examples = Examples::of(t);
    let (Some(a), Some(b)) = (
        examples.role("near_a").first(),
        examples.role("near_b").first(),
    ) else {
        near_pair_from_excerpts(md, t);
        return;
    };
    let p = &t.pairs;
    let pa = strs(p, "doc_a");
    let pb = strs(p, "doc_b");
    let est = f64s(p, "estimated_jaccard");
    let exact = strs(p, "exact_jaccard");
    let sim = (0..p.height())
        .find(|&i| pa[i].as_deref() == Some(a.0.as_str()) && pb[i].as_deref() == Some(b.0.as_str()))
        .map(
            |i| match exact[i].as_deref().and_then(|x| x.parse::<f64>().ok()) {
                Some(x) => format!("Jaccard {x:.2}"),
                None => format!("estimated Jaccard {:.2}", est[i]),
            },
        )
        .unwrap_or_default();
    let (ta, tb) = (mask_personal(&a.1), mask_personal(&b.1));
    let wa: Vec<&str> = ta.split_whitespace().collect();
    let wb: Vec<&str> = tb.split_whitespace().collect();
    let steps = diff::align(&wa, &wb);
    let hunks = diff::hunks(&steps, 8);
    let changed = steps
        .iter()
        .filter(|s| !matches!(s, diff::Step::Same(..)))
        .count();
    let _ = writeln!(
        md,
        "### A near-duplicate pair, side by side\n\nThe least similar near-duplicate pair ({sim}): {} ({} words of content) and {} ({} words). {} of their words differ; the passages where they differ, with 8 words of context, words only in the first ~~struck through~~, words only in the second in **bold**:\n",
        cell(&a.0, 60),
        count(wa.len() as u64),
        cell(&b.0, 60),
        count(wb.len() as u64),
        count(changed as u64)
    );
    if hunks.is_empty() {
        md.push_str("Their content lines are the same word for word: they differ only in boilerplate lines or in characters the normaliser folds (case, digits, punctuation).\n\n");
        return;
    }
    let _ = writeln!(md, "| {} | {} |\n|---|---|", cell(&a.0, 50), cell(&b.0, 50));
    let budget = 600;
    for h in hunks.iter().take(6) {
        let side = |first: bool| -> String {
            let mut out: Vec<String> = Vec::new();
            let mut run: Vec<String> = Vec::new();
            let mut chars = 0;
            let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
                if !run.is_empty() {
                    let mark = if first { "~~" } else { "**" };
                    out.push(format!("{mark}{}{mark}", run.join(" ")));
                    run.clear();
                }
            };
            if h.start > 0 {
                out.push("…".into());
            }
            for step in &steps[h.clone()] {
                let word = match (*step, first) {
                    (diff::Step::Same(i, _), true) | (diff::Step::Same(_, i), false) => {
                        flush(&mut run, &mut out);
                        Some((if first { wa[i] } else { wb[i] }, false))
                    }
                    (diff::Step::Del(i), true) => Some((wa[i], true)),
                    (diff::Step::Ins(j), false) => Some((wb[j], true)),
                    _ => None,
                };
                let Some((w, marked)) = word else { continue };
                if chars > budget {
                    continue;
                }
                let c = format::escape(w, 60);
                chars += c.chars().count() + 1;
                if marked {
                    run.push(c);
                } else {
                    out.push(c);
                }
            }
            flush(&mut run, &mut out);
            if chars > budget || h.end < steps.len() {
                out.push("…".into());
            }
            format::isolate(out.join(" "))
        };
        let _ = writeln!(md, "| {} | {} |", side(true), side(false));
    }
    if hunks.len() > 6 {
        let _ = writeln!(md, "\n{} more passages differ.", hunks.len() - 6);
    }
    md.push('\n');
}

/// Older audit folders have no examples table: compare the stored excerpts instead.
fn near_pair_from_excerpts(md: &mut String, t: &Tables) {
    let near = strs(&t.pairs, "relation")
        .iter()
        .filter(|r| r.as_deref() == Some("near"))
        .count();
    if near > 0 {
        let _ = writeln!(
            md,
            "{} near-duplicate pairs are listed in `pairs.parquet` with their similarities; re-run `chaff audit` to see one side by side here.\n",
            count(near as u64)
        );
    }
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
}

/// Per-origin view: one row per domain (or input file when there are no URLs).
fn section_origins(md: &mut String, charts: &mut Vec<(String, String)>, t: &Tables) {
    let d = &t.documents;
    let origin = origins(d);
    let has_domains = strs(d, "domain").iter().any(Option::is_some);
    let mut distinct: Vec<&str> = origin.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return;
    }
    let what = if has_domains { "domain" } else { "source file" };
    let status = strs(d, "status");
    let b = f64s(d, "bytes");
    let dup = bools(d, "is_duplicate");
    let bp = f64s(d, "boilerplate_char_frac");
    let lang = strs(d, "lang");
    #[derive(Default)]
    struct Row {
        docs: usize,
        bytes: f64,
        dups: usize,
        bp: f64,
        with_text: usize,
        langs: BTreeMap<String, usize>,
    }
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for i in 0..d.height() {
        let r = rows.entry(origin[i].as_str()).or_default();
        r.docs += 1;
        r.bytes += b[i];
        r.dups += dup[i] as usize;
        if has_text(status[i].as_deref()) {
            r.with_text += 1;
            r.bp += bp[i];
            *r.langs
                .entry(lang[i].clone().unwrap_or_default())
                .or_insert(0) += 1;
        }
    }
    let mut order: Vec<(&str, Row)> = rows.into_iter().collect();
    order.sort_by(|a, b| b.1.docs.cmp(&a.1.docs).then(a.0.cmp(b.0)));
    let examples = Examples::of(t);
    let _ = writeln!(
        md,
        "## Per {what}\n\n{} {what}s; the 20 with the most documents. Duplicate rate: documents that copy another (exactly or nearly) / documents. Boilerplate share: mean share of a document's line characters that are boilerplate. Top boilerplate line: the boilerplate line found in most of this {what}'s documents (documents in brackets).\n",
        count(distinct.len() as u64)
    );
    let shown: Vec<&(&str, Row)> = order.iter().take(20).collect();
    // With URLs known for some documents only, the others are grouped by file: say so.
    let domains: std::collections::HashSet<String> =
        strs(d, "domain").into_iter().flatten().collect();
    let shown_name = |o: &str| -> String {
        if has_domains && !domains.contains(o) {
            let file = o.rsplit('/').next().unwrap_or(o);
            format!("no URL: {file}")
        } else {
            o.to_string()
        }
    };
    let names: Vec<String> = shown.iter().map(|(o, _)| shown_name(o)).collect();
    let dup_rate: Vec<f64> = shown
        .iter()
        .map(|(_, r)| 100.0 * r.dups as f64 / r.docs.max(1) as f64)
        .collect();
    let bp_share: Vec<f64> = shown
        .iter()
        .map(|(_, r)| 100.0 * r.bp / r.with_text.max(1) as f64)
        .collect();
    embed(
        md,
        charts,
        "chart-domains.svg",
        &format!("Duplicate rate and boilerplate share per {what}, top 20 by documents"),
        charts::bars(
            &format!(
                "Duplicates and boilerplate per {what} (top {} by documents)",
                shown.len()
            ),
            "share (%)",
            what,
            &names,
            &[
                charts::Series {
                    name: "duplicate rate (% of documents)",
                    values: dup_rate.clone(),
                },
                charts::Series {
                    name: "boilerplate share (% of line characters)",
                    values: bp_share.clone(),
                },
            ],
            &|v| format!("{} %", charts::tick((v * 10.0).round() / 10.0)),
            None,
        ),
    );
    let _ = writeln!(
        md,
        "| {what} | documents | bytes | duplicate rate | boilerplate share | top boilerplate line | languages |\n|---|---:|---:|---:|---:|---|---|"
    );
    for (k, (o, r)) in shown.iter().enumerate() {
        let top_line = examples
            .find("domain_boilerplate", o)
            .map(|e| format!("{} ({})", text_cell(&e.1, 70), count(e.2 as u64)))
            .unwrap_or_default();
        let mut langs: Vec<(&String, &usize)> = r.langs.iter().collect();
        langs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let langs: Vec<String> = langs
            .iter()
            .take(3)
            .map(|(l, c)| format!("{} {}", l, pct(**c as f64 / r.with_text.max(1) as f64)))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&names[k], 50),
            count(r.docs as u64),
            bytes(r.bytes as u64),
            pct(dup_rate[k] / 100.0),
            pct(bp_share[k] / 100.0),
            top_line,
            langs.join(", ")
        );
    }
    md.push('\n');
}

fn section_languages(md: &mut String, charts: &mut Vec<(String, String)>, t: &Tables) {
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
    let lang = strs(&agg, "lang");
    let script = strs(&agg, "script");
    let docs = f64s(&agg, "docs");
    let chars = f64s(&agg, "chars");
    let shown = agg.height().min(15);
    if agg.height() > 1 {
        let names: Vec<String> = (0..shown)
            .map(|i| {
                format!(
                    "{} · {}",
                    lang[i].as_deref().unwrap_or(""),
                    script[i].as_deref().unwrap_or("")
                )
            })
            .collect();
        embed(
            md,
            charts,
            "chart-languages.svg",
            "Documents per language and script",
            charts::bars(
                "Languages: documents per language and script",
                "documents with text",
                "language · script",
                &names,
                &[charts::Series {
                    name: "documents",
                    values: docs[..shown].to_vec(),
                }],
                &charts::count_tick,
                None,
            ),
        );
    }
    md.push_str(
        "| language | script | documents | share | characters |\n|---|---|---:|---:|---:|\n",
    );
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

fn section_lengths(md: &mut String, charts: &mut Vec<(String, String)>, t: &Tables) {
    md.push_str("## Document length\n\nWords per document (normalised words; each Han/Kana character counts as a word), documents with text only.\n\n");
    let d = &t.documents;
    let words = f64s(d, "words");
    let status = strs(d, "status");
    let mut lens: Vec<f64> = words
        .iter()
        .zip(&status)
        .filter(|(w, s)| has_text(s.as_deref()) && **w >= 1.0)
        .map(|(w, _)| *w)
        .collect();
    if lens.is_empty() {
        md.push_str("No document has words.\n\n");
        return;
    }
    embed(
        md,
        charts,
        "chart-lengths.svg",
        "Document length distribution: documents per length bin, log scale",
        charts::log_histogram(
            "Document length (words per document, log scale)",
            "words per document (log scale, 4 bins per power of ten)",
            "documents",
            &lens,
        ),
    );
    lens.sort_by(f64::total_cmp);
    let q = |p: f64| lens[((lens.len() - 1) as f64 * p).round() as usize];
    let short = t.documents.column("content_words").ok().map(|_| {
        let cw = f64s(d, "content_words");
        let min = crate::clean::DEFAULT_MIN_WORDS as f64;
        (0..d.height())
            .filter(|&i| has_text(status[i].as_deref()) && cw[i] < min)
            .count()
    });
    let _ = write!(
        md,
        "Median {} words; 10th percentile {}; 90th percentile {}; longest {}.",
        q(0.5),
        q(0.1),
        q(0.9),
        lens[lens.len() - 1]
    );
    if let Some(short) = short {
        let _ = write!(
            md,
            " {} documents have fewer than {} content words once boilerplate is stripped.",
            count(short as u64),
            crate::clean::DEFAULT_MIN_WORDS
        );
    }
    md.push_str("\n\n");
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

fn section_repetition(md: &mut String, charts: &mut Vec<(String, String)>, t: &Tables) {
    md.push_str("## Repetition inside documents\n\nThe Gopher (MassiveText) repetition metrics, stored as raw fractions in `documents.parquet`; thresholds are the Gopher paper's (a document above any of them is one Gopher would drop). A repeated headline or a scraped page that loops its content shows up here.\n\n");
    let d = &t.documents;
    let status = strs(d, "status");
    let text_rows: Vec<usize> = (0..d.height())
        .filter(|&i| has_text(status[i].as_deref()))
        .collect();
    let n = d.height().max(1) as f64;
    let mut rows = String::from("| column | definition | Gopher threshold | documents above | mean |\n|---|---|---:|---:|---:|\n");
    let mut metrics = Vec::new();
    let mut values: Vec<Vec<f64>> = Vec::new();
    for (j, (name, threshold)) in GOPHER_THRESHOLDS.iter().enumerate() {
        let v = f64s(d, name);
        let threshold = *threshold as f64;
        let above = v.iter().filter(|&&x| x > threshold).count();
        let mean = v.iter().sum::<f64>() / n;
        let _ = writeln!(
            rows,
            "| `{}` | {} | {:.2} | {} | {} |",
            name,
            REPETITION_DEFINITIONS[j],
            threshold,
            count(above as u64),
            pct(mean)
        );
        let mut sorted: Vec<f64> = text_rows.iter().map(|&i| v[i]).collect();
        sorted.sort_by(f64::total_cmp);
        let q = |p: f64| {
            if sorted.is_empty() {
                0.0
            } else {
                sorted[((sorted.len() - 1) as f64 * p).round() as usize]
            }
        };
        metrics.push(charts::Metric {
            name: name.to_string(),
            threshold,
            p50: q(0.5),
            p90: q(0.9),
            max: sorted.last().copied().unwrap_or(0.0),
            above,
        });
        values.push(v);
    }
    if !text_rows.is_empty() {
        embed(
            md,
            charts,
            "chart-repetition.svg",
            "Repetition metrics against their Gopher thresholds",
            charts::thresholds(
                "Repetition metrics against their Gopher thresholds",
                &metrics,
            ),
        );
    }
    md.push_str(&rows);
    // Worst first: each metric relative to its threshold, capped at 5×, summed (as the audit ranks them).
    let mut score = vec![0.0f64; d.height()];
    let mut over: Vec<Vec<&str>> = vec![Vec::new(); d.height()];
    for ((name, threshold), v) in GOPHER_THRESHOLDS.iter().zip(&values) {
        for i in 0..d.height() {
            score[i] += (v[i] / *threshold as f64).min(5.0);
            if v[i] > *threshold as f64 {
                over[i].push(name);
            }
        }
    }
    let ids = strs(d, "doc_id");
    let excerpt = strs(d, "excerpt");
    let examples = Examples::of(t);
    let mut order: Vec<usize> = (0..d.height()).filter(|&i| score[i] > 0.0).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let above = over.iter().filter(|o| !o.is_empty()).count();
    let _ = writeln!(
        md,
        "\n{} above at least one threshold.\n",
        plural(above as u64, "document is", "documents are")
    );
    if order.is_empty() {
        md.push('\n');
        return;
    }
    md.push_str("The documents with the most repetition (each metric relative to its threshold, capped at 5×, summed) and what they repeat most — a line, or else the longest word n-gram that recurs:\n\n| document | above the threshold | repeated | times | begins |\n|---|---|---|---:|---|\n");
    for &i in order.iter().take(5) {
        let id = ids[i].clone().unwrap_or_default();
        let shown: Vec<String> = over[i].iter().take(4).map(|m| format!("`{m}`")).collect();
        let more = if over[i].len() > 4 {
            format!(" +{}", over[i].len() - 4)
        } else {
            String::new()
        };
        let (repeated, times) = match examples.find("repetition", &id) {
            // An n-gram is in normalised words (digits already 0): no personal data is left
            // to mask, and masking would mistake "000 000 000" for a phone number.
            Some(e) if e.3 != "line" => {
                (format!("{} ({})", cell(&e.1, 120), e.3), count(e.2 as u64))
            }
            Some(e) => (
                format!("{} ({})", text_cell(&e.1, 120), e.3),
                count(e.2 as u64),
            ),
            None => (String::new(), String::new()),
        };
        let _ = writeln!(
            md,
            "| {} | {}{} | {} | {} | {} |",
            cell(&id, 40),
            if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            },
            more,
            repeated,
            times,
            text_cell(excerpt[i].as_deref().unwrap_or(""), 80)
        );
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

fn section_parameters(md: &mut String, t: &Tables, s: &Summary) {
    let p = &s.dedup_params;
    let _ = writeln!(
        md,
        "## Parameters and files\n\n- Near duplicates: threshold {}, {} permutations, {}-word shingles ({}-character shingles for unspaced scripts), LSH {} × {}, verification `{}`, containment {}, keep `{}`.\n- Tables: `documents.parquet` (one row per record, input order), `clusters.parquet`, `pairs.parquet`, `boilerplate.parquet`{}{}; totals and timings in `summary.json`. Charts are the `chart-*.svg` files beside this report; `chaff report DIR --html` writes the same report as one self-contained `report.html`.\n",
        p.threshold, p.num_perm, p.ngram, p.char_ngram, s.bands, s.rows, p.verify, if p.containment > 0.0 { p.containment.to_string() } else { "off".into() }, p.keep,
        if t.entities.is_some() { ", `entities.parquet`, `document_entities.parquet`" } else { "" },
        if t.examples.is_some() { ", `examples.parquet` (the texts this report quotes)" } else { "" }
    );
}

fn section_entities(md: &mut String, charts: &mut Vec<(String, String)>, t: &Tables) {
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
    // The chart ranks by documents (the table below ranks by mentions).
    let mut top: Vec<usize> = (0..e.height())
        .filter(|&i| named(kind[i].as_deref().unwrap_or("")))
        .collect();
    top.sort_by(|&a, &b| docs[b].total_cmp(&docs[a]).then(a.cmp(&b)));
    top.truncate(15);
    embed(
        md,
        charts,
        "chart-entities.svg",
        "Top entities: documents mentioning each",
        charts::bars(
            "Top entities (names, organisations, places)",
            "documents mentioning the entity",
            "entity",
            &top.iter()
                .map(|&i| entity[i].clone().unwrap_or_default())
                .collect::<Vec<_>>(),
            &[charts::Series {
                name: "documents",
                values: top.iter().map(|&i| docs[i]).collect(),
            }],
            &charts::count_tick,
            None,
        ),
    );
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

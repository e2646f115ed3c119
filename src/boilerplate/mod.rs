//! Boilerplate: lines that are not the article, found two ways.
//!
//! 1. **Repeated lines** (the main signal): every non-empty line's normalised
//!    hash is counted across the corpus in Polars. A line is boilerplate when
//!    it recurs in enough *distinct texts* (exact copies of one article count
//!    once) and looks like a template line rather than reposted prose: short,
//!    or sitting at the top/bottom of the documents it appears in.
//! 2. **Marker rules** ([`rules`]): named patterns for what recurs with
//!    variations (`[ad_1]`, "Source link", photo credits, …).

mod literal_gate;
pub mod rules;
mod tail_gate;

use crate::analyse::DocScan;
use polars::prelude::*;
use std::collections::HashMap;

/// Thresholds of the repeated-line test; defaults measured on the shared corpora (see ARCHITECTURE.md).
#[derive(Clone, Debug)]
pub struct BoilerplateParams {
    /// A line must recur in at least this many distinct texts.
    pub min_docs: usize,
    /// Lines with at most this many words need only `min_docs`.
    pub short_words: usize,
    /// Longer lines also qualify when at least this share of their occurrences is at a document edge ...
    pub edge_share: f64,
    /// ... and they have at most this many words (a wire story's lead paragraph sits at the top too).
    pub edge_max_words: usize,
    /// Lines whose characters are at least this percentage digits are data (table rows, scores), never boilerplate.
    pub max_digit_pct: u8,
    /// Longer lines away from edges qualify only when they recur in this many distinct texts.
    pub long_min_docs: usize,
}

impl Default for BoilerplateParams {
    fn default() -> Self {
        BoilerplateParams {
            min_docs: 3,
            short_words: 12,
            edge_share: 0.8,
            edge_max_words: 25,
            max_digit_pct: 15,
            long_min_docs: 20,
        }
    }
}

/// The corpus-level verdict: which line hashes are boilerplate, and the table describing them.
pub struct RepeatedLines {
    /// Boilerplate line hash → row in `table`.
    pub index: HashMap<u64, usize>,
    /// One row per boilerplate line hash: hash, docs, texts, occurrences, origins, chars, words, edge_share, example_doc.
    pub table: DataFrame,
}

impl RepeatedLines {
    /// True when a line hash was judged boilerplate.
    pub fn contains(&self, hash: u64) -> bool {
        self.index.contains_key(&hash)
    }
}

/// Where a document came from for "distinct domains/sources" counts: its domain, else its file.
pub fn origin_of(doc: &DocScan) -> &str {
    match &doc.domain {
        Some(d) => d,
        None => doc
            .source
            .rsplit_once(':')
            .map(|(p, _)| p)
            .unwrap_or(&doc.source),
    }
}

/// Counts every line hash across the corpus and keeps the boilerplate ones.
pub fn find_repeated(docs: &[DocScan], params: &BoilerplateParams) -> PolarsResult<RepeatedLines> {
    let total_lines: usize = docs.iter().map(|d| d.line_keys.len()).sum();
    let mut hash = Vec::with_capacity(total_lines);
    let mut doc = Vec::with_capacity(total_lines);
    let mut text = Vec::with_capacity(total_lines);
    let mut origin = Vec::with_capacity(total_lines);
    let mut chars = Vec::with_capacity(total_lines);
    let mut words = Vec::with_capacity(total_lines);
    let mut edge = Vec::with_capacity(total_lines);
    let mut digits = Vec::with_capacity(total_lines);
    let mut origins: HashMap<&str, u32> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if d.line_keys.is_empty() {
            continue;
        }
        let next = origins.len() as u32;
        let o = *origins.entry(origin_of(d)).or_insert(next);
        // Exact copies of one text share its hash: they count as one text, so reposts don't look like templates.
        let text_id = if d.exact_hash == 0 {
            i as u64
        } else {
            d.exact_hash
        };
        // Lines a marker rule already claims get their own rows; counting them again would double them.
        // Lines starting in lower case continue a sentence (wrapped text): never templates.
        for k in d
            .line_keys
            .iter()
            .filter(|k| k.rule.is_none() && !k.starts_lower)
        {
            hash.push(k.hash);
            doc.push(i as u32);
            text.push(text_id);
            origin.push(o);
            chars.push(k.chars);
            words.push(k.words as u32);
            edge.push(k.at_edge);
            digits.push(k.digit_pct as u32);
        }
    }
    let n = hash.len();
    let df = DataFrame::new(
        n,
        vec![
            Column::new("hash".into(), hash),
            Column::new("doc".into(), doc),
            Column::new("text".into(), text),
            Column::new("origin".into(), origin),
            Column::new("chars".into(), chars),
            Column::new("words".into(), words),
            Column::new("edge".into(), edge),
            Column::new("digit_pct".into(), digits),
        ],
    )?;
    let table = df
        .lazy()
        .group_by([col("hash")])
        .agg([
            col("doc").n_unique().alias("docs"),
            col("text").n_unique().alias("texts"),
            len().alias("occurrences"),
            col("origin").n_unique().alias("origins"),
            col("chars").first().alias("chars"),
            col("words").first().alias("words"),
            col("digit_pct").first().alias("digit_pct"),
            col("edge")
                .cast(DataType::Float64)
                .mean()
                .alias("edge_share"),
            col("doc").min().alias("example_doc"),
        ])
        .filter(
            col("texts")
                .cast(DataType::Int64)
                .gt_eq(lit(params.min_docs as i64))
                .and(
                    col("digit_pct")
                        .cast(DataType::Int64)
                        .lt(lit(params.max_digit_pct as i64)),
                )
                .and(
                    col("words")
                        .cast(DataType::Int64)
                        .lt_eq(lit(params.short_words as i64))
                        .or(col("edge_share").gt_eq(lit(params.edge_share)).and(
                            col("words")
                                .cast(DataType::Int64)
                                .lt_eq(lit(params.edge_max_words as i64)),
                        ))
                        .or(col("texts")
                            .cast(DataType::Int64)
                            .gt_eq(lit(params.long_min_docs as i64))),
                ),
        )
        .sort(
            ["docs", "hash"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let hashes = table.column("hash")?.u64()?;
    let index = hashes
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.map(|h| (h, i)))
        .collect();
    Ok(RepeatedLines { index, table })
}

/// A document is a *template document* (an earnings table, a results list) when at least
/// this share of its lines are short lines with numbers: its rows recur because the form
/// is shared, not because they are site chrome.
pub const TEMPLATE_DOC_SHARE: f64 = 0.5;

/// Most words of a table row, for [`TEMPLATE_DOC_SHARE`].
pub const TABLE_ROW_WORDS: usize = 10;

/// Second look at the repeated lines once near-duplicate clusters are known.
///
/// The first count collapses only exact copies, so a short line shared by three
/// reposts of one story (different wrappers, small edits) still looks like a
/// template. Here each line must recur in `min_docs` distinct *clusters*, and a
/// line whose occurrences are mostly in template documents is dropped: both
/// measured on the shared corpora (scripts/boilerplate_analysis.py).
pub fn refine(
    docs: &[DocScan],
    repeated: RepeatedLines,
    representative: &[u32],
    params: &BoilerplateParams,
) -> PolarsResult<RepeatedLines> {
    if repeated.index.is_empty() {
        return Ok(repeated);
    }
    let mut hash = Vec::new();
    let mut cluster = Vec::new();
    let mut template = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        // Tabular: most lines are short and carry numbers (earnings tables, results, prices).
        let lines = d.line_keys.len();
        let tabular = d
            .line_keys
            .iter()
            .filter(|k| k.has_digit() && (k.words as usize) <= TABLE_ROW_WORDS)
            .count();
        let is_template = lines >= 3 && tabular as f64 >= TEMPLATE_DOC_SHARE * lines as f64;
        for k in d
            .line_keys
            .iter()
            .filter(|k| k.rule.is_none() && repeated.contains(k.hash))
        {
            hash.push(k.hash);
            cluster.push(representative[i]);
            template.push(is_template);
        }
    }
    let occurrences = DataFrame::new(
        hash.len(),
        vec![
            Column::new("hash".into(), hash),
            Column::new("cluster".into(), cluster),
            Column::new("template".into(), template),
        ],
    )?;
    let verdict = occurrences
        .lazy()
        .group_by([col("hash")])
        .agg([
            col("cluster").n_unique().alias("clusters"),
            col("template")
                .cast(DataType::Float64)
                .mean()
                .alias("template_share"),
        ])
        .filter(
            col("clusters")
                .cast(DataType::Int64)
                .gt_eq(lit(params.min_docs as i64))
                .and(col("template_share").lt(lit(0.5))),
        )
        .select([col("hash"), col("clusters")]);
    let table = repeated
        .table
        .lazy()
        .join(
            verdict,
            [col("hash")],
            [col("hash")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(
            ["docs", "hash"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let index = table
        .column("hash")?
        .u64()?
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.map(|h| (h, i)))
        .collect();
    Ok(RepeatedLines { index, table })
}

/// Distinct lines listed per marker rule in `boilerplate.parquet`; the rest share one "other lines" row.
pub const MARKER_LINES_PER_RULE: usize = 20;

/// Lines matched by marker rules, counted per (rule, line) in Polars.
///
/// Columns: rule (u32), hash (u64; 0 for a rule's "other lines" row), docs, occurrences,
/// origins, chars (all matched characters), example_doc, other_lines (distinct lines folded into the row).
pub fn marker_lines(docs: &[DocScan]) -> PolarsResult<DataFrame> {
    let mut rule = Vec::new();
    let mut hash = Vec::new();
    let mut doc = Vec::new();
    let mut origin = Vec::new();
    let mut chars = Vec::new();
    let mut origins: HashMap<&str, u32> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        // Only documents with a marker line need their origin (most have none, and the
        // dedup path keeps no line keys at all): 6-8 ms of hashing on syn50k otherwise.
        let mut o = None;
        for k in &d.line_keys {
            if let Some(r) = k.rule {
                let o = *o.get_or_insert_with(|| {
                    let next = origins.len() as u32;
                    *origins.entry(origin_of(d)).or_insert(next)
                });
                rule.push(r as u32);
                hash.push(k.hash);
                doc.push(i as u32);
                origin.push(o);
                chars.push(k.chars as u64);
            }
        }
    }
    let occ = DataFrame::new(
        rule.len(),
        vec![
            Column::new("rule".into(), rule),
            Column::new("hash".into(), hash),
            Column::new("doc".into(), doc),
            Column::new("origin".into(), origin),
            Column::new("chars".into(), chars),
        ],
    )?;
    let aggs = || {
        [
            col("doc").n_unique().alias("docs"),
            len().alias("occurrences"),
            col("origin").n_unique().alias("origins"),
            col("chars").sum().alias("chars"),
            col("doc").min().alias("example_doc"),
        ]
    };
    let per_line = occ
        .clone()
        .lazy()
        .group_by([col("rule"), col("hash")])
        .agg(aggs())
        .sort(
            ["rule", "docs", "hash"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .collect()?;
    // The first MARKER_LINES_PER_RULE lines of each rule are listed; the rest are folded.
    let rules = per_line.column("rule")?.u32()?;
    let mut listed = Vec::with_capacity(per_line.height());
    let mut seen = 0usize;
    let mut current = None;
    for r in rules.iter() {
        if r != current {
            current = r;
            seen = 0;
        }
        seen += 1;
        listed.push(seen <= MARKER_LINES_PER_RULE);
    }
    let mut per_line = per_line;
    per_line.with_column(Column::new("listed".into(), listed))?;
    let top = per_line
        .clone()
        .lazy()
        .filter(col("listed"))
        .with_column(lit(1u32).alias("other_lines"));
    let folded = occ
        .lazy()
        .join(
            per_line
                .clone()
                .lazy()
                .select([col("rule"), col("hash"), col("listed")]),
            [col("rule"), col("hash")],
            [col("rule"), col("hash")],
            JoinArgs::new(JoinType::Left),
        )
        .filter(col("listed").not())
        .group_by([col("rule")])
        .agg({
            let mut a = aggs().to_vec();
            a.push(col("hash").n_unique().alias("other_lines"));
            a
        })
        .with_column(lit(0u64).alias("hash"))
        .with_column(lit(false).alias("listed"));
    let columns = [
        col("rule"),
        col("hash").cast(DataType::UInt64),
        col("docs").cast(DataType::UInt64),
        col("occurrences").cast(DataType::UInt64),
        col("origins").cast(DataType::UInt64),
        col("chars").cast(DataType::UInt64),
        col("example_doc"),
        col("other_lines").cast(DataType::UInt64),
    ];
    concat(
        [top.select(columns.clone()), folded.select(columns)],
        UnionArgs::default(),
    )?
    .sort(
        ["rule", "docs", "hash"],
        SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
    )
    .collect()
}

/// Which of a document's non-empty lines are boilerplate (repeated line or marker rule).
pub fn line_mask(doc: &DocScan, repeated: &RepeatedLines) -> Vec<bool> {
    if doc.line_keys.is_empty() {
        // A compacted scan knows its marker-rule lines only (and no line repeats then).
        let mut mask = vec![false; doc.lines as usize];
        for &i in &doc.rule_lines {
            if let Some(m) = mask.get_mut(i as usize) {
                *m = true;
            }
        }
        return mask;
    }
    doc.line_keys
        .iter()
        .map(|k| k.rule.is_some() || repeated.contains(k.hash))
        .collect()
}

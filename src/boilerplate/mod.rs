//! Boilerplate: lines that are not the article, found two ways.
//!
//! 1. **Repeated lines** (the main signal): every non-empty line's normalised
//!    hash is counted across the corpus in Polars. A line is boilerplate when
//!    it recurs in enough *distinct texts* (exact copies of one article count
//!    once) and looks like a template line rather than reposted prose: short,
//!    or sitting at the top/bottom of the documents it appears in.
//! 2. **Marker rules** ([`rules`]): named patterns for what recurs with
//!    variations (`[ad_1]`, "Source link", photo credits, …).

pub mod rules;

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
    /// Longer lines also qualify when at least this share of their occurrences is at a document edge.
    pub edge_share: f64,
    /// Longer lines away from edges qualify only when they recur in this many distinct texts.
    pub long_min_docs: usize,
}

impl Default for BoilerplateParams {
    fn default() -> Self {
        BoilerplateParams {
            min_docs: 3,
            short_words: 12,
            edge_share: 0.8,
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
        for k in d.line_keys.iter().filter(|k| k.rule.is_none()) {
            hash.push(k.hash);
            doc.push(i as u32);
            text.push(text_id);
            origin.push(o);
            chars.push(k.chars);
            words.push(k.words as u32);
            edge.push(k.at_edge);
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
                    col("words")
                        .cast(DataType::Int64)
                        .lt_eq(lit(params.short_words as i64))
                        .or(col("edge_share").gt_eq(lit(params.edge_share)))
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

/// Which of a document's non-empty lines are boilerplate (repeated line or marker rule).
pub fn line_mask(doc: &DocScan, repeated: &RepeatedLines) -> Vec<bool> {
    doc.line_keys
        .iter()
        .map(|k| k.rule.is_some() || repeated.contains(k.hash))
        .collect()
}

//! "Changes since the baseline": what moved between two audits of a corpus (before and
//! after cleaning, or this month's crawl against last month's), from both folders' tables.

use super::format::{bytes, cell, count, pct, text_cell};
use super::{charts, embed, f64s, facts, has_text, strs, Baseline, Facts, Tables};
use crate::summary::Summary;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Numbers compared for one audit.
struct Side {
    f: Facts,
    s: Summary,
    median_words: f64,
    dup_rate: f64,
    repetitive_rate: f64,
}

fn side(t: &Tables, s: &Summary) -> Side {
    let f = facts(t);
    let d = &t.documents;
    let status = strs(d, "status");
    let words = f64s(d, "words");
    let mut w: Vec<f64> = (0..d.height())
        .filter(|&i| has_text(status[i].as_deref()))
        .map(|i| words[i])
        .collect();
    w.sort_by(f64::total_cmp);
    let median_words = if w.is_empty() {
        0.0
    } else {
        w[(w.len() - 1) / 2]
    };
    let n = f.n.max(1) as f64;
    Side {
        dup_rate: f.dups as f64 / n,
        repetitive_rate: f.repetitive as f64 / n,
        median_words,
        f,
        s: s.clone(),
    }
}

fn signed_count(d: i64) -> String {
    match d.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", count(d as u64)),
        std::cmp::Ordering::Less => format!("−{}", count(d.unsigned_abs())),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

/// A relative change with a typographic minus, like the other change columns: "+12.5 %", "−74.6 %".
fn percent_change(d: f64) -> String {
    let p = d * 100.0;
    if p < 0.0 {
        format!("−{:.1} %", -p)
    } else {
        format!("+{p:.1} %")
    }
}

fn points(d: f64) -> String {
    let p = d * 100.0;
    if p.abs() < 0.05 {
        "0 pt".into()
    } else if p > 0.0 {
        format!("+{p:.1} pt")
    } else {
        format!("−{:.1} pt", -p)
    }
}

/// Appends the comparison section (and its chart).
pub fn section(
    md: &mut String,
    charts: &mut Vec<(String, String)>,
    t: &Tables,
    s: &Summary,
    b: &Baseline,
) {
    let old = side(b.tables, b.summary);
    let new = side(t, s);
    let _ = writeln!(
        md,
        "## Changes since the baseline\n\nThis audit compared with the baseline audit in {} ({}: {} records, chaff {}). Shares are of each audit's own records; changes in shares are in percentage points (pt).\n",
        cell(&b.label, 100),
        cell(&b.summary.inputs.join(", "), 100),
        count(old.f.n as u64),
        cell(&b.summary.chaff_version, 20)
    );
    md.push_str("| measure | baseline | this audit | change |\n|---|---:|---:|---:|\n");
    let row_count = |md: &mut String, what: &str, a: u64, b: u64| {
        let _ = writeln!(
            md,
            "| {what} | {} | {} | {} |",
            count(a),
            count(b),
            signed_count(b as i64 - a as i64)
        );
    };
    let row_share = |md: &mut String, what: &str, a: f64, b: f64| {
        let _ = writeln!(
            md,
            "| {what} | {} | {} | {} |",
            pct(a),
            pct(b),
            points(b - a)
        );
    };
    row_count(md, "records", old.f.n as u64, new.f.n as u64);
    row_count(
        md,
        "records with text",
        old.f.with_text as u64,
        new.f.with_text as u64,
    );
    let _ = writeln!(
        md,
        "| input size | {} | {} | {} |",
        bytes(old.s.input_bytes),
        bytes(new.s.input_bytes),
        if old.s.input_bytes == 0 {
            String::new()
        } else {
            percent_change(new.s.input_bytes as f64 / old.s.input_bytes as f64 - 1.0)
        }
    );
    row_count(
        md,
        "records with a problem",
        old.f.problems as u64,
        new.f.problems as u64,
    );
    row_share(
        md,
        "duplicate rate (exact + near)",
        old.dup_rate,
        new.dup_rate,
    );
    row_count(
        md,
        "exact duplicates",
        old.f.exact as u64,
        new.f.exact as u64,
    );
    row_count(md, "near duplicates", old.f.near as u64, new.f.near as u64);
    row_count(md, "clusters", old.s.clusters as u64, new.s.clusters as u64);
    row_share(
        md,
        "boilerplate share of line characters",
        old.s.boilerplate_char_share,
        new.s.boilerplate_char_share,
    );
    row_count(
        md,
        "boilerplate lines",
        old.s.boilerplate_lines,
        new.s.boilerplate_lines,
    );
    row_share(
        md,
        "documents above a repetition threshold",
        old.repetitive_rate,
        new.repetitive_rate,
    );
    let _ = writeln!(
        md,
        "| median words per document | {} | {} | {} |",
        old.median_words,
        new.median_words,
        signed_count(new.median_words as i64 - old.median_words as i64)
    );
    let (kept_old, kept_new) = (
        old.s
            .clean_preview
            .as_ref()
            .map(|p| p.kept_documents as f64 / old.f.n.max(1) as f64),
        new.s
            .clean_preview
            .as_ref()
            .map(|p| p.kept_documents as f64 / new.f.n.max(1) as f64),
    );
    if let (Some(a), Some(b)) = (kept_old, kept_new) {
        row_share(md, "records `chaff clean` would keep", a, b);
    }
    md.push('\n');
    let mut names = vec![
        "duplicate rate".to_string(),
        "boilerplate share".to_string(),
        "above a repetition threshold".to_string(),
    ];
    let mut before = vec![
        old.dup_rate,
        old.s.boilerplate_char_share,
        old.repetitive_rate,
    ];
    let mut after = vec![
        new.dup_rate,
        new.s.boilerplate_char_share,
        new.repetitive_rate,
    ];
    if let (Some(a), Some(b)) = (kept_old, kept_new) {
        names.push("kept by chaff clean".into());
        before.push(a);
        after.push(b);
    }
    embed(
        md,
        charts,
        "chart-baseline.svg",
        "Key shares, baseline against this audit",
        charts::bars(
            "Baseline against this audit",
            "share of the audit's records or line characters (%)",
            "measure",
            &names,
            &[
                charts::Series {
                    name: "baseline",
                    values: before.iter().map(|v| v * 100.0).collect(),
                },
                charts::Series {
                    name: "this audit",
                    values: after.iter().map(|v| v * 100.0).collect(),
                },
            ],
            &|v| format!("{} %", charts::tick((v * 10.0).round() / 10.0)),
            None,
        ),
    );
    languages(md, &old, &new);
    boilerplate_lines(md, b.tables, t);
    entities(md, b.tables, t);
}

fn languages(md: &mut String, old: &Side, new: &Side) {
    let mut langs: Vec<&String> = old
        .s
        .languages
        .keys()
        .chain(new.s.languages.keys())
        .collect();
    langs.sort();
    langs.dedup();
    let share = |side: &Side, l: &str| {
        side.s.languages.get(l).copied().unwrap_or(0) as f64 / side.f.with_text.max(1) as f64
    };
    langs.sort_by(|a, b| {
        let ka = share(old, a).max(share(new, a));
        let kb = share(old, b).max(share(new, b));
        kb.total_cmp(&ka).then(a.cmp(b))
    });
    md.push_str("Languages (share of the documents with text):\n\n| language | baseline | this audit | change |\n|---|---:|---:|---:|\n");
    for l in langs.iter().take(10) {
        let (a, b) = (share(old, l), share(new, l));
        let _ = writeln!(
            md,
            "| {} | {} ({}) | {} ({}) | {} |",
            cell(l, 12),
            count(old.s.languages.get(*l).copied().unwrap_or(0) as u64),
            pct(a),
            count(new.s.languages.get(*l).copied().unwrap_or(0) as u64),
            pct(b),
            points(b - a)
        );
    }
    md.push('\n');
}

/// Boilerplate lines (by normalised text) with their document counts, most widespread first.
fn bp_lines(t: &Tables) -> Vec<(String, String, f64)> {
    let Some(b) = &t.boilerplate else {
        return Vec::new();
    };
    let text = strs(b, "text");
    let example = strs(b, "example");
    let docs = f64s(b, "docs");
    let mut rows: Vec<(String, String, f64)> = (0..b.height())
        .filter_map(|i| {
            let k = text[i].clone().unwrap_or_default();
            (!k.is_empty()).then(|| (k, example[i].clone().unwrap_or_default(), docs[i]))
        })
        .collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    rows
}

fn boilerplate_lines(md: &mut String, old: &Tables, new: &Tables) {
    if old.boilerplate.is_none() || new.boilerplate.is_none() {
        return;
    }
    let (a, b) = (bp_lines(old), bp_lines(new));
    let in_a: HashMap<&str, f64> = a.iter().map(|r| (r.0.as_str(), r.2)).collect();
    let in_b: HashMap<&str, f64> = b.iter().map(|r| (r.0.as_str(), r.2)).collect();
    let appeared: Vec<&(String, String, f64)> = b
        .iter()
        .filter(|r| !in_a.contains_key(r.0.as_str()))
        .take(10)
        .collect();
    let gone: Vec<&(String, String, f64)> = a
        .iter()
        .filter(|r| !in_b.contains_key(r.0.as_str()))
        .take(10)
        .collect();
    let _ = writeln!(
        md,
        "Boilerplate lines (compared by their normalised text): {} new in this audit, {} of the baseline's gone. The most widespread of each:\n",
        count(b.iter().filter(|r| !in_a.contains_key(r.0.as_str())).count() as u64),
        count(a.iter().filter(|r| !in_b.contains_key(r.0.as_str())).count() as u64)
    );
    if appeared.is_empty() && gone.is_empty() {
        md.push_str("The same boilerplate lines were found in both.\n\n");
        return;
    }
    md.push_str("| | line (example) | documents |\n|---|---|---:|\n");
    for r in &appeared {
        let _ = writeln!(
            md,
            "| new | {} | {} |",
            text_cell(&r.1, 90),
            count(r.2 as u64)
        );
    }
    for r in &gone {
        let _ = writeln!(
            md,
            "| gone | {} | {} |",
            text_cell(&r.1, 90),
            count(r.2 as u64)
        );
    }
    md.push('\n');
}

/// Named entities in rank order: (entity, kind) → (rank, documents).
fn ranks(t: &Tables) -> Vec<(String, String, f64)> {
    let Some(e) = &t.entities else {
        return Vec::new();
    };
    let kind = strs(e, "kind");
    let entity = strs(e, "entity");
    let docs = f64s(e, "docs");
    (0..e.height())
        .filter(|&i| !super::PATTERN_KINDS.contains(&kind[i].as_deref().unwrap_or("")))
        .map(|i| {
            (
                entity[i].clone().unwrap_or_default(),
                kind[i].clone().unwrap_or_default(),
                docs[i],
            )
        })
        .collect()
}

fn entities(md: &mut String, old: &Tables, new: &Tables) {
    let (a, b) = (ranks(old), ranks(new));
    if a.is_empty() && b.is_empty() {
        return;
    }
    let pos_a: HashMap<(&str, &str), (usize, f64)> = a
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.0.as_str(), r.1.as_str()), (i + 1, r.2)))
        .collect();
    md.push_str("Top entities now and where they ranked in the baseline (ranked by mentions; share: records mentioning them):\n\n| entity | kind | rank | baseline rank | share | baseline share |\n|---|---|---:|---:|---:|---:|\n");
    let (na, nb) = (
        old.documents.height().max(1) as f64,
        new.documents.height().max(1) as f64,
    );
    for (i, r) in b.iter().take(15).enumerate() {
        let was = pos_a.get(&(r.0.as_str(), r.1.as_str()));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&r.0, 50),
            cell(&r.1, 20),
            i + 1,
            was.map(|w| w.0.to_string()).unwrap_or_else(|| "new".into()),
            pct(r.2 / nb),
            was.map(|w| pct(w.1 / na)).unwrap_or_else(|| "0 %".into())
        );
    }
    let now_top: Vec<(&str, &str)> = b
        .iter()
        .take(15)
        .map(|r| (r.0.as_str(), r.1.as_str()))
        .collect();
    let dropped: Vec<String> = a
        .iter()
        .take(15)
        .filter(|r| !now_top.contains(&(r.0.as_str(), r.1.as_str())))
        .map(|r| cell(&r.0, 40))
        .collect();
    if !dropped.is_empty() {
        let _ = writeln!(md, "\nLeft the top 15: {}.", dropped.join(", "));
    }
    md.push('\n');
}

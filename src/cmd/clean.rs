//! `chaff clean`: a training-ready copy of the corpus, and an account of every record removed.
//!
//! Usage: `chaff clean <INPUT>... -o OUT` where OUT's extension picks the format
//! (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`, `.parquet`) or, without one, names a folder of
//! shards. Writes `removed.parquet` (one row per dropped record) and `clean_report.md` +
//! `clean_summary.json` beside the output. Kept + removed = input, always.

use super::{check_output, finish_status, output_err, EXIT_USAGE};
use crate::clean::output::{OutFormat, Output, ShardLimit, Target};
use crate::clean::write::{write_kept, WriteOptions};
use crate::clean::{decide, Policy, Removal, Tally, DEFAULT_MIN_WORDS};
use crate::cli::{CommonArgs, DedupArgs, InputArgs};
use crate::frames;
use crate::load::Loader;
use crate::pipeline::{self, Corpus};
use crate::report::format::{cell, text_cell};
use crate::sink::{prepare_dir, write_bytes, write_parquet};
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Arguments of `chaff clean`.
#[derive(Args, Debug)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output: a `.jsonl`, `.jsonl.gz`, `.jsonl.zst` or `.parquet` file, or a folder of shards.
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// Start a new shard after this many records (`100000`) or bytes of JSON (`256MB`, `1GiB`);
    /// OUT is then a folder of `part-00000.<ext>` files.
    #[arg(long)]
    pub shard_size: Option<ShardLimit>,
    /// Format of the shards when OUT is a folder.
    #[arg(long, value_enum, default_value = "jsonl.zst")]
    pub shard_format: OutFormat,
    #[command(flatten)]
    pub dedup: DedupArgs,
    /// Keep exact and near duplicates (default: keep only each cluster's representative).
    #[arg(long)]
    pub keep_duplicates: bool,
    /// Keep boilerplate lines in the text (default: strip them).
    #[arg(long)]
    pub keep_boilerplate: bool,
    /// Drop documents with fewer content words than this after stripping (0 = keep all).
    #[arg(long, default_value_t = DEFAULT_MIN_WORDS)]
    pub min_words: u32,
    /// Drop documents above any Gopher repetition threshold (duplicate lines, paragraphs, n-grams).
    #[arg(long)]
    pub gopher: bool,
    /// Drop documents whose boilerplate share of characters is above this fraction.
    #[arg(long)]
    pub max_boilerplate_frac: Option<f64>,
    /// Keep only these languages (ISO 639-1 codes, comma-separated: `ar,en`).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Remove 3-paragraph spans already seen in an earlier kept document (C4-style).
    #[arg(long)]
    pub repeated_spans: bool,
    /// Add chaff's per-document columns (`chaff_lang`, `chaff_content_words`, ...) to each record.
    #[arg(long)]
    pub add_stats: bool,
    /// Print what would be removed, by reason with examples, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A line must recur in at least this many distinct texts to be boilerplate.
    #[arg(long, default_value_t = crate::boilerplate::BoilerplateParams::default().min_docs)]
    pub boilerplate_min_docs: usize,
    /// TOML file with extra boilerplate rules.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl CleanArgs {
    fn policy(&self) -> anyhow::Result<Policy> {
        if let Some(f) = self.max_boilerplate_frac {
            anyhow::ensure!(
                (0.0..=1.0).contains(&f),
                "--max-boilerplate-frac must be in [0, 1]"
            );
        }
        Ok(Policy {
            drop_duplicates: !self.keep_duplicates,
            strip_boilerplate: !self.keep_boilerplate,
            min_words: self.min_words,
            gopher_repetition: self.gopher,
            max_boilerplate_frac: self.max_boilerplate_frac,
            languages: self
                .lang
                .iter()
                .map(|l| l.trim().to_lowercase())
                .filter(|l| !l.is_empty())
                .collect(),
            repeated_spans: self.repeated_spans,
        })
    }
}

/// Examples listed per reason in the dry run and the clean report.
const EXAMPLES_PER_REASON: usize = 3;

/// Runs `chaff clean`; returns the exit status.
pub fn run(args: CleanArgs) -> anyhow::Result<u8> {
    let policy = args.policy()?;
    let target = Target::from_output(&args.output, args.shard_size, args.shard_format)?;
    check_output(&args.output, &args.input.inputs)?;
    let side = target.side_dir();
    check_output(&side.join("removed.parquet"), &args.input.inputs)?;

    let mut settings = super::audit::settings(
        &args.input,
        &args.dedup,
        args.rules.as_deref(),
        args.boilerplate_min_docs,
        args.common.quiet,
        !policy.languages.is_empty() || args.add_stats,
    )?;
    settings.stats = policy.gopher_repetition || args.add_stats;
    let mut loader = Loader::new(&settings.inputs, settings.load.clone())?;
    let corpus = pipeline::run_with(&loader, &settings)?;
    if !corpus.docs.iter().any(|d| d.status.has_text()) {
        if !args.common.quiet {
            eprintln!("chaff: no readable document with text in the input");
        }
        return Ok(EXIT_USAGE);
    }
    let mut verdicts = decide(&corpus, &policy);

    if args.dry_run {
        let tally = Tally::of(&corpus, &policy, &verdicts);
        print!("{}", dry_run_text(&corpus, &verdicts, &tally));
        return Ok(finish_status(&corpus, args.input.strict, args.common.quiet));
    }

    if let Target::Shards { dir, .. } = &target {
        prepare_dir(dir).map_err(|e| output_err(dir, e))?;
    } else {
        prepare_dir(&side).map_err(|e| output_err(&side, e))?;
    }
    let mut out = Output::create(target.clone()).map_err(|e| output_err(&args.output, e))?;
    loader.keep_raw(true);
    let opts = WriteOptions {
        policy: &policy,
        text_field: &args.input.text_field,
        add_stats: args.add_stats,
        quiet: args.common.quiet,
    };
    write_kept(&loader, &corpus, &mut verdicts, &opts, &mut out)
        .map_err(|e| output_err(&args.output, e))?;
    let files = out.finish().map_err(|e| output_err(&args.output, e))?;
    if let Target::Shards { dir, format, .. } = &target {
        remove_old_shards(dir, *format, &files);
    }

    let tally = Tally::of(&corpus, &policy, &verdicts);
    let kept = verdicts.iter().filter(|v| v.is_none()).count();
    anyhow::ensure!(
        kept + tally.removed_documents() == corpus.docs.len(),
        "internal error: {kept} kept + {} removed != {} input records",
        tally.removed_documents(),
        corpus.docs.len()
    );
    let mut removed = frames::removed(&corpus, &verdicts)?;
    let path = side.join("removed.parquet");
    write_parquet(&path, &mut removed).map_err(|e| output_err(&path, e))?;

    let output_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let summary = CleanSummary {
        chaff_version: env!("CARGO_PKG_VERSION").to_string(),
        inputs: args
            .input
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        input_documents: corpus.docs.len(),
        input_bytes: corpus.input_bytes,
        outputs: files.iter().map(|f| file_name(f)).collect(),
        output_bytes,
        policy: policy.clone(),
        tally,
    };
    let path = side.join("clean_summary.json");
    write_bytes(&path, &serde_json::to_vec_pretty(&summary)?).map_err(|e| output_err(&path, e))?;
    let md = clean_report(&corpus, &verdicts, &summary);
    let path = side.join("clean_report.md");
    write_bytes(&path, md.as_bytes()).map_err(|e| output_err(&path, e))?;
    if !args.common.quiet {
        eprintln!(
            "chaff: kept {} of {} records ({} removed: {}); wrote {} and {}",
            summary.tally.kept_documents,
            summary.input_documents,
            summary.tally.removed_documents(),
            reasons_line(&summary.tally),
            args.output.display(),
            side.join("removed.parquet").display()
        );
    }
    Ok(finish_status(&corpus, args.input.strict, args.common.quiet))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Shards from an earlier, larger run would otherwise mix into this run's dataset.
fn remove_old_shards(dir: &Path, format: OutFormat, written: &[PathBuf]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let suffix = format!(".{}", format.extension());
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with("part-") && name.ends_with(&suffix);
        if ours && !written.iter().any(|w| w == &e.path()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// `clean_summary.json`.
#[derive(Serialize)]
struct CleanSummary {
    chaff_version: String,
    inputs: Vec<String>,
    input_documents: usize,
    input_bytes: u64,
    outputs: Vec<String>,
    output_bytes: u64,
    policy: Policy,
    tally: Tally,
}

fn reasons_line(tally: &Tally) -> String {
    if tally.removed.is_empty() {
        return "nothing".into();
    }
    tally
        .removed
        .iter()
        .map(|(r, t)| format!("{r} {}", t.documents))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Up to [`EXAMPLES_PER_REASON`] removed records per reason, in input order.
fn examples(verdicts: &[Option<Removal>]) -> BTreeMap<String, Vec<usize>> {
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, v) in verdicts.iter().enumerate() {
        if let Some(r) = v {
            let list = out.entry(r.reason.name()).or_default();
            if list.len() < EXAMPLES_PER_REASON {
                list.push(i);
            }
        }
    }
    out
}

fn example_line(corpus: &Corpus, i: usize, removal: &Removal) -> String {
    let doc = &corpus.docs[i];
    let mut line = format!(
        "{} ({})",
        text_cell(&corpus.doc_ids[i], 80),
        cell(&doc.source, 120)
    );
    let rep = corpus.dedup.representative[i] as usize;
    if rep != i {
        let _ = write!(line, " duplicates {}", text_cell(&corpus.doc_ids[rep], 80));
    }
    if let Some(v) = removal.value {
        let _ = write!(line, ", value {}", round(v));
    }
    if let Some(e) = &doc.error {
        let _ = write!(line, ": {}", text_cell(e, 120));
    } else if !corpus.content[i].excerpt.is_empty() {
        let _ = write!(line, ": “{}”", text_cell(&corpus.content[i].excerpt, 100));
    }
    line
}

fn round(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

fn dry_run_text(corpus: &Corpus, verdicts: &[Option<Removal>], tally: &Tally) -> String {
    let mut s = String::new();
    let n = corpus.docs.len();
    let _ = writeln!(
        s,
        "dry run: {} of {n} records would be kept ({} bytes of input); {} removed",
        tally.kept_documents,
        tally.kept_bytes,
        tally.removed_documents()
    );
    let ex = examples(verdicts);
    for (reason, t) in &tally.removed {
        let _ = writeln!(s, "  {reason}: {} records, {} bytes", t.documents, t.bytes);
        for &i in ex.get(reason).into_iter().flatten() {
            if let Some(r) = &verdicts[i] {
                let _ = writeln!(s, "    e.g. {}", example_line(corpus, i, r));
            }
        }
    }
    let _ = writeln!(
        s,
        "  boilerplate stripped from kept records: {} characters",
        tally.stripped_chars
    );
    s
}

fn clean_report(corpus: &Corpus, verdicts: &[Option<Removal>], summary: &CleanSummary) -> String {
    let t = &summary.tally;
    let n = summary.input_documents.max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(s, "# chaff clean\n");
    let _ = writeln!(
        s,
        "Input: {} ({} records, {} bytes). Kept **{}** records ({:.1} %), removed **{}**. \
         The cleaned dataset is {} bytes in {} file(s): {}.\n",
        summary.inputs.join(", "),
        summary.input_documents,
        summary.input_bytes,
        t.kept_documents,
        100.0 * t.kept_documents as f64 / n,
        t.removed_documents(),
        summary.output_bytes,
        summary.outputs.len(),
        summary
            .outputs
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let removed_bytes: u64 = t.removed.values().map(|r| r.bytes).sum();
    let _ = writeln!(
        s,
        "Removed records held {removed_bytes} bytes of input; {} characters of boilerplate were stripped from the kept ones.\n",
        t.stripped_chars
    );
    let _ = writeln!(s, "| reason | records | share | input bytes |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for (reason, r) in &t.removed {
        let _ = writeln!(
            s,
            "| {reason} | {} | {:.1} % | {} |",
            r.documents,
            100.0 * r.documents as f64 / n,
            r.bytes
        );
    }
    let _ = writeln!(
        s,
        "| **kept** | {} | {:.1} % | {} |\n",
        t.kept_documents,
        100.0 * t.kept_documents as f64 / n,
        t.kept_bytes
    );
    let _ = writeln!(s, "## Examples\n");
    for (reason, list) in examples(verdicts) {
        let _ = writeln!(s, "**{reason}**\n");
        for i in list {
            if let Some(r) = &verdicts[i] {
                let _ = writeln!(s, "- {}", example_line(corpus, i, r));
            }
        }
        s.push('\n');
    }
    let p = &summary.policy;
    let _ = writeln!(s, "## Settings\n");
    let _ = writeln!(
        s,
        "drop duplicates: {}; strip boilerplate: {}; min words: {}; Gopher repetition: {}; \
         max boilerplate share: {}; languages: {}; repeated spans: {}. \
         Every removed record is a row of `removed.parquet` (doc_id, source, reason, duplicate_of, similarity, value).",
        p.drop_duplicates,
        p.strip_boilerplate,
        p.min_words,
        p.gopher_repetition,
        p.max_boilerplate_frac
            .map_or("off".to_string(), |f| f.to_string()),
        if p.languages.is_empty() {
            "all".to_string()
        } else {
            p.languages.join(", ")
        },
        p.repeated_spans
    );
    s
}

//! `chaff dedup`: the fast path — only what near-duplicate detection needs.
//!
//! Usage: `chaff dedup <INPUT>... -o DIR`. Writes `documents.parquet` (ids,
//! sources, statuses and cluster columns), `clusters.parquet` and
//! `pairs.parquet`. Boilerplate lines are still stripped before shingling
//! (reposts in different site templates must match); language ID, report and
//! boilerplate table are skipped.

use super::{check_output, finish_status, output_err};
use crate::cli::{CommonArgs, DedupArgs, InputArgs};
use crate::pipeline;
use crate::sink::{prepare_dir, write_parquet};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `chaff dedup`.
#[derive(Args, Debug)]
pub struct DedupCmdArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder.
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    #[command(flatten)]
    pub dedup: DedupArgs,
    /// A line must recur in at least this many distinct texts to be boilerplate.
    #[arg(long, default_value_t = crate::boilerplate::BoilerplateParams::default().min_docs)]
    pub boilerplate_min_docs: usize,
    /// TOML file with extra boilerplate rules.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Also strip lines repeated across the corpus before shingling (a second read of the
    /// input); by default only the marker rules strip boilerplate, in a single read.
    #[arg(long)]
    pub corpus_boilerplate: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Columns of documents.parquet that `chaff dedup` writes.
const DEDUP_COLUMNS: [&str; 11] = [
    "doc_id",
    "source",
    "status",
    "error",
    "exact_hash",
    "exact_group",
    "cluster_id",
    "is_duplicate",
    "duplicate_of",
    "duplicate_kind",
    "similarity",
];

/// Runs `chaff dedup`; returns the exit status.
pub fn run(args: DedupCmdArgs) -> anyhow::Result<u8> {
    check_output(&args.output, &args.input.inputs)?;
    // Prove the output folder is writable before the work, not after it (exit code 2).
    prepare_dir(&args.output).map_err(|e| output_err(&args.output, e))?;
    let mut settings = super::audit::settings(
        &args.input,
        &args.dedup,
        args.rules.as_deref(),
        args.boilerplate_min_docs,
        args.common.quiet,
        false,
    )?;
    settings.corpus_boilerplate = args.corpus_boilerplate;
    let corpus = pipeline::run(&settings)?;
    let out = &args.output;
    // The three tables are built and written at once: this is the single-threaded tail
    // of the run (documents.parquet alone took ~45 ms on syn50k).
    let write = |name: &str, df: polars::prelude::PolarsResult<polars::prelude::DataFrame>| {
        let path = out.join(name);
        write_parquet(&path, &mut df?).map_err(|e| output_err(&path, e))
    };
    let corpus_ref = &corpus;
    let written = std::thread::scope(|scope| {
        let documents = scope.spawn(|| {
            write(
                "documents.parquet",
                crate::frames::documents_with(corpus_ref, |c| DEDUP_COLUMNS.contains(&c))
                    .and_then(|df| df.select(DEDUP_COLUMNS)),
            )
        });
        let clusters =
            scope.spawn(|| write("clusters.parquet", crate::frames::clusters(corpus_ref)));
        let pairs = write("pairs.parquet", crate::frames::pairs(corpus_ref));
        let join = |h: std::thread::ScopedJoinHandle<'_, anyhow::Result<()>>| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        [join(documents), join(clusters), pairs]
    });
    // The first failure in table order is the one reported.
    for result in written {
        result?;
    }
    if !args.common.quiet {
        let dups = corpus
            .dedup
            .representative
            .iter()
            .enumerate()
            .filter(|(i, &r)| r as usize != *i)
            .count();
        eprintln!(
            "chaff: {} documents, {} duplicates in {} clusters; wrote {}",
            corpus.docs.len(),
            dups,
            corpus.dedup.clusters.len(),
            out.display()
        );
    }
    let status = finish_status(&corpus, args.input.strict, args.common.quiet);
    // The process ends right after this: freeing every per-document string and the
    // regex caches one by one took ~20 ms of the tail of a syn50k run, on one core.
    std::mem::forget(corpus);
    std::mem::forget(settings);
    Ok(status)
}

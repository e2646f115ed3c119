//! `chaff report`: re-renders `report.md` and its charts from an output folder's tables and summary.
//!
//! Usage: `chaff report DIR [--html] [--baseline OLD_DIR]`. Nothing is recomputed: the
//! report is a pure function of `documents.parquet`, `clusters.parquet`, `pairs.parquet`,
//! the optional `boilerplate.parquet` / `entities.parquet` / `document_entities.parquet` /
//! `examples.parquet`, and `summary.json`, so re-rendering after a chaff upgrade is instant.
//! `--html` also writes `report.html`, one self-contained page (charts inlined, no external
//! URL); `--baseline` adds a section comparing this audit with an earlier one.

use super::output_err;
use crate::cli::CommonArgs;
use crate::report::{self, Baseline, Tables};
use crate::summary::Summary;
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `chaff report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Output folder of `chaff audit`.
    pub dir: PathBuf,
    /// Also write report.html: one self-contained page (charts inlined, readable offline and on a phone).
    #[arg(long)]
    pub html: bool,
    /// An earlier audit folder of the same corpus (e.g. before cleaning, or last month's crawl):
    /// adds a section with what changed.
    #[arg(long, value_name = "OLD_DIR")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Reads an audit folder's summary and tables.
fn read_dir(dir: &Path) -> anyhow::Result<(Summary, Tables)> {
    let summary: Summary = serde_json::from_slice(
        &std::fs::read(dir.join("summary.json"))
            .with_context(|| format!("{} has no summary.json", dir.display()))?,
    )
    .with_context(|| format!("{}: summary.json is not a chaff summary", dir.display()))?;
    let tables =
        Tables::read(dir).with_context(|| format!("reading the tables in {}", dir.display()))?;
    Ok((summary, tables))
}

/// Runs `chaff report`; returns the exit status.
pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    let dir = &args.dir;
    let (summary, tables) = read_dir(dir)?;
    let old = match &args.baseline {
        Some(b) => Some(read_dir(b).with_context(|| format!("baseline {}", b.display()))?),
        None => None,
    };
    let baseline = match (&args.baseline, &old) {
        (Some(path), Some((s, t))) => Some(Baseline {
            label: path.display().to_string(),
            tables: t,
            summary: s,
        }),
        _ => None,
    };
    let rendered = report::render(&tables, &summary, baseline.as_ref());
    report::write(dir, &rendered, args.html).map_err(|e| output_err(&dir.join("report.md"), e))?;
    if !args.common.quiet {
        eprintln!("chaff: wrote {}", dir.join("report.md").display());
        if args.html {
            eprintln!("chaff: wrote {}", dir.join("report.html").display());
        }
    }
    Ok(super::EXIT_OK)
}

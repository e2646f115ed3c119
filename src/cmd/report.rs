//! `chaff report`: re-renders `report.md` from an output folder's tables and summary.
//!
//! Usage: `chaff report DIR`. Nothing is recomputed: the report is a pure function of
//! `documents.parquet`, `clusters.parquet`, `pairs.parquet`, the optional
//! `boilerplate.parquet` / `entities.parquet` / `document_entities.parquet`, and
//! `summary.json`, so re-rendering after a chaff upgrade is instant.

use super::output_err;
use crate::cli::CommonArgs;
use crate::report::{self, Tables};
use crate::sink::write_bytes;
use crate::summary::Summary;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `chaff report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Output folder of `chaff audit`.
    pub dir: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `chaff report`; returns the exit status.
pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    let dir = &args.dir;
    let summary: Summary = serde_json::from_slice(
        &std::fs::read(dir.join("summary.json"))
            .with_context(|| format!("{} has no summary.json", dir.display()))?,
    )
    .with_context(|| format!("{}: summary.json is not a chaff summary", dir.display()))?;
    let tables =
        Tables::read(dir).with_context(|| format!("reading the tables in {}", dir.display()))?;
    let md = report::render(&tables, &summary);
    let path = dir.join("report.md");
    write_bytes(&path, md.as_bytes()).map_err(|e| output_err(&path, e))?;
    if !args.common.quiet {
        eprintln!("chaff: wrote {}", path.display());
    }
    Ok(super::EXIT_OK)
}

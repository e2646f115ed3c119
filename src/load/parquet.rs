//! Parquet (e.g. HuggingFace datasets): read in row slices so memory stays bounded.

use super::{BlockSink, Counters, InputFile, LoadOptions};
use crate::record::{Record, Status};
use polars::prelude::*;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Rows decoded per slice.
const SLICE_ROWS: usize = 20_000;

/// Reads every row of a Parquet file as a record.
pub(crate) fn read(
    file: &InputFile,
    opts: &LoadOptions,
    counters: &Arc<Counters>,
    sink: &mut BlockSink,
) -> io::Result<bool> {
    match read_inner(file, opts, sink) {
        Ok(alive) => {
            counters.bytes_read.fetch_add(file.size, Ordering::Relaxed);
            Ok(alive)
        }
        Err(e) => Ok(sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Unreadable,
            format!("cannot read Parquet: {e}"),
            0,
        ))),
    }
}

fn open(file: &InputFile) -> PolarsResult<ParquetReader<std::fs::File>> {
    Ok(ParquetReader::new(std::fs::File::open(&file.path)?))
}

fn read_inner(file: &InputFile, opts: &LoadOptions, sink: &mut BlockSink) -> PolarsResult<bool> {
    let mut reader = open(file)?;
    let schema = reader.schema()?;
    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let rows = reader.num_rows()?;
    if !names.iter().any(|n| n == &opts.text_field) {
        return Ok(sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Malformed,
            format!(
                "no text column '{}' among {:?} ({rows} rows not loaded)",
                opts.text_field, names
            ),
            0,
        )));
    }
    if rows == 0 {
        return Ok(sink.push_ready(Record::problem(
            format!("{}:0", file.display),
            Status::Empty,
            "empty file: no rows".into(),
            0,
        )));
    }
    let wanted: Vec<&str> = [
        opts.text_field.as_str(),
        opts.id_field.as_str(),
        "url",
        "title",
        "date",
    ]
    .into_iter()
    .filter(|c| names.iter().any(|n| n == c))
    .collect();
    let mut offset = 0;
    while offset < rows {
        let len = SLICE_ROWS.min(rows - offset);
        let df = open(file)?
            .with_columns(Some(wanted.iter().map(|s| s.to_string()).collect()))
            .with_slice(Some((offset, len)))
            .finish()?;
        let text = string_column(&df, &opts.text_field)?;
        let id = string_column(&df, &opts.id_field).ok();
        let url = string_column(&df, "url").ok();
        let title = string_column(&df, "title").ok();
        let date = string_column(&df, "date").ok();
        let get = |c: &Option<StringChunked>, i: usize| {
            c.as_ref().and_then(|c| c.get(i)).map(str::to_string)
        };
        for i in 0..df.height() {
            let source = format!("{}:{}", file.display, offset + i + 1);
            let mut rec = match text.get(i) {
                Some(t) => Record::with_text(source, t.to_string(), t.len() as u64),
                None => Record::problem(source, Status::Empty, "text is null".into(), 0),
            };
            if rec.status == Status::Empty && rec.error.is_none() {
                rec.error = Some("text is empty or whitespace".into());
            }
            rec.id = get(&id, i);
            rec.url = get(&url, i);
            rec.title = get(&title, i);
            rec.date = get(&date, i);
            if !sink.push_ready(rec) {
                return Ok(false);
            }
        }
        offset += len;
    }
    Ok(true)
}

/// A column as strings (numbers and dates cast), or an error when absent or not castable.
fn string_column(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    let col = df.column(name)?;
    let cast = col.cast(&DataType::String)?;
    Ok(cast.str()?.clone())
}

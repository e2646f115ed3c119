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
    // `clean` rewrites whole records, so it needs every column, not just the ones analysed.
    let columns = (!opts.keep_raw).then(|| wanted.iter().map(|s| s.to_string()).collect());
    let mut offset = 0;
    while offset < rows {
        let len = SLICE_ROWS.min(rows - offset);
        let df = open(file)?
            .with_columns(columns.clone())
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
            if opts.keep_raw {
                rec.raw = Some(row_json(&df, i));
            }
            if !sink.push_ready(rec) {
                return Ok(false);
            }
        }
        offset += len;
    }
    Ok(true)
}

/// Row `i` as a JSON object, so `clean` can write it back with every column.
fn row_json(df: &DataFrame, i: usize) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    for col in df.columns() {
        let value = match col.get(i) {
            Ok(v) => any_to_json(&v),
            Err(_) => serde_json::Value::Null,
        };
        map.insert(col.name().to_string(), value);
    }
    serde_json::to_vec(&map).unwrap_or_default()
}

fn any_to_json(v: &AnyValue) -> serde_json::Value {
    use serde_json::Value;
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::from(*b),
        AnyValue::String(s) => Value::from(*s),
        AnyValue::StringOwned(s) => Value::from(s.as_str()),
        AnyValue::Int8(x) => Value::from(*x),
        AnyValue::Int16(x) => Value::from(*x),
        AnyValue::Int32(x) => Value::from(*x),
        AnyValue::Int64(x) => Value::from(*x),
        AnyValue::UInt8(x) => Value::from(*x),
        AnyValue::UInt16(x) => Value::from(*x),
        AnyValue::UInt32(x) => Value::from(*x),
        AnyValue::UInt64(x) => Value::from(*x),
        AnyValue::Float32(x) => Value::from(*x as f64),
        AnyValue::Float64(x) => Value::from(*x),
        // Dates, lists, structs, binary: their display form keeps the information readable.
        other => Value::from(other.to_string()),
    }
}

/// A column as strings (numbers and dates cast), or an error when absent or not castable.
fn string_column(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    let col = df.column(name)?;
    let cast = col.cast(&DataType::String)?;
    Ok(cast.str()?.clone())
}

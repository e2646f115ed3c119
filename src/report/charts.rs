//! Charts as standalone SVG, drawn with plotters' SVG backend.
//!
//! No font is read: plotters' built-in size estimate lays out the axes and the text is
//! written as SVG `<text>`, drawn by the viewer's fonts. Labels with right-to-left text
//! are wrapped in a first-strong isolate so the viewer's bidi algorithm orders them on
//! their own. Every chart is a pure function of its numbers, so the bytes are the same
//! on every run.

use plotters::coord::combinators::IntoLogRange;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const WIDTH: u32 = 880;
const FONT: &str = "sans-serif";
const BLUE: RGBColor = RGBColor(0x1f, 0x6f, 0xb4);
const ORANGE: RGBColor = RGBColor(0xe0, 0x7b, 0x1a);
const RED: RGBColor = RGBColor(0xc0, 0x1c, 0x28);
const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
const LIGHT: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// Positions per category on the value axis of a bar chart: bars sit inside, the label in the middle.
const SLOT: i32 = 10;

/// A label safe for a chart: one line, at most `max` characters, RTL text isolated.
pub fn label(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in text.chars() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            out.push(' ');
        } else if c.is_control() || is_layout_control(c) {
            continue;
        } else {
            out.push(c);
        }
        n += 1;
    }
    if out.chars().any(is_rtl) {
        // First-strong isolate: an Arabic label is one right-to-left run, whatever the
        // text direction of the chart around it.
        format!("\u{2068}{out}\u{2069}")
    } else {
        out
    }
}

fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn is_layout_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}')
}

/// "7", "250", "1 k", "2.5 k", "1 M": short tick labels.
pub fn tick(v: f64) -> String {
    let a = v.abs();
    let (x, unit) = if a >= 1e6 {
        (v / 1e6, " M")
    } else if a >= 1e3 {
        (v / 1e3, " k")
    } else {
        (v, "")
    };
    let s = if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.1}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("{s}{unit}")
}

/// 1-2-5 ticks between `lo` and `hi` (every integer when the range is under a decade), so
/// log axes are labelled inside a decade too; only powers of ten when that would be crowded.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if hi / lo < 10.0 {
        let (a, b) = (lo.ceil() as i64, hi.floor() as i64);
        if b - a <= 12 {
            return (a..=b).map(|v| v as f64).collect();
        }
    }
    let mut out = Vec::new();
    let mut p = 10f64.powf(lo.log10().floor());
    while p <= hi {
        for m in [1.0, 2.0, 5.0] {
            let v = p * m;
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        p *= 10.0;
    }
    if out.len() > 14 {
        out.retain(|v| (v.log10() - v.log10().round()).abs() < 1e-9);
    }
    out
}

/// A tick or value label for a count axis: whole numbers only (a tick at 0.4 documents says nothing).
pub fn count_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        tick(v)
    } else {
        String::new()
    }
}

fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn finish(buf: String) -> String {
    // plotters ends every <text> with a newline; the SVG is otherwise stable.
    buf
}

/// Histogram on a logarithmic value axis: `values` are counted into `bins` log-spaced bins.
pub fn log_histogram(title: &str, x_desc: &str, y_desc: &str, values: &[f64]) -> Option<String> {
    let vals: Vec<f64> = values.iter().copied().filter(|&v| v >= 1.0).collect();
    if vals.is_empty() {
        return None;
    }
    let max = vals.iter().copied().fold(1.0f64, f64::max);
    // Four bins per power of ten.
    let per_decade = 4.0;
    let top = (max.log10() * per_decade).floor() as usize + 1;
    let mut counts = vec![0u64; top];
    for v in &vals {
        let b = ((v.log10() * per_decade).floor() as usize).min(top - 1);
        counts[b] += 1;
    }
    let edge = |b: usize| 10f64.powf(b as f64 / per_decade);
    let ymax = *counts.iter().max().unwrap_or(&1) as f64 * 1.1;
    let mut buf = String::new();
    draw(|| -> Res<()> {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, text(24))
            .margin(14)
            .margin_right(34)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (1f64..edge(top))
                    .log_scale()
                    .with_key_points(log_ticks(1.0, edge(top))),
                0f64..ymax.max(1.0),
            )?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(12)
            .y_labels(6)
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| count_tick(*v))
            .label_style(text(17))
            .axis_desc_style(text(17))
            .light_line_style(WHITE)
            .bold_line_style(LIGHT)
            .draw()?;
        chart.draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(b, &c)| {
                    Rectangle::new([(edge(b), 0.0), (edge(b + 1), c as f64)], BLUE.filled())
                }),
        )?;
        chart.draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(b, &c)| {
                    Text::new(
                        tick(c as f64),
                        ((edge(b) * edge(b + 1)).sqrt(), c as f64),
                        text(16).pos(Pos::new(HPos::Center, VPos::Bottom)),
                    )
                }),
        )?;
        root.present()?;
        Ok(())
    })?;
    Some(finish(buf))
}

/// Points on log–log axes: (x, y) pairs, y ≥ 1.
pub fn log_log(title: &str, x_desc: &str, y_desc: &str, points: &[(f64, f64)]) -> Option<String> {
    if points.is_empty() {
        return None;
    }
    let xmax = points.iter().map(|p| p.0).fold(2.0f64, f64::max);
    let ymax = points.iter().map(|p| p.1).fold(1.0f64, f64::max);
    let (xhi, yhi) = ((xmax * 1.6).max(6.0), (ymax * 1.6).max(6.0));
    let mut buf = String::new();
    draw(|| -> Res<()> {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, text(24))
            .margin(14)
            .margin_right(34)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (1.5f64..xhi)
                    .log_scale()
                    .with_key_points(log_ticks(1.5, xhi)),
                (0.8f64..yhi)
                    .log_scale()
                    .with_key_points(log_ticks(0.8, yhi)),
            )?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(10)
            .y_labels(8)
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| count_tick(*v))
            .label_style(text(17))
            .axis_desc_style(text(17))
            .light_line_style(WHITE)
            .bold_line_style(LIGHT)
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            points.to_vec(),
            BLUE.stroke_width(1),
        )))?;
        // Each point with its count just right of it (an offset in pixels: SVG drops leading spaces).
        chart.draw_series(points.iter().map(|&p| {
            EmptyElement::at(p)
                + Circle::new((0, 0), 5, BLUE.filled())
                + Text::new(
                    tick(p.1),
                    (9, 0),
                    text(16).pos(Pos::new(HPos::Left, VPos::Center)),
                )
        }))?;
        root.present()?;
        Ok(())
    })?;
    Some(finish(buf))
}

/// One series of a bar chart.
pub struct Series<'a> {
    /// Legend name.
    pub name: &'a str,
    /// One value per category.
    pub values: Vec<f64>,
}

/// Horizontal bars, one row per category (first category on top), one bar per series;
/// `fmt` writes the value at the end of each bar. `marks` draws a vertical line per category
/// (e.g. a threshold), `None` for none.
pub fn bars(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    categories: &[String],
    series: &[Series],
    fmt: &dyn Fn(f64) -> String,
    xmax: Option<f64>,
) -> Option<String> {
    let n = categories.len();
    if n == 0 || series.is_empty() {
        return None;
    }
    let vmax = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0f64, f64::max);
    let xmax = xmax.unwrap_or(vmax * 1.18).max(vmax * 1.18).max(1e-9);
    let k = series.len() as i32;
    let row_px = 14 + 12 * k as u32;
    let height = 120 + row_px * n as u32 + if k > 1 { (LEGEND_ROW * k) as u32 } else { 0 };
    let labels: Vec<String> = categories.iter().map(|c| label(c, 28)).collect();
    let label_px = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(6, 30) as u32
        * 10
        + 16;
    let colors = [BLUE, ORANGE, GREY];
    let mut buf = String::new();
    draw(|| -> Res<()> {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let legend_h = if k > 1 { LEGEND_ROW * k } else { 0 };
        let (upper, lower) = root.split_vertically(height as i32 - legend_h);
        let total = SLOT * n as i32;
        let mut chart = ChartBuilder::on(&upper)
            .caption(title, text(24))
            .margin(14)
            .margin_right(34)
            .x_label_area_size(50)
            .y_label_area_size(label_px)
            .build_cartesian_2d(0f64..xmax, 0..total)?;
        // Category i (0 on top) owns positions [total - SLOT*(i+1), total - SLOT*i).
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(8)
            .y_labels(1)
            .y_label_formatter(&|_| String::new())
            .x_label_formatter(&|v| fmt(*v))
            .disable_y_mesh()
            .set_all_tick_mark_size(0)
            .label_style(text(17))
            .axis_desc_style(text(17))
            .light_line_style(WHITE)
            .bold_line_style(LIGHT)
            .draw()?;
        category_labels(&root, &chart, &labels, total)?;
        // Bars fill 8 of the 10 positions of a slot, split between the series.
        let bar_h = 8 / k.max(1);
        for (j, s) in series.iter().enumerate() {
            let color = colors[j % colors.len()];
            let bars = s.values.iter().enumerate().map(|(i, &v)| {
                let top = total - SLOT * i as i32 - 1 - j as i32 * bar_h;
                Rectangle::new([(0.0, top - bar_h), (v, top)], color.filled())
            });
            chart.draw_series(bars)?;
            chart.draw_series(s.values.iter().enumerate().map(|(i, &v)| {
                let top = total - SLOT * i as i32 - 1 - j as i32 * bar_h;
                EmptyElement::at((v, top - bar_h / 2))
                    + Text::new(
                        fmt(v),
                        (5, 0),
                        text(16).pos(Pos::new(HPos::Left, VPos::Center)),
                    )
            }))?;
        }
        if k > 1 {
            let items: Vec<(&str, Mark)> = series
                .iter()
                .enumerate()
                .map(|(j, s)| (s.name, Mark::Box(colors[j % colors.len()])))
                .collect();
            legend(&lower, label_px as i32 + 14, &items)?;
        }
        root.present()?;
        Ok(())
    })?;
    Some(finish(buf))
}

/// One repetition metric's distribution over documents.
pub struct Metric {
    /// Column name.
    pub name: String,
    /// Gopher threshold (fraction).
    pub threshold: f64,
    /// Median, 90th percentile and maximum (fractions).
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Largest value.
    pub max: f64,
    /// Documents above the threshold.
    pub above: usize,
}

/// Each repetition metric's spread (median → 90th percentile bar, maximum dot) against its threshold (red line).
pub fn thresholds(title: &str, metrics: &[Metric]) -> Option<String> {
    let n = metrics.len();
    if n == 0 {
        return None;
    }
    let labels: Vec<String> = metrics
        .iter()
        .map(|m| format!("{} ({} above)", m.name, tick(m.above as f64)))
        .collect();
    let height = 120 + 26 * n as u32 + 3 * LEGEND_ROW as u32;
    let mut buf = String::new();
    draw(|| -> Res<()> {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (upper, lower) = root.split_vertically(height as i32 - 3 * LEGEND_ROW);
        let total = SLOT * n as i32;
        let mut chart = ChartBuilder::on(&upper)
            .caption(title, text(24))
            .margin(14)
            .margin_right(34)
            .x_label_area_size(50)
            .y_label_area_size(290)
            .build_cartesian_2d(0f64..100.0, 0..total)?;
        chart
            .configure_mesh()
            .x_desc("value of the metric (% of the document's lines, paragraphs or characters)")
            .y_desc("metric (documents above the threshold)")
            .x_labels(11)
            .y_labels(1)
            .y_label_formatter(&|_| String::new())
            .x_label_formatter(&|v| format!("{} %", tick(*v)))
            .disable_y_mesh()
            .set_all_tick_mark_size(0)
            .label_style(text(16))
            .axis_desc_style(text(17))
            .light_line_style(WHITE)
            .bold_line_style(LIGHT)
            .draw()?;
        category_labels(&root, &chart, &labels, total)?;
        let mid = |i: usize| total - SLOT * i as i32 - SLOT / 2;
        chart.draw_series(metrics.iter().enumerate().map(|(i, m)| {
            Rectangle::new(
                [
                    (m.p50 * 100.0, mid(i) - 3),
                    ((m.p90 * 100.0).max(m.p50 * 100.0 + 0.4), mid(i) + 3),
                ],
                BLUE.filled(),
            )
        }))?;
        chart.draw_series(
            metrics
                .iter()
                .enumerate()
                .map(|(i, m)| Circle::new((m.max * 100.0, mid(i)), 4, GREY.filled())),
        )?;
        chart.draw_series(metrics.iter().enumerate().map(|(i, m)| {
            PathElement::new(
                vec![
                    (m.threshold * 100.0, mid(i) - 4),
                    (m.threshold * 100.0, mid(i) + 4),
                ],
                RED.stroke_width(3),
            )
        }))?;
        legend(
            &lower,
            304,
            &[
                (
                    "median to 90th percentile of the documents",
                    Mark::Box(BLUE),
                ),
                ("the most repetitive document", Mark::Dot(GREY)),
                (
                    "Gopher threshold: a document above it is repetitive",
                    Mark::Tick(RED),
                ),
            ],
        )?;
        root.present()?;
        Ok(())
    })?;
    Some(finish(buf))
}

/// Writes each category's label left of its row, right-aligned 8 px from the axis (drawn
/// here rather than as mesh labels, which would also emit an empty label per unlabelled position).
fn category_labels(
    root: &DrawingArea<SVGBackend, Shift>,
    chart: &ChartContext<SVGBackend, Cartesian2d<RangedCoordf64, RangedCoordi32>>,
    labels: &[String],
    total: i32,
) -> Res<()> {
    for (i, l) in labels.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, total - SLOT * i as i32 - SLOT / 2));
        root.draw(&Text::new(
            l.clone(),
            (x - 8, y),
            text(17).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// Height of one legend line, in pixels.
const LEGEND_ROW: i32 = 26;

/// How a legend line marks its series.
enum Mark {
    Box(RGBColor),
    Dot(RGBColor),
    Tick(RGBColor),
}

/// A legend below the chart, one line per series, so it never covers a bar.
fn legend(area: &DrawingArea<SVGBackend, Shift>, x: i32, items: &[(&str, Mark)]) -> Res<()> {
    for (i, (name, mark)) in items.iter().enumerate() {
        let y = LEGEND_ROW * i as i32 + LEGEND_ROW / 2;
        match mark {
            Mark::Box(c) => {
                area.draw(&Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()))?
            }
            Mark::Dot(c) => area.draw(&Circle::new((x + 8, y), 5, c.filled()))?,
            Mark::Tick(c) => area.draw(&PathElement::new(
                vec![(x + 8, y - 8), (x + 8, y + 8)],
                c.stroke_width(3),
            ))?,
        }
        area.draw(&Text::new(
            name.to_string(),
            (x + 26, y),
            text(17).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// Runs a drawing closure; a plotting error means no chart rather than a failed report.
fn draw(f: impl FnOnce() -> Res<()>) -> Option<()> {
    f().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(7.0), "7");
        assert_eq!(tick(2500.0), "2.5 k");
        assert_eq!(tick(1_000_000.0), "1 M");
        assert_eq!(tick(0.5), "0.5");
    }

    #[test]
    fn rtl_labels_are_isolated_and_controls_dropped() {
        assert_eq!(label("بوتين", 10), "\u{2068}بوتين\u{2069}");
        assert_eq!(label("a\u{202E}b\nc", 10), "ab c");
        assert_eq!(label("abcdef", 3), "abc…");
    }

    #[test]
    fn charts_are_deterministic_svg() {
        let v: Vec<f64> = (1..500).map(|i| (i * i) as f64).collect();
        let a = log_histogram("t", "x", "y", &v).unwrap();
        assert_eq!(a, log_histogram("t", "x", "y", &v).unwrap());
        assert!(a.starts_with("<svg") && a.contains("<rect"));
        let b = bars(
            "t",
            "x",
            "y",
            &["a <b>".to_string(), "روسيا".to_string()],
            &[Series {
                name: "s",
                values: vec![1.0, 2.0],
            }],
            &|v| tick(v),
            None,
        )
        .unwrap();
        assert!(b.contains("a &lt;b&gt;"), "{b}");
        assert!(b.contains("\u{2068}روسيا\u{2069}"));
    }
}

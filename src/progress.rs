//! Progress bars on stderr: one helper so every command shows the same thing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A byte-based progress bar for one pass over the input, hidden when quiet or not on a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Starts a bar for `label` over `total_bytes` of input.
    pub fn new(quiet: bool, label: &str, total_bytes: u64) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        let bar = if visible {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>8} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
                )
                .expect("static template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_prefix(label.to_string());
        Progress { bar }
    }

    /// Updates bytes read, files done and documents seen.
    pub fn update(&self, bytes: u64, files: u64, total_files: usize, docs: usize) {
        self.bar.set_position(bytes);
        self.bar
            .set_message(format!("{files}/{total_files} files, {docs} docs"));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A spinner for a corpus-wide stage with no byte count.
pub fn stage(quiet: bool, label: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("static template"));
    bar.set_message(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

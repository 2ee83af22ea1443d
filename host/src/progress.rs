//! Progress bars on stderr for long runs (`sim`, `generate`, `bench`): items done, their rate
//! and the time left, redrawn a few times a second; nothing at all when stderr is not a
//! terminal (pipes, logs and tests see only the results).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar over `total` items of one kind (`frames`, `packets`, `runs`).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar labelled `label` counting `total` `unit`; hidden unless stderr is a terminal.
    pub fn new(label: &str, total: u64, unit: &str) -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr_with_hz(4)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        let template = format!(
            "{{prefix}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} \
             {{per_sec}} {{elapsed}} elapsed, ETA {{eta}}"
        );
        bar.set_style(
            ProgressStyle::with_template(&template)
                .expect("a valid progress template")
                .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
        Progress { bar }
    }

    /// `n` more items done.
    #[inline]
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Set the count of items done.
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// A short note after the counts (what the run is doing now).
    pub fn note(&self, msg: &str) {
        self.bar.set_prefix(msg.to_string());
    }

    /// Remove the bar (the results follow on stdout).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

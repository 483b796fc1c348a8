//! What `--wait` shows while it polls: a spinner on a terminal, JSON lines
//! for machines, plain lines on request, or nothing (`--progress`).

use std::io::Write;
use std::time::Duration;

use cloudjobs_core::waiter::{JobState, Progress};
use serde_json::json;

/// How progress is shown, as `--progress` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// A spinner when stderr is a terminal, JSON lines otherwise.
    Auto,
    /// A line of text per change of state and per failed poll.
    Text,
    /// A JSON object per line, per change of state and per failed poll.
    Json,
    /// Nothing.
    None,
}

/// The state as a word, the vendor's word, and the reason.
fn parts(state: &JobState) -> (&'static str, &str, Option<&str>) {
    match state {
        JobState::Running(word) => ("running", word, None),
        JobState::Succeeded(word) => ("succeeded", word, None),
        JobState::PartiallySucceeded { status, reason } => ("partially_succeeded", status, reason.as_deref()),
        JobState::Failed { status, reason } => ("failed", status, reason.as_deref()),
        JobState::Unknown(word) => ("unknown", word, None),
    }
}

/// The JSON line for one poll: `{"event":"state",...}` when the state
/// changed, `{"event":"poll_failed",...}` when the poll failed.
pub fn json_line(progress: &Progress) -> String {
    let elapsed = (progress.elapsed.as_secs_f64() * 10.0).round() / 10.0;
    let (state, status, reason) = parts(&progress.state);
    match &progress.failure {
        Some(error) => json!({
            "event": "poll_failed", "elapsed_s": elapsed, "polls": progress.polls, "error": error,
        }),
        None => json!({
            "event": "state", "elapsed_s": elapsed, "polls": progress.polls,
            "state": state, "status": status, "reason": reason,
        }),
    }
    .to_string()
}

/// Shows each poll while waiting.
pub struct Watcher<'w> {
    spinner: Option<indicatif::ProgressBar>,
    mode: Mode,
    lines: &'w mut dyn Write,
}

impl<'w> Watcher<'w> {
    /// A watcher writing to `lines` (stderr); `terminal` says whether it is one.
    pub fn new(mode: Mode, terminal: bool, lines: &'w mut dyn Write) -> Self {
        let mode = match mode {
            Mode::Auto if terminal => Mode::Auto,
            Mode::Auto => Mode::Json,
            other => other,
        };
        let spinner = (mode == Mode::Auto).then(|| {
            let spinner = indicatif::ProgressBar::new_spinner();
            spinner.set_style(running_style());
            spinner.enable_steady_tick(Duration::from_millis(100));
            spinner.set_message("waiting for the first answer");
            spinner
        });
        Self { spinner, mode, lines }
    }

    /// Reports one poll.
    pub fn polled(&mut self, progress: &Progress) {
        let seconds = progress.elapsed.as_secs_f64();
        match (&self.spinner, self.mode) {
            (Some(spinner), _) => match &progress.failure {
                Some(error) => {
                    spinner.println(format!("{seconds:>6.1}s  poll {} failed: {error}", progress.polls))
                }
                None if progress.state.is_terminal() => {
                    // The final line stays: the spinner prints it above itself and
                    // starts over for the next job, if any.
                    let polls = progress.polls;
                    spinner.println(format!("{seconds:>6.1}s  {} after {polls} poll(s)", progress.state));
                    spinner.set_message("waiting for the next job");
                }
                None => spinner.set_message(format!("{} · poll {}", progress.state, progress.polls)),
            },
            (None, Mode::Json) if progress.changed || progress.failure.is_some() => {
                let _ = writeln!(self.lines, "{}", json_line(progress));
            }
            (None, Mode::Text) => match &progress.failure {
                Some(error) => {
                    let _ = writeln!(self.lines, "{seconds:>6.1}s  poll {} failed: {error}", progress.polls);
                }
                None if progress.changed => {
                    let _ = writeln!(self.lines, "{seconds:>6.1}s  {}", progress.state);
                }
                None => {}
            },
            _ => {}
        }
    }
}

fn running_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}").expect("the template is valid")
}

impl Drop for Watcher<'_> {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(state: JobState, changed: bool, failure: Option<&str>) -> Progress {
        Progress {
            state,
            polls: 2,
            elapsed: Duration::from_millis(1234),
            changed,
            failure: failure.map(str::to_owned),
        }
    }

    #[test]
    fn machines_get_a_json_line_per_change_and_per_failed_poll() {
        let mut out = Vec::new();
        let mut watcher = Watcher::new(Mode::Auto, false, &mut out);
        watcher.polled(&progress(JobState::Running("InProgress".into()), true, None));
        watcher.polled(&progress(JobState::Running("InProgress".into()), false, None));
        watcher.polled(&progress(JobState::Running("InProgress".into()), false, Some("HTTP 503")));
        watcher.polled(&progress(JobState::Succeeded("Success".into()), true, None));
        drop(watcher);
        let lines: Vec<serde_json::Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["state"], "running");
        assert_eq!(lines[0]["status"], "InProgress");
        assert_eq!(lines[0]["elapsed_s"], 1.2);
        assert_eq!(lines[1]["event"], "poll_failed");
        assert_eq!(lines[1]["error"], "HTTP 503");
        assert_eq!(lines[2]["state"], "succeeded");
    }

    #[test]
    fn text_lines_and_silence_on_request() {
        let mut out = Vec::new();
        let mut watcher = Watcher::new(Mode::Text, false, &mut out);
        watcher.polled(&progress(
            JobState::Failed { status: "Failed".into(), reason: Some("quota".into()) },
            true,
            None,
        ));
        drop(watcher);
        assert_eq!(String::from_utf8(out).unwrap(), "   1.2s  failed (Failed): quota\n");
        let mut out = Vec::new();
        Watcher::new(Mode::None, false, &mut out).polled(&progress(
            JobState::Running("r".into()),
            true,
            None,
        ));
        assert!(out.is_empty());
    }
}

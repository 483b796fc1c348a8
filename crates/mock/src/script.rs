//! Job scripts: the life each job id plays, given in code or a `--jobs` file.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

/// One answer in a job's life.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The job is still running.
    Running,
    /// The job succeeded.
    Success,
    /// The job failed with this reason.
    Fail(String),
    /// The job ended with partial success, with this reason (EIAM's
    /// `partial_success`; an Oracle job whose `deleteFailed` lists users).
    Partial(String),
    /// The server answers with this HTTP error status and the vendor's error body.
    Http(u16),
    /// The vendor's throttling error, with a retry hint in seconds.
    Throttle {
        /// Seconds until a retry may succeed (sent as `Retry-After`, or in
        /// the vendor's own hint and its unit).
        retry_after: u64,
    },
    /// Wait this long, then answer with the next step (which it consumes too).
    DelayMs(u64),
    /// Close the connection without answering.
    Drop,
}

impl Step {
    /// The delay of a `DelayMs` step.
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Self::DelayMs(ms) => Some(Duration::from_millis(*ms)),
            _ => None,
        }
    }
}

/// A step as written in a jobs file: `"running"`, `"success"`, `"drop"`, or an
/// object such as `{"fail": "reason"}`, `{"http": 503}`,
/// `{"throttle": {"retry_after": 2}}`, `{"delay_ms": 1500}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum WrittenStep {
    Word(String),
    Object(Step),
}

/// Per-id lifecycles. A script may also be set under the operation id of a
/// start operation (`CreateAccessAssignment`): its faults and delays then
/// come before that operation's answers, and any other step lets it answer.
/// An id without a script plays the default life: running
/// for its first two polls, then success; an id starting with `fail-` fails
/// instead of succeeding, and one starting with `partial-` partly succeeds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobScripts {
    scripts: HashMap<String, Vec<Step>>,
}

impl JobScripts {
    /// Reads a jobs file: a JSON object from job id to a list of steps.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let written: HashMap<String, Vec<WrittenStep>> =
            serde_json::from_str(text).map_err(|e| format!("jobs file: {e}"))?;
        let mut scripts = HashMap::new();
        for (id, steps) in written {
            let steps = steps
                .into_iter()
                .map(|step| match step {
                    WrittenStep::Object(step) => Ok(step),
                    WrittenStep::Word(word) => match word.as_str() {
                        "running" => Ok(Step::Running),
                        "success" => Ok(Step::Success),
                        "drop" => Ok(Step::Drop),
                        other => Err(format!("jobs file: job {id:?}: unknown step {other:?}")),
                    },
                })
                .collect::<Result<Vec<_>, _>>()?;
            if steps.is_empty() {
                return Err(format!("jobs file: job {id:?} has no steps"));
            }
            scripts.insert(id, steps);
        }
        Ok(Self { scripts })
    }

    /// Whether `id` has a script of its own.
    pub fn has(&self, id: &str) -> bool {
        self.scripts.contains_key(id)
    }

    /// Sets the life of job `id`.
    pub fn set(&mut self, id: impl Into<String>, steps: Vec<Step>) {
        self.scripts.insert(id.into(), steps);
    }

    /// The step for poll number `poll` (0-based) of job `id`. After its script
    /// ends, a job keeps answering with its last step.
    pub fn step(&self, id: &str, poll: usize) -> Step {
        if let Some(steps) = self.scripts.get(id) {
            return steps[poll.min(steps.len() - 1)].clone();
        }
        if poll < 2 {
            Step::Running
        } else if id.starts_with("fail-") {
            Step::Fail(format!("job {id} failed (its id starts with fail-)"))
        } else if id.starts_with("partial-") {
            Step::Partial(format!("job {id} partly succeeded (its id starts with partial-)"))
        } else {
            Step::Success
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_lives() {
        let scripts = JobScripts::default();
        let life: Vec<Step> = (0..4).map(|poll| scripts.step("t-1", poll)).collect();
        assert_eq!(life, [Step::Running, Step::Running, Step::Success, Step::Success]);
        assert!(matches!(scripts.step("fail-x", 2), Step::Fail(reason) if reason.contains("fail-x")));
    }

    #[test]
    fn jobs_files_script_faults() {
        let scripts = JobScripts::from_json(
            r#"{"j": ["running", {"http": 503}, {"throttle": {"retry_after": 2}}, {"delay_ms": 10}, "drop", {"fail": "no"}]}"#,
        )
        .unwrap();
        let life: Vec<Step> = (0..7).map(|poll| scripts.step("j", poll)).collect();
        assert_eq!(
            life,
            [
                Step::Running,
                Step::Http(503),
                Step::Throttle { retry_after: 2 },
                Step::DelayMs(10),
                Step::Drop,
                Step::Fail("no".into()),
                Step::Fail("no".into())
            ]
        );
        assert!(JobScripts::from_json(r#"{"j": ["later"]}"#).unwrap_err().contains("unknown step"));
        assert!(JobScripts::from_json(r#"{"j": []}"#).is_err());
    }
}

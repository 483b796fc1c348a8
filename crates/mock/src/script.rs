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

/// The longest `delay_ms` and `retry_after` a jobs file may ask for: ten minutes.
const LONGEST_WAIT_MS: u64 = 10 * 60 * 1000;

/// A jobs file's top-level object, entries in order, duplicates kept so
/// that they can be refused (a JSON map would keep only the last).
struct Entries(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object from job id to a list of steps")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// One step as written: `"running"`, `"success"`, `"drop"`, or an object
/// with one key such as `{"fail": "reason"}`, `{"http": 503}`,
/// `{"throttle": {"retry_after": 2}}`, `{"delay_ms": 1500}`.
fn written_step(value: &serde_json::Value) -> Result<Step, String> {
    use serde_json::Value;
    let number = |value: &Value, what: &str, range: std::ops::RangeInclusive<u64>| {
        value
            .as_u64()
            .filter(|n| range.contains(n))
            .ok_or_else(|| format!("{what} must be a whole number from {} to {}", range.start(), range.end()))
    };
    match value {
        Value::String(word) => match word.as_str() {
            "running" => Ok(Step::Running),
            "success" => Ok(Step::Success),
            "drop" => Ok(Step::Drop),
            other => Err(format!("unknown step {other:?} (running, success, drop, or an object)")),
        },
        Value::Object(fields) if fields.len() == 1 => {
            let (key, value) = fields.iter().next().expect("one field");
            let text = || {
                value.as_str().map(str::to_owned).ok_or_else(|| format!("{key} takes the reason as a string"))
            };
            match key.as_str() {
                "fail" => Ok(Step::Fail(text()?)),
                "partial" => Ok(Step::Partial(text()?)),
                // A scripted answer is a fault: a success status would be a job answer without a body.
                "http" => Ok(Step::Http(number(value, "http", 400..=599)? as u16)),
                "throttle" => {
                    let seconds =
                        value.get("retry_after").ok_or("throttle takes {\"retry_after\": SECONDS}")?;
                    Ok(Step::Throttle {
                        retry_after: number(seconds, "retry_after", 0..=LONGEST_WAIT_MS / 1000)?,
                    })
                }
                "delay_ms" => Ok(Step::DelayMs(number(value, "delay_ms", 0..=LONGEST_WAIT_MS)?)),
                other => Err(format!("unknown step {other:?} (fail, partial, http, throttle, delay_ms)")),
            }
        }
        _ => Err("a step is a word or an object with one key".to_owned()),
    }
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
    /// Every problem names the job and the step: an unknown step, a value
    /// out of range (`http` must be an error status, 400 to 599; waits at
    /// most ten minutes), an id given twice, a job without steps.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let Entries(entries) = serde_json::from_str(text).map_err(|e| format!("jobs file: {e}"))?;
        let mut scripts = HashMap::new();
        for (id, steps) in entries {
            let serde_json::Value::Array(steps) = steps else {
                return Err(format!("jobs file: job {id:?}: expected a list of steps"));
            };
            let steps = steps
                .iter()
                .enumerate()
                .map(|(index, step)| {
                    written_step(step).map_err(|e| {
                        format!("jobs file: job {id:?}, step {}: {step}: {e}", index.saturating_add(1))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if steps.is_empty() {
                return Err(format!("jobs file: job {id:?} has no steps"));
            }
            if scripts.insert(id.clone(), steps).is_some() {
                return Err(format!("jobs file: job {id:?} is given twice"));
            }
        }
        Ok(Self { scripts })
    }

    /// Whether `id` has a script of its own.
    pub fn has(&self, id: &str) -> bool {
        self.scripts.contains_key(id)
    }

    /// Sets the life of job `id`; no steps at all gives it back the default life.
    pub fn set(&mut self, id: impl Into<String>, steps: Vec<Step>) {
        let id = id.into();
        if steps.is_empty() {
            self.scripts.remove(&id);
        } else {
            self.scripts.insert(id, steps);
        }
    }

    /// The step for poll number `poll` (0-based) of job `id`. After its script
    /// ends, a job keeps answering with its last step.
    pub fn step(&self, id: &str, poll: usize) -> Step {
        if let Some(step) = self.scripts.get(id).and_then(|steps| steps.get(poll).or(steps.last())) {
            return step.clone();
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

    #[test]
    fn jobs_files_are_refused_with_the_job_the_step_and_why() {
        let refused = |text: &str| JobScripts::from_json(text).unwrap_err();
        assert_eq!(
            refused(r#"{"j": ["running", {"http": 200}]}"#),
            r#"jobs file: job "j", step 2: {"http":200}: http must be a whole number from 400 to 599"#
        );
        assert!(refused(r#"{"j": [{"http": 999}]}"#).contains("from 400 to 599"));
        assert!(
            refused(r#"{"j": [{"throttle": {"retry_after": 18446744073709551615}}]}"#)
                .contains("retry_after must be")
        );
        assert!(refused(r#"{"j": [{"delay_ms": -1}]}"#).contains("delay_ms must be"));
        assert_eq!(
            refused(r#"{"j": ["success"], "j": ["running"]}"#),
            r#"jobs file: job "j" is given twice"#
        );
        assert_eq!(
            refused(r#"{"j": [{"fail": 3}]}"#),
            r#"jobs file: job "j", step 1: {"fail":3}: fail takes the reason as a string"#
        );
        assert!(refused(r#"{"j": "running"}"#).contains("expected a list of steps"));
        assert!(refused("[1]").starts_with("jobs file: invalid type"), "{}", refused("[1]"));
    }
}

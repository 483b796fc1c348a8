//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs`
//! (`cargo +nightly fuzz run NAME`) and by the stable test that replays the
//! committed corpus (`tests/tests/it/fuzz_replay.rs`). Each takes any bytes
//! and must return without panicking, whatever they are.

use cloudjobs_core::vendor::{self, Sources};
use serde_json::Value;

/// A spec's text: generation gives code or an error with a line. An error
/// without one is a spec the rules let through to progenitor, which then
/// failed: a gap in the rules, reported as a crash.
pub fn spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(error) = cloudjobs_codegen::generate("fuzz.yaml", text) {
        assert!(error.line.is_some(), "an error without a line: {error}");
    }
    let _ = cloudjobs_codegen::lint("fuzz.yaml", text);
}

/// An answer: two bytes of status, then the body. Every vendor's envelope
/// removal and error reading, every job model's state reading, and the
/// typed decoding of each API's status answer.
pub fn response(data: &[u8]) {
    let (status, body) = match data {
        [high, low, body @ ..] => (u16::from_be_bytes([*high, *low]), body),
        _ => return,
    };
    for vendor in vendor::ALL {
        let rules = vendor::rules(vendor);
        let presented = rules.present(status, body);
        let _ = cloudjobs_core::is_transient_answer(status, body);
        if let Some(presented) = presented {
            let _ = serde_json::from_slice::<Value>(&presented.body);
        }
    }
    if let Ok(json) = serde_json::from_slice::<Value>(body) {
        let _ = vendor::read_any_error(&json);
        for (_, protocol) in cloudjobs_cli::generated::APIS {
            for operation in protocol.operations {
                if let Some(job) = operation.job {
                    let _ = job.state(status, &json);
                }
            }
        }
    }
    let _ = serde_json::from_slice::<cloudjobs_alibaba_cloudsso::types::GetTaskStatusResponse>(body);
    let _ = serde_json::from_slice::<cloudjobs_alibaba_eiam::types::GetIdentityProviderStatusCheckJobResponse>(
        body,
    );
    let _ = serde_json::from_slice::<
        cloudjobs_huawei_identitycenter::types::GetIdentityCenterServiceStatusResponse,
    >(body);
    let _ = serde_json::from_slice::<cloudjobs_tencent_organization::types::GetProvisioningTaskStatusResponse>(
        body,
    );
    let _ = serde_json::from_slice::<cloudjobs_oracle_primavera_admin::types::UserRoList>(body);
}

/// The vendors' credentials and config files, each given the same bytes:
/// every vendor's settings are looked up in a home holding them.
pub fn credentials(data: &[u8]) {
    // One home per thread, made once and overwritten for each input: making
    // and removing seven directories per input cost more than the parsing it
    // is there to exercise. Memory-backed `/dev/shm` is used where it exists.
    thread_local! {
        static HOME: Option<tempfile::TempDir> = {
            let shm = std::path::Path::new("/dev/shm");
            let home = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
            home.ok()
        };
    }
    HOME.with(|home| {
        if let Some(home) = home {
            look_up_settings(home.path(), data);
        }
    });
}

fn look_up_settings(home: &std::path::Path, data: &[u8]) {
    for file in [
        ".aliyun/config.json",
        ".alibabacloud/credentials.ini",
        ".tccli/default.credential",
        ".tccli/default.configure",
        ".tencentcloud/credentials",
        ".hcloud/config.json",
        ".huaweicloud/credentials",
    ] {
        let path = home.join(file);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, data);
    }
    let no_variables = |_: &str| None;
    for vendor in vendor::ALL {
        for profile in [None, Some("default")] {
            let sources = Sources { env: &no_variables, home: Some(home), profile };
            let _ = vendor::rules(vendor).find_settings(&sources);
        }
    }
}

/// A request as lines: `METHOD TARGET`, then `name: value` headers, a blank
/// line, and the body. The emulator answers it (signature checks, routing,
/// arguments, scripts) and every signature scheme verifies it; the same bytes
/// are also read as a `--jobs` file.
pub fn emulator(data: &[u8]) {
    let _ = cloudjobs_mock::JobScripts::from_json(&String::from_utf8_lossy(data));
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let Some((method, target)) = lines.next().and_then(|line| line.split_once(' ')) else { return };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let parts = cloudjobs_core::signing::RequestParts::from_target(
        method,
        target,
        headers.clone(),
        body.as_bytes().to_vec(),
    );
    let secret_for = |_: &str| Some("cloudjobs-mock-secret".to_owned());
    let _ = cloudjobs_core::signing::acs3::verify(&parts, &secret_for);
    let _ = cloudjobs_core::signing::tc3::verify(&parts, &secret_for);
    let _ = cloudjobs_core::signing::sdk_hmac::verify(&parts, &secret_for);
    let _ = cloudjobs_core::signing::basic::verify_basic(&parts, &secret_for);
    EMULATOR.with(|(runtime, emulator)| {
        let _ = runtime.block_on(emulator.respond(method, target, headers, body.as_bytes().to_vec()));
    });
}

thread_local! {
    /// One emulator of every API for all inputs: starting one per input would
    /// measure the start, not the handling.
    static EMULATOR: (tokio::runtime::Runtime, cloudjobs_mock::Emulator) = {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime starts");
        let config = cloudjobs_mock::EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS);
        let emulator = runtime.block_on(cloudjobs_mock::Emulator::start(config)).expect("the emulator listens on 127.0.0.1");
        (runtime, emulator)
    };
}

/// Response headers as `name: value` lines: every vendor's retry hint and
/// request id are read from them.
pub fn hints(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in text.lines().filter_map(|line| line.split_once(':')) {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()),
            reqwest::header::HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    let _ = vendor::retry_hint_from_headers(&headers);
    let _ = vendor::request_id_from_headers(&headers);
    let _ = cloudjobs_core::retry_after(&headers);
}

//! What every generated client does to a request before it is sent.

use std::fmt;

use crate::{ClientConfig, Protocol, Style, Vendor};

/// A request that the runtime cannot prepare for its vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareError(String);

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PrepareError {}

/// Turns a request as progenitor built it into the request the vendor expects.
///
/// progenitor adds an `api-version` header that no vendor here wants, so it
/// goes. For RPC APIs the spec's synthetic path `/<Action>` becomes `/`, and the
/// action and version move into the vendor's headers.
pub fn prepare_request(
    protocol: &Protocol,
    _config: &ClientConfig,
    request: &mut reqwest::Request,
) -> Result<(), PrepareError> {
    request.headers_mut().remove("api-version");
    if protocol.style != Style::Rpc {
        return Ok(());
    }
    let path = request.url().path().to_owned();
    let operation = protocol
        .operations
        .iter()
        .find(|op| path.ends_with(op.path))
        .ok_or_else(|| PrepareError(format!("no operation of this API has the path {path}")))?;
    let action = operation.action.unwrap_or(operation.operation_id);
    let stem = &path[..path.len() - operation.path.len()];
    request.url_mut().set_path(&format!("{stem}/"));
    let (action_header, version_header) = match protocol.vendor {
        Vendor::Alibaba => ("x-acs-action", "x-acs-version"),
        Vendor::Tencent => ("x-tc-action", "x-tc-version"),
        Vendor::Huawei | Vendor::Oracle => {
            return Err(PrepareError(format!("{:?} has no RPC-style APIs", protocol.vendor)));
        }
    };
    let headers = request.headers_mut();
    headers.insert(action_header, reqwest::header::HeaderValue::from_static(action));
    headers.insert(version_header, reqwest::header::HeaderValue::from_static(protocol.api_version));
    Ok(())
}

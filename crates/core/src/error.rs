//! `CloudError`: the one error type of every cloudjobs client, whatever the vendor.

use std::fmt;

/// What kind of failure a [`CloudError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The vendor answered with an error (its code and message are set).
    Vendor,
    /// The request never got an answer: connection refused, reset, TLS.
    Transport,
    /// The connection or the whole request took longer than its timeout.
    Timeout,
    /// The answer could not be read: not JSON, truncated, or not the documented shape.
    InvalidResponse,
    /// The client is not set up to make the call: credentials, endpoint, TLS.
    Configuration,
    /// The call itself is incomplete or invalid (a required parameter is missing).
    InvalidRequest,
}

/// A failed call: what happened, and what the vendor said about it.
///
/// `Display` shows the vendor code, message and request id, which is what a
/// vendor's support asks for. No credential ever appears in it.
#[derive(Debug)]
pub struct CloudError {
    pub(crate) kind: ErrorKind,
    pub(crate) status: Option<u16>,
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<std::time::Duration>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// Whether a transport error happened before a connection was made.
    pub(crate) connect_failed: bool,
}

impl CloudError {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
            retry_after: None,
            source: None,
            connect_failed: false,
        }
    }

    /// A vendor error as its envelope describes it.
    pub fn vendor(
        status: u16,
        code: Option<String>,
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Self {
        Self { status: Some(status), code, request_id, ..Self::new(ErrorKind::Vendor, message) }
    }

    /// A client set-up problem.
    pub fn configuration(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Configuration, message)
    }

    /// The same error with a server's hint about when to retry.
    pub fn with_retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status the server sent, if it answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The vendor's error code, e.g. `SignatureDoesNotMatch`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The vendor's message, or a description of what went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The vendor's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How long the server asked to wait before trying again (`Retry-After`,
    /// or a vendor's own hint), if it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
    }
}

/// Text a server chose, displayed with its control characters (line
/// breaks, terminal escape sequences) escaped, so that an error logged or
/// printed is one line that no server can add lines or colours to.
/// `CloudError`'s `Display` writes its code, message and request id so;
/// [`CloudError::message`] and the other accessors keep the text as sent.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = Escaped(&self.message);
        match (&self.code, self.kind) {
            (Some(code), _) => write!(f, "{}: {message}", Escaped(code))?,
            (None, ErrorKind::Vendor) => write!(f, "{message}")?,
            (None, kind) => write!(f, "{kind:?} error: {message}")?,
        }
        let mut details = Vec::new();
        if let Some(status) = self.status {
            details.push(format!("HTTP {status}"));
        }
        if let Some(id) = &self.request_id {
            details.push(format!("request id {}", Escaped(id)));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for CloudError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_code_message_and_request_id() {
        let error = CloudError::vendor(400, Some("Code.X".into()), "It failed.", Some("req-1".into()));
        assert_eq!(error.to_string(), "Code.X: It failed. (HTTP 400, request id req-1)");
        let transport = CloudError::new(ErrorKind::Transport, "connection refused");
        assert_eq!(transport.to_string(), "Transport error: connection refused");
    }

    #[test]
    fn display_escapes_what_a_server_wrote_and_the_accessors_keep_it() {
        let error =
            CloudError::vendor(400, Some("X\u{1b}[31m".into()), "line1\nline2\u{7}", Some("r\r\n1".into()));
        assert_eq!(error.to_string(), "X\\u{1b}[31m: line1\\nline2\\u{7} (HTTP 400, request id r\\r\\n1)");
        assert_eq!(error.message(), "line1\nline2\u{7}");
        assert_eq!(error.code(), Some("X\u{1b}[31m"));
    }
}

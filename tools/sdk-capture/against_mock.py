"""Calls the emulator with the official vendor SDKs and prints one JSON line per call.

Used by the Rust test tests/tests/it/sdk_acceptance.rs, which starts the
emulator and reads the lines:
    python against_mock.py HOST:PORT KEY_ID SECRET DOMAIN_ID
Each SDK polls job "sdk-job" three times with the right secret (the emulator's
default life: running, running, success), then once with a wrong secret.
"""

import json
import sys

from capture import call_cloudsso, call_eiam, call_huawei, call_tencent

CALLS = [
    ("alibaba-cloudsso", call_cloudsso),
    ("alibaba-eiam", call_eiam),
    ("tencent-organization", call_tencent),
    ("huawei-identitycenter", call_huawei),
]


def error_code(error):
    """The vendor error code an SDK exception carries, whatever its SDK."""
    for attribute in ("code", "error_code", "get_code"):
        value = getattr(error, attribute, None)
        if callable(value):
            value = value()
        if value:
            return str(value)
    return type(error).__name__


def main():
    endpoint, key_id, secret, domain_id = sys.argv[1:5]
    good = {"id": key_id, "secret": secret, "domain_id": domain_id}
    bad = dict(good, secret=secret + "-wrong")
    for api, call in CALLS:
        for attempt, credentials in enumerate([good, good, good, bad]):
            try:
                _, status = call(endpoint, credentials, "sdk-job") if api != "huawei-identitycenter" else call(endpoint, credentials)
                print(json.dumps({"api": api, "attempt": attempt, "ok": True, "status": status}), flush=True)
            except Exception as error:  # every SDK has its own exception type
                print(json.dumps({"api": api, "attempt": attempt, "ok": False, "code": error_code(error)}), flush=True)


if __name__ == "__main__":
    main()

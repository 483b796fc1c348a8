"""Calls the emulator with the official vendor SDKs and prints one JSON line per call.

Used by the Rust test tests/tests/it/sdk_acceptance.rs, which starts the
emulator and reads the lines:
    python against_mock.py HOST:PORT KEY_ID SECRET DOMAIN_ID
Each SDK polls job "sdk-job" three times with the right secret (the emulator's
default life: running, running, success), then once with a wrong secret: one
line per call, {"api", "attempt", "ok", "status"} or {"api", "attempt", "ok": false, "code"}.

Then each SDK calls every start operation of its API (x-cloudjobs-start in the
spec) with the spec's example values, reads the job ids from the answer where
x-cloudjobs-start.ids points (none for Huawei's StartIdentityCenter, which is
followed through the service status), and follows each job with the SDK's own
call of the `follow` operation, polling until a word of its x-cloudjobs-job
ends it: one line per start operation,
    {"api", "start", "ok", "ids", "final", "polls"}
where "final" is the last job's final word and "polls" counts every status
call; a failure gives {"api", "start", "ok": false, "stage", "code", "message"}.
"""

import json
import sys

from capture import (
    SDK_PACKAGES,
    call_cloudsso,
    call_eiam,
    call_huawei,
    call_operation,
    call_tencent,
    example_values,
    find_operation,
    load_spec,
    spec_operations,
)

# More polls than this means the job never ended.
MAX_POLLS = 10

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


def pointer_values(value, pointer):
    """The values at a JSON pointer in which `*` steps into every element of an array."""
    found = [value]
    for segment in pointer.split("/")[1:]:
        segment = segment.replace("~1", "/").replace("~0", "~")
        step = []
        for item in found:
            if segment == "*" and isinstance(item, list):
                step.extend(item)
            elif isinstance(item, dict) and segment in item:
                step.append(item[segment])
            elif isinstance(item, list) and segment.isdigit() and int(segment) < len(item):
                step.append(item[int(segment)])
        found = step
    return found


def follow_values(spec, follow, start_params, start_body, carry, job_id):
    """The status call's values: the carried ones, the job id, and examples for any other required one."""
    params, body = example_values(spec, follow, required_only=True)
    located = {p["name"]: p["in"] for p in follow.get("parameters", [])}

    def place(name, value):
        if name in located:
            params[name] = (located[name], value)
        else:
            body[name] = value

    started = {name: value for name, (_, value) in start_params.items()}
    started.update(start_body)
    for status_name, start_name in carry.items():
        if start_name in started:
            place(status_name, started[start_name])
    id_param = follow["x-cloudjobs-job"].get("id-param")
    if job_id is not None and id_param:
        place(id_param, job_id)
    return params, body


def follow_job(api, spec, endpoint, credentials, start, start_params, start_body, job_id):
    """Polls the follow operation until the job ends; returns (final word, ended well, polls)."""
    follow = find_operation(spec, start["follow"])
    job = follow["x-cloudjobs-job"]
    params, body = follow_values(spec, follow, start_params, start_body, start.get("carry") or {}, job_id)
    for poll in range(1, MAX_POLLS + 1):
        answer = call_operation(api, spec, endpoint, credentials, start["follow"], params, body)
        words = pointer_values(answer, job["status"])
        word = str(words[0]) if words else None
        if word in job.get("succeeded", []):
            return word, True, poll
        if word in job.get("failed", []) or word in job.get("partial", []):
            return word, False, poll
    return word, False, MAX_POLLS


def run_starts(endpoint, credentials):
    """Every start operation of every SDK API, followed to its end: one line each."""
    for api in SDK_PACKAGES:
        spec = load_spec(api)
        for operation_id, _, _, operation in spec_operations(spec):
            start = operation.get("x-cloudjobs-start")
            if not start:
                continue
            line = {"api": api, "start": operation_id}
            params, body = example_values(spec, operation)
            stage = "start"
            try:
                answer = call_operation(api, spec, endpoint, credentials, operation_id, params, body)
                ids = [str(i) for i in pointer_values(answer, start["ids"])] if start.get("ids") else []
                if start.get("ids") and not ids:
                    raise ValueError(f"no job id at {start['ids']} in {answer}")
                stage = "follow"
                polls, final, ended_well = 0, None, True
                # A start without ids (Huawei's StartIdentityCenter) is followed once, without an id.
                for job_id in ids or [None]:
                    final, ok, count = follow_job(api, spec, endpoint, credentials, start, params, body, job_id)
                    polls += count
                    ended_well = ended_well and ok
                line.update({"ok": ended_well, "ids": ids, "final": final, "polls": polls})
            except Exception as error:  # every SDK has its own exception type
                line.update({"ok": False, "stage": stage, "code": error_code(error), "message": str(error)[:300]})
            print(json.dumps(line), flush=True)


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
    run_starts(endpoint, good)


if __name__ == "__main__":
    main()

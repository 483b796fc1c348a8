#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target under fuzz/corpus/, from the
specs, their examples, the wire recordings of the official SDKs and the
hostile cases of issue 16. Run from the checkout's root: python3 fuzz/seeds.py"""

import glob
import hashlib
import json
import os

import yaml  # PyYAML, as in tools/sdk-capture's environment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def examples(node):
    """Every `example` value in a spec, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "example":
                yield value
            else:
                yield from examples(value)
    elif isinstance(node, list):
        for item in node:
            yield from examples(item)


specs = sorted(glob.glob(os.path.join(ROOT, "specs", "*.yaml")))
for path in specs + sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "generator", "*.yaml"))):
    write("spec", open(path).read())
base = open(specs[0]).read()
for find, replace in [
    ("        - name: DirectoryId\n", "        - name: 1st\n"),
    ("GetTaskStatus", "Await"),
    ("    TaskStatus:\n", "    SelfRef:\n      $ref: \"#/components/schemas/SelfRef\"\n    TaskStatus:\n"),
    ('        "200":\n', '        "":\n'),
]:
    write("spec", base.replace(find, replace, 1))

for path in specs:
    for example in examples(yaml.safe_load(open(path))):
        if isinstance(example, (dict, list)):
            body = json.dumps(example).encode()
            for status in (200, 202, 400, 429, 503):
                write("response", status.to_bytes(2, "big") + body)
                write("response", status.to_bytes(2, "big") + json.dumps({"Response": example}).encode())
write("response", (200).to_bytes(2, "big") + b"[" * 5000)
write("response", (200).to_bytes(2, "big") + b'{"Response": {"Error": {"Code": "InternalError", "Message": "m"}}}')

for text in [
    '{"current": "main", "profiles": [{"name": "main", "mode": "AK", "access_key_id": "a", "access_key_secret": "b", "region_id": "cn-beijing"}]}',
    '{"current": "default", "profiles": [{"name": "default", "mode": "StsToken", "access_key_id": "a", "access_key_secret": "b", "sts_token": "t"}]}',
    "[default]\ntype = access_key\naccess_key_id = a # comment\naccess_key_secret = s#cret\n",
    "[default]\nsecret_id = i\nsecret_key = k\n[global]\nak = a\nsk = s\ndomain_id = d\n",
    '{"secretId": "i", "secretKey": "k", "token": "t"}',
    '{"_sys_param": {"region": "ap-guangzhou", "output": "table"}}',
    '{"current": "p", "profiles": [{"name": "p", "mode": "AKSK", "accessKeyId": "AK", "secretAccessKey": "SK", "region": "cn-north-4"}]}',
]:
    write("credentials", text)

for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "wire", "*.json"))):
    request = json.load(open(path))["request"]
    head = "\n".join([f"{request['method']} {request['target']}"] + [f"{n}: {v}" for n, v in request["headers"]])
    write("emulator", head + "\n\n" + request.get("body", ""))
write("emulator", "POST /\nx-tc-action: GetProvisioningTaskStatus\nx-tc-version: 2021-03-31\nx-tc-timestamp: -9223372036854775808\nauthorization: TC3-HMAC-SHA256 Credential=k/2021-01-01/organization/tc3_request, SignedHeaders=host, Signature=00\n\n{}")
write("emulator", '{"t-1": ["running", {"http": 1000}, {"throttle": {"retry_after": 18446744073709551615}}, {"delay_ms": 5}]}')
write("emulator", '{"j": ["success"], "j": []}')

for text in [
    "retry-after: 18446744073709551615",
    "retry-after: 3",
    "x-acs-retry-after: 1500",
    "x-acs-request-id: r-1\nx-request-id: r-2",
    "retry-after: Wed, 21 Oct 2015 07:28:00 GMT",
    "retry-after: -1",
]:
    write("hints", text)

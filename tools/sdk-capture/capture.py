"""Records the real HTTP requests of the official vendor SDKs, as wire fixtures.

Each SDK is pointed at a capture server on 127.0.0.1 with fixed test
credentials; the server records the request and answers with the vendor page's
sample response so that the SDK completes normally. The result is one JSON
file per call in tests/fixtures/wire/, which the Rust tests compare with our
own requests (no Python at test time).

Two kinds of fixtures are written:
- <api>.json and <api>-with-token.json: the status call of each API, without
  and with a temporary token (the seed recordings);
- <api>--<Operation>.json: one call of every operation of the four APIs that
  have an official SDK (Oracle has none), made with the spec's parameter and
  body examples, each answered with that operation's 200 example from the spec.
Every fixture records the SDK's request and, in "params", the call's values by
the spec's parameter or body-field name, as the text the `cloudjobs` command
takes (arrays and objects as JSON text).

Run from the repository root:
    python3 -m venv .venv && .venv/bin/pip install -r tools/sdk-capture/requirements.txt
    .venv/bin/python tools/sdk-capture/capture.py
"""

import json
import os
import re
import sys
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "wire")
SPECS = os.path.join(ROOT, "specs")

# Fixed test credentials. The Tencent pair is the one Tencent's signature
# documentation uses; the Huawei pair is from Huawei's published signing example.
ALIBABA = {"id": "LTAI5tCaptureTestKeyId", "secret": "CaptureTestSecret0123456789abcd", "token": "CaptureTestStsToken"}
TENCENT = {"id": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "secret": "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "token": "CaptureTestTencentToken"}
HUAWEI = {"id": "QTWAOYTTINDUT2QVKYUC", "secret": "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", "token": "CaptureTestHuaweiToken", "domain_id": "0c5c1b7e3b8a4e4f9d6a2c1b0a9f8e7d"}

SAMPLES = {
    "alibaba-cloudsso": {"RequestId": "005F4623-AE53-504D-830F-44825F7DC211", "TaskStatus": {"Status": "Success", "TaskId": "t-shfqw1u1edszvxw5****", "EndTime": "2021-11-05T02:58:08Z", "TaskType": "DeleteAccessAssignment", "StartTime": "2021-11-05T02:58:07Z"}},
    "alibaba-eiam": {"RequestId": "0441BD79-92F3-53AA-8657-F8CE4A2B912A", "IdentityProviderStatusCheckJob": {"IdentityProviderStatusCheckJobId": "async_000xxxx", "Status": "success"}},
    "tencent-organization": {"Response": {"TaskStatus": {"Status": "Success", "TaskId": "t-d8wjd8j3****", "TaskType": "StartProvisioning", "FailureReason": ""}, "RequestId": "e297543a-80de-4039-83c8-9d35d4545"}},
    "huawei-identitycenter": {"serviceStatus": "enable", "serviceStatusReasons": ["success"]},
}


class Capture(BaseHTTPRequestHandler):
    """Records one request and answers with the current call's sample (None: no body)."""

    recorded = []
    answer = {}

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        Capture.recorded.append({
            "method": self.command,
            "target": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": body,
        })
        payload = b"" if Capture.answer is None else json.dumps(Capture.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", "capture-request-id")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, *args):
        pass


def alibaba_client(module, endpoint, credentials):
    from alibabacloud_tea_openapi.models import Config
    config = Config(access_key_id=credentials["id"], access_key_secret=credentials["secret"],
                    security_token=credentials.get("token"),
                    endpoint=endpoint, protocol="http", region_id="cn-shanghai")
    return module.Client(config)


def call_cloudsso(endpoint, credentials, job_id="t-shfqw1u1edszvxw5****"):
    """GetTaskStatus; returns the request parameters and the task status."""
    import alibabacloud_cloudsso20210515.client as sdk
    from alibabacloud_cloudsso20210515 import models
    params = {"DirectoryId": "d-00fc2p61****", "TaskId": job_id}
    response = alibaba_client(sdk, endpoint, credentials).get_task_status(
        models.GetTaskStatusRequest(directory_id=params["DirectoryId"], task_id=params["TaskId"]))
    return params, response.body.task_status.status


def call_eiam(endpoint, credentials, job_id="async_000xxxx"):
    """GetIdentityProviderStatusCheckJob; returns the request parameters and the job status."""
    import alibabacloud_eiam20211201.client as sdk
    from alibabacloud_eiam20211201 import models
    params = {"InstanceId": "idaas_ue2jvisn35ea5lmthk267xxxxx", "IdentityProviderId": "idp_11111", "IdentityProviderStatusCheckJobId": job_id}
    request = models.GetIdentityProviderStatusCheckJobRequest(instance_id=params["InstanceId"], identity_provider_id=params["IdentityProviderId"], identity_provider_status_check_job_id=params["IdentityProviderStatusCheckJobId"])
    response = alibaba_client(sdk, endpoint, credentials).get_identity_provider_status_check_job(request)
    return params, response.body.identity_provider_status_check_job.status


def call_tencent(endpoint, credentials, job_id="t-d8wjd8j3****"):
    """GetProvisioningTaskStatus; returns the request parameters and the task status."""
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.organization.v20210331 import models, organization_client
    cred = credential.Credential(credentials["id"], credentials["secret"], credentials.get("token"))
    http = HttpProfile(endpoint=endpoint, reqMethod="POST", protocol="http")
    client = organization_client.OrganizationClient(cred, "", ClientProfile(httpProfile=http))
    params = {"ZoneId": "z-djw98wnd***", "TaskId": job_id}
    request = models.GetProvisioningTaskStatusRequest()
    request.ZoneId, request.TaskId = params["ZoneId"], params["TaskId"]
    response = client.GetProvisioningTaskStatus(request)
    return params, response.TaskStatus.Status


def call_huawei(endpoint, credentials, job_id=None):
    """GetIdentityCenterServiceStatus; returns no parameters and the service status."""
    from huaweicloudsdkcore.auth.credentials import GlobalCredentials
    from huaweicloudsdkidentitycenter.v1 import GetIdentityCenterServiceStatusRequest, IdentityCenterClient
    sdk_credentials = GlobalCredentials(credentials["id"], credentials["secret"], credentials["domain_id"])
    if credentials.get("token"):
        sdk_credentials = sdk_credentials.with_security_token(credentials["token"])
    client = IdentityCenterClient.new_builder().with_credentials(sdk_credentials).with_endpoint(f"http://{endpoint}").build()
    response = client.get_identity_center_service_status(GetIdentityCenterServiceStatusRequest())
    return {}, response.service_status


# ---------------------------------------------------------------------------
# Every operation of a spec, called through its official SDK by name.
# ---------------------------------------------------------------------------

METHODS = ("get", "put", "post", "delete", "patch")

# The APIs whose official SDK records every operation, with the SDK's package.
SDK_PACKAGES = {
    "alibaba-cloudsso": "alibabacloud-cloudsso20210515",
    "alibaba-eiam": "alibabacloud-eiam20211201",
    "tencent-organization": "tencentcloud-sdk-python-organization",
    "huawei-identitycenter": "huaweicloudsdkidentitycenter",
}

CREDENTIALS = {
    "alibaba-cloudsso": ALIBABA,
    "alibaba-eiam": ALIBABA,
    "tencent-organization": TENCENT,
    "huawei-identitycenter": HUAWEI,
}


class SdkMismatch(Exception):
    """The SDK cannot send a value the spec's example gives."""


def load_spec(api):
    with open(os.path.join(SPECS, f"{api}.yaml")) as f:
        return yaml.safe_load(f)


def spec_operations(spec):
    """Every operation of a spec in order: (operationId, method, path, operation)."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield operation["operationId"], method.upper(), path, operation


def find_operation(spec, operation_id):
    for found, _, _, operation in spec_operations(spec):
        if found == operation_id:
            return operation
    raise KeyError(operation_id)


def vendor(spec):
    return spec["x-cloudjobs"]["vendor"]


def response_example(spec, operation, status="200"):
    """The operation's example answer for `status`, None when it has no body."""
    response = operation["responses"].get(status) or {}
    content = (response.get("content") or {}).get("application/json") or {}
    return content.get("example")


def wire_answer(spec, operation):
    """What the vendor's server sends: the example, in Tencent's envelope."""
    example = response_example(spec, operation)
    if example is not None and vendor(spec) == "tencent":
        return {"Response": example}
    return example


def example_values(spec, operation, required_only=False):
    """The spec's example values of an operation: (parameters, body fields).

    Parameters are keyed by name and location ("query", "path"); the header
    parameter X-Security-Token is left out, as the SDKs set it from their
    credentials. Body fields are the top-level fields of the body example.
    """
    params = {}
    for param in operation.get("parameters", []):
        if param["in"] == "header":
            continue
        if required_only and not param.get("required"):
            continue
        value = param.get("example", (param.get("schema") or {}).get("example"))
        if value is not None and param.get("x-cloudjobs-encoding") == "flat":
            # JSON text in the spec (and for our client); the SDK takes the array or object itself.
            value = json.loads(value)
        if value is not None:
            params[param["name"]] = (param["in"], value)
    body = {}
    request_body = operation.get("requestBody")
    if request_body:
        content = request_body["content"]["application/json"]
        body = dict(content.get("example") or {})
        if required_only:
            schema = resolve(spec, content["schema"])
            body = {k: v for k, v in body.items() if k in schema.get("required", [])}
    return params, body


def resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def as_text(value):
    """A value as the `cloudjobs` command takes it: strings as they are, the rest as JSON text."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def fixture_params(params, body):
    """The "params" of a fixture: every value by spec name, as text."""
    out = {name: as_text(value) for name, (_, value) in params.items()}
    out.update({name: as_text(value) for name, value in body.items()})
    return out


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def alibaba_modules(api):
    if api == "alibaba-cloudsso":
        import alibabacloud_cloudsso20210515.client as sdk
        from alibabacloud_cloudsso20210515 import models
    else:
        import alibabacloud_eiam20211201.client as sdk
        from alibabacloud_eiam20211201 import models
    return sdk, models


def call_alibaba(api, endpoint, credentials, operation_id, params, body):
    """Calls an Alibaba RPC operation; returns its answer by wire names."""
    sdk, models = alibaba_modules(api)
    values = {name: value for name, (_, value) in params.items()}
    values.update(body)
    request = getattr(models, f"{operation_id}Request")().from_map(values)
    kept = request.to_map()
    dropped = sorted(set(values) - set(kept))
    if dropped:
        raise SdkMismatch(f"{api} {operation_id}: the SDK's request has no field {dropped}")
    response = getattr(alibaba_client(sdk, endpoint, credentials), snake(operation_id))(request)
    return response.body.to_map()


def tencent_client(endpoint, credentials):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.organization.v20210331 import organization_client
    cred = credential.Credential(credentials["id"], credentials["secret"], credentials.get("token"))
    http = HttpProfile(endpoint=endpoint, reqMethod="POST", protocol="http")
    return organization_client.OrganizationClient(cred, "", ClientProfile(httpProfile=http))


def call_tencent_operation(api, endpoint, credentials, operation_id, params, body):
    """Calls a Tencent operation with its body fields; returns the answer inside "Response"."""
    from tencentcloud.organization.v20210331 import models
    if params:
        raise SdkMismatch(f"{api} {operation_id}: Tencent takes no parameters outside the body: {sorted(params)}")
    request = getattr(models, f"{operation_id}Request")()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        request._deserialize(body)
    useless = [str(w.message) for w in caught if "useless" in str(w.message)]
    if useless:
        raise SdkMismatch(f"{api} {operation_id}: the SDK's request drops {useless}")
    response = getattr(tencent_client(endpoint, credentials), operation_id)(request)
    return json.loads(response.to_json_string())


def huawei_model(type_name, data, where):
    """An SDK model (or list of them) of `type_name` from JSON data by wire names."""
    import huaweicloudsdkidentitycenter.v1 as sdk
    if type_name.startswith("list["):
        return [huawei_model(type_name[5:-1], item, where) for item in data]
    if type_name.startswith("dict("):
        inner = type_name[type_name.index(",") + 1:-1].strip()
        return {key: huawei_model(inner, item, where) for key, item in data.items()}
    if type_name in ("str", "int", "float", "bool", "object", "date", "datetime"):
        return data
    cls = getattr(sdk, type_name)
    by_key = {key: attr for attr, key in cls.attribute_map.items()}
    unknown = sorted(set(data) - set(by_key))
    if unknown:
        raise SdkMismatch(f"{where}: the SDK's {type_name} has no field {unknown}")
    return cls(**{by_key[key]: huawei_model(cls.openapi_types[by_key[key]], value, where) for key, value in data.items()})


def huawei_client(endpoint, credentials):
    from huaweicloudsdkcore.auth.credentials import GlobalCredentials
    from huaweicloudsdkidentitycenter.v1 import IdentityCenterClient
    sdk_credentials = GlobalCredentials(credentials["id"], credentials["secret"], credentials["domain_id"])
    if credentials.get("token"):
        sdk_credentials = sdk_credentials.with_security_token(credentials["token"])
    return IdentityCenterClient.new_builder().with_credentials(sdk_credentials).with_endpoint(f"http://{endpoint}").build()


def call_huawei_operation(api, endpoint, credentials, operation_id, params, body):
    """Calls a Huawei REST operation; returns the SDK's decoded answer by wire names."""
    import huaweicloudsdkidentitycenter.v1 as sdk
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization
    where = f"{api} {operation_id}"
    cls = getattr(sdk, f"{operation_id}Request")
    by_key = {key: attr for attr, key in cls.attribute_map.items()}
    arguments = {}
    for name, (_, value) in params.items():
        if name not in by_key:
            raise SdkMismatch(f"{where}: the SDK's request has no parameter {name}")
        arguments[by_key[name]] = value
    if body:
        if "body" not in cls.openapi_types:
            raise SdkMismatch(f"{where}: the SDK's request has no body")
        arguments["body"] = huawei_model(cls.openapi_types["body"], body, where)
    response = getattr(huawei_client(endpoint, credentials), snake(operation_id))(cls(**arguments))
    return sanitize_for_serialization(response)


OPERATION_CALLS = {"alibaba": call_alibaba, "tencent": call_tencent_operation, "huawei": call_huawei_operation}


def call_operation(api, spec, endpoint, credentials, operation_id, params, body):
    """Calls any operation of `api` through its official SDK; returns the decoded answer by wire names."""
    return OPERATION_CALLS[vendor(spec)](api, endpoint, credentials, operation_id, params, body)


CALLS = [
    ("alibaba-cloudsso", "GetTaskStatus", "alibabacloud-cloudsso20210515", ALIBABA, call_cloudsso),
    ("alibaba-eiam", "GetIdentityProviderStatusCheckJob", "alibabacloud-eiam20211201", ALIBABA, call_eiam),
    ("tencent-organization", "GetProvisioningTaskStatus", "tencentcloud-sdk-python-organization", TENCENT, call_tencent),
    ("huawei-identitycenter", "GetIdentityCenterServiceStatus", "huaweicloudsdkidentitycenter", HUAWEI, call_huawei),
]


def record(api, operation, package, credentials, params, name):
    """Writes the one request the capture server saw as fixture `name`."""
    if len(Capture.recorded) != 1:
        sys.exit(f"{name}: expected one request, saw {len(Capture.recorded)}")
    fixture = {
        "api": api,
        "operation": operation,
        "sdk": f"{package}=={version(package)}",
        "params": params,
        "credentials": credentials,
        "request": Capture.recorded[0],
    }
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(fixture, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"recorded {name}")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    port = server.server_address[1]
    endpoint = f"127.0.0.1:{port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.makedirs(OUT, exist_ok=True)
    for api, operation, package, credentials, call in CALLS:
        for token in (False, True):
            Capture.recorded, Capture.answer = [], SAMPLES[api]
            chosen = {k: v for k, v in credentials.items() if token or k != "token"}
            params, _ = call(endpoint, chosen)
            record(api, operation, package, chosen, params, f"{api}{'-with-token' if token else ''}.json")
    failures = []
    for api, package in SDK_PACKAGES.items():
        spec = load_spec(api)
        credentials = {k: v for k, v in CREDENTIALS[api].items() if k != "token"}
        for operation_id, _, _, operation in spec_operations(spec):
            params, body = example_values(spec, operation)
            Capture.recorded, Capture.answer = [], wire_answer(spec, operation)
            try:
                call_operation(api, spec, endpoint, credentials, operation_id, params, body)
            except SdkMismatch as error:
                failures.append(str(error))
                continue
            record(api, operation_id, package, credentials, fixture_params(params, body), f"{api}--{operation_id}.json")
    server.shutdown()
    if failures:
        sys.exit("the SDKs cannot send these spec examples:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()

"""Records the real HTTP requests of the official vendor SDKs, as wire fixtures.

Each SDK is pointed at a capture server on 127.0.0.1 with fixed test
credentials; the server records the request and answers with the vendor page's
sample response so that the SDK completes normally. The result is one JSON
file per call in tests/fixtures/wire/, which the Rust tests compare with our
own requests (no Python at test time).

Run from the repository root:
    python3 -m venv .venv && .venv/bin/pip install -r tools/sdk-capture/requirements.txt
    .venv/bin/python tools/sdk-capture/capture.py
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "wire")

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
    """Records one request and answers with the current API's sample."""

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
        payload = json.dumps(Capture.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", "capture-request-id")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _handle

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


CALLS = [
    ("alibaba-cloudsso", "GetTaskStatus", "alibabacloud-cloudsso20210515", ALIBABA, call_cloudsso),
    ("alibaba-eiam", "GetIdentityProviderStatusCheckJob", "alibabacloud-eiam20211201", ALIBABA, call_eiam),
    ("tencent-organization", "GetProvisioningTaskStatus", "tencentcloud-sdk-python-organization", TENCENT, call_tencent),
    ("huawei-identitycenter", "GetIdentityCenterServiceStatus", "huaweicloudsdkidentitycenter", HUAWEI, call_huawei),
]


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.makedirs(OUT, exist_ok=True)
    for api, operation, package, credentials, call in CALLS:
        for token in (False, True):
            Capture.recorded, Capture.answer = [], SAMPLES[api]
            chosen = {k: v for k, v in credentials.items() if token or k != "token"}
            params, _ = call(f"127.0.0.1:{port}", chosen)
            if len(Capture.recorded) != 1:
                sys.exit(f"{api}: expected one request, saw {len(Capture.recorded)}")
            fixture = {
                "api": api,
                "operation": operation,
                "sdk": f"{package}=={version(package)}",
                "params": params,
                "credentials": {k: v for k, v in credentials.items() if token or k != "token"},
                "request": Capture.recorded[0],
            }
            name = f"{api}{'-with-token' if token else ''}.json"
            with open(os.path.join(OUT, name), "w") as f:
                json.dump(fixture, f, indent=2, ensure_ascii=False)
                f.write("\n")
            print(f"recorded {name}")
    server.shutdown()


if __name__ == "__main__":
    main()

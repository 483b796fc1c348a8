//! Every example in every spec decodes into the generated types, encodes back
//! to the same JSON, and has its typed form pinned by a snapshot.

use std::fs;

use cloudjobs_tests::{round_trip, workspace_root};
use serde_json::Value;

type RoundTrip = fn(&Value) -> Result<String, String>;

/// The generated type for each named schema that carries or receives an example.
/// A spec example whose schema is missing here fails the test, so a new spec
/// cannot skip this check.
fn round_trip_for(api: &str, schema: &str) -> Option<RoundTrip> {
    use cloudjobs_alibaba_cloudsso::types as cloudsso;
    use cloudjobs_alibaba_eiam::types as eiam;
    use cloudjobs_huawei_identitycenter::types as huawei;
    use cloudjobs_oracle_primavera_admin::types as oracle;
    use cloudjobs_tencent_organization::types as tencent;
    Some(match (api, schema) {
        ("alibaba-cloudsso", "GetTaskStatusResponse") => round_trip::<cloudsso::GetTaskStatusResponse>,
        ("alibaba-cloudsso", "CreateAccessAssignmentResponse") => {
            round_trip::<cloudsso::CreateAccessAssignmentResponse>
        }
        ("alibaba-cloudsso", "DeleteAccessAssignmentResponse") => {
            round_trip::<cloudsso::DeleteAccessAssignmentResponse>
        }
        ("alibaba-cloudsso", "ProvisionAccessConfigurationResponse") => {
            round_trip::<cloudsso::ProvisionAccessConfigurationResponse>
        }
        ("alibaba-cloudsso", "DeprovisionAccessConfigurationResponse") => {
            round_trip::<cloudsso::DeprovisionAccessConfigurationResponse>
        }
        ("alibaba-cloudsso", "GetTaskResponse") => round_trip::<cloudsso::GetTaskResponse>,
        ("alibaba-cloudsso", "ListTasksResponse") => round_trip::<cloudsso::ListTasksResponse>,
        ("alibaba-cloudsso", "AlibabaError") => round_trip::<cloudsso::AlibabaError>,
        ("alibaba-eiam", "GetIdentityProviderStatusCheckJobResponse") => {
            round_trip::<eiam::GetIdentityProviderStatusCheckJobResponse>
        }
        ("alibaba-eiam", "CreateIdentityProviderStatusCheckJobResponse") => {
            round_trip::<eiam::CreateIdentityProviderStatusCheckJobResponse>
        }
        ("alibaba-eiam", "RunSynchronizationJobResponse") => {
            round_trip::<eiam::RunSynchronizationJobResponse>
        }
        ("alibaba-eiam", "GetSynchronizationJobResponse") => {
            round_trip::<eiam::GetSynchronizationJobResponse>
        }
        ("alibaba-eiam", "ListSynchronizationJobsResponse") => {
            round_trip::<eiam::ListSynchronizationJobsResponse>
        }
        ("alibaba-eiam", "AlibabaError") => round_trip::<eiam::AlibabaError>,
        ("huawei-identitycenter", "GetIdentityCenterServiceStatusResponse") => {
            round_trip::<huawei::GetIdentityCenterServiceStatusResponse>
        }
        ("huawei-identitycenter", "RegisterRegionReqBody") => round_trip::<huawei::RegisterRegionReqBody>,
        ("huawei-identitycenter", "DescribeRegisteredRegionsResponse") => {
            round_trip::<huawei::DescribeRegisteredRegionsResponse>
        }
        ("huawei-identitycenter", "ListInstancesResponse") => round_trip::<huawei::ListInstancesResponse>,
        ("huawei-identitycenter", "CreateAccountAssignmentReqBody") => {
            round_trip::<huawei::CreateAccountAssignmentReqBody>
        }
        ("huawei-identitycenter", "CreateAccountAssignmentResponse") => {
            round_trip::<huawei::CreateAccountAssignmentResponse>
        }
        ("huawei-identitycenter", "DescribeAccountAssignmentCreationStatusResponse") => {
            round_trip::<huawei::DescribeAccountAssignmentCreationStatusResponse>
        }
        ("huawei-identitycenter", "ListAccountAssignmentCreationStatusResponse") => {
            round_trip::<huawei::ListAccountAssignmentCreationStatusResponse>
        }
        ("huawei-identitycenter", "DeleteAccountAssignmentReqBody") => {
            round_trip::<huawei::DeleteAccountAssignmentReqBody>
        }
        ("huawei-identitycenter", "DeleteAccountAssignmentResponse") => {
            round_trip::<huawei::DeleteAccountAssignmentResponse>
        }
        ("huawei-identitycenter", "DescribeAccountAssignmentDeletionStatusResponse") => {
            round_trip::<huawei::DescribeAccountAssignmentDeletionStatusResponse>
        }
        ("huawei-identitycenter", "ProvisionPermissionSetReqBody") => {
            round_trip::<huawei::ProvisionPermissionSetReqBody>
        }
        ("huawei-identitycenter", "ProvisionPermissionSetResponse") => {
            round_trip::<huawei::ProvisionPermissionSetResponse>
        }
        ("huawei-identitycenter", "DescribePermissionSetProvisioningStatusResponse") => {
            round_trip::<huawei::DescribePermissionSetProvisioningStatusResponse>
        }
        ("huawei-identitycenter", "HuaweiError") => round_trip::<huawei::HuaweiError>,
        ("tencent-organization", "GetProvisioningTaskStatusRequest") => {
            round_trip::<tencent::GetProvisioningTaskStatusRequest>
        }
        ("tencent-organization", "GetProvisioningTaskStatusResponse") => {
            round_trip::<tencent::GetProvisioningTaskStatusResponse>
        }
        ("tencent-organization", "CreateUserSyncProvisioningRequest") => {
            round_trip::<tencent::CreateUserSyncProvisioningRequest>
        }
        ("tencent-organization", "CreateUserSyncProvisioningResponse") => {
            round_trip::<tencent::CreateUserSyncProvisioningResponse>
        }
        ("tencent-organization", "DeleteUserSyncProvisioningRequest") => {
            round_trip::<tencent::DeleteUserSyncProvisioningRequest>
        }
        ("tencent-organization", "DeleteUserSyncProvisioningResponse") => {
            round_trip::<tencent::DeleteUserSyncProvisioningResponse>
        }
        ("tencent-organization", "UpdateUserSyncProvisioningRequest") => {
            round_trip::<tencent::UpdateUserSyncProvisioningRequest>
        }
        ("tencent-organization", "UpdateUserSyncProvisioningResponse") => {
            round_trip::<tencent::UpdateUserSyncProvisioningResponse>
        }
        ("tencent-organization", "GetUserSyncProvisioningRequest") => {
            round_trip::<tencent::GetUserSyncProvisioningRequest>
        }
        ("tencent-organization", "GetUserSyncProvisioningResponse") => {
            round_trip::<tencent::GetUserSyncProvisioningResponse>
        }
        ("tencent-organization", "ListUserSyncProvisioningsRequest") => {
            round_trip::<tencent::ListUserSyncProvisioningsRequest>
        }
        ("tencent-organization", "ListUserSyncProvisioningsResponse") => {
            round_trip::<tencent::ListUserSyncProvisioningsResponse>
        }
        ("tencent-organization", "CreateRoleAssignmentRequest") => {
            round_trip::<tencent::CreateRoleAssignmentRequest>
        }
        ("tencent-organization", "CreateRoleAssignmentResponse") => {
            round_trip::<tencent::CreateRoleAssignmentResponse>
        }
        ("tencent-organization", "DeleteRoleAssignmentRequest") => {
            round_trip::<tencent::DeleteRoleAssignmentRequest>
        }
        ("tencent-organization", "DeleteRoleAssignmentResponse") => {
            round_trip::<tencent::DeleteRoleAssignmentResponse>
        }
        ("tencent-organization", "ProvisionRoleConfigurationRequest") => {
            round_trip::<tencent::ProvisionRoleConfigurationRequest>
        }
        ("tencent-organization", "ProvisionRoleConfigurationResponse") => {
            round_trip::<tencent::ProvisionRoleConfigurationResponse>
        }
        ("tencent-organization", "DismantleRoleConfigurationRequest") => {
            round_trip::<tencent::DismantleRoleConfigurationRequest>
        }
        ("tencent-organization", "DismantleRoleConfigurationResponse") => {
            round_trip::<tencent::DismantleRoleConfigurationResponse>
        }
        ("tencent-organization", "GetTaskStatusRequest") => round_trip::<tencent::GetTaskStatusRequest>,
        ("tencent-organization", "GetTaskStatusResponse") => round_trip::<tencent::GetTaskStatusResponse>,
        ("tencent-organization", "ListTasksRequest") => round_trip::<tencent::ListTasksRequest>,
        ("tencent-organization", "ListTasksResponse") => round_trip::<tencent::ListTasksResponse>,
        ("tencent-organization", "TencentError") => round_trip::<tencent::TencentError>,
        ("oracle-primavera-admin", "UserDataStore") => round_trip::<oracle::UserDataStore>,
        _ => return None,
    })
}

/// One example found in a spec: where it is, which named schema it should fit.
struct Example {
    location: String,
    /// A short name for the snapshot, e.g. `GetTaskStatus_200`.
    label: String,
    schema: String,
    value: Value,
}

fn schema_name(schema: &Value) -> Option<String> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/").map(str::to_owned)
}

/// Object-level examples: request and response bodies, and named object schemas.
/// Scalar property examples are documentation of single fields and are not
/// collected here.
fn examples(document: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    let mut media = |location: String, label: String, body: &Value| {
        // JSON bodies only: a file's example (Oracle's job log) is text, not a typed value.
        if let Some(content) = body.pointer("/content/application~1json") {
            let media_type = "application/json";
            if let (Some(example), Some(schema)) = (content.get("example"), content.get("schema")) {
                let schema =
                    schema_name(schema).unwrap_or_else(|| panic!("{location}: example on an unnamed schema"));
                let location = format!("{location}.content[{media_type:?}]");
                out.push(Example { location, label: label.clone(), schema, value: example.clone() });
            }
        }
    };
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            if let Some(body) = operation.get("requestBody") {
                media(format!("paths[{path:?}].{method}.requestBody"), format!("{id}_request"), body);
            }
            for (code, response) in operation["responses"].as_object().unwrap() {
                media(
                    format!("paths[{path:?}].{method}.responses[{code:?}]"),
                    format!("{id}_{code}"),
                    response,
                );
            }
        }
    }
    for (name, schema) in
        document.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten()
    {
        if let (Some(example), Some("object")) =
            (schema.get("example"), schema.get("type").and_then(Value::as_str))
        {
            out.push(Example {
                location: format!("components.schemas.{name}"),
                label: name.clone(),
                schema: name.clone(),
                value: example.clone(),
            });
        }
    }
    out
}

#[test]
fn every_spec_example_round_trips_through_the_generated_types() {
    let root = workspace_root();
    let mut checked = 0;
    for api in xtask::apis(&root).unwrap() {
        let text = fs::read_to_string(root.join(&api.spec)).unwrap();
        let document: Value = serde_yaml::from_str(&text).unwrap();
        let found = examples(&document);
        assert!(!found.is_empty(), "{} has no examples", api.name);
        for example in found {
            let context = format!("specs/{}.yaml at {} ({})", api.name, example.location, example.schema);
            let round_trip = round_trip_for(&api.name, &example.schema)
                .unwrap_or_else(|| panic!("{context}: add the generated type to round_trip_for"));
            let typed = round_trip(&example.value).unwrap_or_else(|e| panic!("{context}: {e}"));
            let snapshot = format!("{}__{}", api.name, example.label);
            insta::assert_snapshot!(snapshot, typed, &context);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} examples were checked");
}

#[test]
fn status_values_the_spec_does_not_list_still_decode() {
    use cloudjobs_alibaba_cloudsso::types::{GetTaskStatusResponse, TaskStatusValue, TaskType};
    let body = serde_json::json!({
        "RequestId": "r",
        "TaskStatus": {"Status": "Paused", "TaskId": "t", "TaskType": "SomethingNew"}
    });
    let typed: GetTaskStatusResponse = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(typed.task_status.status, TaskStatusValue::Unknown("Paused".to_owned()));
    assert_eq!(typed.task_status.task_type, Some(TaskType::Unknown("SomethingNew".to_owned())));
    assert_eq!(serde_json::to_value(&typed).unwrap(), body);

    let known: TaskStatusValue = serde_json::from_value(serde_json::json!("InProgress")).unwrap();
    assert_eq!(known, TaskStatusValue::InProgress);
    assert_eq!(known.to_string(), "InProgress");

    // The official example's "StartProvisioning" is a documented user-sync task type.
    use cloudjobs_tencent_organization::types::TaskType as TencentTaskType;
    let sample: TencentTaskType = "StartProvisioning".parse().unwrap();
    assert_eq!(sample, TencentTaskType::StartProvisioning);

    // Huawei's SDK and page spell the state differently: both are known, and a third is kept as it came.
    use cloudjobs_huawei_identitycenter::types::ServiceStatus;
    let both: Vec<ServiceStatus> =
        ["ENABLED", "enable", "ENABLING"].iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(
        both,
        [ServiceStatus::ENABLED, ServiceStatus::Enable, ServiceStatus::Unknown("ENABLING".to_owned())]
    );
}

#[test]
fn huawei_service_status_reasons_accept_a_string_and_an_array() {
    use cloudjobs_huawei_identitycenter::types::{
        GetIdentityCenterServiceStatusResponse, ServiceStatusReasons,
    };
    for (reasons, expected) in [
        (serde_json::json!("success"), ServiceStatusReasons::String("success".to_owned())),
        (serde_json::json!(["a", "b"]), ServiceStatusReasons::Array(vec!["a".to_owned(), "b".to_owned()])),
    ] {
        let body = serde_json::json!({"serviceStatus": "enable", "serviceStatusReasons": reasons});
        let typed: GetIdentityCenterServiceStatusResponse = serde_json::from_value(body).unwrap();
        assert_eq!(typed.service_status_reasons, Some(expected));
    }
}

#[test]
fn eiam_times_are_millisecond_integers_beyond_32_bits() {
    let body = serde_json::json!({
        "RequestId": "r",
        "IdentityProviderStatusCheckJob": {"IdentityProviderStatusCheckJobId": "j", "Status": "running", "StartTime": 1763776265757_i64}
    });
    let typed: cloudjobs_alibaba_eiam::types::GetIdentityProviderStatusCheckJobResponse =
        serde_json::from_value(body).unwrap();
    assert_eq!(typed.identity_provider_status_check_job.start_time, Some(1_763_776_265_757));
}

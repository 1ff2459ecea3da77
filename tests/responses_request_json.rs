//! What `create` and `stream` put on the wire: exactly the fields that were set, in JSON.
mod common;

use freddy::responses::{
    ContentBlock, CreateResponse, Message, OutputMode, Reasoning, ReasoningEffort,
    ReasoningSummary, Tool,
};
use mockito::{Matcher, Server};
use serde_json::json;

const QUICK_START: &str = r#"{"organization_id":"org_your_org_id","model":"gpt-4o","inputs":[{"role":"user","content":"Hello!"}]}"#;

fn quick_start() -> CreateResponse {
    CreateResponse::new("gpt-4o", [Message::user("Hello!")]).organization_id("org_your_org_id")
}

#[test]
fn the_quick_start_goes_out_exactly_as_documented() {
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response")
        .match_header("x-api-key", common::key().as_str())
        .match_header("content-type", Matcher::Regex("^application/json".into()))
        .match_header("accept", "application/json")
        .match_body(QUICK_START)
        .with_body(r#"{"response": [{"text": "Hi!"}]}"#)
        .create();
    let client = common::client(&server.url());
    let result = client.responses().create(&quick_start()).unwrap();
    assert_eq!(result.text(), "Hi!");
    mock.assert();
}

#[test]
fn a_stream_adds_stream_true_and_asks_for_an_event_stream() {
    let mut server = Server::new();
    let expected = QUICK_START.replace("}]}", r#"}],"stream":true}"#);
    let mock = server
        .mock("POST", "/v1/model/response")
        .match_header("accept", "text/event-stream")
        .match_body(expected.as_str())
        .with_header("content-type", "text/event-stream")
        .with_body("data: {\"type\": \"response.output_text.delta\", \"delta\": \"Hi!\"}\n\n")
        .create();
    let client = common::client(&server.url());
    let text = client
        .responses()
        .stream(&quick_start())
        .unwrap()
        .into_text()
        .unwrap();
    assert_eq!(text, "Hi!");
    mock.assert();
}

#[test]
fn every_setter_sends_its_field_under_the_documented_name() {
    let request = CreateResponse::new("claude-3-5-sonnet", [Message::user("Hi")])
        .organization_id("org_1")
        .thread_id("thread_1")
        .assistant_id("asst_1")
        .workflow_id("flow_1")
        .vector_store_ids(["vs_1", "vs_2"])
        .space_id("space_1")
        .previous_response_id("resp_0")
        .tools([Tool::function("get_weather", json!({"type": "object"})).description("Weather")])
        .instructions("Be brief.")
        .temperature(0.5)
        .top_p(0.9)
        .max_output_synapses(256)
        .reasoning(
            Reasoning::new()
                .effort(ReasoningEffort::Maximum)
                .summary(ReasoningSummary::Concise),
        )
        .include(["usage.detailed", "tools.used"])
        .metadata([("ticket", json!("T-1")), ("attempt", json!(2))])
        .disable_rules(true)
        .store(false)
        .output_mode(OutputMode::Structured)
        .system_tools([
            ("web_search", json!({"mode": "auto"})),
            ("code_interpreter", json!(null)),
        ])
        .extra("response_format", json!({"type": "json_object"}));
    let expected = json!({
        "model": "claude-3-5-sonnet",
        "inputs": [{"role": "user", "content": "Hi"}],
        "organization_id": "org_1",
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "workflow_id": "flow_1",
        "vector_store_ids": ["vs_1", "vs_2"],
        "space_id": "space_1",
        "previous_response_id": "resp_0",
        "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}, "description": "Weather"}],
        "instructions": "Be brief.",
        "temperature": 0.5,
        "top_p": 0.9,
        "max_output_synapses": 256,
        "reasoning": {"effort": "maximum", "summary": "concise"},
        "include": ["usage.detailed", "tools.used"],
        "metadata": {"ticket": "T-1", "attempt": 2},
        "disable_rules": true,
        "store": false,
        "output_mode": "structured",
        "system_tools": {"web_search": {"mode": "auto"}, "code_interpreter": null},
        "response_format": {"type": "json_object"},
    });
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response")
        .match_body(Matcher::Json(expected))
        .with_body(r#"{"response": "ok"}"#)
        .create();
    common::client(&server.url())
        .responses()
        .create(&request)
        .unwrap();
    mock.assert();
}

#[test]
fn the_message_ids_that_need_a_thread_are_sent_with_it() {
    for (request, field) in [
        (
            quick_start().thread_id("thread_1").edit_message_id("msg_1"),
            "edit_message_id",
        ),
        (
            quick_start()
                .thread_id("thread_1")
                .previous_message_id("msg_1"),
            "previous_message_id",
        ),
    ] {
        let mut server = Server::new();
        let mock = server
            .mock("POST", "/v1/model/response")
            .match_body(Matcher::PartialJson(
                json!({"thread_id": "thread_1", field: "msg_1"}),
            ))
            .with_body("{}")
            .create();
        common::client(&server.url())
            .responses()
            .create(&request)
            .unwrap();
        mock.assert();
    }
}

#[test]
fn messages_carry_blocks_files_tool_results_and_extra_fields() {
    let request = CreateResponse::new(
        "gpt-4o",
        [
            Message::system("You are terse."),
            Message::assistant("Earlier answer."),
            Message::user(vec![
                ContentBlock::text("Compare these:"),
                ContentBlock::file("file_a"),
                ContentBlock::raw(json!({"type": "image", "url": "https://example.com/cat.png"})),
            ])
            .file("file_b")
            .file("file_c"),
            Message::tool_result("call_1", json!({"temperature": 21})),
            Message::user("Thanks").extra("name", "ada"),
        ],
    );
    let expected = json!({
        "model": "gpt-4o",
        "inputs": [
            {"role": "system", "content": "You are terse."},
            {"role": "assistant", "content": "Earlier answer."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Compare these:"},
                    {"type": "file", "file_id": "file_a"},
                    {"type": "image", "url": "https://example.com/cat.png"},
                ],
                "files": [{"file_id": "file_b"}, {"file_id": "file_c"}],
            },
            {"role": "tool", "content": {"temperature": 21}, "tool_call_id": "call_1"},
            {"role": "user", "content": "Thanks", "name": "ada"},
        ],
    });
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response")
        .match_body(Matcher::Json(expected))
        .with_body("{}")
        .create();
    common::client(&server.url())
        .responses()
        .create(&request)
        .unwrap();
    mock.assert();
}

#[test]
fn an_extra_field_set_twice_keeps_the_last_value() {
    let request = quick_start().extra("seed", 1).extra("seed", 2);
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body["seed"], 2);
}

#[test]
fn mcp_credentials_do_not_show_in_debug() {
    let tool = Tool::mcp("docs")
        .authorization("secret-token-value")
        .header("X-Token", "secret-header-value");
    let request = quick_start().tools([tool]);
    let text = format!("{request:?}");
    assert!(!text.contains("secret-token-value"), "{text}");
    assert!(!text.contains("secret-header-value"), "{text}");
    assert!(
        text.contains("X-Token") && text.contains("server_label"),
        "{text}"
    );
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["tools"][0]["authorization"], "secret-token-value");
}

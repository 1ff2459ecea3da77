//! `cancel(thread_id)` posts to the thread's cancel endpoint and reads the typed answer.
mod common;

use freddy::Error;
use mockito::{Matcher, Server};

#[test]
fn cancel_posts_without_a_body_and_reads_the_answer() {
    let mut server = Server::new();
    let mock = server
        .mock("POST", "/v1/model/response/thread_abc123/cancel")
        .match_header("x-api-key", common::key().as_str())
        .match_body("")
        .with_body(
            r#"{"success": true, "cancel_mode": "keep_partial", "elapsed_seconds": 7.5,
                "user_message_deleted": false, "assistant_response_deleted": false,
                "partial_content_saved": true, "note": "extra"}"#,
        )
        .create();
    let client = common::client(&server.url());
    let cancelled = client.responses().cancel("thread_abc123").unwrap();
    assert!(cancelled.success);
    assert_eq!(cancelled.cancel_mode, "keep_partial");
    assert_eq!(cancelled.elapsed_seconds, 7.5);
    assert!(!cancelled.user_message_deleted && !cancelled.assistant_response_deleted);
    assert_eq!(cancelled.partial_content_saved, Some(true));
    assert_eq!(cancelled.extra["note"], "extra");
    mock.assert();
}

#[test]
fn a_thread_id_that_could_change_the_path_is_refused_before_sending() {
    let mut server = Server::new();
    let mock = server.mock("POST", Matcher::Any).expect(0).create();
    let client = common::client(&server.url());
    for bad in [
        "",
        "..",
        ".hidden",
        "thread/1",
        "thread?x=1",
        "thread%2F1",
        "thread#1",
        "a b",
    ] {
        let err = client.responses().cancel(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err:?}");
    }
    mock.assert();
}

#[test]
fn an_unprocessable_cancel_is_an_api_error() {
    let mut server = Server::new();
    server
        .mock("POST", "/v1/model/response/thread_1/cancel")
        .with_status(422)
        .with_body(r#"{"detail": [{"msg": "no stream is running"}]}"#)
        .create();
    let err = common::client(&server.url())
        .responses()
        .cancel("thread_1")
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.status(), api.message()), (422, "no stream is running"));
}

//! Helpers shared by the host's integration tests.

use serde_json::Value;

/// The `(client, server, client_state, server_state)` of every connection of a JSON document
/// (`analyze --json`, `sim --json`, `table --json`), sorted.
pub fn end_states(doc: &Value) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (
                s("client"),
                s("server"),
                s("client_state"),
                s("server_state"),
            )
        })
        .collect();
    v.sort();
    v
}

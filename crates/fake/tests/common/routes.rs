//! Helpers shared by the routing tests (`routes_*.rs`).

use simplicate_api::registry::{self, Method};
use simplicate_fake::FakeServer;

use super::{data_list, get, ids};

/// The id of the first record of `collection`, if it has any (asked over HTTP where the
/// collection lists: a one-record page is served from the stored bytes, much cheaper than
/// decoding the whole collection from the store).
pub fn first_id(server: &FakeServer, collection: &str) -> Option<String> {
    if server.store().count(collection) == 0 {
        return None;
    }
    let listable =
        registry::find_path(collection).is_some_and(|r| r.collection.contains(Method::Get));
    let page = if listable {
        data_list(&get(server, &format!("/api/v2/{collection}?limit=1")))
    } else {
        server.store().list(collection)
    };
    Some(ids(&page)[0].clone())
}

//! The list envelope, `{"data": [records...], "metadata": {"count": N}, ...}`: one walker over
//! the page bytes that hands each record to a [`RecordSink`], used both by the quick scan that
//! tells the pager what a page holds and by the build that flattens it.

use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::transcode::Key;
use super::PageError;

/// Receives the records of `data`, in order, each still unparsed.
pub(crate) trait RecordSink {
    fn record<'de, D: Deserializer<'de>>(&mut self, index: usize, d: D) -> Result<(), D::Error>;
}

/// What a walk found besides the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) rows: usize,
    pub(crate) count: Option<usize>,
}

/// Walk a page body, feeding its records to `sink`.
pub(crate) fn walk<S: RecordSink>(body: &[u8], sink: &mut S) -> Result<Summary, PageError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(PageError("the body is empty".to_owned()));
    }
    // One UTF-8 check for the page, rather than one per string as a byte-slice reader does.
    let text = std::str::from_utf8(body)
        .map_err(|e| PageError(format!("invalid JSON (not UTF-8: {e})")))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let summary = de
        .deserialize_map(Envelope { sink })
        .and_then(|summary| de.end().map(|()| summary))
        .map_err(|e| PageError(describe(e)))?;
    summary.ok_or_else(|| PageError("the JSON object has no \"data\" key".to_owned()))
}

fn describe(e: serde_json::Error) -> String {
    if e.is_data() {
        e.to_string()
    } else {
        format!("invalid JSON ({e})")
    }
}

/// What the pager needs to know about a page before building from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageScan {
    /// Records on the page.
    pub rows: usize,
    /// Each record's `id` when it is a string (repeats are recognised by it).
    pub ids: Vec<Option<String>>,
    /// `metadata.count`, when the page carries it.
    pub count: Option<usize>,
}

/// Check that `body` is a list envelope and read its ids and count, without building anything.
pub fn scan_page(body: &[u8]) -> Result<PageScan, PageError> {
    let mut ids = Ids(Vec::new());
    let summary = walk(body, &mut ids)?;
    Ok(PageScan {
        rows: summary.rows,
        ids: ids.0,
        count: summary.count,
    })
}

struct Ids(Vec<Option<String>>);

impl RecordSink for Ids {
    fn record<'de, D: Deserializer<'de>>(&mut self, _: usize, d: D) -> Result<(), D::Error> {
        let id = d.deserialize_map(IdOf)?;
        self.0.push(id);
        Ok(())
    }
}

/// A record's string `id`, every other member skipped.
struct IdOf;

impl<'de> Visitor<'de> for IdOf {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key_seed(Key)? {
            if key == "id" {
                id = map
                    .next_value::<serde_json::Value>()?
                    .as_str()
                    .map(str::to_owned);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(id)
    }
}

struct Envelope<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: RecordSink> Visitor<'de> for Envelope<'_, S> {
    /// `None` when there was no `data`.
    type Value = Option<Summary>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with a \"data\" key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rows = None;
        let mut count = None;
        while let Some(key) = map.next_key_seed(Key)? {
            match key.as_ref() {
                "data" if rows.is_none() => {
                    rows = Some(map.next_value_seed(Data {
                        sink: &mut *self.sink,
                    })?);
                }
                "data" => return Err(A::Error::custom("\"data\" appears twice")),
                "metadata" => {
                    let metadata: serde_json::Value = map.next_value()?;
                    count = metadata
                        .get("count")
                        .and_then(serde_json::Value::as_u64)
                        .and_then(|c| usize::try_from(c).ok());
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(rows.map(|rows| Summary { rows, count }))
    }
}

/// The `data` list; its value is the number of records.
struct Data<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: RecordSink> DeserializeSeed<'de> for Data<'_, S> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: RecordSink> Visitor<'de> for Data<'_, S> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records under \"data\"")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        while seq
            .next_element_seed(Record {
                sink: &mut *self.sink,
                index,
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(index)
    }
}

struct Record<'s, S> {
    sink: &'s mut S,
    index: usize,
}

impl<'de, S: RecordSink> DeserializeSeed<'de> for Record<'_, S> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.sink.record(self.index, deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_reads_ids_and_count() {
        let body = br#"{"data": [{"name": "a", "id": "x:1"}, {"id": 5}, {}],
                        "metadata": {"count": 42, "offset": 0}, "errors": null}"#;
        let scan = scan_page(body).unwrap();
        assert_eq!(scan.rows, 3);
        assert_eq!(scan.ids, [Some("x:1".to_owned()), None, None]);
        assert_eq!(scan.count, Some(42));
        let scan = scan_page(br#"{"metadata": null, "data": []}"#).unwrap();
        assert_eq!((scan.rows, scan.count), (0, None));
    }

    #[test]
    fn non_envelopes_are_errors() {
        for (body, words) in [
            (&b""[..], "empty"),
            (b"  ", "empty"),
            (b"<html>", "invalid JSON"),
            (b"[1, 2]", "data"),
            (br#"{"errors": []}"#, "no \"data\""),
            (br#"{"data": null}"#, "list of records"),
            (br#"{"data": {"id": "x"}}"#, "list of records"),
            (br#"{"data": [1]}"#, "record"),
            (br#"{"data": [{"id": "x"}"#, "invalid JSON"),
            (br#"{"data": []} trailing"#, "invalid JSON"),
            (br#"{"data": [], "data": []}"#, "twice"),
        ] {
            let err = scan_page(body).unwrap_err();
            assert!(
                err.0.contains(words),
                "{:?}: {err}",
                String::from_utf8_lossy(body)
            );
        }
    }
}

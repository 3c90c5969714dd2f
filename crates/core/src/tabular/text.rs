//! A growing column of strings (Arrow's offsets + bytes layout), and the JSON text writers used
//! wherever a value has to become text (lists in JSON mode, conflicts).

use std::sync::Arc;

use arrow_array::{ArrayRef, LargeStringArray, StringArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};

/// Strings end to end in one byte buffer; value `i` is `data[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    offsets: Vec<i64>,
    data: Vec<u8>,
}

impl Default for Text {
    fn default() -> Self {
        Text {
            offsets: vec![0],
            data: Vec::new(),
        }
    }
}

impl Text {
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub(crate) fn push(&mut self, value: &str) {
        self.data.extend_from_slice(value.as_bytes());
        self.end_value();
    }

    /// An empty string (the placeholder under a null).
    pub(crate) fn push_empty(&mut self) {
        self.end_value();
    }

    /// Append bytes to the value being written; [`Text::end_value`] closes it.
    pub(crate) fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.data
    }

    pub(crate) fn end_value(&mut self) {
        self.offsets.push(self.data.len() as i64);
    }

    pub(crate) fn get(&self, i: usize) -> &str {
        let bytes = &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize];
        // Only `&str`s and JSON written by serde_json go in.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.len() {
            self.offsets.truncate(len + 1);
            self.data.truncate(self.offsets[len] as usize);
        }
    }

    /// A `string` array, or `large_string` past 2 GiB of text; the bytes move, no copy.
    pub(crate) fn into_array(self, nulls: Option<NullBuffer>) -> ArrayRef {
        let data = Buffer::from_vec(self.data);
        if let Ok(last) = i32::try_from(*self.offsets.last().unwrap_or(&0)) {
            debug_assert!(last >= 0);
            let offsets: Vec<i32> = self.offsets.iter().map(|&o| o as i32).collect();
            let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
            // `new` checks what construction guarantees: monotonic offsets, UTF-8 values.
            Arc::new(StringArray::new(offsets, data, nulls))
        } else {
            let offsets = OffsetBuffer::new(ScalarBuffer::from(self.offsets));
            Arc::new(LargeStringArray::new(offsets, data, nulls))
        }
    }
}

/// `value` as compact JSON text, appended to `out`.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing strings, numbers or `serde_json::Value`s into a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// A float as JSON writes it (`1.5`, `1.0`, `1e300`).
pub(crate) fn write_float(out: &mut Vec<u8>, value: f64) {
    write_json(out, &value);
}

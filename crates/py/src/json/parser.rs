//! The parser proper: values, objects (with the key predictions and templates of `caches`) and
//! arrays, built into Python objects through `objects`.

use pyo3::prelude::*;

use super::caches::ShapeRef;
use super::errors::{
    syntax, Result, EOF_LIST, EOF_OBJECT, EOF_VALUE, EXPECTED_COLON, EXPECTED_IDENT,
    EXPECTED_LIST_COMMA_OR_END, EXPECTED_OBJECT_COMMA_OR_END, EXPECTED_VALUE, KEY_MUST_BE_A_STRING,
    RECURSION_LIMIT, TRAILING_CHARACTERS, TRAILING_COMMA,
};
use super::numbers::{self, Number};
use super::objects::{self, Ref};
use super::strings::Span;
use super::{Decoder, MAX_DEPTH, NONE, TEMPLATE_MIN_KEYS, VALUE_MAX_LEN};

impl<'py> Decoder<'_, 'py> {
    pub(super) fn document(&mut self) -> Result<Ref<'py>> {
        let value = self.value(NONE)?;
        match self.skip_whitespace() {
            None => Ok(value),
            Some(_) => syntax(TRAILING_CHARACTERS, self.pos),
        }
    }

    /// Skip whitespace and return the next byte, if any.
    #[inline]
    fn skip_whitespace(&mut self) -> Option<u8> {
        while let Some(&b) = self.data.get(self.pos) {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                _ => return Some(b),
            }
        }
        None
    }

    /// Parse the value at the next non-whitespace byte. `parent` is the key this value is stored
    /// under (for arrays: the key of the array), for the key predictions of nested objects.
    fn value(&mut self, parent: u32) -> Result<Ref<'py>> {
        let Some(b) = self.skip_whitespace() else {
            return syntax(EOF_VALUE, self.pos);
        };
        match b {
            b'"' => self.string_value(),
            b'{' => self.nested(parent, Self::object),
            b'[' => self.nested(parent, Self::array),
            b't' => self.literal(b"true", objects::true_),
            b'f' => self.literal(b"false", objects::false_),
            b'n' => self.literal(b"null", objects::none),
            b'-' | b'0'..=b'9' => self.number(),
            _ => syntax(EXPECTED_VALUE, self.pos),
        }
    }

    fn literal(
        &mut self,
        word: &'static [u8],
        object: fn(Python<'py>) -> Ref<'py>,
    ) -> Result<Ref<'py>> {
        let end = self.pos + word.len();
        if self.data.get(self.pos..end) != Some(word) {
            return match self.data.get(self.pos..) {
                Some(rest) if word.starts_with(rest) => syntax(EOF_VALUE, self.data.len()),
                _ => syntax(EXPECTED_IDENT, self.pos),
            };
        }
        self.pos = end;
        Ok(object(self.py))
    }

    /// Run `f` one nesting level deeper, failing past `MAX_DEPTH`.
    #[inline]
    fn nested(
        &mut self,
        parent: u32,
        f: fn(&mut Self, u32) -> Result<Ref<'py>>,
    ) -> Result<Ref<'py>> {
        if self.depth >= MAX_DEPTH {
            return syntax(RECURSION_LIMIT, self.pos);
        }
        self.depth += 1;
        let r = f(self, parent);
        self.depth -= 1;
        r
    }

    /// Parse an object. Objects stored under the same key (say, the records of `"data"`) usually
    /// have the same keys in the same order, so the key cache remembers the last such object's
    /// key sequence (its *shape*): while an object follows it, each key is predicted exactly, and
    /// an object with six keys or more starts as a copy of the last dict of that shape
    /// (`PyDict_Copy` clones its hash table in one go) whose values are then replaced, instead of
    /// growing and rehashing key by key. An object that turns out to differ leaves the shape (a
    /// copy is rebuilt by insertion) and becomes the new shape.
    fn object(&mut self, parent: u32) -> Result<Ref<'py>> {
        let py = self.py;
        self.pos += 1; // `{`
        match self.skip_whitespace() {
            Some(b'}') => {
                self.pos += 1;
                return objects::new_dict(py);
            }
            Some(b'"') => {}
            Some(_) => return syntax(KEY_MUST_BE_A_STRING, self.pos),
            None => return syntax(EOF_OBJECT, self.pos),
        }
        let (first, mut shape) = self.keys.prediction(parent);
        // While `shape` is `Some`, every key so far matched it: their ids are not on `ids`.
        let ids_mark = self.ids.len();
        let mut predicted = match shape {
            Some(sh) => self.keys.shape_id(sh, 0),
            None => first,
        };
        let mut dict: Option<Ref<'py>> = None;
        // Whether `dict` is a copy of the template.
        let mut copied = false;
        let mut prev = NONE;
        let mut n: u32 = 0;
        loop {
            // At the opening quote of a key.
            let (id, key) = match self.keys.predicted(self.data, self.pos + 1, predicted) {
                Some((end, key)) => {
                    self.pos = end + 1;
                    (predicted, key)
                }
                None => {
                    let span = self.read_string()?;
                    let bytes = match span {
                        Span::Input(start, end) => &self.data[start..end],
                        Span::Tape => &self.tape[..],
                    };
                    let (id, key) = self.keys.get(py, bytes)?;
                    if n == 0 {
                        self.keys.set_first(parent, id);
                    } else {
                        self.keys.set_next(prev, id);
                    }
                    (id, key)
                }
            };
            match self.skip_whitespace() {
                Some(b':') => self.pos += 1,
                Some(_) => return syntax(EXPECTED_COLON, self.pos),
                None => return syntax(EOF_OBJECT, self.pos),
            }
            if let Some(sh) = shape {
                if self.keys.shape_id(sh, n) != id {
                    shape = None;
                    if let Some(d) = dict.take() {
                        dict = Some(self.leave_shape(d, copied, sh, n)?);
                    }
                    copied = false;
                }
            }
            // The dict is made at the first key: the template is read before any nested value
            // (which could replace it) is parsed.
            let target = match dict.take() {
                Some(d) => dict.insert(d),
                None => {
                    let template = shape.and_then(|_| self.keys.template(parent));
                    copied = template.is_some();
                    let new = match template {
                        Some(t) => objects::dict_copy(py, t)?,
                        None => objects::new_dict(py)?,
                    };
                    dict.insert(new)
                }
            };
            if shape.is_none() {
                self.ids.push(id);
            }
            let value = self.value(id)?;
            objects::dict_set(py, target, &key, &value)?;
            drop(key);
            n += 1;
            prev = id;
            predicted = match shape {
                Some(sh) if n < sh.len => self.keys.shape_id(sh, n),
                _ => self.keys.next_of(id),
            };
            match self.skip_whitespace() {
                Some(b',') => {
                    self.pos += 1;
                    match self.skip_whitespace() {
                        Some(b'"') => {}
                        Some(b'}') => return syntax(TRAILING_COMMA, self.pos),
                        Some(_) => return syntax(KEY_MUST_BE_A_STRING, self.pos),
                        None => return syntax(EOF_VALUE, self.pos),
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => return syntax(EXPECTED_OBJECT_COMMA_OR_END, self.pos),
                None => return syntax(EOF_OBJECT, self.pos),
            }
        }
        let mut dict = match dict {
            Some(d) => d,
            None => objects::new_dict(py)?,
        };
        if let Some(sh) = shape {
            if sh.len == n {
                return Ok(dict);
            }
            // A prefix of the shape: a copy has keys too many.
            dict = self.leave_shape(dict, copied, sh, n)?;
        }
        let template = n as usize >= TEMPLATE_MIN_KEYS;
        self.keys
            .set_shape(parent, &self.ids[ids_mark..], template.then_some(&dict));
        self.ids.truncate(ids_mark);
        Ok(dict)
    }

    /// Stop following shape `sh` after its first `n` keys: push their ids onto `ids`, and if
    /// `dict` is a copy of the template, rebuild it by insertion from those keys.
    #[cold]
    fn leave_shape(
        &mut self,
        dict: Ref<'py>,
        copied: bool,
        sh: ShapeRef,
        n: u32,
    ) -> Result<Ref<'py>> {
        let py = self.py;
        for i in 0..n {
            self.ids.push(self.keys.shape_id(sh, i));
        }
        if !copied {
            return Ok(dict);
        }
        let fresh = objects::new_dict(py)?;
        for i in 0..n {
            if let Some(key) = self.keys.obj(self.keys.shape_id(sh, i)) {
                objects::dict_move_item(py, &dict, &fresh, &key)?;
            }
        }
        Ok(fresh)
    }

    fn array(&mut self, parent: u32) -> Result<Ref<'py>> {
        let py = self.py;
        self.pos += 1; // `[`
        let mark = self.stack.len();
        match self.skip_whitespace() {
            Some(b']') => self.pos += 1,
            Some(_) => loop {
                let item = self.value(parent)?;
                self.stack.push(item);
                match self.skip_whitespace() {
                    Some(b',') => {
                        self.pos += 1;
                        if self.skip_whitespace() == Some(b']') {
                            return syntax(TRAILING_COMMA, self.pos);
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return syntax(EXPECTED_LIST_COMMA_OR_END, self.pos),
                    None => return syntax(EOF_LIST, self.pos),
                }
            },
            None => return syntax(EOF_LIST, self.pos),
        }
        objects::new_list(py, self.stack.drain(mark..))
    }

    fn string_value(&mut self) -> Result<Ref<'py>> {
        let span = self.read_string()?;
        let bytes = match span {
            Span::Input(start, end) => &self.data[start..end],
            Span::Tape => &self.tape[..],
        };
        if bytes.is_empty() || bytes.len() > VALUE_MAX_LEN {
            return objects::new_str(self.py, bytes);
        }
        self.values.get(self.py, bytes)
    }

    fn number(&mut self) -> Result<Ref<'py>> {
        let (number, end) = numbers::scan(self.data, self.pos)?;
        self.pos = end;
        match number {
            Number::Int(value) => objects::new_int(self.py, value),
            Number::Float(value) => objects::new_float(self.py, value),
            Number::Big(text) => objects::new_big_int(self.py, text),
        }
    }
}

//! A pull reader for the cache files' JSON: values are read straight into the caller's
//! types, with no tree of `serde_json::Value`s in between (a warm scan reads its cache
//! files this way, and building the tree was most of its cost). Every method returns
//! `None` on anything that is not well-formed JSON of the expected shape, so a corrupt
//! or truncated file is refused, never half-read.

use std::borrow::Cow;

/// A position in a JSON text.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

/// How many bytes at the start of `bytes` a JSON string holds as they are: up to the
/// first quote, backslash or control byte (or the end). Eight bytes are tested at once:
/// a warm scan's cache files are mostly the text of strings.
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero exactly when its high bit in `zero_bytes(x)` is set (the
    // classic test; a 0x01 byte after a zero byte may be flagged as well, which only
    // sends that word to the byte-wise loop below).
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
        let backslash = zero_bytes(word ^ (ONES * u64::from(b'\\')));
        // Bytes below 0x20: their top three bits are zero.
        let control = zero_bytes(word & (ONES * 0xe0));
        if quote | backslash | control != 0 {
            break;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|b| *b == b'"' || *b == b'\\' || *b < 0x20)
        .unwrap_or(bytes.len() - at)
}

/// How deeply [`Reader::skip_value`] follows nested arrays and objects.
const MAX_SKIP_DEPTH: usize = 64;

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes().get(self.pos).copied()
    }

    /// Consumes byte `b` (after whitespace).
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    fn eat_word(&mut self, word: &str) -> Option<()> {
        self.skip_whitespace();
        self.text[self.pos..].starts_with(word).then(|| {
            self.pos += word.len();
        })
    }

    /// The whole text was read: nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> Option<()> {
        (self.peek().is_none()).then_some(())
    }

    pub(crate) fn null(&mut self) -> Option<()> {
        self.eat_word("null")
    }

    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.eat_word("true").map(|()| true),
            b'f' => self.eat_word("false").map(|()| false),
            _ => None,
        }
    }

    /// A non-negative integer.
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.skip_whitespace();
        let start = self.pos;
        while self.bytes().get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        if matches!(self.bytes().get(self.pos), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.text[start..self.pos].parse().ok()
    }

    pub(crate) fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    /// A string, borrowed from the text when it holds no escape.
    pub(crate) fn str(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.pos;
        let bytes = self.bytes();
        self.pos += plain_run(&bytes[self.pos..]);
        match bytes.get(self.pos)? {
            b'"' => {
                let s = &self.text[start..self.pos];
                self.pos += 1;
                return Some(Cow::Borrowed(s));
            }
            b'\\' => {}
            _ => return None,
        }
        let mut out = String::from(&self.text[start..self.pos]);
        loop {
            match bytes.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = *bytes.get(self.pos)?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return None,
                    }
                }
                b if *b < 0x20 => return None,
                _ => {
                    // Copy up to the next quote or escape at once (UTF-8 stays whole).
                    let run = self.pos + plain_run(&bytes[self.pos..]);
                    out.push_str(&self.text[self.pos..run]);
                    self.pos = run;
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        self.pos += 4;
        Some(value)
    }

    /// The character of a `\u` escape (the `\u` consumed), a surrogate pair joined.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xd800..0xdc00).contains(&first) {
            self.text[self.pos..].starts_with("\\u").then_some(())?;
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xdc00..0xe000).contains(&second) {
                return None;
            }
            return char::from_u32(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00));
        }
        char::from_u32(first)
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        self.str().map(Cow::into_owned)
    }

    /// A string or `null`.
    pub(crate) fn optional_string(&mut self) -> Option<Option<String>> {
        if self.peek()? == b'n' {
            self.null()?;
            return Some(None);
        }
        self.string().map(Some)
    }

    /// An array, each element read by `item`.
    pub(crate) fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array of elements each read by `item`.
    pub(crate) fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        self.array(|r| {
            out.push(item(r)?);
            Some(())
        })?;
        Some(out)
    }

    pub(crate) fn strings(&mut self) -> Option<Vec<String>> {
        self.list(Reader::string)
    }

    /// An object, each value read by `field` with its key.
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &str) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            field(self, &key)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads past one value of any kind (a key the reader does not use).
    pub(crate) fn skip_value(&mut self) -> Option<()> {
        self.skip(0)
    }

    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_SKIP_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.str().map(drop),
            b'{' => self.object(|r, _| r.skip(depth + 1)),
            b'[' => self.array(|r| r.skip(depth + 1)),
            b't' | b'f' => self.bool().map(drop),
            b'n' => self.null(),
            b'-' | b'0'..=b'9' => {
                self.pos += 1;
                while self.bytes().get(self.pos).is_some_and(|b| {
                    b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')
                }) {
                    self.pos += 1;
                }
                Some(())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The word-at-a-time scan stops where the byte-wise one does, for a stop byte
    /// (or none) at every position of strings longer than a word, non-ASCII included.
    #[test]
    fn plain_runs_end_at_the_first_quote_backslash_or_control_byte() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|c| *c == b'"' || *c == b'\\' || *c < 0x20)
                .unwrap_or(b.len())
        };
        for stop in [&b"\""[..], b"\\", b"\n", b"\x00", b"\x1f"] {
            for len in 0..40 {
                for at in 0..=len {
                    let mut text: Vec<u8> = "aé€x\x01 ~\x7f".bytes().cycle().take(len).collect();
                    text.truncate(at);
                    text.extend_from_slice(stop);
                    text.extend_from_slice(b"tail\"");
                    assert_eq!(plain_run(&text), naive(&text), "{text:?}");
                }
                let text: Vec<u8> = "abcdéfgh".bytes().cycle().take(len).collect();
                assert_eq!(plain_run(&text), len);
            }
        }
    }

    use super::*;

    #[test]
    fn reads_what_serde_json_writes() {
        let value = serde_json::json!({"a": ["x\"y\\z\n\u{1}é😀", null, true, 17], "b": {"c": []}});
        let text = value.to_string();
        let mut r = Reader::new(&text);
        let mut seen = Vec::new();
        r.object(|r, key| {
            seen.push(key.to_string());
            match key {
                "a" => r.array(|r| match r.peek()? {
                    b'"' => {
                        assert_eq!(r.string()?, "x\"y\\z\n\u{1}é😀");
                        Some(())
                    }
                    b'n' => r.null(),
                    b't' => r.bool().map(drop),
                    _ => {
                        assert_eq!(r.u64()?, 17);
                        Some(())
                    }
                }),
                _ => r.skip_value(),
            }
        })
        .unwrap();
        assert_eq!(r.end(), Some(()));
        assert_eq!(seen, ["a", "b"]);
    }

    #[test]
    fn refuses_what_is_not_whole() {
        let text = r#"{"a": ["x", 1]}"#;
        for cut in 0..text.len() {
            let mut r = Reader::new(&text[..cut]);
            let read = r.object(|r, _| r.array(|r| r.skip_value()));
            assert!(read.and_then(|()| r.end()).is_none(), "{cut}");
        }
        assert!(
            Reader::new("\"\\ud800\"").str().is_none(),
            "a lone surrogate"
        );
        assert!(Reader::new("1.5").u64().is_none());
        assert!(Reader::new("-1").u64().is_none());
    }
}

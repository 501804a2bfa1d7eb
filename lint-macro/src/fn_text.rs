//! A fn item recognized on its tokens as printed (`TokenStream::to_string`), for the
//! fast path's commonest case: a fn with nothing to report and nothing to add goes back
//! as its own tokens, and needs no split into trees (each top-level tree crosses the
//! compiler's bridge and is wrapped, unoptimized, one by one).
//!
//! It accepts a subset of what [`crate::fn_item::FnItem::split`] accepts: attributes,
//! `pub` with an optional `(..)`, the qualifiers `async`, `const`, `unsafe`, `extern`
//! (with an ABI string) and `default`, `fn`, a plain name, parameters, an optional
//! `-> type` or `where` clause and a body last. Generics, raw names, raw strings, comments
//! and anything else it does not read plainly give `None`: the split decides then.

/// What the fast path needs of a fn read from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FnText {
    /// Whether `async` is among the qualifiers.
    pub is_async: bool,
    /// Whether the body's first token is a `#` (an inner attribute, perhaps): when not,
    /// the body has no inner attributes to keep first.
    pub body_starts_with_hash: bool,
}

/// The fn that `text` prints, when it is one this reader is sure of.
pub fn plain_fn(text: &str) -> Option<FnText> {
    let bytes = text.as_bytes();
    let mut i = skip_space(bytes, 0);
    // Attributes: `# [ .. ]`.
    while bytes.get(i) == Some(&b'#') {
        i = skip_space(bytes, i + 1);
        if bytes.get(i) != Some(&b'[') {
            return None;
        }
        i = skip_space(bytes, group_end(bytes, i)?);
    }
    let mut word = read_word(bytes, i)?;
    if word.0 == b"pub" {
        i = skip_space(bytes, word.1);
        if bytes.get(i) == Some(&b'(') {
            i = skip_space(bytes, group_end(bytes, i)?);
        }
        word = read_word(bytes, i)?;
    }
    let mut is_async = false;
    loop {
        match word.0 {
            b"fn" => break,
            b"async" => is_async = true,
            b"const" | b"unsafe" | b"default" => {}
            b"extern" => {
                let at = skip_space(bytes, word.1);
                if bytes.get(at) == Some(&b'"') {
                    word.1 = string_end(bytes, at + 1)?;
                }
            }
            _ => return None,
        }
        word = read_word(bytes, skip_space(bytes, word.1))?;
    }
    let (_name, after_name) = read_word(bytes, skip_space(bytes, word.1))?;
    let params = skip_space(bytes, after_name);
    if bytes.get(params) != Some(&b'(') {
        // Generics (`<`), or not a fn header this reader knows.
        return None;
    }
    let after_params = skip_space(bytes, group_end(bytes, params)?);
    let body = last_group(bytes, after_params)?;
    // Between the parameters and the body: nothing, `-> type` or `where ..`.
    let between = &bytes[after_params..body];
    let plain = between.is_empty()
        || between.starts_with(b"->")
        || (between.starts_with(b"where") && between.get(5).is_some_and(|b| !is_word_byte(*b)));
    plain.then_some(FnText {
        is_async,
        body_starts_with_hash: bytes.get(skip_space(bytes, body + 1)) == Some(&b'#'),
    })
}

/// Where the last top-level group of `bytes[from..]` starts, when it is a `{ .. }` that
/// ends the text; `None` for anything else or what this reader does not read plainly.
fn last_group(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut last_open = None;
    let mut last_end = None;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'(' | b'[' => {
                let end = group_end(bytes, i)?;
                if bytes[i] == b'{' {
                    last_open = Some(i);
                    last_end = Some(end);
                } else {
                    last_end = None;
                }
                i = end;
            }
            b')' | b']' | b'}' | b'"' | b'/' => return None,
            b'\'' => i = lifetime_or_char_end(bytes, i)?,
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                last_end = None;
                i += 1;
            }
        }
    }
    let end = last_end?;
    (skip_space(bytes, end) == bytes.len()).then_some(last_open?)
}

/// The index after the bracket that closes the one at `open`: strings and char literals
/// skipped, brackets of every kind paired; `None` for text it does not read plainly.
/// Plain loops and a table: this reads every byte of the body, unoptimized.
fn group_end(bytes: &[u8], open: usize) -> Option<usize> {
    let len = bytes.len();
    // Deeper nesting than this is rare enough to leave to the split.
    let mut stack = [0u8; 64];
    stack[0] = bytes[open];
    let mut depth = 1usize;
    let mut i = open + 1;
    while i < len {
        let b = bytes[i];
        if !SPECIAL[b as usize] {
            i += 1;
            continue;
        }
        match b {
            b'(' | b'[' | b'{' => {
                if depth == stack.len() {
                    return None;
                }
                stack[depth] = b;
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth -= 1;
                let expected = match stack[depth] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b != expected {
                    return None;
                }
                i += 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => {
                // A raw string's `r` (or `br`, `cr`) just before: not read plainly.
                if matches!(bytes[i - 1], b'r' | b'#') {
                    return None;
                }
                i = string_end(bytes, i + 1)?;
            }
            b'\'' => i = lifetime_or_char_end(bytes, i)?,
            // `/`: a comment, perhaps (printed tokens hold none, but a reader must not guess).
            _ if i + 1 < len && (bytes[i + 1] == b'/' || bytes[i + 1] == b'*') => return None,
            _ => i += 1,
        }
    }
    None
}

/// The bytes [`group_end`] looks at: brackets, quotes and `/`.
static SPECIAL: [bool; 256] = special();

const fn special() -> [bool; 256] {
    let mut table = [false; 256];
    let bytes = b"()[]{}\"'/";
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
}

/// Past a char literal (`'x'`, `'\n'`) or the quote of a lifetime (`'a`) at `i`.
fn lifetime_or_char_end(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes.get(i + 1), bytes.get(i + 2)) {
        (Some(b'\\'), _) => {
            // The escaped character is ASCII in every valid escape; the quote follows it.
            let mut j = i + 3;
            while j < bytes.len() && bytes[j] != b'\'' {
                j += 1;
            }
            (j < bytes.len()).then_some(j + 1)
        }
        (Some(c), _) if !c.is_ascii() => None,
        (Some(_), Some(b'\'')) => Some(i + 3),
        _ => Some(i + 1),
    }
}

/// The index after the closing `"` of a string whose contents start at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// An ASCII identifier at `i` and the index after it; `None` for anything else (or a
/// raw identifier, or one that goes on in non-ASCII).
fn read_word(bytes: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let first = *bytes.get(i)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let mut end = i + 1;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    if bytes.get(end).is_some_and(|b| !b.is_ascii() || *b == b'#') {
        return None;
    }
    Some((&bytes[i..end], end))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fn_item::FnItem;
    use proc_macro2::TokenStream;
    use quote::quote;

    /// Whatever the text reader accepts, the split accepts too, with the same `async`.
    fn agrees(tokens: TokenStream) -> Option<FnText> {
        let text = tokens.to_string();
        let read = plain_fn(&text);
        if let Some(read) = read {
            let split = FnItem::split(tokens.into_iter().collect());
            let split = split.unwrap_or_else(|| panic!("the split refuses {text}"));
            assert_eq!(read.is_async, split.is_async(), "{text}");
            let first = split.body().stream().into_iter().next();
            let hash =
                matches!(&first, Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '#');
            assert_eq!(read.body_starts_with_hash, hash, "{text}");
        }
        read
    }

    #[test]
    fn plain_fns_are_read() {
        for (tokens, is_async) in [
            (
                quote!(
                    async fn f() {}
                ),
                true,
            ),
            (
                quote!(
                    #[doc = "x ] {"]
                    pub async fn f(x: u8) -> u8 {
                        x
                    }
                ),
                true,
            ),
            (
                quote!(
                    pub(crate) fn f(s: &'static str) -> char {
                        let c = '}';
                        c
                    }
                ),
                false,
            ),
            (
                quote!(
                    unsafe extern "C" fn f()
                    where
                        u8: Copy,
                    {
                    }
                ),
                false,
            ),
            (
                quote!(
                    const fn f() -> [u8; 2] {
                        [b'{', 1]
                    }
                ),
                false,
            ),
            (
                quote!(
                    #[inline]
                    #[cfg(all())]
                    pub async fn handler(id: u64) -> Result<String, std::fmt::Error> {
                        tokio::time::sleep(Duration::from_micros(id % 7)).await;
                        Ok(format!("{}", "}"))
                    }
                ),
                true,
            ),
        ] {
            assert_eq!(
                agrees(tokens.clone()).map(|read| read.is_async),
                Some(is_async),
                "{tokens}"
            );
        }
    }

    #[test]
    fn a_body_that_opens_with_a_hash_is_told_apart() {
        for (tokens, hash) in [
            (
                quote!(
                    async fn f() {
                        #![allow(unused)]
                        g();
                    }
                ),
                true,
            ),
            (
                quote!(
                    async fn f() {
                        #[cfg(x)]
                        g();
                    }
                ),
                true,
            ),
            (
                quote!(
                    #[inline]
                    async fn f() -> u8 {
                        #[cfg(x)]
                        g();
                        1
                    }
                ),
                true,
            ),
            (
                quote!(
                    #[inline]
                    async fn f() -> u8 {
                        g();
                        #[cfg(x)]
                        h()
                    }
                ),
                false,
            ),
            (
                quote!(
                    async fn f() {}
                ),
                false,
            ),
        ] {
            let read = agrees(tokens.clone()).unwrap_or_else(|| panic!("{tokens}"));
            assert_eq!(read.body_starts_with_hash, hash, "{tokens}");
        }
    }

    #[test]
    fn what_it_does_not_read_plainly_goes_to_the_split() {
        for tokens in [
            quote!(
                fn f<T>(t: T) {}
            ),
            quote!(
                struct S {}
            ),
            quote!(impl S { fn f() {} }),
            quote!(
                fn f();
            ),
            quote!(
                fn r#type() {}
            ),
            quote!(
                fn f() -> u8 {
                    1
                }
                const X: u8 = 1;
            ),
            quote!(
                fn f() {
                    let s = r"}";
                }
            ),
            quote!(fn f() {}, {}),
            quote!(async move {}),
        ] {
            assert_eq!(agrees(tokens.clone()), None, "{tokens}");
        }
    }
}

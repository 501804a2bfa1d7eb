//! The prefilter on a source file's text, for a front end that would otherwise lex and
//! parse whole files (the attribute's crate view): a small lexer that keeps what the
//! token rule needs (identifiers, punctuation, bracket pairs) and skips comments and
//! literals, so a name inside a string or a comment never counts and a bracket inside
//! one never unbalances the rest. Text it cannot lex (an unterminated literal, unbalanced
//! brackets) counts as "may report": the parser is left to say what is wrong.

/// One token of the flat stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    /// An identifier or keyword, without an `r#` prefix.
    Ident(&'a str),
    /// One punctuation character (`::` is two).
    Punct(u8),
    /// An opening bracket and the index of its closing one.
    Open(u8, usize),
    /// A closing bracket.
    Close,
    /// A literal (number, string, char), its text not kept.
    Literal,
}

/// The text as flat tokens, or `None` when it does not lex.
pub(super) fn lex(text: &str) -> Option<Vec<Tok<'_>>> {
    lex_with_offsets(text).map(|lexed| lexed.toks)
}

/// Flat tokens with the byte offset each starts at (`starts[i]` for `toks[i]`), for a
/// reader that copies parts of the text verbatim (the module skeleton).
pub(super) struct Lexed<'a> {
    pub toks: Vec<Tok<'a>>,
    pub starts: Vec<usize>,
}

impl<'a> Lexed<'a> {
    fn push(&mut self, tok: Tok<'a>, start: usize) {
        self.toks.push(tok);
        self.starts.push(start);
    }

    fn len(&self) -> usize {
        self.toks.len()
    }
}

/// [`lex`], keeping where each token starts.
pub(super) fn lex_with_offsets(text: &str) -> Option<Lexed<'_>> {
    let bytes = text.as_bytes();
    let mut out = Lexed {
        toks: Vec::with_capacity(text.len() / 4),
        starts: Vec::with_capacity(text.len() / 4),
    };
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let at = i;
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr(b'\n', bytes, i).unwrap_or(bytes.len());
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = block_comment_end(bytes, i)?,
            b'"' => i = string_end(bytes, i + 1)?,
            b'\'' => {
                i = match char_literal_end(text, i) {
                    Some(end) => {
                        out.push(Tok::Literal, i);
                        end
                    }
                    None => {
                        // A lifetime or label: the quote, then the name as an identifier.
                        out.push(Tok::Punct(b'\''), i);
                        i + 1
                    }
                };
                continue;
            }
            b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Literal, start);
                continue;
            }
            b'(' | b'[' | b'{' => {
                open.push((out.len(), b));
                out.push(Tok::Open(b, 0), i);
                i += 1;
                continue;
            }
            b')' | b']' | b'}' => {
                let (at, opener) = open.pop()?;
                let expected = match opener {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b != expected {
                    return None;
                }
                out.toks[at] = Tok::Open(opener, out.len());
                out.push(Tok::Close, i);
                i += 1;
                continue;
            }
            _ if is_ident_start(text, i) => {
                let start = i;
                i = ident_end(text, i);
                let word = &text[start..i];
                // Literal prefixes: `r"..."`, `r#"..."#`, `b"..."`, `br"..."`, `c"..."`, `b'x'`.
                let next = bytes.get(i).copied();
                // Only a word of one or two letters can prefix a literal.
                let prefix = word.len() <= 2;
                if prefix && matches!(word, "r" | "br" | "cr") && matches!(next, Some(b'"' | b'#'))
                {
                    if let Some(end) = raw_string_end(bytes, i) {
                        out.push(Tok::Literal, start);
                        i = end;
                        continue;
                    }
                    if word == "r" && next == Some(b'#') {
                        // `r#ident`: a raw identifier.
                        let name = i + 1;
                        if !is_ident_start(text, name) {
                            return None;
                        }
                        i = ident_end(text, name);
                        out.push(Tok::Ident(&text[name..i]), start);
                        continue;
                    }
                    return None;
                }
                if prefix && matches!(word, "b" | "c") && next == Some(b'"') {
                    i = string_end(bytes, i + 1)?;
                    out.push(Tok::Literal, start);
                    continue;
                }
                if prefix && word == "b" && next == Some(b'\'') {
                    i = char_literal_end(text, i)?;
                    out.push(Tok::Literal, start);
                    continue;
                }
                out.push(Tok::Ident(word), start);
                continue;
            }
            _ if b.is_ascii() => {
                out.push(Tok::Punct(b), i);
                i += 1;
                continue;
            }
            // Any other character (non-ASCII punctuation, say): skipped, as rustc would reject it.
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
        if b == b'"' {
            out.push(Tok::Literal, at);
        }
    }
    open.is_empty().then_some(out)
}

fn memchr(needle: u8, bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == needle)
        .map(|p| from + p)
}

fn is_ident_start(text: &str, i: usize) -> bool {
    // ASCII first: decoding a char per byte is most of the lexer's time unoptimized.
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => b == b'_' || b.is_ascii_alphabetic(),
        Some(_) => text[i..]
            .chars()
            .next()
            .is_some_and(|c| c == '_' || c.is_alphabetic()),
        None => false,
    }
}

fn ident_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    if bytes.get(i).is_none_or(|b| b.is_ascii()) {
        return i;
    }
    for c in text[i..].chars() {
        if c == '_' || c.is_alphanumeric() {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// The end of a `/* .. */` comment starting at `i` (they nest).
fn block_comment_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The index after the closing `"` of a string whose contents start at `i`.
pub(super) fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end of `#*"..."#*` starting at `i` (after the `r`), or `None` when it is not one.
fn raw_string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let hashes = bytes[i..].iter().take_while(|&&b| b == b'#').count();
    i += hashes;
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    None
}

/// The end of a char literal whose quote is at `i` (`'a'`, `'\n'`, `'\u{1F600}'`), or
/// `None` for a lifetime or label.
fn char_literal_end(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 1..];
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if first == '\\' {
        // The escaped character is ASCII in every valid escape; the quote follows it.
        let close = rest.get(2..)?.find('\'')?;
        return Some(i + 1 + 2 + close + 1);
    }
    let (at, second) = chars.next()?;
    (second == '\'').then_some(i + 1 + at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(text: &str) -> Vec<&str> {
        lex(text)
            .unwrap()
            .into_iter()
            .filter_map(|t| match t {
                Tok::Ident(name) => Some(name),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn literals_and_comments_hold_no_identifiers() {
        assert_eq!(
            idents(
                "a(\"sleep ( \\\" }\"); // sleep {\n/* sleep /* nested */ ( */ b(r#\"sleep\" ) \"#, b'x', 'y', '\\'', br\"z\", 1u8, 0x1f, c\"w\")"
            ),
            ["a", "b"]
        );
    }

    #[test]
    fn lifetimes_raw_identifiers_and_unicode() {
        assert_eq!(
            idents("fn f<'a>(x: &'a str) { 'outer: loop { r#type(); naïve(); über_1(); x·y } }"),
            [
                "fn", "f", "a", "x", "a", "str", "outer", "loop", "type", "naïve", "über_1", "x",
                "y"
            ]
        );
    }

    #[test]
    fn brackets_are_paired() {
        let toks = lex("f(a[1], { b })").unwrap();
        assert_eq!(toks[1], Tok::Open(b'(', 10));
        assert_eq!(toks[10], Tok::Close);
        assert_eq!(toks[3], Tok::Open(b'[', 5));
    }

    #[test]
    fn what_does_not_lex_is_none() {
        for text in ["f(", "f)", "f(]", "\"open", "/* open", "r#\"open\""] {
            assert!(lex(text).is_none(), "{text}");
        }
    }
}

//! One pass over a text before the flat lexer ([`super::text`]): most text holds no
//! identifier that the token rule could count, and proving that needs no token list.
//! The pass reads the bytes once, skips comments and literals as the lexer does, and
//! looks at an identifier only when its (first byte, length) shape is one of the names
//! that matter ([`Shapes`]); such a name is excused here only in the two plain forms the
//! rule excuses (`name!(..)`, `name(..).await`, with nothing but spaces between the
//! tokens). Anything else, or text this pass does not read plainly (non-ASCII outside
//! comments and literals, literal prefixes, a turbofish after a name, unbalanced
//! brackets), goes to the lexer, which decides exactly. So the answer `Some` is what the
//! lexer's scan would give, and `None` only costs the full scan.
//!
//! It runs unoptimized in a user's build (cargo's default for proc macros), so it is
//! written as plain loops over bytes: no iterator adapters, no token values, no `String`s.

use std::sync::OnceLock;

use super::method_seeds;
use super::text::string_end;
use super::{shape_bit, BuiltinNames, Names, WriteMacros};

/// The (first byte, length) shapes of every name that can change the scan's answer: the
/// names that count, `write`/`writeln`, the blocking writers' keys and `path`.
#[derive(Clone)]
pub(super) struct Shapes {
    /// Per first byte, bit `min(len, 63)` set when such a name has that length.
    bits: [u64; 256],
    /// A second sieve for the names the first lets through: bit [`pair_bit`] of (first
    /// byte, last byte, length) set for each name.
    pairs: [u64; 64],
}

impl Shapes {
    /// The shapes for `names` (the configuration's and the front end's included).
    pub(super) fn new(names: &Names<'_>) -> Shapes {
        let mut shapes = Shapes::fixed(names.builtin).clone();
        for name in names.extra.iter().map(String::as_str) {
            shapes.add(name);
        }
        for name in names.also {
            shapes.add(name);
        }
        shapes
    }

    /// The part no configuration changes, built once: the built-in names, the write
    /// macros, the writers and `path`.
    fn fixed(builtin: &BuiltinNames) -> &'static Shapes {
        static FIXED: OnceLock<Shapes> = OnceLock::new();
        FIXED.get_or_init(|| {
            let mut shapes = Shapes {
                bits: [0; 256],
                pairs: [0; 64],
            };
            for name in &builtin.names {
                shapes.add(name);
            }
            for name in ["write", "writeln", "path"] {
                shapes.add(name);
            }
            match method_seeds::writer_keys() {
                Some(writers) => {
                    for name in &writers.keys {
                        shapes.add(name);
                    }
                }
                // Every name is a writer then: only the lexer's scan can tell.
                None => {
                    shapes.bits = [u64::MAX; 256];
                    shapes.pairs = [u64::MAX; 64];
                }
            }
            shapes
        })
    }

    fn add(&mut self, name: &str) {
        let bytes = name.as_bytes();
        if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
            self.bits[usize::from(first)] |= shape_bit(name);
            let (word, bit) = pair_bit(first, last, bytes.len());
            self.pairs[word] |= bit;
        }
    }
}

/// Where (first byte, last byte, length) falls in [`Shapes::pairs`]: word and bit.
fn pair_bit(first: u8, last: u8, len: usize) -> (usize, u64) {
    let h = (first as usize * 31 + last as usize * 17 + (len & 0xff) * 131) & 4095;
    (h >> 6, 1u64 << (h & 63))
}

/// The scan of `text` ([`super::scan_source`]) when it finds nothing that may report
/// and no `path = ..` attribute: the write macros and writers it saw. `None` when the
/// text holds a name the lexer must judge, or is not plain to this pass.
pub(super) fn quiet_writes(text: &str, names: &Names<'_>, shapes: &Shapes) -> Option<WriteMacros> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut writes = WriteMacros::default();
    // The open brackets, innermost last: the lexer rejects text that does not pair them.
    // Deeper nesting than this is rare enough to leave to the lexer.
    let mut open = [0u8; 64];
    let mut depth = 0usize;
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        // Table lookups and `as` casts: each call is a real call when built unoptimized.
        let class = CLASS[b as usize];
        if class == SPACE {
            i += 1;
            continue;
        }
        if class == IDENT {
            let start = i;
            i += 1;
            while i < len && CLASS[bytes[i] as usize] <= DIGIT {
                i += 1;
            }
            if i < len && bytes[i] >= 0x80 {
                return None;
            }
            let word_len = i - start;
            // `r#x`, `r"..."`, `b'x'`, `br".."`, `c".."`: the lexer's to read.
            if word_len <= 2 && i < len && matches!(bytes[i], b'"' | b'#' | b'\'') {
                return None;
            }
            // `Shapes::may_be`, written out: this runs for every identifier, and most
            // first bytes start no name at all.
            let first_bits = shapes.bits[b as usize];
            if first_bits != 0 {
                let bit = if word_len < 63 {
                    1u64 << word_len
                } else {
                    1u64 << 63
                };
                if first_bits & bit != 0 {
                    let (word, pair) = pair_bit(b, bytes[i - 1], word_len);
                    if shapes.pairs[word] & pair != 0 {
                        judge(text, start, i, names, &mut writes)?;
                    }
                }
            }
            continue;
        }
        match class {
            DIGIT => {
                i += 1;
                while i < len && CLASS[bytes[i] as usize] <= DIGIT {
                    i += 1;
                }
            }
            OPEN => {
                if depth == open.len() {
                    return None;
                }
                open[depth] = b;
                depth += 1;
                i += 1;
            }
            CLOSE => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
                let expected = match open[depth] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b != expected {
                    return None;
                }
                i += 1;
            }
            SLASH if i + 1 < len && bytes[i + 1] == b'/' => {
                while i < len && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            SLASH if i + 1 < len && bytes[i + 1] == b'*' => i = block_comment_end(bytes, i)?,
            QUOTE => i = string_end(bytes, i + 1)?,
            APOSTROPHE => {
                if i + 1 < len && bytes[i + 1] == b'\\' {
                    // An escape: the lexer's char literal ends at the next quote.
                    if i + 2 < len && bytes[i + 2] >= 0x80 {
                        return None;
                    }
                    let mut j = i + 3;
                    while j < len && bytes[j] != b'\'' {
                        j += 1;
                    }
                    if j >= len {
                        return None;
                    }
                    i = j + 1;
                } else if i + 1 < len && bytes[i + 1] >= 0x80 {
                    return None;
                } else if i + 2 < len && bytes[i + 2] == b'\'' {
                    i += 3;
                } else {
                    // A lifetime or label: its name is read as an identifier next.
                    i += 1;
                }
            }
            NON_ASCII => return None,
            // Other punctuation, and a `/` that starts no comment.
            _ => i += 1,
        }
    }
    if depth != 0 || writes.may_report() {
        return None;
    }
    Some(writes)
}

/// Byte classes for the pass. `IDENT` and `DIGIT` are the two lowest: an identifier
/// continues while the class is at most `DIGIT`.
const IDENT: u8 = 0;
const DIGIT: u8 = 1;
const SPACE: u8 = 2;
const OPEN: u8 = 3;
const CLOSE: u8 = 4;
const SLASH: u8 = 5;
const QUOTE: u8 = 6;
const APOSTROPHE: u8 = 7;
const PUNCT: u8 = 8;
const NON_ASCII: u8 = 9;

static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [PUNCT; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        table[b] = match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => IDENT,
            b'0'..=b'9' => DIGIT,
            b' ' | b'\t' | b'\n' | b'\r' => SPACE,
            b'(' | b'[' | b'{' => OPEN,
            b')' | b']' | b'}' => CLOSE,
            b'/' => SLASH,
            b'"' => QUOTE,
            b'\'' => APOSTROPHE,
            0x80..=0xff => NON_ASCII,
            _ => PUNCT,
        };
        b += 1;
    }
    table
}

/// A name whose shape matters, at `start..end`: `Some(())` when the scan's answer does
/// not change for it (its writer flags recorded in `writes`), `None` when the lexer must
/// judge it.
fn judge(
    text: &str,
    start: usize,
    end: usize,
    names: &Names<'_>,
    writes: &mut WriteMacros,
) -> Option<()> {
    let bytes = text.as_bytes();
    let name = &text[start..end];
    if name == "path" {
        // `#[path = ..]` (or `, path = ..` inside `cfg_attr`): the lexer sees to it. A
        // comment on either side could hide the bracket: the lexer too.
        let before = last_non_space(bytes, start);
        let after = next_non_space(bytes, end);
        let after = after.map(|at| bytes[at]);
        let before = before.map(|at| bytes[at]);
        if matches!(before, Some(b'[' | b',' | b'/')) && matches!(after, Some(b'=' | b'/')) {
            return None;
        }
    }
    let macro_name = match macro_bang(bytes, end) {
        Plain::Yes => true,
        Plain::No => false,
        Plain::Unclear => return None,
    };
    writes.see(name, macro_name);
    // A macro name is excused whatever it is: no need to look it up.
    if macro_name || !names.count(name) {
        return Some(());
    }
    match awaited_call(bytes, end) {
        Plain::Yes => Some(()),
        Plain::No | Plain::Unclear => None,
    }
}

/// An answer this pass may not be sure of.
enum Plain {
    Yes,
    No,
    /// A comment between the tokens, or a shape the lexer reads better.
    Unclear,
}

/// Whether the name ending at `end` is followed by `!` and a bracket.
fn macro_bang(bytes: &[u8], end: usize) -> Plain {
    let Some(bang) = next_non_space(bytes, end) else {
        return Plain::No;
    };
    match bytes[bang] {
        b'!' => {}
        b'/' => return Plain::Unclear,
        _ => return Plain::No,
    }
    match next_non_space(bytes, bang + 1).map(|at| bytes[at]) {
        Some(b'(' | b'[' | b'{') => Plain::Yes,
        Some(b'/') => Plain::Unclear,
        _ => Plain::No,
    }
}

/// Whether the name ending at `end` starts `name(..).await`, the arguments holding only
/// brackets, plain strings and what this pass reads plainly.
fn awaited_call(bytes: &[u8], end: usize) -> Plain {
    let len = bytes.len();
    let Some(paren) = next_non_space(bytes, end) else {
        return Plain::No;
    };
    match bytes[paren] {
        b'(' => {}
        // `::<..>` or a comment: the lexer's turbofish rule.
        b':' | b'/' => return Plain::Unclear,
        _ => return Plain::No,
    }
    let mut depth = 0usize;
    let mut i = paren;
    loop {
        if i >= len {
            return Plain::Unclear;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'"' => match string_end(bytes, i + 1) {
                Some(after) => {
                    i = after;
                    continue;
                }
                None => return Plain::Unclear,
            },
            b'\'' | b'/' => return Plain::Unclear,
            _ => {}
        }
        i += 1;
    }
    let Some(dot) = next_non_space(bytes, i + 1) else {
        return Plain::No;
    };
    match bytes[dot] {
        b'.' => {}
        b'/' => return Plain::Unclear,
        _ => return Plain::No,
    }
    let Some(word) = next_non_space(bytes, dot + 1) else {
        return Plain::No;
    };
    let after = word + 5;
    let is_await = after <= len
        && &bytes[word..after] == b"await"
        && (after == len || !(bytes[after].is_ascii_alphanumeric() || bytes[after] == b'_'));
    if is_await {
        Plain::Yes
    } else if bytes[word] == b'/' || (after < len && !bytes[after].is_ascii()) {
        Plain::Unclear
    } else {
        Plain::No
    }
}

fn next_non_space(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        if !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn last_non_space(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i > 0 {
        i -= 1;
        if !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            return Some(i);
        }
    }
    None
}

/// The end of a `/* .. */` comment starting at `i` (they nest), `None` when it is open.
fn block_comment_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

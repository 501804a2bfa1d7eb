//! A guard against input nested so deeply that parsing it would exhaust even a worker's
//! large stack (a stack overflow aborts the process: no per-file error is possible then).
//!
//! syn's parser recurses once or more per nesting level. Before a file is parsed, its
//! nesting is estimated with a cheap scan (comments and string literals skipped): the
//! depth of `(`, `[`, `{`, plus the nesting that needs no delimiter: unclosed `<` of
//! generics (`Vec<Vec<..>>`) and runs of `|` of closures (`|| || ..`). A file deeper than
//! [`MAX_DEPTH`] is reported as an input error instead of being parsed.

/// The deepest delimiter nesting analysed. Hand-written code stays in the tens;
/// generated code in the hundreds. A debug build's parser still fits 15,000 levels in a
/// worker's stack, a release build far more.
pub(crate) const MAX_DEPTH: usize = 10_000;

/// The estimated maximum nesting depth of Rust source: delimiters, plus unclosed `<`
/// since the last `;`/brace, plus `|` since the last delimiter, `;` or `,`. Comparisons
/// and bit-ors count too, and character literals such as `'{'` may count one level:
/// harmless for a bound this coarse.
pub(crate) fn max_delimiter_depth(src: &str) -> usize {
    let bytes = src.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    let (mut angles, mut pipes) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Block comments nest in Rust.
                let mut level = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                pipes = 0;
                if bytes[i] == b'{' {
                    angles = 0;
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                pipes = 0;
                if bytes[i] == b'}' {
                    angles = 0;
                }
            }
            b';' => (angles, pipes) = (0, 0),
            b',' => pipes = 0,
            b'<' => angles += 1,
            b'>' if i > 0 && !matches!(bytes[i - 1], b'-' | b'=') => {
                angles = angles.saturating_sub(1)
            }
            b'|' => pipes += 1,
            _ => {}
        }
        max = max.max(depth + angles + pipes);
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_code_not_comments_or_strings() {
        assert_eq!(max_delimiter_depth("fn f() { g([1]); }"), 3);
        assert_eq!(max_delimiter_depth("// ((((((\nfn f() {}"), 1);
        assert_eq!(max_delimiter_depth("/* (( /* (( */ (( */ fn f() {}"), 1);
        assert_eq!(max_delimiter_depth(r#"fn f() { let s = "(((\"(("; }"#), 1);
        assert_eq!(max_delimiter_depth(""), 0);
        let deep = format!("fn f() {}{}", "{".repeat(20_000), "}".repeat(20_000));
        assert!(max_delimiter_depth(&deep) > MAX_DEPTH);

        // Nesting without delimiters: generics and closures.
        assert_eq!(max_delimiter_depth("type T = Vec<Vec<u8>>;"), 2);
        assert_eq!(max_delimiter_depth("fn f() -> Vec<u8> { a >= b }"), 1);
        assert_eq!(max_delimiter_depth("let c = || || 1;"), 4);
        let closures = format!("fn f() {{ let c = {}1; }}", "|| ".repeat(20_000));
        assert!(max_delimiter_depth(&closures) > MAX_DEPTH);
        let generics = format!(
            "type T = {}u8{};",
            "Vec<".repeat(20_000),
            ">".repeat(20_000)
        );
        assert!(max_delimiter_depth(&generics) > MAX_DEPTH);
        // Long flat code does not add up.
        let flat = "fn f(a: u8, b: u8) -> bool { a < b || a | b > 2 }\n".repeat(50_000);
        assert!(max_delimiter_depth(&flat) < 10);
    }
}

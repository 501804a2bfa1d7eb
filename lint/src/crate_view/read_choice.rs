//! Whether the name closure can pay for its text read, decided before it runs.
//!
//! The closure lexes every file to parse fewer of them. In a crate of one file it cannot
//! skip anything: the quiet scan has already found a name that can start a finding, so
//! the closure would parse that one file after reading its text for nothing (in the
//! unoptimized proc macro, about a tenth of the parse itself). Either read finds the
//! same findings (the full read is what the closure is checked against), so a wrong
//! guess only costs time; the test here errs towards the closure.

/// Whether `root` (a crate root's text) may declare a module in a file of its own: a
/// `mod`, then an identifier, then `;`, with only spaces between. A `mod` in a comment or
/// a string counts too, which only sends the crate to the closure; a declaration written
/// with a comment or a raw identifier between its tokens (`mod /* x */ a;`, `mod r#type;`)
/// does not, and the crate takes the full read, which reads such a tree as well.
///
/// ```text
/// "mod config;\nfn main() {}"           -> true
/// "#[cfg(test)]\nmod tests { }"         -> false: an inline module is in this file
/// ```
pub(super) fn may_declare_file_modules(root: &str) -> bool {
    let bytes = root.as_bytes();
    let is_ident = |b: u8| b == b'_' || b.is_ascii_alphanumeric() || !b.is_ascii();
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut from = 0;
    while let Some(at) = root[from..].find("mod").map(|p| from + p) {
        from = at + 3;
        if at > 0 && is_ident(bytes[at - 1]) {
            continue;
        }
        let name = skip_spaces(from);
        if name == from {
            continue;
        }
        let mut end = name;
        while end < bytes.len() && is_ident(bytes[end]) {
            end += 1;
        }
        if end > name && bytes.get(skip_spaces(end)) == Some(&b';') {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_of_line_module_declaration_is_seen_and_an_inline_one_is_not() {
        for root in [
            "mod config;\nfn main() {}",
            "pub mod store_0;",
            "#[cfg(test)]\npub(crate) mod tests ;",
            "fn f() {}\nmod\n  naïve\n;",
            "// mod commented;\nfn main() {}",
        ] {
            assert!(may_declare_file_modules(root), "{root}");
        }
        for root in [
            "fn main() {}",
            "#[cfg(test)]\nmod tests {\n    fn t() {}\n}",
            "fn module() {} fn model(); let modx = 1; x.mod_y;",
            "mod",
            "mod ;",
            "fn f() { let mode = \"mod\"; }",
        ] {
            assert!(!may_declare_file_modules(root), "{root}");
        }
    }
}

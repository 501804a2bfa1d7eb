//! A file's `mod` declarations without parsing the file: the crate view still has to
//! follow the module tree through files it does not parse (a skipped `lib.rs` declares
//! the modules that do block), and only `mod` items and their attributes decide it.
//!
//! The skeleton copies those items out of the flat tokens verbatim: every `mod name;`,
//! every inline `mod name { .. }` with the skeleton of its body, each with the outer
//! attributes written before it and the inner attributes at the start of its body. The
//! engine's own [`mod_decls`] then reads that small text, so `#[cfg(test)]`, `#[path]`
//! and inline nesting mean exactly what they mean on a full parse. As on a full parse,
//! a `mod` inside any other item (a fn body) is not followed; a module-level macro
//! invocation that holds a `mod` gives no skeleton, since the full read takes a
//! forwarding macro's body as items.

use super::text::{Lexed, Tok};
use crate::workspace::{mod_decls, ModDecl};

/// How deep inline modules may nest in the skeleton before the reader gives up (the
/// full read then says what is wrong).
const MAX_INLINE_DEPTH: usize = 64;

/// The `mod` declarations of a file from its tokens, as [`mod_decls`] gives them for the
/// parsed file; `None` when the skeleton does not parse (the full read says why).
pub(super) fn mod_skeleton(text: &str, lexed: &Lexed<'_>) -> Option<Vec<ModDecl>> {
    let mut skeleton = String::new();
    copy_mod_items(text, lexed, 0, lexed.toks.len(), 0, &mut skeleton)?;
    if skeleton.is_empty() {
        return Some(Vec::new());
    }
    let file = syn::parse_file(&skeleton).ok()?;
    Some(mod_decls(&file))
}

/// Writes the `mod` items among the tokens `from..to` (one module's items) to `out`.
fn copy_mod_items(
    text: &str,
    lexed: &Lexed<'_>,
    from: usize,
    to: usize,
    depth: usize,
    out: &mut String,
) -> Option<()> {
    if depth > MAX_INLINE_DEPTH {
        return None;
    }
    let toks = &lexed.toks;
    let tok = |k: usize| (k < to).then(|| toks[k]);
    // The byte range of the token run `k..=close` (an attribute).
    let span = |k: usize, close: usize| &text[lexed.starts[k]..=lexed.starts[close]];
    let mut attrs: Vec<&str> = Vec::new();
    let mut i = from;
    while i < to {
        match toks[i] {
            Tok::Punct(b'#') => match (tok(i + 1), tok(i + 2)) {
                (Some(Tok::Open(b'[', close)), _) => {
                    attrs.push(span(i, close));
                    i = close + 1;
                }
                (Some(Tok::Punct(b'!')), Some(Tok::Open(b'[', close))) => {
                    // An inner attribute belongs to the module whose body this is.
                    out.push_str(span(i, close));
                    out.push('\n');
                    i = close + 1;
                }
                _ => {
                    attrs.clear();
                    i += 1;
                }
            },
            // Visibility and `unsafe` between the attributes and `mod` keep the attributes.
            Tok::Ident("pub") => {
                i += 1;
                if let Some(Tok::Open(b'(', close)) = tok(i) {
                    i = close + 1;
                }
            }
            Tok::Ident("unsafe") => i += 1,
            Tok::Ident("mod") => {
                let (Some(Tok::Ident(name)), next) = (tok(i + 1), tok(i + 2)) else {
                    attrs.clear();
                    i += 1;
                    continue;
                };
                match next {
                    Some(Tok::Punct(b';')) => {
                        write_head(out, &attrs, name);
                        out.push_str(";\n");
                        i += 3;
                    }
                    Some(Tok::Open(b'{', close)) => {
                        write_head(out, &attrs, name);
                        out.push_str(" {\n");
                        copy_mod_items(text, lexed, i + 3, close, depth + 1, out)?;
                        out.push_str("}\n");
                        i = close + 1;
                    }
                    _ => i += 1,
                }
                attrs.clear();
            }
            // A module-level macro invocation whose body declares a module: the full read
            // takes a forwarding macro's body as items (`item_macros.rs`), `mod`s and
            // the `cfg`s its definition adds included, which a skeleton cannot copy.
            Tok::Open(_, close)
                if i >= 2
                    && toks[i - 1] == Tok::Punct(b'!')
                    && matches!(toks[i - 2], Tok::Ident(_))
                    && toks[i + 1..close].contains(&Tok::Ident("mod")) =>
            {
                return None;
            }
            // Any other item's body: a `mod` inside it is not part of the tree.
            Tok::Open(_, close) => {
                attrs.clear();
                i = close + 1;
            }
            _ => {
                attrs.clear();
                i += 1;
            }
        }
    }
    Some(())
}

fn write_head(out: &mut String, attrs: &[&str], name: &str) {
    for attr in attrs {
        out.push_str(attr);
        out.push('\n');
    }
    out.push_str("mod ");
    if syn::parse_str::<syn::Ident>(name).is_err() {
        // A keyword used as a name (`r#type`): the lexer dropped the `r#`.
        out.push_str("r#");
    }
    out.push_str(name);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefilter::text::lex_with_offsets;

    fn decls_both_ways(source: &str) -> (Vec<ModDecl>, Vec<ModDecl>) {
        let lexed = lex_with_offsets(source).unwrap();
        let skeleton = mod_skeleton(source, &lexed).unwrap();
        let parsed = mod_decls(&syn::parse_file(source).unwrap());
        (skeleton, parsed)
    }

    #[test]
    fn the_skeleton_gives_the_declarations_a_parse_gives() {
        for source in [
            "mod a;\npub mod b;\npub(crate) mod c;\n#[cfg(test)]\nmod tests;\n",
            "/// Docs.\n#[cfg(all(test, unix))] pub(in crate::x) mod t;\nfn f() { let m = 1; }\n",
            "mod outer { #![cfg(test)] mod inner; pub mod deeper { mod leaf; } }\nmod after;\n",
            "#[cfg(test)] fn f() {}\nmod plain;\n",
            "macro_rules! m { () => { mod hidden; } }\nfn g() { mod nested {} }\nmod r#type;\n",
            "#![allow(dead_code)]\nuse std::fmt;\n#[derive(Debug)] struct S;\nimpl S { fn mod_like(&self) {} }\nmod last;\n",
            "#[path = \"other.rs\"] mod x;\n#[cfg_attr(unix, path = \"u.rs\")] mod y;\n",
        ] {
            let (skeleton, parsed) = decls_both_ways(source);
            assert!(!parsed.is_empty(), "{source}");
            assert_eq!(skeleton, parsed, "{source}");
        }
    }

    #[test]
    fn a_module_level_macro_that_declares_a_module_gives_no_skeleton() {
        for source in [
            "if_hyper! { mod async_impl; pub use self::async_impl::Client; }\nmod after;\n",
            "mod outer { cfg_rt! { pub mod runtime; } }\n",
        ] {
            let lexed = lex_with_offsets(source).unwrap();
            assert_eq!(mod_skeleton(source, &lexed), None, "{source}");
        }
        // A macro without a `mod`, a definition, a `mod` inside a fn's macro: as before.
        let (skeleton, parsed) = decls_both_ways(
            "lazy_static! { static ref X: u8 = 0; }\nmacro_rules! m { () => { mod hidden; } }\nfn f() { g! { mod inner; } }\nmod kept;\n",
        );
        assert_eq!(skeleton, parsed);
        assert_eq!(skeleton.len(), 1);
    }

    #[test]
    fn a_file_without_modules_has_an_empty_skeleton() {
        let (skeleton, parsed) = decls_both_ways("fn f() {}\nstruct S { m: u8 }\n");
        assert!(skeleton.is_empty());
        assert!(parsed.is_empty());
    }
}

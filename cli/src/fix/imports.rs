//! Removing the `use` items a fix left unused, and only those.
//!
//! After `use std::thread;` ... `thread::sleep(d)` becomes `tokio::time::sleep(d).await`,
//! `use std::thread;` may be unused (a warning, an error under `-D warnings`). An item
//! is removed only when all of this holds: it is a private module-level `use` of one
//! `std` path without attributes, groups or globs; it imports one of the names a fix
//! replaced; the name appears nowhere else in the file (macro bodies included); and the
//! item has its lines to itself.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};

/// How many identifier tokens `name` the tokens hold, in groups too, that start a path
/// (not `x::name`: that one is a segment of another path).
fn count_ident(tokens: TokenStream, name: &str) -> usize {
    let mut n = 0;
    let mut stack = vec![(tokens.into_iter(), 0usize)];
    while let Some((top, colons)) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Ident(i)) => {
                if i == name && *colons < 2 {
                    n += 1;
                }
                *colons = 0;
            }
            Some(TokenTree::Punct(p)) if p.as_char() == ':' => *colons += 1,
            Some(TokenTree::Group(g)) => {
                *colons = 0;
                stack.push((g.stream().into_iter(), 0));
            }
            Some(_) => *colons = 0,
            None => {
                stack.pop();
            }
        }
    }
    n
}

/// The name a simple `use std::a::b;` / `use std::a::b as c;` brings into scope.
fn imported_name(item: &syn::ItemUse) -> Option<String> {
    if !item.attrs.is_empty()
        || !matches!(item.vis, syn::Visibility::Inherited)
        || item.leading_colon.is_some()
    {
        return None;
    }
    let mut tree = &item.tree;
    let mut first = true;
    loop {
        match tree {
            syn::UseTree::Path(p) => {
                if first && p.ident != "std" {
                    return None;
                }
                first = false;
                tree = &p.tree;
            }
            syn::UseTree::Name(n) if !first => return Some(n.ident.to_string()),
            syn::UseTree::Rename(r) if !first => return Some(r.rename.to_string()),
            _ => return None,
        }
    }
}

/// `text` without the `use` items of `names` that nothing uses any more, with the
/// 1-based lines removed and the names whose import went.
pub(crate) fn remove_unused(
    text: &str,
    names: &BTreeSet<String>,
) -> (String, BTreeSet<usize>, Vec<String>) {
    let unchanged = (text.to_string(), BTreeSet::new(), Vec::new());
    if names.is_empty() {
        return unchanged;
    }
    let (Ok(file), Ok(tokens)) = (syn::parse_file(text), text.parse::<TokenStream>()) else {
        proc_macro2::extra::invalidate_current_thread_spans();
        return unchanged;
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut removed_lines = BTreeSet::new();
    let mut removed = Vec::new();
    for item in &file.items {
        let syn::Item::Use(u) = item else { continue };
        let Some(name) = imported_name(u) else {
            continue;
        };
        let own = count_ident(quote::ToTokens::to_token_stream(u), &name);
        if !names.contains(&name) || count_ident(tokens.clone(), &name) != own {
            continue;
        }
        let (start, end) = (u.use_token.span.start(), u.semi_token.span.end());
        let own_lines = lines
            .get(start.line - 1)
            .is_some_and(|l| l.chars().take(start.column).all(char::is_whitespace))
            && lines
                .get(end.line - 1)
                .is_some_and(|l| l.chars().skip(end.column).all(char::is_whitespace));
        if own_lines {
            removed_lines.extend(start.line..=end.line);
            removed.push(name);
        }
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    let text = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !removed_lines.contains(&(i + 1)))
        .map(|(_, l)| *l)
        .collect();
    (text, removed_lines, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> BTreeSet<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_import_nothing_uses_goes_with_its_line_ending() {
        let text = "use std::thread;\r\nuse std::fs;\r\nasync fn f() { tokio::time::sleep(d).await; fs::read(p); }\r\n";
        let (new, lines, gone) = remove_unused(text, &names(&["thread", "fs"]));
        assert_eq!(
            new,
            "use std::fs;\r\nasync fn f() { tokio::time::sleep(d).await; fs::read(p); }\r\n"
        );
        assert_eq!(lines, BTreeSet::from([1]));
        assert_eq!(gone, ["thread"]);
    }

    #[test]
    fn groups_reexports_attributes_and_shared_lines_stay() {
        let text = "use std::{fs, thread};\npub use std::io;\n#[allow(unused)]\nuse std::net;\nuse std::env; fn g() {}\nfn f() {}\n";
        let (new, lines, _) = remove_unused(text, &names(&["fs", "thread", "io", "net", "env"]));
        assert_eq!(new, text);
        assert!(lines.is_empty());
    }

    #[test]
    fn a_segment_of_another_path_is_not_a_use() {
        let text = "use std::process::Command;\nasync fn f() { tokio::process::Command::new(\"ls\").output().await; }\n";
        let (new, _, gone) = remove_unused(text, &names(&["Command"]));
        assert_eq!(
            new,
            "async fn f() { tokio::process::Command::new(\"ls\").output().await; }\n"
        );
        assert_eq!(gone, ["Command"]);
    }

    #[test]
    fn a_name_still_used_in_a_macro_keeps_its_import() {
        let text = "use std::thread;\nfn f() { println!(\"{:?}\", thread::current()); }\n";
        let (new, _, _) = remove_unused(text, &names(&["thread"]));
        assert_eq!(new, text);
    }
}

//! A fn item read from its tokens, without a parse: its attributes, the header up to the
//! body (visibility, qualifiers, name, generics, parameters, return type, `where`), the
//! return type's tokens and the body. Both the fast path and the watchdog wrapper emit a
//! fn from these parts, so the body's tokens go back as they came, once.

use proc_macro2::{Delimiter, Group, Ident, TokenTree};

/// What a fn returns, as far as the watchdog wrapper, which states its body's output type, cares.
pub enum ReturnType {
    /// No `->`: the unit type.
    Unit,
    /// A type a `let` may be annotated with.
    Type(Vec<TokenTree>),
    /// `!` or a type mentioning `impl Trait`: left to inference (stable Rust cannot
    /// annotate a binding with them).
    Inferred,
}

/// A fn item split on its tokens.
pub struct FnItem {
    /// The item's top-level trees: attributes, header, then the body.
    trees: Vec<TokenTree>,
    /// Where the header starts (after the `#[..]` attributes).
    header_start: usize,
    /// Where the `async` qualifier is, when it is one.
    async_at: Option<usize>,
    /// Whether `const`, `unsafe`, `extern` or `default` is among the qualifiers.
    other_qualifiers: bool,
    /// Where the parameter list is.
    params_at: usize,
    /// The fn's name.
    name: Ident,
    /// Where the header's return type starts and ends, when it has one.
    return_type: Option<(usize, usize)>,
}

impl FnItem {
    /// Splits `trees` when they are a fn (`[attrs] [vis] [const|async|unsafe|extern ".."|default]*
    /// fn name [<generics>] (params) [-> type] [where ..] { .. }`); `None` for anything
    /// else, which takes the full path.
    pub fn split(trees: Vec<TokenTree>) -> Option<FnItem> {
        let Some(TokenTree::Group(body)) = trees.last() else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace {
            return None;
        }
        let end = trees.len() - 1;
        let mut i = 0;
        while is_punct(trees.get(i), '#') && is_bracket(trees.get(i + 1)) {
            i += 2;
        }
        let header_start = i;
        let mut async_at = None;
        let mut other_qualifiers = false;
        if matches!(trees.get(i), Some(TokenTree::Ident(v)) if v == "pub") {
            i += 1;
            if matches!(trees.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
            {
                i += 1;
            }
        }
        loop {
            match trees.get(i).filter(|_| i < end)? {
                TokenTree::Ident(q) if q == "fn" => break,
                TokenTree::Ident(q) if q == "async" => async_at = Some(i),
                TokenTree::Ident(q)
                    if q == "const" || q == "unsafe" || q == "extern" || q == "default" =>
                {
                    other_qualifiers = true;
                }
                TokenTree::Literal(_) if i > header_start => {}
                _ => return None,
            }
            i += 1;
        }
        let Some(TokenTree::Ident(name)) = trees.get(i + 1).filter(|_| i + 1 < end) else {
            return None;
        };
        let name = name.clone();
        let (params_at, return_type) = signature_ranges(&trees[..end], i + 2)?;
        Some(FnItem {
            trees,
            header_start,
            async_at,
            other_qualifiers,
            params_at,
            name,
            return_type,
        })
    }

    /// Whether the fn is `async`.
    pub fn is_async(&self) -> bool {
        self.async_at.is_some()
    }

    /// Whether `async` is the only qualifier (no `const`, `unsafe`, `extern`, `default`).
    pub fn is_plain_async(&self) -> bool {
        self.is_async() && !self.other_qualifiers
    }

    /// Where the user wrote `async` (a span of the user's crate, and so of its edition).
    pub fn async_span(&self) -> Option<proc_macro2::Span> {
        self.async_at.map(|i| self.trees[i].span())
    }

    /// The header before the parameters with the `async` qualifier left out.
    pub fn header_up_to_params_without_async(&self) -> impl Iterator<Item = &TokenTree> {
        (self.header_start..self.params_at)
            .filter(move |&i| Some(i) != self.async_at)
            .map(move |i| &self.trees[i])
    }

    /// The parameter list, `( .. )`.
    pub fn params(&self) -> &Group {
        match &self.trees[self.params_at] {
            TokenTree::Group(params) => params,
            // `split` only records a parenthesized group as the parameters.
            _ => unreachable!("an FnItem's parameters are a group"),
        }
    }

    /// The `where` clause, as written (empty without one).
    pub fn where_clause(&self) -> &[TokenTree] {
        let end = self.trees.len() - 1;
        let after = self.return_type.map_or(self.params_at + 1, |(_, end)| end);
        &self.trees[after.min(end)..end]
    }

    /// The fn's name.
    pub fn name(&self) -> &Ident {
        &self.name
    }

    /// The item's top-level trees, as written.
    pub fn trees(&self) -> &[TokenTree] {
        &self.trees
    }

    /// The `#[..]` attributes before the fn.
    pub fn outer_attrs(&self) -> &[TokenTree] {
        &self.trees[..self.header_start]
    }

    /// Everything from the visibility to the body, as written.
    pub fn header(&self) -> &[TokenTree] {
        &self.trees[self.header_start..self.trees.len() - 1]
    }

    /// The body.
    pub fn body(&self) -> &Group {
        match self.trees.last() {
            Some(TokenTree::Group(body)) => body,
            // `split` only builds an `FnItem` whose last tree is the body.
            _ => unreachable!("an FnItem ends in its body"),
        }
    }

    /// The return type, as the watchdog wrapper states it.
    pub fn return_type(&self) -> ReturnType {
        match self.return_type {
            None => ReturnType::Unit,
            Some((start, end)) => return_type_of(&self.trees[start..end]),
        }
    }
}

/// What the return type `ty` (its tokens after `->`) is to the watchdog wrapper.
pub fn return_type_of(ty: &[TokenTree]) -> ReturnType {
    let never = matches!(ty, [TokenTree::Punct(p)] if p.as_char() == '!');
    if never || ty.is_empty() || mentions_impl(ty) {
        ReturnType::Inferred
    } else {
        ReturnType::Type(ty.to_vec())
    }
}

/// Where the parameter list is among `header` (which ends before the body), and the
/// range of the return type (`None` for none), reading from just after the fn's name;
/// `None` when the header is not generics, parameters, return type and `where` clause
/// in that order.
#[allow(clippy::type_complexity)]
fn signature_ranges(header: &[TokenTree], mut i: usize) -> Option<(usize, Option<(usize, usize)>)> {
    if is_punct(header.get(i), '<') {
        // Generics: `<` and `>` are punctuation, not a group; the `>` of a `->` inside
        // (`F: Fn() -> u8`) closes nothing.
        let mut depth = 0usize;
        loop {
            let tree = header.get(i)?;
            if is_punct(Some(tree), '<') {
                depth += 1;
            } else if is_punct(Some(tree), '>')
                && !is_punct(i.checked_sub(1).and_then(|p| header.get(p)), '-')
            {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            i += 1;
        }
        i += 1;
    }
    match header.get(i)? {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => {}
        _ => return None,
    }
    let params_at = i;
    i += 1;
    if !(is_punct(header.get(i), '-') && is_punct(header.get(i + 1), '>')) {
        return match header.get(i) {
            None => Some((params_at, None)),
            Some(TokenTree::Ident(w)) if w == "where" => Some((params_at, None)),
            Some(_) => None,
        };
    }
    let start = i + 2;
    let end = header[start..]
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(w) if w == "where"))
        .map_or(header.len(), |p| start + p);
    Some((params_at, Some((start, end))))
}

/// Whether `impl` appears anywhere in `tokens` (groups included): an `impl Trait` type.
/// An iterative walk, whatever the nesting.
fn mentions_impl(tokens: &[TokenTree]) -> bool {
    let mut pending: Vec<TokenTree> = tokens.to_vec();
    while let Some(tree) = pending.pop() {
        match tree {
            TokenTree::Ident(i) if i == "impl" => return true,
            TokenTree::Group(g) => pending.extend(g.stream()),
            _ => {}
        }
    }
    false
}

/// Whether `tree` is the punctuation `ch`.
pub fn is_punct(tree: Option<&TokenTree>, ch: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

/// Whether `tree` is a `[..]` group.
pub fn is_bracket(tree: Option<&TokenTree>) -> bool {
    matches!(tree, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;

    fn split(src: &str) -> Option<FnItem> {
        let tokens: TokenStream = src.parse().unwrap();
        FnItem::split(tokens.into_iter().collect())
    }

    fn return_text(src: &str) -> String {
        match split(src).unwrap().return_type() {
            ReturnType::Unit => "unit".into(),
            ReturnType::Inferred => "inferred".into(),
            ReturnType::Type(ty) => ty.into_iter().collect::<TokenStream>().to_string(),
        }
    }

    #[test]
    fn return_types_are_read_past_generics_and_up_to_where() {
        for (src, expected) in [
            ("async fn f() {}", "unit"),
            ("async fn f() where u8: Copy {}", "unit"),
            ("async fn f() -> u8 {}", "u8"),
            (
                "async fn f<F: Fn() -> u8, const N: usize>(f: F) -> Result<Vec<u8>, E> where F: Send {}",
                "Result < Vec < u8 >, E >",
            ),
            ("async fn f<T>(t: T) -> Box<dyn Fn() -> T> {}", "Box < dyn Fn () -> T >"),
            ("async fn f() -> impl Send {}", "inferred"),
            ("async fn f() -> Box<(u8, impl Send)> {}", "inferred"),
            ("async fn f() -> ! {}", "inferred"),
        ] {
            assert_eq!(return_text(src), expected, "{src}");
        }
    }

    #[test]
    fn qualifiers_name_attributes_and_header_are_read_from_tokens() {
        let f = split("#[a] #[b] pub(crate) async extern \"C\" fn named(x: u8) {}").unwrap();
        assert!(f.is_async());
        assert_eq!(f.name().to_string(), "named");
        assert_eq!(f.outer_attrs().len(), 4);
        let header: TokenStream = f.header().iter().cloned().collect();
        assert_eq!(
            header.to_string(),
            "pub (crate) async extern \"C\" fn named (x : u8)"
        );
        assert!(!split("default fn named() {}").unwrap().is_async());
    }

    #[test]
    fn items_other_than_fns_are_not_split() {
        for src in [
            "impl S { async fn f(&self) {} }",
            "mod m { async fn f() {} }",
            "trait T { fn f() {} }",
            "struct S {}",
            "fn(u8) {}",
            "fn f {}",
            "fn f() u8 {}",
            "async {}",
        ] {
            assert!(split(src).is_none(), "{src}");
        }
    }
}

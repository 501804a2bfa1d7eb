//! In-memory I/O: readers and writers that only move bytes between buffers, so that
//! `std::io::copy(&mut &bytes[..], &mut buf.writer())` copies memory and waits for
//! nothing. A call of an API that blocks only through the I/O objects it is given
//! ([`IO_OBJECT_APIS`]) is not blocking when every argument is known to be in memory:
//! - a byte slice: a range index (`&data[..]`), a byte string (`b"..."`), `.as_slice()`,
//!   `.as_bytes()`, `vec![..]`;
//! - a value typed `&[u8]`, `&mut &[u8]` or `[u8; N]` (its origin is [`BYTE_SLICE`]);
//! - a value built from, or typed by, an in-memory type ([`IN_MEMORY_TYPES`]: `Vec`,
//!   `VecDeque`, `Cursor` over anything, `io::sink()`/`empty()`/`repeat(..)`, `bytes`'
//!   buffers, whose `.reader()`/`.writer()` keep what they were built from);
//! - an adapter ([`ADAPTERS`]: `BufReader`, flate2's and zstd's encoders and decoders,
//!   a `Box`) over an in-memory value: it does its I/O through what it wraps, the first
//!   argument of its constructor (`GzEncoder::new(Vec::new(), level)`) or the first
//!   type argument of its stated type (`&mut GzEncoder<Vec<u8>>`).
//!
//! An argument that is a file, a socket, a generic `W: Write` or anything not listed
//! leaves the call blocking.

use syn::Expr;

use crate::resolve::Origin;

/// Catalog APIs whose blocking is the I/O of their arguments.
pub(crate) const IO_OBJECT_APIS: &[&str] = &["std::io::copy", "std::io::read_to_string"];

/// The origin of a value whose stated type is a byte slice or array (`&[u8]`,
/// `&mut &[u8]`, `[u8; 4]`): no path names it, so this marker does.
pub(crate) const BYTE_SLICE: &str = "[u8]";

/// Whether `ty`, past references, is a slice or array of `u8`.
///
/// The visitor gives such a parameter or `let` the origin [`BYTE_SLICE`].
pub(crate) fn is_byte_slice_type(ty: &syn::Type) -> bool {
    let mut ty = ty;
    for _ in 0..8 {
        match ty {
            syn::Type::Reference(r) => ty = &r.elem,
            syn::Type::Paren(p) => ty = &p.elem,
            syn::Type::Group(g) => ty = &g.elem,
            syn::Type::Slice(s) => return is_u8(&s.elem),
            syn::Type::Array(a) => return is_u8(&a.elem),
            _ => return false,
        }
    }
    false
}

fn is_u8(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

/// Types whose `Read`/`Write` impls copy memory, and fns that return one. A value built
/// by a fn of the type (`Vec::new`, `Cursor::new`) is one; bare `Vec`/`VecDeque` are
/// the prelude's or a `use` the resolver did not see.
pub(crate) const IN_MEMORY_TYPES: &[&str] = &[
    BYTE_SLICE,
    "std::vec::Vec",
    "alloc::vec::Vec",
    "Vec",
    "std::collections::VecDeque",
    "std::collections::vec_deque::VecDeque",
    "VecDeque",
    "std::io::Cursor",
    "std::io::sink",
    "std::io::empty",
    "std::io::repeat",
    "std::io::Sink",
    "std::io::Empty",
    "std::io::Repeat",
    "bytes::Bytes",
    "bytes::BytesMut",
    "bytes::buf::Reader",
    "bytes::buf::Writer",
];

/// Readers and writers that do their I/O through what they wrap (buffering,
/// compression): `(type, or module prefix ending in "::", constructor names)`. The type
/// itself wraps its first type argument; a constructor, its first argument.
pub(crate) const ADAPTERS: &[(&str, &[&str])] = &[
    ("std::boxed::Box", &["new"]),
    ("Box", &["new"]),
    ("std::io::BufReader", &["new", "with_capacity"]),
    ("std::io::BufWriter", &["new", "with_capacity"]),
    ("std::io::LineWriter", &["new", "with_capacity"]),
    ("flate2::read::", &["new"]),
    ("flate2::write::", &["new"]),
    ("flate2::bufread::", &["new"]),
    ("zstd::stream::read::", &["new"]),
    ("zstd::stream::write::", &["new"]),
    ("zstd::stream::Decoder", &["new"]),
    ("zstd::stream::Encoder", &["new"]),
    ("zstd::Decoder", &["new"]),
    ("zstd::Encoder", &["new"]),
];

/// Whether the call of catalog entry `api` with `args` copies memory only: `api` is one
/// of [`IO_OBJECT_APIS`] and every argument is in memory. `origins` says where an
/// expression's value came from (the visitor's receiver origins).
pub(crate) fn copies_in_memory<'e>(
    api: &str,
    args: impl IntoIterator<Item = &'e Expr>,
    origins: &dyn Fn(&Expr) -> Vec<Origin>,
) -> bool {
    if !IO_OBJECT_APIS.contains(&api) {
        return false;
    }
    let mut any = false;
    for arg in args {
        if !is_in_memory(arg, origins, 0) {
            return false;
        }
        any = true;
    }
    any
}

/// Whether the reader or writer `e` is in memory.
fn is_in_memory(e: &Expr, origins: &dyn Fn(&Expr) -> Vec<Origin>, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match e {
        Expr::Reference(r) => is_in_memory(&r.expr, origins, depth + 1),
        Expr::Paren(p) => is_in_memory(&p.expr, origins, depth + 1),
        Expr::Group(g) => is_in_memory(&g.expr, origins, depth + 1),
        Expr::Lit(l) => matches!(l.lit, syn::Lit::ByteStr(_)),
        Expr::Index(i) => matches!(&*i.index, Expr::Range(_)),
        Expr::Macro(m) => m.mac.path.is_ident("vec"),
        Expr::MethodCall(m) if is_slice_method(&m.method.to_string()) => true,
        // `reader.by_ref()`, `reader.take(n)`: the same reader.
        Expr::MethodCall(m) if m.method == "by_ref" || m.method == "take" => {
            is_in_memory(&m.receiver, origins, depth + 1)
        }
        _ => built_in_memory(&origins(e)),
    }
}

/// Methods that return a byte slice of their receiver.
fn is_slice_method(name: &str) -> bool {
    matches!(name, "as_slice" | "as_bytes" | "as_mut_slice")
}

/// Whether a value with these origins (outermost first, an adapter's wrapped value
/// right after it) is in memory: past the adapters, the first origin is an in-memory
/// type.
fn built_in_memory(origins: &[Origin]) -> bool {
    let mut rest = origins;
    while let Some((first, tail)) = rest.split_first() {
        if is_adapter(&first.path) {
            rest = tail;
            continue;
        }
        return is_in_memory_type(first);
    }
    false
}

/// The origin is one of [`IN_MEMORY_TYPES`] or a fn of one (`Vec::with_capacity`). An
/// unresolved origin counts as written: a crate's path without a `use`
/// (`bytes::BytesMut`) or a prelude name (`Vec::new`).
fn is_in_memory_type(origin: &Origin) -> bool {
    IN_MEMORY_TYPES.iter().any(|ty| {
        origin
            .path
            .strip_prefix(ty)
            .is_some_and(|rest| rest.is_empty() || is_one_segment(rest))
    })
}

/// `rest` is `::name`, one more segment.
fn is_one_segment(rest: &str) -> bool {
    rest.strip_prefix("::")
        .is_some_and(|name| !name.is_empty() && !name.contains("::"))
}

/// `path` is one of [`ADAPTERS`] or one of its constructors.
fn is_adapter(path: &str) -> bool {
    ADAPTERS.iter().any(|(prefix, constructors)| {
        let is_type = |ty: &str| match prefix.strip_suffix("::") {
            // A module: any type of it (`flate2::write::GzEncoder`).
            Some(module) => ty.strip_prefix(module).is_some_and(is_one_segment),
            None => ty == *prefix,
        };
        is_type(path)
            || path
                .rsplit_once("::")
                .is_some_and(|(ty, name)| constructors.contains(&name) && is_type(ty))
    })
}

#[cfg(test)]
mod tests {
    use crate::test_support::resolved_findings as reported;

    #[test]
    fn copies_between_buffers_are_not_blocking() {
        let quiet = [
            "async fn f(bytes: Vec<u8>) { let mut out = Vec::new(); \
             std::io::copy(&mut &bytes[..], &mut out).unwrap(); }",
            "use std::io; async fn f(data: &[u8], buf_mut: &mut bytes::BytesMut) { \
             io::copy(&mut &data[..], &mut buf_mut.writer()).unwrap(); }",
            "use std::io::{self, Cursor}; async fn f(data: Vec<u8>) -> Vec<u8> { \
             let mut out = Cursor::new(Vec::with_capacity(64)); \
             io::copy(&mut Cursor::new(data), &mut out).unwrap(); out.into_inner() }",
            "use flate2::write::GzEncoder; async fn f(s: &str) { \
             let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default()); \
             std::io::copy(&mut s.as_bytes(), &mut enc).unwrap(); }",
            "async fn f(data: &[u8]) { \
             let mut dec = zstd::stream::read::Decoder::new(std::io::Cursor::new(data)).unwrap(); \
             std::io::copy(&mut dec, &mut std::io::sink()).unwrap(); }",
            "async fn f() -> String { std::io::read_to_string(&b\"abc\"[..]).unwrap() }",
            "async fn f(mut data: &[u8], out: &mut Vec<u8>) { \
             std::io::copy(&mut data, out).unwrap(); }",
            "async fn f(header: [u8; 4]) { let mut r: &[u8] = &header; \
             std::io::copy(&mut r, &mut std::io::empty()).unwrap(); }",
            "async fn f(out: &mut std::collections::VecDeque<u8>) { \
             std::io::copy(&mut std::io::repeat(0).take(8), out).unwrap(); }",
            // Stated types: the adapter wraps its first type argument.
            "async fn f(enc: &mut flate2::write::GzEncoder<Vec<u8>>, data: &[u8]) { \
             std::io::copy(&mut &data[..], enc).unwrap(); }",
            "use std::io::{BufReader, Cursor}; \
             async fn f(r: &mut Box<BufReader<Cursor<Vec<u8>>>>) { \
             std::io::copy(r, &mut std::io::sink()).unwrap(); }",
        ];
        for src in quiet {
            assert_eq!(reported(src), Vec::<String>::new(), "{src}");
        }
    }

    #[test]
    fn a_file_socket_or_unknown_side_still_blocks() {
        let blocking = [
            // A file into memory.
            "async fn f() { let mut file = std::fs::File::open(\"a\").unwrap(); \
             std::io::copy(&mut file, &mut Vec::new()).unwrap(); }",
            // Memory into a socket.
            "async fn f(s: std::net::TcpStream) { let mut s = s; \
             std::io::copy(&mut &b\"hi\"[..], &mut s).unwrap(); }",
            // A `&File` reads the file.
            "async fn f(file: &std::fs::File) { let mut r = file; \
             std::io::copy(&mut r, &mut Vec::new()).unwrap(); }",
            // A generic writer may be anything.
            "async fn f<W: std::io::Write>(mut w: W, data: Vec<u8>) { \
             std::io::copy(&mut &data[..], &mut w).unwrap(); }",
            // A buffer over a file is the file.
            "async fn f() { let mut r = std::io::BufReader::new(std::fs::File::open(\"a\").unwrap()); \
             std::io::copy(&mut r, &mut std::io::sink()).unwrap(); }",
            // A compressor writing to stdout.
            "async fn f(data: Vec<u8>) { \
             let mut enc = flate2::write::GzEncoder::new(std::io::stdout(), flate2::Compression::fast()); \
             std::io::copy(&mut data.as_slice(), &mut enc).unwrap(); }",
            // A buffer over a file, by its stated type.
            "use std::io::BufReader; async fn f(r: &mut BufReader<std::fs::File>) { \
             std::io::copy(r, &mut Vec::new()).unwrap(); }",
            // A boxed writer of any type.
            "async fn f(w: &mut Box<dyn std::io::Write>) { \
             std::io::copy(&mut &b\"x\"[..], w).unwrap(); }",
        ];
        for src in blocking {
            let found = reported(src);
            assert!(
                found.iter().any(|r| r.starts_with("std::io::")),
                "{src}: {found:?}"
            );
        }
    }
}

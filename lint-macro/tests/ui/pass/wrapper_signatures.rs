// The watchdog wrapper reads the signature from tokens: generics whose bounds hold `->`,
// `where` clauses, `impl Trait` and `!`-free returns, `?` conversions, methods taking
// `self` in every form, qualifiers and inner attributes all compile and behave as written.
use std::fmt::Display;

#[derive(Debug, PartialEq)]
struct ParseError;

impl From<std::num::ParseIntError> for ParseError {
    fn from(_: std::num::ParseIntError) -> Self {
        ParseError
    }
}

#[blockwatch::no_blocking]
async fn apply<F: Fn(u8) -> u8, const N: usize>(f: F, x: [u8; N]) -> Result<Vec<u8>, ParseError>
where
    F: Send,
{
    #![allow(unused_mut)]
    let mut out: Vec<u8> = x.iter().map(|&v| f(v)).collect();
    if out.is_empty() {
        return Err(ParseError);
    }
    out.push("7".parse::<u8>()?);
    Ok(out)
}

#[blockwatch::no_blocking]
pub(crate) async fn shown(x: impl Display) -> impl Display {
    format!("<{x}>")
}

#[blockwatch::no_blocking]
async unsafe fn raw(p: *const u8) -> u8 {
    unsafe { *p }
}

struct Counter(u32);

impl Counter {
    #[blockwatch::no_blocking]
    async fn bump(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }

    #[blockwatch::no_blocking]
    async fn into_inner(self) -> u32 {
        self.0
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(apply(|v| v + 1, [1, 2]).await, Ok(vec![2, 3, 7]));
    assert_eq!(apply(|v| v, []).await, Err(ParseError));
    assert_eq!(shown(5).await.to_string(), "<5>");
    let byte = 9u8;
    assert_eq!(unsafe { raw(&byte).await }, 9);
    let mut counter = Counter(0);
    assert_eq!(counter.bump().await, 1);
    assert_eq!(counter.into_inner().await, 1);
}

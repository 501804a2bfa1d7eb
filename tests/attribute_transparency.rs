//! `#[blockwatch::no_blocking]` on clean code changes nothing the caller can observe: return
//! values, `return`, `?` conversions, `self` in every form, generics, lifetimes, `impl Trait`
//! arguments, recursion, `Send` futures and when arguments drop behave as without the
//! attribute (with the debug-build watchdog wrapper in place in test builds). The
//! `edition-2024` test package compiles this file again, where the wrapper takes its
//! other shape.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug, PartialEq)]
enum AppError {
    Parse(String),
    Empty,
}

impl From<std::num::ParseIntError> for AppError {
    fn from(err: std::num::ParseIntError) -> Self {
        AppError::Parse(err.to_string())
    }
}

#[blockwatch::no_blocking]
async fn answer() -> u32 {
    tokio::task::yield_now().await;
    42
}

#[blockwatch::no_blocking]
async fn parse_sum(a: &str, b: &str) -> Result<u32, AppError> {
    if a.is_empty() {
        return Err(AppError::Empty);
    }
    let x: u32 = a.parse()?;
    let y: u32 = b.parse()?;
    Ok(x + y)
}

#[blockwatch::no_blocking]
async fn boxed_error(text: &str) -> Result<u8, Box<dyn std::error::Error + Send + Sync>> {
    Ok(text.parse::<u8>()?)
}

#[blockwatch::no_blocking]
async fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
    tokio::task::yield_now().await;
    if a.len() >= b.len() {
        a
    } else {
        b
    }
}

#[blockwatch::no_blocking]
async fn describe<T: Display + Send>(value: T, suffix: impl Display) -> String {
    format!("{value}{suffix}")
}

#[blockwatch::no_blocking]
async fn first_char(text: &str) -> Option<char> {
    let c = text.chars().next()?;
    Some(c.to_ascii_uppercase())
}

#[blockwatch::no_blocking]
async fn unit_with_early_return(flag: bool, out: &mut Vec<u8>) {
    if flag {
        return;
    }
    out.push(1);
}

#[blockwatch::no_blocking]
async fn returns_impl_trait(n: u32) -> impl Display {
    n * 2
}

#[blockwatch::no_blocking]
async fn factorial(n: u64) -> u64 {
    if n <= 1 {
        1
    } else {
        n * Box::pin(factorial(n - 1)).await
    }
}

#[blockwatch::no_blocking]
fn deferred(n: u32) -> Pin<Box<dyn Future<Output = u32> + Send>> {
    Box::pin(async move { n + 1 })
}

struct Counter {
    count: u32,
}

#[blockwatch::no_blocking]
impl Counter {
    async fn get(&self) -> u32 {
        self.count
    }

    async fn bump(&mut self, by: u32) -> u32 {
        self.count += by;
        self.count
    }

    async fn into_inner(self) -> u32 {
        self.count
    }

    fn sync_get(&self) -> u32 {
        self.count
    }
}

struct Wrapper<T>(T);

impl<T: Clone + Send + Sync> Wrapper<T> {
    #[blockwatch::no_blocking]
    async fn cloned(&self) -> T {
        self.0.clone()
    }
}

trait Greeter {
    async fn greet(&self, name: &str) -> String;
}

#[blockwatch::no_blocking]
impl Greeter for Counter {
    async fn greet(&self, name: &str) -> String {
        format!("hello {name} #{}", self.count)
    }
}

#[blockwatch::no_blocking]
mod service {
    pub async fn double(n: u32) -> u32 {
        helper(n) * 2
    }

    fn helper(n: u32) -> u32 {
        n
    }

    pub mod nested {
        pub async fn triple(n: u32) -> u32 {
            n * 3
        }
    }
}

#[blockwatch::no_blocking]
async fn pattern_arguments((a, b): (u32, u32), mut extra: Vec<u32>) -> u32 {
    #![allow(clippy::let_and_return)]
    extra.push(a + b);
    let sum = extra.iter().sum();
    sum
}

/// # Safety
/// `ptr` must point at a live `u8`.
#[blockwatch::no_blocking]
async unsafe fn read_raw(ptr: *const u8) -> u8 {
    unsafe { *ptr }
}

#[blockwatch::no_blocking]
async fn with_where_clause<T>(value: T) -> (T, T)
where
    T: Clone + Send,
{
    (value.clone(), value)
}

#[blockwatch::no_blocking(watch = false)]
async fn unwatched() -> &'static str {
    "same"
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

/// Counts its drops.
struct Dropped(Arc<AtomicUsize>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Arguments the body never names: an `async fn` still keeps them until its future ends.
#[blockwatch::no_blocking]
#[allow(clippy::unused_async)]
async fn ignores_its_arguments(_: Dropped, _unused: Dropped, (_, _kept): (Dropped, Dropped)) {
    tokio::task::yield_now().await;
}

struct Owner {
    _held: Dropped,
}

impl Owner {
    #[blockwatch::no_blocking]
    async fn consume_without_using(self) {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn return_values_and_early_returns_are_kept() {
    assert_eq!(answer().await, 42);
    assert_eq!(first_char("rust").await, Some('R'));
    assert_eq!(first_char("").await, None);
    let mut out = Vec::new();
    unit_with_early_return(true, &mut out).await;
    unit_with_early_return(false, &mut out).await;
    assert_eq!(out, vec![1]);
    assert_eq!(returns_impl_trait(21).await.to_string(), "42");
    assert_eq!(unwatched().await, "same");
}

#[tokio::test]
async fn question_mark_converts_errors_as_written() {
    assert_eq!(parse_sum("1", "2").await, Ok(3));
    assert_eq!(parse_sum("", "2").await, Err(AppError::Empty));
    assert!(matches!(parse_sum("x", "2").await, Err(AppError::Parse(_))));
    assert_eq!(boxed_error("7").await.unwrap(), 7);
    assert!(boxed_error("300").await.is_err());
}

#[tokio::test]
async fn generics_lifetimes_and_impl_trait_arguments() {
    assert_eq!(longest("ab", "abc").await, "abc");
    assert_eq!(describe(1.5, "s").await, "1.5s");
    assert_eq!(Wrapper(vec![1, 2]).cloned().await, vec![1, 2]);
}

#[tokio::test]
async fn patterns_inner_attributes_unsafe_and_where_clauses() {
    assert_eq!(pattern_arguments((1, 2), vec![4]).await, 7);
    let byte = 9u8;
    // SAFETY: `byte` lives across the call.
    assert_eq!(unsafe { read_raw(&byte).await }, 9);
    assert_eq!(with_where_clause('x').await, ('x', 'x'));
}

#[tokio::test]
async fn self_by_reference_mutable_reference_and_value() {
    let mut counter = Counter { count: 1 };
    assert_eq!(counter.get().await, 1);
    assert_eq!(counter.bump(2).await, 3);
    assert_eq!(counter.sync_get(), 3);
    assert_eq!(counter.greet("ann").await, "hello ann #3");
    assert_eq!(counter.into_inner().await, 3);
}

#[tokio::test]
async fn recursion_modules_and_plain_fns() {
    assert_eq!(factorial(10).await, 3_628_800);
    assert_eq!(service::double(4).await, 8);
    assert_eq!(service::nested::triple(4).await, 12);
    assert_eq!(deferred(1).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_stay_send() {
    let handle = tokio::spawn(assert_send(parse_sum("40", "2")));
    assert_eq!(handle.await.unwrap(), Ok(42));
    let counter = Counter { count: 5 };
    let handle = tokio::spawn(async move { counter.into_inner().await });
    assert_eq!(handle.await.unwrap(), 5);
}

#[tokio::test]
async fn arguments_drop_with_the_future_not_at_the_call() {
    let drops = Arc::new(AtomicUsize::new(0));
    let dropped = || Dropped(drops.clone());
    let future = ignores_its_arguments(dropped(), dropped(), (dropped(), dropped()));
    let owned = Owner { _held: dropped() }.consume_without_using();
    assert_eq!(drops.load(Ordering::SeqCst), 0, "dropped at the call");
    future.await;
    assert_eq!(drops.load(Ordering::SeqCst), 4);
    drop(owned);
    assert_eq!(drops.load(Ordering::SeqCst), 5);
}

#[tokio::test]
#[blockwatch::no_blocking]
async fn tokio_test_then_no_blocking() {
    assert_eq!(answer().await, 42);
}

#[blockwatch::no_blocking]
#[tokio::test]
async fn no_blocking_then_tokio_test() {
    assert_eq!(answer().await, 42);
}

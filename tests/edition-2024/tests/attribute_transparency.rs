//! The facade's transparency tests, compiled in edition 2024: there the debug-build
//! wrapper of an annotated `async fn` is a plain fn returning the watched future
//! (lint-macro's `future_fn`), and callers must not be able to tell.

#[path = "../../attribute_transparency.rs"]
mod shared;

use std::any::type_name_of_val;

#[blockwatch::no_blocking]
async fn sums(a: u32, (b, c): (u32, u32)) -> u32 {
    tokio::task::yield_now().await;
    a + b + c
}

#[blockwatch::no_blocking]
#[allow(clippy::unused_async)]
async fn hidden_lifetime(formatter: std::fmt::Arguments) -> String {
    formatter.to_string()
}

#[tokio::test]
async fn annotated_fns_return_the_watched_future_itself() {
    let future = sums(1, (2, 3));
    // In debug builds the `async fn` shape would be the fn's own coroutine, holding the
    // watched one; release builds run the bare block, no watchdog code.
    let name = type_name_of_val(&future);
    assert_eq!(name.contains("Watched<"), cfg!(debug_assertions), "{name}");
    assert_eq!(future.await, 6);
    assert_eq!(hidden_lifetime(format_args!("{}", 7)).await, "7");
}

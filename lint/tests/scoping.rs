//! Scoping as rustc does it: a fn (a value) never shadows a path's first segment; a
//! method of a type the checked code defines is that method, not the catalog shape of
//! the same name. Look-alikes: a module or type of that name does shadow the path.

mod support;

use support::flagged as apis;

#[test]
fn a_fn_never_shadows_the_first_segment_of_a_path() {
    let src = "
fn futures() {}
const std: u8 = 0;
async fn f(x: X) { futures::executor::block_on(x); std::thread::sleep(d); }
";
    assert_eq!(
        apis(src),
        ["futures::executor::block_on", "std::thread::sleep"]
    );
}

#[test]
fn a_module_or_type_of_that_name_does_shadow_it() {
    let src = "
mod futures { pub mod executor { pub fn block_on<T>(_: T) {} } }
async fn f(x: X) { futures::executor::block_on(x); }
";
    assert!(apis(src).is_empty());
    let imported = "
use my_rt as futures;
async fn f(x: X) { futures::executor::block_on(x); }
";
    assert!(apis(imported).is_empty());
}

#[test]
fn a_local_type_with_a_catalog_method_name_is_its_own_method() {
    let src = "
struct Handle;
impl Handle { fn block_on<F>(&self, f: F) {} fn new() -> Handle { Handle } }
async fn f(h: &Handle, x: X) { h.block_on(x); Handle::new().block_on(x); }
";
    assert!(apis(src).is_empty());
}

#[test]
fn other_receivers_still_match_the_catalog_shape() {
    let src = "
struct Handle;
impl Handle { fn block_on<F>(&self, f: F) {} }
struct Other;
async fn f(rt: tokio::runtime::Runtime, o: &Other, x: X) { rt.block_on(x); o.block_on(x); }
";
    assert_eq!(
        apis(src),
        [
            "tokio::runtime::Runtime::block_on",
            "tokio::runtime::Runtime::block_on"
        ]
    );
}

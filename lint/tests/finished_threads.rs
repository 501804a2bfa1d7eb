//! Joining a thread that `is_finished()` said has ended does not wait: such joins are
//! not reported; joins the condition does not cover still are.

mod support;

use support::{assert_clean, flagged};

const JOIN: &str = "std::thread::JoinHandle::join";

#[test]
fn joins_in_the_branch_where_the_thread_is_finished_are_not_reported() {
    assert_clean(
        "async fn reap(h: std::thread::JoinHandle<()>) {
            if h.is_finished() { let _ = h.join(); }
        }
        async fn skip_running(h: std::thread::JoinHandle<()>) {
            if !h.is_finished() { return; } else { let _ = h.join(); }
        }
        async fn export_tick(mut export: Option<std::thread::JoinHandle<()>>) {
            loop {
                if export.as_ref().is_some_and(|h| !h.is_finished()) {
                    continue;
                } else if let Some(handle) = export.take() && let Err(e) = handle.join() {
                    log(e);
                }
                export = Some(std::thread::spawn(|| work()));
            }
        }
        struct Pool { worker: std::thread::JoinHandle<()> }
        impl Pool {
            async fn reap(self) {
                if self.worker.is_finished() && self.ready() { let _ = self.worker.join(); }
            }
        }",
    );
}

#[test]
fn joins_the_condition_does_not_cover_are_reported() {
    let src = "async fn running(h: std::thread::JoinHandle<()>) {
            if !h.is_finished() { let _ = h.join(); }
        }
        async fn another(h: std::thread::JoinHandle<()>, other: std::thread::JoinHandle<()>) {
            if other.is_finished() { let _ = h.join(); }
        }
        async fn after_the_if(h: std::thread::JoinHandle<()>) {
            if h.is_finished() { log(); }
            let _ = h.join();
        }
        async fn either(h: std::thread::JoinHandle<()>, ready: bool) {
            if h.is_finished() || ready { let _ = h.join(); }
        }
        async fn still_running(export: Option<std::thread::JoinHandle<()>>) {
            if export.as_ref().is_some_and(|h| h.is_finished()) {
            } else if let Some(handle) = export {
                let _ = handle.join();
            }
        }";
    assert_eq!(flagged(src), [JOIN, JOIN, JOIN, JOIN, JOIN]);
}

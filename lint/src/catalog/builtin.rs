//! The built-in catalog table.

use std::borrow::Cow;

use super::{Entry, Pattern, Receiver};
use crate::Category;

fn path(p: &'static str, category: Category, why: &'static str, replacement: &'static str) -> Entry {
    Entry {
        pattern: Pattern::Path(Cow::Borrowed(p)),
        category,
        why: Cow::Borrowed(why),
        replacement: Cow::Borrowed(replacement),
    }
}

pub(super) fn entries() -> Vec<Entry> {
    use Category::*;
    let _ = Receiver::Any;
    vec![path(
        "std::thread::sleep",
        Sleep,
        "puts the whole executor thread to sleep, so no other task on it runs",
        "tokio::time::sleep(..).await",
    )]
}

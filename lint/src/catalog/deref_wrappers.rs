//! Types a method call sees through: smart pointers, lock guards and the extractors of
//! web frameworks deref to the value they hold, so `state.db.query()` on a
//! `State<Db>` calls `Db::query`. The call graph never takes one of these for the
//! receiver's own type.

/// Last segments of the wrapper types a receiver derefs through (std, tokio,
/// parking_lot, axum, actix-web, tonic), and of the generic std containers whose
/// methods hand out their contents (`Option`, `Vec`).
///
/// ```
/// assert!(blockwatch_lint::catalog::DEREF_WRAPPERS.contains(&"Arc"));
/// ```
pub const DEREF_WRAPPERS: &[&str] = &[
    "Arc",
    "Box",
    "Cow",
    "Data",
    "Extension",
    "Json",
    "MappedMutexGuard",
    "Mutex",
    "MutexGuard",
    "Option",
    "Pin",
    "Rc",
    "Ref",
    "RefCell",
    "RefMut",
    "Request",
    "Result",
    "RwLock",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "State",
    "Vec",
    "Weak",
];

//! Joins of threads known to have finished. `JoinHandle::join` waits for the thread to
//! end; once `is_finished()` has returned true it only collects the result. A branch
//! of an `if` whose condition says the handle is finished (`if h.is_finished()`, the
//! `else` of `if !h.is_finished()` or of `if h.as_ref().is_some_and(|h| !h.is_finished())`)
//! joins it without waiting, and so does a binding taken out of it there
//! (`else if let Some(h) = handle { h.join() }`).

use syn::{BinOp, Expr, Pat, UnOp};

use super::{peel, Analyzer, MAX_CHAIN};

/// The catalog entry whose calls a finished handle does not block in.
const JOIN: &str = "std::thread::JoinHandle::join";

/// Methods of `Option`/`Result` that run a predicate on the value inside, true when
/// the predicate is: `h.is_some_and(|t| t.is_finished())`.
const PREDICATE_ON_CONTENT: &[&str] = &["is_some_and", "is_ok_and"];

/// The handles (by the name of the value they are read from: `h`, `self.worker`) that
/// `cond` says are finished when it holds, and when it does not.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Finished {
    pub when_true: Vec<String>,
    pub when_false: Vec<String>,
}

/// What `cond` says of `is_finished()`: `!` swaps the two sets; `a && b` holds when
/// both do (either's finished handles) and fails when either fails (only handles both
/// failures name); `a || b` the other way round.
pub(super) fn finished_by(cond: &Expr) -> Finished {
    finished_at(cond, 0)
}

fn finished_at(e: &Expr, depth: usize) -> Finished {
    if depth > MAX_CHAIN {
        return Finished::default();
    }
    match peel(e) {
        Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => {
            let inner = finished_at(&u.expr, depth + 1);
            Finished {
                when_true: inner.when_false,
                when_false: inner.when_true,
            }
        }
        Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
            let (l, r) = (
                finished_at(&b.left, depth + 1),
                finished_at(&b.right, depth + 1),
            );
            let and = matches!(b.op, BinOp::And(_));
            let (either_true, both_true) = (
                union(&l.when_true, &r.when_true),
                both(&l.when_true, &r.when_true),
            );
            let (either_false, both_false) = (
                union(&l.when_false, &r.when_false),
                both(&l.when_false, &r.when_false),
            );
            if and {
                Finished {
                    when_true: either_true,
                    when_false: both_false,
                }
            } else {
                Finished {
                    when_true: both_true,
                    when_false: either_false,
                }
            }
        }
        Expr::MethodCall(m) if m.method == "is_finished" && m.args.is_empty() => Finished {
            when_true: handle_name(&m.receiver).into_iter().collect(),
            when_false: Vec::new(),
        },
        // `opt.is_some_and(|h| !h.is_finished())`: when it fails, `opt` is `None` or
        // holds a finished thread.
        Expr::MethodCall(m)
            if PREDICATE_ON_CONTENT.contains(&m.method.to_string().as_str())
                && m.args.len() == 1 =>
        {
            let (Some(Expr::Closure(c)), Some(name)) =
                (m.args.first().map(peel), handle_name(&m.receiver))
            else {
                return Finished::default();
            };
            let [Pat::Ident(param)] = c.inputs.iter().collect::<Vec<_>>()[..] else {
                return Finished::default();
            };
            let param = param.ident.to_string();
            let inner = finished_at(&c.body, depth + 1);
            let on = |set: &[String]| {
                if set.contains(&param) {
                    vec![name.clone()]
                } else {
                    Vec::new()
                }
            };
            Finished {
                when_true: on(&inner.when_true),
                when_false: on(&inner.when_false),
            }
        }
        _ => Finished::default(),
    }
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    out.extend(b.iter().filter(|n| !a.contains(n)).cloned());
    out
}

fn both(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|n| b.contains(n)).cloned().collect()
}

/// The name of the value a handle expression reads: `h`, `self.worker`, through `&`,
/// `.as_ref()`, `.as_mut()` and `.take()`.
pub(super) fn handle_name(e: &Expr) -> Option<String> {
    match peel(e) {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        Expr::Field(f) => {
            let base = handle_name(&f.base)?;
            let member = match &f.member {
                syn::Member::Named(i) => i.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            Some(format!("{base}.{member}"))
        }
        Expr::Reference(r) => handle_name(&r.expr),
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(m.method.to_string().as_str(), "as_ref" | "as_mut" | "take") =>
        {
            handle_name(&m.receiver)
        }
        _ => None,
    }
}

impl Analyzer<'_> {
    /// The names `cond`'s `let`s bind out of a finished handle (`let Some(h) = handle`).
    pub(super) fn finished_let_bindings(&self, cond: &Expr, out: &mut Vec<String>, depth: usize) {
        if depth > MAX_CHAIN || self.finished_threads.is_empty() {
            return;
        }
        match peel(cond) {
            Expr::Let(l) => {
                let finished =
                    handle_name(&l.expr).is_some_and(|n| self.finished_threads.contains(&n));
                if finished {
                    let mut names = Vec::new();
                    super::receivers::pat_idents(&l.pat, &mut names, 0);
                    out.extend(names);
                }
            }
            Expr::Binary(b) if matches!(b.op, BinOp::And(_)) => {
                self.finished_let_bindings(&b.left, out, depth + 1);
                self.finished_let_bindings(&b.right, out, depth + 1);
            }
            _ => {}
        }
    }

    /// Whether a catalog hit `resolved` on `receiver` is the join of a finished thread.
    pub(super) fn joins_finished_thread(&self, resolved: &str, receiver: &Expr) -> bool {
        resolved == JOIN
            && handle_name(receiver).is_some_and(|n| self.finished_threads.contains(&n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(cond: &str) -> (Vec<String>, Vec<String>) {
        let f = finished_by(&syn::parse_str(cond).unwrap());
        (f.when_true, f.when_false)
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn conditions_say_which_handles_are_finished_in_which_branch() {
        assert_eq!(of("h.is_finished()"), (names(&["h"]), names(&[])));
        assert_eq!(of("!h.is_finished()"), (names(&[]), names(&["h"])));
        assert_eq!(
            of("self.worker.as_ref().is_some_and(|t| !t.is_finished())"),
            (names(&[]), names(&["self.worker"]))
        );
        assert_eq!(
            of("h.is_some_and(|t| t.is_finished())"),
            (names(&["h"]), names(&[]))
        );
        assert_eq!(of("ready && h.is_finished()"), (names(&["h"]), names(&[])));
        assert_eq!(
            of("!a.is_finished() || !b.is_finished()"),
            (names(&[]), names(&["a", "b"]))
        );
    }

    #[test]
    fn conditions_that_leave_it_open_say_nothing() {
        assert_eq!(
            of("!(ready && h.is_finished())"),
            (names(&[]), names(&["h"]))
        );
        for cond in [
            "ready || h.is_finished()",
            "h.is_some_and(|t| t.id() == id)",
            "h.is_some_and(|t| other.is_finished())",
            "h.map(|t| t.is_finished()).unwrap_or(false)",
            "make().is_finished()",
        ] {
            assert_eq!(of(cond), (names(&[]), names(&[])), "{cond}");
        }
    }
}

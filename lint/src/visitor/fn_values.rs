//! Calls through function values bound to a local: `let f = std::thread::sleep; f(d);`,
//! `let load = helper; load();`, `let f: fn() = if a { x } else { y };`. The local
//! carries where its value came from (the paths it was bound to), so the call is a
//! call of those fns: a catalog fn is reported at the call, a workspace fn becomes a
//! call site for the call graph.

use syn::Expr;

use super::{peel, Analyzer};
use crate::matcher::Hit;
use crate::resolve::{Origin, CRATE};
use crate::Certainty;

impl Analyzer<'_> {
    /// `name(..)` where `name` is a local bound to fn paths: reports the catalog fn it
    /// holds or records the workspace fns it may hold. Returns whether it was one.
    pub(super) fn call_of_local_fn_value(&mut self, call: &syn::ExprCall, name: &str) -> bool {
        let Some(origins) = self.scopes.local(name) else {
            return false;
        };
        // Written paths count for the catalog (`std::thread::sleep` needs no `use`).
        let paths: Vec<Origin> = origins
            .iter()
            .filter(|o| o.exact || o.path.contains("::"))
            .cloned()
            .collect();
        if paths.is_empty() {
            return false;
        }
        let start = match peel(&call.func) {
            Expr::Path(p) => p
                .path
                .segments
                .first()
                .map(|s| s.ident.span())
                .unwrap_or_else(|| call.paren_token.span.open()),
            _ => call.paren_token.span.open(),
        };
        let end = call.paren_token.span.close();
        let text = format!("{name}({})", if call.args.is_empty() { "" } else { ".." });
        let mut candidates: Vec<Vec<String>> = Vec::new();
        for o in &paths {
            let segs: Vec<String> = o.path.split("::").map(str::to_string).collect();
            if let Some(entry) = self.matcher.exact(&segs) {
                if matches!(entry.pattern, crate::Pattern::Path(_)) {
                    let hit = Hit {
                        entry,
                        certainty: Certainty::Resolved,
                    };
                    let resolved = entry.key().to_string();
                    self.report(hit, start, end, text, resolved, None);
                    return true;
                }
            }
            if o.exact && segs.first().map(String::as_str) == Some(CRATE) && segs.len() > 1 {
                candidates.push(segs[1..].to_vec());
            }
        }
        if candidates.is_empty() {
            return false;
        }
        self.call_site(candidates, None, text, start, end, false);
        true
    }
}

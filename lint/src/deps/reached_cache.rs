//! The reached-set cache: one file per scanned root (`target/blockwatch/reached-<key>.json`)
//! holding only the dependency items an earlier scan's workspace could touch
//! ([`ReachedItems`]), so that a later scan whose demand it covers reads that one file
//! instead of every reached dependency's summaries.
//!
//! A file is used only when all of these hold, else the scan loads the summaries as
//! without it and writes the file again:
//! - its `format` is [`FORMAT`], its `version` [`VERSION`] and the summaries' format
//!   version is [`cache::VERSION`](super::cache::VERSION), and it is whole;
//! - the dependencies the workspace's code names ([`demanded_dependencies`]) are
//!   exactly the recorded ones: then the reached dependencies are the recorded ones too,
//!   since reaching follows from these and the summaries alone;
//! - every reached dependency still has the summary key its items were taken under
//!   ([`SummaryKeys`]: sources, features, engine, catalog) and its source;
//! - every word of the workspace's summaries is among the recorded closure's words
//!   ([`ReachedItems::covers`]).
//!
//! Writes go through [`store`](super::store) (a temporary file, then a rename).
//!
//! The format (version 1):
//!
//! ```text
//! { "format": "blockwatch-reached-dependencies", "version": 1, "summaries_version": 9,
//!   "demanded": [0, 4], "keys": [[0, "<16 hex digits>"], [4, ".."], [7, ".."]],
//!   "words": ["Pool", "get", ..],
//!   "crates": [ [ { file record as in a summary file }, .. ], [ ], [ .. ] ] }
//! ```
//!
//! [`demanded_dependencies`]: super::demanded_dependencies
//! [`SummaryKeys`]: super::SummaryKeys

use serde_json::Value;

use super::cache::{file_json, file_of};
use super::json_reader::Reader;
use super::reached_items::{covered_by, ReachedItems};
use crate::summary::FileSummary;

/// The `format` field of a reached-set file.
pub const FORMAT: &str = "blockwatch-reached-dependencies";
/// The version of the format.
pub const VERSION: u64 = 1;

/// What one scan reached in its dependencies, as cached.
///
/// ```
/// use blockwatch_lint::deps::{ReachedItems, ReachedSet};
/// let f: syn::File = syn::parse_str("async fn f() { dep::read_all(); }").unwrap();
/// let app = blockwatch_lint::summarize_file(&f, "src/main.rs", &[], false, &Default::default());
/// let set = ReachedSet {
///     demanded: vec![2],
///     keys: vec![(2, "k2".to_string())],
///     items: ReachedItems::new([&app], [(2, &[][..])]),
/// };
/// let back = ReachedSet::decode(&set.encode()).unwrap();
/// assert_eq!(back, set);
/// assert!(back.holds_for(&[2], |i| Some(format!("k{i}")), [&app]));
/// assert!(!back.holds_for(&[2], |_| Some("changed".to_string()), [&app]));
/// assert!(!back.holds_for(&[], |i| Some(format!("k{i}")), [&app]));
/// assert!(ReachedSet::decode(&set.encode()[..20]).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReachedSet {
    /// The dependencies the workspace's code named, sorted (indices into the graph's
    /// dependencies).
    pub demanded: Vec<usize>,
    /// Each reached dependency and the summary key its items were taken under, in the
    /// order of `items.crates`.
    pub keys: Vec<(usize, String)>,
    /// The items kept of each reached dependency, and the closure's words.
    pub items: ReachedItems,
}

impl ReachedSet {
    /// The file name of the reached set of the scanned root whose cache key is `root_key`.
    ///
    /// ```
    /// let name = blockwatch_lint::deps::ReachedSet::file_name("0123456789abcdef");
    /// assert_eq!(name, "reached-0123456789abcdef.json");
    /// ```
    pub fn file_name(root_key: &str) -> String {
        format!("reached-{root_key}.json")
    }

    /// Whether this set stands for a scan that demands `demanded`, under which reached
    /// dependency `i` has summary key `key_of(i)` (`None`: gone, or its source is
    /// missing), of a workspace with summaries `workspace`.
    pub fn holds_for<'a>(
        &self,
        demanded: &[usize],
        mut key_of: impl FnMut(usize) -> Option<String>,
        workspace: impl IntoIterator<Item = &'a FileSummary>,
    ) -> bool {
        self.demanded == demanded
            && self
                .keys
                .iter()
                .all(|(i, key)| key_of(*i).as_deref() == Some(key.as_str()))
            && covered_by(&self.items.words, workspace)
    }

    /// The file's text.
    pub fn encode(&self) -> String {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|(i, key)| Value::Array(vec![Value::from(*i), Value::from(key.as_str())]))
            .collect();
        let crates: Vec<Value> = self
            .items
            .crates
            .iter()
            .map(|(_, files)| Value::Array(files.iter().map(file_json).collect()))
            .collect();
        // The header first, so that a reader refuses a foreign or stale file before its body.
        format!(
            "{{\"format\":{},\"version\":{VERSION},\"summaries_version\":{},\"demanded\":{},\
             \"keys\":{},\"words\":{},\"crates\":{}}}",
            Value::from(FORMAT),
            super::cache::VERSION,
            Value::from(self.demanded.clone()),
            Value::Array(keys),
            Value::from(self.items.words.clone()),
            Value::Array(crates)
        )
    }

    /// Reads a file's text: `None` unless it is a whole, well-formed file of this format
    /// and version, with a file list for each reached dependency.
    pub fn decode(text: &str) -> Option<ReachedSet> {
        let mut r = Reader::new(text);
        let (mut format_ok, mut version_ok, mut summaries_ok) = (false, false, false);
        let (mut demanded, mut keys, mut words, mut crates) = (None, None, None, None);
        r.object(|r, field| {
            let header_ok = format_ok && version_ok && summaries_ok;
            match field {
                "format" => format_ok = r.str()? == FORMAT,
                "version" => version_ok = r.u64()? == VERSION,
                "summaries_version" => summaries_ok = r.u64()? == super::cache::VERSION,
                "demanded" if header_ok => demanded = Some(r.list(Reader::usize)?),
                "keys" if header_ok => keys = Some(r.list(key_of)?),
                "words" if header_ok => words = Some(r.strings()?),
                "crates" if header_ok => crates = Some(r.list(|r| r.list(file_of))?),
                _ => r.skip_value()?,
            }
            Some(())
        })?;
        r.end()?;
        let (demanded, keys, words, crates): (Vec<usize>, Vec<(usize, String)>, Vec<String>, _) =
            (demanded?, keys?, words?, crates?);
        let crates: Vec<Vec<FileSummary>> = crates;
        let sorted = words.windows(2).all(|w| w[0] < w[1]);
        if keys.len() != crates.len() || !sorted {
            return None;
        }
        let crates = keys.iter().map(|(i, _)| *i).zip(crates).collect();
        Some(ReachedSet {
            demanded,
            keys,
            items: ReachedItems { crates, words },
        })
    }
}

fn key_of(r: &mut Reader<'_>) -> Option<(usize, String)> {
    let (mut index, mut key) = (None, None);
    let mut at = 0;
    r.array(|r| {
        match at {
            0 => index = Some(r.usize()?),
            1 => key = Some(r.string()?),
            _ => return None,
        }
        at += 1;
        Some(())
    })?;
    Some((index?, key?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(word: &str) -> ReachedSet {
        let parse = |src: &str, file: &str| {
            let f: syn::File = syn::parse_str(src).unwrap();
            crate::summarize_file(&f, file, &[], false, &Default::default())
        };
        let app = parse(&format!("async fn f() {{ dep::{word}(); }}"), "src/main.rs");
        let dep = [parse(
            &format!("pub fn {word}() {{ std::fs::read(\"a\").unwrap(); }}"),
            "/r/dep/src/lib.rs",
        )];
        ReachedSet {
            demanded: vec![0],
            keys: vec![(0, "k0".to_string())],
            items: ReachedItems::new([&app], [(0, &dep[..])]),
        }
    }

    /// Every cut of a file, a foreign or newer format, other summaries' version, a list
    /// of words out of order, or files for fewer dependencies than keys: refused.
    #[test]
    fn a_corrupt_truncated_or_foreign_file_is_refused() {
        let text = set("read_all").encode();
        assert_eq!(ReachedSet::decode(&text), Some(set("read_all")));
        for cut in (0..text.len()).step_by(7) {
            assert_eq!(ReachedSet::decode(&text[..cut]), None, "cut at {cut}");
        }
        let spoilt = [
            text.replace(FORMAT, "blockwatch-dependency-summaries"),
            text.replace("\"version\":1,", "\"version\":2,"),
            text.replace(
                &format!("\"summaries_version\":{}", crate::deps::cache::VERSION),
                "\"summaries_version\":1",
            ),
            text.replace("\"words\":[", "\"words\":[\"zzz\","),
            text.replace("\"keys\":[[0,\"k0\"]]", "\"keys\":[[0,\"k0\"],[1,\"k1\"]]"),
            format!("{text}x"),
        ];
        for spoilt in spoilt {
            assert_ne!(spoilt, text);
            assert_eq!(ReachedSet::decode(&spoilt), None, "{spoilt}");
        }
    }

    /// Two writers storing different sets at once: the file is always one whole set.
    #[test]
    fn two_writers_never_corrupt_the_file() {
        let dir = std::env::temp_dir().join(format!("blockwatch-reached-{}", std::process::id()));
        let path = dir.join(ReachedSet::file_name("0000000000000000"));
        let texts = [set("read_one").encode(), set("read_two").encode()];
        std::thread::scope(|scope| {
            for text in &texts {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..50 {
                        crate::deps::store(path, text).unwrap();
                    }
                });
            }
            scope.spawn(|| {
                for _ in 0..200 {
                    if let Ok(read) = std::fs::read_to_string(&path) {
                        assert!(texts.contains(&read), "a half-written file");
                    }
                }
            });
        });
        let last = ReachedSet::decode(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(last == set("read_one") || last == set("read_two"));
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

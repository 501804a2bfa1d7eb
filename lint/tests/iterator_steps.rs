//! Iteration calls `next` without naming it: a `for` loop over a value, and a consuming
//! method (`count`, `collect`, ..) at the end of lazy adapters, block where the iterated
//! value's `next` blocks. Look-alikes: the same shapes over iterators whose `next` does
//! not block, and over values of unknown type.

mod support;

use support::crate_findings;

/// The (line, call as written, resolved) of the call-graph findings of a one-file crate.
fn graph(src: &str) -> Vec<(usize, String, String)> {
    crate_findings(src)
        .into_iter()
        .map(|f| (f.line, f.call, f.resolved))
        .collect()
}

/// A walker whose `next` reads a directory, and one whose `next` does not.
const WALKERS: &str = "
struct Walk { dirs: Vec<String> }
struct IntoIter { dirs: Vec<String> }
struct Counter { n: u32 }
impl Walk { fn new(d: &str) -> Walk { todo() } }
impl IntoIterator for Walk {
    type Item = String;
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter { IntoIter { dirs: self.dirs } }
}
impl Iterator for IntoIter {
    type Item = String;
    fn next(&mut self) -> Option<String> { std::fs::read_dir(&self.dirs[0]).ok().map(|_| String::new()) }
}
impl Iterator for Counter {
    type Item = u32;
    fn next(&mut self) -> Option<u32> { self.n += 1; Some(self.n) }
}
";

fn with(body: &str) -> String {
    format!("{WALKERS}{body}")
}

#[test]
fn a_for_loop_over_an_iterator_whose_next_blocks_blocks_at_the_loop() {
    let src = with(
        "async fn typed(it: IntoIter) {
    for d in it { drop(d); }
}
async fn into_iterator() {
    for d in Walk::new(\".\") { drop(d); }
}",
    );
    assert_eq!(
        graph(&src),
        [
            (20, "for .. in ..".to_string(), "IntoIter::next".to_string()),
            (23, "for .. in ..".to_string(), "IntoIter::next".to_string()),
        ]
    );
}

#[test]
fn a_consumer_past_lazy_adapters_blocks_where_next_blocks() {
    let src = with(
        "async fn counted(it: IntoIter) -> usize {
    it.filter(|d| !d.is_empty()).map(|d| d.len()).count()
}
async fn collected() -> Vec<String> {
    Walk::new(\".\").into_iter().take(3).collect()
}",
    );
    assert_eq!(
        graph(&src),
        [
            (20, ".count()".to_string(), "IntoIter::next".to_string()),
            (23, ".collect()".to_string(), "IntoIter::next".to_string()),
        ]
    );
}

#[test]
fn iterating_what_does_not_block_or_what_is_unknown_is_clean() {
    let src = with(
        "async fn counts(c: Counter, v: Vec<u8>, unknown: T) -> usize {
    for n in c { drop(n); }
    for x in v.iter() { drop(x); }
    for y in unknown { drop(y); }
    let _ = Counter { n: 0 }.take(3).sum::<u32>();
    unknown.filter(|x| true).count()
}",
    );
    assert_eq!(graph(&src), []);
}

#[test]
fn iterating_in_a_sync_helper_makes_the_helper_block() {
    let src = with(
        "fn count_files(dir: &str) -> usize {
    Walk::new(dir).into_iter().count()
}
async fn handler() -> usize {
    count_files(\".\")
}",
    );
    assert_eq!(
        graph(&src),
        [(23, "count_files(..)".to_string(), "count_files".to_string())]
    );
}

//! Names for the frames of async bodies that debug info calls only `{async_fn#0}` or
//! `{async_block#1}` (inlined frames of optimized builds with `line-tables-only`): the
//! enclosing fn is read from the source at the frame's file and line, so the report says
//! `load_config::{async_fn#0}` instead of a name that could be anywhere.

use std::collections::HashMap;

use crate::report::Frame;

/// Source files read so far (`None`: not readable), kept for the reporter's lifetime.
#[derive(Default)]
pub(crate) struct SourceCache {
    files: HashMap<String, Option<Vec<String>>>,
}

/// Whether `name` is an async body with no path in front.
fn is_bare_async_body(name: &str) -> bool {
    let name = name.trim();
    (name.starts_with("{async_fn#") || name.starts_with("{async_block#")) && name.ends_with('}')
}

impl SourceCache {
    /// Prefixes each bare async-body frame with the fn that encloses its line.
    pub(crate) fn name_async_bodies(&mut self, frames: &mut [Frame]) {
        for frame in frames {
            if !is_bare_async_body(&frame.function) {
                continue;
            }
            let (Some(file), Some(line)) = (&frame.file, frame.line) else {
                continue;
            };
            if let Some(name) = self.enclosing_fn(file, line) {
                frame.function = format!("{name}::{}", frame.function.trim());
            }
        }
    }

    /// The name of the nearest `fn` at or above `line` of `file`.
    fn enclosing_fn(&mut self, file: &str, line: u32) -> Option<String> {
        let lines = self
            .files
            .entry(file.to_owned())
            .or_insert_with(|| {
                std::fs::read_to_string(file)
                    .ok()
                    .map(|text| text.lines().map(str::to_owned).collect())
            })
            .as_ref()?;
        let last = usize::try_from(line).ok()?.min(lines.len());
        lines[..last].iter().rev().find_map(|text| fn_name(text))
    }
}

/// The ident after a `fn` keyword on this line, if any.
fn fn_name(line: &str) -> Option<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut words = code.split(|c: char| !(c.is_alphanumeric() || c == '_'));
    while let Some(word) = words.next() {
        if word == "fn" {
            let name = words.find(|word| !word.is_empty())?;
            return Some(name.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(never)]
    async fn load_settings() -> u32 {
        // The test's frame names this line of the body.
        line!()
    }

    #[test]
    fn a_bare_async_body_is_named_by_its_enclosing_fn() {
        let body_line = line_in_load_settings();
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/src/stack/async_names.rs");
        let mut frames = vec![
            Frame {
                function: "{async_fn#0}".to_owned(),
                file: Some(file.to_owned()),
                line: Some(body_line),
            },
            Frame {
                function: "app::handler::{async_block#1}".to_owned(),
                file: Some(file.to_owned()),
                line: Some(body_line),
            },
            Frame {
                function: "{async_block#2}".to_owned(),
                file: Some("/no/such/file.rs".to_owned()),
                line: Some(3),
            },
        ];
        SourceCache::default().name_async_bodies(&mut frames);
        assert_eq!(frames[0].function, "load_settings::{async_fn#0}");
        assert_eq!(
            frames[1].function, "app::handler::{async_block#1}",
            "has a path already"
        );
        assert_eq!(
            frames[2].function, "{async_block#2}",
            "no source: left as it was"
        );
    }

    fn line_in_load_settings() -> u32 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(load_settings())
    }

    #[test]
    fn fn_names_are_found_after_qualifiers_and_not_in_comments() {
        assert_eq!(
            fn_name("    pub(crate) async fn fetch<T>(x: T) {"),
            Some("fetch".to_owned())
        );
        assert_eq!(fn_name("// fn not_this()"), None);
        assert_eq!(fn_name("let f = 1;"), None);
    }
}

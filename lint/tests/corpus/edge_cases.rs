//! Scoping and nesting corner cases.
use std::io::{BufRead, BufReader};
use std::thread::sleep;
use std::time::Duration;

pub async fn read_config(path: &str) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap(); // expect: std::fs::File::open
    let reader = BufReader::new(file);
    reader.lines().map_while(Result::ok).collect() // expect: std::io::BufRead::lines
}

pub async fn with_local_sleep() {
    let sleep = tokio::time::sleep;
    sleep(Duration::from_millis(1)).await;
}

pub async fn imported_sleep() {
    sleep(Duration::from_millis(1)); // expect: std::thread::sleep
}

mod inner {
    use tokio::time::sleep;

    pub async fn own_imports() {
        sleep(std::time::Duration::from_millis(1)).await;
        let _unpolled = sleep(std::time::Duration::from_millis(1));
    }

    pub async fn parent_imports_are_not_visible() {
        super::helper();
        std::thread::park_timeout(std::time::Duration::from_millis(1)); // expect: std::thread::park_timeout
    }
}

fn helper() {
    sleep(Duration::from_millis(1));
}

pub fn spawns_tasks(rt: &tokio::runtime::Runtime) {
    rt.spawn(async {
        std::fs::create_dir_all("out").unwrap(); // expect: std::fs::create_dir_all
    });
    std::thread::spawn(|| {
        std::fs::create_dir_all("out2").unwrap();
        let local = tokio::runtime::Builder::new_current_thread().build().unwrap();
        // The async block runs on this spawned thread, the one calling `block_on`:
        // blocking in it blocks no executor worker.
        local.block_on(async {
            std::fs::remove_dir_all("out2").unwrap();
        });
    });
}

pub async fn nested_offload() {
    let results: Vec<_> = vec![1, 2]
        .into_iter()
        .map(|i| {
            tokio::task::spawn_blocking(move || {
                std::fs::read(format!("{i}.bin")).unwrap_or_default()
            })
        })
        .collect();
    for r in results {
        let _ = r.await;
    }
    let renamed = std::fs::rename("a", "b"); // expect: std::fs::rename
    let _ = renamed;
}

pub async fn closures_run_inline(paths: &[&str]) -> usize {
    paths
        .iter()
        .filter(|p| std::path::Path::new(p).is_dir()) // expect: std::path::Path::is_dir
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_test_can_block() {
        sleep(Duration::from_millis(1));
        helper();
    }

    #[tokio::test]
    async fn async_test_blocks() {
        std::fs::copy("a", "b").ok(); // expect: std::fs::copy
    }
}

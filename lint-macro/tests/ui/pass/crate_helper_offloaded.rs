// A blocking helper called from an offloading closure runs on a blocking thread: no
// finding.

fn load_report() -> String {
    std::fs::read_to_string("report.txt").unwrap_or_default()
}

#[blockwatch::no_blocking]
async fn report() -> String {
    tokio::task::spawn_blocking(load_report).await.unwrap_or_default()
        + &tokio::task::spawn_blocking(|| load_report())
            .await
            .unwrap_or_default()
}

fn main() {
    let _ = report();
}

//! Database and HTTP clients, sync and async.
use diesel::prelude::*;
use rusqlite::{params, Connection};

use crate::schema::users::dsl::*;

pub struct Repo {
    pool: sqlx::PgPool,
    http: reqwest::Client,
}

impl Repo {
    pub async fn user_names(&self) -> Vec<String> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM users")
            .fetch_all(&self.pool)
            .await
            .unwrap_or_default();
        sqlx::query("DELETE FROM sessions").execute(&self.pool).await.ok();
        rows.into_iter().map(|r| r.0).collect()
    }

    pub async fn legacy_names(&self, conn: &mut PgConnection) -> Vec<String> {
        let found = users.filter(active.eq(true)).select(name).load::<String>(conn).unwrap_or_default(); // expect: diesel::RunQueryDsl::load
        let one: Option<String> = users.select(name).first(conn).ok(); // expect: diesel::RunQueryDsl::first
        found.into_iter().chain(one).collect()
    }

    pub async fn sqlite_count(&self) -> i64 {
        let conn = Connection::open("app.db").unwrap(); // expect: rusqlite::Connection::open
        conn.execute("INSERT INTO log VALUES (?1)", params![1]).unwrap(); // expect: rusqlite::Connection::execute
        conn.query_row("SELECT count(*) FROM log", [], |r| r.get(0)).unwrap() // expect: rusqlite::Connection::query_row
    }

    pub async fn pg_sync(&self) -> u64 {
        let mut client = postgres::Client::connect("host=localhost", postgres::NoTls).unwrap(); // expect: postgres::Client::connect
        let rows = client.query("SELECT 1", &[]).unwrap(); // expect: postgres::Client::query
        rows.len() as u64
    }

    pub async fn pg_async(&self) -> u64 {
        let (client, conn) = tokio_postgres::connect("host=localhost", tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        let rows = client.query("SELECT 1", &[]).await.unwrap();
        rows.len() as u64
    }

    pub async fn fetch(&self, url: &str) -> String {
        let a = self.http.get(url).send().await.unwrap().text().await.unwrap();
        let b = reqwest::blocking::get(url).unwrap().text().unwrap(); // expect: reqwest::blocking::get
        let c = ureq::get(url).call().unwrap().into_string().unwrap(); // expect: ureq::get
        format!("{a}{b}{c}")
    }

    pub fn fetch_sync(url: &str) -> String {
        reqwest::blocking::get(url).unwrap().text().unwrap()
    }
}

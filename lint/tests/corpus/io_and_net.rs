//! Networking and process handling, sync and async side by side.
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::process::{Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub async fn fetch(host: &str) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect((host, 80))?; // expect: std::net::TcpStream::connect
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n")?; // expect: std::io::Write::write_all
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf)?; // expect: std::io::Read::read_to_end
    Ok(buf)
}

pub async fn fetch_async(host: &str) -> io::Result<Vec<u8>> {
    let mut stream = tokio::net::TcpStream::connect((host, 80)).await?;
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").await?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await?;
    Ok(buf)
}

pub async fn serve(addr: &str) -> io::Result<()> {
    let listener = TcpListener::bind(addr)?; // expect: std::net::TcpListener::bind
    for conn in listener.incoming() { // expect: std::net::TcpListener::incoming
        let mut conn = conn?;
        let mut line = String::new();
        BufReader::new(&mut conn).read_line(&mut line)?; // expect: std::io::BufRead::read_line
    }
    let tl = tokio::net::TcpListener::bind(addr).await?;
    let (sock, _) = tl.accept().await?;
    let _ = sock;
    Ok(())
}

pub async fn resolve(name: &str) -> Vec<std::net::SocketAddr> {
    let blocking: Vec<_> = (name, 443).to_socket_addrs().unwrap().collect(); // expect: std::net::ToSocketAddrs::to_socket_addrs
    let nonblocking: Vec<_> = tokio::net::lookup_host((name, 443)).await.unwrap().collect();
    [blocking, nonblocking].concat()
}

pub async fn udp(addr: &str) -> io::Result<usize> {
    let sock = UdpSocket::bind(addr)?; // expect: std::net::UdpSocket::bind
    let mut b = [0u8; 512];
    let (n, _) = sock.recv_from(&mut b)?; // expect: std::net::UdpSocket::recv_from
    let tsock = tokio::net::UdpSocket::bind(addr).await?;
    let (m, _) = tsock.recv_from(&mut b).await?;
    Ok(n + m)
}

pub async fn git_rev() -> String {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .stdout(Stdio::piped())
        .output() // expect: std::process::Command::output
        .expect("git");
    let tout = tokio::process::Command::new("git").arg("status").output().await.unwrap();
    let mut child = Command::new("sleep").arg("1").spawn().unwrap();
    let code = child.wait().unwrap(); // expect: std::process::Child::wait
    format!("{}{:?}{:?}", String::from_utf8_lossy(&out.stdout), tout.status, code)
}

pub async fn prompt() -> String {
    print!("name? ");
    io::stdout().flush().unwrap(); // expect: std::io::Stdout::flush
    let mut name = String::new();
    io::stdin().read_line(&mut name).unwrap(); // expect: std::io::Stdin::read_line
    let stdin = io::stdin();
    let first = stdin.lock().lines().next(); // expect: std::io::Stdin::lines
    let _ = first;
    name
}

pub fn cli_prompt() -> String {
    let mut s = String::new();
    io::stdin().read_to_string(&mut s).unwrap();
    s
}

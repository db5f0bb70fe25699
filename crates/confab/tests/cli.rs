//! The `confab` binary as a self-hoster runs it: subcommands, and a server that keeps what it
//! acknowledged across `kill -9`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails by panicking, with the failing value"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_confab");
const TOKEN: &str = "cli-test-token";

fn confab(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CONFAB_TOKEN")
        .env_remove("CONFAB_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "confab {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(data_dir: &Path, token: Option<&str>) -> (Self, Vec<String>) {
        let port = free_port();
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data-dir")
            .arg(data_dir)
            .env_remove("CONFAB_TOKEN")
            .env_remove("CONFAB_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(token) = token {
            cmd.arg("--token").arg(token);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = Vec::new();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut line = String::new();
            assert!(Instant::now() < deadline, "server did not start: {lines:?}");
            if reader.read_line(&mut line).unwrap() == 0 {
                panic!("server exited early: {lines:?}");
            }
            let listening = line.starts_with("Confab listening");
            lines.push(line.trim_end().to_owned());
            if listening {
                break;
            }
        }
        (Self { child, port }, lines)
    }

    /// One HTTP/1.1 request; returns (status, body).
    fn call(&self, method: &str, path: &str, token: &str, body: Option<&str>) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
        (status, body)
    }

    fn kill_hard(mut self) {
        // Child::kill sends SIGKILL: no shutdown code runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn first_start_prints_a_token_once_that_authenticates() {
    let dir = tempfile::tempdir().unwrap();
    let (server, lines) = Server::start(dir.path(), None);
    let token = lines
        .iter()
        .find(|l| l.starts_with("confab_"))
        .expect("a token line")
        .clone();
    let (status, body) = server.call("GET", "/me", &token, None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("owner@example.com"));
    drop(server);
    let (_again, lines) = Server::start(dir.path(), None);
    assert!(
        !lines.iter().any(|l| l.starts_with("confab_")),
        "shown only once: {lines:?}"
    );
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = Server::start(dir.path(), Some(TOKEN));
    let (status, body) = server.call(
        "PUT",
        "/admins/1/away",
        TOKEN,
        Some(r#"{"away_mode_enabled":true,"away_mode_reassign":true}"#),
    );
    assert_eq!(status, 200, "{body}");
    server.kill_hard();

    let (server, _) = Server::start(dir.path(), Some(TOKEN));
    let (status, body) = server.call("GET", "/admins/1", TOKEN, None);
    assert_eq!(status, 200);
    assert!(body.contains(r#""away_mode_enabled":true"#), "{body}");
    let (_, logs) = server.call(
        "GET",
        "/admins/activity_logs?created_at_after=0",
        TOKEN,
        None,
    );
    assert!(logs.contains("admin_away_mode_change"), "{logs}");
}

#[test]
fn workspaces_and_tokens_are_managed_while_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = Server::start(dir.path(), Some(TOKEN));

    let created = confab(dir.path(), &["workspace", "create", "--name", "Globex"]);
    let workspace = created.trim().to_owned();
    assert_eq!(workspace.len(), 8, "{created}");
    assert!(confab(dir.path(), &["workspace", "list"]).contains("Globex"));

    let out = confab(dir.path(), &["token", "create", "--workspace", &workspace]);
    let token = out.lines().last().unwrap().trim().to_owned();
    let (status, me) = server.call("GET", "/me", &token, None);
    assert_eq!(status, 200, "{me}");
    assert!(
        me.contains(&workspace),
        "the token acts in its own workspace: {me}"
    );

    let listed = confab(dir.path(), &["token", "list", "--workspace", &workspace]);
    assert!(!listed.contains(&token), "token values are never listed");
    let id = listed.split('\t').next().unwrap().to_owned();
    confab(dir.path(), &["token", "revoke", &id]);
    std::thread::sleep(Duration::from_millis(2_100)); // the server's token cache lifetime
    let (status, _) = server.call("GET", "/me", &token, None);
    assert_eq!(status, 401);
}

#[test]
fn config_example_prints_the_documented_defaults() {
    let out = Command::new(BIN)
        .args(["config", "example"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("listen = \"127.0.0.1:4747\""));
    assert!(text.contains("[rate_limit]"));
}

#[test]
fn seed_demo_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let first = confab(dir.path(), &["seed", "demo"]);
    assert!(first.contains("demo data added"), "{first}");
    let second = confab(dir.path(), &["seed", "demo"]);
    assert!(second.contains("already has"), "{second}");
}

#[test]
fn sigterm_shuts_the_server_down_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, _) = Server::start(dir.path(), Some(TOKEN));
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "server ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}

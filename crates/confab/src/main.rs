//! `confab`: serve the Intercom REST API from your own machine.

mod config;
mod seed_bench;
mod serve;

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use confab_domain::clock::system_now;
use confab_domain::models::WorkspaceId;
use confab_store::bootstrap;
use confab_store::search::WhenLarge;
use confab_store::tenancy::NewWorkspace;
use confab_store::Store;

use crate::config::{Config, FlagOverrides};

#[derive(Debug, Parser)]
#[command(
    name = "confab",
    version,
    about = "A self-hostable server for the Intercom REST API"
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; every subcommand takes these.
#[derive(Debug, Args)]
struct StoreArgs {
    /// Configuration file (default: ./confab.toml if present).
    #[arg(long, global = true, env = "CONFAB_CONFIG")]
    config: Option<PathBuf>,
    /// Directory of the embedded SQLite database.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… (default: SQLite file in the data directory).
    #[arg(long, global = true)]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API.
    Serve(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Manage access tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Add datasets.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:4747).
    #[arg(long)]
    listen: Option<String>,
    /// Fix the default workspace's access token (env CONFAB_TOKEN).
    #[arg(long)]
    token: Option<String>,
    /// Intercom-Version for requests that send none.
    #[arg(long)]
    default_version: Option<String>,
    /// Add the demo dataset to the default workspace.
    #[arg(long)]
    demo: bool,
}

#[derive(Debug, Subcommand)]
enum WorkspaceCommand {
    /// Create a workspace with its owner admin; prints its id.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "Etc/UTC")]
        timezone: String,
        #[arg(long, default_value = "US")]
        region: String,
        #[arg(long, default_value = "Workspace Owner")]
        owner_name: String,
        #[arg(long, default_value = "owner@example.com")]
        owner_email: String,
    },
    /// List workspaces.
    List,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token; prints it once, as the last line.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List a workspace's tokens (never their values).
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
enum SeedCommand {
    /// Add the demo dataset (docs/demo-data.md) to a workspace (default: the default one).
    Demo {
        #[arg(long)]
        workspace: Option<String>,
    },
    /// Add the search benchmark's dataset (deterministic: the same N and seed give the same
    /// data) to a workspace (default: the default one).
    Bench {
        /// How many contacts.
        #[arg(long)]
        contacts: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        workspace: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the documented default configuration file.
    Example,
}

/// mimalloc instead of the system allocator: rendering builds many small JSON values, and
/// with glibc's allocator a 100-part conversation read was ~40% slower (decision 0034).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut flags = FlagOverrides {
        data_dir: cli.store.data_dir.clone(),
        database_url: cli.store.database_url.clone(),
        ..FlagOverrides::default()
    };
    if let Command::Serve(args) = &cli.command {
        flags.listen.clone_from(&args.listen);
        flags.token.clone_from(&args.token);
        flags.default_version.clone_from(&args.default_version);
        flags.demo = args.demo.then_some(true);
    }
    if let Command::Config(ConfigCommand::Example) = cli.command {
        print!("{}", config::EXAMPLE);
        return Ok(());
    }
    let config = Config::load(cli.store.config.as_deref(), &flags)?;
    serve::init_tracing(&config.log_format);
    match cli.command {
        Command::Serve(_) => serve::run(config).await,
        Command::Migrate => {
            let store = open_store(&config).await?;
            // The search indexes and value columns of declared attributes, large tables
            // included: migrating is the quiet time their rewrite waits for (decision 0053).
            confab_api::search::index_declared_attributes(&store, WhenLarge::Rewrite)
                .await
                .map_err(|err| anyhow::anyhow!("indexing declared attributes failed: {err:?}"))?;
            println!("database is up to date");
            Ok(())
        }
        Command::Workspace(cmd) => workspace(&open_store(&config).await?, cmd).await,
        Command::Token(cmd) => token(&open_store(&config).await?, cmd).await,
        Command::Seed(SeedCommand::Bench {
            contacts,
            seed,
            workspace,
        }) => {
            let store = open_store(&config).await?;
            let ws = seed_workspace(&store, &config, workspace).await?;
            let seeded = seed_bench::seed(&store, &ws, contacts, seed).await?;
            println!(
                "{} contacts and {} companies added to workspace {} in {:.1} s",
                seeded.contacts,
                seeded.companies,
                ws.id,
                seeded.elapsed.as_secs_f64()
            );
            Ok(())
        }
        Command::Seed(SeedCommand::Demo { workspace }) => {
            let store = open_store(&config).await?;
            let ws = seed_workspace(&store, &config, workspace).await?;
            let added = bootstrap::seed_demo(&store, &ws, system_now()).await?;
            println!(
                "{}",
                if added {
                    format!("demo data added to workspace {}", ws.id)
                } else {
                    format!("workspace {} already has the demo data", ws.id)
                }
            );
            Ok(())
        }
        Command::Config(ConfigCommand::Example) => Ok(()),
    }
}

/// The workspace a seed goes into: the named one, or the default one (made if missing).
async fn seed_workspace(
    store: &Store,
    config: &Config,
    workspace: Option<String>,
) -> anyhow::Result<confab_domain::models::Workspace> {
    Ok(match workspace {
        Some(id) => find_workspace(store, &id).await?,
        None => {
            bootstrap::ensure_default_workspace(store, config.token(), system_now())
                .await?
                .workspace
        }
    })
}

/// Connects and migrates, so every subcommand works on a fresh or an older store.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url()?;
    let read_time_limit = std::time::Duration::from_millis(config.read_time_limit_ms);
    let store = Store::connect_with(&url, read_time_limit)
        .await
        .with_context(|| format!("cannot open database {}", redact_url(&url)))?;
    store.migrate().await.context("migration failed")?;
    Ok(store)
}

/// The URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn find_workspace(
    store: &Store,
    id: &str,
) -> anyhow::Result<confab_domain::models::Workspace> {
    match store.workspace(&WorkspaceId::new(id)).await? {
        Some(ws) => Ok(ws),
        None => bail!("no workspace with id {id}"),
    }
}

async fn workspace(store: &Store, cmd: WorkspaceCommand) -> anyhow::Result<()> {
    match cmd {
        WorkspaceCommand::Create {
            name,
            timezone,
            region,
            owner_name,
            owner_email,
        } => {
            let ws = store
                .create_workspace(
                    &NewWorkspace {
                        name,
                        timezone,
                        region,
                        owner_name,
                        owner_email,
                    },
                    system_now(),
                )
                .await?;
            println!("{}", ws.id);
        }
        WorkspaceCommand::List => {
            for ws in store.workspaces().await? {
                println!("{}\t{}\t{}\t{}", ws.id, ws.name, ws.timezone, ws.region);
            }
        }
    }
    Ok(())
}

async fn token(store: &Store, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { workspace, name } => {
            let ws = find_workspace(store, &workspace).await?;
            let (info, plaintext) = store.create_token(&ws.id, &name, system_now()).await?;
            println!(
                "token {} created for workspace {}; it is shown only once:",
                info.id, ws.id
            );
            println!("{plaintext}");
        }
        TokenCommand::List { workspace } => {
            let ws = find_workspace(store, &workspace).await?;
            for t in store.tokens(&ws.id).await? {
                let status = t
                    .revoked_at
                    .map_or("active".to_owned(), |at| format!("revoked at {at}"));
                println!(
                    "{}\t{}\t…{}\tadmin {}\t{status}",
                    t.id, t.name, t.hint, t.admin_id
                );
            }
        }
        TokenCommand::Revoke { id } => {
            if !store.revoke_token(id, system_now()).await? {
                bail!("no active token with id {id}");
            }
            println!("token {id} revoked");
        }
    }
    Ok(())
}

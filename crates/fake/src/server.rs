//! Starting and stopping a fake server from synchronous host code (Python, tests).
//!
//! The server runs on its own std thread with its own small tokio runtime, so it never competes
//! with (or depends on) the client's runtime, survives the client blocking its own threads, and
//! can be started from code that has no runtime at all. The socket is bound on the caller's
//! thread so `start` can hand back the real port, or the bind error, before returning.

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use super::faults::{FaultError, FaultHandle, FaultOptions, Faults};
use super::log::RequestLog;
use super::ratelimit::{RateLimiter, MINUTE};
use super::routes::{self, AppState};
use super::store::Store;

/// How long in-flight requests get to finish after `stop()` before connections are dropped;
/// a stuck client must not make `stop()` (and so `Drop`) hang.
const GRACE: Duration = Duration::from_secs(3);

/// How a fake server is set up.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub api_key: String,
    pub api_secret: String,
    pub seed: u64,
    pub host: IpAddr,
    /// 0 lets the OS pick a free port.
    pub port: u16,
    /// Records per seeded collection ("hours/hours" → 1_000_000); others keep their defaults.
    pub sizes: BTreeMap<String, usize>,
    /// Requests per minute the server admits before answering 429 with `Retry-After`, like the
    /// real API; `None` for no limit. Exact meaning in `ratelimit.rs`: at most N authenticated
    /// requests in any sliding window of 60 s (less 100 ms for arrival jitter).
    pub rate_limit: Option<u32>,
    /// The limit's window: one minute. Only tests change it, to watch slots free up without
    /// waiting a minute.
    #[doc(hidden)]
    pub rate_window: Duration,
    /// Serve the real API's quirks (numbers as strings, zero dates, ...; `seed/quirks.rs`), as
    /// real accounts have them. `false` serves data exactly as the record model table types it.
    pub quirks: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            api_key: "test-key".to_owned(),
            api_secret: "test-secret".to_owned(),
            seed: 0,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            sizes: BTreeMap::new(),
            rate_limit: None,
            rate_window: MINUTE,
            quirks: true,
        }
    }
}

/// A running fake Simplicate API; stops when dropped.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    store: Arc<Store>,
    log: Arc<RequestLog>,
    faults: Arc<Faults>,
    limiter: Option<Arc<RateLimiter>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Binds, then serves on a dedicated thread owning a 2-worker tokio runtime. Returns once
    /// the socket is bound and the runtime is up; bind and runtime errors come back as
    /// `io::Error`.
    pub fn start(config: FakeConfig) -> io::Result<FakeServer> {
        let limiter = match config.rate_limit {
            None => None,
            Some(limit) => Some(Arc::new(
                RateLimiter::new(limit, config.rate_window).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "rate_limit and rate_window must be positive",
                    )
                })?,
            )),
        };
        // Seeding first: bad sizes are the caller's mistake and should not cost a port.
        let store = Arc::new(
            Store::with_sizes(config.seed, config.sizes, config.quirks)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
        );
        let listener = TcpListener::bind((config.host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let log = Arc::new(RequestLog::default());
        let faults = Arc::new(Faults::new(config.seed));
        let state = Arc::new(AppState {
            store: Arc::clone(&store),
            log: Arc::clone(&log),
            faults: Arc::clone(&faults),
            limiter: limiter.clone(),
            api_key: config.api_key,
            api_secret: config.api_secret,
        });
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(format!("simplicate-fake-{}", addr.port()))
            .spawn(move || serve(listener, state, shutdown_rx, ready_tx))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(FakeServer {
                addr,
                store,
                log,
                faults,
                limiter,
                shutdown: Some(shutdown_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "fake server thread ended before it was ready",
                ))
            }
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL of the API, e.g. "http://127.0.0.1:PORT/api/v2". A server bound to the
    /// unspecified address (0.0.0.0 / ::) is announced on loopback, which is where a client on
    /// this host can reach it.
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        // SocketAddr's Display brackets IPv6 addresses, as URLs require.
        format!("http://{}/api/v2", SocketAddr::new(ip, self.addr.port()))
    }

    /// Graceful shutdown; returns once the server thread has ended. Idempotent.
    pub fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// The requests served so far (bounded; see `log.rs`).
    pub fn log(&self) -> Arc<RequestLog> {
        Arc::clone(&self.log)
    }

    /// The server's store, for inspecting or planting records from the host process.
    pub fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }

    /// Adds a fault rule (checked after those injected before it); see `faults/`.
    pub fn inject(&self, options: FaultOptions) -> Result<FaultHandle, FaultError> {
        self.faults.inject(options)
    }

    /// Withdraws every fault rule.
    pub fn clear_faults(&self) {
        self.faults.clear();
    }

    /// The fault rules that can still apply, in the order they are checked.
    pub fn active_faults(&self) -> Vec<FaultHandle> {
        self.faults.active()
    }

    /// Requests per minute, if the server has a limit.
    pub fn rate_limit(&self) -> Option<u32> {
        self.limiter.as_ref().map(|l| l.limit())
    }

    /// Frees every slot of the rate limit, as if no request had been made.
    pub fn reset_rate_limit(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.reset();
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Body of the server thread. The runtime is created and dropped here, never on the caller's
/// thread, which may itself be inside an async context where dropping a runtime panics.
fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: oneshot::Receiver<()>,
    ready: mpsc::Sender<io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("simplicate-fake-worker")
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let listener = {
        let _entered = runtime.enter();
        match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        }
    };
    if ready.send(Ok(())).is_err() {
        return;
    }
    runtime.block_on(async move {
        let (stopping_tx, stopping_rx) = oneshot::channel::<()>();
        // A dropped sender (FakeServer gone without stop()) also means stop.
        let signal = async move {
            let _ = shutdown.await;
            let _ = stopping_tx.send(());
        };
        let server = axum::serve(listener, routes::router(state))
            .with_graceful_shutdown(signal)
            .into_future();
        let deadline = async move {
            match stopping_rx.await {
                Ok(()) => tokio::time::sleep(GRACE).await,
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = server => {}
            () = deadline => {}
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
}

//! The one process-wide tokio runtime.
//!
//! Built lazily on first use (importing the module starts no threads) and rebuilt after `fork`:
//! a child process inherits the runtime's memory but none of its worker threads, so the inherited
//! runtime is leaked rather than dropped (dropping it would wait for threads that do not exist)
//! and a fresh one is made for the child.

use std::sync::{Arc, Mutex};

use tokio::runtime::Runtime;

use crate::error::{Error, Result};

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime for this process, creating it if needed.
pub fn get() -> Result<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((owner, runtime)) = slot.as_ref() {
        if *owner == pid {
            return Ok(runtime.clone());
        }
    }
    if let Some((_, inherited)) = slot.take() {
        std::mem::forget(inherited);
    }
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("simplicate-io")
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the I/O runtime: {e}")))?,
    );
    *slot = Some((pid, runtime.clone()));
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_runtime_per_process() {
        let a = super::get().unwrap();
        let b = super::get().unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert_eq!(a.block_on(async { 2 + 2 }), 4);
    }
}

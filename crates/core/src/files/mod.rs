//! Files: the loops shared by the sync and the async client, each beside the wire details it
//! needs, and none with Python in it.
//!
//! - `upload`: the chunked-upload loop (open, append, recover a lost answer without a duplicate)
//! - `upload_wire`: slicing a file into chunks, their base64, and the server's answers
//! - `download`: the streamed-download loop (batches to a sink, start over on a broken body)
//! - `download_target`: the suggested file name, and the temporary file that becomes `dest`

pub mod download;
pub mod download_target;
pub mod upload;
pub mod upload_wire;

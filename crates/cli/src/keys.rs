//! `keys`: stream keys in and out of the key store, never on the command line or in a file.

use crate::{bad_input, Outcome};
use anyhow::anyhow;
use std::io::{BufRead, IsTerminal};
use streamwerk_keys::{KeyError, KeyStore};

#[derive(clap::Subcommand)]
pub enum KeysCommand {
    /// Store a stream key under NAME, read from standard input (so it stays out of the shell
    /// history and the process list); a profile's destination refers to it as "key": "NAME".
    Set { name: String },
    /// Forget the key stored under NAME.
    Delete { name: String },
}

pub fn run(command: KeysCommand) -> Outcome {
    let store = KeyStore::new();
    let failure = |e: KeyError| match e {
        KeyError::File { .. } => crate::runtime(e),
        _ => bad_input(e),
    };
    match command {
        KeysCommand::Set { name } => {
            if std::io::stdin().is_terminal() {
                eprintln!("Paste the stream key for `{name}` and press Enter:");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(crate::runtime)?;
            let backend = store.set(&name, line.trim()).map_err(failure)?;
            println!("stored stream key `{name}` in {backend}");
        }
        KeysCommand::Delete { name } => {
            if !store.delete(&name).map_err(failure)? {
                return Err(bad_input(anyhow!("no stream key named `{name}`")));
            }
            println!("deleted stream key `{name}`");
        }
    }
    Ok(())
}

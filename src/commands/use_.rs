//! `guard use`: a sticky profile, so that every later run in any terminal uses it without `-p`
//! or `AWS_PROFILE`, and without touching `[default]`.

use crate::options::Options;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::resolve::sticky;
use crate::sys::output::{self, Delivery};

/// The variables that win over the sticky profile, as `select` reads them.
const STRONGER: &[&str] = &["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "GUARD_PROFILE"];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The profile to make sticky; without it, print the sticky profile
    #[arg(value_name = "PROFILE", conflicts_with = "clear")]
    pub name: Option<String>,
    /// Forget the sticky profile
    #[arg(long)]
    pub clear: bool,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    options.no_profile("use")?;
    if args.clear {
        // A damaged record is exactly what --clear is for: forget it without reading it.
        let previous = sticky::read().ok().flatten();
        if sticky::clear()? {
            let what = previous.map_or("the sticky profile".to_string(), |name| {
                format!("the sticky profile '{name}'")
            });
            output::stderr_line(format_args!("guard: forgot {what}"));
        } else {
            output::stderr_line("guard: there was no sticky profile");
        }
        return Ok(());
    }
    let Some(name) = &args.name else {
        return match sticky::read()? {
            Some(name) => {
                output::stdout(&format!("{name}\n"), Delivery::Listing)?;
                note_stronger(&name);
                Ok(())
            }
            None => {
                output::stderr_line("guard: no sticky profile; `guard use PROFILE` sets one");
                Ok(())
            }
        };
    };
    let paths = Paths::from_env()?;
    ProfileSet::load(&paths)?.get(name)?;
    let path = sticky::write(name)?;
    output::stderr_line(format_args!(
        "guard: '{name}' is sticky (in {}): runs use it unless -p, {} names a profile",
        path.display(),
        STRONGER.join(", ")
    ));
    note_stronger(name);
    Ok(())
}

/// Says so when this shell names a profile that wins over the sticky one.
fn note_stronger(name: &str) {
    let stronger = STRONGER.iter().find_map(|var| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| (var, v))
    });
    if let Some((var, value)) = stronger {
        crate::sys::error::warn(format!(
            "in this shell ${var}={value} wins over '{name}'; `unset {var}` to use the sticky profile"
        ));
    }
}

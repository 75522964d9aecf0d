//! wget: the method, body, headers and URLs of a wget command.
//!
//! wget reads `~/.wgetrc` (or `$WGETRC`, or `--config FILE`; none with `--no-config`)
//! before its options, and `-e COMMAND` where it stands; both use `name = value`
//! commands that can set the method, body and headers, so they are applied in that
//! order, last one winning. `--post-data`/`--post-file` force POST; `--body-data`/
//! `--body-file` go with `--method` (wget refuses them alone; guard judges them as a
//! POST). URLs come from the operands and from `-i FILE` (`-`: stdin), one a line.

use super::config;
use super::{Draft, header_pair, read_named};
use crate::inspect::Ctx;
use crate::inspect::payload::Payload;
use crate::operation::{Command, OptionUse};

/// Where a body comes from.
#[derive(Debug, Clone, PartialEq)]
enum BodySource {
    Text(String),
    File(String),
}

/// What the wgetrc, `-e` commands and options set, in the order wget applies them.
#[derive(Debug, Default)]
struct Settings {
    method: Option<String>,
    body: Option<BodySource>,
    post: Option<BodySource>,
    headers: Vec<(String, String)>,
    inputs: Vec<String>,
    force_html: bool,
    recursive: bool,
}

pub(super) fn drafts(cmd: &Command, ctx: &Ctx) -> Result<Vec<Draft>, String> {
    let mut settings = Settings::default();
    if !cmd.option_in_effect("no-config")
        && let Some(text) = wgetrc(cmd, ctx)?
    {
        for line in text.lines() {
            apply_command_line(&mut settings, line);
        }
    }
    for option in cmd.options.iter() {
        apply_option(&mut settings, option);
    }
    let (method, body) = method_and_body(&settings, cmd, ctx);
    if settings.recursive && !matches!(method.as_str(), "GET" | "HEAD") {
        return Err(format!("wget would follow links with {method}, to URLs guard cannot know"));
    }
    let urls = urls(cmd, &settings, ctx)?;
    Ok(urls
        .iter()
        .map(|url| {
            let mut draft = Draft::new("wget", &method, url, "http");
            draft.headers = settings.headers.clone();
            if body.is_some() {
                draft.implied_content_type = Some("application/x-www-form-urlencoded".into());
            }
            draft.body = body.clone();
            draft
        })
        .collect())
}

/// The wgetrc wget reads: `--config FILE`, else `$WGETRC`, else `~/.wgetrc`.
fn wgetrc(cmd: &Command, ctx: &Ctx) -> Result<Option<String>, String> {
    if let Some(file) = cmd.option_values("config").last() {
        return match ctx.sources.file(&cmd.dir, file) {
            Payload::Bytes(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Payload::Unreadable(reason) => Err(format!("cannot read the wget config {file}: {reason}")),
        };
    }
    let candidates: Vec<_> =
        [ctx.env.text("WGETRC").map(std::path::PathBuf::from), config::under_env(ctx, "HOME", ".wgetrc")]
            .into_iter()
            .flatten()
            .take(1)
            .collect();
    Ok(config::first_existing(ctx, &candidates)?.map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()))
}

/// One `name = value` wgetrc command (names ignore case, `-` and `_`).
fn apply_command_line(settings: &mut Settings, line: &str) {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return;
    }
    let Some((name, value)) = line.split_once('=') else { return };
    let name: String = name.trim().chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
    apply_command(settings, &name, value.trim());
}

fn apply_command(settings: &mut Settings, name: &str, value: &str) {
    match name {
        "method" => settings.method = Some(value.to_string()),
        "bodydata" => settings.body = Some(BodySource::Text(value.to_string())),
        "bodyfile" => settings.body = Some(BodySource::File(value.to_string())),
        "postdata" => settings.post = Some(BodySource::Text(value.to_string())),
        "postfile" => settings.post = Some(BodySource::File(value.to_string())),
        "header" if value.is_empty() => settings.headers.clear(),
        "header" => settings.headers.extend(header_pair(value)),
        "input" => settings.inputs.push(value.to_string()),
        "forcehtml" => settings.force_html = is_on(value),
        "recursive" | "mirror" | "pagerequisites" => settings.recursive |= is_on(value),
        _ => {}
    }
}

fn is_on(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "on" | "1" | "yes" | "true" | "inf")
}

/// Options from the command line, in order (`-e` commands where they stand).
fn apply_option(settings: &mut Settings, option: &OptionUse) {
    let value = option.value.as_deref().unwrap_or("");
    match option.name.as_str() {
        "execute" => apply_command_line(settings, value),
        "method" => apply_command(settings, "method", value),
        "body-data" => apply_command(settings, "bodydata", value),
        "body-file" => apply_command(settings, "bodyfile", value),
        "post-data" => apply_command(settings, "postdata", value),
        "post-file" => apply_command(settings, "postfile", value),
        "header" => apply_command(settings, "header", value),
        "input-file" => apply_command(settings, "input", value),
        "force-html" => settings.force_html = !option.negated,
        "recursive" | "mirror" | "page-requisites" if !option.negated => settings.recursive = true,
        _ => {}
    }
}

/// `--post-*` wins and means POST; a body without a method is judged as a POST.
fn method_and_body(settings: &Settings, cmd: &Command, ctx: &Ctx) -> (String, Option<Payload>) {
    let read = |source: &BodySource| match source {
        BodySource::Text(text) => Payload::Bytes(text.as_bytes().to_vec()),
        BodySource::File(file) => ctx.sources.file(&cmd.dir, file),
    };
    if let Some(post) = &settings.post {
        return ("POST".into(), Some(read(post)));
    }
    let method = settings.method.clone().filter(|m| !m.is_empty());
    match &settings.body {
        Some(body) => (method.unwrap_or_else(|| "POST".into()), Some(read(body))),
        None => (method.unwrap_or_else(|| "GET".into()), None),
    }
}

/// Operands, then the URLs of every input file.
fn urls(cmd: &Command, settings: &Settings, ctx: &Ctx) -> Result<Vec<String>, String> {
    let mut urls: Vec<String> = cmd.operands.iter().map(|o| o.text.clone()).collect();
    for input in settings.inputs.iter() {
        if input.contains("://") {
            return Err(format!("wget would read its URLs from {input}, which guard does not fetch"));
        }
        if settings.force_html {
            return Err(format!("wget would follow the links of the HTML file {input}, which guard does not read"));
        }
        match read_named(input, &cmd.dir, ctx) {
            Payload::Bytes(bytes) => urls.extend(
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(String::from),
            ),
            Payload::Unreadable(reason) => return Err(format!("cannot read the wget input file {input}: {reason}")),
        }
    }
    Ok(urls)
}

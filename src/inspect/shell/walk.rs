//! Walks brush-parser's syntax tree and collects every simple command that may run.
//!
//! Runs inside the sandbox child (it calls brush-parser for nested strings as it goes).
//! Each construct is visited with the [`ShellState`] bash would have there: sequential
//! code shares it, subshells and pipeline members get a copy, branches and loop bodies are
//! merged back conservatively (see `state.rs`). A loop body is walked again until walking
//! it changes nothing more, so its commands see what a later iteration could see.

use super::expand::Declared;
use super::limits::{self, MAX_DEPTH, MAX_STEPS};
use super::state::ShellState;
use super::{Redirect, RedirectKind, Script, ShellError, SimpleCommand, Stdin, Word};
use brush_parser::ast;
use brush_parser::ast::CommandPrefixOrSuffixItem as Item;
use std::collections::BTreeSet;
use std::path::Path;

/// Where a construct sits: the stdin its commands get by default, the redirections of
/// enclosing compound commands (`{ …; } > f` writes `f` through each command inside), and
/// how deep it is.
#[derive(Debug, Clone)]
pub(super) struct Ctx {
    pub stdin: Stdin,
    pub redirects: Vec<Redirect>,
    pub depth: usize,
}

impl Ctx {
    pub(super) fn deeper(&self) -> Result<Ctx, ShellError> {
        if self.depth >= MAX_DEPTH {
            return Err(ShellError(format!("the shell string nests more than {MAX_DEPTH} levels deep")));
        }
        Ok(Ctx { stdin: self.stdin.clone(), redirects: self.redirects.clone(), depth: self.depth + 1 })
    }

    pub(super) fn with_stdin(&self, stdin: Stdin) -> Ctx {
        Ctx { stdin, redirects: self.redirects.clone(), depth: self.depth }
    }

    /// For code that runs later, from wherever it is called.
    pub(super) fn detached(&self, what: &str) -> Result<Ctx, ShellError> {
        let stdin = Stdin::Unknown { text: format!("the stdin of whoever runs {what}") };
        Ok(Ctx { stdin, redirects: Vec::new(), depth: self.deeper()?.depth })
    }
}

#[derive(Default)]
pub(super) struct Walker {
    pub(super) commands: Vec<SimpleCommand>,
    /// Names of functions defined so far; calling one may change any state.
    functions: BTreeSet<String>,
    steps: usize,
}

/// Every simple command of `text`, run from `cwd`. The sandboxed half of `parse`.
pub(super) fn script(text: &str, cwd: &Path) -> Result<Script, ShellError> {
    let mut walker = Walker::default();
    let mut state = ShellState::initial(cwd);
    walker.source(text, &mut state, &Ctx { stdin: Stdin::Inherited, redirects: Vec::new(), depth: 0 })?;
    Ok(Script { commands: walker.commands })
}

/// brush-parser set up as `bash -c` behaves: no extended globs (bash leaves `extglob` off
/// there, so `!(x)` is a syntax error and fails closed).
pub(super) fn parser_options(tilde_after_colon: bool) -> brush_parser::ParserOptions {
    brush_parser::ParserOptions {
        enable_extended_globbing: false,
        tilde_expansion_after_colon: tilde_after_colon,
        ..brush_parser::ParserOptions::default()
    }
}

pub(super) fn parse_program(text: &str) -> Result<ast::Program, ShellError> {
    let options = parser_options(false);
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(text.as_bytes()), &options);
    parser.parse_program().map_err(|e| ShellError(format!("shell syntax: {}", one_line(&e.to_string()))))
}

/// The first line of a message, shortened: errors are reported on one line.
pub(super) fn one_line(message: &str) -> String {
    let line: &str = message.lines().next().unwrap_or_default();
    line.chars().take(200).collect()
}

impl Walker {
    /// Parses `text` (a whole string, a `$(…)` body, an `eval` string) and walks it.
    pub(super) fn source(&mut self, text: &str, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        limits::check_nesting(text, ctx.depth)?;
        let program: ast::Program = parse_program(text)?;
        for list in &program.complete_commands {
            self.compound_list(list, state, ctx)?;
        }
        Ok(())
    }

    pub(super) fn is_function(&self, name: &str) -> bool {
        self.functions.contains(name)
    }

    pub(super) fn tick(&mut self) -> Result<(), ShellError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(ShellError("the shell string is too complex to follow".into()));
        }
        Ok(())
    }

    pub(super) fn emit(&mut self, command: SimpleCommand) -> Result<(), ShellError> {
        self.steps += command.argv.len();
        self.tick()?;
        self.commands.push(command);
        Ok(())
    }

    fn compound_list(&mut self, list: &ast::CompoundList, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        for ast::CompoundListItem(and_or, separator) in &list.0 {
            if matches!(separator, ast::SeparatorOperator::Async) {
                // `&` runs it in a subshell: nothing it sets is seen afterwards.
                self.and_or(and_or, &mut state.clone(), ctx)?;
            } else {
                self.and_or(and_or, state, ctx)?;
            }
        }
        Ok(())
    }

    fn and_or(&mut self, list: &ast::AndOrList, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        self.pipeline(&list.first, state, ctx)?;
        for next in &list.additional {
            let (ast::AndOr::And(pipeline) | ast::AndOr::Or(pipeline)) = next;
            self.branch(state, |walker, branch| walker.pipeline(pipeline, branch, ctx))?;
        }
        Ok(())
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        if let [only] = pipeline.seq.as_slice() {
            return self.command(only, state, ctx);
        }
        for (position, command) in pipeline.seq.iter().enumerate() {
            let member_ctx: Ctx = if position == 0 { ctx.clone() } else { ctx.with_stdin(Stdin::Pipe) };
            // Each member of a multi-command pipeline runs in a subshell.
            self.command(command, &mut state.clone(), &member_ctx)?;
        }
        Ok(())
    }

    /// Walks code that may or may not run, then forgets what it could have changed.
    pub(super) fn branch<F>(&mut self, state: &mut ShellState, walk: F) -> Result<(), ShellError>
    where
        F: FnOnce(&mut Walker, &mut ShellState) -> Result<(), ShellError>,
    {
        let mut branch: ShellState = state.clone();
        walk(self, &mut branch)?;
        state.absorb(&branch);
        Ok(())
    }

    /// Walks code that may run any number of times: again and again, from a state that
    /// forgets what earlier passes changed, until a pass changes nothing new. Only the
    /// last pass's commands are kept.
    fn repeat<F>(&mut self, state: &mut ShellState, walk: F) -> Result<(), ShellError>
    where
        F: Fn(&mut Walker, &mut ShellState) -> Result<(), ShellError>,
    {
        loop {
            let mark: usize = self.commands.len();
            let mut pass: ShellState = state.clone();
            walk(self, &mut pass)?;
            if !state.absorb(&pass) {
                return Ok(());
            }
            self.commands.truncate(mark);
            self.tick()?;
        }
    }

    fn command(&mut self, command: &ast::Command, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        self.tick()?;
        match command {
            ast::Command::Simple(simple) => self.simple(simple, state, ctx),
            ast::Command::Compound(compound, redirects) => {
                let inner: Ctx = self.compound_redirects(redirects.as_ref(), state, ctx)?.deeper()?;
                self.compound(compound, state, &inner)
            }
            ast::Command::Function(definition) => self.function(definition, ctx),
            ast::Command::ExtendedTest(test, redirects) => {
                self.compound_redirects(redirects.as_ref(), state, ctx)?;
                self.extended_test(&test.expr, state, ctx)
            }
        }
    }

    /// Redirections on a compound command: their side effects, and the stdin they give
    /// the commands inside.
    fn compound_redirects(
        &mut self,
        redirects: Option<&ast::RedirectList>,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Ctx, ShellError> {
        let Some(list) = redirects else { return Ok(ctx.clone()) };
        let items: Vec<&ast::IoRedirect> = list.0.iter().collect();
        let (own, stdin) = self.redirects(&items, state, ctx)?;
        let mut inner: Ctx = ctx.with_stdin(stdin);
        inner.redirects.extend(own);
        // The redirections happen even if nothing inside runs: report them on their own.
        let opened = SimpleCommand {
            argv: Vec::new(),
            assignments: Vec::new(),
            stdin: inner.stdin.clone(),
            redirects: inner.redirects.clone(),
            cwd: state.cwd.clone(),
        };
        self.emit(opened)?;
        Ok(inner)
    }

    fn compound(
        &mut self,
        compound: &ast::CompoundCommand,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(), ShellError> {
        use ast::CompoundCommand as C;
        match compound {
            C::BraceGroup(group) => self.compound_list(&group.list, state, ctx),
            C::Subshell(subshell) => self.compound_list(&subshell.list, &mut state.clone(), ctx),
            C::ForClause(clause) => self.for_clause(clause, state, ctx),
            C::ArithmeticForClause(clause) => {
                if let Some(init) = &clause.initializer {
                    self.arithmetic(&init.value, state, ctx)?;
                }
                self.repeat(state, |walker, pass| {
                    for expr in [&clause.condition, &clause.updater].into_iter().flatten() {
                        walker.arithmetic(&expr.value, pass, ctx)?;
                    }
                    walker.compound_list(&clause.body.list, pass, ctx)
                })
            }
            C::CaseClause(clause) => self.case_clause(clause, state, ctx),
            C::IfClause(clause) => self.if_clause(clause, state, ctx),
            C::WhileClause(ast::WhileOrUntilClauseCommand(condition, body, _))
            | C::UntilClause(ast::WhileOrUntilClauseCommand(condition, body, _)) => {
                self.repeat(state, |walker, pass| {
                    walker.compound_list(condition, pass, ctx)?;
                    walker.compound_list(&body.list, pass, ctx)
                })
            }
            C::Arithmetic(arithmetic) => self.arithmetic(&arithmetic.expr.value, state, ctx),
            C::Coprocess(coprocess) => {
                // Runs asynchronously, reading what the shell later writes to it.
                self.command(&coprocess.body, &mut state.clone(), &ctx.with_stdin(Stdin::Pipe))
            }
        }
    }

    fn for_clause(
        &mut self,
        clause: &ast::ForClauseCommand,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(), ShellError> {
        for value in clause.values.iter().flatten() {
            self.effects(&value.value, state, ctx)?;
        }
        // The loop variable takes each value in turn, or keeps its old one if none.
        state.forget(&clause.variable_name);
        self.repeat(state, |walker, pass| walker.compound_list(&clause.body.list, pass, ctx))
    }

    fn case_clause(
        &mut self,
        clause: &ast::CaseClauseCommand,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(), ShellError> {
        self.effects(&clause.value.value, state, ctx)?;
        let falls_through: bool =
            clause.cases.iter().any(|item| !matches!(item.post_action, ast::CaseItemPostAction::ExitCase));
        let walk_items = |walker: &mut Walker, state: &mut ShellState| -> Result<(), ShellError> {
            for item in &clause.cases {
                for pattern in &item.patterns {
                    walker.effects(&pattern.value, state, ctx)?;
                }
                if let Some(body) = &item.cmd {
                    walker.branch(state, |walker, branch| walker.compound_list(body, branch, ctx))?;
                }
            }
            Ok(())
        };
        if falls_through {
            // `;&` and `;;&` run later items after earlier ones: treat them like a loop body.
            self.repeat(state, walk_items)
        } else {
            walk_items(self, state)
        }
    }

    fn if_clause(
        &mut self,
        clause: &ast::IfClauseCommand,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(), ShellError> {
        self.compound_list(&clause.condition, state, ctx)?;
        self.branch(state, |walker, branch| walker.compound_list(&clause.then, branch, ctx))?;
        for other in clause.elses.iter().flatten() {
            self.branch(state, |walker, branch| {
                if let Some(condition) = &other.condition {
                    walker.compound_list(condition, branch, ctx)?;
                }
                walker.compound_list(&other.body, branch, ctx)
            })?;
        }
        Ok(())
    }

    /// A definition's body is judged as if called, with nothing known about the call.
    fn function(&mut self, definition: &ast::FunctionDefinition, ctx: &Ctx) -> Result<(), ShellError> {
        let name: &str = &definition.fname.value;
        self.functions.insert(name.to_string());
        let ast::FunctionBody(body, redirects) = &definition.body;
        let mut call_state = ShellState::unknown();
        let call_ctx: Ctx = ctx.detached(&format!("function {name}"))?;
        let body_ctx: Ctx = self.compound_redirects(redirects.as_ref(), &mut call_state, &call_ctx)?;
        self.compound(body, &mut call_state, &body_ctx)
    }

    fn extended_test(
        &mut self,
        expr: &ast::ExtendedTestExpr,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(), ShellError> {
        use ast::ExtendedTestExpr as E;
        match expr {
            E::And(left, right) | E::Or(left, right) => {
                self.extended_test(left, state, ctx)?;
                self.extended_test(right, state, ctx)
            }
            E::Not(inner) | E::Parenthesized(inner) => self.extended_test(inner, state, ctx),
            E::UnaryTest(_, word) => self.effects(&word.value, state, ctx),
            E::BinaryTest(predicate, left, right) => {
                for word in [left, right] {
                    self.effects(&word.value, state, ctx)?;
                    if is_arithmetic(predicate) {
                        // `-eq` and friends evaluate their operands as arithmetic.
                        self.arithmetic(&word.value, state, ctx)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// A simple command, expanded in bash's order: words, then redirections, then the
    /// prefix assignments; reported; then its effect on the shell applied.
    fn simple(&mut self, simple: &ast::SimpleCommand, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        let prefix: &[Item] = simple.prefix.as_ref().map(|p| p.0.as_slice()).unwrap_or_default();
        let suffix: &[Item] = simple.suffix.as_ref().map(|s| s.0.as_slice()).unwrap_or_default();
        let (argv, declared) = self.command_words(prefix, simple.word_or_name.as_ref(), suffix, state, ctx)?;

        let redirect_items: Vec<&ast::IoRedirect> = prefix
            .iter()
            .chain(suffix)
            .filter_map(|item| match item {
                Item::IoRedirect(redirect) => Some(redirect),
                _ => None,
            })
            .collect();
        let (own_redirects, stdin) = self.redirects(&redirect_items, state, ctx)?;
        let has_own_redirects: bool = !own_redirects.is_empty();
        let mut redirects: Vec<Redirect> = ctx.redirects.clone();
        redirects.extend(own_redirects);

        // Each prefix assignment sees the ones before it.
        let mut command_env: ShellState = state.clone();
        let mut assignments: Vec<(String, Word)> = Vec::new();
        for item in prefix {
            if let Item::AssignmentWord(assignment, word) = item {
                assignments.push(self.assign(assignment, &word.value, &mut command_env, ctx)?);
            }
        }

        let cwd: Option<std::path::PathBuf> = state.cwd.clone();
        if argv.is_empty() {
            // No command: the assignments are the shell's own.
            *state = command_env;
            if has_own_redirects {
                self.emit(SimpleCommand { argv, assignments, stdin, redirects, cwd })?;
            }
            return Ok(());
        }
        self.emit(SimpleCommand { argv: argv.clone(), assignments, stdin, redirects, cwd })?;
        super::builtins::apply(self, &argv, &declared, &command_env, state, ctx)
    }

    /// The command name and arguments, left to right, and the assignments a declaration
    /// builtin (`export X=1`) makes.
    fn command_words(
        &mut self,
        prefix: &[Item],
        name: Option<&ast::Word>,
        suffix: &[Item],
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(Vec<Word>, Vec<Declared>), ShellError> {
        let mut argv: Vec<Word> = Vec::new();
        for item in prefix {
            if let Item::ProcessSubstitution(kind, subshell) = item {
                argv.push(self.process_substitution(kind, subshell, state, ctx)?);
            }
        }
        if let Some(name) = name {
            argv.extend(self.fields(&name.value, state, ctx)?);
        }
        let mut declared: Vec<Declared> = Vec::new();
        for item in suffix {
            match item {
                Item::Word(word) => argv.extend(self.fields(&word.value, state, ctx)?),
                Item::AssignmentWord(assignment, word) if super::builtins::is_declaration(&argv) => {
                    let (words, assigned) = self.declaration_argument(assignment, &word.value, state, ctx)?;
                    argv.extend(words);
                    declared.extend(assigned);
                }
                Item::AssignmentWord(assignment, word) => {
                    argv.extend(self.assignment_like_argument(assignment, &word.value, state, ctx)?)
                }
                Item::ProcessSubstitution(kind, subshell) => {
                    argv.push(self.process_substitution(kind, subshell, state, ctx)?)
                }
                Item::IoRedirect(_) => {}
            }
        }
        Ok((argv, declared))
    }

    /// `<(…)` or `>(…)` as a word: its commands run; the word is a pipe's path.
    fn process_substitution(
        &mut self,
        kind: &ast::ProcessSubstitutionKind,
        subshell: &ast::SubshellCommand,
        state: &ShellState,
        ctx: &Ctx,
    ) -> Result<Word, ShellError> {
        let inner_ctx: Ctx = match kind {
            ast::ProcessSubstitutionKind::Read => ctx.deeper()?,
            ast::ProcessSubstitutionKind::Write => ctx.deeper()?.with_stdin(Stdin::Pipe),
        };
        self.compound_list(&subshell.list, &mut state.clone(), &inner_ctx)?;
        Ok(Word::Unknown { text: format!("{kind}{subshell}") })
    }

    /// Evaluates redirections: the list to report, and the stdin that results.
    pub(super) fn redirects(
        &mut self,
        items: &[&ast::IoRedirect],
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(Vec<Redirect>, Stdin), ShellError> {
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut stdin: Stdin = ctx.stdin.clone();
        for item in items {
            match item {
                ast::IoRedirect::File(fd, kind, target) => {
                    let redirect: Redirect = self.file_redirect(*fd, kind, target, state, ctx)?;
                    if let Some(new_stdin) = stdin_from(&redirect) {
                        stdin = new_stdin;
                    }
                    if let ast::IoFileRedirectTarget::ProcessSubstitution(ast::ProcessSubstitutionKind::Read, _) =
                        target
                        && reads_stdin(*fd)
                    {
                        stdin = Stdin::Pipe;
                    }
                    redirects.push(redirect);
                }
                ast::IoRedirect::HereDocument(fd, heredoc) => {
                    let body: Word = self.heredoc(heredoc, state, ctx)?;
                    if reads_stdin(*fd) {
                        stdin = Stdin::Text(body);
                    } else {
                        redirects.push(Redirect { fd: fd_number(*fd), kind: RedirectKind::Read, target: body });
                    }
                }
                ast::IoRedirect::HereString(fd, word) => {
                    let body: Word = self.here_string(&word.value, state, ctx)?;
                    if reads_stdin(*fd) {
                        stdin = Stdin::Text(body);
                    } else {
                        redirects.push(Redirect { fd: fd_number(*fd), kind: RedirectKind::Read, target: body });
                    }
                }
                ast::IoRedirect::OutputAndError(word, append) => {
                    let target: Word = self.target(&word.value, state, ctx)?;
                    let kind: RedirectKind = if *append { RedirectKind::Append } else { RedirectKind::Write };
                    redirects.push(Redirect { fd: None, kind, target });
                }
            }
        }
        Ok((redirects, stdin))
    }

    fn file_redirect(
        &mut self,
        fd: Option<ast::IoFd>,
        kind: &ast::IoFileRedirectKind,
        target: &ast::IoFileRedirectTarget,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Redirect, ShellError> {
        use ast::IoFileRedirectKind as K;
        let fd_value: Option<u32> = fd_number(fd);
        let target_word: Word = match target {
            ast::IoFileRedirectTarget::Filename(word) | ast::IoFileRedirectTarget::Duplicate(word) => {
                self.target(&word.value, state, ctx)?
            }
            ast::IoFileRedirectTarget::Fd(number) => Word::Known(number.to_string()),
            ast::IoFileRedirectTarget::ProcessSubstitution(kind, subshell) => {
                self.process_substitution(kind, subshell, state, ctx)?
            }
        };
        let redirect_kind: RedirectKind = match kind {
            K::Read => RedirectKind::Read,
            K::Write | K::Clobber => RedirectKind::Write,
            K::Append => RedirectKind::Append,
            K::ReadAndWrite => RedirectKind::ReadWrite,
            K::DuplicateInput => RedirectKind::Duplicate,
            // `>&word` where the word is no descriptor writes stdout and stderr to a file.
            K::DuplicateOutput if names_descriptor(&target_word) => RedirectKind::Duplicate,
            K::DuplicateOutput => RedirectKind::Write,
        };
        Ok(Redirect { fd: fd_value, kind: redirect_kind, target: target_word })
    }
}

/// The stdin a redirection sets, if it concerns descriptor 0.
fn stdin_from(redirect: &Redirect) -> Option<Stdin> {
    if !reads_stdin(redirect.fd.and_then(|fd| i32::try_from(fd).ok())) {
        return None;
    }
    match redirect.kind {
        RedirectKind::Read | RedirectKind::ReadWrite => Some(Stdin::File(redirect.target.clone())),
        RedirectKind::Duplicate if redirect.target == Word::Known("0".into()) => None,
        RedirectKind::Duplicate => Some(Stdin::Unknown { text: format!("<&{}", word_text(&redirect.target)) }),
        RedirectKind::Write | RedirectKind::Append => None,
    }
}

fn reads_stdin(fd: Option<ast::IoFd>) -> bool {
    matches!(fd, None | Some(0))
}

fn fd_number(fd: Option<ast::IoFd>) -> Option<u32> {
    fd.and_then(|n| u32::try_from(n).ok())
}

/// `1`, `2-` or `-`: what `>&` duplicates or closes rather than a file name.
fn names_descriptor(word: &Word) -> bool {
    match word {
        Word::Known(text) => {
            let digits: &str = text.strip_suffix('-').unwrap_or(text);
            digits.bytes().all(|b| b.is_ascii_digit())
        }
        Word::Home { .. } => false,
        // Unknown: it may be either; as a file it is a write, which is the stricter reading.
        Word::Unknown { .. } => false,
    }
}

pub(super) fn word_text(word: &Word) -> String {
    match word {
        Word::Known(text) => text.clone(),
        Word::Unknown { text } => text.clone(),
        Word::Home { rest } => format!("~{rest}"),
    }
}

fn is_arithmetic(predicate: &ast::BinaryPredicate) -> bool {
    use ast::BinaryPredicate as P;
    matches!(
        predicate,
        P::ArithmeticEqualTo
            | P::ArithmeticNotEqualTo
            | P::ArithmeticLessThan
            | P::ArithmeticLessThanOrEqualTo
            | P::ArithmeticGreaterThan
            | P::ArithmeticGreaterThanOrEqualTo
    )
}

//! Word expansion: what bash would turn a written word into before running the command.
//!
//! Order, as in bash: brace expansion on the written word; then, per resulting word,
//! tilde, parameter, command and arithmetic expansion; then word splitting of unquoted
//! expansion results; then pathname expansion; quote removal throughout. Variables are
//! known only when the string assigned them a literal (see `state.rs`). `$(…)`, backticks
//! and `$((…))` are walked for the commands they run, and make the word unknown.
//! A word with any unknown part is reported whole, as written ([`Word::Unknown`]).
//!
//! Splitting is modelled exactly for IFS values made of blanks and newlines (bash resets
//! IFS at startup, so `rm${IFS}-rf` splits into `rm`, `-rf`); with any other IFS an
//! unquoted expansion makes its word unknown.

use super::ansi_c;
use super::brace::{self, Braces};
use super::glob::{self, Glob, PatternChar};
use super::limits::MAX_VALUE_BYTES;
use super::state::{DEFAULT_IFS, ShellState, Value};
use super::walk::{Ctx, Walker, one_line, parser_options};
use super::{ShellError, Word};
use brush_parser::ast;
use brush_parser::word::{Parameter, ParameterExpr, ParameterTestType, TildeExpr, WordPiece, WordPieceWithSource};

/// A piece of a word after expansion, before splitting.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// `quoted` text is neither split nor a pattern; unquoted text is a pattern, and is
    /// also split when an expansion produced it (`split`).
    Text { text: String, quoted: bool, split: bool },
    /// The home directory (from `~` or `$HOME`).
    Home,
    /// A value guard cannot know.
    Opaque,
}

/// One element of a field after splitting.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Char(PatternChar),
    Home,
}

/// A variable a declaration builtin sets, and its value.
pub(super) type Declared = (String, Value);

/// An evaluated assignment.
struct Assigned {
    /// The variable set.
    name: String,
    /// How the assignment names it (`a[1]` for an element).
    label: String,
    /// The value as written, expanded.
    written: Value,
    /// The variable's value afterwards (differs for `+=` and elements).
    result: Value,
}

/// How a `${x…}` operator's test came out.
enum Choice {
    /// The parameter is set (and non-null, when the operator tests for null).
    Set(Value),
    /// The operator's word applies.
    Word,
    Unknown,
}

fn quoted_text(text: String) -> Part {
    Part::Text { text, quoted: true, split: false }
}

fn unknown(raw: &str) -> Word {
    Word::Unknown { text: raw.to_string() }
}

fn parse_word(raw: &str, tilde_after_colon: bool) -> Result<Vec<WordPieceWithSource>, ShellError> {
    brush_parser::word::parse(raw, &parser_options(tilde_after_colon))
        .map_err(|e| ShellError(format!("shell word: {}", one_line(&e.to_string()))))
}

/// The word a single value stands for; `raw` is reported when it is unknown.
pub(super) fn value_word(value: &Value, raw: &str) -> Word {
    match value {
        Value::Known(text) => Word::Known(text.clone()),
        Value::Home(rest) => Word::Home { rest: rest.clone() },
        Value::Unset => Word::Known(String::new()),
        Value::Unknown => unknown(raw),
    }
}

impl Walker {
    /// A command word or argument: zero or more words after all expansions.
    pub(super) fn fields(&mut self, raw: &str, state: &mut ShellState, ctx: &Ctx) -> Result<Vec<Word>, ShellError> {
        self.tick()?;
        let pieces: Vec<WordPieceWithSource> = parse_word(raw, false)?;
        let alternatives: Vec<String> = match brace::expand(raw, &pieces) {
            Braces::None => return self.fields_of(raw, &pieces, state, ctx),
            Braces::Expanded(words) => words,
            Braces::Unknown => {
                self.collect_parts(&pieces, false, state, ctx)?;
                return Ok(vec![unknown(raw)]);
            }
        };
        let mut words: Vec<Word> = Vec::new();
        for alternative in &alternatives {
            let pieces: Vec<WordPieceWithSource> = parse_word(alternative, false)?;
            words.extend(self.fields_of(alternative, &pieces, state, ctx)?);
        }
        Ok(words)
    }

    fn fields_of(
        &mut self,
        raw: &str,
        pieces: &[WordPieceWithSource],
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Vec<Word>, ShellError> {
        let parts: Vec<Part> = self.collect_parts(pieces, false, state, ctx)?;
        if parts.contains(&Part::Opaque) {
            return Ok(vec![unknown(raw)]);
        }
        let Some(fields) = split_fields(&parts, &state.get("IFS")) else { return Ok(vec![unknown(raw)]) };
        Ok(fields.iter().flat_map(|field| field_words(raw, field, state)).collect())
    }

    /// Expands a word only for what it runs (`case` and `for` words, `[[ … ]]` operands).
    pub(super) fn effects(&mut self, raw: &str, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        let pieces: Vec<WordPieceWithSource> = parse_word(raw, false)?;
        self.collect_parts(&pieces, false, state, ctx)?;
        Ok(())
    }

    /// Arithmetic text (`$((…))`, `((…))`, `let`, subscripts): the commands its `$(…)`
    /// run, the commands hidden in known variables it evaluates recursively
    /// (`x='a[$(cmd)]'; echo $((x))` runs `cmd`), and the variables it may assign.
    pub(super) fn arithmetic(&mut self, text: &str, state: &mut ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        self.tick()?;
        let inner: Ctx = ctx.deeper()?;
        self.effects(text, state, &inner)?;
        let names: Vec<String> = identifiers(text);
        for name in &names {
            if let Value::Known(value) = state.get(name)
                && (value.contains('$') || value.contains('`'))
            {
                self.arithmetic(&value, state, &inner)?;
            }
        }
        if text.contains('=') || text.contains("++") || text.contains("--") {
            for name in &names {
                state.forget(name);
            }
        }
        Ok(())
    }

    /// A redirection target: one word (bash refuses a target that expands to several).
    pub(super) fn target(&mut self, raw: &str, state: &mut ShellState, ctx: &Ctx) -> Result<Word, ShellError> {
        let mut words: Vec<Word> = self.fields(raw, state, ctx)?;
        match (words.pop(), words.is_empty()) {
            (Some(word), true) => Ok(word),
            _ => Ok(unknown(raw)),
        }
    }

    /// A heredoc body: verbatim when the delimiter was quoted, otherwise expanded (but
    /// never split or globbed).
    pub(super) fn heredoc(
        &mut self,
        heredoc: &ast::IoHereDocument,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Word, ShellError> {
        let body: &str = &heredoc.doc.value;
        if !heredoc.requires_expansion {
            return Ok(Word::Known(body.to_string()));
        }
        let pieces: Vec<WordPieceWithSource> = brush_parser::word::parse_heredoc(body, &parser_options(false))
            .map_err(|e| ShellError(format!("heredoc: {}", one_line(&e.to_string()))))?;
        let parts: Vec<Part> = self.collect_parts(&pieces, true, state, ctx)?;
        Ok(value_word(&join_value(&parts), body))
    }

    /// `<<< word`: expanded like an assignment value, plus the newline bash appends.
    pub(super) fn here_string(&mut self, raw: &str, state: &mut ShellState, ctx: &Ctx) -> Result<Word, ShellError> {
        let value: Value = match self.assignment_value(raw, false, state, ctx)? {
            Value::Known(text) => Value::Known(text + "\n"),
            Value::Home(rest) => Value::Home(rest + "\n"),
            Value::Unset => Value::Known("\n".into()),
            Value::Unknown => Value::Unknown,
        };
        Ok(value_word(&value, raw))
    }

    /// `NAME=value` before a command or on its own: applied to `env`, and reported.
    pub(super) fn assign(
        &mut self,
        assignment: &ast::Assignment,
        raw: &str,
        env: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(String, Word), ShellError> {
        let assigned: Assigned = self.evaluate_assignment(assignment, env, ctx)?;
        env.set(&assigned.name, assigned.result.clone());
        Ok((assigned.label, value_word(&assigned.result, raw)))
    }

    /// Expands an assignment (arrays are not followed: they become unknown).
    fn evaluate_assignment(
        &mut self,
        assignment: &ast::Assignment,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Assigned, ShellError> {
        let (name, label): (&str, String) = match &assignment.name {
            ast::AssignmentName::VariableName(name) => (name, name.clone()),
            ast::AssignmentName::ArrayElementName(name, index) => {
                self.arithmetic(index, state, ctx)?;
                (name, format!("{name}[{index}]"))
            }
        };
        let written: Value = match &assignment.value {
            ast::AssignmentValue::Scalar(word) => self.assignment_value(&word.value, true, state, ctx)?,
            ast::AssignmentValue::Array(items) => {
                for (key, item) in items {
                    if let Some(key) = key {
                        self.effects(&key.value, state, ctx)?;
                    }
                    self.effects(&item.value, state, ctx)?;
                }
                Value::Unknown
            }
        };
        let element: bool = matches!(assignment.name, ast::AssignmentName::ArrayElementName(..));
        let result: Value = match (element, assignment.append) {
            (true, _) => Value::Unknown,
            (false, true) => appended(state.get(name), written.clone()),
            (false, false) => written.clone(),
        };
        Ok(Assigned { name: name.to_string(), label, written, result })
    }

    /// `export NAME=value` and friends: the argument words, and the assignment when the
    /// argument is one (brace expansion can turn it into several words; then it is not
    /// followed).
    pub(super) fn declaration_argument(
        &mut self,
        assignment: &ast::Assignment,
        raw: &str,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<(Vec<Word>, Option<Declared>), ShellError> {
        let pieces: Vec<WordPieceWithSource> = parse_word(raw, false)?;
        if brace::expand(raw, &pieces) != Braces::None {
            return Ok((self.fields(raw, state, ctx)?, None));
        }
        let assigned: Assigned = self.evaluate_assignment(assignment, state, ctx)?;
        let operator: &str = if assignment.append { "+=" } else { "=" };
        let word: Word = match (&assignment.value, &assigned.written) {
            (ast::AssignmentValue::Scalar(_), Value::Known(text)) => {
                Word::Known(format!("{}{operator}{text}", assigned.label))
            }
            (ast::AssignmentValue::Scalar(_), Value::Unset) => Word::Known(format!("{}{operator}", assigned.label)),
            _ => unknown(raw),
        };
        Ok((vec![word], Some((assigned.name, assigned.result))))
    }

    /// `a=b` given to an ordinary command: a plain word, except that bash expands a `~`
    /// after its `=` (to a path guard cannot spell out).
    pub(super) fn assignment_like_argument(
        &mut self,
        assignment: &ast::Assignment,
        raw: &str,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Vec<Word>, ShellError> {
        let words: Vec<Word> = self.fields(raw, state, ctx)?;
        let tilde: bool = match &assignment.value {
            ast::AssignmentValue::Scalar(value) => value.value.starts_with('~') || value.value.contains(":~"),
            ast::AssignmentValue::Array(_) => false,
        };
        Ok(if tilde { vec![unknown(raw)] } else { words })
    }

    /// An assignment's value: expanded, never split or globbed.
    fn assignment_value(
        &mut self,
        raw: &str,
        tilde_after_colon: bool,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Value, ShellError> {
        let pieces: Vec<WordPieceWithSource> = parse_word(raw, tilde_after_colon)?;
        let parts: Vec<Part> = self.collect_parts(&pieces, false, state, ctx)?;
        Ok(join_value(&parts))
    }

    /// Runs a command substitution's commands, in a subshell.
    fn substitute(&mut self, body: &str, state: &ShellState, ctx: &Ctx) -> Result<(), ShellError> {
        let mut inner: ShellState = state.clone();
        self.source(body, &mut inner, &ctx.deeper()?)
    }

    fn collect_parts(
        &mut self,
        pieces: &[WordPieceWithSource],
        quoted: bool,
        state: &mut ShellState,
        ctx: &Ctx,
    ) -> Result<Vec<Part>, ShellError> {
        let mut parts: Vec<Part> = Vec::new();
        self.parts(pieces, quoted, state, ctx, &mut parts)?;
        Ok(parts)
    }

    fn parts(
        &mut self,
        pieces: &[WordPieceWithSource],
        quoted: bool,
        state: &mut ShellState,
        ctx: &Ctx,
        out: &mut Vec<Part>,
    ) -> Result<(), ShellError> {
        for piece in pieces {
            match &piece.piece {
                WordPiece::Text(text) if quoted => out.push(quoted_text(text.replace("\\\n", ""))),
                WordPiece::Text(text) => out.push(Part::Text { text: text.clone(), quoted: false, split: false }),
                WordPiece::SingleQuotedText(text) => out.push(quoted_text(text.clone())),
                WordPiece::AnsiCQuotedText(text) => out.push(ansi_c::decode(text).map_or(Part::Opaque, quoted_text)),
                WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    out.push(quoted_text(String::new()));
                    self.parts(inner, true, state, ctx, out)?;
                }
                WordPiece::TildeExpansion(tilde) => out.extend(tilde_parts(tilde, state)),
                WordPiece::ParameterExpansion(expr) => self.parameter(expr, quoted, state, ctx, out)?,
                WordPiece::CommandSubstitution(body) => {
                    self.substitute(body, state, ctx)?;
                    out.push(Part::Opaque);
                }
                WordPiece::BackquotedCommandSubstitution(body) => {
                    self.substitute(&unescape_backquoted(body), state, ctx)?;
                    out.push(Part::Opaque);
                }
                WordPiece::EscapeSequence(escape) => {
                    let escaped: &str = escape.get(1..).unwrap_or_default();
                    // A backslash-newline joins lines and leaves nothing.
                    if escaped != "\n" {
                        out.push(quoted_text(escaped.to_string()));
                    }
                }
                WordPiece::ArithmeticExpression(expr) => {
                    self.arithmetic(&expr.value, state, ctx)?;
                    out.push(Part::Opaque);
                }
            }
        }
        Ok(())
    }

    fn parameter(
        &mut self,
        expr: &ParameterExpr,
        quoted: bool,
        state: &mut ShellState,
        ctx: &Ctx,
        out: &mut Vec<Part>,
    ) -> Result<(), ShellError> {
        use ParameterExpr as P;
        match expr {
            P::Parameter { parameter, indirect: false } if variable_name(parameter).is_some() => {
                let value: Value = variable_name(parameter).map_or(Value::Unknown, |name| state.get(name));
                out.extend(value_parts(value, quoted));
            }
            P::ParameterLength { parameter, indirect: false } if known_length(parameter, state).is_some() => {
                let length: usize = known_length(parameter, state).unwrap_or_default();
                out.push(Part::Text { text: length.to_string(), quoted, split: !quoted });
            }
            P::UseDefaultValues { parameter, indirect: false, test_type, default_value } => {
                match choose(parameter, test_type, state) {
                    Choice::Set(value) => out.extend(value_parts(value, quoted)),
                    Choice::Word => self.operator_word(default_value.as_deref(), quoted, state, ctx, out)?,
                    Choice::Unknown => self.opaque(expr, state, ctx, out)?,
                }
            }
            P::AssignDefaultValues { parameter, indirect: false, test_type, default_value } => {
                match (choose(parameter, test_type, state), variable_name(parameter)) {
                    (Choice::Set(value), _) => out.extend(value_parts(value, quoted)),
                    (Choice::Word, Some(name)) => {
                        let value: Value =
                            self.assignment_value(default_value.as_deref().unwrap_or(""), false, state, ctx)?;
                        state.set(name, value.clone());
                        out.extend(value_parts(value, quoted));
                    }
                    _ => {
                        self.opaque(expr, state, ctx, out)?;
                        if let Some(name) = variable_name(parameter) {
                            state.forget(name);
                        }
                    }
                }
            }
            P::UseAlternativeValue { parameter, indirect: false, test_type, alternative_value } => {
                match choose(parameter, test_type, state) {
                    Choice::Set(_) => self.operator_word(alternative_value.as_deref(), quoted, state, ctx, out)?,
                    Choice::Word => out.push(Part::Text { text: String::new(), quoted, split: !quoted }),
                    Choice::Unknown => self.opaque(expr, state, ctx, out)?,
                }
            }
            P::IndicateErrorIfNullOrUnset { parameter, indirect: false, test_type, .. } => {
                match choose(parameter, test_type, state) {
                    Choice::Set(value) => out.extend(value_parts(value, quoted)),
                    // Unset: bash reports the error and runs nothing more.
                    Choice::Word | Choice::Unknown => self.opaque(expr, state, ctx, out)?,
                }
            }
            _ => self.opaque(expr, state, ctx, out)?,
        }
        Ok(())
    }

    /// The word of `${x:-word}` or `${x:+word}`, expanded in the surrounding quoting.
    fn operator_word(
        &mut self,
        word: Option<&str>,
        quoted: bool,
        state: &mut ShellState,
        ctx: &Ctx,
        out: &mut Vec<Part>,
    ) -> Result<(), ShellError> {
        let raw: &str = word.unwrap_or("");
        let pieces: Vec<WordPieceWithSource> = parse_word(raw, false)?;
        if quoted && raw.contains('\'') {
            // Inside "…" bash keeps these quotes literally; not worth modelling.
            self.collect_parts(&pieces, true, state, ctx)?;
            out.push(Part::Opaque);
            return Ok(());
        }
        self.parts(&pieces, quoted, state, ctx, out)
    }

    /// An expansion guard does not evaluate: the commands inside it still run.
    fn opaque(
        &mut self,
        expr: &ParameterExpr,
        state: &mut ShellState,
        ctx: &Ctx,
        out: &mut Vec<Part>,
    ) -> Result<(), ShellError> {
        for (text, arithmetic) in nested_texts(expr) {
            if arithmetic {
                self.arithmetic(text, state, ctx)?;
            } else {
                self.effects(text, state, ctx)?;
            }
        }
        out.push(Part::Opaque);
        Ok(())
    }
}

fn variable_name(parameter: &Parameter) -> Option<&str> {
    match parameter {
        Parameter::Named(name) => Some(name),
        _ => None,
    }
}

fn known_length(parameter: &Parameter, state: &ShellState) -> Option<usize> {
    match state.get(variable_name(parameter)?) {
        Value::Known(text) => Some(text.chars().count()),
        Value::Unset => Some(0),
        Value::Home(_) | Value::Unknown => None,
    }
}

fn choose(parameter: &Parameter, test_type: &ParameterTestType, state: &ShellState) -> Choice {
    let Some(name) = variable_name(parameter) else { return Choice::Unknown };
    match state.get(name) {
        Value::Unknown => Choice::Unknown,
        Value::Unset => Choice::Word,
        Value::Known(text) if text.is_empty() && matches!(test_type, ParameterTestType::UnsetOrNull) => Choice::Word,
        value => Choice::Set(value),
    }
}

/// Strings nested in a parameter expression, and whether each is arithmetic.
fn nested_texts(expr: &ParameterExpr) -> Vec<(&str, bool)> {
    use ParameterExpr as P;
    let (parameter, words, arithmetic): (Option<&Parameter>, Vec<&Option<String>>, Vec<&str>) = match expr {
        P::Parameter { parameter, .. } | P::ParameterLength { parameter, .. } | P::Transform { parameter, .. } => {
            (Some(parameter), vec![], vec![])
        }
        P::UseDefaultValues { parameter, default_value: word, .. }
        | P::AssignDefaultValues { parameter, default_value: word, .. }
        | P::IndicateErrorIfNullOrUnset { parameter, error_message: word, .. }
        | P::UseAlternativeValue { parameter, alternative_value: word, .. }
        | P::RemoveSmallestSuffixPattern { parameter, pattern: word, .. }
        | P::RemoveLargestSuffixPattern { parameter, pattern: word, .. }
        | P::RemoveSmallestPrefixPattern { parameter, pattern: word, .. }
        | P::RemoveLargestPrefixPattern { parameter, pattern: word, .. }
        | P::UppercaseFirstChar { parameter, pattern: word, .. }
        | P::UppercasePattern { parameter, pattern: word, .. }
        | P::LowercaseFirstChar { parameter, pattern: word, .. }
        | P::LowercasePattern { parameter, pattern: word, .. } => (Some(parameter), vec![word], vec![]),
        P::Substring { parameter, offset, length, .. } => {
            let mut arithmetic: Vec<&str> = vec![offset.value.as_str()];
            arithmetic.extend(length.as_ref().map(|l| l.value.as_str()));
            (Some(parameter), vec![], arithmetic)
        }
        P::ReplaceSubstring { parameter, pattern, replacement, .. } => {
            let mut texts: Vec<(&str, bool)> = vec![(pattern.as_str(), false)];
            texts.extend(replacement.as_deref().map(|r| (r, false)));
            texts.extend(parameter_index(parameter).map(|i| (i, true)));
            return texts;
        }
        P::VariableNames { .. } | P::MemberKeys { .. } => (None, vec![], vec![]),
    };
    let mut texts: Vec<(&str, bool)> = words.into_iter().flatten().map(|w| (w.as_str(), false)).collect();
    texts.extend(arithmetic.into_iter().map(|a| (a, true)));
    texts.extend(parameter.and_then(parameter_index).map(|i| (i, true)));
    texts
}

fn parameter_index(parameter: &Parameter) -> Option<&str> {
    match parameter {
        Parameter::NamedWithIndex { index, .. } => Some(index),
        _ => None,
    }
}

fn tilde_parts(tilde: &TildeExpr, state: &ShellState) -> Vec<Part> {
    match tilde {
        TildeExpr::Home => match state.get("HOME") {
            Value::Home(rest) => vec![Part::Home, quoted_text(rest)],
            Value::Known(path) => vec![quoted_text(path)],
            // With HOME unset bash looks the user up: still the home directory.
            Value::Unset => vec![Part::Home],
            Value::Unknown => vec![Part::Opaque],
        },
        _ => vec![Part::Opaque],
    }
}

fn value_parts(value: Value, quoted: bool) -> Vec<Part> {
    match value {
        Value::Known(text) => vec![Part::Text { text, quoted, split: !quoted }],
        Value::Home(rest) => vec![Part::Home, Part::Text { text: rest, quoted, split: !quoted }],
        Value::Unset => vec![Part::Text { text: String::new(), quoted, split: !quoted }],
        Value::Unknown => vec![Part::Opaque],
    }
}

/// Concatenates parts into one value (assignments, heredocs, here-strings).
fn join_value(parts: &[Part]) -> Value {
    let mut text = String::new();
    let mut home: bool = false;
    for part in parts {
        match part {
            Part::Opaque => return Value::Unknown,
            Part::Home if text.is_empty() && !home => home = true,
            Part::Home => return Value::Unknown,
            Part::Text { text: piece, .. } => text.push_str(piece),
        }
        if text.len() > MAX_VALUE_BYTES {
            return Value::Unknown;
        }
    }
    if home { Value::Home(text) } else { Value::Known(text) }
}

fn appended(old: Value, new: Value) -> Value {
    match (old, new) {
        (Value::Unset, new) => new,
        (Value::Known(a), Value::Known(b)) => Value::Known(a + &b),
        (Value::Home(a), Value::Known(b)) => Value::Home(a + &b),
        (Value::Known(a), Value::Unset) => Value::Known(a),
        (Value::Home(a), Value::Unset) => Value::Home(a),
        _ => Value::Unknown,
    }
}

/// Word splitting. `None` when an expansion needs splitting by an IFS guard does not
/// model.
fn split_fields(parts: &[Part], ifs: &Value) -> Option<Vec<Vec<Segment>>> {
    let separators: Option<&str> = match ifs {
        Value::Known(text) if text.chars().all(|c| DEFAULT_IFS.contains(c)) => Some(text),
        Value::Unset => Some(DEFAULT_IFS),
        _ => None,
    };
    let mut fields: Vec<Vec<Segment>> = Vec::new();
    let mut field: Vec<Segment> = Vec::new();
    // Whether the field exists even if empty (it holds a character or a quoted part).
    let mut started: bool = false;
    for part in parts {
        match part {
            Part::Text { text, quoted: true, .. } => {
                field.extend(text.chars().map(|c| Segment::Char(PatternChar { c, active: false })));
                started = true;
            }
            Part::Text { text, quoted: false, split: false } => {
                field.extend(text.chars().map(|c| Segment::Char(PatternChar { c, active: true })));
                started |= !text.is_empty();
            }
            Part::Text { text, quoted: false, split: true } => {
                if text.is_empty() {
                    continue;
                }
                let separators: &str = separators?;
                for c in text.chars() {
                    if separators.contains(c) {
                        if started {
                            fields.push(std::mem::take(&mut field));
                            started = false;
                        }
                    } else {
                        field.push(Segment::Char(PatternChar { c, active: true }));
                        started = true;
                    }
                }
            }
            Part::Home => {
                field.push(Segment::Home);
                started = true;
            }
            Part::Opaque => return None,
        }
    }
    if started {
        fields.push(field);
    }
    Some(fields)
}

/// The words one field becomes: itself, the home directory, or its glob matches.
fn field_words(raw: &str, field: &[Segment], state: &ShellState) -> Vec<Word> {
    let homes: usize = field.iter().filter(|s| matches!(s, Segment::Home)).count();
    let chars: Vec<PatternChar> = field
        .iter()
        .filter_map(|s| match s {
            Segment::Char(p) => Some(*p),
            Segment::Home => None,
        })
        .collect();
    let text: String = chars.iter().map(|p| p.c).collect();
    if homes > 0 {
        let leading: bool = homes == 1 && matches!(field.first(), Some(Segment::Home));
        if !leading || glob::is_pattern(&chars) {
            return vec![unknown(raw)];
        }
        return vec![Word::Home { rest: text }];
    }
    if !glob::is_pattern(&chars) {
        return vec![Word::Known(text)];
    }
    if !state.glob_default || state.assigned("GLOBIGNORE") {
        return vec![unknown(raw)];
    }
    match glob::expand(&chars, state.cwd.as_deref()) {
        Glob::Matches(names) => names.into_iter().map(Word::Known).collect(),
        Glob::NoMatch => vec![Word::Known(text)],
        Glob::Unknown => vec![unknown(raw)],
    }
}

/// Inside backquotes a backslash escapes only `$`, `` ` `` and `\`.
fn unescape_backquoted(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && matches!(next, '$' | '`' | '\\')
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// Names that arithmetic text may read or assign.
fn identifiers(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: char = ' ';
    for c in text.chars().chain(std::iter::once(' ')) {
        let continues: bool = c.is_ascii_alphanumeric() || c == '_';
        if continues && (!current.is_empty() || !(previous.is_ascii_alphanumeric() || previous == '_')) {
            if current.is_empty() && c.is_ascii_digit() {
                previous = c;
                continue;
            }
            current.push(c);
        } else if !current.is_empty() {
            if !names.contains(&current) {
                names.push(std::mem::take(&mut current));
            }
            current.clear();
        }
        previous = c;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_expansions_on_blanks_only() {
        let parts = vec![
            Part::Text { text: "a".into(), quoted: false, split: false },
            Part::Text { text: " b  c ".into(), quoted: false, split: true },
            Part::Text { text: "d".into(), quoted: true, split: false },
        ];
        let fields = split_fields(&parts, &Value::Known(DEFAULT_IFS.into())).unwrap_or_default();
        let texts: Vec<String> = fields
            .iter()
            .map(|f| {
                f.iter()
                    .map(|s| match s {
                        Segment::Char(p) => p.c,
                        Segment::Home => '~',
                    })
                    .collect()
            })
            .collect();
        assert_eq!(texts, vec!["a", "b", "c", "d"]);
        assert!(split_fields(&parts, &Value::Known(":".into())).is_none());
        assert!(split_fields(&parts, &Value::Unknown).is_none());
    }

    #[test]
    fn finds_identifiers() {
        assert_eq!(identifiers("x = y1 + 0x1f * _z"), vec!["x", "y1", "_z"]);
    }

    #[test]
    fn unescapes_backquotes() {
        assert_eq!(unescape_backquoted(r"echo \`a\` \$x \\ \n"), r"echo `a` $x \ \n");
    }
}

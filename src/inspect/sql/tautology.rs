//! Does a `WHERE` clause really narrow a `DELETE` or `UPDATE`?
//!
//! An agent told "never delete without a WHERE" can write `WHERE 1=1`, `WHERE true`
//! or `WHERE id = 5 OR 1=1`. This module evaluates what it can of a condition without
//! data: literals, comparisons of literals, an expression compared with itself
//! (`x = x`), `LIKE '%'`, `NOT`, `AND`, `OR`, `IN` lists of literals. A condition that
//! is always true selects every row. Anything that depends on data is a real filter.
//!
//! Deep `AND`/`OR` chains are flattened with an explicit stack; other nesting is
//! bounded, and a condition too deep to read is reported as such (never as scoped).

use sqlparser::ast::{BinaryOperator, Expr, InTarget, UnaryOperator, Value};

/// Nesting (other than flattened `AND`/`OR` chains) read before giving up.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The condition depends on the rows: it narrows the statement.
    Scoped,
    /// No condition, or one that is always true: every row.
    All,
    /// Too deep to read.
    Unreadable,
}

/// What `selection` (a statement's `WHERE`) leaves of the table.
pub fn where_scope(selection: Option<&Expr>) -> Scope {
    let Some(expr) = selection else { return Scope::All };
    match truth(expr, 0) {
        Ok(Truth::True) => Scope::All,
        Ok(_) => Scope::Scoped,
        Err(TooDeep) => Scope::Unreadable,
    }
}

/// A condition's value without looking at data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    /// Depends on the data (or on NULL semantics guard does not model).
    Depends,
}

#[derive(Debug)]
struct TooDeep;

fn truth(e: &Expr, depth: usize) -> Result<Truth, TooDeep> {
    if depth > MAX_DEPTH {
        return Err(TooDeep);
    }
    Ok(match e {
        Expr::Nested(inner) => truth(inner, depth + 1)?,
        Expr::Value(v) => literal_truth(&v.value),
        Expr::UnaryOp { op: UnaryOperator::Not, expr } => negate(truth(expr, depth + 1)?),
        Expr::BinaryOp { op: BinaryOperator::Or, .. } => any_true(e, depth)?,
        Expr::BinaryOp { op: BinaryOperator::And, .. } => all_true(e, depth)?,
        Expr::BinaryOp { left, op, right } => comparison(left, op, right),
        Expr::IsTrue(inner) | Expr::IsNotFalse(inner) => truth(inner, depth + 1)?,
        Expr::IsNotNull(inner) => not_null_literal(inner),
        Expr::IsNull(inner) => null_literal(inner),
        Expr::Like { negated: false, pattern, .. } | Expr::ILike { negated: false, pattern, .. } => {
            match_everything(pattern)
        }
        Expr::In { expr, target: InTarget::List(list), negated, .. } => in_list(expr, list, *negated),
        _ => Truth::Depends,
    })
}

fn negate(t: Truth) -> Truth {
    match t {
        Truth::True => Truth::False,
        Truth::False => Truth::True,
        Truth::Depends => Truth::Depends,
    }
}

/// The operands of a chain of one operator (`a OR b OR c`), left-deep or not,
/// without recursion.
fn chain_operands<'e>(e: &'e Expr, chain_op: &BinaryOperator) -> Vec<&'e Expr> {
    let mut operands = Vec::new();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        match x {
            Expr::BinaryOp { left, op, right } if op == chain_op => {
                stack.push(right);
                stack.push(left);
            }
            Expr::Nested(inner) if matches!(&**inner, Expr::BinaryOp { op, .. } if op == chain_op) => stack.push(inner),
            other => operands.push(other),
        }
    }
    operands
}

fn any_true(e: &Expr, depth: usize) -> Result<Truth, TooDeep> {
    let mut all_false = true;
    for operand in chain_operands(e, &BinaryOperator::Or) {
        match truth(operand, depth + 1)? {
            Truth::True => return Ok(Truth::True),
            Truth::Depends => all_false = false,
            Truth::False => {}
        }
    }
    Ok(if all_false { Truth::False } else { Truth::Depends })
}

fn all_true(e: &Expr, depth: usize) -> Result<Truth, TooDeep> {
    let mut all = true;
    for operand in chain_operands(e, &BinaryOperator::And) {
        match truth(operand, depth + 1)? {
            Truth::False => return Ok(Truth::False),
            Truth::Depends => all = false,
            Truth::True => {}
        }
    }
    Ok(if all { Truth::True } else { Truth::Depends })
}

/// A literal used as a condition: booleans, and numbers as MySQL and SQLite read them
/// (non-zero is true).
fn literal_truth(v: &Value) -> Truth {
    match v {
        Value::Boolean(b) => bool_truth(*b),
        Value::Number(n, _) => match n.parse::<f64>() {
            Ok(x) => bool_truth(x != 0.0),
            Err(_) => Truth::Depends,
        },
        _ => Truth::Depends,
    }
}

fn bool_truth(b: bool) -> Truth {
    if b { Truth::True } else { Truth::False }
}

/// A constant operand: a number, a string or a boolean.
#[derive(Debug, Clone, PartialEq)]
enum Constant {
    Number(f64),
    Text(String),
}

fn constant(e: &Expr) -> Option<Constant> {
    match e {
        Expr::Nested(inner) => constant(inner),
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match constant(expr)? {
            Constant::Number(n) => Some(Constant::Number(-n)),
            Constant::Text(_) => None,
        },
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok().map(Constant::Number),
            Value::Boolean(b) => Some(Constant::Number(if *b { 1.0 } else { 0.0 })),
            other => other.clone().into_string().map(|s| match s.trim().parse::<f64>() {
                // `1 = '1'` is true in every dialect guard reads
                Ok(n) => Constant::Number(n),
                Err(_) => Constant::Text(s),
            }),
        },
        _ => None,
    }
}

fn comparison(left: &Expr, op: &BinaryOperator, right: &Expr) -> Truth {
    if let (Some(a), Some(b)) = (constant(left), constant(right)) {
        return compare_constants(&a, op, &b);
    }
    if is_null_literal(left) || is_null_literal(right) {
        return Truth::False; // a comparison with NULL is never true
    }
    if left == right {
        // `x = x` holds for every row where x is not NULL: close enough to "all"
        return match op {
            BinaryOperator::Eq | BinaryOperator::GtEq | BinaryOperator::LtEq | BinaryOperator::Spaceship => Truth::True,
            BinaryOperator::NotEq | BinaryOperator::Gt | BinaryOperator::Lt => Truth::False,
            _ => Truth::Depends,
        };
    }
    Truth::Depends
}

fn compare_constants(a: &Constant, op: &BinaryOperator, b: &Constant) -> Truth {
    let ordering = match (a, b) {
        (Constant::Number(x), Constant::Number(y)) => x.partial_cmp(y),
        // case-insensitive equality: MySQL's default collations compare that way
        (Constant::Text(x), Constant::Text(y)) if x.eq_ignore_ascii_case(y) => Some(std::cmp::Ordering::Equal),
        (Constant::Text(x), Constant::Text(y)) => Some(x.cmp(y)),
        _ => None,
    };
    let Some(ord) = ordering else { return Truth::Depends };
    use std::cmp::Ordering::*;
    let holds = match op {
        BinaryOperator::Eq | BinaryOperator::Spaceship => ord == Equal,
        BinaryOperator::NotEq => ord != Equal,
        BinaryOperator::Lt => ord == Less,
        BinaryOperator::LtEq => ord != Greater,
        BinaryOperator::Gt => ord == Greater,
        BinaryOperator::GtEq => ord != Less,
        _ => return Truth::Depends,
    };
    bool_truth(holds)
}

fn is_null_literal(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if v.value == Value::Null)
}

fn not_null_literal(e: &Expr) -> Truth {
    match constant(e) {
        Some(_) => Truth::True,
        None if is_null_literal(e) => Truth::False,
        None => Truth::Depends,
    }
}

fn null_literal(e: &Expr) -> Truth {
    if is_null_literal(e) { Truth::True } else { Truth::Depends }
}

/// `LIKE '%'` (or `'%%'`): every non-NULL value matches.
fn match_everything(pattern: &Expr) -> Truth {
    match constant(pattern) {
        Some(Constant::Text(p)) if !p.is_empty() && p.chars().all(|c| c == '%') => Truth::True,
        _ => Truth::Depends,
    }
}

fn in_list(expr: &Expr, list: &[Expr], negated: bool) -> Truth {
    let Some(value) = constant(expr) else { return Truth::Depends };
    let mut all_constant = true;
    for item in list {
        match constant(item) {
            Some(c) if compare_constants(&value, &BinaryOperator::Eq, &c) == Truth::True => {
                return bool_truth(!negated);
            }
            Some(_) => {}
            None => all_constant = false,
        }
    }
    if all_constant { bool_truth(negated) } else { Truth::Depends }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::Statement;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    fn scope(condition: &str) -> Scope {
        let sql = format!("DELETE FROM t WHERE {condition}");
        let stmts = Parser::parse_sql(&MySqlDialect {}, &sql).unwrap();
        let Statement::Delete(d) = &stmts[0] else { panic!("not a delete") };
        where_scope(d.selection.as_ref())
    }

    #[test]
    fn tautologies_select_everything() {
        for c in [
            "1=1",
            "true",
            "1",
            "'a'='a'",
            "'a' = 'A'",
            "x=x",
            "t.x = t.x",
            "id = 5 OR 1=1",
            "(id = 5) OR (1 = 1)",
            "1=1 AND 2=2",
            "NOT 1=0",
            "NOT (1 <> 1)",
            "2 > 1",
            "1 = '1'",
            "name LIKE '%'",
            "1 IN (1, 2)",
            "3 NOT IN (1, 2)",
            "NULL IS NULL",
            "(1=1) IS TRUE",
            "-1 < 0",
            "id = 1 OR id = 2 OR 'x' = 'x'",
        ] {
            assert_eq!(scope(c), Scope::All, "{c}");
        }
    }

    #[test]
    fn real_filters_are_scoped() {
        for c in [
            "id = 5",
            "id = 5 AND 1=1",
            "1=0",
            "false",
            "0",
            "x <> x",
            "name LIKE 'a%'",
            "name NOT LIKE '%'",
            "id IN (1, 2)",
            "1 IN (2, 3)",
            "id IS NOT NULL",
            "created_at < now()",
            "id = 1 OR id = 2",
            "NULL = NULL",
        ] {
            assert_eq!(scope(c), Scope::Scoped, "{c}");
        }
    }

    #[test]
    fn long_or_chains_are_read_without_recursion() {
        let mut c = String::from("id = 0");
        for i in 1..5000 {
            c.push_str(&format!(" OR id = {i}"));
        }
        assert_eq!(scope(&c), Scope::Scoped);
        c.push_str(" OR 1 = 1");
        assert_eq!(scope(&c), Scope::All);
    }

    #[test]
    fn missing_where_is_everything() {
        assert_eq!(where_scope(None), Scope::All);
    }
}

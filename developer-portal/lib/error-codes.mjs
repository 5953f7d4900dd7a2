// Finds every problem `code` the API can answer, by reading api/src with the TypeScript parser: the
// portal has one page per code (errors/<code>), which is where each problem's `type` URI points.
//
// A code is found where a problem is made:
//   - `new ApiError(status, 'code', ...)`;
//   - a call of a function that passes one of its parameters on as the code of something that makes a
//     problem (errors.ts's `badRequest(code, detail)`, `unauthorized(detail, code = 'unauthenticated')`,
//     `class SsoFailure extends ApiError`, a module's `const fail = (status, code, detail) => ...`),
//     found by following such functions until no new one turns up;
//   - an object literal with `type`, `status` and `code` (a problem body written by hand).
// The code argument may be a literal, a conditional of literals, or a local constant or destructured
// array holding them; anything else is reported as unresolved, so a test fails instead of a page
// silently missing.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const SKIP = /(\.test|\.fixtures|\.d)\.ts$|\/generated\//;

function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => f.endsWith('.ts') && !SKIP.test(f));
}

/** The name a function-like node is called by: `function f`, `const f = () =>`, or the class of a constructor. */
function nameOf(fn) {
  if (ts.isConstructorDeclaration(fn)) return fn.parent.name?.text;
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return undefined;
}

const enclosingFunction = (node) => {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
};

/** Every name a file declares (functions, classes, variables, parameters): they shadow imported producers. */
function declaredNames(file) {
  const names = new Set();
  const visit = (node) => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) names.add(node.name.text);
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

const isExported = (fn) => {
  const decl = ts.isConstructorDeclaration(fn) ? fn.parent : ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  return ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Export;
};

/** The callee's name of `f(...)`, `new F(...)` or `super(...)` (the class it extends). */
function calleeName(node) {
  if (node.expression.kind === ts.SyntaxKind.SuperKeyword) {
    const cls = enclosingFunction(node)?.parent;
    const heritage = cls?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0]?.expression;
    return base && ts.isIdentifier(base) ? base.text : undefined;
  }
  return ts.isIdentifier(node.expression) ? node.expression.text : undefined;
}

/** String (or number) literals an expression can evaluate to; undefined when it cannot be told. */
function literals(expr, file, pick) {
  if (!expr) return undefined;
  expr = ts.skipOuterExpressions(expr);
  if (ts.isStringLiteralLike(expr)) return [expr.text];
  if (ts.isNumericLiteral(expr)) return [Number(expr.text)];
  if (ts.isConditionalExpression(expr)) {
    const a = literals(expr.whenTrue, file, pick);
    const b = literals(expr.whenFalse, file, pick);
    return a && b ? [...a, ...b] : undefined;
  }
  if (pick !== undefined && ts.isArrayLiteralExpression(expr)) return literals(expr.elements[pick], file);
  if (ts.isIdentifier(expr)) return fromDeclaration(expr, file);
  return undefined;
}

/** Resolves a local constant: `const code = a ? 'x' : 'y'`, or `const [status, code] = a ? [400, 'x'] : [401, 'y']`. */
function fromDeclaration(id, file) {
  let found;
  const visit = (node) => {
    if (found) return;
    if (ts.isVariableDeclaration(node) && node.initializer) {
      if (ts.isIdentifier(node.name) && node.name.text === id.text) found = literals(node.initializer, file);
      if (ts.isArrayBindingPattern(node.name)) {
        const index = node.name.elements.findIndex((e) => ts.isBindingElement(e) && ts.isIdentifier(e.name) && e.name.text === id.text);
        if (index !== -1) found = literals(node.initializer, file, index);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(enclosingFunction(id) ?? file);
  return found;
}

const parameterIndex = (fn, expr) => {
  if (!fn || !ts.isIdentifier(expr ?? {})) return -1;
  return fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === expr.text);
};

/** `const [status, code] = a ? [400, 'x'] : [401, 'y']`: the rows, so that each code keeps its own status. */
function destructuredRows(codeExpr, statusExpr) {
  if (!codeExpr || !statusExpr || !ts.isIdentifier(codeExpr) || !ts.isIdentifier(statusExpr)) return undefined;
  let rows;
  const visit = (node) => {
    if (rows) return;
    if (ts.isVariableDeclaration(node) && ts.isArrayBindingPattern(node.name) && node.initializer) {
      const at = (id) => node.name.elements.findIndex((e) => ts.isBindingElement(e) && ts.isIdentifier(e.name) && e.name.text === id.text);
      const [c, s] = [at(codeExpr), at(statusExpr)];
      if (c !== -1 && s !== -1) {
        const arrays = [];
        const collect = (e) => {
          e = ts.skipOuterExpressions(e);
          if (ts.isConditionalExpression(e)) return collect(e.whenTrue) && collect(e.whenFalse);
          if (!ts.isArrayLiteralExpression(e)) return false;
          arrays.push(e);
          return true;
        };
        if (collect(node.initializer)) rows = arrays.map((a) => ({ code: literals(a.elements[c])?.[0], status: literals(a.elements[s])?.[0] }));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(enclosingFunction(codeExpr) ?? codeExpr.getSourceFile());
  return rows?.every((r) => r.code !== undefined) ? rows : undefined;
}

/**
 * Scans `root`/api/src. Returns `codes` (code -> { statuses, where }), `defaults` (codes a helper
 * uses when its caller gives none, such as `forbidden(detail)`'s `forbidden`: returned as soon as a
 * call leaves the code out) and `unresolved` (places that make a problem whose code could not be read).
 */
export function findErrorCodes(root) {
  const files = sourceFiles(join(root, 'api', 'src')).map((path) =>
    ts.createSourceFile(relative(root, path), readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true),
  );
  // How each producer makes a problem: where its code and status come from (an argument, or fixed).
  // Exported producers are found by name from any file; others only in their own file.
  const exported = new Map([['ApiError', { code: { index: 1 }, status: { index: 0 } }]]);
  const local = new Map(); // "file#name" -> producer
  const declared = new Map(files.map((f) => [f.fileName, declaredNames(f)]));
  const producerOf = (node, file) => {
    const name = calleeName(node);
    if (!name) return undefined;
    return local.get(`${file.fileName}#${name}`) ?? (declared.get(file.fileName).has(name) && name !== 'ApiError' ? undefined : exported.get(name));
  };

  const invocations = [];
  const problemLiterals = [];
  for (const file of files) {
    const visit = (node) => {
      if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) invocations.push({ node, file });
      if (ts.isObjectLiteralExpression(node)) {
        const props = new Map(node.properties.filter((p) => p.name && ts.isIdentifier(p.name)).map((p) => [p.name.text, p]));
        if (props.has('type') && props.has('status') && props.has('code')) problemLiterals.push({ node, props, file });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  /** Where an argument comes from: fixed literals, a parameter of the enclosing function, or unknown. */
  const source = (expr, file, fn, fallback) => {
    if (!expr) return { values: fallback ? [fallback] : undefined };
    const index = parameterIndex(fn, expr);
    if (index !== -1) {
      const init = fn.parameters[index].initializer;
      return { index, fallback: init && ts.isStringLiteralLike(init) ? init.text : undefined };
    }
    // `code: err.code` passes on a problem made elsewhere (the error handler's body).
    if (ts.isPropertyAccessExpression(expr) && expr.name.text === 'code') return { passedOn: true };
    return { values: literals(expr, file) };
  };
  const made = (codeExpr, statusExpr, spec, file, node) => {
    const fn = enclosingFunction(node);
    const arg = (s, expr) => (s.index === undefined ? s : source(expr, file, fn, s.fallback));
    return { code: arg(spec.code, codeExpr), status: arg(spec.status, statusExpr), rows: destructuredRows(codeExpr, statusExpr) };
  };
  const makes = ({ node, file }) => {
    const p = producerOf(node, file);
    return p && made(node.arguments[p.code.index], node.arguments[p.status.index], p, file, node);
  };
  const value = (prop) => (ts.isShorthandPropertyAssignment(prop) ? prop.name : prop.initializer);
  const literalMakes = ({ props, file, node }) =>
    made(value(props.get('code')), value(props.get('status')), { code: { index: 0 }, status: { index: 1 } }, file, node);
  const all = () => [...invocations.map((i) => ({ ...i, made: makes(i) })), ...problemLiterals.map((l) => ({ ...l, made: literalMakes(l) }))];

  // Functions that pass a parameter on as a problem's code are producers themselves.
  for (let changed = true; changed;) {
    changed = false;
    for (const { made: m, node, file } of all()) {
      if (m?.code.index === undefined) continue;
      const fn = enclosingFunction(node);
      const name = fn && nameOf(fn);
      const key = `${file.fileName}#${name}`;
      if (!name || local.has(key)) continue;
      const producer = { code: m.code, status: m.status };
      local.set(key, producer);
      if (isExported(fn)) exported.set(name, producer);
      changed = true;
    }
  }

  const codes = new Map();
  const unresolved = [];
  const defaults = new Set([...local.values()].map((p) => p.code.fallback).filter(Boolean));
  for (const { made: m, node, file } of all()) {
    if (!m || m.code.index !== undefined || m.code.passedOn) continue; // a producer's own parameter: its callers count
    const where = `${file.fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const rows = m.rows ?? m.code.values?.map((code) => ({ code, statuses: m.status.values ?? [] }));
    if (!rows) {
      unresolved.push(where);
      continue;
    }
    for (const row of rows) {
      const entry = codes.get(row.code) ?? { statuses: new Set(), where: [] };
      for (const status of row.statuses ?? [row.status]) if (status !== undefined) entry.statuses.add(status);
      entry.where.push(where);
      codes.set(row.code, entry);
    }
  }
  return { codes, defaults, unresolved };
}

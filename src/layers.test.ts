/**
 * Purity and layering, checked on the real source tree (STYLE.md rules 1 and 2).
 *
 * Every TypeScript file is parsed with the TypeScript compiler (so comments and
 * strings never count, and code inside template literals does). Three checks:
 * - src/core is pure: it imports nothing outside src/core but '@noble/hashes' and
 *   '@noble/curves', and
 *   touches no clock, randomness, timer, network, storage or process global;
 * - imports point down the layers of DESIGN.md ("Layers");
 * - no cycle among the project's files.
 * A self-test feeds each checker offending sources, so the suite cannot pass by
 * checking nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
/** Folders scanned, relative to the repo root; missing ones are skipped. */
const SCANNED = ['src', 'app', 'service-worker', 'bench', 'sim', 'e2e'];
const SOURCE_FILE = /\.(ts|tsx|mts|cts)$/;

type Layer =
  | 'core' | 'journal' | 'query' | 'sync' | 'hub' | 'app' | 'service-worker'
  | 'demo' | 'testing' | 'index' | 'outside' | 'unknown';

/**
 * Which layers each layer may import (besides itself). From DESIGN.md, plus:
 * app may not import hub (Node-only code must not reach the browser); the demo is
 * a terminal program at the top; src/testing is test support over core only;
 * `outside` (bench, sim, e2e, repo-level tests) drives everything from outside.
 */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  core: [],
  journal: ['core'],
  query: ['core'],
  sync: ['core', 'journal'],
  hub: ['core', 'journal', 'sync', 'query'],
  app: ['core', 'journal', 'query', 'sync', 'index'],
  'service-worker': [],
  demo: ['core', 'journal', 'query', 'sync', 'hub', 'index'],
  testing: ['core'],
  index: ['core', 'journal', 'query', 'sync'],
  outside: ['core', 'journal', 'query', 'sync', 'hub', 'app', 'service-worker', 'demo', 'testing', 'index', 'outside'],
  unknown: [],
};

/**
 * The only packages the core may import: @noble/hashes and @noble/curves (Ed25519
 * verification, issue 8) are audited, dependency-free,
 * pure computation, and synchronous (WebCrypto's digest is async, which would make
 * every fold async). Anything else could smuggle in IO, time or randomness.
 */
const CORE_PACKAGE = /^@noble\/(hashes|curves)(\/|$)/;
/** Test tools the core's tests and test builders may use besides. */
const CORE_TEST_PACKAGE = /^(vitest|fast-check)(\/|$)/;

/** Globals that are impure wherever they appear in the core, as `name` or `globalThis.name`. */
const FORBIDDEN_GLOBALS = new Set([
  'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'indexedDB', 'process', 'require',
  'XMLHttpRequest', 'WebSocket', 'localStorage', 'sessionStorage',
]);
/** `object.member` pairs that read a clock or randomness. */
const FORBIDDEN_MEMBERS = new Set(['Date.now', 'Math.random', 'performance.now', 'crypto.getRandomValues', 'crypto.randomUUID']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

interface ImportRef {
  specifier: string;
  line: number;
  /**
   * `import type` / `export type ... from` / `import('x').T` in a type: erased from the
   * emitted JavaScript. (`import { type T }` is not: under verbatimModuleSyntax it
   * still loads the module.)
   */
  typeOnly: boolean;
}

interface SourceInfo {
  /** Repo-relative, forward slashes. */
  path: string;
  imports: ImportRef[];
  /** Impure uses found (only computed for core files). */
  impure: string[];
}

function lineOf(file: ts.SourceFile, node: ts.Node): number {
  return file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
}

/** Every module specifier a file names: static, re-export, dynamic, require and import types. */
function collectImports(file: ts.SourceFile): ImportRef[] {
  const found: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Node | undefined, typeOnly = false): void => {
    if (spec !== undefined && ts.isStringLiteralLike(spec)) found.push({ specifier: spec.text, line: lineOf(file, node), typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, node.importClause?.isTypeOnly === true);
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function isImportOrRequire(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** Impure uses in a core file: clocks, randomness, timers, network, storage, process, dynamic import. */
function collectImpurities(file: ts.SourceFile): string[] {
  const found: string[] = [];
  const flag = (node: ts.Node, what: string): void => {
    found.push(`line ${lineOf(file, node)}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node)) {
      const member = memberName(node);
      if (member !== undefined && FORBIDDEN_MEMBERS.has(member)) flag(node, member);
      if (ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text) && FORBIDDEN_GLOBALS.has(node.name.text)) {
        flag(node, `${node.expression.text}.${node.name.text}`);
      }
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      if ((node.arguments ?? []).length === 0) flag(node, 'new Date() without an argument');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      flag(node, 'dynamic import()');
    } else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && isGlobalReference(node)) {
      flag(node, node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** `Date.now` for `Date.now`, `globalThis.Date.now` or `crypto.subtle...`-style chains ending in a known pair. */
function memberName(node: ts.PropertyAccessExpression): string | undefined {
  let object = node.expression;
  if (ts.isPropertyAccessExpression(object) && ts.isIdentifier(object.expression) && GLOBAL_OBJECTS.has(object.expression.text)) {
    object = object.name;
  }
  return ts.isIdentifier(object) ? `${object.text}.${node.name.text}` : undefined;
}

/** True when an identifier is a reference (not a declared name, member name or property key). */
function isGlobalReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === node;
  if (ts.isQualifiedName(parent)) return parent.left === node;
  const named = parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node };
  if (named.name === node || named.propertyName === node) return ts.isShorthandPropertyAssignment(parent);
  return !ts.isLabeledStatement(parent) && !ts.isBreakOrContinueStatement(parent);
}

/** Parse one file's text. `path` is repo-relative with forward slashes. */
function inspectSource(path: string, text: string): SourceInfo {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return { path, imports: collectImports(file), impure: layerOf(path) === 'core' ? collectImpurities(file) : [] };
}

/** The layer a repo-relative path belongs to. */
function layerOf(path: string): Layer {
  const parts = path.split('/');
  if (parts[0] === 'app' || parts[0] === 'service-worker') return parts[0];
  if (parts[0] !== 'src') return 'outside';
  if (parts.length === 2) {
    if (parts[1] === 'index.ts') return 'index';
    return isTest(path) ? 'outside' : 'unknown';
  }
  const folder = parts[1]!;
  const known: readonly string[] = ['core', 'journal', 'query', 'sync', 'hub', 'app', 'service-worker', 'demo', 'testing'];
  return known.includes(folder) ? (folder as Layer) : 'unknown';
}

function isTest(path: string): boolean {
  return /\.(test|spec)\.tsx?$/.test(path);
}

/** Tests and builders under a `testing/` folder: they may use test support that production code may not. */
function isTestSupport(path: string): boolean {
  return isTest(path) || path.split('/').includes('testing');
}

/** Where a relative specifier points, or undefined for a package. Matches a known file when one fits. */
function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`];
  return candidates.find((c) => known.has(c)) ?? target;
}

/** Layering and purity violations of one file, as readable lines. */
function violationsOf(info: SourceInfo, known: ReadonlySet<string>): string[] {
  const from = layerOf(info.path);
  const out: string[] = [];
  const say = (ref: ImportRef, why: string): void => {
    out.push(`${info.path}:${ref.line} imports '${ref.specifier}': ${why}`);
  };
  if (from === 'unknown') out.push(`${info.path}: not in any layer; add its folder to MAY_IMPORT in src/layers.test.ts`);
  for (const ref of info.imports) {
    const target = resolveImport(info.path, ref.specifier, known);
    if (target === undefined) {
      if (from === 'core') checkCorePackage(info.path, ref, say);
      continue;
    }
    const to = layerOf(target);
    if (target.startsWith('../') || to === 'outside') {
      if (from !== 'outside') say(ref, 'points outside src, to test drivers or tools');
      continue;
    }
    if (to !== from && !MAY_IMPORT[from].includes(to) && !(to === 'testing' && isTestSupport(info.path))) {
      say(ref, `layer '${from}' may not import layer '${to}'`);
    }
    if (isTestSupport(target) && !isTestSupport(info.path) && !['demo', 'outside'].includes(from)) {
      say(ref, 'production code may not import tests or test builders');
    }
  }
  for (const use of info.impure) {
    if (isTest(info.path) && use.endsWith(': process')) continue; // a test may read its replay seed from the environment
    out.push(`${info.path} ${use}: src/core must be pure (time and randomness come in as arguments)`);
  }
  return out;
}

function checkCorePackage(path: string, ref: ImportRef, say: (ref: ImportRef, why: string) => void): void {
  if (CORE_PACKAGE.test(ref.specifier)) return;
  if (isTestSupport(path) && CORE_TEST_PACKAGE.test(ref.specifier)) return;
  const why = ref.specifier.startsWith('node:') ? 'node: modules are IO' : 'src/core may import only @noble/hashes and @noble/curves';
  say(ref, why);
}

/** Every cycle (strongly connected component of 2+ files, or a file importing itself). Tarjan's algorithm. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles;
}

/**
 * The runtime import graph among known files. Type-only imports are left out: they
 * are erased before anything runs, so a module may name the type of the store it
 * helps (`import type { QueryStore }`) without a load-order cycle. The layering
 * check still counts them, so a type can never point up the layers.
 */
function importGraph(infos: readonly SourceInfo[]): Map<string, string[]> {
  const known = new Set(infos.map((i) => i.path));
  const graph = new Map<string, string[]>();
  for (const info of infos) {
    const runtime = info.imports.filter((r) => !r.typeOnly);
    const targets = runtime.map((r) => resolveImport(info.path, r.specifier, known)).filter((t) => t !== undefined && known.has(t));
    graph.set(info.path, targets as string[]);
  }
  return graph;
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (SOURCE_FILE.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function scanRepo(): SourceInfo[] {
  const files = SCANNED.flatMap((folder) => {
    const dir = join(ROOT, folder);
    try {
      return statSync(dir).isDirectory() ? listSources(dir) : [];
    } catch {
      return [];
    }
  });
  return files.map((full) => inspectSource(relative(ROOT, full).split(sep).join('/'), readFileSync(full, 'utf8')));
}

function fake(sources: Record<string, string>): { infos: SourceInfo[]; known: Set<string> } {
  const infos = Object.entries(sources).map(([path, text]) => inspectSource(path, text));
  return { infos, known: new Set(Object.keys(sources)) };
}

function violationsIn(sources: Record<string, string>): string[] {
  const { infos, known } = fake(sources);
  return infos.flatMap((info) => violationsOf(info, known));
}

describe('the checker itself (so this suite cannot pass by checking nothing)', () => {
  it('catches every kind of impurity in core code', () => {
    const offending = [
      'export const t = Date.now();',
      'export const d = new Date();',
      'export const e = new Date;',
      'export const r = Math.random();',
      'export const p = performance.now();',
      'setTimeout(() => 1, 5);',
      'setInterval(() => 1, 5);',
      'setImmediate(() => 1);',
      'queueMicrotask(() => 1);',
      "void fetch('https://example.com');",
      'export const db = indexedDB;',
      'export const env = process.env;',
      "export const fs = require('fs');",
      "export const lazy = import('./other.ts');",
      'crypto.getRandomValues(new Uint8Array(4));',
      'globalThis.crypto.getRandomValues(new Uint8Array(4));',
      'export const g = globalThis.fetch;',
      'export const s = `${Date.now()}`;',
    ];
    for (const line of offending) {
      expect(inspectSource('src/core/bad.ts', line).impure, line).toHaveLength(1);
    }
  });

  it('ignores comments, strings, arguments given to Date, and names that only look alike', () => {
    const clean = [
      '/** Never call Date.now() or Math.random() here; setTimeout is IO. */',
      '// new Date() and process.env and fetch are for the edges',
      "export const s = 'Date.now() Math.random() process';",
      'export const d = new Date(Date.UTC(2024, 0, 1));',
      'export const o = { process: 1, fetch: 2 }; export const v = o.process + o.fetch;',
      'export interface X { setTimeout: number }',
    ];
    for (const line of clean) {
      expect(inspectSource('src/core/good.ts', line).impure, line).toEqual([]);
    }
  });

  it('catches core imports of packages, node: modules and other layers', () => {
    const found = violationsIn({
      'src/core/a.ts': [
        "import { sha256 } from '@noble/hashes/sha2.js';",
        "import { x } from './b.ts';",
        "import Dexie from 'dexie';",
        "import { readFileSync } from 'node:fs';",
        "import type { Journal } from '../journal/journal.ts';",
        "export * from '../sync/bridge.ts';",
        "import { describe } from 'vitest';",
      ].join('\n'),
      'src/core/b.ts': 'export const x = 1;',
      'src/core/a.test.ts': "import { it } from 'vitest'; import fc from 'fast-check'; import { propertyRuns } from '../testing/runs.ts';",
      'src/core/testing/build.ts': "import fc from 'fast-check'; import { x } from '../b.ts';",
      'src/core/c.ts': "import { newBook } from './testing/build.ts';",
    });
    expect(found).toEqual([
      "src/core/a.ts:3 imports 'dexie': src/core may import only @noble/hashes and @noble/curves",
      "src/core/a.ts:4 imports 'node:fs': node: modules are IO",
      "src/core/a.ts:5 imports '../journal/journal.ts': layer 'core' may not import layer 'journal'",
      "src/core/a.ts:6 imports '../sync/bridge.ts': layer 'core' may not import layer 'sync'",
      "src/core/a.ts:7 imports 'vitest': src/core may import only @noble/hashes and @noble/curves",
      "src/core/c.ts:1 imports './testing/build.ts': production code may not import tests or test builders",
    ]);
  });

  it('catches upward imports between layers and files in no layer', () => {
    const found = violationsIn({
      'src/journal/j.ts': "import { s } from '../sync/s.ts'; import type { E } from '../core/types.ts';",
      'src/query/q.ts': "import { j } from '../journal/j.ts';",
      'src/sync/s.ts': "import { q } from '../query/q.ts'; import { j } from '../journal/j.ts';",
      'src/hub/h.ts': "import { s } from '../sync/s.ts'; import { q } from '../query/q.ts';",
      'service-worker/sw.ts': "import { screen } from '../app/screen.ts';",
      'app/screen.ts': "import { q } from '../src/query/q.ts'; import { h } from '../src/hub/h.ts';",
      'src/sync/t.ts': "import { b } from '../../bench/lib.ts';",
      'src/stray/x.ts': 'export const x = 1;',
      'bench/fold.bench.ts': "import { h } from '../src/hub/h.ts';",
    });
    expect(found).toEqual([
      "src/journal/j.ts:1 imports '../sync/s.ts': layer 'journal' may not import layer 'sync'",
      "src/query/q.ts:1 imports '../journal/j.ts': layer 'query' may not import layer 'journal'",
      "src/sync/s.ts:1 imports '../query/q.ts': layer 'sync' may not import layer 'query'",
      "service-worker/sw.ts:1 imports '../app/screen.ts': layer 'service-worker' may not import layer 'app'",
      "app/screen.ts:1 imports '../src/hub/h.ts': layer 'app' may not import layer 'hub'",
      "src/sync/t.ts:1 imports '../../bench/lib.ts': points outside src, to test drivers or tools",
      'src/stray/x.ts: not in any layer; add its folder to MAY_IMPORT in src/layers.test.ts',
    ]);
  });

  it('finds runtime cycles, through re-exports and inline type specifiers too', () => {
    const { infos } = fake({
      'src/core/a.ts': "import { b } from './b.ts';",
      'src/core/b.ts': "export { c } from './c.ts';",
      'src/core/c.ts': "import { type A } from './a.ts';",
      'src/core/d.ts': "import { a } from './a.ts';",
      'src/core/self.ts': "import { me } from './self.ts';",
      'src/query/store.ts': "import { answer } from './answers.ts';",
      'src/query/answers.ts': "import type { Store } from './store.ts'; export type { Store as S } from './store.ts';",
    });
    expect(findCycles(importGraph(infos))).toEqual([
      ['src/core/a.ts', 'src/core/b.ts', 'src/core/c.ts'],
      ['src/core/self.ts'],
    ]);
  });

  it('counts type-only imports for the layers', () => {
    expect(violationsIn({ 'src/core/x.ts': "import type { Journal } from '../journal/journal.ts';" })).toEqual([
      "src/core/x.ts:1 imports '../journal/journal.ts': layer 'core' may not import layer 'journal'",
    ]);
  });
});

describe('the source tree', () => {
  const infos = scanRepo();
  const known = new Set(infos.map((i) => i.path));

  it('is actually scanned', () => {
    expect(known).toContain('src/core/entry.ts');
    expect(known).toContain('src/layers.test.ts');
    expect(infos.filter((i) => layerOf(i.path) === 'core').length).toBeGreaterThan(5);
  });

  it('keeps src/core pure and every import pointing down the layers', () => {
    expect(infos.flatMap((info) => violationsOf(info, known))).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(importGraph(infos))).toEqual([]);
  });
});

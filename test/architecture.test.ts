import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The layers of src/ (docs/architecture.md), read from the import statements
 * of the sources themselves: no file imports from a layer above it.
 */
const SRC = resolve(fileURLToPath(new URL('../../src', import.meta.url)));

type Layer = 'domain' | 'store' | 'sms' | 'service' | 'http' | 'composition';

/** Which layer a file of src/ is in: its folder, or the composition layer for runtime/, cli/ and the top-level files. */
function layerOf(file: string): Layer {
  const top = relative(SRC, file).split('/')[0]!;
  if (top === 'domain' || top === 'store' || top === 'sms' || top === 'service' || top === 'http') return top;
  return 'composition';
}

/** What each layer may import from src/, besides itself. */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  domain: [],
  store: ['domain'],
  sms: ['domain'],
  service: ['domain', 'store', 'sms'],
  http: ['domain', 'service', 'store', 'composition'],
  composition: ['domain', 'store', 'sms', 'service', 'http'],
};

/** Of the lower layers, HTTP sees only their seams: the store's interface, and the services' types from the composition root. */
const HTTP_MAY_IMPORT_FILES = ['store/database.ts', 'runtime/services.ts'];

/** Packages a layer must not use: the domain is pure, only the store speaks SQL, only HTTP speaks Fastify. */
const FORBIDDEN_PACKAGES: Readonly<Record<Layer, RegExp>> = {
  domain: /^(?!libphonenumber-js|node:crypto$)/,
  store: /^(fastify|@fastify\/|@sinclair\/typebox|ajv)/,
  sms: /^(kysely|pg$|better-sqlite3|fastify|@fastify\/)/,
  service: /^(pg$|better-sqlite3|fastify|@fastify\/|@sinclair\/typebox|ajv)/,
  http: /^(kysely|pg$|better-sqlite3)/,
  composition: /(?!)/,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports, statically or dynamically, type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'([^']+)'/gm)].map((m) => m[1]!);
}

/** The layer rules that `file` importing `specifiers` breaks, one line each. */
function violations(file: string, specifiers: readonly string[]): string[] {
  const found: string[] = [];
  const layer = layerOf(file);
  const name = relative(SRC, file);
  for (const specifier of specifiers) {
    if (!specifier.startsWith('.')) {
      if (FORBIDDEN_PACKAGES[layer].test(specifier)) found.push(`${name} (${layer}) uses the package ${specifier}`);
      continue;
    }
    const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
    const targetLayer = layerOf(target);
    const targetName = relative(SRC, target);
    if (targetLayer === layer) continue;
    if (!MAY_IMPORT[layer].includes(targetLayer)) found.push(`${name} (${layer}) imports ${targetName} (${targetLayer})`);
    else if (layer === 'http' && (targetLayer === 'store' || targetLayer === 'composition') && !HTTP_MAY_IMPORT_FILES.includes(targetName)) {
      found.push(`${name} (http) imports ${targetName}, past the seam`);
    }
  }
  return found;
}

test('no file under src/ imports from a layer above it, and HTTP reaches the store and the composition root only through their seams', () => {
  const files = sources(SRC);
  assert.ok(files.length > 50, `read ${files.length} files`);
  assert.deepEqual(files.flatMap((file) => violations(file, importsOf(file))), []);
});

test('the check fails on what it forbids: a service importing HTTP, a domain file importing the store or SQL, HTTP importing a repository', () => {
  const at = (path: string): string => join(SRC, path);
  assert.deepEqual(violations(at('service/user.service.ts'), ['../http/serialize.js']), ['service/user.service.ts (service) imports http/serialize.ts (http)']);
  assert.deepEqual(violations(at('domain/user.ts'), ['../store/database.js', 'kysely']), [
    'domain/user.ts (domain) imports store/database.ts (store)',
    'domain/user.ts (domain) uses the package kysely',
  ]);
  assert.deepEqual(violations(at('http/user.routes.ts'), ['../store/user.repository.js', '../runtime/open-store.js']), [
    'http/user.routes.ts (http) imports store/user.repository.ts, past the seam',
    'http/user.routes.ts (http) imports runtime/open-store.ts, past the seam',
  ]);
  assert.deepEqual(violations(at('store/user.repository.ts'), ['../service/user.service.js', 'fastify']).length, 2);
  assert.deepEqual(violations(at('http/user.routes.ts'), ['../store/database.js', '../domain/user.js', 'fastify', './serialize.js']), []);
  assert.deepEqual(violations(at('domain/phone.ts'), ['libphonenumber-js/max', 'node:crypto', './errors.js']), []);
});

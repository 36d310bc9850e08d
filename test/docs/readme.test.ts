import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * README.md runs as written, in order. Every shell (sh, bash, shell) and
 * TypeScript (ts, typescript) block is taken from the README itself and run
 * against a fresh Callsign (development mode, a fresh data folder, a free
 * port), the way a reader would: one terminal in which `npm start` has run.
 *
 * - The server is started by the test (`node dist/src/main.js` in a temporary
 *   folder that stands for the repository, so `./data/` is fresh); the README
 *   blocks that install or start it are marked `<!-- readme-test: skip: why -->`
 *   on the line before their fence, and so are the few others that cannot run.
 * - The one thing substituted is the server's address: `http://127.0.0.1:4000`
 *   becomes the test server's. Everything else, `$(cat data/dev-secret-key)`
 *   included, runs verbatim.
 * - Shell blocks run with `bash -euo pipefail` as one terminal session:
 *   variables, exports and functions a block defines are there in the next
 *   ones. `callsign` is the built CLI. TypeScript blocks see the session's
 *   exported variables (the reader runs them from that terminal); they are
 *   type-checked as the README says to compile them, then transpiled to ESM
 *   and run with node where `@callsign/client` and `@clerk/backend` resolve.
 * - Each block must exit 0, and every ClerkErrors code a block's comments
 *   name (`# … "code":"form_param_format_invalid" …`) must be in its output.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const README = join(ROOT, 'README.md');
const DEFAULT_URL = 'http://127.0.0.1:4000';
const BLOCK_TIMEOUT_MS = 20_000;
/** Few blocks may be skipped, each with a reason. */
const MAX_SKIPPED = 8;

interface Block {
  /** 1-based position among the README's shell and TypeScript blocks. */
  readonly index: number;
  readonly lang: 'sh' | 'ts';
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly heading: string;
  readonly code: string;
  /** The reason given in `<!-- readme-test: skip: reason -->`, when skipped. */
  readonly skip: string | undefined;
}

const LANGS: Readonly<Record<string, 'sh' | 'ts'>> = { sh: 'sh', bash: 'sh', shell: 'sh', ts: 'ts', typescript: 'ts' };
const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->$/;

/** The README's shell and TypeScript blocks, in order, with their skip markers. */
export function readmeBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let heading = '(top)';
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const marker = line.trim().match(MARKER);
    if (marker !== null) {
      assert.match(marker[1]!, /^skip: \S/, `README.md:${i + 1}: the only marker is <!-- readme-test: skip: reason -->`);
      assert.match(lines[i + 1]?.trim() ?? '', /^```/, `README.md:${i + 1}: a readme-test marker must be on the line right before a fence`);
    }
    const open = line.match(/^(\s*)```(\S*)\s*$/);
    if (open === null) continue;
    const indent = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.replace(new RegExp(`^ {0,${indent.length}}`), ''));
    assert.ok(j < lines.length, `README.md:${i + 1}: unclosed fence`);
    const lang = LANGS[open[2]!];
    const skip = lines[i - 1]?.trim().match(MARKER)?.[1]?.replace(/^skip: /, '');
    if (lang !== undefined) blocks.push({ index: ++count, lang, line: i + 1, heading, code: body.join('\n'), skip });
    else assert.equal(skip, undefined, `README.md:${i + 1}: only shell and TypeScript blocks run, so only they can be skipped`);
    i = j;
  }
  return blocks;
}

/** Every code Callsign's errors carry (src/domain/errors.ts), e.g. form_identifier_exists. */
function errorCodes(): Set<string> {
  const source = readFileSync(join(ROOT, 'src/domain/errors.ts'), 'utf8');
  return new Set([...source.matchAll(/new CallsignError\(\s*'([a-z_]+)'/g)].map((m) => m[1]!));
}

/** The error codes a block's comments claim it shows. */
function claimedCodes(block: Block, codes: Set<string>): string[] {
  const comment = block.lang === 'sh' ? /(?:^|\s)#(.*)$/ : /\/\/(.*)$/;
  const claimed = new Set<string>();
  for (const line of block.code.split('\n')) {
    const text = line.match(comment)?.[1] ?? '';
    for (const [word] of text.matchAll(/[a-z]+(?:_[a-z]+)+/g)) if (codes.has(word)) claimed.add(word);
  }
  return [...claimed];
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly timedOut: boolean;
}

/**
 * Runs a command in a process group of its own, stdout and stderr together;
 * the whole group is killed at the end (and on a timeout), so nothing a block
 * starts in the background outlives it.
 */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, BLOCK_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, signal, output, timedOut });
    });
    child.stdin.end(input);
  });
}

/** Bash's own variables, which a session does not carry from one block to the next. */
const BASH_OWN = /^(BASH.*|PIPESTATUS|_|FUNCNAME|LINENO|RANDOM|SRANDOM|SECONDS|EPOCH.*|OPTARG|OPTIND|REPLY|GROUPS|DIRSTACK|HISTCMD|COLUMNS|LINES|__readme_.*)$/;

/** A shell block wrapped so the session carries on: the state before it is loaded, the state after it saved. */
function sessionScript(code: string, state: string, envFile: string): string {
  return [
    `__readme_baseline=" $(compgen -v | tr '\\n' ' ') "`,
    `__readme_own='${BASH_OWN.source}'`,
    `if [ -f '${state}' ]; then source '${state}'; fi`,
    code,
    `{`,
    `  for __readme_v in $(compgen -v); do`,
    `    case "$__readme_baseline" in *" $__readme_v "*) continue ;; esac`,
    `    if [[ "$__readme_v" =~ $__readme_own ]]; then continue; fi`,
    `    declare -p "$__readme_v"`,
    `  done`,
    `  declare -f`,
    `} > '${state}.next'`,
    `mv '${state}.next' '${state}'`,
    `env -0 > '${envFile}'`,
    '',
  ].join('\n');
}

const blocks = readmeBlocks(readFileSync(README, 'utf8'));
const codes = errorCodes();

describe('README.md runs as written, in order, against a fresh server', () => {
  let dir: string;
  let url = '';
  let server: ReturnType<typeof spawn> | undefined;
  let serverOutput = '';
  /** The environment of the reader's terminal; the exports of each shell block are added to it. */
  let sessionEnv: NodeJS.ProcessEnv;
  let failed: string | undefined;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist/src/cli/main.js')) && existsSync(join(ROOT, 'client/dist/index.js')), 'build first: npm run build');
    for (const tool of ['bash', 'curl', 'jq']) {
      assert.equal(spawnSync(tool, ['--version'], { stdio: 'ignore' }).status, 0, `the README's shell examples need ${tool}`);
    }
    dir = mkdtempSync(join(tmpdir(), 'callsign-readme-'));
    // The temporary folder stands for the repository: packages resolve from it, `callsign` is the built CLI.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin/callsign'), `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'dist/src/cli/main.js')}' "$@"\n`, { mode: 0o755 });
    sessionEnv = { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir, LANG: 'C.UTF-8', NODE_OPTIONS: '' };

    // `npm start` with its defaults (development, ./data/callsign.sqlite), but on a free port.
    server = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: sessionEnv.HOME, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (serverOutput += chunk));
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (serverOutput += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const printed = serverOutput.match(/secret key \(kept in \.\/data\/\): (\S+)\n.*Bearer \S+" (http:\/\/127\.0\.0\.1:\d+)\/v1\/users/);
      if (printed !== null) {
        // What the README says: the generated key is printed and kept in ./data/dev-secret-key.
        assert.equal(readFileSync(join(dir, 'data/dev-secret-key'), 'utf8').trim(), printed[1]);
        url = printed[2]!;
        break;
      }
      assert.ok(server.exitCode === null && Date.now() < deadline, `the server did not start:\n${serverOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  after(() => {
    if (server?.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    if (dir !== undefined) {
      unlinkSync(join(dir, 'node_modules'));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the blocks that do not run are few, and each says why', () => {
    const skipped = blocks.filter((b) => b.skip !== undefined);
    assert.ok(skipped.length <= MAX_SKIPPED, `${skipped.length} blocks skipped: ${skipped.map((b) => `README.md:${b.line}`).join(', ')}`);
    for (const block of skipped) assert.match(block.skip!, /\w{3,}/, `README.md:${block.line}: say why the block does not run`);
    assert.ok(blocks.filter((b) => b.skip === undefined && b.lang === 'sh').length >= 4, 'the shell examples run');
    assert.ok(blocks.filter((b) => b.skip === undefined && b.lang === 'ts').length >= 2, 'the TypeScript examples run');
    assert.ok(blocks.some((b) => b.skip === undefined && b.code.includes(DEFAULT_URL)), `one block tells the reader to set the address, ${DEFAULT_URL}`);
  });

  test('the TypeScript blocks compile as the README says (tsc --module nodenext --target es2022 --skipLibCheck), strictly', () => {
    const sources = blocks.filter((b) => b.lang === 'ts' && b.skip === undefined);
    const files = sources.map((block) => {
      const file = join(dir, `readme-${block.index}.mts`);
      writeFileSync(file, block.code);
      return file;
    });
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      strict: true,
      noEmit: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file === undefined ? '' : `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `;
      const index = Number(d.file?.fileName.match(/readme-(\d+)\.mts$/)?.[1]);
      const block = sources.find((b) => b.index === index);
      return `${block === undefined ? where : `README.md block at line ${block.line}: ${where}`}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    assert.deepEqual(problems, []);
  });

  for (const block of blocks) {
    const name = `block ${block.index} (README.md:${block.line}, "${block.heading}", ${block.lang})`;
    test(name, { skip: block.skip === undefined ? false : `readme-test: skip: ${block.skip}` }, async (t) => {
      if (failed !== undefined) return t.skip(`an earlier block failed (${failed}); the ones after it depend on it`);
      const code = block.code.split(DEFAULT_URL).join(url);
      let result: Run;
      if (block.lang === 'sh') {
        const script = join(dir, `readme-${block.index}.sh`);
        const envFile = join(dir, 'session.env');
        writeFileSync(script, sessionScript(code, join(dir, 'session.sh'), envFile));
        result = await run('bash', ['-euo', 'pipefail', script], dir, sessionEnv);
        if (result.code === 0) {
          sessionEnv = Object.fromEntries(
            readFileSync(envFile, 'utf8')
              .split('\0')
              .filter((entry) => entry.includes('='))
              .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
          );
        }
      } else {
        const output = ts.transpileModule(code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          fileName: `readme-${block.index}.mts`,
        }).outputText;
        const file = join(dir, `readme-${block.index}.mjs`);
        writeFileSync(file, output);
        result = await run(process.execPath, [file], dir, sessionEnv);
      }
      const shown = `\n--- block ---\n${block.code}\n--- output ---\n${result.output}\n--- server ---\n${serverOutput.slice(-2000)}`;
      try {
        assert.ok(!result.timedOut, `did not finish within ${BLOCK_TIMEOUT_MS} ms${shown}`);
        assert.equal(result.code, 0, `exited ${result.code ?? result.signal}${shown}`);
        for (const claimed of claimedCodes(block, codes)) assert.ok(result.output.includes(claimed), `the README says it answers ${claimed}; it did not${shown}`);
      } catch (error) {
        failed = `README.md:${block.line}`;
        throw error;
      }
    });
  }
});

/**
 * Property-based fuzzing of the API with Schemathesis (PyPI) against a stack this script starts
 * itself: every operation of /openapi.json, `--checks all`, with the bearer API key. Schemathesis
 * lives in its own venv under .tools/ (made on first run). Exits non-zero on a server error, a
 * response that breaks the document, or an auth or resource finding (ST1xx, ST3xx, ST4xx).
 *
 *   npm run fuzz                 # 50 examples per operation
 *   npm run fuzz -- --quick      # 8 per operation, as CI runs it
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ALWAYS_OPEN, startBenchStack } from './bench/bench-stack';

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.tools', 'schemathesis');
const ST = path.join(VENV, 'bin', 'st');
const VERSION = '4.32.5';

function ensureSchemathesis(): void {
  if (fs.existsSync(ST)) return;
  console.log(`installing schemathesis ${VERSION} into ${path.relative(ROOT, VENV)}…`);
  execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${VERSION}`], { stdio: 'inherit' });
}

async function main() {
  const quick = process.argv.includes('--quick');
  ensureSchemathesis();
  const stack = await startBenchStack('fuzz');
  // Something real to find, so that not every generated id is a 404.
  const resource = await stack.post('/v1/resources', { name: 'Fuzz room', timezone: 'Europe/Paris', weekly_schedule: ALWAYS_OPEN });
  await stack.post('/v1/services', { name: 'Fuzz visit', durations_minutes: [30], resource_ids: [resource.body.id] });
  const reportDir = fs.mkdtempSync(path.join(ROOT, '.tools', 'fuzz-report-'));
  let output = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn(ST, [
      '--no-color', '--config-file', path.join(ROOT, 'scripts', 'schemathesis.toml'),
      'run', `${stack.baseUrl}/openapi.json`, '--url', stack.baseUrl,
      '--checks', 'all',
      '--header', `Authorization: Bearer ${stack.apiKey}`,
      '--max-examples', quick ? '8' : '50',
      '--seed', '12',
      '--workers', '2',
      '--request-timeout', '10',
      '--report', 'junit', '--report-dir', reportDir,
    // Run from .tools/ so Schemathesis's cache of failures stays out of the work tree.
    ], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(ROOT, '.tools'), env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (status) => resolve(status ?? 1));
  });
  const findings = [...output.matchAll(/❌ (ST\d+) ([^:\n]+): (\d+)/g)].map(([, id, title, count]) => ({ id, title, count: Number(count) }));
  // ST1xx: server errors and responses that break the document; ST3xx/ST4xx: lost resources, ignored
  // auth. Those fail the run. ST2xx (a schema-valid request refused by a rule JSON Schema cannot say,
  // and the like) are reported for reading, not failed on.
  const failing = findings.filter(({ id }) => /^ST[134]/.test(id));
  console.log(`\nfuzz: ${output.match(/(\d+) generated/)?.[1] ?? '?'} test cases; `
    + `server errors ${sum(findings, /^ST10[12]$/)}, schema violations ${sum(findings, /^ST1(0[3-9]|1\d)$/)}, `
    + `other findings ${findings.filter(({ id }) => !/^ST1/.test(id)).map(({ id, title, count }) => `${id} ${title}: ${count}`).join('; ') || 'none'}`);
  if (code !== 0 && findings.length === 0) console.log(`schemathesis exited ${code} without a failure summary`);
  console.log(`reports in ${path.relative(ROOT, reportDir)}`);
  await stack.stop();
  process.exitCode = failing.length > 0 || (code !== 0 && findings.length === 0) ? 1 : 0;
}

function sum(findings: { id: string; count: number }[], id: RegExp): number {
  return findings.filter((finding) => id.test(finding.id)).reduce((total, finding) => total + finding.count, 0);
}

void main();

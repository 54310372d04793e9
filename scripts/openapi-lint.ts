/**
 * Lints /openapi.json with Redocly's "recommended" rules (the OpenAPI 3.1 structure, refs that
 * resolve, operationIds, 4xx responses, security defined...). Exits 1 on any error or warning;
 * `--json` prints the problems for the contract test.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { buildOpenApiDocument } from '../api/openapi';

async function main() {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({
    source: JSON.stringify(buildOpenApiDocument()), absoluteRef: 'openapi.json', config,
  });
  const found = problems.map((problem) => ({
    rule: problem.ruleId, severity: problem.severity, message: problem.message,
    where: problem.location.map((location) => location.pointer).join(' '),
  }));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(found));
  } else {
    for (const problem of found) console.log(`${problem.severity} ${problem.rule}: ${problem.message} at ${problem.where}`);
    console.log(`openapi.json: ${found.filter((p) => p.severity === 'error').length} errors, ${found.filter((p) => p.severity === 'warn').length} warnings`);
  }
  process.exitCode = found.length > 0 ? 1 : 0;
}

void main();

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const START = '<!-- layers:start (npm run layers:diagram) -->';
const END = '<!-- layers:end -->';

interface CruisedModule { source: string; dependencies: Array<{ resolved: string; coreModule: boolean; dependencyTypes: string[] }> }

/**
 * The folders of the application and which import which, as dependency-cruiser sees them with the
 * project's configuration (.dependency-cruiser.cjs), one box per top folder, as Mermaid. scripts/
 * and test/ are left out: they may import anything.
 */
export function layersDiagram(): string {
  const json = execFileSync(process.execPath, [
    path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
    '--config', '.dependency-cruiser.cjs', '--collapse', '^[^/]+/', '--output-type', 'json',
    '--exclude', '^(node_modules|dist|\\.data|\\.tools|coverage|scripts|test)/|^jest\\.config|^\\.dependency-cruiser', '.',
  ], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).toString();
  // Node's own modules collapse to names like dns/: ours are the folders (and config.ts) of this checkout.
  const ours = (name: string) => (name.endsWith('/') || name === 'config.ts') && fs.existsSync(path.join(ROOT, name));
  const modules = (JSON.parse(json).modules as CruisedModule[]).filter((module) => ours(module.source));
  const id = (name: string) => name.replace(/\/$/, '').replace(/[^a-z0-9]/gi, '_');
  const edges = new Set<string>();
  for (const module of modules) {
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || !ours(dependency.resolved) || dependency.resolved === module.source) continue;
      edges.add(`  ${id(module.source)} --> ${id(dependency.resolved)}`);
    }
  }
  const nodes = modules.map((module) => `  ${id(module.source)}["${module.source}"]`).sort();
  return ['```mermaid', 'flowchart TD', ...nodes, ...[...edges].sort(), '```'].join('\n');
}

/** The diagram as the README holds it now, between its markers. */
export function readmeDiagram(readme = fs.readFileSync(README, 'utf8')): string | null {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start < 0 || end < start ? null : readme.slice(start + START.length, end).trim();
}

/** `npm run layers:diagram`: writes the diagram into the README's Layout section. */
function main() {
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  fs.writeFileSync(README, `${readme.slice(0, start + START.length)}\n${layersDiagram()}\n${readme.slice(end)}`);
  console.log('README.md: layers diagram written');
}

if (require.main === module) main();
